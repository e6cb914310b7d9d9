//! `concord demo`: a node with the SCO configuration, demo users and a few
//! synthetic records, ready to explore.

use crate::NodeArgs;
use crate::exchange::ALL_TICKED;
use crate::node::Node;
use anyhow::Result;
use concord_domain::{Category, EventFacts, Facts, LegalBasis, Name, NameKind, RecordKind, Script};
use concord_domain::{Classification, Dissemination, Distribution, HandlingCode, Role, Roles, Use};
use concord_store::{Actor, Ctx, NewUser, RecordInput, RecordQuery};
use std::net::SocketAddr;
use std::path::Path;

/// Every demo account's password.
pub const DEMO_PASSWORD: &str = "concord-demo-2026";

/// `(username, authority, roles, clearance, what it shows)`.
const USERS: &[(&str, &str, &[Role], Classification, &str)] = &[
    (
        "structure.analyst",
        "structure",
        &[Role::Analyst],
        Classification::Secret,
        "regional structure: sees what is shared with it",
    ),
    (
        "structure.admin",
        "structure",
        &[Role::Administrator],
        Classification::Secret,
        "manages the structure's users",
    ),
    (
        "structure.dpo",
        "structure",
        &[Role::DataProtectionOfficer],
        Classification::Secret,
        "reads the whole audit log",
    ),
    (
        "cn.officer",
        "cn-security-service",
        &[Role::Officer],
        Classification::Secret,
        "contributes records",
    ),
    (
        "cn.supervisor",
        "cn-security-service",
        &[Role::Supervisor],
        Classification::Secret,
        "approves its authority's records",
    ),
    (
        "structure.supervisor",
        "structure",
        &[Role::Supervisor],
        Classification::Secret,
        "reviews designation proposals",
    ),
    (
        "ru.analyst",
        "ru-police",
        &[Role::Analyst],
        Classification::Confidential,
        "another member state",
    ),
    (
        "ru.officer",
        "ru-police",
        &[Role::Officer, Role::Supervisor],
        Classification::Confidential,
        "answers China's request; takes Russia's positions",
    ),
    (
        "kz.diplomat",
        "kz-foreign-ministry",
        &[Role::Officer],
        Classification::Confidential,
        "emergency consultations for Kazakhstan",
    ),
    (
        "ru.diplomat",
        "ru-foreign-ministry",
        &[Role::Officer],
        Classification::Confidential,
        "emergency consultations for Russia",
    ),
    (
        "kz.dpo",
        "kz-security-service",
        &[Role::DataProtectionOfficer],
        Classification::Confidential,
        "reads Kazakhstan's audit entries",
    ),
    (
        "in.officer",
        "in-police",
        &[Role::Officer],
        Classification::Restricted,
        "low clearance: sees less",
    ),
    (
        "kz.antidrug",
        "kz-anti-drug-agency",
        &[Role::Officer],
        Classification::Confidential,
        "notifies Kazakhstan's precursor exports",
    ),
    (
        "cn.antidrug",
        "cn-anti-drug-agency",
        &[Role::Officer, Role::Supervisor],
        Classification::Confidential,
        "answers pre-export notifications to China",
    ),
    (
        "ru.antidrug",
        "ru-anti-drug-agency",
        &[Role::Officer],
        Classification::Confidential,
        "Russia's precursor control",
    ),
    (
        "kz.prosecutor",
        "kz-prosecutor",
        &[Role::Officer, Role::Supervisor],
        Classification::Confidential,
        "Kazakhstan's requests for legal assistance",
    ),
    (
        "cn.prosecutor",
        "cn-prosecutor",
        &[Role::Officer, Role::Supervisor],
        Classification::Confidential,
        "answers requests to China",
    ),
    (
        "kz.almaty.prosecutor",
        "kz-almaty-region-prosecutor",
        &[Role::Officer, Role::Supervisor],
        Classification::Confidential,
        "a border-area office: asks Xinjiang's directly",
    ),
    (
        "cn.xinjiang.prosecutor",
        "cn-xinjiang-procuratorate",
        &[Role::Officer, Role::Supervisor],
        Classification::Confidential,
        "a border-area office: answers Almaty Region's",
    ),
    (
        "by.admin",
        "by-security-service",
        &[Role::Administrator],
        Classification::Confidential,
        "manages Belarus's users",
    ),
    (
        "by.admin2",
        "by-security-service",
        &[Role::Administrator],
        Classification::Confidential,
        "the second administrator who approves Belarus's grants",
    ),
];

