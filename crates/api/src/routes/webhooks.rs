//! A state's webhook for notifications, kept by its administrators.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, Code, ErrorBody};
use crate::json::Json;
use crate::views::{WebhookNew, WebhookView};
use axum::extract::State;
use axum::http::StatusCode;
use concord_store::Webhook;

fn view(w: Webhook) -> WebhookView {
    WebhookView {
        owner: w.owner,
        url: w.url,
        delivered: w.delivered,
        attempts: w.attempts,
        next_attempt_at: w.next_attempt_at,
        last_error: w.last_error,
        updated_at: w.updated_at,
    }
}

/// The caller's state's webhook (administrators).
#[utoipa::path(get, path = "/api/v1/webhooks/mine", tag = "exchange",
    responses((status = 200, body = WebhookView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn get_mine(State(s): State<AppState>, caller: Caller) -> Result<axum::Json<WebhookView>, ApiError> {
    match concord_app::webhooks::get(&s.store, &caller.ctx()).await? {
        Some(w) => Ok(axum::Json(view(w))),
        None => Err(ApiError::new(Code::NotFound, "no webhook is set")),
    }
}

/// Sets the URL the caller's state's notifications are posted to; from now on
/// every notice for its authorities is delivered there, in order, signed.
#[utoipa::path(put, path = "/api/v1/webhooks/mine", tag = "exchange", request_body = WebhookNew,
    responses((status = 200, body = WebhookView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn set_mine(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<WebhookNew>,
) -> Result<axum::Json<WebhookView>, ApiError> {
    Ok(axum::Json(view(
        concord_app::webhooks::set(&s.store, &caller.ctx(), &req.url, &req.secret).await?,
    )))
}

/// Removes the caller's state's webhook.
#[utoipa::path(delete, path = "/api/v1/webhooks/mine", tag = "exchange",
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn delete_mine(State(s): State<AppState>, caller: Caller) -> Result<StatusCode, ApiError> {
    concord_app::webhooks::delete(&s.store, &caller.ctx()).await?;
    Ok(StatusCode::NO_CONTENT)
}
