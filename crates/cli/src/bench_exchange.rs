//! `concord bench exchange`: inbox listing and search latency over a large
//! message store, and the rate of posting messages with three recipients.

use anyhow::{Context, Result};
use concord_audit::NodeKey;
use concord_domain::workflow::exchange::{MessageKind, Priority};
use concord_domain::{
    AuthorityId, Classification, Clock, Dissemination, HandlingCode, Role, Roles, SystemClock, UserId, Viewer,
};
use concord_store::{Actor, Ctx, Mailbox, MessageInput, MessageQuery, Options, SeedMessage, Store};
use concord_synth::rng::Rng;
use concord_synth::text::Vocabulary;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What to measure.
#[derive(clap::Args)]
pub struct ExchangeBenchArgs {
    /// Database URL (an empty database); default: a SQLite file in a temporary folder.
    #[arg(long)]
    database: Option<String>,
    /// Messages to load before measuring.
    #[arg(long, default_value_t = 1_000_000)]
    messages: usize,
    /// Inbox listings, outbox listings and searches to time, each.
    #[arg(long, default_value_t = 500)]
    queries: usize,
    /// Messages to post (three recipients each) in the posting phase.
    #[arg(long, default_value_t = 3000)]
    posts: usize,
    /// Concurrent posters.
    #[arg(long, default_value_t = 4)]
    posters: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn viewer(authority: &AuthorityId, state: Option<concord_domain::StateCode>) -> Viewer {
    Viewer {
        user: UserId::new(format!("usr-{authority}")),
        authority: authority.clone(),
        state,
        roles: Roles::of([Role::Officer, Role::Supervisor]),
        clearance: Classification::Secret,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

fn report(label: &str, mut times: Vec<Duration>, found: usize) {
    times.sort();
    println!(
        "{label}: {} queries, p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({found} messages returned)",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        percentile(&times, 0.99),
        percentile(&times, 1.0),
    );
}

/// A message from a random member-state authority to three authorities of other states.
fn message(
    rng: &mut Rng,
    words: &Vocabulary,
    senders: &[(AuthorityId, Option<concord_domain::StateCode>)],
    now: time::OffsetDateTime,
) -> (usize, MessageInput) {
    let s = rng.below(senders.len());
    let mut recipients: Vec<String> = Vec::new();
    while recipients.len() < 3 {
        let r = rng.pick(senders);
        if r.1 != senders[s].1 && !recipients.contains(&r.0.to_string()) {
            recipients.push(r.0.to_string());
        }
    }
    let mut handling = HandlingCode::open();
    if rng.chance(0.3) {
        handling.classification = Classification::Restricted;
    }
    if rng.chance(0.1) {
        handling.classification = Classification::Confidential;
    }
    if rng.chance(0.2) {
        handling.dissemination = Dissemination::OriginatorConsent;
    }
    let request = rng.chance(0.2);
    let input = MessageInput {
        kind: if request {
            MessageKind::Request
        } else {
            MessageKind::Message
        },
        priority: *rng.pick(Priority::ALL),
        subject: words.words(rng, 5),
        body: words.words(rng, 40),
        recipients,
        handling,
        deadline: request.then(|| now + time::Duration::days(1 + rng.below(60) as i64)),
        links: vec![],
        attachments: vec![],
    };
    (s, input)
}

pub async fn run(args: ExchangeBenchArgs) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let url = args
        .database
        .clone()
        .unwrap_or_else(|| format!("sqlite:{}", dir.path().join("bench.db").display()));
    let store = Store::open(&url, Options::new(Arc::new(SystemClock), Some(NodeKey::generate()?))).await?;
    let config = concord_config::sco().context("the SCO configuration")?;
    store.apply_config(&config, &Actor::system("benchmark")).await?;
    println!("backend: {:?}", store.backend());
    let snap = store.snapshot();
    let today = SystemClock.today();
    let members: Vec<_> = snap.registry.members_on(today).into_iter().cloned().collect();
    let senders: Vec<(AuthorityId, Option<concord_domain::StateCode>)> = snap
        .registry
        .authorities
        .values()
        .filter(|a| a.state.as_ref().is_some_and(|s| members.contains(s)))
        .map(|a| (a.id.clone(), a.state.clone()))
        .collect();
    println!("{} states, {} authorities", members.len(), senders.len());
    let words = Vocabulary::new(5000, args.seed);
    let mut rng = Rng::new(args.seed, 1);
    let now = time::OffsetDateTime::now_utc();
    let actor = Actor::system("benchmark load");

    let start = Instant::now();
    let mut loaded = 0;
    while loaded < args.messages {
        let n = (args.messages - loaded).min(10_000);
        let batch: Vec<SeedMessage> = (0..n)
            .map(|i| {
                let (s, input) = message(&mut rng, &words, &senders, now);
                let age = (args.messages - loaded - i) as i64 * 30;
                SeedMessage {
                    sender: viewer(&senders[s].0, senders[s].1.clone()),
                    input,
                    at: now - time::Duration::seconds(age),
                }
            })
            .collect();
        concord_app::messages::seed(&store, &actor, &batch).await?;
        loaded += n;
        if loaded % 100_000 == 0 || loaded == args.messages {
            eprintln!("loaded {loaded} messages");
        }
    }
    store.optimize().await?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "load: {loaded} messages (3 recipients each) in {secs:.1} s = {:.0} messages/s",
        loaded as f64 / secs
    );

    let ctx_of = |rng: &mut Rng| {
        let (a, s) = rng.pick(&senders);
        Ctx {
            viewer: viewer(a, s.clone()),
            purpose: "benchmark".into(),
        }
    };
    for (label, mailbox) in [("inbox", Mailbox::Inbox), ("outbox", Mailbox::Outbox)] {
        let mut times = Vec::with_capacity(args.queries);
        let mut found = 0;
        for _ in 0..args.queries {
            let ctx = ctx_of(&mut rng);
            let q = MessageQuery {
                mailbox,
                limit: 50,
                ..MessageQuery::default()
            };
            let t = Instant::now();
            found += store.list_messages(&ctx, &q).await?.len();
            times.push(t.elapsed());
        }
        report(&format!("{label} first page (50)"), times, found);
    }
    let mut times = Vec::with_capacity(args.queries);
    let mut found = 0;
    for _ in 0..args.queries {
        let ctx = ctx_of(&mut rng);
        let q = MessageQuery {
            text: Some(words.word(&mut rng).to_owned()),
            limit: 50,
            ..MessageQuery::default()
        };
        let t = Instant::now();
        found += store.list_messages(&ctx, &q).await?.len();
        times.push(t.elapsed());
    }
    report("inbox search, one word drawn by frequency (50)", times, found);

    let per = args.posts / args.posters.max(1);
    let mut tasks = Vec::new();
    let start = Instant::now();
    for p in 0..args.posters.max(1) {
        let store = store.clone();
        let senders = senders.clone();
        let words = Vocabulary::new(5000, args.seed);
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng::new(args.seed, 100 + p as u64);
            let mut times = Vec::with_capacity(per);
            for _ in 0..per {
                let (s, input) = message(&mut rng, &words, &senders, time::OffsetDateTime::now_utc());
                let ctx = Ctx {
                    viewer: viewer(&senders[s].0, senders[s].1.clone()),
                    purpose: "benchmark".into(),
                };
                let t = Instant::now();
                concord_app::messages::send(&store, &ctx, None, input).await?;
                times.push(t.elapsed());
            }
            Ok::<_, concord_app::Refusal>(times)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "post: {} messages with 3 recipients by {} posters in {secs:.2} s = {:.0} messages/s",
        all.len(),
        args.posters.max(1),
        all.len() as f64 / secs
    );
    report("post latency", all, 0);
    store.close().await;
    Ok(())
}
