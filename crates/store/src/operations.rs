//! Joint operations' tables: the plan and each participant's results. The
//! rules are `concord_domain::operation`, applied by
//! `concord_app::operations`; reads go through `decide` (the distribution
//! is the participants).

use crate::registry::{parse, parse_date};
use crate::stamp::stamp;
use crate::{Ctx, Result, Store, StoreError, new_id};
use concord_domain::operation::{Operation, OperationInput, Results, Seizure, Stage};
use concord_domain::{Action, AuthorityId, HandlingCode, Protected, StateCode};
use sqlx::Row;
use sqlx::any::AnyRow;

const T: &str = "joint_operations";

/// The access model's view of an operation: the lead authority's, shared
/// with the participants.
pub fn operation_protected(o: &Operation) -> Protected {
    crate::shared::workflow_protected(&o.originator, Some(&o.lead), &o.handling)
}

fn operation_row(row: &AnyRow) -> Result<Operation> {
    Ok(Operation {
        id: row.try_get("id")?,
        originator: AuthorityId::new(row.try_get::<String, _>("originator")?),
        lead: StateCode::new(row.try_get::<String, _>("lead_state")?),
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        participants: row
            .try_get::<String, _>("participants")?
            .split(',')
            .filter(|s| !s.is_empty())
            .map(StateCode::from)
            .collect(),
        starts: parse_date(T, &row.try_get::<String, _>("starts")?)?,
        ends: parse_date(T, &row.try_get::<String, _>("ends")?)?,
        stage: parse(T, &row.try_get::<String, _>("stage")?)?,
        results: Vec::new(),
        handling: crate::registry::handling_of(row, T)?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        version: row.try_get("version")?,
    })
}

fn seizures_of(text: &str) -> Result<Vec<Seizure>> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (substance, grams) = l
                .split_once('\t')
                .ok_or_else(|| StoreError::corrupt("operation_results", format!("seizure {l:?}")))?;
            Ok(Seizure {
                substance: substance.to_owned(),
                grams: grams
                    .parse()
                    .map_err(|_| StoreError::corrupt("operation_results", format!("grams {grams:?}")))?,
            })
        })
        .collect()
}

impl Store {
    /// Whether `ctx` may read the operation.
    pub fn may_read_operation(&self, ctx: &Ctx, o: &Operation) -> bool {
        self.decide_on(ctx, &operation_protected(o), Action::Read).allowed
    }

