//! `concord bench`: measurements for BENCHMARKS.md.

use anyhow::Result;
use clap::Subcommand;
use concord_audit::NodeKey;
use concord_domain::SystemClock;
use concord_store::{Actor, Options, Store};
use std::sync::Arc;
use std::time::Instant;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Audit appends per second (each its own transaction), sequential and
    /// with concurrent writers, then a full verification.
    Audit {
        /// Database URL; default: a SQLite file in a temporary folder.
        #[arg(long)]
        database: Option<String>,
        /// Entries to append in each phase.
        #[arg(long, default_value_t = 5000)]
        entries: usize,
        /// Concurrent writers in the second phase.
        #[arg(long, default_value_t = 8)]
        writers: usize,
    },
}

pub async fn run(command: BenchCommand) -> Result<()> {
    match command {
        BenchCommand::Audit {
            database,
            entries,
            writers,
        } => audit(database, entries, writers.max(1)).await,
    }
}

async fn audit(database: Option<String>, entries: usize, writers: usize) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let url = database.unwrap_or_else(|| format!("sqlite:{}", dir.path().join("bench.db").display()));
    let key = NodeKey::generate()?;
    let store = Store::open(&url, Options::new(Arc::new(SystemClock), Some(key.clone()))).await?;
    println!("backend: {:?}", store.backend());
    let actor = Actor {
        id: "usr-bench".into(),
        authority: "cn-police".into(),
        purpose: "benchmark".into(),
    };

    let start = Instant::now();
    for i in 0..entries {
        store.audit(&actor, "record.read", format!("rec-{i}")).await?;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "sequential: {entries} entries in {secs:.2} s = {:.0} entries/s",
        entries as f64 / secs
    );

    let start = Instant::now();
    let per = entries / writers;
    let mut tasks = Vec::new();
    for w in 0..writers {
        let store = store.clone();
        let actor = actor.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..per {
                store.audit(&actor, "record.read", format!("rec-{w}-{i}")).await?;
            }
            Ok::<_, concord_store::StoreError>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let secs = start.elapsed().as_secs_f64();
    let n = per * writers;
    println!(
        "{writers} writers: {n} entries in {secs:.2} s = {:.0} entries/s",
        n as f64 / secs
    );

    let start = Instant::now();
    let v = store.verify_audit(&key.public()).await?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "verify: {} entries in {secs:.2} s = {:.0} entries/s",
        v.entries,
        v.entries as f64 / secs
    );
    store.close().await;
    Ok(())
}
