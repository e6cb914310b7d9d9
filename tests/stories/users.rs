use concord_app::Refusal;
use concord_app::users::{self, AddUser};
use concord_domain::{AuthorityId, Classification, Role, Roles, User};
use concord_store::{Actor, NewUser, Store, UserUpdate};
use concord_stories::story;
use time::Duration;

/// The idle timeout the session story uses, in seconds (under the hour the
/// session lasts).
const IDLE: i64 = 900;

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
                disabled: false,
                must_change_password: false,
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
    // Users are created through the use case that the API, the console and
    // `concord user add` share; the store only keeps what it is given.
    let add_user = |username: &str, authority: &str| AddUser {
        username: username.into(),
        display_name: "X".into(),
        authority: AuthorityId::from(authority),
        roles: Roles::of([Role::Analyst]),
        clearance: Classification::Restricted,
        password: "twelve chars or more".into(),
    };
    let system = Actor::system("test");
    let again = users::add(&f.store, &system, add_user("cn.officer", "cn-police")).await;
    assert!(matches!(again, Err(Refusal::Conflict(_))), "{again:?}");
    let unknown = users::add(&f.store, &system, add_user("xx.one", "xx-police")).await;
    assert!(
        matches!(&unknown, Err(Refusal::Invalid { field, .. }) if field == "authority"),
        "{unknown:?}"
    );
    for bad in ["A", "has space", "UPPER"] {
        let r = users::add(&f.store, &system, add_user(bad, "cn-police")).await;
        assert!(
            matches!(&r, Err(Refusal::Invalid { field, .. }) if field == "username"),
            "{bad}: {r:?}"
        );
    }
    let mut no_role = add_user("cn.nobody", "cn-police");
    no_role.roles = Roles::default();
    let r = users::add(&f.store, &system, no_role).await;
    assert!(
        matches!(&r, Err(Refusal::Invalid { field, .. }) if field == "roles"),
        "{r:?}"
    );
    let mut weak = add_user("cn.weak", "cn-police");
    weak.password = "short".into();
    let r = users::add(&f.store, &system, weak).await;
    assert!(
        matches!(&r, Err(Refusal::Invalid { field, .. }) if field == "password"),
        "{r:?}"
    );
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
            .session("hash-1", IDLE)
            .await
            .expect("lookup")
            .map(|(u, _)| u.username),
        Some("ru.analyst".into())
    );
    f.clock.advance(Duration::seconds(61));
    assert!(
        f.store.session("hash-2", IDLE).await.expect("lookup").is_none(),
        "expired"
    );
    assert!(f.store.session("hash-1", IDLE).await.expect("lookup").is_some());
    // Used within the idle timeout, a session lives on; left unused, it ends
    // before its absolute end.
    f.clock.advance(Duration::seconds(IDLE - 1));
    assert!(
        f.store.session("hash-1", IDLE).await.expect("lookup").is_some(),
        "used in time"
    );
    f.clock.advance(Duration::seconds(IDLE - 1));
    assert!(
        f.store.session("hash-1", IDLE).await.expect("lookup").is_some(),
        "the use kept it"
    );
    f.clock.advance(Duration::seconds(IDLE));
    assert!(
        f.store.session("hash-1", IDLE).await.expect("lookup").is_none(),
        "idle too long"
    );
    f.store
        .create_session(&u.id, "hash-3", "api", 3600)
        .await
        .expect("session");
    let update = UserUpdate {
        disabled: Some(true),
        ..Default::default()
    };
    f.store
        .update_user(&u.id, update, &Actor::system("test"))
        .await
        .expect("disable");
    assert!(
        f.store.session("hash-3", IDLE).await.expect("lookup").is_none(),
        "disabled users hold no session"
    );
    f.store.delete_session("hash-3").await.expect("idempotent");
});
