//! `concord import`, `concord export`, `concord generate`: streaming, with a
//! progress bar.

use crate::NodeArgs;
use crate::node::Node;
use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use concord_app::records::FileFormat;
use concord_app::text::ImportText;
use concord_domain::Checklist;
use concord_exchange::ImportDefaults;
use concord_store::{Ctx, ImportFailure};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashSet;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, ValueEnum)]
pub enum ImportFormat {
    /// FollowTheMoney entities, one JSON object per line.
    Ftm,
    /// CSV with the documented header (see docs/ARCHITECTURE.md, concord-exchange).
    Csv,
    /// The UN Security Council consolidated list XML.
    Unsc,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Ftm,
    Csv,
}

/// Who imports, and what every imported record carries.
#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub node: NodeArgs,
    /// File format.
    pub format: ImportFormat,
    /// The file.
    pub file: PathBuf,
    /// The importing user: records belong to their authority.
    #[arg(long)]
    pub user: String,
    /// Legal basis: instrument id from the registry.
    #[arg(long, default_value = "shanghai-convention-2001")]
    pub instrument: String,
    /// Legal basis: article of that instrument.
    #[arg(long, default_value = "1.1.1b")]
    pub article: String,
    /// terrorism, separatism, extremism, drug-trafficking, arms-trafficking, organized-crime, cyber.
    #[arg(long, default_value = "terrorism")]
    pub category: String,
    /// all-members, structure-only, originator-only, or states:CN,KZ.
    #[arg(long, default_value = "all-members")]
    pub distribution: String,
    /// free or originator-consent.
    #[arg(long, default_value = "free")]
    pub dissemination: String,
    /// intelligence-only or evidence.
    #[arg(long = "use", default_value = "intelligence-only")]
    pub use_: String,
    /// unclassified, restricted, confidential, secret.
    #[arg(long, default_value = "restricted")]
    pub classification: String,
    /// Review date (YYYY-MM-DD); default: one year from today.
    #[arg(long)]
    pub review_date: Option<String>,
    /// Evidence summary for records whose file gives none.
    #[arg(long)]
    pub evidence: Option<String>,
    /// As a supervisor, approve the imported records afterwards with this note
    /// (you answer the compliance checklist for all of them).
    #[arg(long)]
    pub approve_with_note: Option<String>,
}

/// The user's access context, with the purpose the audit log records.
pub async fn user_ctx(node: &Node, username: &str, purpose: &str) -> Result<Ctx> {
    let user = node
        .store
        .user_by_name(username)
        .await
        .with_context(|| format!("--user {username}"))?;
    if user.disabled {
        bail!("user {username} is disabled");
    }
    Ok(Ctx {
        viewer: node.store.viewer(&user)?,
        purpose: purpose.into(),
    })
}

fn bar(len: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    let style = ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {bytes}/{total_bytes} ({eta})")
        .or_else(|_| ProgressStyle::with_template("{msg} {pos}"))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style.progress_chars("=> "));
    pb.set_message(what.to_owned());
    pb
}

/// The import's settings, read as the API and the console read theirs; a
/// refusal names the flag.
fn defaults(a: &ImportArgs, today: time::Date) -> Result<ImportDefaults> {
    concord_app::text::import_defaults(
        ImportText {
            instrument: &a.instrument,
            article: &a.article,
            category: &a.category,
            distribution: Some(&a.distribution),
            dissemination: Some(&a.dissemination),
            use_: Some(&a.use_),
            classification: Some(&a.classification),
            review_date: a.review_date.as_deref(),
            evidence: a.evidence.clone(),
        },
        today,
    )
    .map_err(|e| match e {
        concord_app::Refusal::Invalid { field, message } => {
            anyhow::anyhow!("--{}: {message}", field.replace('_', "-"))
        }
        other => other.into(),
    })
}

/// The checklist a supervisor answers with `--approve-with-note`.
pub const ALL_TICKED: Checklist = Checklist {
    criminal_act_described: true,
    legal_basis_cites_article: true,
    not_on_protected_grounds_alone: true,
};

