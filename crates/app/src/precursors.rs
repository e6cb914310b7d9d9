//! Precursor control's use cases: declaring a state's annual legitimate
//! requirements, notifying an export, answering and following it (confirm,
//! object, withdraw, ship, receive, stop), flagging silence past the
//! deadline, reporting incidents, and the flows report. The rules are
//! `concord_domain::precursor` and `concord_domain::workflow::pre_export`.

use crate::{Refusal, Result};
use concord_domain::precursor::{
    self as rules, Incident, IncidentInput, NotificationInput, PreExportNotification, Requirement,
};
use concord_domain::workflow::pre_export::{self as machine, Stage, Step};
use concord_domain::{AuthorityId, StateCode};
use concord_store::{Ctx, NewNotification, NotificationWrite, Store};
use std::collections::{BTreeMap, BTreeSet};

/// The state the viewer acts for in precursor control, if any: for edges
/// that show or hide the forms.
pub fn acting_state(store: &Store, ctx: &Ctx) -> Result<StateCode> {
    let snap = store.snapshot();
    Ok(rules::acting_state(&ctx.viewer, &snap.registry, &snap.policy)?)
}

/// Notices to the precursor authorities of `states`, each with `text`.
fn notices(store: &Store, states: impl IntoIterator<Item = StateCode>, text: &str) -> Vec<(String, String)> {
    let snap = store.snapshot();
    let mut out = Vec::new();
    for s in states {
        let found = rules::authorities_of(&snap.registry, &snap.policy, &s);
        if found.is_empty() {
            out.push((format!("state:{s}"), text.to_owned()));
        }
        out.extend(found.into_iter().map(|a: AuthorityId| (a.to_string(), text.to_owned())));
    }
    out
}

/// Declares the caller's state's requirement of a substance for a year.
pub async fn declare_requirement(
    store: &Store,
    ctx: &Ctx,
    substance: &str,
    year: i32,
    amount: &str,
    unit: &str,
) -> Result<Requirement> {
    let state = acting_state(store, ctx)?;
    let quantity = rules::check_requirement(
        &store.snapshot().registry,
        substance,
        year,
        amount,
        unit,
        store.clock().today(),
    )?;
    Ok(store
        .declare_requirement(ctx, &state, substance.trim(), year, quantity)
        .await?)
}

/// Every state's declared requirements for `year`.
pub async fn requirements(store: &Store, year: i32) -> Result<Vec<Requirement>> {
    Ok(store.precursor_requirements(year).await?)
}

/// A notification checked for `exporting`, with the notices it sends.
struct Checked {
    quantity: i64,
    handling: concord_domain::HandlingCode,
    told: Vec<(String, String)>,
}

fn check(store: &Store, exporting: &StateCode, input: &NotificationInput) -> Result<Checked> {
    let snap = store.snapshot();
    let checked = rules::check_notification(input, exporting, &snap.registry, store.clock().today())?;
    let mut told = notices(
        store,
        [input.importing_state.clone()],
        &format!("pre-export notification from {exporting}: reply by the deadline"),
    );
    told.extend(notices(
        store,
        input.transit.iter().map(|t| t.state.clone()),
        &format!("pre-export notification from {exporting}: your state is on the route"),
    ));
    Ok(Checked {
        quantity: checked.quantity,
        handling: checked.handling,
        told,
    })
}

fn reply_deadline(store: &Store) -> time::OffsetDateTime {
    store.clock().now() + time::Duration::days(store.snapshot().policy.precursor_reply_days)
}

/// The exporting state's authority notifies an export; the importer and the
/// transit states are told, and the quantity is assessed against the
/// importer's declared requirement for the year before it decides.
pub async fn notify(store: &Store, ctx: &Ctx, input: NotificationInput) -> Result<PreExportNotification> {
    let exporting = acting_state(store, ctx)?;
    let c = check(store, &exporting, &input)?;
    Ok(store
        .notify_export(
            ctx,
            &NewNotification {
                input: &input,
                quantity: c.quantity,
                handling: &c.handling,
                deadline: reply_deadline(store),
                notify: &c.told,
            },
        )
        .await?)
}

/// The most notifications one batch may hold.
pub const BATCH_LIMIT: usize = 50_000;

