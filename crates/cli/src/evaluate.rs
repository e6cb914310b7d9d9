//! `concord evaluate` and `concord bench screening`: the matcher's quality on
//! the generator's ground truth, and its speed and memory at scale. Figures
//! go into BENCHMARKS.md.

use anyhow::Result;
use concord_matcher::{Index, IndexBuilder, IndexRecord, Kind, Prepared, SearchOptions, Subject};
use concord_synth::Generator;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct EvaluateArgs {
    /// Synthetic persons in the index (organizations: one per 50 persons).
    #[arg(long, default_value_t = 1_000_000)]
    pub persons: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Positive queries (query variants of indexed persons); a fifth as many
    /// negatives (variants of persons not in the index) are added.
    #[arg(long, default_value_t = 20_000)]
    pub queries: usize,
    /// Queries carry only the name, not the birth date.
    #[arg(long)]
    pub names_only: bool,
    #[arg(long, default_value_t = concord_matcher::DEFAULT_THRESHOLD)]
    pub threshold: f64,
    /// Print this many misses and false alarms to standard error, with explanations.
    #[arg(long, default_value_t = 0)]
    pub show_errors: usize,
    /// Also write the records, the queries and Concord's results there, for
    /// `benchmarks/compare_matchers.py`.
    #[arg(long)]
    pub export: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct ScreeningBenchArgs {
    /// Names to index (two per synthetic person).
    #[arg(long, default_value_t = 1_000_000)]
    pub names: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Queries to time.
    #[arg(long, default_value_t = 20_000)]
    pub queries: usize,
    /// Threads for the batch phase.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Save and reload the index through this file, timing both.
    #[arg(long)]
    pub save: Option<PathBuf>,
    /// Queries carry only the name, not the birth date (slower: every
    /// birth year's postings are walked).
    #[arg(long)]
    pub names_only: bool,
}

fn bar(len: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(what.to_owned());
    pb
}

fn person_record(p: &concord_synth::Person) -> IndexRecord {
    IndexRecord {
        id: p.id.clone(),
        kind: Some(Kind::Person),
        names: p.names.iter().map(|n| n.0.clone()).collect(),
        birth_date: Some(p.birth_date.clone()),
        nationality: Some(p.state.to_owned()),
        gender: Some(p.gender.to_owned()),
        identifiers: vec![p.passport.clone()],
    }
}

/// An index of the generator's first `persons` persons and `orgs` organizations.
fn synthetic_index(g: &Generator, persons: u64, orgs: u64) -> Index {
    let pb = bar(persons + orgs, "indexing");
    let mut b = IndexBuilder::new();
    for i in 0..persons {
        b.add(&person_record(&g.person(i)));
        if i % 16_384 == 0 {
            pb.set_position(i);
        }
    }
    for i in 0..orgs {
        let o = g.organization(i, persons);
        b.add(&IndexRecord {
            id: o.id.clone(),
            kind: Some(Kind::Organization),
            names: o.names.iter().map(|n| n.0.clone()).collect(),
            nationality: Some(o.state.to_owned()),
            ..Default::default()
        });
    }
    pb.set_message("sorting postings");
    let ix = b.finish();
    pb.finish_and_clear();
    ix
}

struct Query {
    text: String,
    variant: &'static str,
    truth: Option<String>,
    /// The person the query was made from.
    source: String,
    birth: Option<String>,
    prepared: Prepared,
}

fn queries(g: &Generator, persons: u64, wanted: usize, names_only: bool) -> Vec<Query> {
    let mut out = Vec::new();
    let add = |p: &concord_synth::Person, truth: bool, out: &mut Vec<Query>| {
        for (text, variant) in &p.queries {
            let subject = Subject {
                names: vec![text.clone()],
                birth_date: (!names_only).then(|| p.birth_date.clone()),
                kind: Some(Kind::Person),
                ..Default::default()
            };
            if let Ok(prepared) = subject.prepare() {
                let birth = subject.birth_date.clone();
                out.push(Query {
                    text: text.clone(),
                    variant,
                    truth: truth.then(|| p.id.clone()),
                    source: p.id.clone(),
                    birth,
                    prepared,
                });
            }
        }
    };
    // Persons spread over the whole index by a fixed stride.
    let step = 7_919u64;
    let mut k = 0u64;
    while out.len() < wanted {
        add(&g.person((k * step) % persons.max(1)), true, &mut out);
        k += 1;
    }
    let positives = out.len();
    let mut j = 0;
    while out.len() < positives + wanted / 5 {
        add(&g.person(persons + j), false, &mut out);
        j += 1;
    }
    out
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// One query's outcome, for figures at several thresholds.
struct Outcome {
    /// The first result's score.
    top: Option<f64>,
    /// Whether the first result is the true record.
    right: bool,
    /// Whether the first result is a twin of the query's person.
    twin: bool,
    /// For a positive query: the true record's score if it was returned.
    truth: Option<Option<f64>>,
}

const THRESHOLDS: [f64; 5] = [0.85, 0.88, 0.9, 0.92, 0.95];

/// Precision (and with twins allowed), recall and negatives flagged at `t`.
fn at_threshold(outcomes: &[Outcome], t: f64) -> serde_json::Value {
    let flagged: Vec<&Outcome> = outcomes.iter().filter(|o| o.top.is_some_and(|s| s >= t)).collect();
    let right = flagged.iter().filter(|o| o.right).count();
    let twins = flagged.iter().filter(|o| !o.right && o.twin).count();
    let positives = outcomes.iter().filter(|o| o.truth.is_some()).count();
    let found = outcomes
        .iter()
        .filter(|o| matches!(o.truth, Some(Some(s)) if s >= t))
        .count();
    let negatives = outcomes.len() - positives;
    let negatives_flagged = flagged.iter().filter(|o| o.truth.is_none()).count();
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    json!({
        "precision": ratio(right, flagged.len()),
        "precision_twins_allowed": ratio(right + twins, flagged.len()),
        "recall": ratio(found, positives),
        "negatives_flagged": ratio(negatives_flagged, negatives),
    })
}

pub fn evaluate(args: EvaluateArgs) -> Result<()> {
    let g = Generator::new(args.seed);
    let t = Instant::now();
    let index = synthetic_index(&g, args.persons, args.persons / 50);
    eprintln!(
        "indexed {} records ({} names) in {:.1} s",
        index.len(),
        index.names(),
        t.elapsed().as_secs_f64()
    );
    let qs = queries(&g, args.persons, args.queries, args.names_only);
    let options = SearchOptions {
        limit: 10,
        threshold: 0.0,
        ..Default::default()
    };
    let pb = bar(qs.len() as u64, "screening");
    let mut exported = Vec::new();
    let (mut pos, mut top1, mut top10, mut at_t) = (0usize, 0usize, 0usize, 0usize);
    let (mut flagged, mut flagged_right, mut neg, mut neg_flagged) = (0usize, 0usize, 0usize, 0usize);
    // Twins: another synthetic person who carries one of the same names,
    // written the same way, with a birth date that agrees as far as both are
    // known. The generator draws from finite tables, so at a million persons
    // many exist; no matcher can tell them apart, and an officer must see both.
    let (mut flagged_twin, mut neg_flagged_twin) = (0usize, 0usize);
    let person_of = |id: &str| {
        id.strip_prefix("syn-p-")
            .and_then(|n| n.parse::<u64>().ok())
            .map(|n| g.person(n))
    };
    let twins = |a: &concord_synth::Person, b: &concord_synth::Person| {
        let (x, y) = (&a.birth_date, &b.birth_date);
        a.names.iter().any(|n| b.names.iter().any(|m| m.0 == n.0))
            && (x.starts_with(y.as_str()) || y.starts_with(x.as_str()))
    };
    let mut per_variant: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut latencies = Vec::with_capacity(qs.len());
    let mut shown = 0;
    let mut sweep: Vec<Outcome> = Vec::with_capacity(qs.len());
    for (i, q) in qs.iter().enumerate() {
        let t = Instant::now();
        let hits = index.search(&q.prepared, &options, &|_| true);
        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
        let ids: Vec<&str> = hits.iter().map(|h| index.id(h.record)).collect();
        let top = hits.first().filter(|h| h.score >= args.threshold);
        if top.is_some() {
            flagged += 1;
        }
        let first_is_twin = hits.first().is_some_and(|h| {
            let query_person = person_of(q.truth.as_deref().unwrap_or(&q.source));
            let hit_person = person_of(index.id(h.record));
            matches!((query_person, hit_person), (Some(a), Some(b)) if twins(&a, &b))
        });
        let twin = top.is_some() && first_is_twin;
        sweep.push(Outcome {
            top: hits.first().map(|h| h.score),
            right: hits
                .first()
                .is_some_and(|h| q.truth.as_deref() == Some(index.id(h.record))),
            twin: first_is_twin,
            truth: q
                .truth
                .as_ref()
                .map(|t| hits.iter().find(|h| index.id(h.record) == t).map(|h| h.score)),
        });
        let wrong = match &q.truth {
            Some(truth) => top.is_some_and(|h| index.id(h.record) != truth) || !ids.contains(&truth.as_str()),
            None => top.is_some(),
        };
        if wrong && shown < args.show_errors && !twin {
            shown += 1;
            eprintln!(
                "{} {:?} (truth {:?}, from {}, born {:?}): {}",
                if q.truth.is_some() { "MISS" } else { "FALSE ALARM" },
                q.text,
                q.truth,
                q.source,
                q.birth,
                hits.first()
                    .map(|h| format!(
                        "{} {} {}",
                        index.id(h.record),
                        h.score,
                        serde_json::to_string(&h.explanation).unwrap_or_default()
                    ))
                    .unwrap_or_default()
            );
        }
        match &q.truth {
            Some(truth) => {
                pos += 1;
                let rank = ids.iter().position(|id| id == truth);
                let e = per_variant.entry(q.variant).or_default();
                e.0 += 1;
                if rank.is_some() {
                    top10 += 1;
                    e.1 += 1;
                }
                if rank == Some(0) {
                    top1 += 1;
                }
                if rank.is_some_and(|r| hits[r].score >= args.threshold) {
                    at_t += 1;
                }
                if top.is_some_and(|h| index.id(h.record) == truth) {
                    flagged_right += 1;
                } else if twin {
                    flagged_twin += 1;
                }
            }
            None => {
                neg += 1;
                if top.is_some() {
                    neg_flagged += 1;
                    if twin {
                        neg_flagged_twin += 1;
                    }
                }
            }
        }
        if args.export.is_some() {
            exported.push(json!({"query": q.text, "variant": q.variant, "truth": q.truth,
                "birth_date": q.birth,
                "concord": hits.iter().map(|h| json!([index.id(h.record), h.score])).collect::<Vec<_>>()}));
        }
        if i % 512 == 0 {
            pb.set_position(i as u64);
        }
    }
    pb.finish_and_clear();
    latencies.sort_by(f64::total_cmp);
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    println!(
        "{}",
        serde_json::to_string_pretty(&json!({
            "records": index.len(),
            "names": index.names(),
            "queries": {"positive": pos, "negative": neg, "with_birth_date": !args.names_only},
            "recall_at_1": ratio(top1, pos),
            "recall_at_10": ratio(top10, pos),
            "threshold": args.threshold,
            "recall_at_threshold": ratio(at_t, pos),
            "precision_at_threshold": ratio(flagged_right, flagged),
            "precision_at_threshold_twins_allowed": ratio(flagged_right + flagged_twin + neg_flagged_twin, flagged),
            "negatives_flagged": ratio(neg_flagged, neg),
            "negatives_flagged_not_twins": ratio(neg_flagged - neg_flagged_twin, neg),
            "by_threshold": THRESHOLDS.iter().map(|t| (format!("{t}"), at_threshold(&sweep, *t))).collect::<serde_json::Map<_, _>>(),
            "recall_at_10_by_variant": per_variant.iter().map(|(k, (n, ok))| (k.to_string(), json!(ratio(*ok, *n)))).collect::<serde_json::Map<_, _>>(),
            "latency_ms": {"p50": percentile(&latencies, 0.5), "p99": percentile(&latencies, 0.99)},
        }))?
    );
    if let Some(dir) = args.export {
        std::fs::create_dir_all(&dir)?;
        let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("queries.jsonl"))?);
        for q in &exported {
            writeln!(f, "{q}")?;
        }
        f.flush()?;
        let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("records.jsonl"))?);
        for i in 0..args.persons {
            let p = g.person(i);
            writeln!(
                f,
                "{}",
                json!({"id": p.id, "names": p.names.iter().map(|n| &n.0).collect::<Vec<_>>(), "birth_date": p.birth_date})
            )?;
        }
        f.flush()?;
        eprintln!("wrote {}", dir.display());
    }
    Ok(())
}