pub async fn import(a: ImportArgs) -> Result<ExitCode> {
    let node = Node::open(&a.node).await?;
    node.load_config(None).await?;
    let ctx = user_ctx(&node, &a.user, "command-line import").await?;
    let d = defaults(&a, node.store.clock().today())?;
    let file = std::fs::File::open(&a.file).with_context(|| format!("opening {}", a.file.display()))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let pb = bar(len, "importing");
    let reader = BufReader::new(pb.wrap_read(file));
    let format = match a.format {
        ImportFormat::Ftm => FileFormat::Ftm,
        ImportFormat::Csv => FileFormat::Csv,
        ImportFormat::Unsc => FileFormat::Unsc,
    };
    let result = concord_app::records::import_file(&node.store, &ctx, format, reader, &d, |_| {}).await;
    pb.finish_and_clear();
    match result {
        Ok(report) => {
            println!(
                "{}: {} created, {} updated, {} unchanged, {} documents, {} relationships",
                a.file.display(),
                report.created,
                report.updated,
                report.unchanged,
                report.identifiers,
                report.links
            );
        }
        Err(ImportFailure::Input(e)) => {
            eprintln!(
                "{}:{}: {}: {}; nothing was imported",
                a.file.display(),
                e.line,
                e.field,
                e.message
            );
            return Ok(ExitCode::from(1));
        }
        Err(ImportFailure::Store(e)) => return Err(e.into()),
    }
    if let Some(note) = &a.approve_with_note {
        let n = concord_app::records::approve_imported(&node.store, &ctx, ALL_TICKED, note).await?;
        println!("approved {n} imported records");
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes what `ctx` may pass on to `out` in `format`.
pub async fn export_to(node: &Node, ctx: &Ctx, format: ExportFormat, out: &mut dyn Write) -> Result<usize> {
    let records = node.store.export_records(ctx).await?;
    match format {
        ExportFormat::Ftm => {
            let ids: HashSet<String> = records.iter().map(|r| r.id.clone()).collect();
            let links = node.store.links_between(&ids).await?;
            concord_exchange::ftm::write_all(out, &records, &links)?;
        }
        ExportFormat::Csv => concord_exchange::csv::write(&mut *out, &records)?,
    }
    out.flush()?;
    Ok(records.len())
}

pub async fn export(node_args: &NodeArgs, format: ExportFormat, user: &str, output: &Path) -> Result<()> {
    let node = Node::open(node_args).await?;
    let ctx = user_ctx(&node, user, "command-line export").await?;
    let file = std::fs::File::create(output).with_context(|| format!("creating {}", output.display()))?;
    let mut out = BufWriter::new(file);
    let n = export_to(&node, &ctx, format, &mut out).await?;
    println!("exported {n} records to {}", output.display());
    Ok(())
}

/// Writes `persons` and `orgs` synthetic records as FtM lines to `output`,
/// and the ground truth (query variants per record) to `truth`.
pub fn generate(persons: u64, orgs: u64, seed: u64, output: &Path, truth: Option<&Path>, quiet: bool) -> Result<()> {
    let g = concord_synth::Generator::new(seed);
    let mut out =
        BufWriter::new(std::fs::File::create(output).with_context(|| format!("creating {}", output.display()))?);
    let mut truth_out = match truth {
        Some(t) => Some(BufWriter::new(
            std::fs::File::create(t).with_context(|| format!("creating {}", t.display()))?,
        )),
        None => None,
    };
    let pb = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(persons + orgs)
    };
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message("generating");
    for i in 0..persons {
        let p = g.person(i);
        for e in concord_synth::Generator::person_entities(&p) {
            writeln!(out, "{e}")?;
        }
        if let Some(t) = truth_out.as_mut() {
            for (q, variant) in &p.queries {
                writeln!(
                    t,
                    "{}",
                    serde_json::json!({"id": p.id, "query": q, "variant": variant, "birth_date": p.birth_date, "state": p.state})
                )?;
            }
        }
        if i % 4096 == 0 {
            pb.set_position(i);
        }
    }
    for i in 0..orgs {
        let o = g.organization(i, persons);
        for e in concord_synth::Generator::organization_entities(&o) {
            writeln!(out, "{e}")?;
        }
        if let Some(t) = truth_out.as_mut() {
            for (q, variant) in &o.queries {
                writeln!(
                    t,
                    "{}",
                    serde_json::json!({"id": o.id, "query": q, "variant": variant, "state": o.state})
                )?;
            }
        }
    }
    out.flush()?;
    if let Some(t) = truth_out.as_mut() {
        t.flush()?;
    }
    pb.finish_and_clear();
    Ok(())
}
