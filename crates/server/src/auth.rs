//! Passwords (argon2id), session tokens, and the authenticated caller.

use crate::AppState;
use crate::error::ApiError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use concord_domain::{Role, User, Viewer};
use concord_store::{Actor, Ctx};
use sha2::{Digest, Sha256};

/// The session cookie's name.
pub const COOKIE_NAME: &str = "concord_session";
/// The header that states why a read is made; recorded in the audit log.
pub const PURPOSE_HEADER: &str = "x-concord-purpose";
/// Minimum password length.
pub const MIN_PASSWORD: usize = 12;

/// An argon2id PHC string for `password`.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| ApiError::new(crate::error::Code::Internal, format!("no randomness: {e}")))?;
    let salt = SaltString::encode_b64(&bytes)
        .map_err(|e| ApiError::new(crate::error::Code::Internal, format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::new(crate::error::Code::Internal, format!("hashing failed: {e}")))
}

/// Whether `password` matches the PHC string `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Checks a new password against the policy.
pub fn check_password(field: &str, password: &str) -> Result<(), ApiError> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(ApiError::field(
            field,
            format!("must be at least {MIN_PASSWORD} characters"),
        ));
    }
    if password.len() > 1024 {
        return Err(ApiError::field(field, "must be at most 1024 bytes"));
    }
    Ok(())
}

/// A fresh session token (hex, 256 bits) and the hash the store keeps.
pub fn new_token() -> Result<(String, String), ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| ApiError::new(crate::error::Code::Internal, format!("no randomness: {e}")))?;
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    Ok((token, hash))
}

/// What the store keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The token a request carries: the bearer header first, then the cookie.
pub fn request_token(parts: &Parts) -> Option<String> {
    if let Some(auth) = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok())
        && let Some(t) = auth.strip_prefix("Bearer ")
    {
        return Some(t.trim().to_owned());
    }
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (name, value) = c.trim().split_once('=')?;
            (name == COOKIE_NAME).then(|| value.to_owned())
        })
}

/// The logged-in caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user.
    pub user: User,
    /// As the access model sees them.
    pub viewer: Viewer,
    /// The hash of the session token used.
    pub token_hash: String,
    /// The purpose stated in the request, for the audit log.
    pub purpose: String,
}

impl Caller {
    /// The store context for this caller.
    pub fn ctx(&self) -> Ctx {
        Ctx {
            viewer: self.viewer.clone(),
            purpose: self.purpose.clone(),
        }
    }
    /// The audit actor for this caller.
    pub fn actor(&self) -> Actor {
        Actor::from(&self.ctx())
    }
    /// Refuses unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role], what: &str) -> Result<(), ApiError> {
        if self.viewer.roles.any(roles) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(ApiError::forbidden(format!(
                "{what} needs the role {}",
                names.join(" or ")
            )))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = request_token(parts).ok_or_else(ApiError::unauthenticated)?;
        let hash = token_hash(&token);
        let (user, _) = state
            .store
            .session(&hash)
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        let viewer = state.store.viewer(&user)?;
        let purpose = parts
            .headers
            .get(PURPOSE_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(|p| p.chars().take(200).collect::<String>())
            .filter(|p| !p.trim().is_empty())
            .unwrap_or_else(|| "not stated".to_owned());
        Ok(Caller {
            user,
            viewer,
            token_hash: hash,
            purpose,
        })
    }
}
