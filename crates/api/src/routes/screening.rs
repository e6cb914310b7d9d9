//! Screening: one subject, or a batch streamed back line by line. Only the
//! records the caller may read are searched, and each screening is audited
//! with the purpose the caller states.

use super::records::record_view;
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::views::RecordView;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::Response;
use concord_app::screening::Found;
use concord_exchange::subjects::{prepare, read_batch_line};
use concord_matcher::{Prepared, SearchOptions};
use serde::Serialize;
use serde_json::{Value, json};
use std::sync::Arc;
use utoipa::ToSchema;

/// Largest batch accepted, in bytes.
pub const BATCH_LIMIT: usize = 16 * 1024 * 1024;

/// One result: the record as the caller may see it, the score, and why.
#[derive(Serialize, ToSchema)]
pub struct ScreeningHit {
    pub record: RecordView,
    /// In [0, 1].
    pub score: f64,
    /// Which query name met which record name, part by part and how; what
    /// counted for or against (birth date, nationality, gender, document).
    #[schema(value_type = Object)]
    pub explanation: Value,
}

/// The results of screening one subject.
#[derive(Serialize, ToSchema)]
pub struct ScreeningResult {
    /// Nothing is said about the index searched: its size and age change
    /// when records the caller may not read are written.
    pub results: Vec<ScreeningHit>,
}

/// A subject to screen, with optional `limit` (default 10, at most 100) and
/// `threshold` (default 0.9, `concord_matcher::DEFAULT_THRESHOLD`).
// The OpenAPI shape of the body; the handler reads it as JSON to name a bad
// field precisely, in the same code the batch uses.
#[allow(dead_code)]
#[derive(ToSchema)]
#[schema(example = json!({"name": "Anton Tschechow", "birth_date": "1860", "nationality": "RU"}))]
pub struct ScreeningRequest {
    pub name: Option<String>,
    pub names: Option<Vec<String>>,
    /// YYYY, YYYY-MM or YYYY-MM-DD.
    pub birth_date: Option<String>,
    pub nationality: Option<String>,
    pub gender: Option<String>,
    pub identifiers: Option<Vec<String>>,
    /// person or organization.
    pub kind: Option<String>,
    pub limit: Option<usize>,
    pub threshold: Option<f64>,
}

fn purpose(caller: &Caller) -> Result<String, ApiError> {
    if caller.purpose == "not stated" {
        return Err(ApiError::field(
            "X-Concord-Purpose",
            "screening needs a stated purpose: send it in the X-Concord-Purpose header",
        ));
    }
    Ok(caller.purpose.clone())
}

/// Searches and returns the hits the caller may read, checked fresh.
pub(crate) async fn find(
    s: &AppState,
    caller: &Caller,
    prepared: &Prepared,
    opts: &SearchOptions,
) -> Result<Found, ApiError> {
    Ok(concord_app::screening::find(&s.screening, &s.store, &caller.ctx(), prepared, opts).await?)
}

async fn run(
    s: &AppState,
    caller: &Caller,
    prepared: &Prepared,
    opts: &SearchOptions,
) -> Result<ScreeningResult, ApiError> {
    let found = find(s, caller, prepared, opts).await?;
    Ok(ScreeningResult {
        results: found
            .hits
            .iter()
            .map(|(r, score, explanation)| ScreeningHit {
                record: record_view(r),
                score: *score,
                explanation: serde_json::to_value(explanation).unwrap_or(Value::Null),
            })
            .collect(),
    })
}

/// Screens one person or organization against the records the caller may
/// read. Needs the `X-Concord-Purpose` header; audited.
#[utoipa::path(post, path = "/api/v1/screen", tag = "screening", request_body = ScreeningRequest,
    responses((status = 200, body = ScreeningResult), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn screen(
    State(s): State<AppState>,
    caller: Caller,
    crate::json::Json(body): crate::json::Json<Value>,
) -> Result<axum::Json<ScreeningResult>, ApiError> {
    purpose(&caller)?;
    let (_, prepared, opts) = prepare(&body).map_err(|(f, m)| match f {
        Some(f) => ApiError::field(f, m),
        None => ApiError::new(crate::error::Code::InvalidField, m),
    })?;
    Ok(axum::Json(run(&s, &caller, &prepared, &opts).await?))
}

/// Screens a batch: JSON lines, one subject per line (as for one subject,
/// plus your own `id`). The answer streams back as JSON lines in input
/// order: `{"line", "id", "results"}` or `{"line", "error"}` for a line that
/// cannot be read; the other lines are screened all the same.
#[utoipa::path(post, path = "/api/v1/screen/batch", tag = "screening",
    request_body(content = String, content_type = "application/x-ndjson"),
    responses((status = 200, content_type = "application/x-ndjson", body = String), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn batch(State(s): State<AppState>, caller: Caller, body: Bytes) -> Result<Response, ApiError> {
    purpose(&caller)?;
    // Build (or refresh) before streaming, so that errors are a status code.
    s.screening.get(&s.store).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(64);
    let caller = Arc::new(caller);
    tokio::spawn(async move {
        for (i, raw) in body.split(|b| *b == b'\n').enumerate() {
            let line = i + 1;
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let out = match read_batch_line(raw) {
                Err(m) => json!({"line": line, "error": m}),
                Ok((id, prepared, opts)) => match run(&s, &caller, &prepared, &opts).await {
                    Ok(r) => json!({"line": line, "id": id, "results": r.results}),
                    Err(e) => json!({"line": line, "error": e.message}),
                },
            };
            let mut bytes = out.to_string().into_bytes();
            bytes.push(b'\n');
            if tx.send(Ok(Bytes::from(bytes))).await.is_err() {
                break; // the client went away
            }
        }
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx);
    Response::builder()
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .body(Body::from_stream(stream))
        .map_err(|e| ApiError::new(crate::error::Code::Internal, e.to_string()))
}
