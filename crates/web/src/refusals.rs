//! Refused requests go into the audit log: a write that an authenticated
//! caller was refused (any 4xx but 401 and 429), and any request refused as
//! "not found" or "forbidden" — a hidden id tried in a nested route, a
//! forged attribution, a replayed consent, a role and a clearance changed
//! together. The API and the console share the one middleware, so a route
//! added tomorrow is covered without anyone remembering to.
//!
//! The caller extractor leaves the caller's actor in a slot this middleware
//! put in the request; the API's error response leaves its reason in the
//! response. The entry names the method, the path (never the query, which
//! may carry what was searched for), the status and the reason.

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use concord_store::Actor;
use std::sync::{Arc, Mutex};

/// Where the caller extractor leaves who asked.
#[derive(Clone, Default)]
pub struct CallerSlot(Arc<Mutex<Option<Actor>>>);

impl CallerSlot {
    /// Remembers the request's caller.
    pub fn fill(&self, actor: Actor) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(actor);
        }
    }
    fn take(&self) -> Option<Actor> {
        self.0.lock().ok().and_then(|mut s| s.take())
    }
}

/// Why a request was refused, as its response body told the caller.
#[derive(Clone, Debug)]
pub struct RefusalReason(pub String);

/// The action of a refused request's audit entry.
pub const ACTION: &str = "request.refused";

/// Longest reason kept in an entry.
const REASON_LIMIT: usize = 300;

/// Whether a response to `method` with `status` is audited as a refusal.
pub fn audited(method: &Method, status: StatusCode) -> bool {
    if !status.is_client_error() || matches!(status, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS) {
        return false;
    }
    let write = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    write || matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN)
}

/// The middleware: runs the request, and audits it if it was refused.
pub async fn audit_refusals(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let slot = CallerSlot::default();
    req.extensions_mut().insert(slot.clone());
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let res = next.run(req).await;
    let status = res.status();
    if !audited(&method, status) {
        return res;
    }
    let Some(actor) = slot.take() else {
        return res; // nobody authenticated: nothing to attribute it to
    };
    let reason = res
        .extensions()
        .get::<RefusalReason>()
        .map(|r| r.0.chars().take(REASON_LIMIT).collect::<String>())
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("refused").to_lowercase());
    let path: String = path.chars().take(REASON_LIMIT).collect();
    let target = format!("{method} {path} {}: {reason}", status.as_u16());
    if let Err(e) = state.store.audit(&actor, ACTION, target).await {
        // The caller was refused either way; the failure to record it is
        // the operator's to see.
        tracing::error!(error = %e, "a refused request could not be audited");
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_probes_are_audited_but_not_logins_or_throttling() {
        assert!(audited(&Method::POST, StatusCode::UNPROCESSABLE_ENTITY));
        assert!(audited(&Method::PATCH, StatusCode::CONFLICT));
        assert!(audited(&Method::DELETE, StatusCode::BAD_REQUEST));
        assert!(audited(&Method::GET, StatusCode::NOT_FOUND));
        assert!(audited(&Method::GET, StatusCode::FORBIDDEN));
        assert!(!audited(&Method::GET, StatusCode::UNPROCESSABLE_ENTITY));
        assert!(!audited(&Method::POST, StatusCode::UNAUTHORIZED));
        assert!(!audited(&Method::POST, StatusCode::TOO_MANY_REQUESTS));
        assert!(!audited(&Method::POST, StatusCode::OK));
        assert!(!audited(&Method::POST, StatusCode::INTERNAL_SERVER_ERROR));
    }
}
