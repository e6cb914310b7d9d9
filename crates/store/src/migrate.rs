//! Schema migrations, one folder per backend, applied in order by sqlx's
//! migrator: each in its own transaction, recorded with its checksum in
//! `_sqlx_migrations`, so that a migration edited after it was applied stops
//! the node instead of leaving two schemas under one version.
//!
//! The migrations are listed here rather than found by `sqlx::migrate!`: the
//! macro needs sqlx's proc-macro crate, which builds both database drivers a
//! second time for the compiler; the list is the same data, read at compile
//! time by `include_str!`.

use crate::{Backend, Result};
use sqlx::migrate::{Migrate, Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Row, SqlSafeStr};
use std::borrow::Cow;

/// `(version, name, sql)`.
type Listed = (i64, &'static str, &'static str);
const SQLITE: &[Listed] = &[
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
    (
        12,
        "two administrators for every grant",
        include_str!("../migrations/sqlite/0012_user_grants.sql"),
    ),
    (
        13,
        "login guard",
        include_str!("../migrations/sqlite/0013_login_guard.sql"),
    ),
    (
        14,
        "session idle timeout",
        include_str!("../migrations/sqlite/0014_session_idle.sql"),
    ),
    (
        15,
        "precursors",
        include_str!("../migrations/sqlite/0015_precursors.sql"),
    ),
    (
        16,
        "precursor total index",
        include_str!("../migrations/sqlite/0016_precursor_total_index.sql"),
    ),
    (
        17,
        "controlled deliveries",
        include_str!("../migrations/sqlite/0017_controlled_deliveries.sql"),
    ),
    (
        18,
        "legal assistance",
        include_str!("../migrations/sqlite/0018_legal_assistance.sql"),
    ),
    (
        19,
        "joint operations",
        include_str!("../migrations/sqlite/0019_joint_operations.sql"),
    ),
    (
        20,
        "legal overdue",
        include_str!("../migrations/sqlite/0020_legal_overdue.sql"),
    ),
    (
        21,
        "case links",
        include_str!("../migrations/sqlite/0021_case_links.sql"),
    ),
    (
        22,
        "legal channels",
        include_str!("../migrations/sqlite/0022_legal_channels.sql"),
    ),
    (
        23,
        "state figures",
        include_str!("../migrations/sqlite/0023_state_figures.sql"),
    ),
    (
        24,
        "chairmanship",
        include_str!("../migrations/sqlite/0024_chairmanship.sql"),
    ),
    (25, "meetings", include_str!("../migrations/sqlite/0025_meetings.sql")),
    (26, "exercises", include_str!("../migrations/sqlite/0026_exercises.sql")),
    (
        27,
        "programmes",
        include_str!("../migrations/sqlite/0027_programmes.sql"),
    ),
];
const POSTGRES: &[Listed] = &[
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
    (
        12,
        "two administrators for every grant",
        include_str!("../migrations/postgres/0012_user_grants.sql"),
    ),
    (
        13,
        "login guard",
        include_str!("../migrations/postgres/0013_login_guard.sql"),
    ),
    (
        14,
        "session idle timeout",
        include_str!("../migrations/postgres/0014_session_idle.sql"),
    ),
    (
        15,
        "precursors",
        include_str!("../migrations/postgres/0015_precursors.sql"),
    ),
    (
        16,
        "precursor total index",
        include_str!("../migrations/postgres/0016_precursor_total_index.sql"),
    ),
    (
        17,
        "controlled deliveries",
        include_str!("../migrations/postgres/0017_controlled_deliveries.sql"),
    ),
    (
        18,
        "legal assistance",
        include_str!("../migrations/postgres/0018_legal_assistance.sql"),
    ),
    (
        19,
        "joint operations",
        include_str!("../migrations/postgres/0019_joint_operations.sql"),
    ),
    (
        20,
        "legal overdue",
        include_str!("../migrations/postgres/0020_legal_overdue.sql"),
    ),
    (
        21,
        "case links",
        include_str!("../migrations/postgres/0021_case_links.sql"),
    ),
    (
        22,
        "legal channels",
        include_str!("../migrations/postgres/0022_legal_channels.sql"),
    ),
    (
        23,
        "state figures",
        include_str!("../migrations/postgres/0023_state_figures.sql"),
    ),
    (
        24,
        "chairmanship",
        include_str!("../migrations/postgres/0024_chairmanship.sql"),
    ),
    (25, "meetings", include_str!("../migrations/postgres/0025_meetings.sql")),
    (
        26,
        "exercises",
        include_str!("../migrations/postgres/0026_exercises.sql"),
    ),
    (
        27,
        "programmes",
        include_str!("../migrations/postgres/0027_programmes.sql"),
    ),
];

/// The migrator for one backend.
pub fn migrator(backend: Backend) -> Migrator {
    let listed = match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    Migrator::with_migrations(
        listed
            .iter()
            .map(|(version, name, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*name),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

/// Brings the schema up to date.
pub async fn run(pool: &AnyPool, backend: Backend) -> Result<()> {
    let migrator = migrator(backend);
    adopt_earlier_runner(pool, &migrator).await?;
    migrator.run(pool).await.map_err(sqlx::Error::from)?;
    Ok(())
}

/// Databases made before sqlx's migrator recorded their versions in
/// `schema_migrations` without checksums. Their versions are carried over
/// with the checksums of the migrations as they are now (the files have not
/// changed since: this is the first release that checks), in one
/// transaction, and the old table goes.
async fn adopt_earlier_runner(pool: &AnyPool, migrator: &Migrator) -> Result<()> {
    let mut tx = pool.begin().await?;
    let applied: Vec<i64> = match sqlx::query("SELECT version FROM schema_migrations")
        .fetch_all(&mut *tx)
        .await
    {
        Ok(rows) => rows
            .iter()
            .map(|r| r.try_get::<i64, _>("version"))
            .collect::<Result<_, _>>()?,
        // No such table: a new database or one already adopted.
        Err(_) => return Ok(()),
    };
    (*tx)
        .ensure_migrations_table("_sqlx_migrations")
        .await
        .map_err(sqlx::Error::from)?;
    for migration in migrator.iter().filter(|m| applied.contains(&m.version)) {
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES ($1, $2, TRUE, $3, 0)",
        )
        .bind(migration.version)
        .bind(migration.description.to_string())
        .bind(migration.checksum.to_vec())
        .execute(&mut *tx)
        .await?;
    }
    sqlx::raw_sql("DROP TABLE schema_migrations").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}
