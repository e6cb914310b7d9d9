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
