//! Meetings: scheduled by a participating state, read only by the
//! participants, decisions recorded by the chair with follow-up actions
//! that may not bind a state to an instrument it had not signed, actions
//! reported by their state, overdue ones listed. Each story runs on
//! SQLite and PostgreSQL.

use concord_app::Refusal;
use concord_app::meetings as mtg;
use concord_domain::meeting::{ActionInput, DecisionInput, MeetingInput, MeetingKind};
use concord_domain::{HandlingCode, StateCode};
use concord_stories::{officer, story};
use time::macros::date;

fn meeting(date: time::Date, chair: &str, participants: &[&str]) -> MeetingInput {
    MeetingInput {
        body: "security-council-secretaries".into(),
        kind: MeetingKind::Regular,
        date,
        place: "Astana".into(),
        chair: StateCode::from(chair),
        participants: participants.iter().map(|s| StateCode::from(*s)).collect(),
        agenda: vec!["Threats on the southern borders (synthetic)".into()],
        handling: HandlingCode::open(),
    }
}

fn decision(number: &str, date: time::Date, actions: Vec<ActionInput>) -> DecisionInput {
    DecisionInput {
        number: number.into(),
        date,
        text: "The secretaries agree to exchange lists of wanted persons monthly (synthetic).".into(),
        instruments: vec!["shanghai-convention-2001".into()],
        actions,
    }
}

fn action(state: &str, due: time::Date) -> ActionInput {
    ActionInput {
        state: StateCode::from(state),
        task: "Send the first list".into(),
        due,
    }
}

fn field<T: std::fmt::Debug>(r: Result<T, Refusal>) -> String {
    match r {
        Err(Refusal::Invalid { field, .. }) => field,
        other => panic!("expected a refused field, got {other:?}"),
    }
}

story!(a_meeting_records_decisions_whose_actions_bind_only_signatories, |f| {
    let kz = officer(&f, "kz-security-service");
    let cn = officer(&f, "cn-security-service");
    let ru = officer(&f, "ru-security-service");
    let india = officer(&f, "in-security-service");
    let today = f.store.clock().today();

    // Bad meetings: the field, nothing written.
    let mut unknown = meeting(today, "KZ", &["KZ", "CN"]);
    unknown.body = "tea-committee".into();
    assert_eq!(field(mtg::schedule(&f.store, &kz, unknown).await), "body");
    assert_eq!(
        field(mtg::schedule(&f.store, &kz, meeting(today, "RU", &["KZ", "CN"])).await),
        "chair"
    );
    assert_eq!(
        field(mtg::schedule(&f.store, &kz, meeting(today, "CN", &["CN", "RU"])).await),
        "participants"
    );
    assert_eq!(
        field(mtg::schedule(&f.store, &kz, meeting(today, "KZ", &["KZ", "XX"])).await),
        "participants[1]"
    );
    assert!(mtg::list(&f.store, &kz, 10).await.expect("list").is_empty());

    // A meeting of Kazakhstan, China and India in 2016, when India had not
    // signed the Shanghai Convention.
    let m = mtg::schedule(&f.store, &kz, meeting(date!(2016 - 06 - 23), "KZ", &["KZ", "CN", "IN"]))
        .await
        .expect("schedule");
    assert!(matches!(
        mtg::get(&f.store, &ru, &m.id).await,
        Err(Refusal::NotFound(_))
    ));
    let told = f.store.notifications(&cn, 50).await.expect("notices");
    assert!(told.iter().any(|n| n.subject_id == m.id), "China was not told");
    assert!(
        f.store
            .notifications(&ru, 50)
            .await
            .expect("notices")
            .iter()
            .all(|n| n.subject_id != m.id),
        "Russia was told of a meeting it does not take part in"
    );

    // Only the chair (or the scheduling office) records decisions.
    let due = date!(2016 - 09 - 01);
    assert!(matches!(
        mtg::decide(
            &f.store,
            &cn,
            &m.id,
            decision("1", date!(2016 - 06 - 23), vec![]),
            m.version
        )
        .await,
        Err(Refusal::Forbidden(_))
    ));
    assert_eq!(
        field(
            mtg::decide(
                &f.store,
                &kz,
                &m.id,
                decision("1", date!(2016 - 06 - 23), vec![action("IN", due)]),
                m.version
            )
            .await
        ),
        "actions[0].state",
        "India made responsible under a convention it had not signed"
    );
    assert_eq!(
        field(
            mtg::decide(
                &f.store,
                &kz,
                &m.id,
                decision("1", date!(2016 - 06 - 22), vec![]),
                m.version
            )
            .await
        ),
        "date"
    );
    let m = mtg::decide(
        &f.store,
        &kz,
        &m.id,
        decision(
            "1",
            date!(2016 - 06 - 23),
            vec![action("CN", due), action("KZ", today + time::Duration::days(30))],
        ),
        m.version,
    )
    .await
    .expect("decide");
    assert_eq!(m.decisions.len(), 1);
    assert_eq!(
        field(
            mtg::decide(
                &f.store,
                &kz,
                &m.id,
                decision("1", date!(2016 - 06 - 24), vec![]),
                m.version
            )
            .await
        ),
        "number"
    );
    // A stale version is a conflict.
    assert!(matches!(
        mtg::decide(
            &f.store,
            &kz,
            &m.id,
            decision("2", date!(2016 - 06 - 24), vec![]),
            m.version - 1
        )
        .await,
        Err(Refusal::Conflict(_))
    ));
    // India may read the meeting: it takes part.
    mtg::get(&f.store, &india, &m.id).await.expect("india reads");

    // China's action is overdue; Kazakhstan's is not yet due.
    let overdue = mtg::overdue(&f.store, &kz).await.expect("overdue");
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0].2.state.as_str(), "CN");
    assert!(mtg::overdue(&f.store, &ru).await.expect("ru").is_empty());
    // Only China reports its action, once.
    assert!(matches!(
        mtg::complete(&f.store, &kz, &m.id, "1", 0, "sent").await,
        Err(Refusal::Forbidden(_))
    ));
    let m = mtg::complete(&f.store, &cn, &m.id, "1", 0, "The list was sent on 1 July")
        .await
        .expect("done");
    assert!(m.decisions[0].actions[0].done_at.is_some());
    assert!(matches!(
        mtg::complete(&f.store, &cn, &m.id, "1", 0, "again").await,
        Err(Refusal::Conflict(_))
    ));
    assert!(matches!(
        mtg::complete(&f.store, &cn, &m.id, "9", 0, "").await,
        Err(Refusal::NotFound(_))
    ));
    assert!(mtg::overdue(&f.store, &kz).await.expect("overdue").is_empty());
    let logged = f.store.audit_mentioning(&m.id, 20).await.expect("audit");
    let actions: Vec<&str> = logged.iter().map(|e| e.draft.action.as_str()).collect();
    for a in ["meeting.schedule", "meeting.decide", "meeting.action-done"] {
        assert!(actions.contains(&a), "{a} not audited: {actions:?}");
    }
});
