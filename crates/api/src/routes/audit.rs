use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::json::Query;
use crate::views::{AuditEntryView, AuditPageView, AuditVerifyView};
use axum::Json;
use axum::extract::State;
use concord_app::audit::{self as app_audit, Verification};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Entries after this sequence number (default 0).
    after: Option<i64>,
    /// At most this many (1 to 1000, default 100).
    limit: Option<i64>,
}

/// Audit entries, for data-protection officers: a state's officer sees the
/// entries of its own state's authorities, the structure's sees all.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = AuditPageView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn entries(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditPageView>, ApiError> {
    let page = app_audit::entries(&s.store, &caller, q.after.unwrap_or(0), q.limit.unwrap_or(100)).await?;
    let entries = page
        .entries
        .into_iter()
        .map(|e| AuditEntryView {
            seq: e.seq,
            at: e.draft.at,
            actor: e.draft.actor,
            authority: e.draft.authority,
            action: e.draft.action,
            target: e.draft.target,
            purpose: e.draft.purpose,
            hash: hex::encode(e.hash),
        })
        .collect::<Vec<_>>();
    Ok(Json(AuditPageView {
        entries,
        next_after: page.next_after,
    }))
}

/// Verifies the whole chain against the latest signed checkpoint.
#[utoipa::path(post, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, body = AuditVerifyView), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn verify(State(s): State<AppState>, caller: Caller) -> Result<Json<AuditVerifyView>, ApiError> {
    let found = app_audit::verify(&s.store, &caller, s.node_public_key.as_ref()).await?;
    Ok(Json(verify_view(found)))
}

/// The verification as the API shows it.
fn verify_view(found: Verification) -> AuditVerifyView {
    match found {
        Verification::Intact { entries, checkpoint } => AuditVerifyView {
            ok: true,
            entries: Some(entries),
            checkpoint,
            problem: None,
        },
        Verification::Tampered(problem) => AuditVerifyView {
            ok: false,
            entries: None,
            checkpoint: None,
            problem: Some(problem),
        },
    }
}
