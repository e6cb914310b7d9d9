//! Typed relationships between records. A relationship is seen only by
//! those who may read both of its records.

use crate::{Ctx, Result, Store, new_id};
use concord_domain::RelationKind;
use concord_domain::Relationship;
use sqlx::Row;
use time::Date;

/// A relationship to record.
#[derive(Debug, Clone, Copy)]
pub struct Link<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub kind: RelationKind,
    pub since: Option<Date>,
    pub until: Option<Date>,
    /// Where the link is known from.
    pub source: &'a str,
}

/// A relationship from its row.
pub(crate) fn relationship(row: &sqlx::any::AnyRow) -> Result<Relationship> {
    let since: Option<String> = row.try_get("since")?;
    let until: Option<String> = row.try_get("until")?;
    let date = |d: String| crate::registry::parse_date("relationships", &d);
    Ok(Relationship {
        id: row.try_get("id")?,
        from: row.try_get("from_id")?,
        to: row.try_get("to_id")?,
        kind: crate::registry::parse("relationships", &row.try_get::<String, _>("kind")?)?,
        since: since.map(date).transpose()?,
        until: until.map(date).transpose()?,
        source: row.try_get("source")?,
        originator: row.try_get("originator")?,
    })
}

impl Store {
    /// Records a relationship; `concord_app::records::relate` checks it.
    pub async fn relate(&self, ctx: &Ctx, link: Link<'_>) -> Result<Relationship> {
        let Link {
            from,
            to,
            kind,
            since,
            until,
            source,
        } = link;
        let rel = Relationship {
            id: new_id("rel"),
            from: from.into(),
            to: to.into(),
            kind,
            since,
            until,
            source: source.into(),
            originator: ctx.viewer.authority.to_string(),
        };
        let mut w = self.write().await?;
        sqlx::query("INSERT INTO relationships (id, from_id, to_id, kind, since, until, source, originator, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(&rel.id)
            .bind(from)
            .bind(to)
            .bind(kind.as_str())
            .bind(since.map(|d| d.to_string()))
            .bind(until.map(|d| d.to_string()))
            .bind(source)
            .bind(&rel.originator)
            .bind(self.now_text())
            .execute(&mut *w.tx)
            .await?;
        self.append_in(
            &mut w.tx,
            self.draft(&ctx.into(), "relationship.create", format!("{from} {kind} {to}")),
        )
        .await?;
        w.tx.commit().await?;
        Ok(rel)
    }

    /// The relationships of a record that the viewer may see (both ends readable).
    pub async fn relationships(&self, ctx: &Ctx, id: &str) -> Result<Vec<Relationship>> {
        self.readable(ctx, id).await?;
        let rows = sqlx::query("SELECT * FROM relationships WHERE from_id = $1 OR to_id = $1 ORDER BY created_at, id")
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::new();
        for row in &rows {
            let from: String = row.try_get("from_id")?;
            let to: String = row.try_get("to_id")?;
            let other = if from == id { &to } else { &from };
            if self.readable(ctx, other).await.is_err() {
                continue;
            }
            out.push(relationship(row)?);
        }
        self.audit(&ctx.into(), "relationship.read", id).await?;
        Ok(out)
    }
}
