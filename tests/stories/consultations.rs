//! Emergency consultations: two proposals within the window convene all
//! members; the joint statement is adopted when every member approves the
//! current version; a lone proposal lapses.

use concord_app::Refusal;
use concord_domain::workflow::consultation::{Stage, Verdict};
use concord_domain::{Classification, Role, Roles};
use concord_store::{Ctx, StoreError};
use concord_stories::{START, ctx, officer, story};
use time::Duration;

const MEMBERS: [&str; 10] = ["CN", "KZ", "KG", "RU", "TJ", "UZ", "IN", "PK", "IR", "BY"];

fn ministry(f: &concord_stories::Fixture, state: &str) -> Ctx {
    officer(f, &format!("{}-foreign-ministry", state.to_lowercase()))
}

story!(
    two_proposals_convene_all_members_and_every_member_adopts_the_statement,
    |f| {
        let kz = ministry(&f, "KZ");
        let ru = ministry(&f, "RU");
        let c = concord_app::consultations::propose(&f.store, &kz, "Hostage taking at a border crossing (synthetic)")
            .await
            .expect("propose");
        assert_eq!(c.stage, Stage::Proposed);
        let police = officer(&f, "ru-police");
        assert!(matches!(
            concord_app::consultations::second(&f.store, &police, &c.id, "we agree").await,
            Err(Refusal::Forbidden(m)) if m.contains("foreign-ministry")
        ));
        assert!(matches!(
            concord_app::consultations::second(&f.store, &kz, &c.id, "again").await,
            Err(Refusal::Conflict(m)) if m.contains("already proposed")
        ));
        f.clock.advance(Duration::hours(5));
        let c = concord_app::consultations::second(&f.store, &ru, &c.id, "Same incident seen from our side")
            .await
            .expect("second");
        assert_eq!(c.stage, Stage::Convened);
        assert_eq!(c.members.len(), MEMBERS.len());
        let meeting = START + Duration::hours(5 + 48);
        assert_eq!(
            c.meeting_at
                .as_deref()
                .map(|m| m.starts_with(&meeting.date().to_string())),
            Some(true)
        );
        assert!(c.agenda.contains("Hostage taking"));
        let cn = ministry(&f, "CN");
        let notes = f
            .store
            .notifications(&officer(&f, "cn-police"), 20)
            .await
            .expect("notes");
        assert!(
            notes
                .iter()
                .any(|n| n.subject_id == c.id && n.text.contains("convened")),
            "{notes:?}"
        );

        concord_app::consultations::set_agenda(&f.store, &cn, &c.id, "1. The incident\n2. Joint statement")
            .await
            .expect("agenda");
        assert!(matches!(
            concord_app::consultations::answer_statement(&f.store, &cn, &c.id, 1, Verdict::Approve, "").await,
            Err(Refusal::Conflict(m)) if m.contains("no statement")
        ));
        let c = concord_app::consultations::draft_statement(&f.store, &kz, &c.id, "The members condemn the act (v1).")
            .await
            .expect("v1");
        assert_eq!(c.version, 1);
        concord_app::consultations::answer_statement(&f.store, &cn, &c.id, 1, Verdict::Approve, "")
            .await
            .expect("cn approves v1");
        assert!(matches!(
            concord_app::consultations::answer_statement(&f.store, &ru, &c.id, 1, Verdict::ChangesRequested, " ").await,
            Err(Refusal::Conflict(_))
        ));
        concord_app::consultations::answer_statement(
            &f.store,
            &ru,
            &c.id,
            1,
            Verdict::ChangesRequested,
            "name the crossing",
        )
        .await
        .expect("changes");
        let c = concord_app::consultations::draft_statement(
            &f.store,
            &ru,
            &c.id,
            "The members condemn the act at crossing B (v2).",
        )
        .await
        .expect("v2");
        assert!(matches!(
            concord_app::consultations::answer_statement(&f.store, &cn, &c.id, 1, Verdict::Approve, "").await,
            Err(Refusal::Conflict(m)) if m.contains("not the current")
        ));
        let mut c = c;
        for (i, state) in MEMBERS.iter().enumerate() {
            c = concord_app::consultations::answer_statement(
                &f.store,
                &ministry(&f, state),
                &c.id,
                2,
                Verdict::Approve,
                "",
            )
            .await
            .expect("approve");
            let expected = if i + 1 == MEMBERS.len() {
                Stage::Adopted
            } else {
                Stage::Convened
            };
            assert_eq!(c.stage, expected, "after {state}");
        }
        let adopted = c.adopted_statement().expect("published");
        assert_eq!(adopted.version, 2);
        assert!(adopted.text.contains("crossing B"));
        assert!(
            concord_app::consultations::draft_statement(&f.store, &kz, &c.id, "v3")
                .await
                .is_err()
        );

        // The whole timeline, time-stamped, as anyone of a member state reads it.
        let reader = ctx(
            &f.store,
            "by-analyst",
            "by-police",
            Roles::of([Role::Analyst]),
            Classification::Restricted,
        );
        let c = f.store.consultation(&reader, &c.id).await.expect("read");
        let actions: Vec<&str> = c.timeline.iter().map(|t| t.action.as_str()).collect();
        assert_eq!(
            &actions[..7],
            [
                "propose",
                "propose",
                "agenda",
                "draft",
                "approve",
                "changes-requested",
                "draft"
            ]
        );
        assert_eq!(actions.len(), 7 + MEMBERS.len());
        assert!(c.timeline.windows(2).all(|w| w[0].at <= w[1].at));
        assert_eq!(
            c.proposals.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(),
            ["KZ", "RU"]
        );
    }
);

