//! Cooperation programmes: adopted among participants, progress reported
//! by each responsible state, overdue actions listed, read by the
//! participants only; wrong programmes refused with their field. Each
//! story runs on SQLite and PostgreSQL.

use concord_app::Refusal;
use concord_app::programmes as prg;
use concord_domain::programme::{ActionInput, ProgrammeInput};
use concord_domain::{HandlingCode, StateCode};
use concord_stories::{officer, story};
use time::macros::date;

fn states(codes: &[&str]) -> Vec<StateCode> {
    codes.iter().map(|c| StateCode::from(*c)).collect()
}

fn programme() -> ProgrammeInput {
    ProgrammeInput {
        name: "Programme of cooperation 2019-2021 (synthetic)".into(),
        first_year: 2019,
        last_year: 2021,
        participants: states(&["KZ", "CN", "KG"]),
        actions: vec![
            ActionInput {
                title: "Joint training of border officers".into(),
                responsible: states(&["KZ", "CN"]),
                indicator: "Courses held".into(),
                deadline: date!(2020 - 12 - 31),
            },
            ActionInput {
                title: "A common list of wanted persons".into(),
                responsible: states(&["KG"]),
                indicator: "List in use".into(),
                deadline: date!(2021 - 06 - 30),
            },
        ],
        handling: HandlingCode::open(),
    }
}

fn field<T: std::fmt::Debug>(r: Result<T, Refusal>) -> String {
    match r {
        Err(Refusal::Invalid { field, .. }) => field,
        other => panic!("expected a refused field, got {other:?}"),
    }
}

story!(a_programme_tracks_each_states_progress_and_lists_overdue_actions, |f| {
    let kz = officer(&f, "kz-security-service");
    let cn = officer(&f, "cn-security-service");
    let kg = officer(&f, "kg-security-service");
    let ru = officer(&f, "ru-security-service");
    let mut late = programme();
    late.actions[1].deadline = date!(2022 - 01 - 01);
    assert_eq!(field(prg::adopt(&f.store, &kz, late).await), "actions[1].deadline");
    let mut outsider = programme();
    outsider.actions[0].responsible.push(StateCode::from("RU"));
    assert_eq!(
        field(prg::adopt(&f.store, &kz, outsider).await),
        "actions[0].responsible"
    );
    let mut backwards = programme();
    backwards.last_year = 2018;
    assert_eq!(field(prg::adopt(&f.store, &kz, backwards).await), "last_year");
    assert_eq!(field(prg::adopt(&f.store, &ru, programme()).await), "participants");

    let p = prg::adopt(&f.store, &kz, programme()).await.expect("adopt");
    assert!(matches!(
        prg::get(&f.store, &ru, &p.id).await,
        Err(Refusal::NotFound(_))
    ));
    // Every action is past its deadline and open.
    assert_eq!(prg::overdue(&f.store, &cn).await.expect("overdue").len(), 2);
    assert!(prg::overdue(&f.store, &ru).await.expect("ru").is_empty());
    assert!(matches!(
        prg::report(&f.store, &kg, &p.id, 0, 50, "").await,
        Err(Refusal::Forbidden(_))
    ));
    assert_eq!(field(prg::report(&f.store, &kz, &p.id, 0, 101, "").await), "percent");
    prg::report(&f.store, &kz, &p.id, 0, 100, "Four courses")
        .await
        .expect("kz");
    // China has not completed its part: still overdue.
    let p2 = prg::report(&f.store, &cn, &p.id, 0, 60, "Two courses")
        .await
        .expect("cn");
    assert_eq!(p2.actions[0].open_for(), vec![&StateCode::from("CN")]);
    assert_eq!(prg::overdue(&f.store, &kz).await.expect("overdue").len(), 2);
    // A later report replaces the earlier one.
    prg::report(&f.store, &cn, &p.id, 0, 100, "Four courses")
        .await
        .expect("cn again");
    prg::report(&f.store, &kg, &p.id, 1, 100, "In use since 2021")
        .await
        .expect("kg");
    assert!(prg::overdue(&f.store, &kz).await.expect("overdue").is_empty());
    assert!(matches!(
        prg::report(&f.store, &kg, &p.id, 7, 10, "").await,
        Err(Refusal::NotFound(_))
    ));
    let logged = f.store.audit_mentioning(&p.id, 20).await.expect("audit");
    assert!(logged.iter().any(|e| e.draft.action == "programme.adopt"));
    assert_eq!(
        logged.iter().filter(|e| e.draft.action == "programme.progress").count(),
        4
    );
});
