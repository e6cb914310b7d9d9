//! The access property: random users and random handling codes, through
//! every path that returns records (get, list, search, count, export), on
//! every backend. Each path must answer exactly what `decide` allows.

use concord_app::Refusal;
use concord_domain::RecordKind;
use concord_domain::registry::{Authority, MembershipEvent, Names, State};
use concord_domain::{
    Action, AuthorityKind, Classification, Dissemination, Distribution, HandlingCode, MembershipStatus, Protected,
    Role, Roles, Use, decide,
};
use concord_store::{Actor, RecordQuery, StoreError};
use concord_stories::{ALL_TICKED, Fixture, ctx, sample_input, story};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::collections::BTreeSet;
use time::macros::{date, datetime};
use time::{Date, Duration};

/// Authorities the random users belong to: members of several generations,
/// an observer, a dialogue partner, a suspended and a withdrawn state, and
/// the regional structure.
const AUTHORITIES: &[&str] = &[
    "cn-security-service",
    "cn-police",
    "kz-police",
    "in-police",
    "by-border-service",
    "mn-police",
    "tr-police",
    "xs-police",
    "xw-police",
    "structure",
];
const NAMED: &[&str] = &["CN", "KZ", "IN", "BY", "MN", "TR", "XS", "XW"];
const WORDS: &[&str] = &["amber", "basalt", "cobalt"];
const DAYS: &[Date] = &[
    date!(2016 - 03 - 01),
    date!(2020 - 06 - 01),
    date!(2024 - 01 - 15),
    date!(2026 - 11 - 22),
];

#[derive(Debug, Clone)]
struct RecordSpec {
    creator: usize,
    handling: HandlingCode,
    approve: bool,
    review_offset_days: i64,
    consent_to: Option<usize>,
    word: usize,
}

#[derive(Debug, Clone)]
struct ViewerSpec {
    authority: usize,
    roles: Vec<Role>,
    clearance: Classification,
}

#[derive(Debug, Clone)]
struct World {
    day: usize,
    records: Vec<RecordSpec>,
    viewers: Vec<ViewerSpec>,
}

fn classification() -> impl Strategy<Value = Classification> {
    prop::sample::select(Classification::ALL.to_vec())
}

fn distribution() -> impl Strategy<Value = Distribution> {
    prop_oneof![
        Just(Distribution::AllMembers),
        Just(Distribution::StructureOnly),
        Just(Distribution::OriginatorOnly),
        prop::sample::subsequence(NAMED.to_vec(), 1..4)
            .prop_map(|s| Distribution::States(s.into_iter().map(Into::into).collect())),
    ]
}

fn handling() -> impl Strategy<Value = HandlingCode> {
    (
        distribution(),
        prop::sample::select(Dissemination::ALL.to_vec()),
        prop::sample::select(Use::ALL.to_vec()),
        classification(),
    )
        .prop_map(|(distribution, dissemination, use_, classification)| HandlingCode {
            distribution,
            dissemination,
            use_,
            classification,
        })
}

fn world() -> impl Strategy<Value = World> {
    let record = (
        0..AUTHORITIES.len(),
        handling(),
        prop::bool::weighted(0.75),
        -90i64..90,
        prop::option::of(0..AUTHORITIES.len()),
        0..WORDS.len(),
    )
        .prop_map(
            |(creator, handling, approve, review_offset_days, consent_to, word)| RecordSpec {
                creator,
                handling,
                approve,
                review_offset_days,
                consent_to,
                word,
            },
        );
    let viewer = (
        0..AUTHORITIES.len(),
        prop::sample::subsequence(Role::ALL.to_vec(), 0..3),
        classification(),
    )
        .prop_map(|(authority, roles, clearance)| ViewerSpec {
            authority,
            roles,
            clearance,
        });
    (
        0..DAYS.len(),
        prop::collection::vec(record, 1..6),
        prop::collection::vec(viewer, 1..5),
    )
        .prop_map(|(day, records, viewers)| World { day, records, viewers })
}

/// Adds a suspended member and a withdrawn one, with a police authority each.
async fn add_troubled_states(f: &Fixture) {
    let mut config = concord_config::sco().expect("valid");
    for (code, status, since) in [
        ("XS", MembershipStatus::Suspended, date!(2022 - 01 - 01)),
        ("XW", MembershipStatus::Withdrawn, date!(2019 - 01 - 01)),
    ] {
        config.registry.states.insert(
            code.into(),
            State {
                code: code.into(),
                name: Names {
                    en: code.into(),
                    ru: None,
                    zh: None,
                },
                membership: vec![
                    MembershipEvent {
                        since: date!(2001 - 06 - 15),
                        status: MembershipStatus::Member,
                    },
                    MembershipEvent { since, status },
                ],
            },
        );
        let id = format!("{}-police", code.to_lowercase());
        config.registry.authorities.insert(
            id.as_str().into(),
            Authority {
                id: id.as_str().into(),
                state: Some(code.into()),
                kind: AuthorityKind::Police,
                name: Names {
                    en: id.clone(),
                    ru: None,
                    zh: None,
                },
            },
        );
    }
    // Observers and dialogue partners have authorities too.
    for code in ["MN", "TR"] {
        let id = format!("{}-police", code.to_lowercase());
        config.registry.authorities.insert(
            id.as_str().into(),
            Authority {
                id: id.as_str().into(),
                state: Some(code.into()),
                kind: AuthorityKind::Police,
                name: Names {
                    en: id.clone(),
                    ru: None,
                    zh: None,
                },
            },
        );
    }
    f.store
        .apply_config(&config, &Actor::system("test"))
        .await
        .expect("config");
}

