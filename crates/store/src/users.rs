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
    /// Created disabled: its grant waits for a second administrator.
    pub disabled: bool,
    /// An administrator chose the password: the user changes it first.
    pub must_change_password: bool,
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub display_name: Option<String>,
    pub roles: Option<Roles>,
    pub clearance: Option<Classification>,
    pub disabled: Option<bool>,
    pub password_hash: Option<String>,
    pub must_change_password: Option<bool>,
    /// A notice to the user's authority, written with the change.
    pub notice: Option<String>,
}

/// A change of a user's powers that waits for a second administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserGrant {
    pub id: String,
    pub user_id: UserId,
    pub requested_by: UserId,
    /// `None` leaves the user's value.
    pub roles: Option<Roles>,
    pub clearance: Option<Classification>,
    pub disabled: Option<bool>,
    /// pending, approved or refused.
    pub status: String,
    pub decided_by: Option<UserId>,
    pub created_at: String,
}

fn grant(row: &AnyRow) -> Result<UserGrant> {
    let roles: Option<String> = row.try_get("roles")?;
    let clearance: Option<i64> = row.try_get("clearance")?;
    let disabled: Option<i64> = row.try_get("disabled")?;
    let decided_by: Option<String> = row.try_get("decided_by")?;
    Ok(UserGrant {
        id: row.try_get("id")?,
        user_id: UserId::new(row.try_get::<String, _>("user_id")?),
        requested_by: UserId::new(row.try_get::<String, _>("requested_by")?),
        roles: roles.map(|r| parse("user_grants", &r)).transpose()?,
        clearance: clearance
            .map(|c| {
                Classification::from_rank(c).ok_or_else(|| StoreError::corrupt("user_grants", "clearance out of range"))
            })
            .transpose()?,
        disabled: disabled.map(|d| d != 0),
        status: row.try_get("status")?,
        decided_by: decided_by.map(UserId::new),
        created_at: row.try_get("created_at")?,
    })
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
        must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
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
            "INSERT INTO users (id, username, display_name, authority_id, roles, clearance, password_hash, disabled, \
             must_change_password, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&id)
        .bind(&new.username)
        .bind(&new.display_name)
        .bind(new.authority.as_str())
        .bind(new.roles.to_string())
        .bind(new.clearance.rank())
        .bind(&new.password_hash)
        .bind(i64::from(new.disabled))
        .bind(i64::from(new.must_change_password))
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
        let mut w = self.write().await?;
        self.update_user_in(&mut w.tx, id, update, actor).await?;
        w.tx.commit().await?;
        self.user(id).await
    }

    async fn update_user_in(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        id: &UserId,
        update: UserUpdate,
        actor: &Actor,
    ) -> Result<()> {
        let row = sqlx::query("SELECT * FROM users WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&mut **tx)
            .await?;
        let current = row
            .as_ref()
            .map(user)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("user {id}")))?;
        let mut changed = Vec::new();
        let roles = update.roles.clone().unwrap_or(current.roles.clone());
        let clearance = update.clearance.unwrap_or(current.clearance);
        let disabled = update.disabled.unwrap_or(current.disabled);
        let display = update.display_name.clone().unwrap_or(current.display_name.clone());
        let must_change = update.must_change_password.unwrap_or(current.must_change_password);
        sqlx::query(
            "UPDATE users SET display_name = $1, roles = $2, clearance = $3, disabled = $4, must_change_password = $5 WHERE id = $6",
        )
        .bind(&display)
        .bind(roles.to_string())
        .bind(clearance.rank())
        .bind(i64::from(disabled))
        .bind(i64::from(must_change))
        .bind(id.as_str())
        .execute(&mut **tx)
        .await?;
        if let Some(hash) = &update.password_hash {
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(hash)
                .bind(id.as_str())
                .execute(&mut **tx)
                .await?;
            changed.push(if must_change { "password reset" } else { "password" }.to_owned());
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
                .execute(&mut **tx)
                .await?;
        }
        if let Some(text) = &update.notice {
            self.notify_in(tx, current.authority.as_str(), "user", id.as_str(), text)
                .await?;
        }
        let target = format!("{}: {}", current.username, changed.join(", "));
        self.append_in(tx, self.draft(actor, "user.update", target)).await?;
        Ok(())
    }

    /// Records a change of `user`'s powers that waits for a second
    /// administrator (the use case found that it needs one).
    pub async fn request_user_grant(&self, user: &User, change: &UserUpdate, actor: &Actor) -> Result<UserGrant> {
        let id = new_id("grt");
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO user_grants (id, user_id, requested_by, roles, clearance, disabled, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)",
        )
        .bind(&id)
        .bind(user.id.as_str())
        .bind(&actor.id)
        .bind(change.roles.as_ref().map(Roles::to_string))
        .bind(change.clearance.map(Classification::rank))
        .bind(change.disabled.map(i64::from))
        .bind(self.now_text())
        .execute(&mut *w.tx)
        .await?;
        self.notify_in(
            &mut w.tx,
            user.authority.as_str(),
            "user-grant",
            &id,
            &format!("a grant for {} waits for a second administrator", user.username),
        )
        .await?;
        let target = format!(
            "{id} for {}: roles={} clearance={} disabled={}",
            user.username,
            change.roles.as_ref().map_or("-".into(), Roles::to_string),
            change.clearance.map_or("-".into(), |c| c.to_string()),
            change.disabled.map_or("-".into(), |d| d.to_string()),
        );
        self.append_in(&mut w.tx, self.draft(actor, "user.grant.request", target))
            .await?;
        w.tx.commit().await?;
        self.user_grant(&id).await
    }

    /// One grant.
    pub async fn user_grant(&self, id: &str) -> Result<UserGrant> {
        let row = sqlx::query("SELECT * FROM user_grants WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref()
            .map(grant)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("grant {id}")))
    }

    /// Grants that wait for a decision, oldest first (the use case keeps
    /// those its caller administers).
    pub async fn pending_user_grants(&self) -> Result<Vec<UserGrant>> {
        sqlx::query("SELECT * FROM user_grants WHERE status = 'pending' ORDER BY created_at, id")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(grant)
            .collect()
    }

    /// Decides a pending grant; an approval applies it in the same
    /// transaction. A grant decided meanwhile is a conflict.
    pub async fn decide_user_grant(&self, g: &UserGrant, approve: bool, actor: &Actor) -> Result<UserGrant> {
        let status = if approve { "approved" } else { "refused" };
        let mut w = self.write().await?;
        let done = sqlx::query(
            "UPDATE user_grants SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND status = 'pending'",
        )
        .bind(status)
        .bind(&actor.id)
        .bind(self.now_text())
        .bind(&g.id)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!("grant {} was decided already", g.id)));
        }
        if approve {
            let change = UserUpdate {
                roles: g.roles.clone(),
                clearance: g.clearance,
                disabled: g.disabled,
                ..Default::default()
            };
            self.update_user_in(&mut w.tx, &g.user_id, change, actor).await?;
        }
        self.append_in(
            &mut w.tx,
            self.draft(
                actor,
                &format!("user.grant.{status}"),
                format!("{} for {}", g.id, g.user_id),
            ),
        )
        .await?;
        w.tx.commit().await?;
        self.user_grant(&g.id).await
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
            "INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at, last_seen) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(user.as_str())
        .bind(kind)
        .bind(self.now_text())
        .bind(expires_at)
        .bind(self.clock().now().unix_timestamp())
        .execute(&mut *w.tx)
        .await?;
        w.tx.commit().await?;
        Ok(Session {
            kind: kind.to_owned(),
            expires_at,
        })
    }

    /// The live session under `token_hash` and its user, unless expired,
    /// unused for `idle_seconds`, or its user disabled. Use keeps it alive
    /// (recorded at most once a minute, so that reads stay reads).
    pub async fn session(&self, token_hash: &str, idle_seconds: i64) -> Result<Option<(User, Session)>> {
        let now = self.clock().now().unix_timestamp();
        let row = sqlx::query(
            "SELECT u.*, s.kind AS session_kind, s.expires_at, s.last_seen FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let u = user(&row)?;
        if u.disabled {
            return Ok(None);
        }
        let last_seen: i64 = row.try_get("last_seen")?;
        if last_seen > 0 && now - last_seen >= idle_seconds {
            return Ok(None);
        }
        if now - last_seen >= 60 {
            let mut w = self.write().await?;
            sqlx::query("UPDATE sessions SET last_seen = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(token_hash)
                .execute(&mut *w.tx)
                .await?;
            w.tx.commit().await?;
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