story!(a_lone_proposal_lapses_and_outsiders_take_no_part, |f| {
    let kz = ministry(&f, "KZ");
    let c = concord_app::consultations::propose(&f.store, &kz, "Explosion at a depot (synthetic)")
        .await
        .expect("propose");
    assert!(matches!(
        concord_app::consultations::propose(&f.store, &kz, " ").await,
        Err(Refusal::Invalid { field, .. }) if field == "summary"
    ));
    let structure = ctx(
        &f.store,
        "structure-officer",
        "structure",
        Roles::of([Role::Officer]),
        Classification::Secret,
    );
    assert!(matches!(
        concord_app::consultations::propose(&f.store, &structure, "we propose").await,
        Err(Refusal::Forbidden(_))
    ));
    assert_eq!(
        f.store
            .consultation(&structure, &c.id)
            .await
            .expect("structure reads")
            .stage,
        Stage::Proposed
    );
    let admin = ctx(
        &f.store,
        "kz-admin",
        "kz-foreign-ministry",
        Roles::of([Role::Administrator]),
        Classification::Secret,
    );
    assert!(matches!(
        f.store.consultation(&admin, &c.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(f.store.consultations(&admin).await.expect("list").is_empty());

    f.clock.advance(Duration::hours(72));
    assert_eq!(
        f.store.consultation(&kz, &c.id).await.expect("read").stage,
        Stage::Proposed
    );
    f.clock.advance(Duration::minutes(1));
    let lapsed = f.store.consultation(&kz, &c.id).await.expect("read");
    assert_eq!(lapsed.stage, Stage::Lapsed);
    assert_eq!(lapsed.timeline.last().map(|t| t.action.as_str()), Some("lapse"));
    let late = concord_app::consultations::second(&f.store, &ministry(&f, "RU"), &c.id, "late").await;
    assert!(matches!(late, Err(Refusal::Conflict(_))), "{late:?}");
});

story!(a_member_suspended_after_convening_takes_no_further_part, |f| {
    let kz = ministry(&f, "KZ");
    let ru = ministry(&f, "RU");
    let uz = ministry(&f, "UZ");
    let c = concord_app::consultations::propose(&f.store, &kz, "Attack on a pipeline (synthetic)")
        .await
        .expect("propose");
    let c = concord_app::consultations::second(&f.store, &ru, &c.id, "")
        .await
        .expect("second");
    assert!(c.members.iter().any(|m| m == "UZ"));
    let c = concord_app::consultations::draft_statement(&f.store, &kz, &c.id, "The members condemn the act.")
        .await
        .expect("v1");
    assert!(
        f.store.visible_consultation(&uz, &c.id).await.is_ok(),
        "a member today sees it"
    );

    // Uzbekistan is suspended from tomorrow.
    f.suspend_from_tomorrow("UZ").await;
    f.clock.advance(Duration::days(1));

    let uz_police = officer(&f, "uz-police");
    for who in [&uz, &uz_police] {
        assert!(matches!(
            f.store.visible_consultation(who, &c.id).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(
            f.store
                .consultations(who)
                .await
                .expect("list")
                .iter()
                .all(|x| x.id != c.id)
        );
    }
    assert!(matches!(
        concord_app::consultations::answer_statement(&f.store, &uz, &c.id, 1, Verdict::Approve, "").await,
        Err(Refusal::NotFound(_))
    ));
    assert!(matches!(
        concord_app::consultations::draft_statement(&f.store, &uz, &c.id, "Our own text.").await,
        Err(Refusal::NotFound(_))
    ));
    let after = f
        .store
        .visible_consultation(&kz, &c.id)
        .await
        .expect("kz still sees it");
    assert_eq!(after.version, 1, "nothing changed");
});
