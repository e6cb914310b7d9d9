//! The authenticated caller of a request: its session token (bearer header
//! or cookie) read into a `concord_app::Caller`. Passwords and tokens are
//! `concord_app::passwords`.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use concord_app::Refusal;
use concord_app::passwords::token_hash;
use concord_app::sessions::{self, Opened};

/// The session cookie's name.
pub const COOKIE_NAME: &str = "concord_session";
/// The header that states why a read is made; recorded in the audit log.
pub const PURPOSE_HEADER: &str = "x-concord-purpose";

/// What a user whose password an administrator set may still call.
pub const PASSWORD_CHANGE_PATHS: &[&str] = &["/api/v1/me", "/api/v1/me/password", "/api/v1/auth/logout"];

/// The token a request carries: the bearer header first, then the cookie.
pub fn request_token(parts: &Parts) -> Option<String> {
    if let Some(auth) = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok())
        && let Some(t) = auth.strip_prefix("Bearer ")
    {
        return Some(t.trim().to_owned());
    }
    cookie(&parts.headers, COOKIE_NAME)
}

/// The value of cookie `name` in a request's `Cookie` headers (parsed by
/// the `cookie` crate; the API and the console both read cookies here).
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(::cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

pub use concord_app::Caller;

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let (user, hash) = match basic_credentials(parts) {
            Some((name, secret)) => basic_user(state, &name, &secret).await?,
            None => {
                let token = request_token(parts).ok_or_else(ApiError::unauthenticated)?;
                let hash = token_hash(&token);
                let (user, _) = state
                    .store
                    .session(&hash, state.settings.session_idle_seconds)
                    .await?
                    .ok_or_else(ApiError::unauthenticated)?;
                (user, hash)
            }
        };
        // A password an administrator set is changed before anything else
        // is answered. (The console sends such a user to its own form.)
        let path = parts.uri.path();
        if user.must_change_password
            && (path.starts_with("/api/") || path.starts_with("/taxii"))
            && !PASSWORD_CHANGE_PATHS.contains(&path)
        {
            return Err(ApiError::forbidden(
                "an administrator set your password: change it first (POST /api/v1/me/password)",
            ));
        }
        let viewer = state.store.viewer(&user)?;
        let purpose = parts
            .headers
            .get(PURPOSE_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(|p| p.chars().take(200).collect::<String>())
            .filter(|p| !p.trim().is_empty())
            .unwrap_or_else(|| "not stated".to_owned());
        let caller = Caller {
            user,
            viewer,
            token_hash: hash,
            purpose,
        };
        if let Some(slot) = parts.extensions.get::<crate::refusals::CallerSlot>() {
            slot.fill(caller.actor());
        }
        Ok(caller)
    }
}

/// HTTP Basic credentials, which TAXII 2.1 makes mandatory to implement;
/// taken on TAXII's routes only, where no browser session is at stake.
fn basic_credentials(parts: &Parts) -> Option<(String, String)> {
    use base64::Engine;
    if !parts.uri.path().starts_with("/taxii2") {
        return None;
    }
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (name, secret) = text.split_once(':')?;
    Some((name.to_owned(), secret.to_owned()))
}

/// The user behind Basic credentials: the secret is an API token of that
/// user's, or its password, checked under the login's throttling and
/// lock-out. A Basic caller's "session" is named by its user.
async fn basic_user(state: &AppState, name: &str, secret: &str) -> Result<(concord_domain::User, String), ApiError> {
    let hash = token_hash(secret);
    if let Some((user, _)) = state.store.session(&hash, state.settings.session_idle_seconds).await?
        && user.username == name
    {
        return Ok((user, hash));
    }
    let user = sessions::verify(&state.store, name, secret)
        .await
        .map_err(|e| match e {
            Refusal::Unauthenticated => ApiError::unauthenticated(),
            other => other.into(),
        })?;
    let named = token_hash(&format!("basic:{}", user.id));
    Ok((user, named))
}

/// The session cookie for a session just opened.
pub fn session_cookie(s: &AppState, opened: &Opened) -> String {
    let secure = if s.settings.secure_cookies { "; Secure" } else { "" };
    format!(
        "{COOKIE_NAME}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        opened.token, opened.ttl_seconds
    )
}

/// The address a request came from, when the server knows it (it serves
/// with connection info; a request built in-process has none).
pub struct ClientAddress(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// Opens a session through the use case; the API and the console's login
/// form both come here. Attempts are throttled per source address first.
pub async fn open_session(
    s: &AppState,
    address: Option<std::net::IpAddr>,
    username: &str,
    password: &str,
) -> Result<(Opened, String), ApiError> {
    if let Some(address) = address {
        s.logins.check(address)?;
    }
    let opened = sessions::login(&s.store, username, password, s.settings.session_ttl_seconds)
        .await
        .map_err(|e| match e {
            Refusal::Unauthenticated => {
                ApiError::new(crate::error::Code::Unauthenticated, "unknown user or wrong password")
            }
            other => other.into(),
        })?;
    let cookie = session_cookie(s, &opened);
    Ok((opened, cookie))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn cookies_are_found_across_headers_and_malformed_pairs() {
        let mut h = HeaderMap::new();
        h.append(COOKIE, HeaderValue::from_static("broken; concord_lang=ru"));
        h.append(
            COOKIE,
            HeaderValue::from_static("other=1;  concord_session=abc123 ; x=\"q\""),
        );
        assert_eq!(cookie(&h, COOKIE_NAME).as_deref(), Some("abc123"));
        assert_eq!(cookie(&h, "concord_lang").as_deref(), Some("ru"));
        assert_eq!(cookie(&h, "missing"), None);
    }
}
