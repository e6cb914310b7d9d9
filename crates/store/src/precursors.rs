//! Precursor control's tables: declared requirements, pre-export
//! notifications with their trail, incidents. The rules (who may notify,
//! answer or stop, what a notification must say) are
//! `concord_domain::precursor` and `workflow::pre_export`, applied by
//! `concord_app::precursors`; this module writes what they allowed, with its
//! notices and audit entry in the same transaction, and reads back only what
//! the access decision lets the viewer see.

use crate::registry::{handling_of, parse, parse_date};
use crate::stamp::stamp;
use crate::{Ctx, Result, Store, StoreError, new_id};
use concord_domain::precursor::{
    Assessment, Incident, IncidentInput, NotificationInput, NotificationStep, PreExportNotification, Requirement,
    TransitLeg,
};
use concord_domain::workflow::pre_export::Stage;
use concord_domain::{Action, AuthorityId, Compliance, HandlingCode, Protected, StateCode};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeSet;

const T: &str = "pre_export_notifications";

fn transit_text(legs: &[TransitLeg]) -> String {
    legs.iter()
        .map(|l| format!("{}\t{}", l.state, l.point_of_entry.replace(['\t', '\n'], " ")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn transit_of(text: &str) -> Result<Vec<TransitLeg>> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (state, point) = l
                .split_once('\t')
                .ok_or_else(|| StoreError::corrupt(T, format!("transit leg {l:?}")))?;
            Ok(TransitLeg {
                state: StateCode::from(state),
                point_of_entry: point.to_owned(),
            })
        })
        .collect()
}

fn notification_row(row: &AnyRow) -> Result<PreExportNotification> {
    Ok(PreExportNotification {
        id: row.try_get("id")?,
        originator: AuthorityId::new(row.try_get::<String, _>("originator")?),
        exporting_state: StateCode::new(row.try_get::<String, _>("exporting_state")?),
        importing_state: StateCode::new(row.try_get::<String, _>("importing_state")?),
        exporter: row.try_get("exporter")?,
        importer: row.try_get("importer")?,
        consignee: row.try_get("consignee")?,
        substance: row.try_get("substance")?,
        quantity: row.try_get("quantity")?,
        transit: transit_of(&row.try_get::<String, _>("transit")?)?,
        point_of_entry: row.try_get("point_of_entry")?,
        planned_export: parse_date(T, &row.try_get::<String, _>("planned_export")?)?,
        deadline: row.try_get("deadline")?,
        stage: parse(T, &row.try_get::<String, _>("stage")?)?,
        handling: handling_of(row, T)?,
        assessment: Assessment {
            declared: row.try_get("declared")?,
            notified_before: row.try_get("notified_before")?,
            quantity: row.try_get("quantity")?,
        },
        overdue_flagged: row.try_get::<i64, _>("overdue_flagged")? != 0,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        timeline: Vec::new(),
        incidents: Vec::new(),
        version: row.try_get("version")?,
    })
}

fn ids_of(text: &str) -> Vec<String> {
    text.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

fn incident_row(row: &AnyRow) -> Result<Incident> {
    let t = "precursor_incidents";
    let state: Option<String> = row.try_get("originator_state")?;
    Ok(Incident {
        id: row.try_get("id")?,
        originator: AuthorityId::new(row.try_get::<String, _>("originator")?),
        originator_state: state.map(StateCode::new),
        kind: parse(t, &row.try_get::<String, _>("kind")?)?,
        occurred_on: parse_date(t, &row.try_get::<String, _>("occurred_on")?)?,
        place: row.try_get("place")?,
        description: row.try_get("description")?,
        substance: row.try_get("substance")?,
        quantity: row.try_get("quantity")?,
        notification: row.try_get("notification_id")?,
        records: ids_of(&row.try_get::<String, _>("records")?),
        messages: ids_of(&row.try_get::<String, _>("messages")?),
        handling: handling_of(row, t)?,
        created_at: row.try_get("created_at")?,
    })
}

/// The access model's view of a notification: the exporting authority's,
/// shared with the route's states, approved when notified.
pub fn notification_protected(n: &PreExportNotification) -> Protected {
    Protected {
        originator: n.originator.clone(),
        originator_state: Some(n.exporting_state.clone()),
        handling: n.handling.clone(),
        compliance: Compliance::Approved,
        review_date: None,
        consented: BTreeSet::new(),
        archived: false,
    }
}

/// The access model's view of an incident.
pub fn incident_protected(i: &Incident) -> Protected {
    Protected {
        originator: i.originator.clone(),
        originator_state: i.originator_state.clone(),
        handling: i.handling.clone(),
        compliance: Compliance::Approved,
        review_date: None,
        consented: BTreeSet::new(),
        archived: false,
    }
}

/// The cumulative check in one statement: the declared requirement, and the
/// sum of what still counts (read from the covering index
/// `pre_export_by_import`). SUM of BIGINT is NUMERIC on PostgreSQL: cast
/// back, for one type on both backends.
fn notified_total_query<'q>(
    importing: &'q StateCode,
    substance: &'q str,
    year: i32,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    sqlx::query(
        "SELECT (SELECT quantity FROM precursor_requirements WHERE state_code = $1 AND substance = $2 AND year = $3), \
         CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM pre_export_notifications \
         WHERE importing_state = $1 AND substance = $2 AND year = $3 AND counts = 1",
    )
    .bind(importing.as_str())
    .bind(substance)
    .bind(i64::from(year))
}