/// Synthetic records: `(kind, title, distribution, dissemination, use, classification)`.
const RECORDS: &[(&str, &str, &str, Dissemination, Use, Classification)] = &[
    (
        "organization",
        "Eastern Ridge Brigade (synthetic)",
        "all-members",
        Dissemination::Free,
        Use::Evidence,
        Classification::Restricted,
    ),
    (
        "organization",
        "Silent Caravan Network (synthetic)",
        "states:KZ,RU",
        Dissemination::OriginatorConsent,
        Use::IntelligenceOnly,
        Classification::Confidential,
    ),
    (
        "person",
        "Temirlan Osmonov (synthetic)",
        "all-members",
        Dissemination::Free,
        Use::IntelligenceOnly,
        Classification::Restricted,
    ),
    (
        "person",
        "Wei Jianguo (synthetic)",
        "structure-only",
        Dissemination::Free,
        Use::Evidence,
        Classification::Secret,
    ),
    (
        "person",
        "Rustam Qodirov (synthetic)",
        "originator-only",
        Dissemination::Free,
        Use::Evidence,
        Classification::Confidential,
    ),
];

pub async fn run(dir: &Path, listen: SocketAddr, no_serve: bool, persons: u64, orgs: u64) -> Result<()> {
    let args = NodeArgs {
        data_dir: dir.to_path_buf(),
        database: None,
        key: None,
        audit_witness: None,
    };
    let node = Node::open(&args).await?;
    node.load_config(None).await?;
    let system = Actor::system("demo set-up");
    let existing = node.store.users().await?;
    for (username, authority, roles, clearance, _) in USERS {
        if existing.iter().any(|u| u.username == *username) {
            continue;
        }
        let hash = concord_app::passwords::hash_password(DEMO_PASSWORD)?;
        let new = NewUser {
            username: (*username).into(),
            display_name: format!("Demo {username}"),
            authority: (*authority).into(),
            roles: Roles::of(roles.iter().copied()),
            clearance: *clearance,
            password_hash: hash,
            disabled: false,
            must_change_password: false,
        };
        node.store.create_user(new, &system).await?;
    }
    seed_records(&node).await?;
    crate::demo_cooperation::seed(&node).await?;
    crate::demo_precursors::seed(&node).await?;
    crate::demo_legal::seed(&node).await?;
    crate::demo_statistics::seed(&node).await?;
    crate::demo_meetings::seed(&node).await?;
    crate::demo_exercises::seed(&node).await?;
    crate::demo_programmes::seed(&node).await?;
    seed_synthetic(&node, persons, orgs).await?;

    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(l) => l,
        Err(_) => tokio::net::TcpListener::bind(SocketAddr::new(listen.ip(), 0)).await?,
    };
    let addr = listener.local_addr()?;
    println!("Concord demo: {}", dir.join("concord.db").display());
    println!();
    println!("  URL:       http://{addr}/");
    println!(
        "             the web console, in English, Русский and 中文: log in as cn.officer, and as ru.officer in a second browser"
    );
    println!("  API:       http://{addr}/api/v1   (OpenAPI: http://{addr}/openapi.json)");
    println!("  Password:  {DEMO_PASSWORD}   (for every demo login)");
    println!();
    // Columns as wide as their longest entry, so that every row lines up.
    let login_w = USERS.iter().map(|u| u.0.len()).max().unwrap_or(5);
    let authority_w = USERS.iter().map(|u| u.1.len()).max().unwrap_or(9);
    println!(
        "  {:<login_w$} {:<authority_w$} {:<26} {:<13} ",
        "login", "authority", "roles", "clearance"
    );
    for (username, authority, roles, clearance, what) in USERS {
        let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        println!(
            "  {:<login_w$} {:<authority_w$} {:<26} {:<13} {}",
            username,
            authority,
            roles.join(","),
            clearance.as_str(),
            what
        );
    }
    println!();
    println!("  Try: curl -s -X POST http://{addr}/api/v1/auth/login -H 'content-type: application/json' \\");
    println!("         -d '{{\"username\":\"ru.analyst\",\"password\":\"{DEMO_PASSWORD}\"}}'");
    if no_serve {
        return Ok(());
    }
    println!("  Stop with Ctrl-C.");
    node.serve(listener, concord_server::Settings::default()).await
}

/// A primary name in the script it is written in.
fn primary(title: &str) -> Name {
    Name {
        full: title.into(),
        script: Script::detect(title),
        lang: None,
        kind: NameKind::Primary,
    }
}