/// A batch of notifications (a national system's export, read from CSV),
/// each with its line: every one is checked before any is written, and
/// then all are written in one transaction, or none. A refusal names the
/// first faulty line in its message and the field at fault.
pub async fn notify_batch(store: &Store, ctx: &Ctx, batch: Vec<(u64, NotificationInput)>) -> Result<Vec<String>> {
    let exporting = acting_state(store, ctx)?;
    if batch.is_empty() {
        return Err(Refusal::invalid("file", "no notifications in it"));
    }
    if batch.len() > BATCH_LIMIT {
        return Err(Refusal::invalid(
            "file",
            format!("{} notifications; at most {BATCH_LIMIT} in one batch", batch.len()),
        ));
    }
    let mut checked = Vec::with_capacity(batch.len());
    for (line, input) in &batch {
        let c = check(store, &exporting, input).map_err(|e| at_line(*line, e))?;
        checked.push(c);
    }
    let deadline = reply_deadline(store);
    let writes: Vec<NewNotification<'_>> = batch
        .iter()
        .zip(&checked)
        .map(|((_, input), c)| NewNotification {
            input,
            quantity: c.quantity,
            handling: &c.handling,
            deadline,
            notify: &c.told,
        })
        .collect();
    Ok(store.notify_exports(ctx, &writes).await?)
}

/// A refusal about one line of a file: the line leads the message.
pub fn at_line(line: u64, e: Refusal) -> Refusal {
    match e {
        Refusal::Invalid { field, message } => Refusal::Invalid {
            message: format!("line {line}: {message}"),
            field,
        },
        other => other,
    }
}

/// One notification the caller may read.
pub async fn get(store: &Store, ctx: &Ctx, id: &str) -> Result<PreExportNotification> {
    Ok(store.visible_notification(ctx, id).await?)
}

/// The newest notifications the caller may read.
pub async fn list(
    store: &Store,
    ctx: &Ctx,
    stage: Option<Stage>,
    year: Option<i32>,
    limit: usize,
) -> Result<Vec<PreExportNotification>> {
    if !(1..=1000).contains(&limit) {
        return Err(Refusal::invalid("limit", "must be between 1 and 1000"));
    }
    Ok(store.list_notifications(ctx, stage, year, limit).await?)
}

async fn checked_step(
    store: &Store,
    ctx: &Ctx,
    id: &str,
    step: Step,
    reason: &str,
    expected_version: i64,
) -> Result<(PreExportNotification, Stage, StateCode)> {
    let n = store.visible_notification(ctx, id).await?;
    // The step is judged on the stage read here: it must be the version
    // the caller answers, or another step came in between.
    if n.version != expected_version {
        return Err(Refusal::Conflict(format!(
            "notification {id} is at version {}, not {expected_version}: reload it",
            n.version
        )));
    }
    let state = acting_state(store, ctx)?;
    let side = n.side_of(Some(&state));
    if !machine::sides(step).contains(&side) {
        return Err(Refusal::Forbidden(format!(
            "{step} is for {} of this shipment; {state} is {side}",
            machine::sides(step)
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        )));
    }
    if matches!(step, Step::Ship | Step::Withdraw) && ctx.viewer.authority != n.originator {
        return Err(Refusal::Forbidden(format!(
            "{step} is for the notifying authority, {}",
            n.originator
        )));
    }
    if reason.chars().count() > rules::TEXT_LIMIT {
        return Err(Refusal::invalid(
            "reason",
            format!("longer than {} characters", rules::TEXT_LIMIT),
        ));
    }
    let next = machine::apply(n.stage, step, side, reason).map_err(|e| match step {
        Step::Object | Step::Stop if reason.trim().is_empty() => Refusal::invalid("reason", e.to_string()),
        _ => Refusal::Conflict(e.to_string()),
    })?;
    Ok((n, next, state))
}

/// A step on a notification by a state on its route: the other states on
/// the route are told.
pub async fn step(
    store: &Store,
    ctx: &Ctx,
    id: &str,
    step: Step,
    reason: &str,
    expected_version: i64,
) -> Result<PreExportNotification> {
    if step == Step::Object {
        return Ok(object(store, ctx, id, reason, expected_version, None).await?.0);
    }
    let (n, next, state) = checked_step(store, ctx, id, step, reason, expected_version).await?;
    let others: Vec<StateCode> = n.route_states().into_iter().filter(|s| *s != state).collect();
    let told = notices(
        store,
        others,
        &format!("pre-export notification {}: {step} by {state}", n.id),
    );
    Ok(store
        .step_notification(
            ctx,
            &n,
            NotificationWrite {
                stage: next,
                action: step.as_str(),
                detail: reason.trim(),
                expected_version,
                notify: &told,
            },
        )
        .await?)
}

/// One answer of a batch: the notification, the step, its reason, the
/// version answered.
#[derive(Debug, Clone)]
pub struct Answer {
    pub id: String,
    pub step: Step,
    pub reason: String,
    pub version: i64,
}

/// The most answers in one batch.
pub const ANSWER_LIMIT: usize = 5_000;

