//! Passwords (argon2id) and session tokens: what the API's login, the
//! console's login form and `concord user add` share.

use crate::Refusal;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

/// Minimum password length, in characters.
pub const MIN_PASSWORD: usize = 12;
/// Maximum password length, in bytes: argon2 takes any, a request should not.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// An argon2id PHC string for `password`.
pub fn hash_password(password: &str) -> Result<String, Refusal> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|e| Refusal::Internal(format!("no randomness: {e}")))?;
    let salt = SaltString::encode_b64(&bytes).map_err(|e| Refusal::Internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Refusal::Internal(format!("hashing failed: {e}")))
}

/// Whether `password` matches the PHC string `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Checks a new password against the policy; `field` names it in the refusal.
pub fn check_password(field: &str, password: &str) -> Result<(), Refusal> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(Refusal::invalid(
            field,
            format!("must be at least {MIN_PASSWORD} characters"),
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(Refusal::invalid(
            field,
            format!("must be at most {MAX_PASSWORD_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// A fresh session token (hex, 256 bits) and the hash the store keeps.
pub fn new_token() -> Result<(String, String), Refusal> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| Refusal::Internal(format!("no randomness: {e}")))?;
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    Ok((token, hash))
}

/// What the store keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The CSRF token of a session: derived from the session's token hash, so
/// only a page served to that session knows it. The console puts it in its
/// forms; an API write authenticated by the session cookie sends it in the
/// `X-CSRF-Token` header.
pub fn csrf_for(token_hash: &str) -> String {
    hex::encode(Sha256::digest(format!("concord-console-csrf\0{token_hash}").as_bytes()))
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("correct horse battery", "not a PHC string"));
    }

    #[test]
    fn the_policy_names_the_field() {
        let short = check_password("new_password", "short").expect_err("too short");
        assert!(
            matches!(&short, Refusal::Invalid { field, .. } if field == "new_password"),
            "{short:?}"
        );
        assert!(check_password("p", &"x".repeat(MAX_PASSWORD_BYTES + 1)).is_err());
        assert!(check_password("p", "twelve chars").is_ok());
    }

    #[test]
    fn tokens_are_fresh_and_hashed() {
        let (a, ha) = new_token().expect("token");
        let (b, _) = new_token().expect("token");
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a), ha);
        assert!(same_secret(ha.as_bytes(), token_hash(&a).as_bytes()));
        assert!(!same_secret(ha.as_bytes(), token_hash(&b).as_bytes()));
    }
}
