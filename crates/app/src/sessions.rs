//! Logging in and out: the use cases behind the API's `/auth/login`, the
//! console's login form and their logouts. The edges turn the token into a
//! bearer answer or a cookie.

use crate::passwords::{new_token, verify_password};
use crate::{Caller, Refusal, Result};
use concord_domain::{StateCode, User};
use concord_store::{Actor, Store};

/// A hash that no password matches, verified for an unknown user so that
/// its answer takes as long as a wrong password's.
const NO_USER_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0000000000000000000000000000000000000000000";

/// A session just opened.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The bearer token; only its hash is stored.
    pub token: String,
    /// When the session ends (Unix seconds).
    pub expires_at: i64,
    /// Who logged in.
    pub user: User,
    /// Their authority's state, if it has one.
    pub state: Option<StateCode>,
    /// How long the session lasts, in seconds.
    pub ttl_seconds: i64,
}

/// Opens a session of `ttl_seconds` for `username` with `password`. An
/// unknown user, a wrong password and a disabled account get the same
/// refusal, and each failure is audited.
pub async fn login(store: &Store, username: &str, password: &str, ttl_seconds: i64) -> Result<Opened> {
    let found = store.user_for_login(username).await?;
    let user = match found {
        Some((user, hash)) => (verify_password(password, &hash) && !user.disabled).then_some(user),
        None => {
            verify_password(password, NO_USER_HASH);
            None
        }
    };
    let Some(user) = user else {
        let name: String = username.chars().take(64).collect();
        store.audit(&Actor::system("login"), "auth.login.failed", name).await?;
        return Err(Refusal::Unauthenticated);
    };
    let (token, hash) = new_token()?;
    let session = store.create_session(&user.id, &hash, "login", ttl_seconds).await?;
    let viewer = store.viewer(&user)?;
    let actor = Actor {
        id: user.id.to_string(),
        authority: user.authority.to_string(),
        purpose: "login".into(),
    };
    store.audit(&actor, "auth.login", user.username.clone()).await?;
    Ok(Opened {
        token,
        expires_at: session.expires_at,
        user,
        state: viewer.state,
        ttl_seconds,
    })
}

/// Ends the caller's session.
pub async fn logout(store: &Store, caller: &Caller) -> Result<()> {
    store.delete_session(&caller.token_hash).await?;
    store
        .audit(&caller.actor(), "auth.logout", caller.user.username.clone())
        .await?;
    Ok(())
}
