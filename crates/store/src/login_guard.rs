//! Failed logins in a row per user name, the wait they impose and the
//! lock-out. The login use case decides what a count means
//! (`concord_domain::login_policy`); this keeps the count.

use crate::{Actor, Result, Store};
use sqlx::Row;

/// Where a user name stands after failed logins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginGuard {
    /// Failed logins in a row.
    pub failures: i64,
    /// Unix seconds before which no attempt is tried.
    pub wait_until: i64,
    /// Locked until an administrator unlocks it.
    pub locked: bool,
}

impl Store {
    /// The guard on `username`, if it failed lately.
    pub async fn login_guard(&self, username: &str) -> Result<Option<LoginGuard>> {
        let row = sqlx::query("SELECT failures, wait_until, locked FROM login_guard WHERE username = $1")
            .bind(username)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            Ok(LoginGuard {
                failures: r.try_get("failures")?,
                wait_until: r.try_get("wait_until")?,
                locked: r.try_get::<i64, _>("locked")? != 0,
            })
        })
        .transpose()
    }

    /// Counts one more failure of `username` in one transaction and sets the
    /// wait and lock that `policy` gives for the new count
    /// (`failures -> (wait seconds, locked)`). A lock-out is audited.
    pub async fn login_failed(&self, username: &str, policy: impl Fn(i64) -> (i64, bool)) -> Result<LoginGuard> {
        let mut w = self.write().await?;
        let now = self.clock().now().unix_timestamp();
        let row = sqlx::query(
            "INSERT INTO login_guard (username, failures, wait_until, locked, updated_at) VALUES ($1, 1, 0, 0, $2) \
             ON CONFLICT (username) DO UPDATE SET failures = login_guard.failures + 1, updated_at = $2 \
             RETURNING failures, locked",
        )
        .bind(username)
        .bind(self.now_text())
        .fetch_one(&mut *w.tx)
        .await?;
        let failures: i64 = row.try_get("failures")?;
        let was_locked = row.try_get::<i64, _>("locked")? != 0;
        let (wait, locked) = policy(failures);
        let locked = locked || was_locked;
        sqlx::query("UPDATE login_guard SET wait_until = $1, locked = $2 WHERE username = $3")
            .bind(now + wait)
            .bind(i64::from(locked))
            .bind(username)
            .execute(&mut *w.tx)
            .await?;
        if locked && !was_locked {
            self.append_in(
                &mut w.tx,
                self.draft(
                    &Actor::system("login"),
                    "auth.lockout",
                    format!("{username} after {failures} failed logins"),
                ),
            )
            .await?;
        }
        w.tx.commit().await?;
        Ok(LoginGuard {
            failures,
            wait_until: now + wait,
            locked,
        })
    }

    /// A successful login clears the count.
    pub async fn login_succeeded(&self, username: &str) -> Result<()> {
        let mut w = self.write().await?;
        sqlx::query("DELETE FROM login_guard WHERE username = $1")
            .bind(username)
            .execute(&mut *w.tx)
            .await?;
        w.tx.commit().await?;
        Ok(())
    }

    /// An administrator lifts a lock-out (the use case checked who asks).
    pub async fn unlock_login(&self, username: &str, actor: &Actor) -> Result<()> {
        let mut w = self.write().await?;
        sqlx::query("DELETE FROM login_guard WHERE username = $1")
            .bind(username)
            .execute(&mut *w.tx)
            .await?;
        self.append_in(&mut w.tx, self.draft(actor, "user.unlock", username))
            .await?;
        w.tx.commit().await?;
        Ok(())
    }

    /// The user names locked out now.
    pub async fn locked_usernames(&self) -> Result<std::collections::BTreeSet<String>> {
        sqlx::query("SELECT username FROM login_guard WHERE locked = 1")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok(r.try_get("username")?))
            .collect()
    }
}