/// Per importer, substance and year: the declared requirement and what was
/// notified so far.
type Totals = std::collections::HashMap<(StateCode, String, i32), (Option<i64>, i64)>;

/// A checked notification to write: what was notified, its quantity in
/// grams (millilitres), its handling code with the route's distribution,
/// its reply deadline, and the notices `(addressee, text)` it sends.
#[derive(Debug, Clone, Copy)]
pub struct NewNotification<'a> {
    pub input: &'a NotificationInput,
    pub quantity: i64,
    pub handling: &'a HandlingCode,
    pub deadline: time::OffsetDateTime,
    pub notify: &'a [(String, String)],
}

/// A step to write on a notification.
pub struct NotificationWrite<'a> {
    /// The stage it reaches.
    pub stage: Stage,
    /// `confirm`, `object`, ... as the trail shows it.
    pub action: &'a str,
    pub detail: &'a str,
    /// The version the caller saw.
    pub expected_version: i64,
    /// Authorities to tell, with the notice's text.
    pub notify: &'a [(String, String)],
}

impl Store {
    /// Whether `ctx` may read the notification.
    pub fn may_read_notification(&self, ctx: &Ctx, n: &PreExportNotification) -> bool {
        self.decide_on(ctx, &notification_protected(n), Action::Read).allowed
    }

    /// Whether `ctx` may read the incident.
    pub fn may_read_incident(&self, ctx: &Ctx, i: &Incident) -> bool {
        self.decide_on(ctx, &incident_protected(i), Action::Read).allowed
    }

