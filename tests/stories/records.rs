//! The shared database's workflows: versions, the compliance gate, review,
//! data-subject requests and erasure, relationships, multiscript search.

use concord_app::Refusal;
use concord_domain::{
    Checklist, Classification, Facts, HandlingCode, Name, NameKind, RecordKind, RecordStatus, RelationKind, Role,
    Roles, Script,
};
use concord_store::{Link, RecordQuery, RequestKind, RequestStatus, StoreError};
use concord_stories::{ALL_TICKED, START, ctx, officer, sample_input, story};
use time::Duration;

story!(every_change_is_a_version_and_stale_updates_conflict, |f| {
    let kz = officer(&f, "kz-security-service");
    let r = concord_app::records::create(
        &f.store,
        &kz,
        sample_input(RecordKind::Person, "Nurlan Abenov", HandlingCode::open()),
    )
    .await
    .expect("create");
    let r = concord_app::records::decide_compliance(&f.store, &kz, &r.id, true, ALL_TICKED, "act described", r.version)
        .await
        .expect("approve");
    assert_eq!(r.version, 2);
    let mut changed = sample_input(RecordKind::Person, "Nurlan Abenov", HandlingCode::open());
    changed.facts.names.push(Name {
        full: "Нурлан Абенов".into(),
        script: Script::Cyrillic,
        lang: Some("kk".into()),
        kind: NameKind::Alias,
    });
    let r2 = concord_app::records::update(
        &f.store,
        &kz,
        &r.id,
        r.version,
        changed.clone(),
        "added the Cyrillic spelling",
    )
    .await
    .expect("update");
    assert_eq!(r2.version, 3);
    assert_eq!(
        r2.protected.compliance,
        concord_domain::Compliance::Pending,
        "a changed record is reviewed again"
    );
    let stale =
        concord_app::records::update(&f.store, &kz, &r.id, r.version, changed, "second edit from an old copy").await;
    assert!(matches!(stale, Err(Refusal::Conflict(_))), "{stale:?}");
    let empty_reason = concord_app::records::update(
        &f.store,
        &kz,
        &r.id,
        r2.version,
        sample_input(RecordKind::Person, "X Y", HandlingCode::open()),
        " ",
    )
    .await;
    assert!(matches!(empty_reason, Err(Refusal::Invalid { field, .. }) if field == "reason"));
    // Another authority may not change it, even when it can read it.
    concord_app::records::decide_compliance(&f.store, &kz, &r.id, true, ALL_TICKED, "ok", r2.version)
        .await
        .expect("approve");
    let ru = officer(&f, "ru-police");
    let foreign = concord_app::records::update(
        &f.store,
        &ru,
        &r.id,
        4,
        sample_input(RecordKind::Person, "Other", HandlingCode::open()),
        "mine now",
    )
    .await;
    assert!(matches!(foreign, Err(Refusal::Forbidden(_))), "{foreign:?}");

    let history = f.store.history(&kz, &r.id).await.expect("history");
    let actions: Vec<&str> = history.iter().map(|v| v.action.as_str()).collect();
    assert_eq!(
        actions,
        ["create", "compliance.approved", "update", "compliance.approved"]
    );
    assert_eq!(history[2].reason, "added the Cyrillic spelling");
    assert_eq!(history[2].author, "kz-security-service-officer");
    assert!(
        history[2]
            .snapshot
            .as_deref()
            .is_some_and(|s| s.contains("Нурлан Абенов"))
    );
    assert!(
        !history[1].snapshot.as_deref().is_some_and(|s| s.contains("Нурлан")),
        "old versions keep their old content"
    );

    // Search finds the alias in either script, for a reader in another state.
    let hits = f
        .store
        .list_records(&ru, &RecordQuery::text("нурлан", 10))
        .await
        .expect("search");
    assert_eq!(hits.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), [r.id.as_str()]);
});

