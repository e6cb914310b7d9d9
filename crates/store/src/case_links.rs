//! Links between the objects of one case. Which links a reader sees is
//! judged by `concord_app::case_links`, which reads each other end through
//! its own use case; the store keeps the pairs.

use crate::registry::parse;
use crate::stamp::stamp;
use crate::{Ctx, Result, Store, StoreError, new_id};
use concord_domain::case_link::{CaseLink, CaseRef};
use sqlx::Row;
use sqlx::any::AnyRow;

const T: &str = "case_links";

fn link_row(row: &AnyRow) -> Result<CaseLink> {
    let end = |kind: &str, id: &str| -> Result<CaseRef> {
        Ok(CaseRef {
            kind: parse(T, &row.try_get::<String, _>(kind)?)?,
            id: row.try_get(id)?,
        })
    };
    Ok(CaseLink {
        id: row.try_get("id")?,
        from: end("from_kind", "from_id")?,
        to: end("to_kind", "to_id")?,
        note: row.try_get("note")?,
        authority: row.try_get("authority")?,
        state: row.try_get("state_code")?,
        created_at: row.try_get("created_at")?,
    })
}

impl Store {
    /// Stores a link between two ends the use case judged the caller may
    /// read, with its audit entry; a pair already linked is a conflict.
    pub async fn link_cases(&self, ctx: &Ctx, from: &CaseRef, to: &CaseRef, note: &str) -> Result<CaseLink> {
        let mut w = self.write().await?;
        let id = new_id("lnk");
        let at = stamp(self.clock().now());
        let state = ctx.viewer.state.as_ref().map(|s| s.to_string());
        let done = sqlx::query(
            "INSERT INTO case_links (id, from_kind, from_id, to_kind, to_id, note, authority, state_code, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (from_kind, from_id, to_kind, to_id) DO NOTHING",
        )
        .bind(&id)
        .bind(from.kind.as_str())
        .bind(&from.id)
        .bind(to.kind.as_str())
        .bind(&to.id)
        .bind(note.trim())
        .bind(ctx.viewer.authority.as_str())
        .bind(state.clone())
        .bind(&at)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "{} {} and {} {} are linked already",
                from.kind, from.id, to.kind, to.id
            )));
        }
        self.append_in(
            &mut w.tx,
            self.draft(
                &ctx.into(),
                "case.link",
                format!("{id} {} {} {} {}", from.kind, from.id, to.kind, to.id),
            ),
        )
        .await?;
        w.tx.commit().await?;
        Ok(CaseLink {
            id,
            from: from.clone(),
            to: to.clone(),
            note: note.trim().to_owned(),
            authority: ctx.viewer.authority.to_string(),
            state,
            created_at: at,
        })
    }

    /// Every link with `end` at either side, oldest first, unjudged: for
    /// use cases that judge each other end.
    pub async fn links_touching(&self, end: &CaseRef) -> Result<Vec<CaseLink>> {
        let rows = sqlx::query(
            "SELECT * FROM case_links WHERE (from_kind = $1 AND from_id = $2) OR (to_kind = $1 AND to_id = $2) \
             ORDER BY created_at, id",
        )
        .bind(end.kind.as_str())
        .bind(&end.id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(link_row).collect()
    }
}