/// Peak resident memory of this process, from /proc (Linux).
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

pub fn bench(args: ScreeningBenchArgs) -> Result<()> {
    let g = Generator::new(args.seed);
    let persons = args.names.div_ceil(2);
    let t = Instant::now();
    let mut index = synthetic_index(&g, persons, 0);
    let build = t.elapsed().as_secs_f64();
    let build_peak = peak_rss_mb();
    let mut load = None;
    if let Some(path) = &args.save {
        let t = Instant::now();
        crate::screening::write_index(&index, path)?;
        let save = t.elapsed().as_secs_f64();
        drop(index);
        let t = Instant::now();
        index = crate::screening::read_index(path)?;
        load = Some((save, t.elapsed().as_secs_f64(), std::fs::metadata(path)?.len()));
    }
    let qs = queries(&g, persons, args.queries, args.names_only);
    let options = SearchOptions::default();
    let mut latencies: Vec<f64> = qs
        .iter()
        .map(|q| {
            let t = Instant::now();
            std::hint::black_box(index.search(&q.prepared, &options, &|_| true));
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    latencies.sort_by(f64::total_cmp);
    let t = Instant::now();
    let threads = args.threads.max(1);
    std::thread::scope(|s| {
        for chunk in qs.chunks(qs.len().div_ceil(threads).max(1)) {
            let index = &index;
            s.spawn(move || {
                for q in chunk {
                    std::hint::black_box(index.search(&q.prepared, &options, &|_| true));
                }
            });
        }
    });
    let batch = qs.len() as f64 / t.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::to_string_pretty(&json!({
            "records": index.len(),
            "names": index.names(),
            "build_seconds": build,
            "peak_rss_mb_after_build": build_peak,
            "save_load": load.map(|(s, l, b)| json!({"save_seconds": s, "load_seconds": l, "bytes": b})),
            "queries": qs.len(),
            "single_query_ms": {"p50": percentile(&latencies, 0.5), "p99": percentile(&latencies, 0.99), "max": latencies.last()},
            "batch_queries_per_second": batch,
            "threads": threads,
            "queries_with_birth_date": !args.names_only,
            "peak_rss_mb": peak_rss_mb(),
        }))?
    );
    Ok(())
}
