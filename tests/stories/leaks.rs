//! Paths that once answered around the access decision: version history,
//! what screening says about its index, the records an event is attributed
//! to. Each is tried as a user of another state would.

use crate::http::{app, call, login, raw};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use concord_app::Refusal;
use concord_domain::{Distribution, EventFacts, HandlingCode, RecordKind};
use concord_stories::{ALL_TICKED, officer, sample_input, story};
use serde_json::{Value, json};

const CANARY: &str = "canary-7f3a-evidence";

fn handled(distribution: Distribution) -> HandlingCode {
    HandlingCode {
        distribution,
        ..HandlingCode::open()
    }
}

story!(each_version_is_judged_as_the_record_was_then, |f| {
    let app = app(&f).await;
    let cn = officer(&f, "cn-security-service");
    let mut first = sample_input(RecordKind::Person, "Wen Canary", handled(Distribution::OriginatorOnly));
    first.evidence = format!("first version's evidence {CANARY}");
    let r = concord_app::records::create(&f.store, &cn, first)
        .await
        .expect("create");
    let r = concord_app::records::decide_compliance(&f.store, &cn, &r.id, false, ALL_TICKED, CANARY, r.version)
        .await
        .expect("returned with a note");
    let mut released = sample_input(RecordKind::Person, "Wen Canary", HandlingCode::open());
    released.evidence = "the shared evidence, as released to members".into();
    let r = concord_app::records::update(&f.store, &cn, &r.id, r.version, released, "released to all members")
        .await
        .expect("update");
    let r = concord_app::records::decide_compliance(&f.store, &cn, &r.id, true, ALL_TICKED, "act described", r.version)
        .await
        .expect("approve");

    let ru = login(&app, "ru.analyst").await;
    let (status, history) = call(
        &app,
        "GET",
        &format!("/api/v1/records/{}/history", r.id),
        Some(&ru),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{history}");
    let text = history.to_string();
    assert!(
        !text.contains(CANARY),
        "an earlier, originator-only version leaks: {text}"
    );
    let versions = history.as_array().expect("versions");
    assert_eq!(versions.len() as i64, r.version, "every version keeps its row");
    let shown: Vec<i64> = versions
        .iter()
        .filter(|v| !v["snapshot"].is_null())
        .filter_map(|v| v["version"].as_i64())
        .collect();
    assert_eq!(shown, [r.version], "only the approved, shared version is shown");

    // The originator still sees every version as it was.
    let cn_token = login(&app, "cn.officer").await;
    let (_, own) = call(
        &app,
        "GET",
        &format!("/api/v1/records/{}/history", r.id),
        Some(&cn_token),
        None,
    )
    .await;
    assert!(own.to_string().contains(CANARY), "{own}");
});

async fn screen(app: &axum::Router, token: &str, name: &str) -> Value {
    let (status, body) = raw(
        app,
        Request::post("/api/v1/screen")
            .header("authorization", format!("Bearer {token}"))
            .header("x-concord-purpose", "leak test")
            .header("content-type", "application/json")
            .body(Body::from(json!({"name": name, "threshold": 0.5}).to_string()))
            .expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

story!(screening_answers_the_same_whatever_hidden_records_exist, |f| {
    let app = app(&f).await;
    let ru = login(&app, "ru.analyst").await;
    let before = screen(&app, &ru, "Gao Lanting").await;
    let cn = officer(&f, "cn-security-service");
    for name in ["Gao Lanting", "Ling Hidden"] {
        concord_app::records::create(
            &f.store,
            &cn,
            sample_input(RecordKind::Person, name, handled(Distribution::OriginatorOnly)),
        )
        .await
        .expect("create");
    }
    // Past the index's check interval, and again once the rebuild is done.
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    let during = screen(&app, &ru, "Gao Lanting").await;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let after = screen(&app, &ru, "Gao Lanting").await;
    assert_eq!(before, during, "a hidden record changed the answer");
    assert_eq!(before, after, "a hidden record changed the answer");
    // The originator's own answer did change: the test can see a difference.
    let cn_token = login(&app, "cn.officer").await;
    let own = screen(&app, &cn_token, "Gao Lanting").await;
    assert_ne!(own, after, "{own}");
});

story!(
    events_are_attributed_only_to_what_their_author_and_reader_may_see,
    |f| {
        let app = app(&f).await;
        let cn = officer(&f, "cn-security-service");
        let hidden = concord_app::records::create(
            &f.store,
            &cn,
            sample_input(
                RecordKind::Organization,
                "Hidden Front",
                handled(Distribution::OriginatorOnly),
            ),
        )
        .await
        .expect("create");
        let shared = concord_app::records::create(
            &f.store,
            &cn,
            sample_input(RecordKind::Organization, "Open Front", HandlingCode::open()),
        )
        .await
        .expect("create");
        concord_app::records::decide_compliance(&f.store, &cn, &shared.id, true, ALL_TICKED, "ok", shared.version)
            .await
            .expect("approve");
        let event = |ids: &[&str]| {
            let mut input = sample_input(RecordKind::Event, "Bridge incident", HandlingCode::open());
            input.facts.event = Some(EventFacts {
                date: "2026-10-01".parse().expect("date"),
                place: None,
                coordinates: None,
                attributed_to: ids.iter().map(|s| (*s).to_owned()).collect(),
            });
            input
        };

        // Another state's officer cannot attribute to what it cannot read, and
        // a hidden id is refused in the same words as one that names nothing.
        let kz = officer(&f, "kz-security-service");
        let mut refusals = Vec::new();
        for id in [hidden.id.as_str(), "rec-does-not-exist"] {
            match concord_app::records::create(&f.store, &kz, event(&[shared.id.as_str(), id])).await {
                Err(Refusal::Invalid { field, message }) => {
                    assert_eq!(field, "facts.event.attributed_to[1]");
                    refusals.push(message.replace(id, "ID"));
                }
                other => panic!("attribution to {id} accepted: {other:?}"),
            }
        }
        assert_eq!(refusals[0], refusals[1], "hidden and missing are told apart");

        // The originator attributes its event to both; a reader of another
        // state sees only the shared one, by every path.
        let ev = concord_app::records::create(&f.store, &cn, event(&[shared.id.as_str(), hidden.id.as_str()]))
            .await
            .expect("the originator may");
        concord_app::records::decide_compliance(&f.store, &cn, &ev.id, true, ALL_TICKED, "ok", ev.version)
            .await
            .expect("approve");
        let ru = login(&app, "ru.analyst").await;
        for path in [
            format!("/api/v1/records/{}", ev.id),
            "/api/v1/records?limit=100".to_owned(),
            format!("/api/v1/records/{}/history", ev.id),
            "/api/v1/records/export".to_owned(),
            "/api/v1/records/export?format=ftm".to_owned(),
            "/api/v1/records/export?format=csv".to_owned(),
        ] {
            let (status, body) = call(&app, "GET", &path, Some(&ru), None).await;
            assert_eq!(status, StatusCode::OK, "{path}: {body}");
            let text = body.to_string();
            assert!(!text.contains(&hidden.id), "{path} names the hidden record: {text}");
            if !path.contains("csv") {
                assert!(
                    text.contains(&shared.id),
                    "{path}: the visible attribution stays: {text}"
                );
            }
        }
    }
);

/// Logs in through the API and returns the session cookie's `name=value`.
async fn cookie_of(app: &axum::Router, user: &str) -> String {
    use tower::ServiceExt;
    let req = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(
            json!({"username": user, "password": crate::http::PASSWORD}).to_string(),
        ))
        .expect("request");
    let res = app.clone().oneshot(req).await.expect("response");
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("cookie");
    cookie.split(';').next().expect("pair").to_owned()
}

story!(cookie_authenticated_api_writes_need_the_csrf_token, |f| {
    let app = app(&f).await;
    let cookie = cookie_of(&app, "cn.officer").await;
    let before = f
        .store
        .count_records(&officer(&f, "cn-security-service"), &Default::default())
        .await
        .expect("count");
    let csv = "id,kind,name,notes\nx1,person,Forged Import,Synthetic: a forged cross-site import.\n";
    let import = "/api/v1/import?format=csv&instrument=shanghai-convention-2001&article=1.1.3&category=extremism";
    // What another origin on the same site can send: a simple request that
    // the browser sends without asking, the cookie attached.
    let writes = [
        (import, "text/plain", csv.to_owned()),
        (
            "/api/v1/auth/logout",
            "application/x-www-form-urlencoded",
            String::new(),
        ),
        (
            "/api/v1/messages/msg-any/acknowledgement",
            "application/x-www-form-urlencoded",
            "a=b".to_owned(),
        ),
    ];
    for (path, content_type, body) in &writes {
        let (status, err) = raw(
            &app,
            Request::post(*path)
                .header("cookie", &cookie)
                .header("content-type", *content_type)
                .header("origin", "https://elsewhere.example")
                .body(Body::from(body.clone()))
                .expect("request"),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {err}");
        assert!(err.to_string().contains("X-CSRF-Token"), "{path}: {err}");
    }
    let after = f
        .store
        .count_records(&officer(&f, "cn-security-service"), &Default::default())
        .await
        .expect("count");
    assert_eq!(before, after, "nothing imported");
    // The session survived the forged logout.
    let (status, _) = raw(
        &app,
        Request::get("/api/v1/me")
            .header("cookie", &cookie)
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // With the session's token, the cookie's own page may write.
    let token = cookie.split_once('=').expect("pair").1;
    let csrf = concord_app::passwords::csrf_for(&concord_app::passwords::token_hash(token));
    let (status, report) = raw(
        &app,
        Request::post(import)
            .header("cookie", &cookie)
            .header("x-csrf-token", csrf)
            .header("content-type", "text/csv")
            .body(Body::from(csv))
            .expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
});

/// The refusals the audit log holds for `user`, as "STATUS target" lines.
async fn refusals_of(f: &concord_stories::Fixture, user: &str) -> Vec<String> {
    let id = f.store.user_by_name(user).await.expect("user").id.to_string();
    let page = f.store.audit_entries(0, 1000).await.expect("audit");
    page.entries
        .iter()
        .filter(|e| e.draft.action == concord_web::refusals::ACTION && e.draft.actor == id)
        .map(|e| e.draft.target.clone())
        .collect()
}

story!(refused_requests_change_nothing_and_are_audited, |f| {
    let app = app(&f).await;
    let cn_ctx = officer(&f, "cn-security-service");
    let hidden = concord_app::records::create(
        &f.store,
        &cn_ctx,
        sample_input(RecordKind::Person, "Kept Home", handled(Distribution::OriginatorOnly)),
    )
    .await
    .expect("create");
    let ru = login(&app, "ru.officer").await;

    // A hidden id in nested routes, read and write: not found, and audited.
    for (method, path, body) in [
        ("GET", format!("/api/v1/records/{}/history", hidden.id), None),
        (
            "POST",
            format!("/api/v1/records/{}/review", hidden.id),
            Some(json!({"action": "extend", "review_date": "2030-01-01", "reason": "still needed", "version": 1})),
        ),
        (
            "POST",
            format!("/api/v1/records/{}/compliance", hidden.id),
            Some(crate::http::approve(1)),
        ),
    ] {
        let (status, body) = call(&app, method, &path, Some(&ru), body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {body}");
        let audited = refusals_of(&f, "ru.officer").await;
        assert!(
            audited.iter().any(|t| t.starts_with(&format!("{method} {path} 404"))),
            "{method} {path} left no audit entry: {audited:?}"
        );
    }
    // The console's pages are the same middleware's: a hidden record's page.
    let page = format!("/console/records/{}", hidden.id);
    let req = Request::builder()
        .uri(&page)
        .header("cookie", format!("concord_session={ru}"))
        .body(Body::empty())
        .expect("request");
    let (status, _) = raw(&app, req).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let audited = refusals_of(&f, "ru.officer").await;
    assert!(
        audited.iter().any(|t| t.starts_with(&format!("GET {page} 404"))),
        "the console's refusal left no audit entry: {audited:?}"
    );
    assert_eq!(
        f.store.get_record(&cn_ctx, &hidden.id).await.expect("record").version,
        hidden.version,
        "a refused write changed the record"
    );

    // A forged attribution: 422 naming the field, no record, an entry.
    let before = call(&app, "GET", "/api/v1/records/count", Some(&ru), None).await.1["count"].clone();
    let mut event = crate::http::record_json("event", "Bridge incident", "unclassified");
    event["facts"]["event"] = json!({"date": "2026-10-01", "attributed_to": [hidden.id]});
    let (status, body) = call(&app, "POST", "/api/v1/records", Some(&ru), Some(event)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "facts.event.attributed_to[0]");
    assert_eq!(
        call(&app, "GET", "/api/v1/records/count", Some(&ru), None).await.1["count"],
        before
    );
    let audited = refusals_of(&f, "ru.officer").await;
    assert!(
        audited
            .iter()
            .any(|t| t.starts_with("POST /api/v1/records 422: facts.event.attributed_to[0]")),
        "the forged attribution left no audit entry: {audited:?}"
    );

    // A replayed consent: the second decision is a conflict, and audited.
    let mut bound = concord_store::MessageInput {
        kind: concord_domain::workflow::exchange::MessageKind::Message,
        priority: concord_domain::workflow::exchange::Priority::Routine,
        subject: "Informant report".into(),
        body: "Details follow (synthetic).".into(),
        recipients: vec!["ru-police".into()],
        handling: HandlingCode::open(),
        deadline: None,
        links: vec![],
        attachments: vec![],
    };
    bound.handling.dissemination = concord_domain::Dissemination::OriginatorConsent;
    let m = concord_app::messages::send(&f.store, &cn_ctx, None, bound)
        .await
        .expect("send");
    let ru_ctx = officer(&f, "ru-police");
    let concord_domain::Forwarded::AwaitingConsent(req) =
        concord_app::messages::forward(&f.store, &ru_ctx, &m.id, &["kz-police".into()], "KZ holds him")
            .await
            .expect("forward")
    else {
        panic!("forwarded without consent");
    };
    let cn = login(&app, "cn.officer").await;
    let decision = format!("/api/v1/forward-requests/{}/decision", req.id);
    let (status, body) = call(&app, "POST", &decision, Some(&cn), Some(json!({"grant": true}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = call(&app, "POST", &decision, Some(&cn), Some(json!({"grant": true}))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let audited = refusals_of(&f, "cn.officer").await;
    assert!(
        audited.iter().any(|t| t.starts_with(&format!("POST {decision} 409"))),
        "the replayed consent left no audit entry: {audited:?}"
    );

    // A role change with a clearance above the administrator's own: the
    // whole request is refused, the roles stay as they were.
    let admin = login(&app, "ru.admin").await;
    let analyst = f.store.user_by_name("ru.analyst").await.expect("analyst");
    let path = format!("/api/v1/users/{}", analyst.id);
    let (status, body) = call(
        &app,
        "PATCH",
        &path,
        Some(&admin),
        Some(json!({"roles": ["officer", "analyst"], "clearance": "top-secret"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let after = f.store.user_by_name("ru.analyst").await.expect("analyst");
    assert_eq!(
        (after.roles.clone(), after.clearance),
        (analyst.roles.clone(), analyst.clearance),
        "part of a refused change applied"
    );
    let audited = refusals_of(&f, "ru.admin").await;
    assert!(
        audited.iter().any(|t| t.starts_with(&format!("PATCH {path} 422"))),
        "the refused change left no audit entry: {audited:?}"
    );

    // Nobody is attributed a refusal they did not make, and an anonymous
    // refusal (no caller) writes nothing.
    assert!(refusals_of(&f, "ru.analyst").await.is_empty());
    let (status, _) = call(&app, "POST", "/api/v1/records", None, Some(json!({}))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
});
