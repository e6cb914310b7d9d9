//! Mutual legal assistance and extradition: a draft that lacks what the
//! requested state needs is not sent and says what is missing; every
//! status from drafted to executed, refused or withdrawn by the right side;
//! intelligence-only evidence needs its originator's recorded consent;
//! statistics. Each story runs on SQLite and PostgreSQL.

use concord_app::Refusal;
use concord_app::legal as mla;
use concord_domain::legal::{LegalRequestInput, Offence, RequestKind};
use concord_domain::workflow::legal_assistance::{Ground, Status, Step};
use concord_domain::{Classification, HandlingCode, RecordKind, StateCode, Use};
use concord_stories::{ALL_TICKED, Fixture, officer, sample_input, story};

/// Kazakhstan's prosecutors ask China's for bank records.
pub fn request(f: &Fixture) -> LegalRequestInput {
    LegalRequestInput {
        kind: RequestKind::EvidenceCollection,
        requested_state: StateCode::from("CN"),
        requested_office: None,
        facts: "A courier network moved heroin across the border in 2026 (synthetic).".into(),
        request: "Copies of the statements of account 6222 0000 0000 (synthetic) for 2026.".into(),
        offences: vec![Offence {
            name: "drug trafficking".into(),
            requesting_law: "Criminal Code, art. 297 (synthetic wording)".into(),
            requested_law: "Criminal Law, art. 347 (synthetic wording)".into(),
        }],
        persons: vec!["Courier A (synthetic)".into()],
        records: vec![],
        messages: vec![],
        urgent: false,
        deadline: Some(f.store.clock().today() + time::Duration::days(60)),
        handling: HandlingCode {
            classification: Classification::Confidential,
            ..HandlingCode::open()
        },
    }
}

fn invalid_field<T: std::fmt::Debug>(r: Result<T, Refusal>) -> String {
    match r {
        Err(Refusal::Invalid { field, .. }) => field,
        other => panic!("expected a refused field, got {other:?}"),
    }
}

