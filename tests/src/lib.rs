//! The harness for story tests: every story runs once per available backend,
//! each time in a new, empty database.
//!
//! SQLite always runs, in a temporary file. PostgreSQL runs when
//! `CONCORD_TEST_POSTGRES_URL` names a server and a database to connect to
//! for administration; each run creates its own uniquely named database and
//! drops it afterwards. Without the variable the PostgreSQL run is skipped
//! with a message, unless `CI` is set: then the test fails.

use concord_audit::NodeKey;
use concord_domain::{AuthorityId, Classification, FixedClock, Roles, StateCode, UserId, Viewer};
use concord_store::{Actor, Backend, Ctx, Options, Store};
use sqlx::Connection;
use std::sync::Arc;
use time::macros::datetime;

/// The date the stories start on.
pub const START: time::OffsetDateTime = datetime!(2026-11-22 09:00 UTC);

/// A database to run one story in.
pub struct TestDb {
    /// Its connection URL.
    pub url: String,
    /// Which backend.
    pub backend: Backend,
    admin: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

/// The databases this run covers.
pub async fn backends() -> Vec<TestDb> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite:{}", dir.path().join("concord.db").display());
    let mut dbs = vec![TestDb {
        url,
        backend: Backend::Sqlite,
        admin: None,
        _dir: Some(dir),
    }];
    match std::env::var("CONCORD_TEST_POSTGRES_URL") {
        Ok(admin_url) if !admin_url.is_empty() => dbs.push(create_pg(&admin_url).await),
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI is set but CONCORD_TEST_POSTGRES_URL is not: the PostgreSQL run cannot be skipped")
        }
        _ => eprintln!("skipped PostgreSQL: set CONCORD_TEST_POSTGRES_URL to run this story on it too"),
    }
    dbs
}

async fn create_pg(admin_url: &str) -> TestDb {
    let mut bytes = [0u8; 6];
    getrandom::getrandom(&mut bytes).expect("randomness");
    let name = format!("concord_test_{}", hex::encode(bytes));
    let mut conn = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("connect to CONCORD_TEST_POSTGRES_URL");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create test database");
    conn.close().await.ok();
    let (base, query) = admin_url
        .split_once('?')
        .map_or((admin_url, None), |(b, q)| (b, Some(q)));
    let root = base.rsplit_once('/').map_or(base, |(r, _)| r);
    let url = match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    };
    TestDb {
        url,
        backend: Backend::Postgres,
        admin: Some((admin_url.to_owned(), name)),
        _dir: None,
    }
}

impl TestDb {
    /// Opens a store on this database with the SCO configuration loaded, a
    /// clock stopped at [`START`] and a fresh node key.
    pub async fn open(&self) -> Fixture {
        let clock = Arc::new(FixedClock::new(START));
        let key = NodeKey::generate().expect("randomness");
        let mut options = Options::new(clock.clone(), Some(key.clone()));
        options.checkpoint_every = 16;
        // Both PostgreSQL search plans on a handful of messages.
        options.search_plan = concord_store::SearchPlan::WalkFrom(2);
        let store = Store::open(&self.url, options).await.expect("open store");
        let config = concord_config::sco().expect("SCO configuration");
        store
            .apply_config(&config, &Actor::system("test set-up"))
            .await
            .expect("load configuration");
        Fixture {
            store,
            clock,
            key,
            url: self.url.clone(),
            backend: self.backend,
        }
    }

    /// Drops the PostgreSQL database; the SQLite file goes with its directory.
    pub async fn finish(self) {
        if let Some((admin_url, name)) = &self.admin
            && let Ok(mut conn) = sqlx::PgConnection::connect(admin_url).await
        {
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.ok();
        }
    }
}

/// An open store with its clock and key.
pub struct Fixture {
    pub store: Store,
    pub clock: Arc<FixedClock>,
    pub key: NodeKey,
    /// The database URL, for tests that reach around the store.
    pub url: String,
    /// Which backend.
    pub backend: Backend,
}

