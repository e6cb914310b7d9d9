//! The HTTP API, driven in-process: authentication, scopes, bad input.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use concord_app::passwords::hash_password;
use concord_domain::{AuthorityId, Classification, Roles};
use concord_server::{AppState, Settings, router};
use concord_store::{Actor, NewUser};
use concord_stories::{Fixture, story};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

pub(crate) const PASSWORD: &str = "correct horse battery";

/// One argon2 hash for every test user: hashing is deliberately slow.
pub(crate) fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password(PASSWORD).expect("hash")).clone()
}

pub(crate) async fn app(f: &Fixture) -> Router {
    let users: &[(&str, &str, &str, Classification)] = &[
        (
            "cn.officer",
            "cn-security-service",
            "officer,supervisor",
            Classification::Secret,
        ),
        ("ru.analyst", "ru-police", "analyst", Classification::Confidential),
        (
            "cn.dpo",
            "cn-security-service",
            "data-protection-officer",
            Classification::Secret,
        ),
        ("ru.officer", "ru-police", "officer", Classification::Confidential),
        (
            "kz.diplomat",
            "kz-foreign-ministry",
            "officer",
            Classification::Confidential,
        ),
        (
            "ru.diplomat",
            "ru-foreign-ministry",
            "officer",
            Classification::Confidential,
        ),
        ("ru.admin", "ru-police", "administrator", Classification::Confidential),
        (
            "ru.dpo",
            "ru-police",
            "data-protection-officer",
            Classification::Confidential,
        ),
        ("structure.admin", "structure", "administrator", Classification::Secret),
    ];
    for (name, authority, roles, clearance) in users {
        let new = NewUser {
            username: (*name).into(),
            display_name: (*name).into(),
            authority: AuthorityId::from(*authority),
            roles: roles.parse::<Roles>().expect("roles"),
            clearance: *clearance,
            password_hash: password_hash(),
            disabled: false,
            must_change_password: false,
        };
        f.store.create_user(new, &Actor::system("test")).await.expect("user");
    }
    router(AppState {
        store: f.store.clone(),
        node_public_key: Some(f.key.public()),
        settings: Arc::new(Settings::default()),
        screening: Default::default(),
        batches: Default::default(),
        logins: Default::default(),
    })
}

pub(crate) async fn call(
    app: &Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let body = match body {
        Some(b) => {
            req = req.header("content-type", "application/json");
            Body::from(b.to_string())
        }
        None => Body::empty(),
    };
    raw(app, req.body(body).expect("request")).await
}

pub(crate) async fn raw(app: &Router, req: Request<Body>) -> (StatusCode, Value) {
    let res = app.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    let value =
        serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, value)
}

