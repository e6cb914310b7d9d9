//! Joint exercises: planned by the initiating state, confirmed by every
//! participant before the after-action report, read by participants and
//! observers only; impossible phases and wrong states are refused with
//! their field. Each story runs on SQLite and PostgreSQL.

use concord_app::Refusal;
use concord_app::exercises as ex;
use concord_domain::exercise::{ExerciseInput, ExerciseKind, Phase, Stage};
use concord_domain::{HandlingCode, StateCode};
use concord_stories::{officer, story};
use std::collections::BTreeMap;
use time::macros::date;

fn plan() -> ExerciseInput {
    ExerciseInput {
        name: "Sary-arka (synthetic)".into(),
        kind: ExerciseKind::CommandStaff,
        host: StateCode::from("KZ"),
        participants: vec![StateCode::from("KZ"), StateCode::from("CN"), StateCode::from("KG")],
        observers: vec![StateCode::from("RU")],
        phases: vec![
            Phase {
                name: "Planning".into(),
                starts: date!(2027 - 03 - 01),
                ends: date!(2027 - 03 - 02),
            },
            Phase {
                name: "Conduct".into(),
                starts: date!(2027 - 03 - 03),
                ends: date!(2027 - 03 - 05),
            },
        ],
        scenario: "Hostages taken at a railway station (synthetic)".into(),
        forces: [(StateCode::from("CN"), "A special-forces detachment".to_owned())].into(),
        handling: HandlingCode::open(),
    }
}

fn field<T: std::fmt::Debug>(r: Result<T, Refusal>) -> String {
    match r {
        Err(Refusal::Invalid { field, .. }) => field,
        other => panic!("expected a refused field, got {other:?}"),
    }
}

story!(an_exercise_is_confirmed_by_every_participant_before_its_report, |f| {
    let kz = officer(&f, "kz-security-service");
    let cn = officer(&f, "cn-security-service");
    let kg = officer(&f, "kg-security-service");
    let ru = officer(&f, "ru-security-service");
    let tj = officer(&f, "tj-security-service");

    let mut overlap = plan();
    overlap.phases[1].starts = date!(2027 - 03 - 02);
    assert_eq!(field(ex::plan(&f.store, &kz, overlap).await), "phases[1].starts");
    let mut both = plan();
    both.observers.push(StateCode::from("CN"));
    assert_eq!(field(ex::plan(&f.store, &kz, both).await), "observers[1]");
    let mut forces = plan();
    forces.forces = BTreeMap::from([(StateCode::from("TJ"), "a battalion".to_owned())]);
    assert_eq!(field(ex::plan(&f.store, &kz, forces).await), "forces.TJ");
    assert_eq!(field(ex::plan(&f.store, &tj, plan()).await), "participants");
    assert!(
        ex::list(&f.store, &kz, 10).await.expect("list").is_empty(),
        "a refused plan left something"
    );

    let e = ex::plan(&f.store, &kz, plan()).await.expect("plan");
    assert_eq!(e.stage, Stage::Planned);
    assert_eq!(e.awaiting().len(), 2, "the initiator confirms with the plan");
    // The observer reads it, an outsider does not.
    ex::get(&f.store, &ru, &e.id).await.expect("observer reads");
    assert!(matches!(ex::get(&f.store, &tj, &e.id).await, Err(Refusal::NotFound(_))));
    assert!(matches!(
        ex::confirm(&f.store, &ru, &e.id).await,
        Err(Refusal::Forbidden(_))
    ));
    // No report before every participant confirmed.
    assert!(matches!(
        ex::report(&f.store, &kz, &e.id, "done", &[], e.version).await,
        Err(Refusal::Conflict(_))
    ));
    let e = ex::confirm(&f.store, &cn, &e.id).await.expect("cn");
    assert!(matches!(
        ex::confirm(&f.store, &cn, &e.id).await,
        Err(Refusal::Conflict(_))
    ));
    assert_eq!(e.stage, Stage::Planned);
    let e = ex::confirm(&f.store, &kg, &e.id).await.expect("kg");
    assert_eq!(e.stage, Stage::Confirmed);
    assert!(matches!(
        ex::report(&f.store, &cn, &e.id, "done", &[], e.version).await,
        Err(Refusal::Forbidden(_))
    ));
    assert!(matches!(
        ex::report(&f.store, &kz, &e.id, "done", &[], e.version - 1).await,
        Err(Refusal::Conflict(_))
    ));
    let e = ex::report(
        &f.store,
        &kz,
        &e.id,
        "The hostages were freed in the second hour (synthetic).",
        &[
            "Radio links between the detachments\nfailed at first".into(),
            " ".into(),
        ],
        e.version,
    )
    .await
    .expect("report");
    assert_eq!(e.stage, Stage::Conducted);
    assert_eq!(
        e.lessons,
        vec!["Radio links between the detachments failed at first".to_owned()]
    );
    let logged = f.store.audit_mentioning(&e.id, 20).await.expect("audit");
    let actions: Vec<&str> = logged.iter().map(|x| x.draft.action.as_str()).collect();
    for a in ["exercise.plan", "exercise.confirm", "exercise.report"] {
        assert!(actions.contains(&a), "{a} not audited: {actions:?}");
    }
});
