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