/// What the test knows of each record it created, independently of the store.
struct Known {
    id: String,
    title: String,
    protected: Protected,
}

async fn play(f: &Fixture, w: World, known: &mut Vec<Known>, serial: &mut usize) -> Result<(), TestCaseError> {
    let today = DAYS[w.day];
    f.clock.set(today.with_hms(10, 0, 0).expect("time").assume_utc());
    let first_new = known.len();
    for spec in &w.records {
        *serial += 1;
        let creator = ctx(
            &f.store,
            "creator",
            AUTHORITIES[spec.creator],
            Roles::of([Role::Officer, Role::Supervisor]),
            Classification::Secret,
        );
        let title = format!("Record {serial} {}", WORDS[spec.word]);
        let review = today + Duration::days(spec.review_offset_days);
        let mut new = sample_input(RecordKind::Organization, &title, spec.handling.clone());
        new.review_date = today + Duration::days(1);
        let mut r = concord_app::records::create(&f.store, &creator, new)
            .await
            .expect("create");
        // Put the review date where the case wants it, past ones included,
        // by extending on a day before it.
        let before = review.min(today) - Duration::days(1);
        f.clock.set(before.with_hms(10, 0, 0).expect("time").assume_utc());
        r = concord_app::records::extend_review(&f.store, &creator, &r.id, r.version, review, "test: review date")
            .await
            .expect("extend");
        f.clock.set(today.with_hms(10, 0, 0).expect("time").assume_utc());
        if spec.approve {
            r = concord_app::records::decide_compliance(
                &f.store,
                &creator,
                &r.id,
                true,
                ALL_TICKED,
                "describes a criminal act under article 1.1.3",
                r.version,
            )
            .await
            .expect("approve");
        }
        if let Some(to) = spec.consent_to {
            r = concord_app::records::grant_consent(&f.store, &creator, &r.id, &AUTHORITIES[to].into())
                .await
                .expect("consent");
        }
        let mut expected = Protected {
            originator: AUTHORITIES[spec.creator].into(),
            originator_state: creator.viewer.state.clone(),
            handling: spec.handling.clone(),
            compliance: if spec.approve {
                concord_domain::Compliance::Approved
            } else {
                concord_domain::Compliance::Pending
            },
            review_date: Some(review),
            consented: BTreeSet::new(),
            archived: false,
        };
        if let Some(to) = spec.consent_to {
            expected.consented.insert(AUTHORITIES[to].into());
        }
        prop_assert_eq!(&r.protected, &expected, "the store keeps the handling code as given");
        known.push(Known {
            id: r.id,
            title,
            protected: expected,
        });
    }

    let snap = f.store.snapshot();
    for v in &w.viewers {
        let c = ctx(
            &f.store,
            "viewer",
            AUTHORITIES[v.authority],
            Roles::of(v.roles.iter().copied()),
            v.clearance,
        );
        let may =
            |k: &Known, action| decide(&c.viewer, &k.protected, action, &snap.registry, &snap.policy, today).allowed;
        let expect = |action, text: Option<&str>| -> BTreeSet<String> {
            known
                .iter()
                .filter(|k| may(k, action) && text.is_none_or(|t| k.title.contains(t)))
                .map(|k| k.id.clone())
                .collect()
        };
        let ids = |rs: Vec<concord_store::Record>| rs.into_iter().map(|r| r.id).collect::<BTreeSet<_>>();

        // get: the new records and a few old ones.
        for k in known[first_new..].iter().chain(known.iter().step_by(7)) {
            let got = f.store.get_record(&c, &k.id).await;
            match (&got, may(k, Action::Read)) {
                (Ok(_), true) | (Err(StoreError::NotFound(_)), false) => {}
                _ => prop_assert!(false, "get {} for {:?}: {:?}", k.id, c.viewer, got.map(|r| r.id)),
            }
        }
        let all = ids(f.store.list_records(&c, &RecordQuery::first(500)).await.expect("list"));
        prop_assert_eq!(&all, &expect(Action::Read, None), "list");
        let word = WORDS[v.authority % WORDS.len()];
        let hits = ids(f
            .store
            .list_records(&c, &RecordQuery::text(&word.to_uppercase(), 500))
            .await
            .expect("search"));
        prop_assert_eq!(&hits, &expect(Action::Read, Some(word)), "search");
        prop_assert_eq!(
            f.store.count_records(&c, &RecordQuery::default()).await.expect("count"),
            all.len() as i64,
            "count"
        );
        prop_assert_eq!(
            f.store
                .count_records(&c, &RecordQuery::text(word, 1))
                .await
                .expect("count"),
            hits.len() as i64,
            "search count"
        );
        let exported = ids(f.store.export_records(&c).await.expect("export"));
        prop_assert_eq!(&exported, &expect(Action::Disseminate, None), "export");
    }
    Ok(())
}