    /// Writes a plan the use case checked, with its notices and audit entry.
    pub async fn plan_operation(
        &self,
        ctx: &Ctx,
        input: &OperationInput,
        handling: &HandlingCode,
        notify: &[(String, String)],
    ) -> Result<Operation> {
        let lead = ctx
            .viewer
            .state
            .clone()
            .ok_or_else(|| StoreError::Forbidden("the regional structure leads no joint operation".into()))?;
        let id = new_id("op");
        let now = stamp(self.clock().now());
        let participants: Vec<&str> = input.participants.iter().map(|s| s.as_str()).collect();
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO joint_operations (id, originator, lead_state, name, description, participants, starts, ends, \
             stage, distribution, dissemination, use_code, classification, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, 1)",
        )
        .bind(&id)
        .bind(ctx.viewer.authority.as_str())
        .bind(lead.as_str())
        .bind(input.name.trim())
        .bind(input.description.trim())
        .bind(participants.join(","))
        .bind(input.starts.to_string())
        .bind(input.ends.to_string())
        .bind(Stage::Planned.as_str())
        .bind(handling.distribution.to_string())
        .bind(handling.dissemination.as_str())
        .bind(handling.use_.as_str())
        .bind(handling.classification.rank())
        .bind(&now)
        .execute(&mut *w.tx)
        .await?;
        let notes: Vec<(&str, &str)> = notify.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
        self.notify_many_in(&mut w.tx, &notes, "operation", &id).await?;
        self.append_in(
            &mut w.tx,
            self.draft(
                &ctx.into(),
                "operation.plan",
                format!("{id} {}", participants.join(",")),
            ),
        )
        .await?;
        w.tx.commit().await?;
        self.load_operation(&id).await
    }

    /// An operation with its results, whoever asks.
    pub async fn load_operation(&self, id: &str) -> Result<Operation> {
        let row = sqlx::query("SELECT * FROM joint_operations WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("operation {id}")))?;
        let mut o = operation_row(&row)?;
        self.operation_results(&mut o).await?;
        Ok(o)
    }

    /// Reads every participant's results into the operation.
    async fn operation_results(&self, o: &mut Operation) -> Result<()> {
        for r in sqlx::query("SELECT * FROM operation_results WHERE operation_id = $1 ORDER BY state_code")
            .bind(&o.id)
            .fetch_all(self.pool())
            .await?
        {
            o.results.push(Results {
                state: StateCode::new(r.try_get::<String, _>("state_code")?),
                seizures: seizures_of(&r.try_get::<String, _>("seizures")?)?,
                arrests: r.try_get("arrests")?,
                cases_opened: r.try_get("cases_opened")?,
                reported_by: r.try_get("reported_by")?,
                reported_at: r.try_get("reported_at")?,
            });
        }
        Ok(())
    }

    /// An operation `ctx` may read; one it may not is not found.
    pub async fn visible_operation(&self, ctx: &Ctx, id: &str) -> Result<Operation> {
        crate::shared::readable_or_not_found(
            self.load_operation(id).await,
            |x| self.may_read_operation(ctx, x),
            format!("operation {id}"),
        )
    }

    /// The operations `ctx` may read, newest first.
    pub async fn list_operations(&self, ctx: &Ctx, limit: usize) -> Result<Vec<Operation>> {
        let rows = sqlx::query("SELECT * FROM joint_operations ORDER BY created_at DESC, id DESC")
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::new();
        // Judged on the row; the results are read only for what is shown.
        for row in &rows {
            let mut o = operation_row(row)?;
            if self.may_read_operation(ctx, &o) {
                self.operation_results(&mut o).await?;
                out.push(o);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Moves an operation to `stage`, if still at the version read.
    pub async fn stage_operation(
        &self,
        ctx: &Ctx,
        o: &Operation,
        stage: Stage,
        expected_version: i64,
        notify: &[(String, String)],
    ) -> Result<Operation> {
        let now = stamp(self.clock().now());
        let mut w = self.write().await?;
        let done = sqlx::query(
            "UPDATE joint_operations SET stage = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4",
        )
        .bind(stage.as_str())
        .bind(&now)
        .bind(&o.id)
        .bind(expected_version)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "operation {} changed since version {expected_version}: reload it",
                o.id
            )));
        }
        let notes: Vec<(&str, &str)> = notify.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
        self.notify_many_in(&mut w.tx, &notes, "operation", &o.id).await?;
        self.append_in(
            &mut w.tx,
            self.draft(&ctx.into(), "operation.step", format!("{} -> {stage}", o.id)),
        )
        .await?;
        w.tx.commit().await?;
        self.load_operation(&o.id).await
    }

    /// Writes (or replaces) the caller's state's results.
    pub async fn report_results(
        &self,
        ctx: &Ctx,
        o: &Operation,
        state: &StateCode,
        seizures: &[Seizure],
        arrests: i64,
        cases_opened: i64,
    ) -> Result<Operation> {
        let now = stamp(self.clock().now());
        let text: Vec<String> = seizures
            .iter()
            .map(|s| format!("{}\t{}", s.substance.replace(['\t', '\n'], " "), s.grams))
            .collect();
        let mut w = self.write().await?;
        sqlx::query("DELETE FROM operation_results WHERE operation_id = $1 AND state_code = $2")
            .bind(&o.id)
            .bind(state.as_str())
            .execute(&mut *w.tx)
            .await?;
        sqlx::query(
            "INSERT INTO operation_results (operation_id, state_code, seizures, arrests, cases_opened, reported_by, \
             reported_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&o.id)
        .bind(state.as_str())
        .bind(text.join("\n"))
        .bind(arrests)
        .bind(cases_opened)
        .bind(ctx.viewer.user.as_str())
        .bind(&now)
        .execute(&mut *w.tx)
        .await?;
        self.append_in(
            &mut w.tx,
            self.draft(
                &ctx.into(),
                "operation.results",
                format!(
                    "{} {state}: {arrests} arrests, {cases_opened} cases, {} seizures",
                    o.id,
                    seizures.len()
                ),
            ),
        )
        .await?;
        w.tx.commit().await?;
        self.load_operation(&o.id).await
    }
}
