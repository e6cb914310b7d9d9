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