/// A batch of steps from one agency (a national system answering its
/// notifications at once): each is judged as [`step`] judges it, then all
/// are written in one transaction, or none. A refusal names the answer at
/// fault (`answers[3].version`). Objections in a batch raise no incident.
pub async fn answer_batch(store: &Store, ctx: &Ctx, answers: &[Answer]) -> Result<Vec<PreExportNotification>> {
    if answers.is_empty() || answers.len() > ANSWER_LIMIT {
        return Err(Refusal::invalid(
            "answers",
            format!("from 1 to {ANSWER_LIMIT} answers; {} given", answers.len()),
        ));
    }
    let mut seen = BTreeSet::new();
    let mut judged = Vec::with_capacity(answers.len());
    for (i, a) in answers.iter().enumerate() {
        let at = |e: Refusal| match e {
            Refusal::Invalid { field, message } => Refusal::Invalid {
                field: format!("answers[{i}].{field}"),
                message,
            },
            Refusal::Conflict(m) => Refusal::Conflict(format!("answers[{i}]: {m}")),
            Refusal::Forbidden(m) => Refusal::Forbidden(format!("answers[{i}]: {m}")),
            Refusal::NotFound(m) => Refusal::NotFound(format!("answers[{i}]: {m}")),
            other => other,
        };
        if !seen.insert(a.id.as_str()) {
            return Err(Refusal::invalid(
                format!("answers[{i}].id"),
                format!("{} is answered twice", a.id),
            ));
        }
        let (n, next, state) = checked_step(store, ctx, &a.id, a.step, &a.reason, a.version)
            .await
            .map_err(at)?;
        let others: Vec<StateCode> = n.route_states().into_iter().filter(|s| *s != state).collect();
        let told = notices(
            store,
            others,
            &format!("pre-export notification {}: {} by {state}", n.id, a.step),
        );
        judged.push((n, next, told));
    }
    let writes: Vec<(&PreExportNotification, NotificationWrite<'_>)> = judged
        .iter()
        .zip(answers)
        .map(|((n, next, told), a)| {
            (
                n,
                NotificationWrite {
                    stage: *next,
                    action: a.step.as_str(),
                    detail: a.reason.trim(),
                    expected_version: a.version,
                    notify: told,
                },
            )
        })
        .collect();
    Ok(store.step_notifications(ctx, &writes).await?)
}

/// The importing state objects; with `incident`, the objection raises an
/// incident (a stopped shipment) in the same step.
pub async fn object(
    store: &Store,
    ctx: &Ctx,
    id: &str,
    reason: &str,
    expected_version: i64,
    incident: Option<concord_domain::precursor::IncidentKind>,
) -> Result<(PreExportNotification, Option<Incident>)> {
    let (n, next, state) = checked_step(store, ctx, id, Step::Object, reason, expected_version).await?;
    let others: Vec<StateCode> = n.route_states().into_iter().filter(|s| *s != state).collect();
    let told = notices(
        store,
        others,
        &format!("pre-export notification {}: objected by {state}", n.id),
    );
    let write = NotificationWrite {
        stage: next,
        action: Step::Object.as_str(),
        detail: reason.trim(),
        expected_version,
        notify: &told,
    };
    let Some(kind) = incident else {
        return Ok((store.step_notification(ctx, &n, write).await?, None));
    };
    let input = IncidentInput {
        kind,
        occurred_on: store.clock().today(),
        place: n.point_of_entry.clone(),
        description: reason.trim().to_owned(),
        substance: Some(n.substance.clone()),
        quantity: None,
        unit: None,
        notification: Some(n.id.clone()),
        records: vec![],
        messages: vec![],
        handling: n.handling.clone(),
    };
    let (n, i) = store
        .object_with_incident(ctx, &n, write, (&input, Some(n.quantity), &n.handling))
        .await?;
    Ok((n, Some(i)))
}

/// Flags every notification whose importer stayed silent past the deadline,
/// to both sides, once; returns how many were flagged.
pub async fn flag_overdue(store: &Store) -> Result<usize> {
    let mut flagged = 0;
    for n in store.unflagged_overdue().await? {
        let text = format!(
            "pre-export notification {}: no reply from {} by the deadline",
            n.id, n.importing_state
        );
        let told = notices(store, [n.exporting_state.clone(), n.importing_state.clone()], &text);
        if store.flag_overdue(&n, &told).await? {
            flagged += 1;
        }
    }
    Ok(flagged)
}

/// An authority reports an incident; linked records, messages and the
/// notification must be ones the reporter may read. Linked to a
/// notification, the incident goes to its route's states.
pub async fn report_incident(store: &Store, ctx: &Ctx, mut input: IncidentInput) -> Result<Incident> {
    if !ctx
        .viewer
        .roles
        .any(&[concord_domain::Role::Officer, concord_domain::Role::Supervisor])
    {
        return Err(Refusal::Forbidden(
            "reporting an incident needs the role officer or supervisor".into(),
        ));
    }
    let snap = store.snapshot();
    let quantity = rules::check_incident(&input, &snap.registry, store.clock().today())?;
    let mut told_states: BTreeSet<StateCode> = BTreeSet::new();
    if let Some(nid) = input.notification.clone() {
        let n = store
            .visible_notification(ctx, &nid)
            .await
            .map_err(|_| Refusal::invalid("notification", format!("no notification {nid} that you may read")))?;
        input.handling.distribution = n.handling.distribution.clone();
        told_states = n.route_states();
    }
    for (i, r) in input.records.iter().enumerate() {
        if store.readable(ctx, r).await.is_err() {
            return Err(Refusal::invalid(
                format!("records[{i}]"),
                format!("no record {r} that you may read"),
            ));
        }
    }
    for (i, m) in input.messages.iter().enumerate() {
        if store.readable_message(ctx, m).await.is_err() {
            return Err(Refusal::invalid(
                format!("messages[{i}]"),
                format!("no message {m} that you may read"),
            ));
        }
    }
    if let concord_domain::Distribution::States(named) = &input.handling.distribution {
        told_states.extend(named.iter().cloned());
    }
    if let Some(own) = &ctx.viewer.state {
        told_states.remove(own);
    }
    let handling = input.handling.clone();
    let told = notices(
        store,
        told_states,
        &format!("incident reported by {}", ctx.viewer.authority),
    );
    Ok(store.report_incident(ctx, &input, quantity, &handling, &told).await?)
}

/// One incident the caller may read.
pub async fn incident(store: &Store, ctx: &Ctx, id: &str) -> Result<Incident> {
    Ok(store.visible_incident(ctx, id).await?)
}

/// The newest incidents the caller may read.
pub async fn incidents(store: &Store, ctx: &Ctx, limit: usize) -> Result<Vec<Incident>> {
    if !(1..=1000).contains(&limit) {
        return Err(Refusal::invalid("limit", "must be between 1 and 1000"));
    }
    Ok(store.list_incidents(ctx, limit).await?)
}

/// One line of the flows report: what went (or was to go) from one state to
/// another of one substance in a year, among the notifications the caller
/// may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    pub substance: String,
    pub exporting_state: StateCode,
    pub importing_state: StateCode,
    /// Notifications, and their total in grams (millilitres), by stage.
    pub by_stage: StageTotals,
}

