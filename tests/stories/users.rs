use concord_domain::{AuthorityId, Classification, Role, Roles, User};
use concord_store::{Actor, NewUser, Store, StoreError, UserUpdate};
use concord_stories::story;
use time::Duration;

/// Adds a user with a placeholder hash (the store keeps hashes opaque).
pub async fn add(store: &Store, username: &str, authority: &str, roles: &str, clearance: Classification) -> User {
    store
        .create_user(
            NewUser {
                username: username.into(),
                display_name: format!("Test {username}"),
                authority: AuthorityId::from(authority),
                roles: roles.parse().expect("roles"),
                clearance,
                password_hash: "$argon2id$placeholder".into(),
            },
            &Actor::system("test"),
        )
        .await
        .expect("create user")
}

story!(users_are_created_once_and_only_in_known_authorities, |f| {
    let u = add(
        &f.store,
        "cn.officer",
        "cn-security-service",
        "officer,supervisor",
        Classification::Secret,
    )
    .await;
    assert_eq!(u.roles, Roles::of([Role::Officer, Role::Supervisor]));
    let again = f
        .store
        .create_user(
            NewUser {
                username: "cn.officer".into(),
                display_name: "Other".into(),
                authority: "cn-police".into(),
                roles: Roles::of([Role::Analyst]),
                clearance: Classification::Restricted,
                password_hash: "h".into(),
            },
            &Actor::system("test"),
        )
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let unknown = f
        .store
        .create_user(
            NewUser {
                username: "xx.one".into(),
                display_name: "X".into(),
                authority: "xx-police".into(),
                roles: Roles::of([Role::Analyst]),
                clearance: Classification::Restricted,
                password_hash: "h".into(),
            },
            &Actor::system("test"),
        )
        .await;
    assert!(
        matches!(&unknown, Err(StoreError::Invalid { field, .. }) if field == "authority"),
        "{unknown:?}"
    );
    for bad in ["A", "has space", "UPPER"] {
        let r = f
            .store
            .create_user(
                NewUser {
                    username: bad.into(),
                    display_name: "X".into(),
                    authority: "cn-police".into(),
                    roles: Roles::of([Role::Analyst]),
                    clearance: Classification::Restricted,
                    password_hash: "h".into(),
                },
                &Actor::system("test"),
            )
            .await;
        assert!(
            matches!(&r, Err(StoreError::Invalid { field, .. }) if field == "username"),
            "{bad}: {r:?}"
        );
    }
    assert_eq!(f.store.users().await.expect("list").len(), 1);
});

story!(sessions_expire_and_end_when_a_user_is_disabled, |f| {
    let u = add(
        &f.store,
        "ru.analyst",
        "ru-police",
        "analyst",
        Classification::Confidential,
    )
    .await;
    f.store
        .create_session(&u.id, "hash-1", "api", 3600)
        .await
        .expect("session");
    f.store
        .create_session(&u.id, "hash-2", "console", 60)
        .await
        .expect("session");
    assert_eq!(
        f.store
            .session("hash-1")
            .await
            .expect("lookup")
            .map(|(u, _)| u.username),
        Some("ru.analyst".into())
    );
    f.clock.advance(Duration::seconds(61));
    assert!(f.store.session("hash-2").await.expect("lookup").is_none(), "expired");
    assert!(f.store.session("hash-1").await.expect("lookup").is_some());
    let update = UserUpdate {
        disabled: Some(true),
        ..Default::default()
    };
    f.store
        .update_user(&u.id, update, &Actor::system("test"))
        .await
        .expect("disable");
    assert!(
        f.store.session("hash-1").await.expect("lookup").is_none(),
        "disabled users hold no session"
    );
    f.store.delete_session("hash-1").await.expect("idempotent");
});