async fn seed_records(node: &Node) -> Result<()> {
    let officer = node.store.user_by_name("cn.officer").await?;
    let supervisor = node.store.user_by_name("cn.supervisor").await?;
    let officer = Ctx {
        viewer: node.store.viewer(&officer)?,
        purpose: "demo set-up".into(),
    };
    let supervisor = Ctx {
        viewer: node.store.viewer(&supervisor)?,
        purpose: "demo set-up".into(),
    };
    let have = node
        .store
        .list_records(&officer, &RecordQuery::text("(synthetic)", 10))
        .await?;
    if !have.is_empty() {
        return Ok(());
    }
    let review = node.store.clock().today() + time::Duration::days(365);
    let mut organizations = vec![];
    for (kind, title, distribution, dissemination, use_, classification) in RECORDS {
        let distribution: Distribution = distribution.parse()?;
        let kind: RecordKind = kind.parse()?;
        let new = RecordInput {
            kind,
            facts: Facts {
                names: vec![primary(title)],
                ..Facts::default()
            },
            legal_basis: LegalBasis {
                instrument: "shanghai-convention-2001".into(),
                article: "1.1.1b".into(),
                category: Category::Terrorism,
            },
            evidence: "Synthetic demo record: planned an attack on a transport hub (no real person or organization)."
                .into(),
            handling: HandlingCode {
                distribution,
                dissemination: *dissemination,
                use_: *use_,
                classification: *classification,
            },
            review_date: review,
            source_id: None,
        };
        let r = concord_app::records::create(&node.store, &officer, new).await?;
        concord_app::records::decide_compliance(
            &node.store,
            &supervisor,
            &r.id,
            true,
            ALL_TICKED,
            "Describes criminal acts under the cited article; no political, religious, ethnic or racial ground.",
            r.version,
        )
        .await?;
        if r.kind == RecordKind::Organization {
            organizations.push(r.id);
        }
    }
    seed_events(node, &officer, &supervisor, &organizations, review).await
}

/// Synthetic events: `(title, date, place, latitude, longitude, organization)`
/// (the index into the demo's organizations).
const EVENTS: &[(&str, &str, &str, f64, f64, usize)] = &[
    (
        "Attack on a rail depot (synthetic)",
        "2025-03",
        "near Almaty",
        43.3,
        76.9,
        0,
    ),
    (
        "Explosives seized at a checkpoint (synthetic)",
        "2025-06-14",
        "near Tashkent",
        41.3,
        69.3,
        0,
    ),
    (
        "Arson at a bus station (synthetic)",
        "2024-11",
        "near Urumqi",
        43.8,
        87.6,
        0,
    ),
    ("Weapons cache found (synthetic)", "2025", "near Osh", 40.5, 72.8, 1),
    (
        "Border crossing shoot-out (synthetic)",
        "2024-08-02",
        "near Khorog",
        37.5,
        71.6,
        1,
    ),
    (
        "Courier arrested with detonators (synthetic)",
        "2025-09",
        "near Orenburg",
        51.8,
        55.1,
        1,
    ),
];

async fn seed_events(
    node: &Node,
    officer: &Ctx,
    supervisor: &Ctx,
    organizations: &[String],
    review: time::Date,
) -> Result<()> {
    for (title, date, place, lat, lon, org) in EVENTS {
        let Some(org) = organizations.get(*org) else { continue };
        let new = RecordInput {
            kind: RecordKind::Event,
            facts: Facts {
                names: vec![primary(title)],
                event: Some(EventFacts {
                    date: date.parse()?,
                    place: Some((*place).into()),
                    coordinates: Some((*lat, *lon)),
                    attributed_to: vec![org.clone()],
                }),
                ..Facts::default()
            },
            legal_basis: LegalBasis {
                instrument: "shanghai-convention-2001".into(),
                article: "1.1.1b".into(),
                category: Category::Terrorism,
            },
            evidence: "Synthetic demo event: an act attributed to a synthetic organization.".into(),
            handling: HandlingCode {
                distribution: Distribution::AllMembers,
                dissemination: Dissemination::Free,
                use_: Use::Evidence,
                classification: Classification::Restricted,
            },
            review_date: review,
            source_id: None,
        };
        let r = concord_app::records::create(&node.store, officer, new).await?;
        concord_app::records::decide_compliance(
            &node.store,
            supervisor,
            &r.id,
            true,
            ALL_TICKED,
            "Describes a criminal act.",
            r.version,
        )
        .await?;
    }
    Ok(())
}

