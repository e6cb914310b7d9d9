//! Logging in and out: the use cases behind the API's `/auth/login`, the
//! console's login form and their logouts. The edges turn the token into a
//! bearer answer or a cookie.

use crate::passwords::{new_token, verify_password};
use crate::{Caller, Refusal, Result};
use concord_domain::{StateCode, User, login_policy};
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
/// refusal, and each failure is audited. Failures in a row slow the name
/// down and then lock it (`concord_domain::login_policy`), whether or not
/// such a user exists: the answers tell neither apart.
pub async fn login(store: &Store, username: &str, password: &str, ttl_seconds: i64) -> Result<Opened> {
    let user = verify(store, username, password).await?;
    open(store, user, ttl_seconds).await
}

/// Checks `password` for `username` under the same throttling and lock-out
/// as a login, without opening a session (HTTP Basic on TAXII).
pub async fn verify(store: &Store, username: &str, password: &str) -> Result<User> {
    let name: String = username.chars().take(64).collect();
    let now = store.clock().now().unix_timestamp();
    let guard = store.login_guard(&name).await?;
    if let Some(g) = &guard {
        if g.locked {
            store.audit(&Actor::system("login"), "auth.login.locked", name).await?;
            return Err(Refusal::Throttled {
                retry_after: None,
                message:
                    "this account is locked after too many failed logins: an administrator of its state unlocks it"
                        .into(),
            });
        }
        if g.wait_until > now {
            let wait = g.wait_until - now;
            return Err(Refusal::Throttled {
                retry_after: Some(wait),
                message: format!("too many failed logins: try again in {wait} s"),
            });
        }
    }
    let found = store.user_for_login(username).await?;
    let user = match found {
        Some((user, hash)) => (verify_password(password, &hash) && !user.disabled).then_some(user),
        None => {
            verify_password(password, NO_USER_HASH);
            None
        }
    };
    let Some(user) = user else {
        store
            .login_failed(&name, |n| (login_policy::wait_after(n), login_policy::locks(n)))
            .await?;
        store.audit(&Actor::system("login"), "auth.login.failed", name).await?;
        return Err(Refusal::Unauthenticated);
    };
    if guard.is_some() {
        store.login_succeeded(&name).await?;
    }
    Ok(user)
}

async fn open(store: &Store, user: User, ttl_seconds: i64) -> Result<Opened> {
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

/// Login attempts per source address: a burst, then one every few seconds
/// (`governor`'s GCRA, in memory). The per-name count in storage slows one
/// account; this slows one address trying many names.
pub struct AddressThrottle {
    limiter: governor::DefaultKeyedRateLimiter<std::net::IpAddr>,
    clock: governor::clock::DefaultClock,
}

/// Attempts one address may make in a burst.
pub const ADDRESS_BURST: u32 = 20;
/// Seconds between further attempts from one address.
pub const ADDRESS_EVERY_SECONDS: u64 = 3;

impl Default for AddressThrottle {
    fn default() -> Self {
        let burst = std::num::NonZeroU32::new(ADDRESS_BURST).unwrap_or(std::num::NonZeroU32::MIN);
        let quota = governor::Quota::with_period(std::time::Duration::from_secs(ADDRESS_EVERY_SECONDS))
            .unwrap_or_else(|| governor::Quota::per_minute(std::num::NonZeroU32::MIN))
            .allow_burst(burst);
        AddressThrottle {
            limiter: governor::RateLimiter::keyed(quota),
            clock: governor::clock::DefaultClock::default(),
        }
    }
}

impl AddressThrottle {
    /// Takes one attempt from `address`, or refuses with the wait.
    pub fn check(&self, address: std::net::IpAddr) -> Result<()> {
        use governor::clock::Clock;
        self.limiter.check_key(&address).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now()).as_secs().max(1) as i64;
            Refusal::Throttled {
                retry_after: Some(wait),
                message: format!("too many logins from your address: try again in {wait} s"),
            }
        })
    }
}
