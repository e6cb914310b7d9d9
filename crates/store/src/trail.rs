//! The trails of the cooperation workflows (pre-export notifications,
//! controlled deliveries, legal-assistance requests): one numbered entry
//! per step, each workflow in a table of the same shape.

use crate::stamp::stamp;
use crate::{Result, Store};
use sqlx::{Any, Row, Transaction};

/// A trail: the insert into its table, keyed by the object it follows.
/// Written out per table, as static text, so the driver keeps each
/// prepared.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Trail {
    insert: &'static str,
}

macro_rules! trail_insert {
    ($table:literal, $key:literal) => {
        concat!(
            "INSERT INTO ",
            $table,
            " (",
            $key,
            ", seq, at, actor, state_code, action, detail) ",
            "SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6 FROM ",
            $table,
            " WHERE ",
            $key,
            " = $1 RETURNING seq"
        )
    };
}

pub(crate) const NOTIFICATION: Trail = Trail {
    insert: trail_insert!("pre_export_events", "notification_id"),
};
pub(crate) const DELIVERY: Trail = Trail {
    insert: trail_insert!("delivery_events", "delivery_id"),
};
pub(crate) const LEGAL_REQUEST: Trail = Trail {
    insert: trail_insert!("legal_request_events", "request_id"),
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
        let seq: i64 = sqlx::query(trail.insert)
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