pub(crate) async fn login(app: &Router, user: &str) -> String {
    let (status, body) = call(
        app,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"username": user, "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["token"].as_str().expect("token").to_owned()
}

story!(login_gives_a_token_and_a_cookie_and_logout_ends_it, |f| {
    let app = app(&f).await;
    let (status, body) = call(
        &app,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"username": "ru.analyst", "password": "wrong password!"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthenticated");
    let (status, _) = call(
        &app,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"username": "nobody", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let req = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(
            json!({"username": "ru.analyst", "password": PASSWORD}).to_string(),
        ))
        .expect("req");
    let res = app.clone().oneshot(req).await.expect("response");
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().expect("pair").to_owned();
    let (status, me) = raw(
        &app,
        Request::get("/api/v1/me")
            .header("cookie", pair)
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (me["state"].as_str(), me["clearance"].as_str()),
        (Some("RU"), Some("confidential"))
    );

    let token = login(&app, "ru.analyst").await;
    assert_eq!(
        call(&app, "GET", "/api/v1/me", Some(&token), None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        call(&app, "POST", "/api/v1/auth/logout", Some(&token), None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&app, "GET", "/api/v1/me", Some(&token), None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&app, "GET", "/api/v1/registry/states", None, None).await.0,
        StatusCode::UNAUTHORIZED
    );

    // Logins, failed and successful, are in the audit log.
    let page = f.store.audit_entries(0, 1000).await.expect("audit");
    let actions: Vec<&str> = page.entries.iter().map(|e| e.draft.action.as_str()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "auth.login.failed").count(), 2);
    assert!(actions.contains(&"auth.login") && actions.contains(&"auth.logout"));
});

story!(bad_bodies_get_a_4xx_naming_the_field, |f| {
    let app = app(&f).await;
    let t = login(&app, "cn.officer").await;
    let good = record_json("organization", "Test Group", "restricted");
    let (status, created) = call(&app, "POST", "/api/v1/records", Some(&t), Some(good.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");

    let cases = [
        (json!({"extra": 1}), "extra"),
        (
            json!({"handling": {"distribution": "everyone"}}),
            "handling.distribution",
        ),
        (
            json!({"handling": {"distribution": "states:CN,XX"}}),
            "handling.distribution",
        ),
        (
            json!({"handling": {"classification": "top-secret"}}),
            "handling.classification",
        ),
        (json!({"handling": {"colour": "red"}}), "handling.colour"),
        (json!({"facts": {"names": [{"full": 42}]}}), "facts.names[0].full"),
        (json!({"facts": {"names": [{"full": ""}]}}), "facts.names[0].full"),
        (
            json!({"facts": {"names": [{"full": "X", "script": "klingon"}]}}),
            "facts.names[0].script",
        ),
        (
            json!({"facts": {"birth_dates": ["1985-13-40"]}}),
            "facts.birth_dates[0]",
        ),
        (json!({"facts": {"nationalities": ["XX"]}}), "facts.nationalities[0]"),
        (json!({"facts": "nope"}), "facts"),
        (json!({"legal_basis": {"article": "99"}}), "legal_basis.article"),
        (
            json!({"legal_basis": {"instrument": "magna-carta"}}),
            "legal_basis.instrument",
        ),
        (json!({"legal_basis": {"category": "heresy"}}), "legal_basis.category"),
        (json!({"evidence": "bad people"}), "evidence"),
        (json!({"review_date": "01.06.2027"}), "review_date"),
        (json!({"review_date": "2020-01-01"}), "review_date"),
        (json!({"kind": "planet"}), "kind"),
    ];
    for (patch, field) in cases {
        let mut body = good.clone();
        merge(&mut body, &patch);
        let (status, err) = call(&app, "POST", "/api/v1/records", Some(&t), Some(body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{patch}: {err}");
        assert_eq!(err["field"], field, "{patch}: {err}");
        assert_eq!(err["code"], "invalid_field");
    }
    let too_big = "x".repeat(concord_server::BODY_LIMIT + 1);
    let req = Request::post("/api/v1/records")
        .header("authorization", format!("Bearer {t}"))
        .header("content-type", "application/json")
        .body(Body::from(too_big))
        .expect("req");
    let (status, err) = raw(&app, req).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large"))
    );
    let req = Request::post("/api/v1/records")
        .header("authorization", format!("Bearer {t}"))
        .header("content-type", "text/plain")
        .body(Body::from("{}"))
        .expect("req");
    assert_eq!(raw(&app, req).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let req = Request::post("/api/v1/records")
        .header("authorization", format!("Bearer {t}"))
        .header("content-type", "application/json")
        .body(Body::from(vec![b'{', 0xff, b'}']))
        .expect("req");
    assert_eq!(raw(&app, req).await.0, StatusCode::BAD_REQUEST);
    let (status, err) = call(&app, "GET", "/api/v1/records?limit=many", Some(&t), None).await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("limit"))
    );
    let (status, err) = call(&app, "GET", "/api/v1/records?limit=0", Some(&t), None).await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("limit"))
    );
    // Nothing half-written: one record only.
    assert_eq!(
        call(&app, "GET", "/api/v1/records/count", Some(&t), None).await.1["count"],
        1
    );
    // A stale version gets 409.
    let id = created["id"].as_str().expect("id");
    let path = format!("/api/v1/records/{id}/compliance");
    let (status, _) = call(
        &app,
        "POST",
        &path,
        Some(&t),
        Some(json!({"approve": true, "checklist": {"criminal_act_described": true, "legal_basis_cites_article": true, "not_on_protected_grounds_alone": false}, "note": "criminal act", "version": 1})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = call(&app, "POST", &path, Some(&t), Some(approve(1))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, err) = call(
        &app,
        "POST",
        &path,
        Some(&t),
        Some(json!({"approve": false, "checklist": {"criminal_act_described": true, "legal_basis_cites_article": true, "not_on_protected_grounds_alone": true}, "note": "again", "version": 1})),
    )
    .await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")));
});

/// A valid record request body.
pub fn record_json(kind: &str, name: &str, classification: &str) -> Value {
    json!({
        "kind": kind,
        "facts": {"names": [{"full": name}]},
        "legal_basis": {"instrument": "shanghai-convention-2001", "article": "1.1.3", "category": "extremism"},
        "evidence": "Organized an armed attack on a border post in 2024 (synthetic).",
        "handling": {"distribution": "all-members", "dissemination": "free", "use": "evidence", "classification": classification},
        "review_date": "2029-01-01",
    })
}

/// An approval with every checklist item ticked.
pub fn approve(version: i64) -> Value {
    json!({"approve": true, "checklist": {"criminal_act_described": true, "legal_basis_cites_article": true, "not_on_protected_grounds_alone": true}, "note": "describes a criminal act", "version": version})
}

fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                match t.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

story!(hidden_records_are_indistinguishable_from_missing_ones, |f| {
    let app = app(&f).await;
    let cn = login(&app, "cn.officer").await;
    let ru = login(&app, "ru.analyst").await;
    let secret = record_json("person", "Hidden Person", "secret");
    let (_, rec) = call(&app, "POST", "/api/v1/records", Some(&cn), Some(secret)).await;
    let id = rec["id"].as_str().expect("id");
    call(
        &app,
        "POST",
        &format!("/api/v1/records/{id}/compliance"),
        Some(&cn),
        Some(approve(1)),
    )
    .await;
    let (hidden_status, hidden) = call(&app, "GET", &format!("/api/v1/records/{id}"), Some(&ru), None).await;
    let (missing_status, missing) = call(
        &app,
        "GET",
        "/api/v1/records/rec-000000000000000000000000",
        Some(&ru),
        None,
    )
    .await;
    assert_eq!(
        (hidden_status, missing_status),
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
    );
    assert_eq!(hidden["code"], missing["code"]);
    assert_eq!(
        call(&app, "GET", "/api/v1/records/count?q=hidden", Some(&ru), None)
            .await
            .1["count"],
        0
    );
    assert_eq!(
        call(&app, "GET", "/api/v1/records?q=hidden", Some(&ru), None).await.1["records"],
        json!([])
    );
    let (status, export) = call(&app, "GET", "/api/v1/records/export", Some(&ru), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!export.to_string().contains("Hidden"));
    // Approving someone else's record: not found for those who cannot see it.
    let (status, _) = call(
        &app,
        "POST",
        &format!("/api/v1/records/{id}/compliance"),
        Some(&ru),
        Some(approve(2)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

story!(administrators_and_data_protection_officers_stay_in_their_scope, |f| {
    let app = app(&f).await;
    let ru_admin = login(&app, "ru.admin").await;
    let analyst = login(&app, "ru.analyst").await;
    let new = |authority: &str, clearance: &str| json!({"username": format!("new.{authority}.{clearance}"), "display_name": "New", "authority": authority, "roles": ["analyst"], "clearance": clearance, "password": "a long enough password"});
    assert_eq!(
        call(
            &app,
            "POST",
            "/api/v1/users",
            Some(&ru_admin),
            Some(new("ru-border-service", "restricted"))
        )
        .await
        .0,
        StatusCode::CREATED
    );
    assert_eq!(
        call(
            &app,
            "POST",
            "/api/v1/users",
            Some(&ru_admin),
            Some(new("cn-police", "restricted"))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    let (status, err) = call(
        &app,
        "POST",
        "/api/v1/users",
        Some(&ru_admin),
        Some(new("ru-police", "secret")),
    )
    .await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("clearance"))
    );
    let mut short = new("ru-police", "restricted");
    short["password"] = json!("short");
    assert_eq!(
        call(&app, "POST", "/api/v1/users", Some(&ru_admin), Some(short))
            .await
            .1["field"],
        "password"
    );
    let mut bad_role = new("ru-police", "restricted");
    bad_role["roles"] = json!(["analyst", "spy"]);
    assert_eq!(
        call(&app, "POST", "/api/v1/users", Some(&ru_admin), Some(bad_role))
            .await
            .1["field"],
        "roles[1]"
    );
    assert_eq!(
        call(
            &app,
            "POST",
            "/api/v1/users",
            Some(&analyst),
            Some(new("ru-police", "restricted"))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );

    let (_, listed) = call(&app, "GET", "/api/v1/users", Some(&ru_admin), None).await;
    let states: Vec<&str> = listed
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|u| u["state"].as_str())
        .collect();
    assert!(!states.is_empty() && states.iter().all(|s| *s == "RU"), "{listed}");
    // The structure's administrator administers the structure's users only.
    let structure_admin = login(&app, "structure.admin").await;
    let (_, theirs) = call(&app, "GET", "/api/v1/users", Some(&structure_admin), None).await;
    let theirs = theirs.as_array().expect("array");
    assert!(
        !theirs.is_empty() && theirs.iter().all(|u| u["state"].is_null()),
        "{theirs:?}"
    );
    let all = listed.clone();
    let cn_id = f.store.user_by_name("cn.officer").await.expect("cn").id.to_string();
    let (status, _) = call(
        &app,
        "PATCH",
        &format!("/api/v1/users/{cn_id}"),
        Some(&ru_admin),
        Some(json!({"disabled": true})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another state's users are out of reach");

    // Disabling a user ends their sessions at once.
    let ru_id = all
        .as_array()
        .expect("array")
        .iter()
        .find(|u| u["username"] == "ru.analyst")
        .expect("ru")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(
        call(
            &app,
            "PATCH",
            &format!("/api/v1/users/{ru_id}"),
            Some(&ru_admin),
            Some(json!({"disabled": true}))
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        call(&app, "GET", "/api/v1/me", Some(&analyst), None).await.0,
        StatusCode::UNAUTHORIZED
    );

    // The audit log: data-protection officers only, and a state's officer sees its state's entries.
    assert_eq!(
        call(&app, "GET", "/api/v1/audit", Some(&ru_admin), None).await.0,
        StatusCode::FORBIDDEN
    );
    let dpo = login(&app, "ru.dpo").await;
    let (status, page) = call(&app, "GET", "/api/v1/audit?limit=1000", Some(&dpo), None).await;
    assert_eq!(status, StatusCode::OK);
    let entries = page["entries"].as_array().expect("entries");
    assert!(!entries.is_empty());
    assert!(
        entries
            .iter()
            .all(|e| e["authority"].as_str().is_some_and(|a| a.starts_with("ru-"))),
        "{page}"
    );
    let (status, v) = call(&app, "POST", "/api/v1/audit/verify", Some(&dpo), None).await;
    assert_eq!((status, v["ok"].as_bool()), (StatusCode::OK, Some(true)), "{v}");
});

story!(the_openapi_document_lists_every_route, |f| {
    let app = app(&f).await;
    let (status, doc) = call(&app, "GET", "/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    for path in [
        "/api/v1/auth/login",
        "/api/v1/registry/states",
        "/api/v1/users/{id}",
        "/api/v1/records/{id}/compliance",
        "/api/v1/audit/verify",
        "/ready",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    assert_eq!(call(&app, "GET", "/ready", None, None).await.0, StatusCode::OK);
    assert_eq!(
        call(&app, "GET", "/no/such/thing", None, None).await.1["code"],
        "not_found"
    );
});

story!(files_import_and_export_over_http, |f| {
    let app = app(&f).await;
    let t = login(&app, "cn.officer").await;
    let csv = "id,kind,name,notes\nc1,person,Li Wei,Synthetic: carried explosives across a border.\nc2,organization,River Circle,Synthetic: ran a training camp.\n";
    let q = "/api/v1/import?format=csv&instrument=shanghai-convention-2001&article=1.1.3&category=extremism&classification=restricted";
    let send = |body: &'static str, uri: String| {
        Request::post(uri)
            .header("authorization", format!("Bearer {t}"))
            .header("content-type", "text/csv")
            .body(Body::from(body))
            .expect("req")
    };
    let (status, report) = raw(&app, send(csv, q.to_owned())).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["created"], 2);
    let (status, report) = raw(&app, send(csv, q.to_owned())).await;
    assert_eq!(
        (status, report["unchanged"].as_i64()),
        (StatusCode::OK, Some(2)),
        "idempotent"
    );
    let bad = "id,kind,name,notes\nc3,person,Ok Name,Synthetic: an attack.\nc4,person,Bad,\n";
    let (status, err) = raw(&app, send(bad, q.to_owned())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["field"], "notes");
    assert!(err["message"].as_str().is_some_and(|m| m.contains("line 3")), "{err}");
    let (status, err) = raw(&app, send(csv, q.replace("category=extremism", "category=heresy"))).await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("category"))
    );
    assert_eq!(
        call(&app, "GET", "/api/v1/records/count", Some(&t), None).await.1["count"],
        2,
        "nothing half-imported"
    );
    // Bigger than the JSON limit, within the import limit.
    let mut big = String::from("id,kind,name,notes\n");
    let mut n = 0;
    while big.len() <= concord_server::BODY_LIMIT {
        big.push_str(&format!(
            "b{n},person,Bulk Person {n},Synthetic: smuggled weapons across a border.\n"
        ));
        n += 1;
    }
    let big: &'static str = Box::leak(big.into_boxed_str());
    let (status, report) = raw(&app, send(big, q.to_owned())).await;
    assert_eq!(
        (status, report["created"].as_i64()),
        (StatusCode::OK, Some(n)),
        "{report}"
    );

    for (format, needle) in [
        ("ftm", "\"schema\":\"Person\""),
        ("csv", "id,kind,name"),
        ("jsonl", "\"originator\":\"cn-security-service\""),
    ] {
        let (status, body) = call(
            &app,
            "GET",
            &format!("/api/v1/records/export?format={format}"),
            Some(&t),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.to_string().contains(needle) || body.as_str().is_some_and(|b| b.contains(needle)),
            "{format}"
        );
    }
    assert_eq!(
        call(&app, "GET", "/api/v1/records/export?format=pdf", Some(&t), None)
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
});

story!(
    granting_power_takes_two_administrators_and_a_reset_password_is_changed_first,
    |f| {
        let app = app(&f).await;
        f.store
            .create_user(
                NewUser {
                    username: "ru.admin2".into(),
                    display_name: "Second administrator".into(),
                    authority: AuthorityId::from("ru-border-service"),
                    roles: "administrator".parse().expect("roles"),
                    clearance: Classification::Confidential,
                    password_hash: password_hash(),
                    disabled: false,
                    must_change_password: false,
                },
                &Actor::system("test"),
            )
            .await
            .expect("second administrator");
        let admin = login(&app, "ru.admin").await;
        let second = login(&app, "ru.admin2").await;
        let id_of = |name: &'static str| {
            let store = f.store.clone();
            async move { store.user_by_name(name).await.expect(name).id.to_string() }
        };

        // The structure's administrator cannot reach into a state.
        let structure = login(&app, "structure.admin").await;
        let inside_china = json!({"username": "planted.user", "display_name": "Planted", "authority": "cn-security-service",
        "roles": ["officer"], "clearance": "secret", "password": "a long enough password"});
        let (status, err) = call(&app, "POST", "/api/v1/users", Some(&structure), Some(inside_china)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
        assert!(f.store.user_by_name("planted.user").await.is_err(), "nothing created");

        // Nobody changes their own roles or clearance.
        let own = id_of("ru.admin").await;
        for change in [
            json!({"roles": ["administrator", "supervisor"]}),
            json!({"clearance": "restricted"}),
        ] {
            let (status, err) = call(
                &app,
                "PATCH",
                &format!("/api/v1/users/{own}"),
                Some(&admin),
                Some(change),
            )
            .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
        }

        // A supervisor is created disabled; a second administrator activates it.
        let supervisor = json!({"username": "ru.super", "display_name": "Supervisor", "authority": "ru-police",
        "roles": ["supervisor"], "clearance": "confidential", "password": PASSWORD});
        let (status, created) = call(&app, "POST", "/api/v1/users", Some(&admin), Some(supervisor)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["disabled"], true);
        let grant = created["pending_grant"].as_str().expect("a grant waits").to_owned();
        let (status, _) = call(
            &app,
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "ru.super", "password": PASSWORD})),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "not active before the second approval"
        );
        let decide = |token: &str, approve: bool| {
            let (app, token, path) = (
                app.clone(),
                token.to_owned(),
                format!("/api/v1/user-grants/{grant}/decision"),
            );
            async move { call(&app, "POST", &path, Some(&token), Some(json!({"approve": approve}))).await }
        };
        let (status, err) = decide(&admin, true).await;
        assert_eq!(status, StatusCode::CONFLICT, "the asker decided its own grant: {err}");
        let (_, waiting) = call(&app, "GET", "/api/v1/user-grants", Some(&second), None).await;
        assert!(waiting.to_string().contains(&grant), "{waiting}");
        let (status, decided) = decide(&second, true).await;
        assert_eq!(
            (status, decided["status"].as_str()),
            (StatusCode::OK, Some("approved")),
            "{decided}"
        );
        let (status, _) = decide(&second, false).await;
        assert_eq!(status, StatusCode::CONFLICT, "a grant is decided once");
        login(&app, "ru.super").await;

        // Roles and clearance in one request: nothing of it applies before approval.
        let border = id_of("ru.officer").await;
        let (status, changed) = call(
            &app,
            "PATCH",
            &format!("/api/v1/users/{border}"),
            Some(&admin),
            Some(json!({"roles": ["officer", "data-protection-officer"], "clearance": "restricted"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert!(changed["pending_grant"].is_string(), "{changed}");
        let now = f.store.user_by_name("ru.officer").await.expect("user");
        assert_eq!(
            (now.roles.to_string().as_str(), now.clearance),
            ("officer", Classification::Confidential),
            "unchanged until approved"
        );

        // A reset password: the user is told, and must change it before anything else.
        let (status, reset) = call(
            &app,
            "PATCH",
            &format!("/api/v1/users/{border}"),
            Some(&admin),
            Some(json!({"password": "an administrator's choice"})),
        )
        .await;
        assert_eq!(
            (status, reset["must_change_password"].as_bool()),
            (StatusCode::OK, Some(true)),
            "{reset}"
        );
        let told = f
            .store
            .notifications(&concord_stories::officer(&f, "ru-police"), 20)
            .await
            .expect("notices");
        assert!(
            told.iter().any(|n| n.kind == "user" && n.text.contains("reset")),
            "{told:?}"
        );
        let (_, body) = call(
            &app,
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "ru.officer", "password": "an administrator's choice"})),
        )
        .await;
        let token = body["token"].as_str().expect("token").to_owned();
        let (status, err) = call(&app, "GET", "/api/v1/records", Some(&token), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
        assert!(err.to_string().contains("/api/v1/me/password"), "{err}");
        let (status, me) = call(&app, "GET", "/api/v1/me", Some(&token), None).await;
        assert_eq!(
            (status, me["must_change_password"].as_bool()),
            (StatusCode::OK, Some(true))
        );
        let (status, err) = call(
            &app,
            "POST",
            "/api/v1/me/password",
            Some(&token),
            Some(json!({"current_password": "a wrong guess here", "new_password": "my very own password"})),
        )
        .await;
        assert_eq!(
            (status, err["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("current_password"))
        );
        let (status, _) = call(
            &app,
            "POST",
            "/api/v1/me/password",
            Some(&token),
            Some(json!({"current_password": "an administrator's choice", "new_password": "my very own password"})),
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(
            call(&app, "GET", "/api/v1/me", Some(&token), None).await.0,
            StatusCode::UNAUTHORIZED
        );
        let (_, body) = call(
            &app,
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "ru.officer", "password": "my very own password"})),
        )
        .await;
        let token = body["token"].as_str().expect("token");
        assert_eq!(
            call(&app, "GET", "/api/v1/records", Some(token), None).await.0,
            StatusCode::OK
        );

        // Every act is in the audit log, for the state's data-protection officer.
        let dpo = login(&app, "ru.dpo").await;
        let (_, page) = call(&app, "GET", "/api/v1/audit?limit=1000", Some(&dpo), None).await;
        let actions: Vec<&str> = page["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        for action in [
            "user.create",
            "user.grant.request",
            "user.grant.approved",
            "user.update",
        ] {
            assert!(actions.contains(&action), "{action} not in {actions:?}");
        }
    }
);

story!(the_openapi_document_declares_each_parameter_where_it_is_sent, |f| {
    let app = app(&f).await;
    let (_, doc) = call(&app, "GET", "/openapi.json", None, None).await;
    let mut wrong = Vec::new();
    let mut queries = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap_or("");
                match p["in"].as_str() {
                    Some("path") if !path.contains(&format!("{{{name}}}")) => wrong.push(format!(
                        "{method} {path}: {name} is declared in the path but the path has no {{{name}}}"
                    )),
                    Some("query") => queries += 1,
                    _ => {}
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(queries > 20, "query parameters are declared as such: {queries}");
});

async fn try_login(
    app: &Router,
    user: &str,
    password: &str,
    from: Option<[u8; 4]>,
) -> (StatusCode, Value, Option<String>) {
    let mut req = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(json!({"username": user, "password": password}).to_string()))
        .expect("req");
    if let Some(ip) = from {
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((ip, 40000))));
    }
    let res = app.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let retry = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null), retry)
}

story!(
    failed_logins_slow_a_name_down_lock_it_and_an_administrator_unlocks_it,
    |f| {
        let app = app(&f).await;
        // The same answers, in the same order, for a real account and a name
        // that belongs to no one.
        let mut seen: Vec<Vec<(StatusCode, Option<String>)>> = Vec::new();
        for name in ["ru.analyst", "nobody.at.all"] {
            let mut answers = Vec::new();
            for attempt in 1..=12 {
                let (status, body, retry) = try_login(&app, name, "a wrong password here", None).await;
                answers.push((status, retry.clone()));
                if status == StatusCode::TOO_MANY_REQUESTS && retry.is_some() {
                    // Waiting as told lets the next attempt through.
                    let wait: i64 = retry.as_deref().and_then(|r| r.parse().ok()).expect("seconds");
                    f.clock.advance(time::Duration::seconds(wait));
                    let (again, _, _) = try_login(&app, name, "a wrong password here", None).await;
                    answers.push((again, None));
                }
                assert!(
                    status != StatusCode::OK && status.is_client_error(),
                    "{name} attempt {attempt}: {status} {body}"
                );
            }
            seen.push(answers);
        }
        assert_eq!(seen[0], seen[1], "an unknown name is told apart from a real one");
        let statuses: Vec<StatusCode> = seen[0].iter().map(|a| a.0).collect();
        assert_eq!(&statuses[..3], [StatusCode::UNAUTHORIZED; 3], "three free tries");
        assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS, "then a wait");
        // Locked: even the right password is refused, with no wait that ends it.
        let (status, body, retry) = try_login(&app, "ru.analyst", PASSWORD, None).await;
        assert_eq!((status, retry), (StatusCode::TOO_MANY_REQUESTS, None), "{body}");
        assert!(
            body["message"].as_str().is_some_and(|m| m.contains("administrator")),
            "{body}"
        );
        let lockouts = f.store.audit_mentioning("ru.analyst after", 10).await.expect("audit");
        assert!(
            lockouts.iter().any(|e| e.draft.action == "auth.lockout"),
            "{lockouts:?}"
        );

        // Russia's administrator sees the lock and lifts it.
        let admin = login(&app, "ru.admin").await;
        let (_, listed) = call(&app, "GET", "/api/v1/users", Some(&admin), None).await;
        let analyst = listed
            .as_array()
            .expect("users")
            .iter()
            .find(|u| u["username"] == "ru.analyst")
            .expect("ru.analyst")
            .clone();
        assert_eq!(analyst["locked"], true);
        let id = analyst["id"].as_str().expect("id");
        let (status, _) = call(
            &app,
            "PATCH",
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            Some(json!({"unlock": true})),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _, _) = try_login(&app, "ru.analyst", PASSWORD, None).await;
        assert_eq!(status, StatusCode::OK, "unlocked");
        assert!(
            f.store
                .audit_mentioning("ru.analyst", 50)
                .await
                .expect("audit")
                .iter()
                .any(|e| e.draft.action == "user.unlock")
        );
    }
);

story!(one_address_trying_many_names_is_slowed_down, |f| {
    let app = app(&f).await;
    // The burst passes; then the address waits (a slow machine may earn a
    // token or two back meanwhile, so a few more are allowed for).
    let burst = concord_app::sessions::ADDRESS_BURST as usize;
    let mut statuses = Vec::new();
    for i in 0..burst + 5 {
        let (status, _, retry) = try_login(
            &app,
            &format!("guess.{i}"),
            "a wrong password here",
            Some([10, 0, 0, 7]),
        )
        .await;
        statuses.push(status);
        if status == StatusCode::TOO_MANY_REQUESTS {
            assert!(retry.is_some(), "a wait is given");
            break;
        }
    }
    assert!(
        statuses[..burst].iter().all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    // Even the right password waits, from that address.
    let (status, body, _) = try_login(&app, "cn.officer", PASSWORD, Some([10, 0, 0, 7])).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    // Another address is not held back.
    let (status, _, _) = try_login(&app, "cn.officer", PASSWORD, Some([10, 0, 0, 8])).await;
    assert_eq!(status, StatusCode::OK);
});

story!(a_failure_inside_shows_a_reference_not_its_text, |f| {
    let app = app(&f).await;
    let mut conn = {
        use sqlx::Connection;
        sqlx::AnyConnection::connect(&f.url).await.expect("connect")
    };
    sqlx::raw_sql("DROP TABLE login_guard")
        .execute(&mut conn)
        .await
        .expect("break the store");
    let (status, body, _) = try_login(&app, "ru.analyst", PASSWORD, None).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    let text = body.to_string().to_lowercase();
    assert!(text.contains("reference"), "{text}");
    for secret in [
        "login_guard",
        "sqlx",
        "sqlite",
        "postgres",
        "database",
        "table",
        PASSWORD,
    ] {
        assert!(!text.contains(secret), "the body names {secret:?}: {text}");
    }
});
