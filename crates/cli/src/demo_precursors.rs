//! The demo's precursor control: declared requirements of China and
//! Kazakhstan, pre-export notifications at every stage (one above China's
//! declared requirement, one shipped and received, one objected by Russia
//! with the incident it raised), and a seizure Kazakhstan shares with all
//! members. Synthetic throughout.

use crate::demo_cooperation::ctx;
use crate::node::Node;
use anyhow::Result;
use concord_app::precursors as pen;
use concord_domain::precursor::{IncidentInput, IncidentKind, NotificationInput, TransitLeg};
use concord_domain::workflow::pre_export::Step;
use concord_domain::{Classification, HandlingCode, StateCode};

/// A notification to `to` of `(substance, quantity, unit)`, leaving in
/// `days` days, through `transit`.
fn shipment(
    node: &Node,
    to: &str,
    exporter: &str,
    (substance, quantity, unit): (&str, &str, &str),
    transit: &[(&str, &str)],
    entry: &str,
    days: i64,
) -> NotificationInput {
    NotificationInput {
        importing_state: StateCode::from(to),
        exporter: format!("{exporter} (synthetic)"),
        importer: format!("{to} Industrial Solvents (synthetic)"),
        consignee: String::new(),
        substance: substance.into(),
        quantity: quantity.into(),
        unit: unit.into(),
        transit: transit
            .iter()
            .map(|(state, point)| TransitLeg {
                state: StateCode::from(*state),
                point_of_entry: (*point).into(),
            })
            .collect(),
        point_of_entry: entry.into(),
        planned_export: node.store.clock().today() + time::Duration::days(days),
        handling: HandlingCode {
            classification: Classification::Restricted,
            ..HandlingCode::open()
        },
    }
}

/// Seeds once: skipped when Kazakhstan's agency already sees notifications.
pub async fn seed(node: &Node) -> Result<()> {
    let kz = ctx(node, "kz.antidrug").await?;
    if !pen::list(&node.store, &kz, None, None, 1).await?.is_empty() {
        return Ok(());
    }
    let cn = ctx(node, "cn.antidrug").await?;
    let ru = ctx(node, "ru.antidrug").await?;
    let s = &node.store;
    let year = s.clock().today().year();
    pen::declare_requirement(s, &cn, "acetic-anhydride", year, "5000", "l").await?;
    pen::declare_requirement(s, &cn, "potassium-permanganate", year, "40", "t").await?;
    pen::declare_requirement(s, &kz, "potassium-permanganate", year, "20", "t").await?;
    pen::declare_requirement(s, &ru, "ephedrine", year, "150", "kg").await?;

    // Waiting for China's reply; the second takes the year past China's declaration.
    pen::notify(
        s,
        &kz,
        shipment(
            node,
            "CN",
            "Steppe Chemicals LLP",
            ("acetic-anhydride", "1200", "l"),
            &[("KG", "Kordai crossing")],
            "Torugart pass",
            20,
        ),
    )
    .await?;
    pen::notify(
        s,
        &kz,
        shipment(
            node,
            "CN",
            "Steppe Chemicals LLP",
            ("acetic-anhydride", "4500", "l"),
            &[],
            "Khorgos",
            25,
        ),
    )
    .await?;

    // Russia to Kazakhstan: confirmed, shipped, received.
    let n = pen::notify(
        s,
        &ru,
        shipment(
            node,
            "KZ",
            "Volga Reagents JSC",
            ("potassium-permanganate", "10", "t"),
            &[],
            "Petropavl rail crossing",
            5,
        ),
    )
    .await?;
    let n = pen::step(s, &kz, &n.id, Step::Confirm, "", n.version).await?;
    let n = pen::step(s, &ru, &n.id, Step::Ship, "Left on train 4417", n.version).await?;
    pen::step(s, &kz, &n.id, Step::Receive, "Seals intact", n.version).await?;

    // China to Russia through Kazakhstan: Russia objects, and the objection
    // raises a suspicious-order incident.
    let n = pen::notify(
        s,
        &cn,
        shipment(
            node,
            "RU",
            "Pearl River Pharma Co.",
            ("ephedrine", "400", "kg"),
            &[("KZ", "Khorgos")],
            "Troitsk",
            15,
        ),
    )
    .await?;
    pen::object(
        s,
        &ru,
        &n.id,
        "The importer is not licensed for ephedrine and the quantity is far above its past orders",
        n.version,
        Some(IncidentKind::SuspiciousOrder),
    )
    .await?;

    // Kazakhstan's seizure, for all members.
    pen::report_incident(
        s,
        &kz,
        IncidentInput {
            kind: IncidentKind::Seizure,
            occurred_on: s.clock().today() - time::Duration::days(3),
            place: "Road checkpoint near Shymkent".into(),
            description: "Potassium permanganate in unmarked drums in a truck declared as fertiliser (synthetic)."
                .into(),
            substance: Some("potassium-permanganate".into()),
            quantity: Some("1.2".into()),
            unit: Some("t".into()),
            notification: None,
            records: vec![],
            messages: vec![],
            handling: HandlingCode {
                classification: Classification::Restricted,
                ..HandlingCode::open()
            },
        },
    )
    .await?;
    seed_delivery(node).await
}

