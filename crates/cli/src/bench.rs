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
    /// Screening index: build time and memory, save and load, single-query
    /// latency and batch throughput, on synthetic names.
    Screening(crate::evaluate::ScreeningBenchArgs),
    /// Intelligence exchange: inbox and outbox listing and search latency over
    /// a large message store, and posting messages with three recipients.
    Exchange(crate::bench_exchange::ExchangeBenchArgs),
    /// Precursor control: a year of pre-export notifications imported from
    /// CSV and decided, then the cumulative check timed at that volume.
    Precursors(crate::bench_precursors::PrecursorBenchArgs),
    /// Get-by-id latency over HTTP against an existing node (e.g. the demo).
    Get {
        #[command(flatten)]
        node: crate::NodeArgs,
        /// The reading user.
        #[arg(long)]
        user: String,
        /// Requests to time.
        #[arg(long, default_value_t = 2000)]
        requests: usize,
    },
}

pub async fn run(command: BenchCommand) -> Result<()> {
    match command {
        BenchCommand::Audit {
            database,
            entries,
            writers,
        } => audit(database, entries, writers.max(1)).await,
        BenchCommand::Screening(args) => crate::evaluate::bench(args),
        BenchCommand::Exchange(args) => crate::bench_exchange::run(args).await,
        BenchCommand::Precursors(args) => crate::bench_precursors::run(args).await,
        BenchCommand::Get { node, user, requests } => get(&node, &user, requests.max(1)).await,
    }
}

/// Reads one HTTP/1.1 response (headers and a Content-Length body).
async fn read_response(stream: &mut tokio::io::BufReader<tokio::net::TcpStream>) -> Result<u16> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt};
    let mut line = String::new();
    stream.read_line(&mut line).await?;
    let status: u16 = line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut length = 0usize;
    loop {
        line.clear();
        stream.read_line(&mut line).await?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await?;
    Ok(status)
}

/// Get-by-id latency over HTTP (keep-alive, one client), cycling through the
/// records the user may read; every read is audited as in production.
async fn get(node_args: &crate::NodeArgs, username: &str, requests: usize) -> Result<()> {
    use tokio::io::AsyncWriteExt;
    let node = crate::node::Node::open(node_args).await?;
    let user = node.store.user_by_name(username).await?;
    let ctx = concord_store::Ctx {
        viewer: node.store.viewer(&user)?,
        purpose: "benchmark".into(),
    };
    let mut ids = Vec::new();
    let mut offset = 0;
    while ids.len() < requests {
        let q = concord_store::RecordQuery {
            offset,
            limit: 500,
            ..Default::default()
        };
        let page = node.store.list_records(&ctx, &q).await?;
        if page.is_empty() {
            break;
        }
        offset += page.len() as i64;
        ids.extend(page.into_iter().map(|r| r.id));
    }
    anyhow::ensure!(!ids.is_empty(), "{username} can read no record");
    let (token, hash) = concord_app::passwords::new_token().map_err(|e| anyhow::anyhow!("{e}"))?;
    node.store.create_session(&user.id, &hash, "benchmark", 3600).await?;
    let state = concord_server::AppState {
        store: node.store.clone(),
        node_public_key: Some(node.key.public()),
        settings: Arc::new(concord_server::Settings::default()),
        screening: Default::default(),
        batches: Default::default(),
        logins: Default::default(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, concord_server::router(state)).await });
    let mut stream = tokio::io::BufReader::new(tokio::net::TcpStream::connect(addr).await?);
    let mut times = Vec::with_capacity(requests);
    for i in 0..requests {
        let id = &ids[(i * 7919) % ids.len()];
        let req = format!("GET /api/v1/records/{id} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n\r\n");
        let start = Instant::now();
        stream.get_mut().write_all(req.as_bytes()).await?;
        let status = read_response(&mut stream).await?;
        times.push(start.elapsed());
        anyhow::ensure!(status == 200, "GET {id} answered {status}");
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "backend: {:?}; {} distinct records read by {username}",
        node.store.backend(),
        ids.len().min(requests)
    );
    println!(
        "GET /api/v1/records/{{id}} x {requests}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    Ok(())
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
