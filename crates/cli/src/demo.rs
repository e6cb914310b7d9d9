//! `concord demo`: a node with the SCO configuration, demo users and a few
//! synthetic records, ready to explore.

use crate::NodeArgs;
use crate::node::Node;
use anyhow::Result;
use concord_domain::{Category, Checklist, Facts, LegalBasis, Name, NameKind, RecordKind, Script};
use concord_domain::{Classification, Dissemination, Distribution, HandlingCode, Role, Roles, Use};
use concord_store::{Actor, Ctx, NewUser, RecordInput, RecordQuery};

const ALL_TICKED: Checklist = Checklist {
    criminal_act_described: true,
    legal_basis_cites_article: true,
    not_on_protected_grounds_alone: true,
};
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
        "manages every state's users",
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
        "ru.analyst",
        "ru-police",
        &[Role::Analyst],
        Classification::Confidential,
        "another member state",
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
        "by.admin",
        "by-security-service",
        &[Role::Administrator],
        Classification::Confidential,
        "manages Belarus's users",
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

pub async fn run(dir: &Path, listen: SocketAddr, no_serve: bool) -> Result<()> {
    let args = NodeArgs {
        data_dir: dir.to_path_buf(),
        database: None,
        key: None,
    };
    let node = Node::open(&args).await?;
    node.load_config(None).await?;
    let system = Actor::system("demo set-up");
    let existing = node.store.users().await?;
    for (username, authority, roles, clearance, _) in USERS {
        if existing.iter().any(|u| u.username == *username) {
            continue;
        }
        let hash = concord_server::hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
        let new = NewUser {
            username: (*username).into(),
            display_name: format!("Demo {username}"),
            authority: (*authority).into(),
            roles: Roles::of(roles.iter().copied()),
            clearance: *clearance,
            password_hash: hash,
        };
        node.store.create_user(new, &system).await?;
    }
    seed_records(&node).await?;

    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(l) => l,
        Err(_) => tokio::net::TcpListener::bind(SocketAddr::new(listen.ip(), 0)).await?,
    };
    let addr = listener.local_addr()?;
    println!("Concord demo: {}", dir.join("concord.db").display());
    println!();
    println!("  URL:       http://{addr}/");
    println!("  API:       http://{addr}/api/v1   (OpenAPI: http://{addr}/openapi.json)");
    println!("  Password:  {DEMO_PASSWORD}   (for every demo login)");
    println!();
    println!(
        "  {:<20} {:<22} {:<26} {:<13} ",
        "login", "authority", "roles", "clearance"
    );
    for (username, authority, roles, clearance, what) in USERS {
        let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        println!(
            "  {:<20} {:<22} {:<26} {:<13} {}",
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
    for (kind, title, distribution, dissemination, use_, classification) in RECORDS {
        let distribution: Distribution = distribution.parse()?;
        let kind: RecordKind = kind.parse()?;
        let new = RecordInput {
            kind,
            facts: Facts {
                names: vec![Name {
                    full: (*title).into(),
                    script: Script::detect(title),
                    lang: None,
                    kind: NameKind::Primary,
                }],
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
        let r = node.store.create_record(&officer, new).await?;
        node.store
            .decide_compliance(
                &supervisor,
                &r.id,
                true,
                ALL_TICKED,
                "Describes criminal acts under the cited article; no political, religious, ethnic or racial ground.",
                r.version,
            )
            .await?;
    }
    Ok(())
}
