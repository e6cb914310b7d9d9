//! Joint exercises: the plan, the confirmations and the after-action
//! report. The rules are `concord_domain::exercise`, applied by
//! `concord_app::exercises`; reads go through `decide` (the distribution
//! is the participants and observers).

use crate::registry::{handling_of, parse, parse_date};
use crate::stamp::stamp;
use crate::{Ctx, Result, Store, StoreError, new_id};
use concord_domain::exercise::{Exercise, ExerciseInput, Phase, Stage};
use concord_domain::{Action, AuthorityId, HandlingCode, Protected, StateCode};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;

const T: &str = "exercises";

/// The access model's view of an exercise: the initiator's, shared with
/// participants and observers.
pub fn exercise_protected(e: &Exercise) -> Protected {
    crate::shared::workflow_protected(&e.originator, Some(&e.initiator), &e.handling)
}

fn codes(text: &str) -> Vec<StateCode> {
    text.split(',').filter(|s| !s.is_empty()).map(StateCode::from).collect()
}

fn exercise_row(row: &AnyRow) -> Result<Exercise> {
    let phases = row
        .try_get::<String, _>("phases")?
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut parts = l.split('\t');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(name), Some(a), Some(b)) => Ok(Phase {
                    name: name.to_owned(),
                    starts: parse_date(T, a)?,
                    ends: parse_date(T, b)?,
                }),
                _ => Err(StoreError::corrupt(T, format!("phase {l:?}"))),
            }
        })
        .collect::<Result<Vec<_>>>()?;
    let forces = row
        .try_get::<String, _>("forces")?
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(s, f)| (StateCode::from(s), f.to_owned()))
        .collect();
    Ok(Exercise {
        id: row.try_get("id")?,
        originator: AuthorityId::new(row.try_get::<String, _>("originator")?),
        initiator: StateCode::new(row.try_get::<String, _>("initiator")?),
        name: row.try_get("name")?,
        kind: parse(T, &row.try_get::<String, _>("kind")?)?,
        host: StateCode::new(row.try_get::<String, _>("host")?),
        participants: codes(&row.try_get::<String, _>("participants")?),
        observers: codes(&row.try_get::<String, _>("observers")?),
        phases,
        scenario: row.try_get("scenario")?,
        forces,
        confirmed: BTreeMap::new(),
        stage: parse(T, &row.try_get::<String, _>("stage")?)?,
        after_action: row.try_get("after_action")?,
        lessons: row
            .try_get::<String, _>("lessons")?
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        handling: handling_of(row, T)?,
        created_at: row.try_get("created_at")?,
        version: row.try_get("version")?,
    })
}

fn joined(states: &[StateCode]) -> String {
    states.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
}

impl Store {
    /// Whether `ctx` may read the exercise.
    pub fn may_read_exercise(&self, ctx: &Ctx, e: &Exercise) -> bool {
        self.decide_on(ctx, &exercise_protected(e), Action::Read).allowed
    }

