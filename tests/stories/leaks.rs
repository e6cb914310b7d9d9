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
