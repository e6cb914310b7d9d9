//! Screening over HTTP: only what the caller may read is searched, results
//! are checked again against the record as it is now, a purpose is required
//! and audited, and bad input is named.

use crate::http::{app, login, raw};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use concord_domain::{Classification, Distribution, HandlingCode, RecordKind, Role, Roles};
use concord_stories::{ALL_TICKED, ctx, sample_input, story};
use serde_json::{Value, json};

async fn screen(
    app: &axum::Router,
    token: &str,
    purpose: Option<&str>,
    path: &str,
    body: String,
) -> (StatusCode, Value) {
    let mut req = Request::post(path).header("authorization", format!("Bearer {token}"));
    if let Some(p) = purpose {
        req = req.header("x-concord-purpose", p);
    }
    raw(
        app,
        req.header("content-type", "application/json")
            .body(Body::from(body))
            .expect("request"),
    )
    .await
}

/// An officer and supervisor of the Chinese security service, cleared to secret.
fn chinese_officer(store: &concord_store::Store) -> concord_store::Ctx {
    ctx(
        store,
        "cn-officer",
        "cn-security-service",
        Roles::of([Role::Officer, Role::Supervisor]),
        Classification::Secret,
    )
}

fn ids(v: &Value) -> Vec<String> {
    v["results"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|h| h["record"]["id"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

story!(screening_searches_only_what_the_caller_may_read, |f| {
    let app = app(&f).await;
    let cn = chinese_officer(&f.store);
    let person = |name: &str, distribution: Distribution| {
        let mut input = sample_input(
            RecordKind::Person,
            name,
            HandlingCode {
                distribution,
                ..HandlingCode::open()
            },
        );
        input.facts.birth_dates = vec!["1860-01-29".parse().expect("date")];
        input
    };
    let shared = concord_app::records::create(&f.store, &cn, person("Антон Павлович Чехов", Distribution::AllMembers))
        .await
        .expect("create");
    let shared = concord_app::records::decide_compliance(
        &f.store,
        &cn,
        &shared.id,
        true,
        ALL_TICKED,
        "act described",
        shared.version,
    )
    .await
    .expect("approve");
    let own = concord_app::records::create(&f.store, &cn, person("Антон Чехов", Distribution::OriginatorOnly))
        .await
        .expect("create");
    concord_app::records::decide_compliance(&f.store, &cn, &own.id, true, ALL_TICKED, "act described", own.version)
        .await
        .expect("approve");
    let pending = concord_app::records::create(&f.store, &cn, person("Anton Tchekhov", Distribution::AllMembers))
        .await
        .expect("create");

    let ru = login(&app, "ru.analyst").await;
    let query = json!({"name": "Anton Tschechow", "birth_date": "1860", "threshold": 0.5}).to_string();
    let (status, err) = screen(&app, &ru, None, "/api/v1/screen", query.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["field"], "X-Concord-Purpose");

    let (status, found) = screen(&app, &ru, Some("border check 2026-11"), "/api/v1/screen", query.clone()).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(
        ids(&found),
        std::slice::from_ref(&shared.id),
        "the originator-only and the unapproved records stay hidden: {found}"
    );
    let hit = &found["results"][0];
    assert!(hit["score"].as_f64().expect("score") > 0.85, "{hit}");
    assert!(hit["explanation"]["parts"].to_string().contains("German"), "{hit}");

    // The originator sees all three.
    let cn_token = login(&app, "cn.officer").await;
    let (_, mine) = screen(&app, &cn_token, Some("own records"), "/api/v1/screen", query.clone()).await;
    let mine = ids(&mine);
    for id in [&shared.id, &own.id, &pending.id] {
        assert!(mine.contains(id), "{id} in {mine:?}");
    }

    // Restricting the record hides it at once, index rebuilt or not.
    let mut restricted = person("Антон Павлович Чехов", Distribution::OriginatorOnly);
    restricted.review_date = shared.protected.review_date.expect("review date");
    let changed = concord_app::records::update(&f.store, &cn, &shared.id, shared.version, restricted, "restricted")
        .await
        .expect("update");
    concord_app::records::decide_compliance(&f.store, &cn, &shared.id, true, ALL_TICKED, "ok", changed.version)
        .await
        .expect("approve");
    let (_, after) = screen(&app, &ru, Some("border check"), "/api/v1/screen", query).await;
    assert!(ids(&after).is_empty(), "{after}");

    let page = f.store.audit_entries(0, 1000).await.expect("audit");
    let audited: Vec<_> = page
        .entries
        .iter()
        .filter(|e| e.draft.action == "screening.query")
        .collect();
    assert!(
        audited
            .iter()
            .any(|e| e.draft.purpose == "border check 2026-11" && e.draft.target.contains("Anton Tschechow")),
        "{audited:?}"
    );
});

story!(screening_names_bad_input_and_a_batch_keeps_its_good_lines, |f| {
    let app = app(&f).await;
    let cn = chinese_officer(&f.store);
    let r = concord_app::records::create(
        &f.store,
        &cn,
        sample_input(RecordKind::Person, "王小明", HandlingCode::open()),
    )
    .await
    .expect("create");
    concord_app::records::decide_compliance(&f.store, &cn, &r.id, true, ALL_TICKED, "act described", r.version)
        .await
        .expect("approve");
    let t = login(&app, "ru.analyst").await;
    for (body, field) in [
        (json!({"name": "!!!"}), "name"),
        (json!({"name": "x".repeat(10_000)}), "name"),
        (json!({"name": "Wang", "birth_date": "1985-13-40"}), "birth_date"),
        (json!({"name": "Wang", "nickname": "W"}), "nickname"),
        (json!({"name": "Wang", "limit": 0}), "limit"),
        (json!({"names": "Wang", "threshold": 2}), "threshold"),
    ] {
        let (status, err) = screen(&app, &t, Some("test"), "/api/v1/screen", body.to_string()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {err}");
        assert_eq!(err["field"], field, "{body}: {err}");
    }
    let batch = [
        json!({"id": "a", "name": "Wang Hsiao-ming"}).to_string(),
        "{\"name\": ".to_owned(),
        json!({"id": "c", "name": "Ван Сяомин"}).to_string(),
    ]
    .join("\n");
    let (status, body) = screen(&app, &t, Some("passenger list"), "/api/v1/screen/batch", batch).await;
    assert_eq!(status, StatusCode::OK);
    let lines: Vec<Value> = body
        .as_str()
        .expect("ndjson")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0]["results"][0]["record"]["id"], r.id.as_str());
    assert_eq!(lines[1]["line"], 2);
    assert!(
        lines[1]["error"].as_str().expect("error").starts_with("not JSON"),
        "{lines:?}"
    );
    assert_eq!(lines[2]["results"][0]["record"]["id"], r.id.as_str());
});