    /// Writes a plan the use case checked; the initiator's confirmation
    /// comes with it.
    pub async fn plan_exercise(
        &self,
        ctx: &Ctx,
        initiator: &StateCode,
        input: &ExerciseInput,
        handling: &HandlingCode,
        notify: &[(String, String)],
    ) -> Result<Exercise> {
        let id = new_id("ex");
        let now = stamp(self.clock().now());
        let phases: Vec<String> = input
            .phases
            .iter()
            .map(|p| format!("{}\t{}\t{}", p.name.trim().replace(['\t', '\n'], " "), p.starts, p.ends))
            .collect();
        let forces: Vec<String> = input
            .forces
            .iter()
            .map(|(s, f)| format!("{s}\t{}", f.trim().replace(['\t', '\n'], " ")))
            .collect();
        let first = input.phases.first().map(|p| p.starts.to_string()).unwrap_or_default();
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO exercises (id, originator, initiator, name, kind, host, participants, observers, phases, \
             first_day, scenario, forces, stage, after_action, lessons, distribution, dissemination, use_code, \
             classification, created_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, '', '', $14, $15, $16, $17, $18, 1)",
        )
        .bind(&id)
        .bind(ctx.viewer.authority.as_str())
        .bind(initiator.as_str())
        .bind(input.name.trim())
        .bind(input.kind.as_str())
        .bind(input.host.as_str())
        .bind(joined(&input.participants))
        .bind(joined(&input.observers))
        .bind(phases.join("\n"))
        .bind(first)
        .bind(input.scenario.trim())
        .bind(forces.join("\n"))
        .bind(Stage::Planned.as_str())
        .bind(handling.distribution.to_string())
        .bind(handling.dissemination.as_str())
        .bind(handling.use_.as_str())
        .bind(handling.classification.rank())
        .bind(&now)
        .execute(&mut *w.tx)
        .await?;
        self.confirm_in(&mut w.tx, ctx, &id, initiator, &now).await?;
        let notes: Vec<(&str, &str)> = notify.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
        self.notify_many_in(&mut w.tx, &notes, "exercise", &id).await?;
        self.append_in(
            &mut w.tx,
            self.draft(
                &ctx.into(),
                "exercise.plan",
                format!("{id} {}", joined(&input.participants)),
            ),
        )
        .await?;
        w.tx.commit().await?;
        self.load_exercise(&id).await
    }

    async fn confirm_in(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        ctx: &Ctx,
        id: &str,
        state: &StateCode,
        now: &str,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO exercise_confirmations (exercise_id, state_code, confirmed_by, confirmed_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (exercise_id, state_code) DO NOTHING",
        )
        .bind(id)
        .bind(state.as_str())
        .bind(ctx.viewer.user.as_str())
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// An exercise with its confirmations, whoever asks.
    pub async fn load_exercise(&self, id: &str) -> Result<Exercise> {
        let row = sqlx::query("SELECT * FROM exercises WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("exercise {id}")))?;
        let mut e = exercise_row(&row)?;
        self.exercise_confirmations(&mut e).await?;
        Ok(e)
    }

    async fn exercise_confirmations(&self, e: &mut Exercise) -> Result<()> {
        for r in sqlx::query("SELECT * FROM exercise_confirmations WHERE exercise_id = $1")
            .bind(&e.id)
            .fetch_all(self.pool())
            .await?
        {
            e.confirmed.insert(
                StateCode::new(r.try_get::<String, _>("state_code")?),
                r.try_get("confirmed_at")?,
            );
        }
        Ok(())
    }

    /// An exercise `ctx` may read; one it may not is not found.
    pub async fn visible_exercise(&self, ctx: &Ctx, id: &str) -> Result<Exercise> {
        crate::shared::readable_or_not_found(
            self.load_exercise(id).await,
            |x| self.may_read_exercise(ctx, x),
            format!("exercise {id}"),
        )
    }

    /// The exercises `ctx` may read, by first day, latest first.
    pub async fn list_exercises(&self, ctx: &Ctx, limit: usize) -> Result<Vec<Exercise>> {
        let rows = sqlx::query("SELECT * FROM exercises ORDER BY first_day DESC, id DESC")
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::new();
        for row in &rows {
            let mut e = exercise_row(row)?;
            if self.may_read_exercise(ctx, &e) {
                self.exercise_confirmations(&mut e).await?;
                out.push(e);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Records `state`'s confirmation, once; moves the exercise to
    /// `next` in the same transaction (confirmed once none is awaited).
    pub async fn confirm_exercise(
        &self,
        ctx: &Ctx,
        e: &Exercise,
        state: &StateCode,
        next: Stage,
        notify: &[(String, String)],
    ) -> Result<Exercise> {
        let now = stamp(self.clock().now());
        let mut w = self.write().await?;
        if !self.confirm_in(&mut w.tx, ctx, &e.id, state, &now).await? {
            return Err(StoreError::Conflict(format!("{state} confirmed {} already", e.id)));
        }
        sqlx::query("UPDATE exercises SET stage = $1, version = version + 1 WHERE id = $2")
            .bind(next.as_str())
            .bind(&e.id)
            .execute(&mut *w.tx)
            .await?;
        let notes: Vec<(&str, &str)> = notify.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
        self.notify_many_in(&mut w.tx, &notes, "exercise", &e.id).await?;
        self.append_in(
            &mut w.tx,
            self.draft(&ctx.into(), "exercise.confirm", format!("{} {state}", e.id)),
        )
        .await?;
        w.tx.commit().await?;
        self.load_exercise(&e.id).await
    }

    /// Writes the after-action report, if still at the version read.
    pub async fn report_exercise(
        &self,
        ctx: &Ctx,
        e: &Exercise,
        report: &str,
        lessons: &[String],
        expected_version: i64,
    ) -> Result<Exercise> {
        let mut w = self.write().await?;
        let done = sqlx::query(
            "UPDATE exercises SET stage = $1, after_action = $2, lessons = $3, version = version + 1 \
             WHERE id = $4 AND version = $5 AND stage = 'confirmed'",
        )
        .bind(Stage::Conducted.as_str())
        .bind(report.trim())
        .bind(lessons.join("\n"))
        .bind(&e.id)
        .bind(expected_version)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "exercise {} changed since version {expected_version}: reload it",
                e.id
            )));
        }
        self.append_in(&mut w.tx, self.draft(&ctx.into(), "exercise.report", e.id.clone()))
            .await?;
        w.tx.commit().await?;
        self.load_exercise(&e.id).await
    }
}
