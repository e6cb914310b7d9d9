use concord_store::{Actor, StoreError};
use concord_stories::story;

story!(the_registry_reads_back_exactly_as_configured, |f| {
    let config = concord_config::sco().expect("valid");
    let snap = f.store.snapshot();
    assert_eq!(snap.registry, config.registry);
    assert_eq!(snap.policy, config.policy);
    // Loading again replaces, never duplicates.
    f.store
        .apply_config(&config, &Actor::system("reload"))
        .await
        .expect("reload");
    f.store.reload_registry().await.expect("read back");
    assert_eq!(f.store.snapshot().registry, config.registry);
});

story!(a_configuration_that_orphans_users_is_refused_whole, |f| {
    let config = concord_config::sco().expect("valid");
    crate::users::add(
        &f.store,
        "kz.analyst",
        "kz-police",
        "analyst",
        concord_domain::Classification::Restricted,
    )
    .await;
    let mut smaller = config.clone();
    smaller
        .registry
        .authorities
        .remove(&concord_domain::AuthorityId::from("kz-police"));
    smaller.registry.states.get_mut(&"KZ".into()).expect("KZ").name.en = "Changed".into();
    let err = f
        .store
        .apply_config(&smaller, &Actor::system("reload"))
        .await
        .expect_err("refused");
    assert!(
        matches!(&err, StoreError::Conflict(m) if m.contains("kz-police")),
        "{err}"
    );
    f.store.reload_registry().await.expect("read back");
    assert_eq!(f.store.snapshot().registry, config.registry, "nothing half-loaded");
});

story!(the_registry_answers_who_chairs_each_year, |f| {
    let app = crate::http::app(&f).await;
    let token = crate::http::login(&app, "ru.officer").await;
    let (status, body) = crate::http::call(
        &app,
        "GET",
        "/api/v1/registry/chairmanship?from=2016&to=2026",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, axum::http::StatusCode::OK, "{body}");
    let chairs: Vec<Option<&str>> = body
        .as_array()
        .expect("years")
        .iter()
        .map(|y| y["chair"].as_str())
        .collect();
    assert_eq!(
        chairs,
        vec![
            None,
            Some("KZ"),
            Some("CN"),
            Some("KG"),
            Some("RU"),
            Some("TJ"),
            Some("UZ"),
            Some("IN"),
            Some("KZ"),
            Some("CN"),
            Some("KG")
        ]
    );
    assert_eq!(body[10]["summit_host"].as_str(), Some("KG"));
    for bad in ["from=2026&to=2016", "from=1900&to=2100", "year=2020"] {
        let (status, body) = crate::http::call(
            &app,
            "GET",
            &format!("/api/v1/registry/chairmanship?{bad}"),
            Some(&token),
            None,
        )
        .await;
        assert_eq!(status, axum::http::StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
    }
});
