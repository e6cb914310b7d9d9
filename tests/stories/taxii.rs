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
            .args([&base, &writer, &reader])
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
