//! TAXII 2.1, read and written by the `taxii2-client` package (PyPI) over a
//! real socket; what each user reads follows the access model.

use crate::http::{app, call, login};
use axum::http::StatusCode;
use concord_stories::story;

fn has_taxii_client() -> bool {
    let has = std::process::Command::new("python3")
        .args(["-c", "import taxii2client"])
        .status()
        .is_ok_and(|s| s.success());
    if !has {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have taxii2-client (pip install taxii2-client)"
        );
        eprintln!("skipped the taxii2-client run: pip install taxii2-client to run it");
    }
    has
}

story!(taxii2_client_reads_and_writes_within_the_access_model, |f| {
    let app = app(&f).await;
    let writer = login(&app, "cn.officer").await;
    let reader = login(&app, "ru.analyst").await;

    // Without a client library, the protocol's shape still holds.
    let (status, discovery) = call(&app, "GET", "/taxii2/", Some(&writer), None).await;
    assert_eq!(status, StatusCode::OK, "{discovery}");
    assert!(
        discovery["api_roots"][0]
            .as_str()
            .expect("root")
            .ends_with("/taxii2/api/")
    );
    assert_eq!(
        call(&app, "GET", "/taxii2/", None, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, err) = call(
        &app,
        "GET",
        "/taxii2/api/collections/nope/objects/?colour=red",
        Some(&writer),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert!(err["description"].as_str().expect("text").contains("colour"));

    if !has_taxii_client() {
        return;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let base = format!("http://{addr}");
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/taxii_client.py"))
            .args([&base, &writer, &reader, crate::http::PASSWORD])
            .output()
    })
    .await
    .expect("join")
    .expect("python3");
    server.abort();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && report.contains("all expectations met"),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every read went into the audit log.
    let entries = f.store.audit_entries(0, 1000).await.expect("audit").entries;
    assert!(entries.iter().any(|e| e.draft.action == "taxii.add"));
    assert!(entries.iter().filter(|e| e.draft.action == "taxii.read").count() >= 5);
});

story!(
    taxii_versions_combine_limits_cap_and_other_versions_are_not_acceptable,
    |f| {
        use axum::body::Body;
        use axum::http::Request;
        let app = app(&f).await;
        let writer = login(&app, "cn.officer").await;
        let cn = concord_stories::officer(&f, "cn-security-service");
        let collection = f
            .store
            .taxii_collections(&cn)
            .into_iter()
            .find(|c| c.key == "all-members")
            .expect("collection");
        let version = |modified: &str| {
            serde_json::json!({
                "type": "indicator", "spec_version": "2.1",
                "id": "indicator--1b7e1c4a-3c2e-4d5b-9a8e-2f7c1b0e9d31",
                "created": "2026-11-01T00:00:00.000Z", "modified": modified,
                "name": "Versioned", "pattern": "[ipv4-addr:value = '203.0.113.5']",
                "pattern_type": "stix", "valid_from": "2026-11-01T00:00:00Z",
            })
        };
        for m in [
            "2026-11-01T00:00:00.000Z",
            "2026-11-02T00:00:00.000Z",
            "2026-11-03T00:00:00.000Z",
        ] {
            let status = f
                .store
                .taxii_add(&cn, &collection.id, &[version(m)])
                .await
                .expect("add");
            assert_eq!(status["success_count"], 1, "{status}");
        }
        let objects = |query: &str| {
            let (app, token) = (app.clone(), writer.clone());
            let path = format!("/taxii2/api/collections/{}/objects/?{query}", collection.id);
            async move { call(&app, "GET", &path, Some(&token), None).await }
        };
        let modified = |v: &serde_json::Value| -> Vec<String> {
            v["objects"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|o| o["modified"].as_str().map(str::to_owned))
                .collect()
        };
        let (status, both) = objects("match[version]=first,last").await;
        assert_eq!(status, StatusCode::OK, "{both}");
        assert_eq!(
            modified(&both),
            ["2026-11-01T00:00:00.000Z", "2026-11-03T00:00:00.000Z"],
            "first and last, not the middle one"
        );
        let (status, last) = objects("").await;
        assert_eq!(
            (status, modified(&last).len()),
            (StatusCode::OK, 1),
            "the last by default"
        );
        let (status, capped) = objects("limit=1000000").await;
        assert_eq!(status, StatusCode::OK, "a limit above the maximum is capped: {capped}");
        let (status, _) = objects("limit=0").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        // Only the poster deletes an object, every version of it.
        let path = format!(
            "/taxii2/api/collections/{}/objects/indicator--1b7e1c4a-3c2e-4d5b-9a8e-2f7c1b0e9d31/",
            collection.id
        );
        let other = login(&app, "ru.officer").await;
        let (status, body) = call(&app, "DELETE", &path, Some(&other), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "another authority deletes: {body}");
        let missing = path.replace("1b7e1c4a", "2c8f2d5b");
        assert_eq!(
            call(&app, "DELETE", &missing, Some(&writer), None).await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(call(&app, "DELETE", &path, Some(&writer), None).await.0, StatusCode::OK);
        assert_eq!(
            call(&app, "GET", &path, Some(&writer), None).await.0,
            StatusCode::NOT_FOUND,
            "gone"
        );
        let entries = f.store.audit_entries(0, 1000).await.expect("audit").entries;
        assert!(entries.iter().any(|e| e.draft.action == "taxii.delete"));

        for (accept, expected) in [
            ("application/taxii+json;version=2.0", StatusCode::NOT_ACCEPTABLE),
            ("application/taxii+json;version=2.1", StatusCode::OK),
            ("application/taxii+json", StatusCode::OK),
            ("text/html", StatusCode::NOT_ACCEPTABLE),
            ("text/html, */*;q=0.1", StatusCode::OK),
        ] {
            let (status, body) = crate::http::raw(
                &app,
                Request::get("/taxii2/")
                    .header("authorization", format!("Bearer {writer}"))
                    .header("accept", accept)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
            assert_eq!(status, expected, "{accept}: {body}");
            if status == StatusCode::NOT_ACCEPTABLE {
                assert_eq!(body["http_status"], "406", "a TAXII error body: {body}");
            }
        }
    }
);