impl Fixture {
    /// Suspends `state` from tomorrow, by the fixture's clock, in the SCO
    /// configuration.
    pub async fn suspend_from_tomorrow(&self, state: &str) {
        let mut config = concord_config::sco().expect("SCO configuration");
        config
            .registry
            .states
            .get_mut(&StateCode::from(state))
            .unwrap_or_else(|| panic!("no state {state}"))
            .membership
            .push(concord_domain::MembershipEvent {
                since: self.clock_today() + time::Duration::days(1),
                status: concord_domain::MembershipStatus::Suspended,
            });
        self.store
            .apply_config(&config, &Actor::system("test"))
            .await
            .expect("configuration");
    }

    /// Today, by the fixture's clock.
    pub fn clock_today(&self) -> time::Date {
        use concord_domain::Clock;
        self.clock.today()
    }
}

/// A context for a viewer of `authority` (its state looked up in the
/// registry), without a stored user.
pub fn ctx(store: &Store, user: &str, authority: &str, roles: Roles, clearance: Classification) -> Ctx {
    let snap = store.snapshot();
    let state: Option<StateCode> = snap
        .registry
        .authority(&AuthorityId::from(authority))
        .unwrap_or_else(|| panic!("no authority {authority}"))
        .state
        .clone();
    Ctx {
        viewer: Viewer {
            user: UserId::from(user),
            authority: authority.into(),
            state,
            roles,
            clearance,
        },
        purpose: "story test".into(),
    }
}

/// An officer and supervisor of `authority` with secret clearance.
pub fn officer(f: &Fixture, authority: &str) -> Ctx {
    ctx(
        &f.store,
        &format!("{authority}-officer"),
        authority,
        Roles::of([concord_domain::Role::Officer, concord_domain::Role::Supervisor]),
        Classification::Secret,
    )
}

/// An analyst of `authority` (it reads, and takes no step) with secret
/// clearance.
pub fn analyst(f: &Fixture, authority: &str) -> Ctx {
    ctx(
        &f.store,
        &format!("{authority}-analyst"),
        authority,
        Roles::of([concord_domain::Role::Analyst]),
        Classification::Secret,
    )
}

/// Runs a story body once per backend, with a fresh fixture bound to `$f`.
#[macro_export]
macro_rules! story {
    ($(#[$meta:meta])* $name:ident, |$f:ident| $body:block) => {
        $(#[$meta])*
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            for db in $crate::backends().await {
                eprintln!("story {} on {:?}", stringify!($name), db.backend);
                let $f = db.open().await;
                $body
                $f.store.close().await;
                db.finish().await;
            }
        }
    };
}

/// A valid record input for tests: an organization (or person) named
/// `title`, resting on article 1.1.3 of the Shanghai Convention.
pub fn sample_input(
    kind: concord_domain::RecordKind,
    title: &str,
    handling: concord_domain::HandlingCode,
) -> concord_store::RecordInput {
    use concord_domain::{Category, Facts, LegalBasis, Name, NameKind, Script};
    concord_store::RecordInput {
        kind,
        facts: Facts {
            names: vec![Name {
                full: title.into(),
                script: Script::detect(title),
                lang: None,
                kind: NameKind::Primary,
            }],
            ..Facts::default()
        },
        legal_basis: LegalBasis {
            instrument: "shanghai-convention-2001".into(),
            article: "1.1.3".into(),
            category: Category::Extremism,
        },
        evidence: "Organized an armed attack on a border post in 2024 (synthetic).".into(),
        handling,
        review_date: START.date() + time::Duration::days(365 * 3),
        source_id: None,
    }
}

/// Every checklist item ticked.
pub const ALL_TICKED: concord_domain::Checklist = concord_domain::Checklist {
    criminal_act_described: true,
    legal_basis_cites_article: true,
    not_on_protected_grounds_alone: true,
};
