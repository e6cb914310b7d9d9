//! Controlled deliveries' tables: the plan with its route, each state's
//! answer, the trail. The rules are `concord_domain::delivery` and
//! `workflow::controlled_delivery`, applied by `concord_app::deliveries`;
//! this module writes what they allowed, with its notices and audit entry
//! in the same transaction, and reads back only what `decide` lets the
//! viewer see.

use crate::registry::{parse, parse_date};
use crate::stamp::stamp;
use crate::{Ctx, Result, Store, StoreError, new_id};
use concord_domain::delivery::{ControlledDelivery, DeliveryStep, Leg, PlanInput};
use concord_domain::workflow::controlled_delivery::{Answer, Change, Outcome, Stage};
use concord_domain::{Action, AuthorityId, HandlingCode, Protected, StateCode};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeMap;

const T: &str = "controlled_deliveries";

/// The access model's view of a delivery: the lead authority's, shared
/// with the route's states.
pub fn delivery_protected(d: &ControlledDelivery) -> Protected {
    crate::shared::workflow_protected(&d.originator, Some(&d.lead), &d.handling)
}

/// A step to write on a delivery: the workflow's change, the trail entry,
/// the outcome when concluding, the version the caller read, the notices.
pub struct DeliveryWrite<'a> {
    pub change: Change,
    pub action: &'a str,
    pub detail: &'a str,
    pub outcome: Option<Outcome>,
    pub expected_version: i64,
    pub notify: &'a [(String, String)],
}

fn delivery_row(row: &AnyRow) -> Result<ControlledDelivery> {
    Ok(ControlledDelivery {
        id: row.try_get("id")?,
        originator: AuthorityId::new(row.try_get::<String, _>("originator")?),
        lead: StateCode::new(row.try_get::<String, _>("lead_state")?),
        consignment: row.try_get("consignment")?,
        method: parse(T, &row.try_get::<String, _>("method")?)?,
        route: Vec::new(),
        planned_start: parse_date(T, &row.try_get::<String, _>("planned_start")?)?,
        planned_end: parse_date(T, &row.try_get::<String, _>("planned_end")?)?,
        stage: parse(T, &row.try_get::<String, _>("stage")?)?,
        custodian: row
            .try_get::<Option<i64>, _>("custodian")?
            .map(|c| usize::try_from(c).map_err(|_| StoreError::corrupt(T, "custodian out of range")))
            .transpose()?,
        answers: BTreeMap::new(),
        outcome: row
            .try_get::<Option<String>, _>("outcome")?
            .map(|o| parse(T, &o))
            .transpose()?,
        outcome_detail: row.try_get("outcome_detail")?,
        handling: crate::registry::handling_of(row, T)?,
        timeline: Vec::new(),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        version: row.try_get("version")?,
    })
}

impl Store {
    /// Whether `ctx` may read the delivery.
    pub fn may_read_delivery(&self, ctx: &Ctx, d: &ControlledDelivery) -> bool {
        self.decide_on(ctx, &delivery_protected(d), Action::Read).allowed
    }

    /// Writes a plan the use case checked, with its first trail entry, its
    /// notices and its audit entry.
    pub async fn propose_delivery(
        &self,
        ctx: &Ctx,
        input: &PlanInput,
        handling: &HandlingCode,
        notify: &[(String, String)],
    ) -> Result<ControlledDelivery> {
        let lead = ctx
            .viewer
            .state
            .clone()
            .ok_or_else(|| StoreError::Forbidden("the regional structure leads no controlled delivery".into()))?;
        let id = new_id("cd");
        let now = stamp(self.clock().now());
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO controlled_deliveries (id, originator, lead_state, consignment, method, planned_start, \
             planned_end, stage, custodian, outcome, outcome_detail, distribution, dissemination, use_code, \
             classification, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, '', $9, $10, $11, $12, $13, $13, 1)",
        )
        .bind(&id)
        .bind(ctx.viewer.authority.as_str())
        .bind(lead.as_str())
        .bind(input.consignment.trim())
        .bind(input.method.as_str())
        .bind(input.planned_start.to_string())
        .bind(input.planned_end.to_string())
        .bind(Stage::Proposed.as_str())
        .bind(handling.distribution.to_string())
        .bind(handling.dissemination.as_str())
        .bind(handling.use_.as_str())
        .bind(handling.classification.rank())
        .bind(&now)
        .execute(&mut *w.tx)
        .await?;
        for (i, leg) in input.route.iter().enumerate() {
            sqlx::query(
                "INSERT INTO delivery_legs (delivery_id, position, state_code, handover_point, contact) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&id)
            .bind(i as i64)
            .bind(leg.state.as_str())
            .bind(leg.handover_point.trim())
            .bind(leg.contact.trim())
            .execute(&mut *w.tx)
            .await?;
        }
        let route: Vec<&str> = input.route.iter().map(|l| l.state.as_str()).collect();
        let detail = format!("{} via {}", input.method, route.join(" -> "));
        self.delivery_event_in(&mut w.tx, &id, ctx, "propose", &detail).await?;
        let notes: Vec<(&str, &str)> = notify.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
        self.notify_many_in(&mut w.tx, &notes, "delivery", &id).await?;
        self.append_in(
            &mut w.tx,
            self.draft(&ctx.into(), "delivery.propose", format!("{id} {detail}")),
        )
        .await?;
        w.tx.commit().await?;
        self.load_delivery(&id).await
    }

