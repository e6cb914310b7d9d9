use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::json::Query;
use crate::views::{AuditEntryView, AuditPageView, AuditVerifyView};
use axum::Json;
use axum::extract::State;
use concord_domain::{AuthorityId, Role};
use concord_store::StoreError;
use serde::Deserialize;
use utoipa::IntoParams;

/// Whether a data-protection officer reads an entry written by `authority`:
/// the one rule, `concord_domain::administration::oversees`, for the API,
/// the record trail and the console log.
pub(crate) fn entry_visible(
    registry: &concord_domain::Registry,
    viewer: &concord_domain::Viewer,
    authority: &str,
) -> bool {
    concord_domain::administration::oversees(registry, viewer, &AuthorityId::from(authority))
}

#[derive(Debug, Deserialize, IntoParams)]
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
    caller.require(&[Role::DataProtectionOfficer], "reading the audit log")?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::field("limit", "must be between 1 and 1000"));
    }
    let page = s.store.audit_entries(q.after.unwrap_or(0).max(0), limit).await?;
    let snap = s.store.snapshot();
    let visible = |authority: &str| entry_visible(&snap.registry, &caller.viewer, authority);
    let entries = page
        .entries
        .into_iter()
        .filter(|e| visible(&e.draft.authority))
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
    let range = match (entries.first(), entries.last()) {
        (Some(a), Some(b)) => format!("entries {}..={}", a.seq, b.seq),
        _ => "no entries".to_owned(),
    };
    s.store.audit(&caller.actor(), "audit.read", range).await?;
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
    caller.require(
        &[Role::DataProtectionOfficer, Role::Administrator],
        "verifying the audit log",
    )?;
    let Some(key) = &s.node_public_key else {
        return Err(ApiError::new(
            crate::error::Code::Conflict,
            "this node has no audit key configured",
        ));
    };
    let view = match s.store.verify_audit(key).await {
        Ok(v) => AuditVerifyView {
            ok: true,
            entries: Some(v.entries),
            checkpoint: v.checkpoint,
            problem: None,
        },
        Err(StoreError::Tampered(t)) => AuditVerifyView {
            ok: false,
            entries: None,
            checkpoint: None,
            problem: Some(t.to_string()),
        },
        Err(e) => return Err(e.into()),
    };
    s.store
        .audit(&caller.actor(), "audit.verify", if view.ok { "ok" } else { "tampered" })
        .await?;
    Ok(Json(view))
}
