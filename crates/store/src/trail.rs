//! The trails of the cooperation workflows (pre-export notifications,
//! controlled deliveries, legal-assistance requests): one numbered entry
//! per step, each workflow in a table of the same shape.

use crate::stamp::stamp;
use crate::{Result, Store};
use sqlx::{Any, Row, Transaction};

/// A trail table and the column naming the object it follows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Trail {
    pub table: &'static str,
    pub key: &'static str,
}

pub(crate) const NOTIFICATION: Trail = Trail {
    table: "pre_export_events",
    key: "notification_id",
};
pub(crate) const DELIVERY: Trail = Trail {
    table: "delivery_events",
    key: "delivery_id",
};
pub(crate) const LEGAL_REQUEST: Trail = Trail {
    table: "legal_request_events",
    key: "request_id",
};

/// Who took a step: the user, and the state it acted for.
pub(crate) struct Actor<'a> {
    pub user: &'a str,
    pub state: Option<&'a str>,
}

impl Store {
    /// Appends an entry numbered after the object's last one, in the same
    /// statement; returns its number and stamp.
    pub(crate) async fn trail_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        trail: Trail,
        id: &str,
        who: Actor<'_>,
        action: &str,
        detail: &str,
    ) -> Result<(i64, String)> {
        let at = stamp(self.clock().now());
        let Trail { table, key } = trail;
        // Table and column names are the constants above, never input.
        let sql = format!(
            "INSERT INTO {table} ({key}, seq, at, actor, state_code, action, detail) \
             SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6 FROM {table} WHERE {key} = $1 RETURNING seq"
        );
        let seq: i64 = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(&at)
            .bind(who.user)
            .bind(who.state)
            .bind(action)
            .bind(detail)
            .fetch_one(&mut **tx)
            .await?
            .try_get(0)?;
        Ok((seq, at))
    }
}
