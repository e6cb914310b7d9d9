//! Concord's HTTP host: mounts the JSON API (`concord-api`) and the web
//! console (`concord-console`) on one router with the shared state
//! (`concord-web`), and runs the webhook deliveries. It holds no handler.
//!
//! - [`router`] builds the whole application; tests drive it in-process.

pub mod webhooks;

use axum::Router;
use axum::extract::DefaultBodyLimit;

pub use concord_web::{ApiError, AppState, BODY_LIMIT, Settings};

/// The application: API, TAXII, OpenAPI document, health checks, console.
pub fn router(state: AppState) -> Router {
    concord_api::router()
        .merge(concord_console::router())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            concord_web::refusals::audit_refusals,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}
