//! Concord's JSON API, TAXII 2.1 server and OpenAPI document (axum, utoipa).
//! A handler reads a request into a use case's command (`concord_app`),
//! calls it, and writes its result or refusal as JSON; it holds no rule of
//! its own. It never calls the console, nor the console it.
//!
//! - [`router`] builds the API's routes; `concord-server` mounts them.
//! - [`json`] is the request-body extractor that names the offending field.
//! - [`csrf`] refuses a write that only the session cookie authenticates.

pub mod csrf;
pub mod json;
mod openapi;
mod routes;
pub mod taxii;
mod views;

pub use concord_web::{ApiError, AppState, BODY_LIMIT, auth, error};

use axum::Router;
use std::sync::Arc;

/// The API, TAXII and the meta routes (health, OpenAPI document), to be
/// given the shared state by the host.
pub fn router() -> Router<AppState> {
    let (api, doc) = routes::api().split_for_parts();
    let doc = Arc::new(openapi::finish(doc));
    api.merge(taxii::routes())
        .merge(routes::meta(doc))
        .layer(axum::middleware::from_fn(csrf::guard))
}
