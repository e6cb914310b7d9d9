//! Webhooks: each state (or the regional structure) may name one URL to
//! which the notifications of its authorities are posted. Delivery keeps a
//! watermark per webhook, so notices go out in order and at least once; a
//! failure backs off exponentially and is kept for the administrator to see.

use crate::sql::Sql;
use crate::stamp::stamp;
use crate::{Ctx, Result, Store, StoreError};
use concord_domain::{Notification, StateCode, User};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::Duration;

/// A webhook as its administrators see it (the secret is never shown again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// A state code, or `structure`.
    pub owner: String,
    pub url: String,
    pub attempts: i64,
    pub next_attempt_at: String,
    pub last_error: Option<String>,
    pub delivered: i64,
    pub updated_at: String,
}

/// Notifications due to one webhook, with what signing needs.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub owner: String,
    pub url: String,
    pub secret: String,
    /// `(authority, notification)`, oldest first: only notices that a user
    /// of the addressed authority (or state) may read.
    pub notifications: Vec<(String, Notification)>,
    /// `(created_at, id)` of the last notice looked at, delivered or not: the
    /// watermark moves past notices withheld too.
    pub through: (String, String),
}

fn webhook_row(row: &AnyRow) -> Result<Webhook> {
    Ok(Webhook {
        owner: row.try_get("owner")?,
        url: row.try_get("url")?,
        attempts: row.try_get("attempts")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        last_error: row.try_get("last_error")?,
        delivered: row.try_get("delivered")?,
        updated_at: row.try_get("updated_at")?,
    })
}

impl Store {
    /// Sets (or replaces) `owner`'s webhook with an address and secret the
    /// use case checked; only notices from now on are delivered.
    pub async fn set_webhook(&self, ctx: &Ctx, owner: &str, url: &str, secret: &str) -> Result<Webhook> {
        let now = stamp(self.clock().now());
        let mut w = self.write().await?;
        sqlx::query("DELETE FROM webhooks WHERE owner = $1")
            .bind(owner)
            .execute(&mut *w.tx)
            .await?;
        sqlx::query(
            "INSERT INTO webhooks (owner, url, secret, watermark_at, watermark_id, attempts, next_attempt_at, last_error, delivered, \
             updated_by, updated_at) VALUES ($1, $2, $3, $4, '', 0, $4, NULL, 0, $5, $4)",
        )
        .bind(owner)
        .bind(url)
        .bind(secret)
        .bind(&now)
        .bind(ctx.viewer.user.as_str())
        .execute(&mut *w.tx)
        .await?;
        self.append_in(
            &mut w.tx,
            self.draft(&ctx.into(), "webhook.set", format!("{owner} {url}")),
        )
        .await?;
        w.tx.commit().await?;
        self.webhook(owner)
            .await?
            .ok_or_else(|| StoreError::NotFound("webhook".into()))
    }

    /// `owner`'s webhook (a state code, or `structure`), if any.
    pub async fn webhook(&self, owner: &str) -> Result<Option<Webhook>> {
        let row = sqlx::query("SELECT * FROM webhooks WHERE owner = $1")
            .bind(owner)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(webhook_row).transpose()
    }