story!(the_compliance_gate_holds_until_every_item_is_ticked, |f| {
    let cn = officer(&f, "cn-security-service");
    let ru = officer(&f, "ru-police");
    let cn_court = officer(&f, "cn-court");
    let r = concord_app::records::create(
        &f.store,
        &cn,
        sample_input(RecordKind::Organization, "Harbor Front", HandlingCode::open()),
    )
    .await
    .expect("create");
    for viewer in [&ru, &cn_court] {
        assert!(matches!(
            f.store.get_record(viewer, &r.id).await,
            Err(StoreError::NotFound(_))
        ));
    }
    let partial = Checklist {
        criminal_act_described: true,
        legal_basis_cites_article: true,
        not_on_protected_grounds_alone: false,
    };
    let refused =
        concord_app::records::decide_compliance(&f.store, &cn, &r.id, true, partial, "looks fine", r.version).await;
    assert!(
        matches!(&refused, Err(Refusal::Invalid { field, .. }) if field == "checklist.not_on_protected_grounds_alone"),
        "{refused:?}"
    );
    let analyst = ctx(
        &f.store,
        "a",
        "cn-security-service",
        Roles::of([Role::Analyst]),
        Classification::Secret,
    );
    assert!(matches!(
        concord_app::records::decide_compliance(&f.store, &analyst, &r.id, true, ALL_TICKED, "ok", r.version).await,
        Err(Refusal::Forbidden(_))
    ));
    let returned = concord_app::records::decide_compliance(
        &f.store,
        &cn,
        &r.id,
        false,
        Checklist::default(),
        "rests on membership of a religious group alone",
        r.version,
    )
    .await
    .expect("return");
    assert_eq!(
        returned.compliance_note.as_deref(),
        Some("rests on membership of a religious group alone")
    );
    assert!(
        f.store.get_record(&ru, &r.id).await.is_err(),
        "a returned record stays home"
    );
    concord_app::records::decide_compliance(
        &f.store,
        &cn,
        &r.id,
        true,
        ALL_TICKED,
        "act described under 1.1.3",
        returned.version,
    )
    .await
    .expect("approve");
    assert!(f.store.get_record(&ru, &r.id).await.is_ok());
    assert!(f.store.get_record(&cn_court, &r.id).await.is_ok());
});

