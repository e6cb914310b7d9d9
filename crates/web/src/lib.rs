//! What Concord's HTTP edges share: the state every handler reaches, the
//! authenticated caller read from a request (bearer token or session cookie),
//! and the one table from a refusal to an HTTP status. The JSON API
//! (`concord-api`) and the web console (`concord-console`) are built on it
//! and never on one another; `concord-server` puts them together.

pub mod auth;
pub mod error;
pub mod refusals;

use concord_store::Store;
use std::sync::Arc;

pub use error::ApiError;

/// Largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Server settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Mark session cookies `Secure` (behind TLS).
    pub secure_cookies: bool,
    /// How long a login lasts, in seconds.
    pub session_ttl_seconds: i64,
    /// How long a session may go unused before it ends, in seconds.
    pub session_idle_seconds: i64,
    /// Certificate authorities (PEM) that webhook receivers' certificates
    /// may chain to, besides the system's.
    pub webhook_authorities: Option<std::path::PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            secure_cookies: false,
            session_ttl_seconds: 12 * 3600,
            session_idle_seconds: 30 * 60,
            webhook_authorities: None,
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The storage interface.
    pub store: Store,
    /// The node's audit-checkpoint public key, for verification.
    pub node_public_key: Option<concord_audit::PublicKey>,
    /// Settings.
    pub settings: Arc<Settings>,
    /// The in-memory screening index.
    pub screening: Arc<concord_app::screening::Screening>,
    /// Batch screenings started from the console.
    pub batches: Arc<concord_app::batches::Jobs>,
    /// Login attempts per source address.
    pub logins: Arc<concord_app::sessions::AddressThrottle>,
}