/// How many notifications, of how much, by stage.
pub type StageTotals = BTreeMap<Stage, (usize, i64)>;

/// The flows of `year` among the notifications the caller may read.
pub async fn flows(store: &Store, ctx: &Ctx, year: i32) -> Result<Vec<Flow>> {
    let mut out: BTreeMap<(String, StateCode, StateCode), StageTotals> = BTreeMap::new();
    for n in store.list_notifications(ctx, None, Some(year), usize::MAX).await? {
        let e = out
            .entry((
                n.substance.clone(),
                n.exporting_state.clone(),
                n.importing_state.clone(),
            ))
            .or_default()
            .entry(n.stage)
            .or_default();
        e.0 += 1;
        e.1 += n.quantity;
    }
    Ok(out
        .into_iter()
        .map(|((substance, exporting_state, importing_state), by_stage)| Flow {
            substance,
            exporting_state,
            importing_state,
            by_stage,
        })
        .collect())
}

/// Imports a CSV batch of notifications from the caller's state
/// (`concord_exchange::precursor_csv`'s contract): a fault anywhere, in the
/// file or against the rules, refuses the whole file with its line.
pub async fn import_csv(store: &Store, ctx: &Ctx, input: impl std::io::Read) -> Result<Vec<String>> {
    acting_state(store, ctx)?;
    let rows = concord_exchange::precursor_csv::read(input)
        .map_err(|e| Refusal::invalid(e.field, format!("line {}: {}", e.line, e.message)))?;
    let mut batch = Vec::with_capacity(rows.len());
    for (line, row) in rows {
        let text = crate::text::NotificationText {
            importing_state: row.importing_state,
            exporter: row.exporter,
            importer: row.importer,
            consignee: row.consignee,
            substance: row.substance,
            quantity: row.quantity,
            unit: row.unit,
            transit: row
                .transit
                .into_iter()
                .map(|(state, point_of_entry)| crate::text::TransitText { state, point_of_entry })
                .collect(),
            point_of_entry: row.point_of_entry,
            planned_export: row.planned_export,
            handling: crate::text::HandlingText {
                distribution: String::new(),
                dissemination: row.dissemination,
                use_: row.use_,
                classification: row.classification,
            },
        };
        let input = crate::text::notification_input(&text).map_err(|e| at_line(line, e))?;
        batch.push((line, input));
    }
    notify_batch(store, ctx, batch).await
}
