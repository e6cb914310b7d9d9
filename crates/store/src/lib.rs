//! Concord's storage: one interface, [`Store`], over the embedded SQLite file
//! and PostgreSQL.
//!
//! Both backends run the same SQL through sqlx's `Any` driver: the schema is
//! written once per backend (`migrations/sqlite`, `migrations/postgres`) with
//! the same tables and column types, and [`Backend`] holds the few places
//! where they differ (connection set-up, write serialization). Every query is
//! unchecked (`sqlx::query` with binds) so the project builds without a
//! database.
//!
//! Architecture invariants:
//! - every method that returns records filters them through
//!   [`concord_domain::decide`]; SQL may narrow the candidates only by
//!   conditions `decide` also enforces (clearance against classification);
//! - every read and write of personal data appends to the audit chain in the
//!   same transaction as the data it concerns, so neither exists without the
//!   other.

mod audit;
mod backup;
mod case_links;
pub mod codec;
mod consultations;
mod deliveries;
mod designations;
mod exercises;
mod figures;
mod import;
mod legal;
mod login_guard;
mod mailbox;
mod meetings;
mod message_codec;
mod messages;
mod migrate;
mod operations;
mod precursors;
mod programmes;
mod records;
mod registry;
mod relations;
mod requests;
mod screening;
mod shared;
mod sql;
mod stamp;
mod taxii;
mod trail;
mod users;
mod webhooks;

use concord_audit::{EntryDraft, NodeKey};
use concord_domain::{Clock, Policy, Registry, Viewer};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyPool, Transaction};
use std::sync::{Arc, Once, RwLock};

pub use audit::AuditPage;
pub use backup::BackupSummary;
pub use concord_domain::derived_uuid;
pub use concord_domain::message_rules::{
    ATTACHMENT_TYPES, AttachmentInput, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MessageInput,
};
/// Entities that moved to the domain, named here too so storage callers keep one import.
pub use concord_domain::{
    AttachmentMeta, ImportError, ImportItem, ListEntry, Message, Receipt, Record, RecordInput, Relationship,
    TimelineEntry,
};
pub use concord_domain::{ForwardRequest, Forwarded, Notification};
pub use consultations::{Consultation, ConsultationStep, StatementVersion, VerdictEntry};
pub use deliveries::{DeliveryWrite, delivery_protected};
pub use designations::{ListDifference, ListStanding, NationalEntry, PositionEntry, Proposal, ProposalInput};
pub use import::{ImportFailure, ImportReport};
pub use legal::{RequestWrite, legal_request_protected};
pub use login_guard::LoginGuard;
pub use message_codec::{Mailbox, MessageQuery};
pub use messages::SeedMessage;
pub use operations::operation_protected;
pub use precursors::{NewNotification, NotificationWrite, incident_protected, notification_protected};
pub use records::{RecordQuery, ReviewItem, Version};
pub use relations::Link;
pub use requests::{ANSWER_DAYS, RequestKind, RequestStatus, SubjectRequest};
pub use shared::workflow_protected;
pub use stamp::stamp;
pub use taxii::{Collection, MAX_TAXII_PAGE, ObjectPage, ObjectQuery, TaxiiObject, VersionMatch};
pub use users::{NewUser, Session, UserGrant, UserUpdate};
pub use webhooks::{DueDelivery, Webhook};

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One embedded file; writes are serialized in-process.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// The backend a connection URL names.
    pub fn of_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Invalid {
                field: "database".into(),
                message: format!("unsupported database URL {url:?}: expected sqlite:PATH or postgres://..."),
            })
        }
    }
}