story!(no_path_returns_what_the_access_decision_denies, |f| {
    add_troubled_states(&f).await;
    let cases = std::env::var("CONCORD_ACCESS_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(24);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let known = std::sync::Mutex::new(Vec::new());
    let serial = std::sync::Mutex::new(0usize);
    let handle = tokio::runtime::Handle::current();
    let result = tokio::task::block_in_place(|| {
        runner.run(&world(), |w| {
            let mut known = known.lock().unwrap_or_else(|e| e.into_inner());
            let mut serial = serial.lock().unwrap_or_else(|e| e.into_inner());
            handle.block_on(play(&f, w, &mut known, &mut serial))
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(
        known.lock().map(|k| k.len()).unwrap_or(0) >= 24,
        "the property ran on records"
    );
    let _ = datetime!(2026-11-22 0:00 UTC);
});

story!(paging_and_limits_are_checked, |f| {
    let c = ctx(
        &f.store,
        "u",
        "kz-police",
        Roles::of([Role::Officer, Role::Supervisor]),
        Classification::Secret,
    );
    for i in 0..5 {
        let new = sample_input(RecordKind::Person, &format!("Person {i}"), HandlingCode::open());
        concord_app::records::create(&f.store, &c, new).await.expect("create");
    }
    let page = f
        .store
        .list_records(
            &c,
            &RecordQuery {
                offset: 3,
                limit: 10,
                ..RecordQuery::default()
            },
        )
        .await
        .expect("page");
    assert_eq!(page.len(), 2);
    for (offset, limit, field) in [(0, 0, "limit"), (0, 501, "limit"), (-1, 10, "offset")] {
        let r = f
            .store
            .list_records(
                &c,
                &RecordQuery {
                    offset,
                    limit,
                    ..RecordQuery::default()
                },
            )
            .await;
        assert!(
            matches!(&r, Err(StoreError::Invalid { field: fl, .. }) if fl == field),
            "{r:?}"
        );
    }
    let above = sample_input(
        RecordKind::Person,
        "Too secret",
        HandlingCode {
            classification: Classification::Secret,
            ..HandlingCode::open()
        },
    );
    let low = ctx(
        &f.store,
        "u2",
        "kz-police",
        Roles::of([Role::Officer]),
        Classification::Restricted,
    );
    assert!(matches!(
        concord_app::records::create(&f.store, &low, above).await,
        Err(Refusal::Invalid { .. })
    ));
    // A stale version is refused.
    let r = f
        .store
        .list_records(&c, &RecordQuery::first(1))
        .await
        .expect("one")
        .remove(0);
    concord_app::records::decide_compliance(&f.store, &c, &r.id, true, ALL_TICKED, "criminal act", r.version)
        .await
        .expect("approve");
    let stale =
        concord_app::records::decide_compliance(&f.store, &c, &r.id, false, ALL_TICKED, "second thoughts", r.version)
            .await;
    assert!(matches!(stale, Err(Refusal::Conflict(_))), "{stale:?}");
});

story!(pages_walk_across_hidden_records_without_gaps_or_repeats, |f| {
    let kz = ctx(
        &f.store,
        "kz",
        "kz-police",
        Roles::of([Role::Officer, Role::Supervisor]),
        Classification::Secret,
    );
    let cn = ctx(
        &f.store,
        "cn",
        "cn-police",
        Roles::of([Role::Officer, Role::Supervisor]),
        Classification::Secret,
    );
    let hidden = HandlingCode {
        distribution: concord_domain::Distribution::OriginatorOnly,
        ..HandlingCode::open()
    };
    for i in 0..150 {
        let (who, handling) = if i % 3 == 0 {
            (&cn, hidden.clone())
        } else {
            (&kz, HandlingCode::open())
        };
        concord_app::records::create(
            &f.store,
            who,
            sample_input(RecordKind::Person, &format!("Paged Person {i}"), handling),
        )
        .await
        .expect("create");
    }
    let all = f.store.list_records(&kz, &RecordQuery::first(500)).await.expect("all");
    assert_eq!(all.len(), 100);
    let mut walked = Vec::new();
    for offset in (0..120).step_by(17) {
        let page = f
            .store
            .list_records(
                &kz,
                &RecordQuery {
                    offset,
                    limit: 17,
                    ..RecordQuery::default()
                },
            )
            .await
            .expect("page");
        walked.extend(page.into_iter().map(|r| r.id));
    }
    let ids: Vec<String> = all.into_iter().map(|r| r.id).collect();
    assert_eq!(walked, ids);
});
