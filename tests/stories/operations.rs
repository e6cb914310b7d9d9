//! Joint operations: planned among participants, started and closed by
//! the lead, each participant's results added up; who may see and report.
//! Each story runs on SQLite and PostgreSQL.

use concord_app::Refusal;
use concord_app::operations as ops;
use concord_domain::operation::{OperationInput, SeizureText, Stage, Step};
use concord_domain::{HandlingCode, StateCode};
use concord_stories::{Fixture, officer, story};

fn plan(f: &Fixture, participants: &[&str]) -> OperationInput {
    OperationInput {
        name: "Spider Web".into(),
        description: "Courier networks (synthetic)".into(),
        participants: participants.iter().map(|s| StateCode::from(*s)).collect(),
        starts: f.store.clock().today(),
        ends: f.store.clock().today() + time::Duration::days(30),
        handling: HandlingCode::open(),
    }
}

fn seized(substance: &str, quantity: &str, unit: &str) -> SeizureText {
    SeizureText {
        substance: substance.into(),
        quantity: quantity.into(),
        unit: unit.into(),
    }
}

story!(participants_report_results_that_add_up_and_others_see_nothing, |f| {
    let kz = officer(&f, "kz-police");
    let cn = officer(&f, "cn-anti-drug-agency");
    let ru = officer(&f, "ru-police");
    let o = ops::plan(&f.store, &kz, plan(&f, &["KZ", "CN"])).await.expect("plan");
    assert_eq!(o.stage, Stage::Planned);
    assert!(matches!(
        ops::report(&f.store, &cn, &o.id, &[], 1, 1).await,
        Err(Refusal::Conflict(_))
    ));
    assert!(matches!(
        ops::step(&f.store, &cn, &o.id, Step::Start, o.version).await,
        Err(Refusal::Forbidden(_))
    ));
    let o = ops::step(&f.store, &kz, &o.id, Step::Start, o.version)
        .await
        .expect("start");
    ops::report(&f.store, &kz, &o.id, &[seized("Heroin", "12.5", "kg")], 3, 2)
        .await
        .expect("kz");
    ops::report(
        &f.store,
        &cn,
        &o.id,
        &[seized("heroin", "500", "g"), seized("hashish", "1", "t")],
        4,
        1,
    )
    .await
    .expect("cn");
    // A corrected report replaces the earlier one.
    let o = ops::report(&f.store, &cn, &o.id, &[seized("heroin", "750", "g")], 5, 1)
        .await
        .expect("cn again");
    let t = o.totals();
    assert_eq!((t.arrests, t.cases_opened), (8, 3));
    assert_eq!(t.seized.get("heroin"), Some(&13_250));
    assert_eq!(t.seized.get("hashish"), None);
    // Outside the operation: not found, nothing counted.
    assert!(matches!(
        ops::get(&f.store, &ru, &o.id).await,
        Err(Refusal::NotFound(_))
    ));
    assert!(matches!(
        ops::report(&f.store, &ru, &o.id, &[], 1, 1).await,
        Err(Refusal::NotFound(_))
    ));
    let theirs = ops::statistics(&f.store, &ru).await.expect("ru statistics");
    assert_eq!((theirs.operations, theirs.overall.arrests), (0, 0));
    let ours = ops::statistics(&f.store, &kz).await.expect("kz statistics");
    assert_eq!(ours.overall.arrests, 8);
    assert_eq!(ours.by_state.get(&StateCode::from("CN")).map(|t| t.arrests), Some(5));
    let o = ops::step(&f.store, &kz, &o.id, Step::Close, o.version)
        .await
        .expect("close");
    assert!(matches!(
        ops::report(&f.store, &kz, &o.id, &[], 9, 9).await,
        Err(Refusal::Conflict(_))
    ));
});

story!(bad_plans_and_results_are_refused_by_field, |f| {
    let kz = officer(&f, "kz-police");
    let field = |r: Result<concord_domain::operation::Operation, Refusal>| match r {
        Err(Refusal::Invalid { field, .. }) => field,
        other => panic!("expected a refused field, got {other:?}"),
    };
    assert_eq!(field(ops::plan(&f.store, &kz, plan(&f, &["KZ"])).await), "participants");
    assert_eq!(
        field(ops::plan(&f.store, &kz, plan(&f, &["CN", "RU"])).await),
        "participants"
    );
    assert_eq!(
        field(ops::plan(&f.store, &kz, plan(&f, &["KZ", "XX"])).await),
        "participants[1]"
    );
    assert_eq!(
        field(ops::plan(&f.store, &kz, plan(&f, &["KZ", "CN", "KZ"])).await),
        "participants[2]"
    );
    let mut p = plan(&f, &["KZ", "CN"]);
    p.ends = p.starts - time::Duration::days(1);
    assert_eq!(field(ops::plan(&f.store, &kz, p).await), "ends");
    let mut p = plan(&f, &["KZ", "CN"]);
    p.name = " ".into();
    assert_eq!(field(ops::plan(&f.store, &kz, p).await), "name");
    assert!(ops::list(&f.store, &kz, 10).await.expect("list").is_empty());
    let o = ops::plan(&f.store, &kz, plan(&f, &["KZ", "CN"])).await.expect("plan");
    let o = ops::step(&f.store, &kz, &o.id, Step::Start, o.version)
        .await
        .expect("start");
    assert_eq!(field(ops::report(&f.store, &kz, &o.id, &[], -1, 0).await), "arrests");
    assert_eq!(
        field(ops::report(&f.store, &kz, &o.id, &[seized("heroin", "5", "l")], 0, 0).await),
        "seizures[0].unit"
    );
    assert_eq!(
        field(ops::report(&f.store, &kz, &o.id, &[seized("", "5", "kg")], 0, 0).await),
        "seizures[0].substance"
    );
    assert!(
        ops::get(&f.store, &kz, &o.id).await.expect("get").results.is_empty(),
        "a refused report was written"
    );
});