/// What can go wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Nothing there, or nothing the caller may see: the two are not told apart.
    #[error("{0} not found")]
    NotFound(String),
    /// Input that breaks a rule; names the field.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// A uniqueness or version conflict.
    #[error("{0}")]
    Conflict(String),
    /// The caller sees the item but may not do this to it.
    #[error("{0}")]
    Forbidden(String),
    /// The audit log fails verification.
    #[error("audit log tampered with: {0}")]
    Tampered(#[from] concord_audit::Tamper),
    /// The witness file cannot be read or written.
    #[error("audit witness {path}: {message}")]
    Witness { path: String, message: String },
    /// Stored data that cannot be read back.
    #[error("corrupt data in {table}: {message}")]
    Corrupt { table: &'static str, message: String },
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl From<concord_domain::rules::Refused> for StoreError {
    fn from(e: concord_domain::rules::Refused) -> Self {
        use concord_domain::rules::Refused;
        match e {
            Refused::Invalid(f) => StoreError::Invalid {
                field: f.field,
                message: f.message,
            },
            Refused::Forbidden(m) => StoreError::Forbidden(m),
            Refused::Conflict(m) => StoreError::Conflict(m),
            Refused::NotFound(what) => StoreError::NotFound(what),
        }
    }
}

impl StoreError {
    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Self {
        StoreError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
    pub(crate) fn corrupt(table: &'static str, message: impl std::fmt::Display) -> Self {
        StoreError::Corrupt {
            table,
            message: message.to_string(),
        }
    }
}

/// Result alias.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Who is acting, and why: every audited call carries one.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The acting user, as the access model sees them.
    pub viewer: Viewer,
    /// The stated purpose, recorded in the audit log.
    pub purpose: String,
}

/// The actor of an audit entry: a user, or the node itself.
#[derive(Debug, Clone)]
pub struct Actor {
    /// User id or `system`.
    pub id: String,
    /// Authority id, empty for the system.
    pub authority: String,
    /// The stated purpose.
    pub purpose: String,
}

impl Actor {
    /// The node itself (configuration loads, command-line administration).
    pub fn system(purpose: impl Into<String>) -> Self {
        Actor {
            id: "system".into(),
            authority: String::new(),
            purpose: purpose.into(),
        }
    }
}

impl From<&Ctx> for Actor {
    fn from(ctx: &Ctx) -> Self {
        Actor {
            id: ctx.viewer.user.to_string(),
            authority: ctx.viewer.authority.to_string(),
            purpose: ctx.purpose.clone(),
        }
    }
}

/// How to open a store.
pub struct Options {
    /// Where time comes from.
    pub clock: Arc<dyn Clock>,
    /// The node key that signs audit checkpoints; without one, none are made.
    pub node_key: Option<NodeKey>,
    /// A checkpoint is signed every this many audit entries.
    pub checkpoint_every: i64,
    /// A file outside the database that keeps a copy of every checkpoint
    /// ([`Store::witness_checkpoints`]), so that checkpoints deleted from
    /// the database, with or without the entries under them, are missed.
    pub witness: Option<std::path::PathBuf>,
    /// Connection pool size.
    pub max_connections: u32,
    /// PostgreSQL search: how to choose between sorting the index's matches
    /// and walking the mailbox in order.
    pub search_plan: SearchPlan,
}

/// PostgreSQL search plan choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchPlan {
    /// From the planner's estimates: walk when it reads fewer rows.
    Estimated,
    /// Walk from this many matches in the mailbox, counted (tests use it to
    /// reach both plans on a handful of messages).
    WalkFrom(i64),
}

impl Options {
    /// Defaults with the given clock and key.
    pub fn new(clock: Arc<dyn Clock>, node_key: Option<NodeKey>) -> Self {
        Options {
            clock,
            node_key,
            checkpoint_every: 256,
            witness: None,
            max_connections: 8,
            search_plan: SearchPlan::Estimated,
        }
    }
}

/// SQLite page cache per connection, in KiB.
pub(crate) const SQLITE_CACHE_KIB: i64 = 32_768;

/// The registry and policy as last loaded, shared by readers.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// States, authorities, bodies, instruments.
    pub registry: Registry,
    /// Access-model settings.
    pub policy: Policy,
}

/// The storage interface. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    pool: AnyPool,
    /// Where write transactions run (SQLite: one connection; PostgreSQL: the pool).
    writer: AnyPool,
    backend: Backend,
    clock: Arc<dyn Clock>,
    key: Option<NodeKey>,
    checkpoint_every: i64,
    witness: Option<std::path::PathBuf>,
    search_plan: SearchPlan,
    snapshot: RwLock<Arc<Snapshot>>,
    /// SQLite has one writer; taking turns here avoids busy errors on
    /// transactions that read before they write.
    write_turn: Arc<tokio::sync::Mutex<()>>,
}

