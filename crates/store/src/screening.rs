//! What screening needs from storage: every active record, read in keyset
//! chunks to build the in-memory index; a stamp that changes when records
//! do; and a fresh access check of the records a search found.

use crate::records::record;
use crate::{Ctx, Record, Result, Store};
use concord_domain::{Action, RecordStatus};
use sqlx::Row;

/// Rows read per chunk when walking all records.
const CHUNK: i64 = 2_000;

impl Store {
    /// Calls `each` with every active record, in creation order. For the
    /// screening index only: nothing read here reaches a user without a
    /// fresh access decision ([`Store::screening_results`]).
    pub async fn for_each_active_record(&self, mut each: impl FnMut(Record)) -> Result<usize> {
        let mut after: Option<(String, String)> = None;
        let mut n = 0;
        loop {
            let rows = match &after {
                None => {
                    sqlx::query("SELECT * FROM records WHERE status = 'active' ORDER BY created_at, id LIMIT $1")
                        .bind(CHUNK)
                        .fetch_all(self.pool())
                        .await?
                }
                Some((at, id)) => {
                    sqlx::query(
                        "SELECT * FROM records WHERE status = 'active' AND (created_at > $1 OR (created_at = $1 AND id > $2)) \
                         ORDER BY created_at, id LIMIT $3",
                    )
                    .bind(at)
                    .bind(id)
                    .bind(CHUNK)
                    .fetch_all(self.pool())
                    .await?
                }
            };
            let Some(last) = rows.last() else { break };
            after = Some((last.try_get("created_at")?, last.try_get("id")?));
            let full = rows.len() as i64 == CHUNK;
            for row in &rows {
                each(record(row)?);
                n += 1;
            }
            if !full {
                break;
            }
        }
        self.audit(
            &crate::Actor::system("build the screening index"),
            "screening.index",
            format!("{n} records"),
        )
        .await?;
        Ok(n)
    }

    /// Changes whenever a record is added, changed or removed.
    pub async fn records_stamp(&self) -> Result<String> {
        let row = sqlx::query("SELECT count(*) AS n, max(updated_at) AS at, max(version) AS v FROM records")
            .fetch_one(self.pool())
            .await?;
        let n: i64 = row.try_get("n")?;
        let at: Option<String> = row.try_get("at")?;
        let v: Option<i64> = row.try_get("v")?;
        Ok(format!("{n}/{}/{}", at.unwrap_or_default(), v.unwrap_or(0)))
    }

    /// The records among `ids` the caller may read now, read fresh (the
    /// index may be older than a change of handling code), in the order
    /// given; and one audit entry for the screening with its purpose.
    pub async fn screening_results(&self, ctx: &Ctx, query: &str, ids: &[String]) -> Result<Vec<Record>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let row = sqlx::query("SELECT * FROM records WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
            if let Some(r) = row.as_ref().map(record).transpose()?
                && r.status == RecordStatus::Active
                && self.decide_on(ctx, &r.protected, Action::Read).allowed
            {
                out.push(r);
            }
        }
        self.hide_unreadable_links(ctx, &mut out).await?;
        let found: Vec<&str> = out.iter().map(|r| r.id.as_str()).collect();
        self.audit(
            &ctx.into(),
            "screening.query",
            format!("{query} -> [{}]", found.join(",")),
        )
        .await?;
        Ok(out)
    }
}
