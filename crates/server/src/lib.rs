//! Concord's HTTP API (axum). The only crate that knows JSON, HTTP status
//! codes and OpenAPI; everything it serves comes from the store, and every
//! record it returns has passed the store's access decision.
//!
//! - [`router`] builds the whole application; tests drive it in-process.
//! - [`error`] is the one table from error to status and JSON body.
//! - [`json`] is the request-body extractor that names the offending field.
//! - [`auth`] reads the authenticated caller from a request.

pub mod auth;
pub mod console;
pub mod error;
pub mod json;
mod openapi;
mod routes;

pub mod taxii;
mod views;
pub mod webhooks;

use axum::Router;
use axum::extract::DefaultBodyLimit;
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
    /// Certificate authorities (PEM) that webhook receivers' certificates
    /// may chain to, besides the system's.
    pub webhook_authorities: Option<std::path::PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            secure_cookies: false,
            session_ttl_seconds: 12 * 3600,
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
    /// Batch screenings started from the web console.
    pub console_jobs: Arc<console::jobs::Jobs>,
}

/// The application: API, OpenAPI document, health checks, landing page.
pub fn router(state: AppState) -> Router {
    let (api, doc) = routes::api().split_for_parts();
    let doc = Arc::new(openapi::finish(doc));
    api.merge(taxii::routes())
        .merge(console::router())
        .merge(routes::meta(doc))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// The OpenAPI document, as served at `/openapi.json`.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    openapi::finish(routes::api().split_for_parts().1)
}
