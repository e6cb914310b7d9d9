//! Cooperation programmes, their actions and reported progress. The rules
//! are `concord_domain::programme`, applied by `concord_app::programmes`;
//! reads go through `decide` (the distribution is the participants).

use crate::registry::{handling_of, parse_date};
use crate::stamp::stamp;
use crate::{Ctx, Result, Store, StoreError, new_id};
use concord_domain::programme::{Programme, ProgrammeAction, ProgrammeInput, Progress};
use concord_domain::{Action, AuthorityId, HandlingCode, Protected, StateCode};
use sqlx::Row;
use sqlx::any::AnyRow;

const T: &str = "programmes";

fn codes(text: &str) -> Vec<StateCode> {
    text.split(',').filter(|s| !s.is_empty()).map(StateCode::from).collect()
}

/// The access model's view of a programme: its originator's, shared with
/// the participants.
pub fn programme_protected(p: &Programme) -> Protected {
    crate::shared::workflow_protected(&p.originator, p.originator_state.as_ref(), &p.handling)
}

fn programme_row(row: &AnyRow) -> Result<Programme> {
    let year =
        |c: &str| -> Result<i32> { i32::try_from(row.try_get::<i64, _>(c)?).map_err(|e| StoreError::corrupt(T, e)) };
    Ok(Programme {
        id: row.try_get("id")?,
        originator: AuthorityId::new(row.try_get::<String, _>("originator")?),
        originator_state: row
            .try_get::<Option<String>, _>("originator_state")?
            .map(StateCode::new),
        name: row.try_get("name")?,
        first_year: year("first_year")?,
        last_year: year("last_year")?,
        participants: codes(&row.try_get::<String, _>("participants")?),
        actions: Vec::new(),
        handling: handling_of(row, T)?,
        created_at: row.try_get("created_at")?,
    })
}

impl Store {
    /// Whether `ctx` may read the programme.
    pub fn may_read_programme(&self, ctx: &Ctx, p: &Programme) -> bool {
        self.decide_on(ctx, &programme_protected(p), Action::Read).allowed
    }

    /// Writes a programme the use case checked, with its actions, notices
    /// and audit entry.
    pub async fn adopt_programme(
        &self,
        ctx: &Ctx,
        input: &ProgrammeInput,
        handling: &HandlingCode,
        notify: &[(String, String)],
    ) -> Result<Programme> {
        let id = new_id("prg");
        let now = stamp(self.clock().now());
        let join = |v: &[StateCode]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",");
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO programmes (id, originator, originator_state, name, first_year, last_year, participants, \
             distribution, dissemination, use_code, classification, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&id)
        .bind(ctx.viewer.authority.as_str())
        .bind(ctx.viewer.state.as_ref().map(|s| s.to_string()))
        .bind(input.name.trim())
        .bind(i64::from(input.first_year))
        .bind(i64::from(input.last_year))
        .bind(join(&input.participants))
        .bind(handling.distribution.to_string())
        .bind(handling.dissemination.as_str())
        .bind(handling.use_.as_str())
        .bind(handling.classification.rank())
        .bind(&now)
        .execute(&mut *w.tx)
        .await?;
        for (i, a) in input.actions.iter().enumerate() {
            sqlx::query(
                "INSERT INTO programme_actions (programme_id, position, title, responsible, indicator, deadline) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&id)
            .bind(i as i64)
            .bind(a.title.trim())
            .bind(join(&a.responsible))
            .bind(a.indicator.trim())
            .bind(a.deadline.to_string())
            .execute(&mut *w.tx)
            .await?;
        }
        let notes: Vec<(&str, &str)> = notify.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
        self.notify_many_in(&mut w.tx, &notes, "programme", &id).await?;
        self.append_in(
            &mut w.tx,
            self.draft(
                &ctx.into(),
                "programme.adopt",
                format!("{id} {}", join(&input.participants)),
            ),
        )
        .await?;
        w.tx.commit().await?;
        self.load_programme(&id).await
    }

    /// A programme with its actions and progress, whoever asks.
    pub async fn load_programme(&self, id: &str) -> Result<Programme> {
        let row = sqlx::query("SELECT * FROM programmes WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("programme {id}")))?;
        let mut p = programme_row(&row)?;
        self.programme_actions(&mut p).await?;
        Ok(p)
    }

    async fn programme_actions(&self, p: &mut Programme) -> Result<()> {
        let progress = sqlx::query("SELECT * FROM programme_progress WHERE programme_id = $1")
            .bind(&p.id)
            .fetch_all(self.pool())
            .await?;
        for r in sqlx::query("SELECT * FROM programme_actions WHERE programme_id = $1 ORDER BY position")
            .bind(&p.id)
            .fetch_all(self.pool())
            .await?
        {
            let position: i64 = r.try_get("position")?;
            let mut action = ProgrammeAction {
                position,
                title: r.try_get("title")?,
                responsible: codes(&r.try_get::<String, _>("responsible")?),
                indicator: r.try_get("indicator")?,
                deadline: parse_date("programme_actions", &r.try_get::<String, _>("deadline")?)?,
                progress: Default::default(),
            };
            for g in &progress {
                if g.try_get::<i64, _>("position")? == position {
                    action.progress.insert(
                        StateCode::new(g.try_get::<String, _>("state_code")?),
                        Progress {
                            percent: g.try_get("percent")?,
                            note: g.try_get("note")?,
                            reported_at: g.try_get("reported_at")?,
                        },
                    );
                }
            }
            p.actions.push(action);
        }
        Ok(())
    }

    /// A programme `ctx` may read; one it may not is not found.
    pub async fn visible_programme(&self, ctx: &Ctx, id: &str) -> Result<Programme> {
        crate::shared::readable_or_not_found(
            self.load_programme(id).await,
            |x| self.may_read_programme(ctx, x),
            format!("programme {id}"),
        )
    }

    /// The programmes `ctx` may read, latest first.
    pub async fn list_programmes(&self, ctx: &Ctx, limit: usize) -> Result<Vec<Programme>> {
        let rows = sqlx::query("SELECT * FROM programmes ORDER BY first_year DESC, id DESC")
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::new();
        for row in &rows {
            let mut p = programme_row(row)?;
            if self.may_read_programme(ctx, &p) {
                self.programme_actions(&mut p).await?;
                out.push(p);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Writes (or replaces) `state`'s progress on an action, with its
    /// audit entry.
    pub async fn report_progress(
        &self,
        ctx: &Ctx,
        p: &Programme,
        position: i64,
        state: &StateCode,
        percent: i64,
        note: &str,
    ) -> Result<Programme> {
        let now = stamp(self.clock().now());
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO programme_progress (programme_id, position, state_code, percent, note, reported_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (programme_id, position, state_code) \
             DO UPDATE SET percent = excluded.percent, note = excluded.note, reported_at = excluded.reported_at",
        )
        .bind(&p.id)
        .bind(position)
        .bind(state.as_str())
        .bind(percent)
        .bind(note.trim())
        .bind(&now)
        .execute(&mut *w.tx)
        .await?;
        self.append_in(
            &mut w.tx,
            self.draft(
                &ctx.into(),
                "programme.progress",
                format!("{} {position} {state} {percent}%", p.id),
            ),
        )
        .await?;
        w.tx.commit().await?;
        self.load_programme(&p.id).await
    }
}
