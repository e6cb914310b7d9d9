//! `concord bench precursors`: a year of PEN-Online-scale traffic among the
//! member states' anti-drug agencies. Each state declares its requirements;
//! each exporting state's notifications are imported from CSV (as its
//! national system would send them); every importer then answers (most
//! confirm, some object and raise an incident, some stay silent) and half
//! the confirmed shipments are shipped and received. Then the cumulative
//! check against the declared requirement is timed at that volume.

use anyhow::{Context, Result};
use concord_app::precursors as pen;
use concord_audit::NodeKey;
use concord_domain::precursor::IncidentKind;
use concord_domain::workflow::pre_export::Step;
use concord_domain::{AuthorityId, Classification, Role, Roles, StateCode, SystemClock, UserId, Viewer};
use concord_store::{Actor, Ctx, Options, Store};
use concord_synth::rng::Rng;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What to measure.
#[derive(clap::Args)]
pub struct PrecursorBenchArgs {
    /// Database URL (an empty database); default: a SQLite file in a temporary folder.
    #[arg(long)]
    database: Option<String>,
    /// Notifications in the year.
    #[arg(long, default_value_t = 30_000)]
    notifications: usize,
    /// Cumulative checks to time after loading.
    #[arg(long, default_value_t = 2000)]
    checks: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Answer in batches of this many per agency (a national system's
    /// answers in one transaction) instead of one step at a time.
    #[arg(long, default_value_t = 0)]
    batch: usize,
}

const SUBSTANCES: [(&str, &str); 6] = [
    ("acetic-anhydride", "l"),
    ("potassium-permanganate", "kg"),
    ("ephedrine", "kg"),
    ("pseudoephedrine", "kg"),
    ("acetone", "l"),
    ("sulphuric-acid", "l"),
];

fn agency(state: &StateCode) -> Ctx {
    let authority = AuthorityId::new(format!("{}-anti-drug-agency", state.as_str().to_ascii_lowercase()));
    Ctx {
        viewer: Viewer {
            user: UserId::new(format!("usr-{authority}")),
            authority,
            state: Some(state.clone()),
            roles: Roles::of([Role::Officer, Role::Supervisor]),
            clearance: Classification::Secret,
        },
        purpose: "benchmark".into(),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub async fn run(args: PrecursorBenchArgs) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let url = args
        .database
        .clone()
        .unwrap_or_else(|| format!("sqlite:{}", dir.path().join("bench.db").display()));
    let store = Store::open(&url, Options::new(Arc::new(SystemClock), Some(NodeKey::generate()?))).await?;
    let config = concord_config::sco().context("the SCO configuration")?;
    store.apply_config(&config, &Actor::system("benchmark")).await?;
    let today = store.clock().today();
    let snap = store.snapshot();
    // The member states with an anti-drug agency.
    let states: Vec<StateCode> = snap
        .registry
        .states
        .values()
        .filter(|s| snap.registry.status_on(&s.code, today) == Some(concord_domain::MembershipStatus::Member))
        .map(|s| s.code.clone())
        .filter(|code| pen::acting_state(&store, &agency(code)).is_ok())
        .collect();
    anyhow::ensure!(states.len() >= 3, "too few member states with an anti-drug agency");
    let year = (today + time::Duration::days(30)).year();
    let mut rng = Rng::new(args.seed, 18);
    for s in &states {
        for (substance, unit) in SUBSTANCES {
            // Roughly what the year's notifications will bring, so that a few go over.
            let declared = (args.notifications / states.len() / SUBSTANCES.len() * 500).max(1000);
            pen::declare_requirement(&store, &agency(s), substance, year, &declared.to_string(), unit).await?;
        }
    }

    // The year's notifications, as one CSV file per exporting state.
    let mut files: BTreeMap<StateCode, String> = BTreeMap::new();
    // Per exporting state, in file order: the importer and how it will answer.
    let mut routes: BTreeMap<StateCode, Vec<(StateCode, usize)>> = BTreeMap::new();
    let planned = today + time::Duration::days(30);
    for i in 0..args.notifications {
        let from = &states[i % states.len()];
        let to = loop {
            let t = rng.pick(&states);
            if t != from {
                break t.clone();
            }
        };
        let transit = loop {
            let t = rng.pick(&states);
            if t != from && *t != to {
                break t.clone();
            }
        };
        let (substance, unit) = *rng.pick(&SUBSTANCES);
        routes
            .entry(from.clone())
            .or_default()
            .push((to.clone(), rng.below(100)));
        let file = files.entry(from.clone()).or_insert_with(|| {
            "importing_state,exporter,importer,substance,quantity,unit,transit,point_of_entry,planned_export\n".into()
        });
        let via = if rng.chance(0.4) {
            format!("{transit}:Crossing {}", rng.below(40))
        } else {
            String::new()
        };
        file.push_str(&format!(
            "{to},Exporter {} (synthetic),Importer {} (synthetic),{substance},{},{unit},{via},Border post {},{planned}\n",
            rng.below(500),
            rng.below(500),
            100 + rng.below(900),
            rng.below(60)
        ));
    }

    let started = Instant::now();
    // Per importing state: `(id, exporting state, roll)`.
    let mut answers: BTreeMap<StateCode, Vec<(String, StateCode, usize)>> = BTreeMap::new();
    for (state, file) in &files {
        let ids = pen::import_csv(&store, &agency(state), file.as_bytes()).await?;
        for (id, (to, roll)) in ids.into_iter().zip(&routes[state]) {
            answers.entry(to.clone()).or_default().push((id, state.clone(), *roll));
        }
    }
    let imported = started.elapsed();
    let notified: usize = answers.values().map(Vec::len).sum();

    let (confirmed, objected, shipped, silent) = if args.batch > 0 {
        decide_in_batches(&store, answers, args.batch).await?
    } else {
        decide_one_by_one(&store, answers).await?
    };
    let received = shipped;
    let decided = started.elapsed() - imported;
    let total = started.elapsed();
    println!(
        "precursors: {} notifications among {} member states imported in {:.1} s ({:.0}/s) and decided in {:.1} s \
         ({confirmed} confirmed, {objected} objected{}, {shipped} shipped, {received} received, \
         {silent} silent): {:.1} s in all",
        notified,
        states.len(),
        imported.as_secs_f64(),
        notified as f64 / imported.as_secs_f64(),
        decided.as_secs_f64(),
        if args.batch > 0 {
            format!(" (in batches of {}, no incidents)", args.batch)
        } else {
            " with an incident".to_owned()
        },
        total.as_secs_f64()
    );

    // The cumulative check at this volume, on its own.
    let mut times = Vec::with_capacity(args.checks);
    for _ in 0..args.checks {
        let to = rng.pick(&states).clone();
        let (substance, _) = *rng.pick(&SUBSTANCES);
        let t = Instant::now();
        store.notified_total(&to, substance, year).await?;
        times.push(t.elapsed());
    }
    times.sort();
    let at = |p: f64| ms(times[((times.len() as f64 - 1.0) * p).round() as usize]);
    println!(
        "cumulative check against the declared requirement: {} checks at {} notifications, p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        times.len(),
        notified,
        at(0.5),
        at(0.99),
        at(1.0)
    );
    Ok(())
}

/// How the year's notifications were answered: confirmed, objected,
/// shipped (and received), silent.
type Tally = (usize, usize, usize, usize);

/// Per importing state: `(id, exporting state, roll)`.
type Answers = BTreeMap<StateCode, Vec<(String, StateCode, usize)>>;

/// Every importing state's agency answers its own, one step at a time, all
/// agencies at once: most confirm (and half of those ship and arrive), some
/// object with an incident, a few stay silent.
async fn decide_one_by_one(store: &Store, answers: Answers) -> Result<Tally> {
    let mut tasks = tokio::task::JoinSet::new();
    for (importing, list) in answers {
        let store = store.clone();
        tasks.spawn(async move {
            let importer = agency(&importing);
            let mut tally = [0usize; 4];
            for (id, exporting, roll) in list {
                if roll < 3 {
                    tally[3] += 1;
                } else if roll < 8 {
                    pen::object(
                        &store,
                        &importer,
                        &id,
                        "the importer is not known to the licensing authority (synthetic)",
                        1,
                        Some(IncidentKind::SuspiciousOrder),
                    )
                    .await?;
                    tally[1] += 1;
                } else {
                    let n = pen::step(&store, &importer, &id, Step::Confirm, "", 1).await?;
                    tally[0] += 1;
                    if roll % 2 == 0 {
                        let n = pen::step(&store, &agency(&exporting), &id, Step::Ship, "", n.version).await?;
                        pen::step(&store, &importer, &id, Step::Receive, "", n.version).await?;
                        tally[2] += 1;
                    }
                }
            }
            Ok::<_, concord_app::Refusal>(tally)
        });
    }
    let (mut confirmed, mut objected, mut shipped, mut silent) = (0, 0, 0, 0);
    while let Some(done) = tasks.join_next().await {
        let [c, o, s, q] = done??;
        (confirmed, objected, shipped, silent) = (confirmed + c, objected + o, shipped + s, silent + q);
    }
    Ok((confirmed, objected, shipped, silent))
}

/// The same answers, each agency sending them in batches of `size`: the
/// importers' confirmations and objections, then the exporters' shipping,
/// then the importers' receipts.
async fn decide_in_batches(store: &Store, answers: Answers, size: usize) -> Result<Tally> {
    use concord_app::precursors::Answer;
    let answer = |id: &str, step: Step, reason: &str, version: i64| Answer {
        id: id.to_owned(),
        step,
        reason: reason.to_owned(),
        version,
    };
    let (mut confirmed, mut objected, mut silent) = (0, 0, 0);
    let mut to_ship: BTreeMap<StateCode, Vec<(String, StateCode)>> = BTreeMap::new();
    for (importing, list) in &answers {
        let mut batch = Vec::new();
        for (id, exporting, roll) in list {
            if *roll < 3 {
                silent += 1;
            } else if *roll < 8 {
                batch.push(answer(
                    id,
                    Step::Object,
                    "the importer is not known to the licensing authority (synthetic)",
                    1,
                ));
                objected += 1;
            } else {
                batch.push(answer(id, Step::Confirm, "", 1));
                confirmed += 1;
                if roll % 2 == 0 {
                    to_ship
                        .entry(exporting.clone())
                        .or_default()
                        .push((id.clone(), importing.clone()));
                }
            }
        }
        for chunk in batch.chunks(size) {
            pen::answer_batch(store, &agency(importing), chunk).await?;
        }
    }
    let mut to_receive: BTreeMap<StateCode, Vec<Answer>> = BTreeMap::new();
    let mut shipped = 0;
    for (exporting, list) in &to_ship {
        let batch: Vec<Answer> = list.iter().map(|(id, _)| answer(id, Step::Ship, "", 2)).collect();
        for chunk in batch.chunks(size) {
            pen::answer_batch(store, &agency(exporting), chunk).await?;
        }
        for (id, importing) in list {
            to_receive
                .entry(importing.clone())
                .or_default()
                .push(answer(id, Step::Receive, "", 3));
            shipped += 1;
        }
    }
    for (importing, batch) in &to_receive {
        for chunk in batch.chunks(size) {
            pen::answer_batch(store, &agency(importing), chunk).await?;
        }
    }
    Ok((confirmed, objected, shipped, silent))
}
