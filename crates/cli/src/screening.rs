//! `concord compare`, `concord index` and `concord screen`: the matcher from
//! the command line, over files. Batch screening is resumable: the output
//! says which input line each result answers, and a rerun with `--resume`
//! continues after the last one written.

use crate::NodeArgs;
use crate::exchange::user_ctx;
use crate::node::Node;
use anyhow::{Context, Result, bail};
use concord_domain::Action;
use concord_exchange::subjects::{Counting, SubjectFormat, Subjects, subject_from_json};
use concord_matcher::{Explanation, Index, IndexBuilder, IndexRecord, Prepared, SearchOptions};
use concord_store::Ctx;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Output format of `concord screen`.
#[derive(Clone, Copy, clap::ValueEnum, PartialEq)]
pub enum ScreenFormat {
    Jsonl,
    Csv,
}

#[derive(clap::Args)]
pub struct CompareArgs {
    /// The two names (omit with --pairs).
    #[arg(num_args = 0..=2)]
    pub names: Vec<String>,
    /// A file of `NAME A<TAB>NAME B` lines: writes one score per line.
    #[arg(long, conflicts_with = "names")]
    pub pairs: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct ScreenArgs {
    /// Names to screen: CSV with a header (`id,name,birth_date,nationality,gender,identifier`)
    /// or JSON lines (`{"id", "name" or "names", "birth_date", "nationality", "gender", "identifiers"}`).
    #[arg(long)]
    pub input: PathBuf,
    /// What to screen against: a saved index (`concord index`), an FtM
    /// JSON-lines file, or a node's data folder (the database: then `--user`
    /// and `--purpose` are required, only records that user may read are
    /// searched, and every query is audited).
    #[arg(long)]
    pub against: PathBuf,
    /// With a node folder: the user screening (the access model applies).
    #[arg(long)]
    pub user: Option<String>,
    /// With a node folder: why, for the audit log.
    #[arg(long)]
    pub purpose: Option<String>,
    /// With a node folder: its database URL when not the folder's SQLite file.
    #[arg(long, env = "CONCORD_DATABASE_URL")]
    pub database: Option<String>,
    /// Results below this score are left out.
    #[arg(long, default_value_t = concord_matcher::DEFAULT_THRESHOLD)]
    pub threshold: f64,
    /// Results per query at most.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Where to write the results.
    #[arg(long, short)]
    pub output: PathBuf,
    /// jsonl (with explanations) or csv.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: ScreenFormat,
    /// Continue an interrupted run: keep the output's complete lines and go on after them.
    #[arg(long)]
    pub resume: bool,
}

pub fn compare(args: CompareArgs) -> Result<std::process::ExitCode> {
    if let Some(path) = args.pairs {
        let file = std::fs::File::open(&path).with_context(|| format!("opening {}", path.display()))?;
        let mut out = BufWriter::new(std::io::stdout().lock());
        let mut failed = 0;
        for (i, line) in BufReader::new(file).split(b'\n').enumerate() {
            let line = line?;
            let result = std::str::from_utf8(&line)
                .map_err(|e| format!("not UTF-8 at byte {}", e.valid_up_to()))
                .and_then(|l| {
                    let l = l.trim_end_matches('\r');
                    let (a, b) = l.split_once('\t').ok_or("expected two names separated by a tab")?;
                    concord_matcher::compare(a, b).map_err(|e| e.to_string())
                });
            match result {
                Ok((score, _)) => writeln!(out, "{score}")?,
                Err(e) => {
                    writeln!(out)?;
                    eprintln!("{}:{}: {e}", path.display(), i + 1);
                    failed += 1;
                }
            }
        }
        out.flush()?;
        return Ok(if failed > 0 {
            std::process::ExitCode::from(1)
        } else {
            std::process::ExitCode::SUCCESS
        });
    }
    let [a, b] = args.names.as_slice() else {
        bail!("give two names, or --pairs FILE");
    };
    let (score, explanation) = concord_matcher::compare(a, b).map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "{}",
        serde_json::to_string_pretty(&json!({"score": score, "explanation": explanation}))?
    );
    Ok(std::process::ExitCode::SUCCESS)
}

/// Reads an FtM JSON-lines file into index records, with the reader of
/// `concord_exchange::ftm`.
pub fn read_ftm(path: &Path, each: impl FnMut(IndexRecord)) -> Result<usize> {
    let open = || std::fs::File::open(path).map(BufReader::new);
    concord_exchange::ftm::read_screening_targets(open, each).with_context(|| format!("reading {}", path.display()))
}

