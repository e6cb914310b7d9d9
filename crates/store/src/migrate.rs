//! Schema migrations, one folder per backend, applied in order, each in its
//! own transaction and recorded in `schema_migrations`.

use crate::{Backend, Result};
use sqlx::{AnyPool, Row};

/// `(version, name, sql)`.
type Migration = (i64, &'static str, &'static str);

const SQLITE: &[Migration] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/sqlite/0001_foundation.sql"),
    ),
    (
        2,
        "shared database",
        include_str!("../migrations/sqlite/0002_shared_database.sql"),
    ),
    (
        3,
        "source index",
        include_str!("../migrations/sqlite/0003_source_index.sql"),
    ),
    (
        4,
        "keyset index",
        include_str!("../migrations/sqlite/0004_created_index.sql"),
    ),
    (
        5,
        "cooperation workflows",
        include_str!("../migrations/sqlite/0005_cooperation.sql"),
    ),
    (6, "taxii", include_str!("../migrations/sqlite/0006_taxii.sql")),
    (
        7,
        "message search",
        include_str!("../migrations/sqlite/0007_message_search.sql"),
    ),
    (8, "webhooks", include_str!("../migrations/sqlite/0008_webhooks.sql")),
    (
        9,
        "listing indexes",
        include_str!("../migrations/sqlite/0009_listing_indexes.sql"),
    ),
    (
        10,
        "lean record tables",
        include_str!("../migrations/sqlite/0010_lean_record_tables.sql"),
    ),
];
const POSTGRES: &[Migration] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (
        2,
        "shared database",
        include_str!("../migrations/postgres/0002_shared_database.sql"),
    ),
    (
        3,
        "source index",
        include_str!("../migrations/postgres/0003_source_index.sql"),
    ),
    (
        4,
        "keyset index",
        include_str!("../migrations/postgres/0004_created_index.sql"),
    ),
    (
        5,
        "cooperation workflows",
        include_str!("../migrations/postgres/0005_cooperation.sql"),
    ),
    (6, "taxii", include_str!("../migrations/postgres/0006_taxii.sql")),
    (
        7,
        "message search",
        include_str!("../migrations/postgres/0007_message_search.sql"),
    ),
    (8, "webhooks", include_str!("../migrations/postgres/0008_webhooks.sql")),
    (
        9,
        "listing indexes",
        include_str!("../migrations/postgres/0009_listing_indexes.sql"),
    ),
    (
        10,
        "lean record tables",
        include_str!("../migrations/postgres/0010_lean_record_tables.sql"),
    ),
    (
        11,
        "audit append in one round trip",
        include_str!("../migrations/postgres/0011_audit_append.sql"),
    ),
];

pub async fn run(pool: &AnyPool, backend: Backend) -> Result<()> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .execute(pool)
    .await?;
    let migrations = match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>("version"))
        .collect::<Result<_, _>>()?;
    for (version, name, sql) in migrations {
        if applied.contains(version) {
            continue;
        }
        tracing::info!(version, name, "applying migration");
        let mut tx = pool.begin().await?;
        sqlx::raw_sql(*sql).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(*version)
            .bind(*name)
            .bind(time::OffsetDateTime::now_utc().unix_timestamp().to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(())
}