story!(
    a_draft_is_sent_only_once_complete_and_goes_to_executed_by_the_right_sides,
    |f| {
        let kz = officer(&f, "kz-prosecutor");
        let cn = officer(&f, "cn-prosecutor");
        let ru = officer(&f, "ru-prosecutor");
        let police = officer(&f, "kz-police");
        assert!(matches!(
            mla::draft(&f.store, &police, request(&f)).await,
            Err(Refusal::Forbidden(_))
        ));
        let mut incomplete = request(&f);
        incomplete.offences[0].requested_law = String::new();
        let r = mla::draft(&f.store, &kz, incomplete).await.expect("draft");
        assert_eq!(r.status, Status::Drafted);
        assert_eq!(mla::missing(&r).len(), 1);
        // A draft is its office's alone.
        assert!(matches!(
            mla::get(&f.store, &cn, &r.id).await,
            Err(Refusal::NotFound(_))
        ));
        match mla::step(&f.store, &kz, &r.id, Step::Send, "", &[], r.version).await {
            Err(Refusal::Invalid { message, .. }) => assert!(message.contains("dual criminality"), "{message}"),
            other => panic!("an incomplete draft was sent: {other:?}"),
        }
        let r = mla::revise(&f.store, &kz, &r.id, request(&f), r.version)
            .await
            .expect("revise");
        assert!(mla::missing(&r).is_empty());
        let r = mla::step(&f.store, &kz, &r.id, Step::Send, "", &[], r.version)
            .await
            .expect("send");
        assert_eq!(r.status, Status::Sent);
        assert!(r.sent_at.is_some());
        assert!(matches!(
            mla::revise(&f.store, &kz, &r.id, request(&f), r.version).await,
            Err(Refusal::Conflict(_))
        ));
        // Off the request: not found; the wrong side: forbidden; a stale version: conflict.
        assert!(matches!(
            mla::get(&f.store, &ru, &r.id).await,
            Err(Refusal::NotFound(_))
        ));
        assert!(matches!(
            mla::step(&f.store, &kz, &r.id, Step::Receive, "", &[], r.version).await,
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            mla::step(&f.store, &cn, &r.id, Step::Receive, "", &[], r.version + 1).await,
            Err(Refusal::Conflict(_))
        ));
        assert!(matches!(
            mla::step(&f.store, &cn, &r.id, Step::Execute, "", &[], r.version).await,
            Err(Refusal::Conflict(_))
        ));
        let r = mla::step(&f.store, &cn, &r.id, Step::Receive, "", &[], r.version)
            .await
            .expect("receive");
        // Past the deadline without an answer, it is overdue; answered, it is not.
        assert!(!r.overdue(f.store.clock().today()));
        f.clock.advance(time::Duration::days(61));
        assert!(
            r.overdue(f.store.clock().today()),
            "a request past its deadline is not overdue"
        );
        assert_eq!(mla::flag_overdue(&f.store).await.expect("flag"), 1);
        assert_eq!(
            mla::flag_overdue(&f.store).await.expect("flag again"),
            0,
            "flagged twice"
        );
        for who in [&kz, &cn] {
            let told = f.store.notifications(who, 100).await.expect("notices");
            assert!(
                told.iter()
                    .any(|n| n.subject_id == r.id && n.text.contains("past its deadline")),
                "{} was not told of the passed deadline",
                who.viewer.authority
            );
        }
        let r = mla::get(&f.store, &cn, &r.id).await.expect("read");
        let r = mla::step(&f.store, &cn, &r.id, Step::Begin, "", &[], r.version)
            .await
            .expect("begin");
        let r = mla::step(
            &f.store,
            &cn,
            &r.id,
            Step::PartiallyExecute,
            "First bank answered",
            &[],
            r.version,
        )
        .await
        .expect("part");
        let r = mla::step(
            &f.store,
            &cn,
            &r.id,
            Step::Execute,
            "All statements sent",
            &[],
            r.version,
        )
        .await
        .expect("execute");
        assert_eq!(r.status, Status::Executed);
        assert!(r.answered_at.is_some());
        assert!(!r.overdue(f.store.clock().today()), "an executed request is overdue");
        let actions: Vec<&str> = r.timeline.iter().map(|t| t.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "draft",
                "revise",
                "send",
                "receive",
                "flag-overdue",
                "begin",
                "partially-execute",
                "execute"
            ]
        );
        let notices: Vec<String> = f
            .store
            .notifications(&kz, 100)
            .await
            .expect("notices")
            .into_iter()
            .filter(|n| n.kind == "legal" && n.subject_id == r.id)
            .map(|n| n.text)
            .collect();
        assert!(notices.iter().any(|t| t.contains("executed")), "{notices:?}");
    }
);

