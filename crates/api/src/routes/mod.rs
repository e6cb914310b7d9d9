//! Handlers, one module per area. Each handler carries its OpenAPI path.

pub(crate) mod audit;
pub(crate) mod auth;
mod consultations;
mod deliveries;
pub(crate) mod designations;
pub(crate) mod exchange;
mod exercises;
mod legal;
mod links;
pub(crate) mod meetings;
mod messages;
mod operations;
mod precursors;
mod programmes;
pub(crate) mod records;
mod registry;
mod requests;
pub(crate) mod screening;
mod statistics;
pub(crate) mod users;
mod webhooks;

use crate::AppState;
use crate::error::{ApiError, Code};
use crate::views::HealthView;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

/// The documented API.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(registry::states))
        .routes(routes!(registry::authorities))
        .routes(routes!(registry::bodies))
        .routes(routes!(registry::instruments))
        .routes(routes!(registry::chairmanship))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::update))
        .routes(routes!(users::grants))
        .routes(routes!(users::decide_grant))
        .routes(routes!(users::change_password))
        .routes(routes!(records::list, records::create))
        .routes(routes!(records::count))
        .routes(routes!(exchange::export))
        .routes(routes!(exchange::import).layer(axum::extract::DefaultBodyLimit::max(exchange::IMPORT_LIMIT)))
        .routes(routes!(records::get_one, records::update))
        .routes(routes!(records::history))
        .routes(routes!(records::review_queue))
        .routes(routes!(records::review))
        .routes(routes!(records::erase))
        .routes(routes!(records::relate))
        .routes(routes!(records::relationships))
        .routes(routes!(requests::register, requests::list))
        .routes(routes!(requests::decide))
        .routes(routes!(records::compliance))
        .routes(routes!(screening::screen))
        .routes(routes!(screening::batch).layer(axum::extract::DefaultBodyLimit::max(screening::BATCH_LIMIT)))
        .routes(routes!(messages::send).layer(axum::extract::DefaultBodyLimit::max(messages::SEND_LIMIT)))
        .routes(routes!(messages::inbox))
        .routes(routes!(messages::outbox))
        .routes(routes!(messages::get_one))
        .routes(routes!(messages::thread))
        .routes(routes!(messages::stix))
        .routes(routes!(messages::reply).layer(axum::extract::DefaultBodyLimit::max(messages::SEND_LIMIT)))
        .routes(routes!(messages::acknowledge))
        .routes(routes!(messages::forward))
        .routes(routes!(messages::attachment))
        .routes(routes!(messages::forward_requests))
        .routes(routes!(messages::decide_forward))
        .routes(routes!(messages::notifications))
        .routes(routes!(webhooks::get_mine, webhooks::set_mine, webhooks::delete_mine))
        .routes(routes!(designations::propose, designations::list))
        .routes(routes!(designations::get_one))
        .routes(routes!(designations::review))
        .routes(routes!(designations::vote))
        .routes(routes!(designations::resubmit))
        .routes(routes!(designations::withdraw))
        .routes(routes!(designations::common_list))
        .routes(routes!(designations::set_national))
        .routes(routes!(designations::national_list))
        .routes(routes!(designations::differences))
        .routes(routes!(consultations::propose, consultations::list))
        .routes(routes!(consultations::get_one))
        .routes(routes!(consultations::second))
        .routes(routes!(consultations::agenda))
        .routes(routes!(consultations::draft))
        .routes(routes!(consultations::answer))
        .routes(routes!(precursors::substances))
        .routes(routes!(precursors::requirements, precursors::declare))
        .routes(routes!(precursors::notify, precursors::list))
        .routes(routes!(precursors::import).layer(axum::extract::DefaultBodyLimit::max(precursors::IMPORT_LIMIT)))
        .routes(routes!(precursors::answers).layer(axum::extract::DefaultBodyLimit::max(precursors::IMPORT_LIMIT)))
        .routes(routes!(precursors::get_one))
        .routes(routes!(precursors::step))
        .routes(routes!(precursors::report, precursors::incidents))
        .routes(routes!(precursors::incident))
        .routes(routes!(precursors::flows))
        .routes(routes!(deliveries::propose, deliveries::list))
        .routes(routes!(deliveries::get_one))
        .routes(routes!(deliveries::step))
        .routes(routes!(legal::draft, legal::list))
        .routes(routes!(legal::statistics))
        .routes(routes!(legal::get_one, legal::revise))
        .routes(routes!(legal::step))
        .routes(routes!(legal::consent))
        .routes(routes!(operations::plan, operations::list))
        .routes(routes!(operations::statistics))
        .routes(routes!(operations::get_one))
        .routes(routes!(operations::step))
        .routes(routes!(operations::report))
        .routes(routes!(links::link))
        .routes(routes!(links::of))
        .routes(routes!(meetings::schedule, meetings::list))
        .routes(routes!(meetings::get_one))
        .routes(routes!(meetings::decide))
        .routes(routes!(meetings::complete))
        .routes(routes!(exercises::plan, exercises::list))
        .routes(routes!(exercises::get_one))
        .routes(routes!(exercises::confirm))
        .routes(routes!(exercises::report))
        .routes(routes!(programmes::adopt, programmes::list))
        .routes(routes!(programmes::get_one))
        .routes(routes!(programmes::progress))
        .routes(routes!(statistics::report, statistics::figures))
        .routes(routes!(statistics::table))
        .routes(routes!(statistics::transparency))
        .routes(routes!(audit::entries))
        .routes(routes!(audit::verify))
        .routes(routes!(health))
        .routes(routes!(ready))
}

/// The OpenAPI document, the landing page and the JSON 404.
pub fn meta(doc: Arc<utoipa::openapi::OpenApi>) -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(move || async move { Json(doc.as_ref().clone()) }))
        .route("/", get(landing))
        .fallback(|| async { ApiError::new(Code::NotFound, "no such endpoint").into_response() })
}

/// The process is up.
#[utoipa::path(get, path = "/health", tag = "meta", responses((status = 200, body = HealthView)))]
async fn health() -> Json<HealthView> {
    Json(HealthView { status: "ok" })
}

/// The database answers.
#[utoipa::path(get, path = "/ready", tag = "meta", responses((status = 200, body = HealthView), (status = 500, body = crate::error::ErrorBody)))]
async fn ready(State(s): State<AppState>) -> Result<Json<HealthView>, ApiError> {
    s.store.ping().await?;
    Ok(Json(HealthView { status: "ready" }))
}

/// The web console is the front door; the API describes itself at
/// `/openapi.json`.
async fn landing() -> axum::response::Redirect {
    axum::response::Redirect::to("/console")
}
