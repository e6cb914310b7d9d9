use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::json::{Json, Query};
use crate::routes::records::field;
use crate::views::{SubjectRequestDecision, SubjectRequestNew, SubjectRequestView};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use concord_store::{RequestKind, SubjectRequest};
use serde::Deserialize;
use utoipa::IntoParams;

fn view(r: &SubjectRequest, today: time::Date) -> SubjectRequestView {
    SubjectRequestView {
        id: r.id.clone(),
        record_id: r.record_id.clone(),
        kind: r.kind.to_string(),
        requester: r.requester.clone(),
        details: r.details.clone(),
        registered_authority: r.registered_authority.clone(),
        originator: r.originator.clone(),
        received_at: r.received_at.to_string(),
        deadline: r.deadline.to_string(),
        status: r.status.to_string(),
        overdue: r.overdue(today),
        decision: r.decision.clone(),
        reply: r.reply.clone(),
        decided_at: r.decided_at.clone(),
    }
}

/// Registers a data subject's request for access, correction or deletion;
/// it goes to the record's originating authority with a deadline.
#[utoipa::path(post, path = "/api/v1/requests", tag = "data subjects", request_body = SubjectRequestNew,
    responses((status = 201, body = SubjectRequestView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn register(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<SubjectRequestNew>,
) -> Result<(StatusCode, axum::Json<SubjectRequestView>), ApiError> {
    let kind: RequestKind = field("kind", &req.kind)?;
    let r = concord_app::requests::register(
        &s.store,
        &caller.ctx(),
        &req.record_id,
        kind,
        &req.requester,
        &req.details,
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(view(&r, s.store.clock().today()))))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RequestQuery {
    /// Only open requests past their deadline.
    overdue: Option<bool>,
}

/// Requests the caller's authority must answer or registered.
#[utoipa::path(get, path = "/api/v1/requests", tag = "data subjects", params(RequestQuery),
    responses((status = 200, body = [SubjectRequestView])), security(("bearer" = []), ("cookie" = [])))]
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<RequestQuery>,
) -> Result<axum::Json<Vec<SubjectRequestView>>, ApiError> {
    let today = s.store.clock().today();
    let rs = s.store.requests(&caller.ctx(), q.overdue.unwrap_or(false)).await?;
    Ok(axum::Json(rs.iter().map(|r| view(r, today)).collect()))
}

/// The originating authority's data-protection officer decides and replies.
#[utoipa::path(post, path = "/api/v1/requests/{id}/decision", tag = "data subjects", request_body = SubjectRequestDecision,
    params(("id" = String, Path, description = "request id")),
    responses((status = 200, body = SubjectRequestView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn decide(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<SubjectRequestDecision>,
) -> Result<axum::Json<SubjectRequestView>, ApiError> {
    let r = concord_app::requests::decide(&s.store, &caller.ctx(), &id, req.grant, &req.decision, &req.reply).await?;
    Ok(axum::Json(view(&r, s.store.clock().today())))
}