/// Builds an index from an FtM file.
pub fn index_ftm(path: &Path) -> Result<Index> {
    let mut b = IndexBuilder::new();
    read_ftm(path, |r| b.add(&r))?;
    for (id, why) in b.skipped.iter().take(10) {
        eprintln!("skipped a name of {id}: {why}");
    }
    Ok(b.finish())
}

/// Loads a saved index, or builds one from an FtM file.
pub fn load_or_build(path: &Path) -> Result<Index> {
    let mut f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut magic = [0u8; 8];
    // Any version's magic: an older index gets its own error, not a JSON one.
    let is_index = f.read_exact(&mut magic).is_ok() && magic.starts_with(concord_matcher::index::FAMILY);
    if is_index {
        Ok(read_index(path)?)
    } else {
        index_ftm(path)
    }
}

/// Reads a saved index a section at a time.
pub fn read_index(path: &Path) -> Result<Index> {
    let f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let size = f.metadata()?.len();
    Index::read_from(&mut std::io::BufReader::new(f), size).with_context(|| format!("reading {}", path.display()))
}

/// Saves an index a section at a time.
pub fn write_index(index: &Index, path: &Path) -> Result<()> {
    let f = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut w = std::io::BufWriter::new(f);
    index
        .write_to(&mut w)
        .and_then(|()| std::io::Write::flush(&mut w))
        .with_context(|| format!("writing {}", path.display()))
}

