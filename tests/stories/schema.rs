//! The schema's migrations: checked by checksum, and databases made before
//! the checks adopted without loss.

use concord_store::{Options, Store};
use concord_stories::story;
use sqlx::{Connection, Row};

async fn connect(url: &str) -> sqlx::AnyConnection {
    sqlx::AnyConnection::connect(url).await.expect("connect")
}

async fn reopen(f: &concord_stories::Fixture) -> concord_store::Result<Store> {
    Store::open(&f.url, Options::new(f.clock.clone(), Some(f.key.clone()))).await
}

story!(
    an_edited_migration_stops_the_node_and_an_earlier_database_is_adopted,
    |f| {
        let mut conn = connect(&f.url).await;
        let applied: i64 = sqlx::query("SELECT COUNT(*) AS n FROM _sqlx_migrations")
            .fetch_one(&mut conn)
            .await
            .expect("applied migrations")
            .get("n");
        assert!(applied >= 10, "every migration recorded, got {applied}");

        // A database from before the checksums: versions in schema_migrations.
        sqlx::raw_sql(
        "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL); \
         INSERT INTO schema_migrations (version, name, applied_at) SELECT version, description, '0' FROM _sqlx_migrations; \
         DROP TABLE _sqlx_migrations;",
    )
    .execute(&mut conn)
    .await
    .expect("make an earlier database");
        let store = reopen(&f).await.expect("an earlier database opens");
        store.close().await;
        let adopted: i64 = sqlx::query("SELECT COUNT(*) AS n FROM _sqlx_migrations")
            .fetch_one(&mut conn)
            .await
            .expect("adopted migrations")
            .get("n");
        assert_eq!(adopted, applied, "every earlier version carried over, none run twice");
        assert!(
            sqlx::query("SELECT version FROM schema_migrations")
                .fetch_all(&mut conn)
                .await
                .is_err(),
            "the earlier table is gone"
        );

        // A migration whose text changed after it was applied.
        sqlx::query("UPDATE _sqlx_migrations SET checksum = $1 WHERE version = 3")
            .bind(vec![0u8; 48])
            .execute(&mut conn)
            .await
            .expect("tamper with a checksum");
        conn.close().await.ok();
        let refused = reopen(&f).await.err().expect("an edited migration refuses to open");
        assert!(
            refused.to_string().contains('3'),
            "the message names the version: {refused}"
        );
    }
);

story!(a_backup_restores_on_its_backend_with_search_and_audit_intact, |f| {
    use concord_domain::workflow::exchange::{MessageKind, Priority};
    use concord_domain::{HandlingCode, RecordKind};
    let cn = concord_stories::officer(&f, "cn-security-service");
    let r = concord_app::records::create(
        &f.store,
        &cn,
        concord_stories::sample_input(RecordKind::Person, "Backed Up Person", HandlingCode::open()),
    )
    .await
    .expect("record");
    let m = concord_app::messages::send(
        &f.store,
        &cn,
        None,
        concord_store::MessageInput {
            kind: MessageKind::Message,
            priority: Priority::Routine,
            subject: "Convoy sighted near the pass".into(),
            body: "Synthetic.".into(),
            recipients: vec!["ru-police".into()],
            handling: HandlingCode::open(),
            deadline: None,
            links: vec![],
            attachments: vec![],
        },
    )
    .await
    .expect("message");
    f.store.checkpoint().await.expect("checkpoint");
    let mut file = Vec::new();
    let summary = f.store.backup(&mut file, &f.key.public()).await.expect("backup");
    assert!(summary.rows > 0 && summary.audit_seq > 0, "{summary:?}");

    // A second, new node of the same backend and key.
    let target = concord_stories::backends()
        .await
        .into_iter()
        .find(|d| d.backend == f.backend)
        .expect("the same backend");
    let store = Store::open(&target.url, Options::new(f.clock.clone(), Some(f.key.clone())))
        .await
        .expect("open");
    // An edited byte: refused, nothing written.
    let mut edited = file.clone();
    let at = edited.len() / 2;
    edited[at] = if edited[at] == b'a' { b'b' } else { b'a' };
    assert!(store.restore(&edited[..], &f.key.public(), false).await.is_err());
    assert_eq!(store.audit_entries(0, 10).await.expect("audit").entries.len(), 0);
    // Another node's key: refused.
    let other = concord_audit::NodeKey::generate().expect("key");
    assert!(store.restore(&file[..], &other.public(), false).await.is_err());

    let restored = store.restore(&file[..], &f.key.public(), false).await.expect("restore");
    assert_eq!(restored.rows, summary.rows);
    assert!(
        store.verify_audit(&f.key.public()).await.is_ok(),
        "the chain and its checkpoints came along"
    );
    let ctx = concord_stories::ctx(
        &store,
        "ru-officer",
        "ru-police",
        concord_domain::Roles::of([concord_domain::Role::Officer]),
        concord_domain::Classification::Secret,
    );
    assert_eq!(store.get_record(&cn, &r.id).await.expect("record").title, r.title);
    let found = store
        .list_messages(
            &ctx,
            &concord_store::MessageQuery {
                text: Some("convoy".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .expect("search");
    assert_eq!(
        found.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(),
        [m.id.as_str()],
        "search rebuilt"
    );
    // Over a node that holds a log: only when forced.
    assert!(matches!(
        store.restore(&file[..], &f.key.public(), false).await,
        Err(concord_store::StoreError::Conflict(_))
    ));
    store.restore(&file[..], &f.key.public(), true).await.expect("forced");
    assert!(store.verify_audit(&f.key.public()).await.is_ok());
    store.close().await;
    target.finish().await;
});