    async fn delivery_event_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        id: &str,
        ctx: &Ctx,
        action: &str,
        detail: &str,
    ) -> Result<()> {
        let who = crate::trail::Actor {
            user: ctx.viewer.user.as_str(),
            state: ctx.viewer.state.as_ref().map(|s| s.as_str()),
        };
        self.trail_in(tx, crate::trail::DELIVERY, id, who, action, detail)
            .await
            .map(drop)
    }

    /// A delivery with its route, answers and trail, whoever asks: for use
    /// cases that judged access already.
    pub async fn load_delivery(&self, id: &str) -> Result<ControlledDelivery> {
        let row = sqlx::query("SELECT * FROM controlled_deliveries WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("controlled delivery {id}")))?;
        let mut d = delivery_row(&row)?;
        self.delivery_details(&mut d).await?;
        Ok(d)
    }

    /// Reads a delivery's route, answers and trail into it.
    async fn delivery_details(&self, d: &mut ControlledDelivery) -> Result<()> {
        let id = d.id.clone();
        let id = id.as_str();
        for r in sqlx::query("SELECT * FROM delivery_legs WHERE delivery_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(self.pool())
            .await?
        {
            d.route.push(Leg {
                state: StateCode::new(r.try_get::<String, _>("state_code")?),
                handover_point: r.try_get("handover_point")?,
                contact: r.try_get("contact")?,
            });
        }
        for r in sqlx::query("SELECT * FROM delivery_answers WHERE delivery_id = $1")
            .bind(id)
            .fetch_all(self.pool())
            .await?
        {
            let text: String = r.try_get("text")?;
            let answer = match r.try_get::<String, _>("answer")?.as_str() {
                "authorized" => Answer::Authorized { conditions: text },
                "refused" => Answer::Refused { reasons: text },
                other => return Err(StoreError::corrupt("delivery_answers", format!("answer {other:?}"))),
            };
            d.answers.insert(
                StateCode::new(r.try_get::<String, _>("state_code")?),
                (answer, r.try_get("answered_by")?, r.try_get("answered_at")?),
            );
        }
        for r in sqlx::query("SELECT * FROM delivery_events WHERE delivery_id = $1 ORDER BY seq")
            .bind(id)
            .fetch_all(self.pool())
            .await?
        {
            d.timeline.push(DeliveryStep {
                seq: r.try_get("seq")?,
                at: r.try_get("at")?,
                actor: r.try_get("actor")?,
                state: r.try_get("state_code")?,
                action: r.try_get("action")?,
                detail: r.try_get("detail")?,
            });
        }
        Ok(())
    }

    /// A delivery `ctx` may read; one it may not is not found.
    pub async fn visible_delivery(&self, ctx: &Ctx, id: &str) -> Result<ControlledDelivery> {
        crate::shared::readable_or_not_found(
            self.load_delivery(id).await,
            |x| self.may_read_delivery(ctx, x),
            format!("controlled delivery {id}"),
        )
    }

    /// The newest deliveries `ctx` may read, with their routes.
    pub async fn list_deliveries(&self, ctx: &Ctx, limit: usize) -> Result<Vec<ControlledDelivery>> {
        let rows = sqlx::query("SELECT * FROM controlled_deliveries ORDER BY created_at DESC, id DESC")
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::new();
        // Judged on the row (the handling code is there); the route,
        // answers and trail are read only for what is shown.
        for row in &rows {
            let mut d = delivery_row(row)?;
            if self.may_read_delivery(ctx, &d) {
                self.delivery_details(&mut d).await?;
                out.push(d);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Takes a step the workflow allowed: the new stage and custody, the
    /// answer or the outcome, one trail entry, the notices, one audit
    /// entry. A stale version is a conflict.
    pub async fn step_delivery(
        &self,
        ctx: &Ctx,
        d: &ControlledDelivery,
        step: DeliveryWrite<'_>,
    ) -> Result<ControlledDelivery> {
        let now = stamp(self.clock().now());
        let mut w = self.write().await?;
        let done = sqlx::query(
            "UPDATE controlled_deliveries SET stage = $1, custodian = $2, outcome = COALESCE($3, outcome), \
             outcome_detail = CASE WHEN $3 IS NULL THEN outcome_detail ELSE $4 END, updated_at = $5, \
             version = version + 1 WHERE id = $6 AND version = $7",
        )
        .bind(step.change.stage.as_str())
        .bind(step.change.custodian.map(|c| c as i64))
        .bind(step.outcome.map(|o| o.as_str()))
        .bind(step.detail.trim())
        .bind(&now)
        .bind(&d.id)
        .bind(step.expected_version)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "controlled delivery {} changed since version {}: reload it",
                d.id, step.expected_version
            )));
        }
        if let (Some(answer), Some(state)) = (&step.change.answer, &ctx.viewer.state) {
            let (kind, text) = match answer {
                Answer::Authorized { conditions } => ("authorized", conditions),
                Answer::Refused { reasons } => ("refused", reasons),
            };
            sqlx::query(
                "INSERT INTO delivery_answers (delivery_id, state_code, answer, text, answered_by, answered_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&d.id)
            .bind(state.as_str())
            .bind(kind)
            .bind(text)
            .bind(ctx.viewer.user.as_str())
            .bind(&now)
            .execute(&mut *w.tx)
            .await?;
        }
        self.delivery_event_in(&mut w.tx, &d.id, ctx, step.action, step.detail.trim())
            .await?;
        let notes: Vec<(&str, &str)> = step.notify.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
        self.notify_many_in(&mut w.tx, &notes, "delivery", &d.id).await?;
        let target = format!("{} {} -> {}", d.id, step.action, step.change.stage);
        self.append_in(&mut w.tx, self.draft(&ctx.into(), "delivery.step", target))
            .await?;
        w.tx.commit().await?;
        self.load_delivery(&d.id).await
    }
}
