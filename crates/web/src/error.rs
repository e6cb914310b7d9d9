//! API errors: one table from error code to HTTP status, one JSON shape
//! `{code, type, message, field, link}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concord_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// Every error code the API returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    MalformedJson,
    InvalidField,
    UnsupportedMediaType,
    PayloadTooLarge,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    TooManyRequests,
    Internal,
}

impl Code {
    /// `(status, code, type)`: the table.
    fn entry(self) -> (StatusCode, &'static str, &'static str) {
        use Code::*;
        match self {
            MalformedJson => (StatusCode::BAD_REQUEST, "malformed_json", "invalid_request"),
            InvalidField => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", "invalid_request"),
            UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "invalid_request",
            ),
            PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "invalid_request"),
            Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated", "auth"),
            Forbidden => (StatusCode::FORBIDDEN, "forbidden", "auth"),
            NotFound => (StatusCode::NOT_FOUND, "not_found", "invalid_request"),
            Conflict => (StatusCode::CONFLICT, "conflict", "invalid_request"),
            TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests", "auth"),
            Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal"),
        }
    }
}

/// An error as the API returns it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// Which entry of the table.
    pub code: Code,
    /// What went wrong, for a person.
    pub message: String,
    /// The request field at fault, as a path (`handling.classification`).
    pub field: Option<String>,
    /// Seconds to wait before trying again (`Retry-After`).
    pub retry_after: Option<i64>,
}

/// The JSON body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code.
    pub code: &'static str,
    /// `invalid_request`, `auth` or `internal`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// What went wrong.
    pub message: String,
    /// The field at fault, if one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Where the code is documented.
    pub link: String,
}

impl ApiError {
    /// An error with no field.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }
    /// A field that breaks a rule.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let message = message.into();
        ApiError {
            code: Code::InvalidField,
            message: format!("{field}: {message}"),
            field: Some(field),
            retry_after: None,
        }
    }
    /// Not logged in, or the session ended.
    pub fn unauthenticated() -> Self {
        ApiError::new(
            Code::Unauthenticated,
            "log in first: send a bearer token or the session cookie",
        )
    }
    /// A role is missing.
    pub fn forbidden(message: impl Into<String>) -> Self {
        ApiError::new(Code::Forbidden, message)
    }
    /// What a client may read of this error. What failed inside stays in the
    /// log, under a reference the caller can quote: database text, paths and
    /// secrets never reach a client (JSON API and TAXII alike).
    pub fn public_message(&self) -> String {
        if self.status().is_server_error() {
            let reference = incident_reference();
            tracing::error!(error = %self.message, reference = %reference, "request failed");
            format!("the server failed and logged it under reference {reference}; nothing you sent was kept")
        } else {
            self.message.clone()
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.code.entry().0
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, kind) = self.code.entry();
        let message = self.public_message();
        let body = ErrorBody {
            code,
            kind,
            message,
            field: self.field,
            link: format!("/docs/errors#{code}"),
        };
        let reason = crate::refusals::RefusalReason(body.message.clone());
        let mut res = (status, Json(body)).into_response();
        res.extensions_mut().insert(reason);
        if let Some(wait) = self.retry_after
            && let Ok(v) = wait.max(1).to_string().parse()
        {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
        res
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::new(Code::NotFound, format!("{what} not found")),
            StoreError::Invalid { field, message } => ApiError::field(field, message),
            StoreError::Conflict(m) => ApiError::new(Code::Conflict, m),
            StoreError::Forbidden(m) => ApiError::new(Code::Forbidden, m),
            other => ApiError::new(Code::Internal, other.to_string()),
        }
    }
}

impl From<concord_app::Refusal> for ApiError {
    fn from(e: concord_app::Refusal) -> Self {
        use concord_app::Refusal;
        match e {
            Refusal::NotFound(what) => ApiError::new(Code::NotFound, format!("{what} not found")),
            Refusal::Invalid { field, message } => ApiError::field(field, message),
            Refusal::Conflict(m) => ApiError::new(Code::Conflict, m),
            Refusal::Forbidden(m) => ApiError::new(Code::Forbidden, m),
            Refusal::Unauthenticated => ApiError::unauthenticated(),
            Refusal::Throttled { retry_after, message } => ApiError {
                retry_after,
                ..ApiError::new(Code::TooManyRequests, message)
            },
            Refusal::Internal(m) => ApiError::new(Code::Internal, m),
        }
    }
}

/// A short random reference for a logged failure.
fn incident_reference() -> String {
    let mut bytes = [0u8; 6];
    match getrandom::getrandom(&mut bytes) {
        Ok(()) => hex::encode(bytes),
        Err(_) => "unavailable".into(),
    }
}