story!(overdue_reviews_force_a_decision, |f| {
    let by = officer(&f, "by-security-service");
    let in_ = officer(&f, "in-police");
    let mut input = sample_input(RecordKind::Person, "Aliaksei Krautsou", HandlingCode::open());
    input.review_date = START.date() + Duration::days(10);
    let r = concord_app::records::create(&f.store, &by, input)
        .await
        .expect("create");
    let r = concord_app::records::decide_compliance(&f.store, &by, &r.id, true, ALL_TICKED, "act described", r.version)
        .await
        .expect("approve");
    assert!(f.store.review_queue(&by).await.expect("queue").is_empty());

    f.clock.advance(Duration::days(12));
    let q = f.store.review_queue(&by).await.expect("queue");
    assert_eq!(
        (q.len(), q[0].overdue_days, q[0].hidden_from_other_states),
        (1, 2, false)
    );
    assert!(
        f.store.review_queue(&in_).await.expect("queue").is_empty(),
        "only the originator's queue"
    );
    assert!(
        f.store.get_record(&in_, &r.id).await.is_ok(),
        "within grace, still shared"
    );

    f.clock.advance(Duration::days(30));
    let q = f.store.review_queue(&by).await.expect("queue");
    assert!(q[0].hidden_from_other_states);
    assert!(
        f.store.get_record(&in_, &r.id).await.is_err(),
        "past grace, other states lose it"
    );
    let by_border = officer(&f, "by-border-service");
    assert!(
        f.store.get_record(&by_border, &r.id).await.is_ok(),
        "its own state keeps it"
    );

    let past = concord_app::records::extend_review(&f.store, &by, &r.id, r.version, f.clock_today(), "no").await;
    assert!(matches!(&past, Err(Refusal::Invalid { field, .. }) if field == "review_date"));
    let new_date = START.date() + Duration::days(400);
    let r = concord_app::records::extend_review(&f.store, &by, &r.id, r.version, new_date, "the case is still open")
        .await
        .expect("extend");
    assert!(f.store.review_queue(&by).await.expect("queue").is_empty());
    assert!(f.store.get_record(&in_, &r.id).await.is_ok(), "extended: shared again");

    let r = concord_app::records::archive(&f.store, &by, &r.id, r.version, "case closed")
        .await
        .expect("archive");
    assert_eq!(r.status, RecordStatus::Archived);
    assert!(f.store.get_record(&in_, &r.id).await.is_err());
    assert!(f.store.get_record(&by_border, &r.id).await.is_err());
    assert!(
        f.store.get_record(&by, &r.id).await.is_ok(),
        "the originator keeps its archive"
    );
    let listed = f
        .store
        .list_records(
            &by,
            &RecordQuery {
                status: Some(RecordStatus::Archived),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(listed.len(), 1);
});

story!(a_granted_deletion_request_leaves_only_a_tombstone, |f| {
    let tj = officer(&f, "tj-security-service");
    let tj_dpo = ctx(
        &f.store,
        "dpo",
        "tj-security-service",
        Roles::of([Role::DataProtectionOfficer]),
        Classification::Secret,
    );
    let kg = ctx(
        &f.store,
        "kg",
        "kg-police",
        Roles::of([Role::DataProtectionOfficer, Role::Officer]),
        Classification::Secret,
    );
    let mut input = sample_input(RecordKind::Person, "Farhod Nazarov", HandlingCode::open());
    input.facts.identifiers.push(concord_domain::Identifier {
        scheme: "passport".into(),
        value: "TJ 1234567".into(),
        state: Some("TJ".into()),
    });
    let r = concord_app::records::create(&f.store, &tj, input)
        .await
        .expect("create");
    let r = concord_app::records::decide_compliance(&f.store, &tj, &r.id, true, ALL_TICKED, "act described", r.version)
        .await
        .expect("approve");
    let other = concord_app::records::create(
        &f.store,
        &tj,
        sample_input(RecordKind::Organization, "Valley Cell", HandlingCode::open()),
    )
    .await
    .expect("create");
    let other = concord_app::records::decide_compliance(
        &f.store,
        &tj,
        &other.id,
        true,
        ALL_TICKED,
        "act described",
        other.version,
    )
    .await
    .expect("approve");
    concord_app::records::relate(
        &f.store,
        &tj,
        Link {
            from: &r.id,
            to: &other.id,
            kind: RelationKind::MemberOf,
            since: None,
            until: None,
            source: "interrogation report 12",
        },
    )
    .await
    .expect("relate");

    // The subject asks in Kyrgyzstan; the request goes to Tajikistan.
    let req = concord_app::requests::register(
        &f.store,
        &kg,
        &r.id,
        RequestKind::Deletion,
        "the data subject, in person",
        "claims mistaken identity",
    )
    .await
    .expect("register");
    assert_eq!(req.deadline, START.date() + Duration::days(30));
    assert_eq!(f.store.requests(&tj_dpo, false).await.expect("list").len(), 1);
    assert!(f.store.requests(&tj_dpo, true).await.expect("list").is_empty());
    f.clock.advance(Duration::days(31));
    assert_eq!(
        f.store.requests(&tj_dpo, true).await.expect("overdue").len(),
        1,
        "overdue after 30 days"
    );
    assert!(
        matches!(
            concord_app::requests::decide(&f.store, &kg, &req.id, true, "x", "y").await,
            Err(concord_app::Refusal::NotFound(_))
        ),
        "only the originator decides"
    );

    let done = concord_app::requests::decide(
        &f.store,
        &tj_dpo,
        &req.id,
        true,
        "identity not established by the evidence",
        "your data has been erased",
    )
    .await
    .expect("decide");
    assert_eq!(done.status, RequestStatus::Granted);
    assert!(matches!(
        concord_app::requests::decide(&f.store, &tj_dpo, &req.id, false, "x", "y").await,
        Err(concord_app::Refusal::Conflict(_))
    ));

    assert!(f.store.get_record(&kg, &r.id).await.is_err());
    assert!(
        f.store
            .list_records(&tj, &RecordQuery::text("farhod", 10))
            .await
            .expect("search")
            .is_empty()
    );
    assert!(f.store.relationships(&tj, &other.id).await.expect("rels").is_empty());
    let tomb = f
        .store
        .list_records(
            &tj,
            &RecordQuery {
                status: Some(RecordStatus::Deleted),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert!(tomb.is_empty(), "erased records are not listed");
    // The history keeps who did what and why, but no content.
    use sqlx::Row;
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&f.url)
        .await
        .expect("connect");
    let rows = sqlx::query("SELECT action, snapshot FROM record_versions WHERE record_id = $1 ORDER BY version")
        .bind(&r.id)
        .fetch_all(&mut conn)
        .await
        .expect("versions");
    assert_eq!(
        rows.last().map(|r| r.try_get::<String, _>(0).expect("action")),
        Some("erase".into())
    );
    assert!(
        rows.iter()
            .all(|r| r.try_get::<String, _>(1).expect("snapshot") == "{}")
    );
    let names: i64 = sqlx::query("SELECT COUNT(*) FROM record_names WHERE record_id = $1")
        .bind(&r.id)
        .fetch_one(&mut conn)
        .await
        .expect("n")
        .try_get(0)
        .expect("count");
    let ids: i64 = sqlx::query("SELECT COUNT(*) FROM record_identifiers WHERE record_id = $1")
        .bind(&r.id)
        .fetch_one(&mut conn)
        .await
        .expect("n")
        .try_get(0)
        .expect("count");
    let body: String = sqlx::query("SELECT body || title || evidence FROM records WHERE id = $1")
        .bind(&r.id)
        .fetch_one(&mut conn)
        .await
        .expect("row")
        .try_get(0)
        .expect("body");
    assert_eq!((names, ids), (0, 0));
    assert!(!body.contains("Farhod") && !body.contains("1234567"), "{body}");
    let audit = f.store.audit_entries(0, 1000).await.expect("audit");
    assert!(
        audit
            .entries
            .iter()
            .any(|e| e.draft.action == "record.erase" && e.draft.target.starts_with(&r.id))
    );
});

story!(relationships_show_only_when_both_ends_are_visible, |f| {
    let uz = officer(&f, "uz-security-service");
    let pk = officer(&f, "pk-police");
    let a = concord_app::records::create(
        &f.store,
        &uz,
        sample_input(RecordKind::Person, "Sardor Toshmatov", HandlingCode::open()),
    )
    .await
    .expect("a");
    let a = concord_app::records::decide_compliance(&f.store, &uz, &a.id, true, ALL_TICKED, "ok", a.version)
        .await
        .expect("approve");
    let secret = HandlingCode {
        distribution: concord_domain::Distribution::OriginatorOnly,
        ..HandlingCode::open()
    };
    let b = concord_app::records::create(
        &f.store,
        &uz,
        sample_input(RecordKind::Organization, "Hidden Fund", secret),
    )
    .await
    .expect("b");
    let rel = concord_app::records::relate(
        &f.store,
        &uz,
        Link {
            from: &a.id,
            to: &b.id,
            kind: RelationKind::Financer,
            since: Some(START.date() - Duration::days(400)),
            until: None,
            source: "bank records",
        },
    )
    .await
    .expect("relate");
    assert_eq!(f.store.relationships(&uz, &a.id).await.expect("rels"), vec![rel]);
    assert!(
        f.store.relationships(&pk, &a.id).await.expect("rels").is_empty(),
        "the hidden end hides the link"
    );
    let own = concord_app::records::relate(
        &f.store,
        &pk,
        Link {
            from: &a.id,
            to: &b.id,
            kind: RelationKind::Associate,
            since: None,
            until: None,
            source: "x",
        },
    )
    .await;
    assert!(
        matches!(&own, Err(Refusal::Invalid { field, .. }) if field == "to"),
        "{own:?}"
    );
    let selfie = concord_app::records::relate(
        &f.store,
        &uz,
        Link {
            from: &a.id,
            to: &a.id,
            kind: RelationKind::Family,
            since: None,
            until: None,
            source: "x",
        },
    )
    .await;
    assert!(matches!(selfie, Err(Refusal::Invalid { .. })));
});

story!(records_are_validated_against_the_registry, |f| {
    let cn = officer(&f, "cn-police");
    let mut bad = sample_input(RecordKind::Organization, "Org", HandlingCode::open());
    bad.facts.birth_dates.push("1990".parse().expect("date"));
    assert!(
        matches!(concord_app::records::create(&f.store, &cn, bad).await, Err(Refusal::Invalid { field, .. }) if field == "birth_dates")
    );
    let mut bad = sample_input(RecordKind::Person, "P", HandlingCode::open());
    bad.legal_basis.article = "77".into();
    assert!(
        matches!(concord_app::records::create(&f.store, &cn, bad).await, Err(Refusal::Invalid { field, .. }) if field == "legal_basis.article")
    );
    let mut event = sample_input(RecordKind::Event, "x", HandlingCode::open());
    event.facts = Facts {
        event: Some(concord_domain::EventFacts {
            date: "2024-05".parse().expect("date"),
            place: Some("a mountain pass".into()),
            coordinates: Some((39.5, 200.0)),
            attributed_to: vec![],
        }),
        ..Facts::default()
    };
    assert!(
        matches!(concord_app::records::create(&f.store, &cn, event.clone()).await, Err(Refusal::Invalid { field, .. }) if field == "event.coordinates")
    );
    if let Some(e) = event.facts.event.as_mut() {
        e.coordinates = Some((39.5, 70.2));
    }
    let ev = concord_app::records::create(&f.store, &cn, event).await.expect("event");
    assert_eq!((ev.kind, ev.title.as_str()), (RecordKind::Event, "(event)"));
    assert_eq!(
        f.store
            .count_records(
                &cn,
                &RecordQuery {
                    kind: Some(RecordKind::Event),
                    limit: 1,
                    ..Default::default()
                }
            )
            .await
            .expect("n"),
        1
    );
});
