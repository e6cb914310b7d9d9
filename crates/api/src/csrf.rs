//! Cross-site request forgery on the API. A browser sends the session cookie
//! with any request to the site, including a form or a `text/plain` fetch
//! posted from another origin on it; such a request must not write. A write
//! authenticated by the cookie alone carries the session's CSRF token in
//! `X-CSRF-Token` (the one the console puts in its forms); API clients send
//! a bearer token, which no browser adds by itself.

use crate::ApiError;
use crate::auth::{COOKIE_NAME, request_token};
use axum::extract::Request;
use axum::http::Method;
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use concord_app::passwords::{csrf_for, same_secret, token_hash};

/// The header that carries the CSRF token.
pub const HEADER: &str = "x-csrf-token";

/// Refuses a cookie-authenticated write without the session's CSRF token.
pub async fn guard(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let bearer = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));
    if safe || bearer {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    if let Some(token) = request_token(&parts) {
        let expected = csrf_for(&token_hash(&token));
        let sent = parts.headers.get(HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !same_secret(sent.as_bytes(), expected.as_bytes()) {
            return ApiError::forbidden(format!(
                "X-CSRF-Token: a write authenticated by the {COOKIE_NAME} cookie needs the session's CSRF token \
                 in the X-CSRF-Token header; API clients send a bearer token instead"
            ))
            .into_response();
        }
    }
    next.run(Request::from_parts(parts, body)).await
}