story!(
    a_refusal_names_coded_grounds_and_a_request_is_never_sent_to_its_own_state,
    |f| {
        let kz = officer(&f, "kz-prosecutor");
        let cn = officer(&f, "cn-prosecutor");
        let mut own = request(&f);
        own.requested_state = StateCode::from("KZ");
        assert_eq!(invalid_field(mla::draft(&f.store, &kz, own).await), "requested_state");
        let mut unknown = request(&f);
        unknown.requested_state = StateCode::from("XX");
        assert_eq!(
            invalid_field(mla::draft(&f.store, &kz, unknown).await),
            "requested_state"
        );
        let mut past = request(&f);
        past.deadline = Some(f.store.clock().today() - time::Duration::days(1));
        assert_eq!(invalid_field(mla::draft(&f.store, &kz, past).await), "deadline");
        assert!(
            mla::list(&f.store, &kz, 100).await.expect("list").is_empty(),
            "a refused draft was written"
        );

        let mut extradition = request(&f);
        extradition.kind = RequestKind::Extradition;
        extradition.persons.clear();
        let r = mla::draft(&f.store, &kz, extradition).await.expect("draft");
        assert!(mla::missing(&r).iter().any(|m| m.contains("person sought")));
        let mut fixed = request(&f);
        fixed.kind = RequestKind::Extradition;
        let r = mla::revise(&f.store, &kz, &r.id, fixed, r.version)
            .await
            .expect("revise");
        let r = mla::step(&f.store, &kz, &r.id, Step::Send, "", &[], r.version)
            .await
            .expect("send");
        let r = mla::step(&f.store, &cn, &r.id, Step::Receive, "", &[], r.version)
            .await
            .expect("receive");
        assert_eq!(
            invalid_field(mla::step(&f.store, &cn, &r.id, Step::Refuse, "own national", &[], r.version).await),
            "grounds"
        );
        assert_eq!(
            invalid_field(
                mla::step(
                    &f.store,
                    &cn,
                    &r.id,
                    Step::Refuse,
                    " ",
                    &[Ground::OwnNational],
                    r.version
                )
                .await
            ),
            "reasons"
        );
        assert_eq!(
            invalid_field(mla::step(&f.store, &cn, &r.id, Step::Begin, "", &[Ground::OwnNational], r.version).await),
            "grounds"
        );
        let r = mla::step(
            &f.store,
            &cn,
            &r.id,
            Step::Refuse,
            "The person is a national of the requested state; prosecution at home is offered",
            &[Ground::OwnNational],
            r.version,
        )
        .await
        .expect("refuse");
        assert_eq!(
            (r.status, r.grounds.clone()),
            (Status::Refused, vec![Ground::OwnNational])
        );
        assert!(matches!(
            mla::step(&f.store, &kz, &r.id, Step::Withdraw, "", &[], r.version).await,
            Err(Refusal::Conflict(_))
        ));

        // Another is withdrawn by its office after sending.
        let w = mla::draft(&f.store, &kz, request(&f)).await.expect("draft");
        let w = mla::step(&f.store, &kz, &w.id, Step::Send, "", &[], w.version)
            .await
            .expect("send");
        let w = mla::step(
            &f.store,
            &kz,
            &w.id,
            Step::Withdraw,
            "The suspect was found at home",
            &[],
            w.version,
        )
        .await
        .expect("withdraw");
        assert_eq!(w.status, Status::Withdrawn);

        let stats = mla::statistics(&f.store, &kz).await.expect("statistics");
        assert_eq!(stats.by_status.get("refused"), Some(&1));
        assert_eq!(stats.by_status.get("withdrawn"), Some(&1));
        assert_eq!(stats.by_kind.get("extradition"), Some(&1));
        assert_eq!(stats.answered, 1);
        assert_eq!(
            stats
                .by_pair
                .get(&("KZ".into(), "CN".into()))
                .map(|m| m.values().sum::<usize>()),
            Some(2)
        );
        let ru = officer(&f, "ru-prosecutor");
        assert_eq!(
            mla::statistics(&f.store, &ru).await.expect("ru").by_status.len(),
            0,
            "statistics show another pair's requests"
        );
    }
);

story!(intelligence_only_evidence_needs_the_originators_recorded_consent, |f| {
    let kz = officer(&f, "kz-prosecutor");
    let police = officer(&f, "kz-police");
    let handling = HandlingCode {
        use_: Use::IntelligenceOnly,
        ..HandlingCode::open()
    };
    let rec = concord_app::records::create(
        &f.store,
        &police,
        sample_input(RecordKind::Person, "Courier A (synthetic)", handling),
    )
    .await
    .expect("record");
    let rec = concord_app::records::decide_compliance(
        &f.store,
        &police,
        &rec.id,
        true,
        ALL_TICKED,
        "act described",
        rec.version,
    )
    .await
    .expect("approve");
    let mut with_evidence = request(&f);
    with_evidence.records = vec![rec.id.clone()];
    match mla::draft(&f.store, &kz, with_evidence.clone()).await {
        Err(Refusal::Invalid { field, message }) => {
            assert_eq!(field, "records[0]");
            assert!(
                message.contains("intelligence only") && message.contains("kz-police"),
                "{message}"
            );
        }
        other => panic!("intelligence-only evidence attached without consent: {other:?}"),
    }
    // Only the originator consents.
    assert!(matches!(
        mla::consent_to_evidence(&f.store, &kz, &rec.id, &kz.viewer.authority, "").await,
        Err(Refusal::Forbidden(_))
    ));
    mla::consent_to_evidence(&f.store, &police, &rec.id, &kz.viewer.authority, "For the 2026 case")
        .await
        .expect("consent");
    let r = mla::draft(&f.store, &kz, with_evidence)
        .await
        .expect("draft with consent");
    assert_eq!(r.records, vec![rec.id.clone()]);
    // A record the requester may not read is not attached at all.
    let hidden = concord_app::records::create(
        &f.store,
        &officer(&f, "cn-police"),
        sample_input(
            RecordKind::Person,
            "Hidden (synthetic)",
            HandlingCode {
                distribution: concord_domain::Distribution::OriginatorOnly,
                ..HandlingCode::open()
            },
        ),
    )
    .await
    .expect("hidden");
    let mut with_hidden = request(&f);
    with_hidden.records = vec![hidden.id.clone()];
    assert_eq!(
        invalid_field(mla::draft(&f.store, &kz, with_hidden).await),
        "records[0]"
    );
});