/// `concord index FTM OUTPUT`.
pub fn build_index(input: &Path, output: &Path) -> Result<()> {
    let t = std::time::Instant::now();
    let index = index_ftm(input)?;
    let built = t.elapsed();
    write_index(&index, output)?;
    println!(
        "indexed {} records ({} names) in {:.1} s into {}",
        index.len(),
        index.names(),
        built.as_secs_f64(),
        output.display()
    );
    Ok(())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Lines already answered in an output being resumed: the highest input line
/// named in its complete lines. A torn last line is cut off.
fn resume_point(output: &Path, format: ScreenFormat) -> Result<usize> {
    let Ok(text) = std::fs::read(output) else { return Ok(0) };
    let complete = text.iter().rposition(|b| *b == b'\n').map(|p| p + 1).unwrap_or(0);
    let f = std::fs::OpenOptions::new().write(true).open(output)?;
    f.set_len(complete as u64)?;
    let text = String::from_utf8_lossy(&text[..complete]);
    let mut last = 0;
    for line in text.lines() {
        let n = match format {
            ScreenFormat::Jsonl => serde_json::from_str::<Value>(line)
                .ok()
                .and_then(|v| v["line"].as_u64()),
            ScreenFormat::Csv => line.split(',').next().and_then(|s| s.parse().ok()),
        };
        if let Some(n) = n {
            last = last.max(n as usize);
        }
    }
    Ok(last)
}

/// What `concord screen` searches.
enum Target {
    Index(Index),
    /// A node's database, as one user.
    Node {
        node: Node,
        ctx: Ctx,
        built: std::sync::Arc<concord_app::screening::Built>,
    },
}

impl Target {
    async fn open(args: &ScreenArgs) -> Result<Target> {
        if !args.against.is_dir() {
            if args.user.is_some() || args.purpose.is_some() {
                bail!("--user and --purpose go with a node folder as --against");
            }
            return Ok(Target::Index(load_or_build(&args.against)?));
        }
        if args.database.is_none() && !args.against.join("concord.db").exists() {
            bail!(
                "{} is a folder but not a Concord node (no concord.db)",
                args.against.display()
            );
        }
        let (Some(user), Some(purpose)) = (&args.user, &args.purpose) else {
            bail!("screening a node's database needs --user (whose access applies) and --purpose (for the audit log)");
        };
        let node = Node::open(&NodeArgs {
            data_dir: args.against.clone(),
            database: args.database.clone(),
            key: None,
            audit_witness: None,
        })
        .await?;
        node.load_config(None).await?;
        let ctx = user_ctx(&node, user, purpose).await?;
        let built = concord_app::screening::Screening::default()
            .rebuild(&node.store)
            .await
            .context("building the screening index")?;
        Ok(Target::Node { node, ctx, built })
    }

    /// The results: record id, score, explanation. From a node, only what
    /// the user may read, checked again and audited with the purpose.
    async fn search(&self, query: &Prepared, options: &SearchOptions) -> Result<Vec<(String, f64, Explanation)>> {
        match self {
            Target::Index(index) => Ok(index
                .search(query, options, &|_| true)
                .into_iter()
                .map(|h| (index.id(h.record).to_owned(), h.score, h.explanation))
                .collect()),
            Target::Node { node, ctx, built } => {
                let allow = |rec: u32| {
                    built
                        .protected
                        .get(rec as usize)
                        .is_some_and(|p| node.store.decide_on(ctx, p, Action::Read).allowed)
                };
                let hits = built.index.search(query, options, &allow);
                let ids: Vec<String> = hits.iter().map(|h| built.index.id(h.record).to_owned()).collect();
                let fresh = node
                    .store
                    .screening_results(ctx, &query.originals.join(" / "), &ids)
                    .await?;
                Ok(hits
                    .into_iter()
                    .filter(|h| fresh.iter().any(|r| r.id == built.index.id(h.record)))
                    .map(|h| (built.index.id(h.record).to_owned(), h.score, h.explanation))
                    .collect())
            }
        }
    }
}

pub async fn screen(args: ScreenArgs) -> Result<std::process::ExitCode> {
    if !(0.0..=1.0).contains(&args.threshold) {
        bail!("--threshold must be between 0 and 1");
    }
    let target = Target::open(&args).await?;
    let done = if args.resume {
        resume_point(&args.output, args.format)?
    } else {
        0
    };
    let out_file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(args.resume)
        .truncate(!args.resume)
        .open(&args.output)
        .with_context(|| format!("opening {}", args.output.display()))?;
    let mut out = BufWriter::new(out_file);
    if args.format == ScreenFormat::Csv && done == 0 {
        writeln!(out, "line,query_id,query_name,rank,record_id,score,record_name")?;
    }
    let input = std::fs::File::open(&args.input).with_context(|| format!("opening {}", args.input.display()))?;
    let size = input.metadata().map(|m| m.len()).unwrap_or(0);
    let pb = ProgressBar::new(size);
    pb.set_style(
        ProgressStyle::with_template("screening [{bar:30}] {bytes}/{total_bytes} ({eta}) {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    // The file's name decides (`.csv`); anything else is JSON lines.
    let format = if args.input.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
        SubjectFormat::Csv
    } else {
        SubjectFormat::JsonLines
    };
    let counting = Counting::new(input);
    let read = counting.read.clone();
    let subjects = Subjects::new(BufReader::new(counting), format)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.input.display()))?;
    let options = SearchOptions {
        limit: args.limit.max(1),
        threshold: args.threshold,
        ..Default::default()
    };
    let (mut screened, mut errors, mut hits) = (0usize, 0usize, 0usize);
    for (i, (number, line)) in subjects.enumerate() {
        let number = number as usize;
        if i % 256 == 0 {
            pb.set_position(read.get());
        }
        if number <= done {
            continue;
        }
        // The options are the command's; a line gives the subject only.
        let parsed = line.and_then(|v| subject_from_json(&v, &[]));
        let prepared = parsed.and_then(|(id, s)| s.prepare().map(|p| (id, s, p)).map_err(|e| e.to_string()));
        let (id, subject, prepared) = match prepared {
            Ok(x) => x,
            Err(e) => {
                errors += 1;
                write_error(&mut out, args.format, number, &e)?;
                continue;
            }
        };
        screened += 1;
        let results = target.search(&prepared, &options).await?;
        hits += results.len();
        match args.format {
            ScreenFormat::Jsonl => {
                let results: Vec<Value> = results
                    .iter()
                    .map(
                        |(id, score, explanation)| json!({"record_id": id, "score": score, "explanation": explanation}),
                    )
                    .collect();
                writeln!(
                    out,
                    "{}",
                    json!({"line": number, "query_id": id, "query": subject.names, "results": results})
                )?;
            }
            ScreenFormat::Csv => {
                let name = subject.names.first().map(String::as_str).unwrap_or("");
                if results.is_empty() {
                    writeln!(out, "{number},{},{},,,,", csv_field(&id), csv_field(name))?;
                }
                for (rank, (record, score, explanation)) in results.iter().enumerate() {
                    writeln!(
                        out,
                        "{number},{},{},{},{},{},{}",
                        csv_field(&id),
                        csv_field(name),
                        rank + 1,
                        csv_field(record),
                        score,
                        csv_field(&explanation.record_name)
                    )?;
                }
            }
        }
    }
    out.flush()?;
    pb.finish_and_clear();
    eprintln!(
        "screened {screened} queries ({hits} results at or above {}), {errors} bad lines{}; results in {}",
        args.threshold,
        if done > 0 {
            format!(", resumed after line {done}")
        } else {
            String::new()
        },
        args.output.display()
    );
    Ok(if errors > 0 {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    })
}

fn write_error(out: &mut impl Write, format: ScreenFormat, line: usize, error: &str) -> Result<()> {
    eprintln!("line {line}: {error}");
    match format {
        ScreenFormat::Jsonl => writeln!(out, "{}", json!({"line": line, "error": error}))?,
        ScreenFormat::Csv => writeln!(out, "{line},,,,,,{}", csv_field(&format!("error: {error}")))?,
    }
    Ok(())
}