    /// Every declared requirement for `year` (they are public figures, as the
    /// INCB publishes them).
    pub async fn precursor_requirements(&self, year: i32) -> Result<Vec<Requirement>> {
        let rows = sqlx::query("SELECT * FROM precursor_requirements WHERE year = $1 ORDER BY state_code, substance")
            .bind(i64::from(year))
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Requirement {
                    state: StateCode::new(r.try_get::<String, _>("state_code")?),
                    substance: r.try_get("substance")?,
                    year: i32::try_from(r.try_get::<i64, _>("year")?)
                        .map_err(|e| StoreError::corrupt("precursor_requirements", e))?,
                    quantity: r.try_get("quantity")?,
                    declared_by: r.try_get("declared_by")?,
                    declared_at: r.try_get("declared_at")?,
                })
            })
            .collect()
    }

    /// Declares (or replaces) `state`'s requirement of a substance for a year.
    pub async fn declare_requirement(
        &self,
        ctx: &Ctx,
        state: &StateCode,
        substance: &str,
        year: i32,
        quantity: i64,
    ) -> Result<Requirement> {
        let at = stamp(self.clock().now());
        let mut w = self.write().await?;
        sqlx::query("DELETE FROM precursor_requirements WHERE state_code = $1 AND substance = $2 AND year = $3")
            .bind(state.as_str())
            .bind(substance)
            .bind(i64::from(year))
            .execute(&mut *w.tx)
            .await?;
        sqlx::query(
            "INSERT INTO precursor_requirements (state_code, substance, year, quantity, declared_by, declared_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(state.as_str())
        .bind(substance)
        .bind(i64::from(year))
        .bind(quantity)
        .bind(ctx.viewer.user.as_str())
        .bind(&at)
        .execute(&mut *w.tx)
        .await?;
        let target = format!("{state} {substance} {year}: {quantity}");
        self.append_in(&mut w.tx, self.draft(&ctx.into(), "precursor.requirement", target))
            .await?;
        w.tx.commit().await?;
        Ok(Requirement {
            state: state.clone(),
            substance: substance.to_owned(),
            year,
            quantity,
            declared_by: ctx.viewer.user.to_string(),
            declared_at: at,
        })
    }

    /// The importer's declared requirement of a substance for a year, and
    /// what was notified to it so far that still counts: the cumulative
    /// check, read on its own.
    pub async fn notified_total(
        &self,
        importing: &StateCode,
        substance: &str,
        year: i32,
    ) -> Result<(Option<i64>, i64)> {
        let row = notified_total_query(importing, substance, year)
            .fetch_one(self.pool())
            .await?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }

    async fn notified_total_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        importing: &StateCode,
        substance: &str,
        year: i32,
    ) -> Result<(Option<i64>, i64)> {
        let row = notified_total_query(importing, substance, year)
            .fetch_one(&mut **tx)
            .await?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }

    /// Writes a notification the use case checked, assessed against the
    /// importer's requirement in the same transaction, with its first step,
    /// its notices and its audit entry.
    pub async fn notify_export(&self, ctx: &Ctx, n: &NewNotification<'_>) -> Result<PreExportNotification> {
        let ids = self.notify_exports(ctx, std::slice::from_ref(n)).await?;
        let id = ids
            .first()
            .ok_or_else(|| StoreError::corrupt(T, "a notification written without an id"))?;
        self.load_notification(id).await
    }

    /// Writes a batch of checked notifications in one transaction: all or
    /// none. Each is assessed with the batch's earlier ones counted (what
    /// each importer was notified is read once, then counted on: the
    /// transaction writes nothing else). The rows, first steps, notices and
    /// audit entries go in as multi-row inserts, a few statements for the
    /// whole batch. Returns the ids in order.
    pub async fn notify_exports(&self, ctx: &Ctx, batch: &[NewNotification<'_>]) -> Result<Vec<String>> {
        let exporting = ctx
            .viewer
            .state
            .clone()
            .ok_or_else(|| StoreError::Forbidden("the regional structure exports nothing".into()))?;
        let mut w = self.write().await?;
        let now = stamp(self.clock().now());
        let registry = &self.snapshot().registry;
        let mut totals = Totals::new();
        let mut rows = Vec::with_capacity(batch.len());
        for n in batch {
            let input = n.input;
            let year = input.planned_export.year();
            let key = (input.importing_state.clone(), input.substance.clone(), year);
            let (declared, before) = match totals.get(&key) {
                Some(found) => *found,
                None => {
                    self.notified_total_in(&mut w.tx, &input.importing_state, &input.substance, year)
                        .await?
                }
            };
            totals.insert(key, (declared, before + n.quantity));
            let detail = format!(
                "{} of {} to {}",
                concord_domain::precursor::quantity_text(registry, &input.substance, n.quantity),
                input.substance,
                input.importing_state
            );
            rows.push((new_id("pen"), n, declared, before, detail));
        }
        // 22 parameters a row, 8 a step, 6 a notice: chunks that stay far
        // below either backend's limit on bound parameters.
        for chunk in rows.chunks(400) {
            let sql = format!(
                "INSERT INTO pre_export_notifications (id, originator, exporting_state, importing_state, exporter, \
                 importer, consignee, substance, quantity, transit, point_of_entry, planned_export, year, deadline, \
                 stage, counts, distribution, dissemination, use_code, classification, declared, notified_before, \
                 overdue_flagged, created_at, updated_at, version) VALUES {}",
                crate::records::numbered(
                    self.backend(),
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, 0, ?, ?, 1)",
                    chunk.len()
                )
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (id, n, declared, before, _) in chunk {
                let input = n.input;
                q = q
                    .bind(id)
                    .bind(ctx.viewer.authority.as_str())
                    .bind(exporting.as_str())
                    .bind(input.importing_state.as_str())
                    .bind(input.exporter.trim())
                    .bind(input.importer.trim())
                    .bind(input.consignee.trim())
                    .bind(input.substance.trim())
                    .bind(n.quantity)
                    .bind(transit_text(&input.transit))
                    .bind(input.point_of_entry.trim())
                    .bind(input.planned_export.to_string())
                    .bind(i64::from(input.planned_export.year()))
                    .bind(stamp(n.deadline))
                    .bind(Stage::Notified.as_str())
                    .bind(n.handling.distribution.to_string())
                    .bind(n.handling.dissemination.as_str())
                    .bind(n.handling.use_.as_str())
                    .bind(n.handling.classification.rank())
                    .bind(*declared)
                    .bind(*before)
                    .bind(&now)
                    .bind(&now);
            }
            q.execute(&mut *w.tx).await?;
            let sql = format!(
                "INSERT INTO pre_export_events (notification_id, seq, at, actor, state_code, action, detail) VALUES {}",
                crate::records::numbered(self.backend(), "(?, 1, ?, ?, ?, 'notify', ?)", chunk.len())
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (id, _, _, _, detail) in chunk {
                q = q
                    .bind(id)
                    .bind(&now)
                    .bind(ctx.viewer.user.as_str())
                    .bind(exporting.as_str())
                    .bind(detail);
            }
            q.execute(&mut *w.tx).await?;
            let notes: Vec<(&str, &str, &str)> = chunk
                .iter()
                .flat_map(|(id, n, ..)| n.notify.iter().map(move |(a, t)| (a.as_str(), t.as_str(), id.as_str())))
                .collect();
            self.notify_each_in(&mut w.tx, &notes, "precursor").await?;
        }
        let actor = ctx.into();
        let drafts: Vec<_> = rows
            .iter()
            .map(|(id, _, _, _, detail)| self.draft(&actor, "precursor.notify", format!("{id} {detail}")))
            .collect();
        self.append_many_in(&mut w.tx, &drafts).await?;
        w.tx.commit().await?;
        Ok(rows.into_iter().map(|(id, ..)| id).collect())
    }

    async fn event_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        id: &str,
        ctx: &Ctx,
        action: &str,
        detail: &str,
    ) -> Result<NotificationStep> {
        self.event_as_in(
            tx,
            id,
            ctx.viewer.user.as_str(),
            ctx.viewer.state.as_ref().map(|s| s.as_str()),
            action,
            detail,
        )
        .await
    }

    async fn event_as_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        id: &str,
        actor: &str,
        state: Option<&str>,
        action: &str,
        detail: &str,
    ) -> Result<NotificationStep> {
        let who = crate::trail::Actor { user: actor, state };
        let (seq, at) = self
            .trail_in(tx, crate::trail::NOTIFICATION, id, who, action, detail)
            .await?;
        Ok(NotificationStep {
            seq,
            at,
            actor: actor.to_owned(),
            state: state.map(str::to_owned),
            action: action.to_owned(),
            detail: detail.to_owned(),
        })
    }

    /// A notification with its trail, whoever asks: for use cases that
    /// judged access already, and for the node's own upkeep.
    pub async fn load_notification(&self, id: &str) -> Result<PreExportNotification> {
        let mut n = self.notification_with_trail(id).await?;
        n.incidents = self.incidents_of(id).await?.into_iter().map(|i| i.id).collect();
        Ok(n)
    }

    async fn notification_with_trail(&self, id: &str) -> Result<PreExportNotification> {
        let row = sqlx::query("SELECT * FROM pre_export_notifications WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("notification {id}")))?;
        let mut n = notification_row(&row)?;
        let rows = sqlx::query("SELECT * FROM pre_export_events WHERE notification_id = $1 ORDER BY seq")
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        n.timeline = rows
            .iter()
            .map(|r| {
                Ok(NotificationStep {
                    seq: r.try_get("seq")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    state: r.try_get("state_code")?,
                    action: r.try_get("action")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(n)
    }

    async fn incidents_of(&self, notification: &str) -> Result<Vec<Incident>> {
        let rows = sqlx::query("SELECT * FROM precursor_incidents WHERE notification_id = $1 ORDER BY created_at, id")
            .bind(notification)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(incident_row).collect()
    }

    /// The notification if `ctx` may read it; "not found" otherwise, as for
    /// one that does not exist. Its incidents are those `ctx` may read.
    pub async fn visible_notification(&self, ctx: &Ctx, id: &str) -> Result<PreExportNotification> {
        let mut n = match self.notification_with_trail(id).await {
            Ok(n) if self.may_read_notification(ctx, &n) => n,
            Ok(_) | Err(StoreError::NotFound(_)) => return Err(StoreError::NotFound(format!("notification {id}"))),
            Err(e) => return Err(e),
        };
        n.incidents = self
            .incidents_of(id)
            .await?
            .into_iter()
            .filter(|i| self.may_read_incident(ctx, i))
            .map(|i| i.id)
            .collect();
        Ok(n)
    }

    /// The newest notifications `ctx` may read, at most `limit`, optionally
    /// of one stage and year.
    pub async fn list_notifications(
        &self,
        ctx: &Ctx,
        stage: Option<Stage>,
        year: Option<i32>,
        limit: usize,
    ) -> Result<Vec<PreExportNotification>> {
        let mut out = Vec::new();
        let mut before: Option<(String, String)> = None;
        // Newest first, a chunk at a time, each row judged by the access model.
        loop {
            let mut sql = String::from("SELECT * FROM pre_export_notifications WHERE 1 = 1");
            let mut n = 0;
            let mut arg = || {
                n += 1;
                format!("${n}")
            };
            if stage.is_some() {
                sql.push_str(&format!(" AND stage = {}", arg()));
            }
            if year.is_some() {
                sql.push_str(&format!(" AND year = {}", arg()));
            }
            if before.is_some() {
                let (a, b) = (arg(), arg());
                sql.push_str(&format!(" AND (created_at < {a} OR (created_at = {a} AND id < {b}))"));
            }
            sql.push_str(" ORDER BY created_at DESC, id DESC LIMIT 200");
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            if let Some(s) = stage {
                q = q.bind(s.as_str());
            }
            if let Some(y) = year {
                q = q.bind(i64::from(y));
            }
            if let Some((at, id)) = &before {
                q = q.bind(at.clone()).bind(id.clone());
            }
            let rows = q.fetch_all(self.pool()).await?;
            let done = rows.len() < 200;
            for row in &rows {
                let n = notification_row(row)?;
                before = Some((n.created_at.clone(), n.id.clone()));
                if self.may_read_notification(ctx, &n) {
                    out.push(n);
                    if out.len() >= limit {
                        return Ok(out);
                    }
                }
            }
            if done {
                return Ok(out);
            }
        }
    }

    /// Moves a notification to the step's stage, if it is still at the
    /// version the caller saw, with its trail entry.
    async fn stage_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx,
        n: &PreExportNotification,
        step: &NotificationWrite<'_>,
        now: &str,
    ) -> Result<NotificationStep> {
        let done = sqlx::query(
            "UPDATE pre_export_notifications SET stage = $1, counts = $2, updated_at = $3, version = version + 1 \
             WHERE id = $4 AND version = $5",
        )
        .bind(step.stage.as_str())
        .bind(i64::from(step.stage.counts_against_requirement()))
        .bind(now)
        .bind(&n.id)
        .bind(step.expected_version)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "notification {} changed since version {}: reload it",
                n.id, step.expected_version
            )));
        }
        self.event_in(tx, &n.id, ctx, step.action, step.detail).await
    }

    /// Takes a step the workflow allowed: the new stage, one trail entry,
    /// the notices, one audit entry. A stale version is a conflict.
    pub async fn step_notification(
        &self,
        ctx: &Ctx,
        n: &PreExportNotification,
        step: NotificationWrite<'_>,
    ) -> Result<PreExportNotification> {
        let now = stamp(self.clock().now());
        let mut w = self.write().await?;
        let event = self.stage_in(&mut w.tx, ctx, n, &step, &now).await?;
        let notes: Vec<(&str, &str)> = step.notify.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
        self.notify_many_in(&mut w.tx, &notes, "precursor", &n.id).await?;
        let target = format!("{} {} -> {}", n.id, step.action, step.stage);
        self.append_in(&mut w.tx, self.draft(&ctx.into(), "precursor.step", target))
            .await?;
        w.tx.commit().await?;
        // What was written, without reading it back: the update matched
        // the version the caller read, so nothing else changed it.
        let mut next = n.clone();
        next.stage = step.stage;
        next.version = step.expected_version + 1;
        next.updated_at = now;
        next.timeline.push(event);
        Ok(next)
    }

    /// Takes a batch of steps the workflow allowed, in one transaction: all
    /// or none (a stale version anywhere is a conflict and nothing is
    /// written). Returns the notifications as written.
    pub async fn step_notifications(
        &self,
        ctx: &Ctx,
        batch: &[(&PreExportNotification, NotificationWrite<'_>)],
    ) -> Result<Vec<PreExportNotification>> {
        let now = stamp(self.clock().now());
        let mut w = self.write().await?;
        let mut out = Vec::with_capacity(batch.len());
        for (n, step) in batch {
            let event = self.stage_in(&mut w.tx, ctx, n, step, &now).await?;
            let notes: Vec<(&str, &str)> = step.notify.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
            self.notify_many_in(&mut w.tx, &notes, "precursor", &n.id).await?;
            let target = format!("{} {} -> {}", n.id, step.action, step.stage);
            self.append_in(&mut w.tx, self.draft(&ctx.into(), "precursor.step", target))
                .await?;
            let mut next = (*n).clone();
            next.stage = step.stage;
            next.version = step.expected_version + 1;
            next.updated_at = now.clone();
            next.timeline.push(event);
            out.push(next);
        }
        w.tx.commit().await?;
        Ok(out)
    }

    /// Notifications still waiting for a reply whose deadline passed and
    /// that were not flagged yet.
    pub async fn unflagged_overdue(&self) -> Result<Vec<PreExportNotification>> {
        let rows = sqlx::query(
            "SELECT * FROM pre_export_notifications WHERE stage = $1 AND deadline < $2 AND overdue_flagged = 0 \
             ORDER BY deadline LIMIT 500",
        )
        .bind(Stage::Notified.as_str())
        .bind(stamp(self.clock().now()))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(notification_row).collect()
    }

    /// Flags the importer's silence to both sides, once.
    pub async fn flag_overdue(&self, n: &PreExportNotification, notify: &[(String, String)]) -> Result<bool> {
        let mut w = self.write().await?;
        let done = sqlx::query(
            "UPDATE pre_export_notifications SET overdue_flagged = 1 WHERE id = $1 AND overdue_flagged = 0 AND stage = $2",
        )
        .bind(&n.id)
        .bind(Stage::Notified.as_str())
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        let detail = format!("no reply from {} by {}", n.importing_state, n.deadline);
        self.event_as_in(&mut w.tx, &n.id, "system", None, "flag-overdue", &detail)
            .await?;
        let notes: Vec<(&str, &str)> = notify.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
        self.notify_many_in(&mut w.tx, &notes, "precursor", &n.id).await?;
        let actor = crate::Actor::system("precursor deadlines");
        self.append_in(
            &mut w.tx,
            self.draft(&actor, "precursor.overdue", format!("{} {detail}", n.id)),
        )
        .await?;
        w.tx.commit().await?;
        Ok(true)
    }

    /// Writes an incident the use case checked, with its notices and audit
    /// entry; links are ids the reporter may read.
    pub async fn report_incident(
        &self,
        ctx: &Ctx,
        input: &IncidentInput,
        quantity: Option<i64>,
        handling: &HandlingCode,
        notify: &[(String, String)],
    ) -> Result<Incident> {
        let id = new_id("inc");
        let now = stamp(self.clock().now());
        let mut w = self.write().await?;
        self.incident_in(&mut w.tx, &id, ctx, input, quantity, handling, &now)
            .await?;
        if let Some(nid) = &input.notification {
            self.event_in(&mut w.tx, nid, ctx, "incident", &format!("{id}: {}", input.kind))
                .await?;
        }
        let notes: Vec<(&str, &str)> = notify.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
        self.notify_many_in(&mut w.tx, &notes, "incident", &id).await?;
        self.append_in(
            &mut w.tx,
            self.draft(&ctx.into(), "precursor.incident", format!("{id} {}", input.kind)),
        )
        .await?;
        w.tx.commit().await?;
        self.load_incident(&id).await
    }

    /// An objection and the incident it raises, in one transaction.
    pub async fn object_with_incident(
        &self,
        ctx: &Ctx,
        n: &PreExportNotification,
        step: NotificationWrite<'_>,
        incident: (&IncidentInput, Option<i64>, &HandlingCode),
    ) -> Result<(PreExportNotification, Incident)> {
        let now = stamp(self.clock().now());
        let id = new_id("inc");
        let mut w = self.write().await?;
        self.stage_in(&mut w.tx, ctx, n, &step, &now).await?;
        let (input, quantity, handling) = incident;
        self.incident_in(&mut w.tx, &id, ctx, input, quantity, handling, &now)
            .await?;
        self.event_in(&mut w.tx, &n.id, ctx, "incident", &format!("{id}: {}", input.kind))
            .await?;
        let notes: Vec<(&str, &str)> = step.notify.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
        self.notify_many_in(&mut w.tx, &notes, "precursor", &n.id).await?;
        let target = format!("{} {} -> {}, raised {id}", n.id, step.action, step.stage);
        self.append_in(&mut w.tx, self.draft(&ctx.into(), "precursor.step", target))
            .await?;
        w.tx.commit().await?;
        Ok((self.load_notification(&n.id).await?, self.load_incident(&id).await?))
    }

    #[allow(clippy::too_many_arguments)]
    async fn incident_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        id: &str,
        ctx: &Ctx,
        input: &IncidentInput,
        quantity: Option<i64>,
        handling: &HandlingCode,
        now: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO precursor_incidents (id, originator, originator_state, kind, occurred_on, place, description, \
             substance, quantity, notification_id, records, messages, distribution, dissemination, use_code, \
             classification, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(id)
        .bind(ctx.viewer.authority.as_str())
        .bind(ctx.viewer.state.as_ref().map(|s| s.to_string()))
        .bind(input.kind.as_str())
        .bind(input.occurred_on.to_string())
        .bind(input.place.trim())
        .bind(input.description.trim())
        .bind(input.substance.as_deref().map(str::trim))
        .bind(quantity)
        .bind(input.notification.as_deref())
        .bind(input.records.join(","))
        .bind(input.messages.join(","))
        .bind(handling.distribution.to_string())
        .bind(handling.dissemination.as_str())
        .bind(handling.use_.as_str())
        .bind(handling.classification.rank())
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    async fn load_incident(&self, id: &str) -> Result<Incident> {
        let row = sqlx::query("SELECT * FROM precursor_incidents WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("incident {id}")))?;
        incident_row(&row)
    }

    /// The incident if `ctx` may read it, its links cut to what `ctx` may
    /// read; "not found" otherwise.
    pub async fn visible_incident(&self, ctx: &Ctx, id: &str) -> Result<Incident> {
        let mut i = match self.load_incident(id).await {
            Ok(i) if self.may_read_incident(ctx, &i) => i,
            Ok(_) | Err(StoreError::NotFound(_)) => return Err(StoreError::NotFound(format!("incident {id}"))),
            Err(e) => return Err(e),
        };
        self.cut_incident_links(ctx, &mut i).await?;
        Ok(i)
    }

    async fn cut_incident_links(&self, ctx: &Ctx, i: &mut Incident) -> Result<()> {
        let mut records = Vec::new();
        for r in std::mem::take(&mut i.records) {
            if self.readable(ctx, &r).await.is_ok() {
                records.push(r);
            }
        }
        i.records = records;
        let mut messages = Vec::new();
        for m in std::mem::take(&mut i.messages) {
            if self.readable_message(ctx, &m).await.is_ok() {
                messages.push(m);
            }
        }
        i.messages = messages;
        if let Some(n) = &i.notification
            && !matches!(self.load_notification(n).await, Ok(found) if self.may_read_notification(ctx, &found))
        {
            i.notification = None;
        }
        Ok(())
    }

    /// The newest incidents `ctx` may read, at most `limit`.
    pub async fn list_incidents(&self, ctx: &Ctx, limit: usize) -> Result<Vec<Incident>> {
        let rows = sqlx::query("SELECT * FROM precursor_incidents ORDER BY created_at DESC, id DESC LIMIT 2000")
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::new();
        for row in &rows {
            let mut i = incident_row(row)?;
            if self.may_read_incident(ctx, &i) {
                self.cut_incident_links(ctx, &mut i).await?;
                out.push(i);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }
}
