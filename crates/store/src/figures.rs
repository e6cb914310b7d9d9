//! Each state's reported yearly figures. A report replaces the state's
//! earlier figure for the same year, category and substance, if still at
//! the version read. Who may report and read is judged by
//! `concord_app::statistics`.

use crate::registry::parse;
use crate::stamp::stamp;
use crate::{Ctx, Result, Store, StoreError};
use concord_domain::StateCode;
use concord_domain::statistics::{Figure, FigureInput, substance_key};
use sqlx::Row;
use sqlx::any::AnyRow;

const T: &str = "state_figures";

fn figure_row(row: &AnyRow) -> Result<Figure> {
    let substance: String = row.try_get("substance")?;
    Ok(Figure {
        state: StateCode::new(row.try_get::<String, _>("state_code")?),
        year: i32::try_from(row.try_get::<i64, _>("year")?).map_err(|e| StoreError::corrupt(T, e))?,
        category: parse(T, &row.try_get::<String, _>("category")?)?,
        substance: Some(substance).filter(|s| !s.is_empty()),
        value: row.try_get("value")?,
        source: row.try_get("source")?,
        reported_by: row.try_get("reported_by")?,
        authority: concord_domain::AuthorityId::new(row.try_get::<String, _>("authority")?),
        reported_at: row.try_get("reported_at")?,
        version: row.try_get("version")?,
    })
}

impl Store {
    /// Writes `state`'s figure: a new cell when `expected_version` is 0, a
    /// replacement of the cell at that version otherwise; with its audit
    /// entry.
    pub async fn report_figure(
        &self,
        ctx: &Ctx,
        state: &StateCode,
        f: &FigureInput,
        expected_version: i64,
    ) -> Result<Figure> {
        let now = stamp(self.clock().now());
        let substance = substance_key(f);
        let mut w = self.write().await?;
        let done = if expected_version == 0 {
            sqlx::query(
                "INSERT INTO state_figures (state_code, year, category, substance, value, source, reported_by, \
                 authority, reported_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1) \
                 ON CONFLICT (state_code, year, category, substance) DO NOTHING",
            )
            .bind(state.as_str())
            .bind(i64::from(f.year))
            .bind(f.category.as_str())
            .bind(&substance)
            .bind(f.value)
            .bind(f.source.trim())
            .bind(ctx.viewer.user.as_str())
            .bind(ctx.viewer.authority.as_str())
            .bind(&now)
            .execute(&mut *w.tx)
            .await?
        } else {
            sqlx::query(
                "UPDATE state_figures SET value = $1, source = $2, reported_by = $3, authority = $4, \
                 reported_at = $5, version = version + 1 \
                 WHERE state_code = $6 AND year = $7 AND category = $8 AND substance = $9 AND version = $10",
            )
            .bind(f.value)
            .bind(f.source.trim())
            .bind(ctx.viewer.user.as_str())
            .bind(ctx.viewer.authority.as_str())
            .bind(&now)
            .bind(state.as_str())
            .bind(i64::from(f.year))
            .bind(f.category.as_str())
            .bind(&substance)
            .bind(expected_version)
            .execute(&mut *w.tx)
            .await?
        };
        if done.rows_affected() == 0 {
            let cell = format!(
                "{state}'s {} figure for {}{}",
                f.category,
                f.year,
                if substance.is_empty() {
                    String::new()
                } else {
                    format!(" ({substance})")
                }
            );
            return Err(StoreError::Conflict(if expected_version == 0 {
                format!("{cell} is reported already: correct it at the version read")
            } else {
                format!("{cell} changed since version {expected_version}, or was never reported: reload it")
            }));
        }
        self.append_in(
            &mut w.tx,
            self.draft(
                &ctx.into(),
                "statistics.report",
                format!(
                    "{state} {} {}{} = {}",
                    f.year,
                    f.category,
                    if substance.is_empty() {
                        String::new()
                    } else {
                        format!(" {substance}")
                    },
                    f.value
                ),
            ),
        )
        .await?;
        w.tx.commit().await?;
        let row = sqlx::query(
            "SELECT * FROM state_figures WHERE state_code = $1 AND year = $2 AND category = $3 AND substance = $4",
        )
        .bind(state.as_str())
        .bind(i64::from(f.year))
        .bind(f.category.as_str())
        .bind(&substance)
        .fetch_one(self.pool())
        .await?;
        figure_row(&row)
    }

    /// Every reported figure from `from` to `to`, unjudged: for the use
    /// case that judges who reads them.
    pub async fn reported_figures(&self, from: i32, to: i32) -> Result<Vec<Figure>> {
        let rows = sqlx::query(
            "SELECT * FROM state_figures WHERE year >= $1 AND year <= $2 ORDER BY year, state_code, category, substance",
        )
        .bind(i64::from(from))
        .bind(i64::from(to))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(figure_row).collect()
    }
}
