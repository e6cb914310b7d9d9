//! Users and sessions. Password hashing happens above this layer; the store
//! keeps the hash it is given.

use crate::registry::parse;
use crate::{Actor, Result, Store, StoreError, new_id};
use concord_domain::{AuthorityId, Classification, Roles, User, UserId, Viewer};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name: 3 to 64 of `a-z 0-9 . _ -`.
    pub username: String,
    /// Name shown in the console.
    pub display_name: String,
    /// The user's authority; must exist in the registry.
    pub authority: AuthorityId,
    /// At least one role.
    pub roles: Roles,
    /// Clearance.
    pub clearance: Classification,
    /// An argon2 PHC string.
    pub password_hash: String,
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub display_name: Option<String>,
    pub roles: Option<Roles>,
    pub clearance: Option<Classification>,
    pub disabled: Option<bool>,
    pub password_hash: Option<String>,
}

/// A login session.
#[derive(Debug, Clone)]
pub struct Session {
    /// `console` (cookie) or `api` (bearer token).
    pub kind: String,
    /// Unix seconds after which the session is void.
    pub expires_at: i64,
}

fn user(row: &AnyRow) -> Result<User> {
    Ok(User {
        id: UserId::new(row.try_get::<String, _>("id")?),
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        authority: AuthorityId::new(row.try_get::<String, _>("authority_id")?),
        roles: parse("users", &row.try_get::<String, _>("roles")?)?,
        clearance: Classification::from_rank(row.try_get("clearance")?)
            .ok_or_else(|| StoreError::corrupt("users", "clearance out of range"))?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
    })
}

impl Store {
    /// The access model's view of `user`.
    pub fn viewer(&self, user: &User) -> Result<Viewer> {
        let snap = self.snapshot();
        let authority = snap.registry.authority(&user.authority).ok_or_else(|| {
            StoreError::invalid("authority", format!("unknown authority {:?}", user.authority.as_str()))
        })?;
        Ok(Viewer {
            user: user.id.clone(),
            authority: user.authority.clone(),
            state: authority.state.clone(),
            roles: user.roles.clone(),
            clearance: user.clearance,
        })
    }

    /// Creates a user. The content is checked by `concord_app::users`; the
    /// store refuses only a name that is taken.
    pub async fn create_user(&self, new: NewUser, actor: &Actor) -> Result<User> {
        let id = new_id("usr");
        let mut w = self.write().await?;
        let exists = sqlx::query("SELECT 1 FROM users WHERE username = $1")
            .bind(&new.username)
            .fetch_optional(&mut *w.tx)
            .await?;
        if exists.is_some() {
            return Err(StoreError::Conflict(format!("username {:?} is taken", new.username)));
        }
        sqlx::query(
            "INSERT INTO users (id, username, display_name, authority_id, roles, clearance, password_hash, disabled, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8)",
        )
        .bind(&id)
        .bind(&new.username)
        .bind(&new.display_name)
        .bind(new.authority.as_str())
        .bind(new.roles.to_string())
        .bind(new.clearance.rank())
        .bind(&new.password_hash)
        .bind(self.now_text())
        .execute(&mut *w.tx)
        .await?;
        let target = format!("{} ({}, {}, {})", new.username, new.authority, new.roles, new.clearance);
        self.append_in(&mut w.tx, self.draft(actor, "user.create", target))
            .await?;
        w.tx.commit().await?;
        self.user(&UserId::new(id)).await
    }

    /// A user by id.
    pub async fn user(&self, id: &UserId) -> Result<User> {
        let row = sqlx::query("SELECT * FROM users WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref()
            .map(user)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("user {id}")))
    }

    /// A user and their password hash, by login name (for logging in).
    pub async fn user_for_login(&self, username: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query("SELECT * FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(row) => Ok(Some((user(&row)?, row.try_get("password_hash")?))),
            None => Ok(None),
        }
    }

    /// A user by login name.
    pub async fn user_by_name(&self, username: &str) -> Result<User> {
        self.user_for_login(username)
            .await?
            .map(|(u, _)| u)
            .ok_or_else(|| StoreError::NotFound(format!("user {username:?}")))
    }

    /// All users, by login name.
    pub async fn users(&self) -> Result<Vec<User>> {
        sqlx::query("SELECT * FROM users ORDER BY username")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(user)
            .collect()
    }

    /// Changes a user. Disabling, or changing roles, clearance or password,
    /// ends the user's sessions.
    pub async fn update_user(&self, id: &UserId, update: UserUpdate, actor: &Actor) -> Result<User> {
        let current = self.user(id).await?;
        let mut changed = Vec::new();
        let mut w = self.write().await?;
        let roles = update.roles.clone().unwrap_or(current.roles.clone());
        let clearance = update.clearance.unwrap_or(current.clearance);
        let disabled = update.disabled.unwrap_or(current.disabled);
        let display = update.display_name.clone().unwrap_or(current.display_name.clone());
        sqlx::query("UPDATE users SET display_name = $1, roles = $2, clearance = $3, disabled = $4 WHERE id = $5")
            .bind(&display)
            .bind(roles.to_string())
            .bind(clearance.rank())
            .bind(i64::from(disabled))
            .bind(id.as_str())
            .execute(&mut *w.tx)
            .await?;
        if let Some(hash) = &update.password_hash {
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(hash)
                .bind(id.as_str())
                .execute(&mut *w.tx)
                .await?;
            changed.push("password".to_owned());
        }
        if roles != current.roles {
            changed.push(format!("roles={roles}"));
        }
        if clearance != current.clearance {
            changed.push(format!("clearance={clearance}"));
        }
        if disabled != current.disabled {
            changed.push(format!("disabled={disabled}"));
        }
        if display != current.display_name {
            changed.push("display_name".to_owned());
        }
        if !changed.is_empty() && (changed.iter().any(|c| c != "display_name")) {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id.as_str())
                .execute(&mut *w.tx)
                .await?;
        }
        let target = format!("{}: {}", current.username, changed.join(", "));
        self.append_in(&mut w.tx, self.draft(actor, "user.update", target))
            .await?;
        w.tx.commit().await?;
        self.user(id).await
    }

    /// Stores a session under the hash of its token.
    pub async fn create_session(
        &self,
        user: &UserId,
        token_hash: &str,
        kind: &str,
        ttl_seconds: i64,
    ) -> Result<Session> {
        let expires_at = self.clock().now().unix_timestamp() + ttl_seconds;
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user.as_str())
        .bind(kind)
        .bind(self.now_text())
        .bind(expires_at)
        .execute(&mut *w.tx)
        .await?;
        w.tx.commit().await?;
        Ok(Session {
            kind: kind.to_owned(),
            expires_at,
        })
    }

    /// The live session under `token_hash` and its user, unless expired or disabled.
    pub async fn session(&self, token_hash: &str) -> Result<Option<(User, Session)>> {
        let row = sqlx::query(
            "SELECT u.*, s.kind AS session_kind, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(self.clock().now().unix_timestamp())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let u = user(&row)?;
        if u.disabled {
            return Ok(None);
        }
        Ok(Some((
            u,
            Session {
                kind: row.try_get("session_kind")?,
                expires_at: row.try_get("expires_at")?,
            },
        )))
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        let mut w = self.write().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *w.tx)
            .await?;
        w.tx.commit().await?;
        Ok(())
    }
}