/// A controlled delivery from China through Kazakhstan to Russia, both
/// authorized, started, Kazakhstan holding custody.
async fn seed_delivery(node: &Node) -> Result<()> {
    use concord_app::deliveries as cd;
    use concord_domain::delivery::{Leg, PlanInput};
    use concord_domain::workflow::controlled_delivery::{Method, Step as CdStep};
    let (cn, kz, ru) = (
        ctx(node, "cn.antidrug").await?,
        ctx(node, "kz.antidrug").await?,
        ctx(node, "ru.antidrug").await?,
    );
    let s = &node.store;
    let leg = |state: &str, point: &str, contact: &str| Leg {
        state: StateCode::from(state),
        handover_point: point.into(),
        contact: contact.into(),
    };
    let start = s.clock().today() + time::Duration::days(1);
    let d = cd::propose(
        s,
        &cn,
        PlanInput {
            consignment:
                "Synthetic: 12 kg of heroin in the floor of a refrigerated truck, replaced by a substitute at Khorgos"
                    .into(),
            method: Method::Replaced,
            route: vec![
                leg("CN", "Urumqi logistics park", "CN duty desk, +86 000 0000 (synthetic)"),
                leg("KZ", "Khorgos crossing", "KZ duty desk, +7 000 0000 (synthetic)"),
                leg("RU", "Troitsk crossing", "RU duty desk, +7 000 1111 (synthetic)"),
            ],
            planned_start: start,
            planned_end: start + time::Duration::days(6),
            handling: HandlingCode {
                classification: Classification::Confidential,
                ..HandlingCode::open()
            },
        },
    )
    .await?;
    let d = cd::step(
        s,
        &kz,
        &d.id,
        CdStep::Authorize,
        "Our team follows it from Khorgos to the border",
        None,
        d.version,
    )
    .await?;
    let d = cd::step(
        s,
        &ru,
        &d.id,
        CdStep::Authorize,
        "Arrests only after the handover to the addressee",
        None,
        d.version,
    )
    .await?;
    let d = cd::step(s, &cn, &d.id, CdStep::Start, "", None, d.version).await?;
    cd::step(
        s,
        &kz,
        &d.id,
        CdStep::Handover,
        "At Khorgos, seals checked",
        None,
        d.version,
    )
    .await?;
    seed_operations(node).await
}

/// Two joint operations: "Mouse Trap", closed with every state's results,
/// and "Spider Web", active with two states' results in.
async fn seed_operations(node: &Node) -> Result<()> {
    use concord_app::operations as ops;
    use concord_domain::operation::{OperationInput, SeizureText, Step as OpStep};
    let (cn, kz, ru) = (
        ctx(node, "cn.antidrug").await?,
        ctx(node, "kz.antidrug").await?,
        ctx(node, "ru.antidrug").await?,
    );
    let s = &node.store;
    let today = s.clock().today();
    let seized = |substance: &str, quantity: &str| SeizureText {
        substance: substance.into(),
        quantity: quantity.into(),
        unit: "kg".into(),
    };
    let plan = |name: &str, description: &str, days_ago: i64, days: i64| OperationInput {
        name: name.into(),
        description: description.into(),
        participants: ["KZ", "CN", "RU"].into_iter().map(StateCode::from).collect(),
        starts: today - time::Duration::days(days_ago),
        ends: today - time::Duration::days(days_ago) + time::Duration::days(days),
        handling: HandlingCode {
            classification: Classification::Restricted,
            ..HandlingCode::open()
        },
    };
    let o = ops::plan(
        s,
        &kz,
        plan(
            "Mouse Trap",
            "Checks of cargo on the northern routes (synthetic)",
            60,
            20,
        ),
    )
    .await?;
    let o = ops::step(s, &kz, &o.id, OpStep::Start, o.version).await?;
    ops::report(
        s,
        &kz,
        &o.id,
        &[seized("heroin", "42.5"), seized("hashish", "310")],
        17,
        9,
    )
    .await?;
    ops::report(
        s,
        &cn,
        &o.id,
        &[seized("methamphetamine", "12"), seized("heroin", "8")],
        11,
        6,
    )
    .await?;
    let o = ops::report(s, &ru, &o.id, &[seized("cocaine", "3.2")], 5, 4).await?;
    ops::step(s, &kz, &o.id, OpStep::Close, o.version).await?;
    let mouse_trap = o.id.clone();
    let o = ops::plan(
        s,
        &kz,
        plan(
            "Spider Web",
            "Financial flows of the courier networks (synthetic)",
            5,
            30,
        ),
    )
    .await?;
    let o = ops::step(s, &kz, &o.id, OpStep::Start, o.version).await?;
    ops::report(s, &kz, &o.id, &[seized("heroin", "6.4")], 4, 2).await?;
    ops::report(s, &ru, &o.id, &[], 2, 3).await?;
    link_cases(node, &o.id, &mouse_trap).await
}

/// Ties the demo's objects of one case together: the controlled delivery
/// with "Spider Web", whose couriers it follows, and the Shymkent seizure
/// with "Mouse Trap", which made it.
async fn link_cases(node: &Node, spider_web: &str, mouse_trap: &str) -> Result<()> {
    use concord_app::case_links;
    let kz = ctx(node, "kz.antidrug").await?;
    let s = &node.store;
    if let Some(d) = concord_app::deliveries::list(s, &kz, 1).await?.first() {
        case_links::link(
            s,
            &kz,
            &d.id,
            spider_web,
            "The couriers of this consignment are Spider Web's targets",
        )
        .await?;
    }
    let seizure = pen::incidents(s, &kz, 50)
        .await?
        .into_iter()
        .find(|i| i.place.contains("Shymkent"));
    if let Some(i) = seizure {
        case_links::link(s, &kz, &i.id, mouse_trap, "Seized at a Mouse Trap checkpoint").await?;
    }
    Ok(())
}