story!(the_api_names_the_bad_field_and_a_refused_request_changes_nothing, |f| {
    use crate::http::call;
    use axum::http::StatusCode;
    use concord_store::{Actor, NewUser};
    let app = crate::http::app(&f).await;
    for (name, authority) in [("kz.mla", "kz-prosecutor"), ("cn.mla", "cn-prosecutor")] {
        let new = NewUser {
            username: name.into(),
            display_name: name.into(),
            authority: concord_domain::AuthorityId::from(authority),
            roles: "officer".parse().expect("roles"),
            clearance: Classification::Confidential,
            password_hash: crate::http::password_hash(),
            disabled: false,
            must_change_password: false,
        };
        f.store.create_user(new, &Actor::system("test")).await.expect("user");
    }
    let kz = crate::http::login(&app, "kz.mla").await;
    let cn = crate::http::login(&app, "cn.mla").await;
    let body = serde_json::json!({
        "kind": "evidence-collection",
        "requested_state": "cn",
        "facts": "Facts (synthetic)",
        "request": "Bank statements (synthetic)",
        "offences": [{"name": "trafficking", "requesting_law": "art. 297", "requested_law": "art. 347"}],
        "classification": "confidential"
    });
    for (key, value, field) in [
        ("kind", serde_json::json!("favour"), "kind"),
        ("requested_state", serde_json::json!("KZ"), "requested_state"),
        ("deadline", serde_json::json!("2020-01-01"), "deadline"),
        ("deadline", serde_json::json!("soon"), "deadline"),
        ("offences", serde_json::json!([{"name": " "}]), "offences[0].name"),
        ("records", serde_json::json!(["rec-none"]), "records[0]"),
        ("budget", serde_json::json!(3), "budget"),
    ] {
        let mut b = body.clone();
        b[key] = value.clone();
        let (status, answer) = call(&app, "POST", "/api/v1/legal-requests", Some(&kz), Some(b)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{key}={value}: {answer}");
        let named = format!(
            "{} {}",
            answer["field"].as_str().unwrap_or(""),
            answer["message"].as_str().unwrap_or("")
        );
        assert!(named.contains(field), "{key}: {answer}");
    }
    let (_, none) = call(&app, "GET", "/api/v1/legal-requests", Some(&kz), None).await;
    assert_eq!(none, serde_json::json!([]));
    let (status, r) = call(&app, "POST", "/api/v1/legal-requests", Some(&kz), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(r["missing"], serde_json::json!([]));
    let path = format!("/api/v1/legal-requests/{}/steps", r["id"].as_str().expect("id"));
    let (status, sent) = call(
        &app,
        "POST",
        &path,
        Some(&kz),
        Some(serde_json::json!({"step": "send", "version": 1})),
    )
    .await;
    assert_eq!(
        (status, sent["status"].as_str()),
        (StatusCode::OK, Some("sent")),
        "{sent}"
    );
    let (status, _) = call(
        &app,
        "POST",
        &path,
        Some(&cn),
        Some(serde_json::json!({"step": "receive", "version": 2})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for (body, status) in [
        (
            serde_json::json!({"step": "refuse", "reasons": "x", "grounds": ["whim"], "version": 3}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            serde_json::json!({"step": "refuse", "reasons": "x", "version": 3}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            serde_json::json!({"step": "refuse", "reasons": "x", "grounds": ["own-national"], "version": 3}),
            StatusCode::FORBIDDEN,
        ),
    ] {
        let token = if status == StatusCode::FORBIDDEN { &kz } else { &cn };
        let (got, answer) = call(&app, "POST", &path, Some(token), Some(body.clone())).await;
        assert_eq!(got, status, "{body}: {answer}");
    }
    let (status, refused) = call(
            &app,
            "POST",
            &path,
            Some(&cn),
            Some(serde_json::json!({"step": "refuse", "reasons": "own national", "grounds": ["own-national", "lapse-of-time"], "version": 3})),
        )
        .await;
    assert_eq!(
        (status, refused["grounds"].clone()),
        (StatusCode::OK, serde_json::json!(["own-national", "lapse-of-time"])),
        "{refused}"
    );
    let (_, stats) = call(&app, "GET", "/api/v1/legal-requests/statistics", Some(&cn), None).await;
    assert_eq!(stats["answered"], 1, "{stats}");
});

story!(border_area_offices_ask_each_other_directly_within_their_channel, |f| {
    let almaty = officer(&f, "kz-almaty-region-prosecutor");
    let xinjiang = officer(&f, "cn-xinjiang-procuratorate");
    let kz = officer(&f, "kz-prosecutor");
    let cn = officer(&f, "cn-prosecutor");
    let ru = officer(&f, "ru-prosecutor");
    let direct = || {
        let mut r = request(&f);
        r.requested_office = Some("cn-xinjiang-procuratorate".into());
        r
    };

    // Outside the channel: the field and why.
    let mut to_state = direct();
    to_state.requested_office = None;
    assert_eq!(
        invalid_field(mla::draft(&f.store, &almaty, to_state).await),
        "requested_office"
    );
    let mut to_central = direct();
    to_central.requested_office = Some("cn-prosecutor".into());
    assert_eq!(
        invalid_field(mla::draft(&f.store, &almaty, to_central).await),
        "requested_office"
    );
    let mut extradition = direct();
    extradition.kind = RequestKind::Extradition;
    assert_eq!(invalid_field(mla::draft(&f.store, &almaty, extradition).await), "kind");
    let mut elsewhere = direct();
    elsewhere.requested_state = StateCode::from("RU");
    assert_eq!(
        invalid_field(mla::draft(&f.store, &almaty, elsewhere).await),
        "requested_office"
    );
    // A central authority has no direct channel.
    assert_eq!(
        invalid_field(mla::draft(&f.store, &kz, direct()).await),
        "requested_office"
    );

    // Within it: drafted, sent, and answered by the office asked only.
    let r = mla::draft(&f.store, &almaty, direct()).await.expect("direct draft");
    assert_eq!(
        r.requested_office.as_ref().map(|o| o.as_str()),
        Some("cn-xinjiang-procuratorate")
    );
    let r = mla::step(&f.store, &almaty, &r.id, Step::Send, "", &[], r.version)
        .await
        .expect("send");
    assert!(
        mla::open_steps(&f.store, &cn, &r).is_empty(),
        "the central authority is offered a step on a direct request"
    );
    assert!(matches!(
        mla::step(&f.store, &cn, &r.id, Step::Receive, "", &[], r.version).await,
        Err(Refusal::Forbidden(_))
    ));
    let told = f.store.notifications(&xinjiang, 100).await.expect("notices");
    assert!(
        told.iter().any(|n| n.subject_id == r.id),
        "the office asked was not told"
    );
    let central_told = f.store.notifications(&cn, 100).await.expect("notices");
    assert!(
        !central_told.iter().any(|n| n.subject_id == r.id),
        "the central authority was told of a direct request"
    );
    let r = mla::step(&f.store, &xinjiang, &r.id, Step::Receive, "", &[], r.version)
        .await
        .expect("receive");
    assert_eq!(r.status, Status::Received);
    let kz_told = f.store.notifications(&almaty, 100).await.expect("notices");
    assert!(
        kz_told.iter().any(|n| n.subject_id == r.id),
        "the asking office was not told"
    );
    // The central authorities still read it; a third state does not.
    mla::get(&f.store, &kz, &r.id).await.expect("kz central reads");
    mla::get(&f.store, &cn, &r.id).await.expect("cn central reads");
    assert!(matches!(
        mla::get(&f.store, &ru, &r.id).await,
        Err(Refusal::NotFound(_))
    ));

    // A request to the state is the central authority's to answer, not
    // the border-area office's.
    let central = mla::draft(&f.store, &kz, request(&f)).await.expect("central draft");
    let central = mla::step(&f.store, &kz, &central.id, Step::Send, "", &[], central.version)
        .await
        .expect("send");
    assert!(matches!(
        mla::step(
            &f.store,
            &xinjiang,
            &central.id,
            Step::Receive,
            "",
            &[],
            central.version
        )
        .await,
        Err(Refusal::Forbidden(_))
    ));
    mla::step(&f.store, &cn, &central.id, Step::Receive, "", &[], central.version)
        .await
        .expect("central receives");
});