/// A write transaction, holding the backend's write turn.
pub(crate) struct WriteTx {
    pub tx: Transaction<'static, Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Store {
    /// Connects, creating the SQLite file if needed, and migrates the schema.
    pub async fn open(url: &str, options: Options) -> Result<Store> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(install_default_drivers);
        let backend = Backend::of_url(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_owned(),
        };
        // Migrate on a connection of its own: SQLite connections opened
        // before a migration alters a table would prepare against the old
        // schema.
        let migrator = AnyPoolOptions::new().max_connections(1).connect(&url).await?;
        migrate::run(&migrator, backend).await?;
        migrator.close().await;
        let options_for = |size: u32| {
            // No ping before each checkout: it is a round trip per query on
            // PostgreSQL (three per audited read); a dead connection fails
            // its query and is dropped instead.
            AnyPoolOptions::new()
                .max_connections(size)
                .test_before_acquire(false)
                .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA cache_size = -{SQLITE_CACHE_KIB}; \
                             PRAGMA wal_autocheckpoint = 10000;"
                        )))
                        .execute(conn)
                        .await?;
                    }
                    Ok(())
                })
            })
        };
        let pool = options_for(options.max_connections).connect(&url).await?;
        // SQLite writes go through one connection of their own. A transaction
        // dropped after an error is rolled back only when its connection is
        // next used; on a shared pool that connection could sit idle holding
        // the write lock while every other writer waits for it.
        let writer = match backend {
            Backend::Sqlite => options_for(1).connect(&url).await?,
            Backend::Postgres => pool.clone(),
        };
        let store = Store {
            inner: Arc::new(Inner {
                pool,
                writer,
                backend,
                clock: options.clock,
                key: options.node_key,
                checkpoint_every: options.checkpoint_every.max(1),
                witness: options.witness,
                search_plan: options.search_plan,
                snapshot: RwLock::new(Arc::new(Snapshot::default())),
                write_turn: Arc::new(tokio::sync::Mutex::new(())),
            }),
        };
        store.reload_registry().await?;
        if backend == Backend::Sqlite {
            spawn_sqlite_upkeep(Arc::downgrade(&store.inner));
        }
        Ok(store)
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    /// The registry and policy as last loaded.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.inner.snapshot.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The clock the store stamps with.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.inner.pool).await?;
        Ok(())
    }

    /// Refreshes the planner's statistics (PostgreSQL `ANALYZE`, SQLite
    /// `PRAGMA optimize`): after a bulk load, before the planner guesses.
    pub async fn optimize(&self) -> Result<()> {
        let sql = match self.inner.backend {
            Backend::Sqlite => "PRAGMA optimize",
            // VACUUM also marks pages all-visible, so that ordered walks of
            // the listing indexes stay index-only after a bulk load.
            Backend::Postgres => "VACUUM (ANALYZE)",
        };
        sqlx::raw_sql(sql).execute(&self.inner.pool).await?;
        Ok(())
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.inner.writer.close().await;
        self.inner.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.inner.pool
    }

    pub(crate) async fn write(&self) -> Result<WriteTx> {
        let turn = match self.inner.backend {
            Backend::Sqlite => Some(self.inner.write_turn.clone().lock_owned().await),
            Backend::Postgres => None,
        };
        let tx = self.inner.writer.begin().await?;
        Ok(WriteTx { tx, _turn: turn })
    }

    /// Now as the one stored timestamp ([`stamp`]): fixed width, so that
    /// text order is time order (RFC 3339 as `time` writes it drops trailing
    /// zero digits, and `...:00Z` sorts after `...:00.5Z`).
    pub(crate) fn now_text(&self) -> String {
        stamp::stamp(self.inner.clock.now())
    }

    pub(crate) fn draft(&self, actor: &Actor, action: &str, target: impl Into<String>) -> EntryDraft {
        EntryDraft {
            at: self.now_text(),
            actor: actor.id.clone(),
            authority: actor.authority.clone(),
            action: action.into(),
            target: target.into(),
            purpose: actor.purpose.clone(),
        }
    }
}

/// SQLite housekeeping off the write path, twice a second while the store is
/// open: indexing new messages for search in one batch (a full-text insert
/// per send costs more than the send) and checkpointing the write-ahead log
/// (done inside a commit it makes that write ten times slower than others).
fn spawn_sqlite_upkeep(inner: std::sync::Weak<Inner>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(500));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(inner) = inner.upgrade() else { break };
            if inner.pool.is_closed() {
                break;
            }
            let store = Store { inner };
            if let Err(e) = store.flush_search().await {
                tracing::debug!(error = %e, "full-text flush");
            }
            let inner = store.inner;
            if let Err(e) = sqlx::raw_sql("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&inner.pool)
                .await
            {
                tracing::debug!(error = %e, "checkpoint");
            }
        }
    });
}

/// A unique identifier with a prefix: `rec-019ad3c2f1e07b3e...`, a UUID
/// version 7 in hex.
///
/// It starts with the time in milliseconds, so ids created one after another
/// sort together and land next to each other in every index (random ids
/// scatter inserts over the whole B-tree).
pub(crate) fn new_id(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::now_v7().simple())
}