/// How each member state's slice of the synthetic data is handled, so that
/// the demo shows every distribution, classification and dissemination.
const SLICES: &[(&str, &str, Classification, Dissemination, Use)] = &[
    (
        "CN",
        "all-members",
        Classification::Restricted,
        Dissemination::Free,
        Use::Evidence,
    ),
    (
        "RU",
        "all-members",
        Classification::Restricted,
        Dissemination::Free,
        Use::Evidence,
    ),
    (
        "KZ",
        "all-members",
        Classification::Confidential,
        Dissemination::Free,
        Use::IntelligenceOnly,
    ),
    (
        "KG",
        "all-members",
        Classification::Restricted,
        Dissemination::OriginatorConsent,
        Use::Evidence,
    ),
    (
        "TJ",
        "states:KZ,KG,TJ,UZ",
        Classification::Restricted,
        Dissemination::Free,
        Use::Evidence,
    ),
    (
        "UZ",
        "states:KZ,KG,TJ,UZ,RU",
        Classification::Confidential,
        Dissemination::Free,
        Use::Evidence,
    ),
    (
        "IN",
        "all-members",
        Classification::Confidential,
        Dissemination::OriginatorConsent,
        Use::IntelligenceOnly,
    ),
    (
        "PK",
        "all-members",
        Classification::Restricted,
        Dissemination::Free,
        Use::Evidence,
    ),
    (
        "IR",
        "structure-only",
        Classification::Restricted,
        Dissemination::Free,
        Use::Evidence,
    ),
    (
        "BY",
        "all-members",
        Classification::Unclassified,
        Dissemination::Free,
        Use::Evidence,
    ),
];

/// Loads `persons` synthetic persons, each state's by a registrar of that
/// state's security service, and `orgs` organizations with their links by
/// the regional structure; every slice is approved by its registrar.
async fn seed_synthetic(node: &Node, persons: u64, orgs: u64) -> Result<()> {
    let registrar = |cc: &str| format!("{}.registrar", cc.to_lowercase());
    if node.store.user_by_name(&registrar("structure")).await.is_ok() {
        return Ok(());
    }
    let g = concord_synth::Generator::new(2026);
    let review = node.store.clock().today() + time::Duration::days(365);
    let system = Actor::system("demo set-up");
    let mut by_state: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    for i in 0..persons {
        let p = g.person(i);
        let text = by_state.entry(p.state).or_default();
        for e in concord_synth::Generator::person_entities(&p) {
            text.push_str(&e.to_string());
            text.push('\n');
        }
    }
    let mut slices: Vec<(String, String, HandlingCode)> = Vec::new();
    for (cc, distribution, classification, dissemination, use_) in SLICES {
        let handling = HandlingCode {
            distribution: distribution.parse()?,
            dissemination: *dissemination,
            use_: *use_,
            classification: *classification,
        };
        slices.push((
            registrar(cc),
            format!("{}-security-service", cc.to_lowercase()),
            handling,
        ));
    }
    let mut org_text = String::new();
    for i in 0..orgs {
        for e in concord_synth::Generator::organization_entities(&g.organization(i, persons)) {
            org_text.push_str(&e.to_string());
            org_text.push('\n');
        }
    }
    slices.push((
        registrar("structure"),
        "structure".into(),
        HandlingCode {
            distribution: Distribution::AllMembers,
            dissemination: Dissemination::Free,
            use_: Use::Evidence,
            classification: Classification::Restricted,
        },
    ));
    let started = std::time::Instant::now();
    for (username, authority, handling) in slices {
        let hash = concord_app::passwords::hash_password(DEMO_PASSWORD)?;
        let user = node
            .store
            .create_user(
                NewUser {
                    username: username.clone(),
                    display_name: format!("Demo {username}"),
                    authority: authority.as_str().into(),
                    roles: Roles::of([Role::Officer, Role::Supervisor]),
                    clearance: Classification::Secret,
                    password_hash: hash,
                    disabled: false,
                    must_change_password: false,
                },
                &system,
            )
            .await?;
        let ctx = Ctx {
            viewer: node.store.viewer(&user)?,
            purpose: "demo set-up".into(),
        };
        let text = if authority == "structure" {
            std::mem::take(&mut org_text)
        } else {
            by_state
                .remove(authority.split('-').next().unwrap_or("").to_uppercase().as_str())
                .unwrap_or_default()
        };
        let defaults = concord_exchange::ImportDefaults {
            legal_basis: LegalBasis {
                instrument: "shanghai-convention-2001".into(),
                article: "1.1.1b".into(),
                category: Category::Terrorism,
            },
            handling,
            review_date: review,
            evidence: None,
        };
        let items = concord_exchange::ftm::read(std::io::Cursor::new(text.as_bytes()), &defaults);
        concord_app::records::import(&node.store, &ctx, items, |_| {})
            .await
            .map_err(|e| anyhow::anyhow!("loading the synthetic data: {e}"))?;
        concord_app::records::approve_imported(
            &node.store,
            &ctx,
            ALL_TICKED,
            "Demo data: synthetic records, each describing a criminal act.",
        )
        .await?;
    }
    tracing::info!(
        persons,
        orgs,
        seconds = started.elapsed().as_secs_f64(),
        "loaded the synthetic demo data"
    );
    Ok(())
}
