//! Joint exercises: an officer or supervisor of a state plans one its state
//! initiates (its own confirmation comes with the plan); every other
//! participant confirms; once all have, the initiator or the host records
//! the after-action report with its lessons. Participants and observers
//! read it; nobody else. The rules are `concord_domain::exercise`.

use crate::{Refusal, Result};
use concord_domain::exercise::{self as rules, Exercise, ExerciseInput, Stage};
use concord_domain::{Role, StateCode};
use concord_store::{Ctx, Store};

/// The state an officer or supervisor acts for.
pub fn acting_state(ctx: &Ctx) -> Result<StateCode> {
    match &ctx.viewer.state {
        Some(s) if ctx.viewer.roles.any(&[Role::Officer, Role::Supervisor]) => Ok(s.clone()),
        _ => Err(Refusal::Forbidden(
            "exercises are worked by an officer or supervisor of a state".into(),
        )),
    }
}

fn told(states: &[StateCode], except: &StateCode, text: &str) -> Vec<(String, String)> {
    states
        .iter()
        .filter(|s| *s != except)
        .map(|s| (format!("state:{s}"), text.to_owned()))
        .collect()
}

/// Plans an exercise the caller's state initiates; participants and
/// observers are told.
pub async fn plan(store: &Store, ctx: &Ctx, input: ExerciseInput) -> Result<Exercise> {
    let initiator = acting_state(ctx)?;
    let handling = rules::check(&input, &initiator, &store.snapshot().registry)?;
    let mut reach = input.participants.clone();
    reach.extend(input.observers.iter().cloned());
    let notify = told(
        &reach,
        &initiator,
        &format!(
            "exercise {} planned by {initiator}: participants confirm",
            input.name.trim()
        ),
    );
    Ok(store.plan_exercise(ctx, &initiator, &input, &handling, &notify).await?)
}

/// One exercise the caller may read.
pub async fn get(store: &Store, ctx: &Ctx, id: &str) -> Result<Exercise> {
    Ok(store.visible_exercise(ctx, id).await?)
}

/// The exercises the caller may read, latest first.
pub async fn list(store: &Store, ctx: &Ctx, limit: usize) -> Result<Vec<Exercise>> {
    if !(1..=1000).contains(&limit) {
        return Err(Refusal::invalid("limit", "must be between 1 and 1000"));
    }
    Ok(store.list_exercises(ctx, limit).await?)
}

/// A participant confirms it takes part; the last confirmation makes the
/// exercise confirmed.
pub async fn confirm(store: &Store, ctx: &Ctx, id: &str) -> Result<Exercise> {
    let state = acting_state(ctx)?;
    let e = get(store, ctx, id).await?;
    if !e.participants.contains(&state) {
        return Err(Refusal::Forbidden(format!(
            "{state} observes {}: only participants confirm",
            e.name
        )));
    }
    if e.confirmed.contains_key(&state) {
        return Err(Refusal::Conflict(format!("{state} confirmed {} already", e.name)));
    }
    let last = e.awaiting().len() == 1;
    let next = if last { Stage::Confirmed } else { Stage::Planned };
    let notify = if last {
        told(
            &e.participants,
            &state,
            &format!("exercise {}: every participant confirmed", e.name),
        )
    } else {
        vec![(
            format!("state:{}", e.initiator),
            format!("exercise {}: {state} confirmed", e.name),
        )]
    };
    Ok(store.confirm_exercise(ctx, &e, &state, next, &notify).await?)
}

/// Whether the caller records the after-action report: the initiator's or
/// the host's officer, once every participant confirmed.
pub fn reports(ctx: &Ctx, e: &Exercise) -> bool {
    e.stage == Stage::Confirmed && acting_state(ctx).is_ok_and(|s| s == e.initiator || s == e.host)
}

/// The after-action report with its lessons.
pub async fn report(
    store: &Store,
    ctx: &Ctx,
    id: &str,
    text: &str,
    lessons: &[String],
    expected_version: i64,
) -> Result<Exercise> {
    let e = get(store, ctx, id).await?;
    if e.stage != Stage::Confirmed {
        return Err(Refusal::Conflict(format!(
            "exercise {} is {}: the report follows every participant's confirmation",
            e.name, e.stage
        )));
    }
    if !reports(ctx, &e) {
        return Err(Refusal::Forbidden(format!(
            "the report is for the initiator, {}, or the host, {}",
            e.initiator, e.host
        )));
    }
    if text.trim().is_empty() {
        return Err(Refusal::invalid("report", "must not be empty"));
    }
    if text.chars().count() > rules::TEXT_LIMIT || lessons.len() > rules::LIST_LIMIT {
        return Err(Refusal::invalid("report", "too long"));
    }
    // One lesson a line, as they are kept.
    let lessons: Vec<String> = lessons
        .iter()
        .map(|l| l.replace(['\r', '\n'], " ").trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    Ok(store.report_exercise(ctx, &e, text, &lessons, expected_version).await?)
}