    /// Removes `owner`'s webhook.
    pub async fn delete_webhook(&self, ctx: &Ctx, owner: &str) -> Result<()> {
        let mut w = self.write().await?;
        let done = sqlx::query("DELETE FROM webhooks WHERE owner = $1")
            .bind(owner)
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("webhook".into()));
        }
        self.append_in(&mut w.tx, self.draft(&ctx.into(), "webhook.delete", owner))
            .await?;
        w.tx.commit().await?;
        Ok(())
    }

    /// Notifications due to every webhook whose next attempt has come, at
    /// most `limit` each, oldest first.
    pub async fn due_deliveries(&self, limit: i64) -> Result<Vec<DueDelivery>> {
        let now = stamp(self.clock().now());
        let hooks = sqlx::query("SELECT * FROM webhooks WHERE next_attempt_at <= $1 ORDER BY owner")
            .bind(&now)
            .fetch_all(self.pool())
            .await?;
        let snap = self.snapshot();
        let today = self.clock().today();
        // Read once per round, and only when some webhook is due.
        let users = if hooks.is_empty() { vec![] } else { self.users().await? };
        let mut out = Vec::new();
        for h in &hooks {
            let owner: String = h.try_get("owner")?;
            // A suspended or withdrawn state receives nothing shared, by any path.
            if owner != "structure"
                && !snap
                    .registry
                    .status_on(&StateCode::from(owner.as_str()), today)
                    .is_some_and(|s| s.may_receive())
            {
                continue;
            }
            let mut addresses: Vec<String> = snap
                .registry
                .authorities
                .values()
                .filter(|a| match &a.state {
                    Some(s) => s.as_str() == owner,
                    None => owner == "structure",
                })
                .map(|a| a.id.to_string())
                .collect();
            if owner != "structure" {
                addresses.push(format!("state:{owner}"));
            }
            let mut sql = Sql::default();
            let list: Vec<String> = addresses.into_iter().map(|a| sql.text(a)).collect();
            let at = sql.text(h.try_get::<String, _>("watermark_at")?);
            let id = sql.text(h.try_get::<String, _>("watermark_id")?);
            let n = sql.int(limit.clamp(1, 500));
            sql.text = format!(
                "SELECT * FROM notifications WHERE authority IN ({}) AND (created_at > {at} OR (created_at = {at} AND id > {id})) \
                 ORDER BY created_at, id LIMIT {n}",
                list.join(", ")
            );
            let mut notifications = Vec::new();
            let mut through = None;
            for row in sql.fetch_all(self).await? {
                let authority: String = row.try_get("authority")?;
                let n = crate::messages::notification(&row)?;
                through = Some((n.created_at.clone(), n.id.clone()));
                if self.some_user_may_see(&users, &authority, &n).await? {
                    notifications.push((authority, n));
                }
            }
            if let Some(through) = through {
                out.push(DueDelivery {
                    owner,
                    url: h.try_get("url")?,
                    secret: h.try_get("secret")?,
                    notifications,
                    through,
                });
            }
        }
        Ok(out)
    }

    /// Whether a user of the authority a notice is addressed to (of any
    /// authority of the state, for `state:XX`) may read what it is about:
    /// a webhook receives what its state's users could see, no more.
    async fn some_user_may_see(&self, users: &[User], address: &str, n: &Notification) -> Result<bool> {
        let snap = self.snapshot();
        for u in users.iter().filter(|u| !u.disabled) {
            let authority = snap.registry.authority(&u.authority);
            let addressed = match address.strip_prefix("state:") {
                Some(state) => authority
                    .and_then(|a| a.state.as_ref())
                    .is_some_and(|s| s.as_str() == state),
                None => u.authority.as_str() == address,
            };
            if !addressed {
                continue;
            }
            let ctx = Ctx {
                viewer: self.viewer(u)?,
                purpose: "webhook delivery".into(),
            };
            if self.notice_visible(&ctx, n).await? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Records a delivery: success moves the watermark past the batch;
    /// failure keeps it and backs off (2^attempts seconds, at most an hour).
    pub async fn delivery_done(&self, d: &DueDelivery, error: Option<String>) -> Result<()> {
        let now = self.clock().now();
        let mut w = self.write().await?;
        match error {
            None => {
                sqlx::query(
                    "UPDATE webhooks SET watermark_at = $1, watermark_id = $2, attempts = 0, next_attempt_at = $3, last_error = NULL, \
                     delivered = delivered + $4 WHERE owner = $5 AND url = $6",
                )
                .bind(&d.through.0)
                .bind(&d.through.1)
                .bind(stamp(now))
                .bind(d.notifications.len() as i64)
                .bind(&d.owner)
                .bind(&d.url)
                .execute(&mut *w.tx)
                .await?;
            }
            Some(e) => {
                let row = sqlx::query("SELECT attempts FROM webhooks WHERE owner = $1")
                    .bind(&d.owner)
                    .fetch_optional(&mut *w.tx)
                    .await?;
                let attempts: i64 = match row {
                    Some(r) => r.try_get("attempts")?,
                    None => return Ok(()),
                };
                let wait = Duration::seconds(1i64 << attempts.clamp(0, 11)).min(Duration::hours(1));
                sqlx::query(
                    "UPDATE webhooks SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2 WHERE owner = $3 AND url = $4",
                )
                .bind(stamp(now + wait))
                .bind(e.chars().take(500).collect::<String>())
                .bind(&d.owner)
                .bind(&d.url)
                .execute(&mut *w.tx)
                .await?;
            }
        }
        w.tx.commit().await?;
        Ok(())
    }
}
