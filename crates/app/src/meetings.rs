//! Meetings of the registry's bodies: scheduled by a participating state
//! (or the regional structure), their decisions recorded by the chair (or
//! the scheduling office), each follow-up action reported done by its
//! responsible state. Every read goes through `decide`; the distribution
//! is the participants. The rules are `concord_domain::meeting`.

use crate::{Refusal, Result};
use concord_domain::meeting::{self as rules, DecisionInput, FollowUp, Meeting, MeetingInput};
use concord_domain::{Role, StateCode};
use concord_store::{Ctx, Store};

fn officer(ctx: &Ctx) -> Result<()> {
    if ctx.viewer.roles.any(&[Role::Officer, Role::Supervisor]) {
        Ok(())
    } else {
        Err(Refusal::Forbidden(
            "meetings are worked by an officer or supervisor".into(),
        ))
    }
}

/// Notices to every participant state's users but the caller's.
fn told(ctx: &Ctx, participants: &[StateCode], text: &str) -> Vec<(String, String)> {
    participants
        .iter()
        .filter(|s| ctx.viewer.state.as_ref() != Some(*s))
        .map(|s| (format!("state:{s}"), text.to_owned()))
        .collect()
}

/// Schedules a meeting the caller's state takes part in.
pub async fn schedule(store: &Store, ctx: &Ctx, input: MeetingInput) -> Result<Meeting> {
    officer(ctx)?;
    let handling = rules::check_meeting(&input, &store.snapshot().registry)?;
    if let Some(own) = &ctx.viewer.state
        && !input.participants.contains(own)
    {
        return Err(Refusal::invalid(
            "participants",
            format!("{own} schedules only meetings it takes part in"),
        ));
    }
    let text = format!("meeting of {} on {} in {}", input.body, input.date, input.place.trim());
    let notify = told(ctx, &input.participants, &text);
    Ok(store.schedule_meeting(ctx, &input, &handling, &notify).await?)
}

/// One meeting the caller may read.
pub async fn get(store: &Store, ctx: &Ctx, id: &str) -> Result<Meeting> {
    Ok(store.visible_meeting(ctx, id).await?)
}

/// The meetings the caller may read, latest first.
pub async fn list(store: &Store, ctx: &Ctx, limit: usize) -> Result<Vec<Meeting>> {
    if !(1..=1000).contains(&limit) {
        return Err(Refusal::invalid("limit", "must be between 1 and 1000"));
    }
    Ok(store.list_meetings(ctx, limit).await?)
}

/// Whether the caller records the meeting's decisions: the chair state's
/// officer or supervisor, or the office that scheduled it.
pub fn records_decisions(ctx: &Ctx, m: &Meeting) -> bool {
    officer(ctx).is_ok() && (ctx.viewer.state.as_ref() == Some(&m.chair) || ctx.viewer.authority == m.originator)
}

/// Records a decision with its follow-up actions.
pub async fn decide(store: &Store, ctx: &Ctx, id: &str, d: DecisionInput, expected_version: i64) -> Result<Meeting> {
    let m = get(store, ctx, id).await?;
    if !records_decisions(ctx, &m) {
        return Err(Refusal::Forbidden(format!(
            "decisions are recorded by the chair, {}, or by {}",
            m.chair, m.originator
        )));
    }
    rules::check_decision(&d, &m, &store.snapshot().registry)?;
    let states: Vec<StateCode> = d.actions.iter().map(|a| a.state.clone()).collect();
    let notify = told(
        ctx,
        &states,
        &format!(
            "decision {} of the meeting of {}: your state has an action",
            d.number.trim(),
            m.body
        ),
    );
    Ok(store.record_decision(ctx, &m, &d, expected_version, &notify).await?)
}

/// The responsible state reports a follow-up action done.
pub async fn complete(
    store: &Store,
    ctx: &Ctx,
    id: &str,
    number: &str,
    position: i64,
    report: &str,
) -> Result<Meeting> {
    officer(ctx)?;
    let m = get(store, ctx, id).await?;
    let action = m
        .decisions
        .iter()
        .find(|d| d.number == number)
        .and_then(|d| d.actions.iter().find(|a| a.position == position))
        .ok_or_else(|| Refusal::NotFound(format!("action {position} of decision {number}")))?;
    if ctx.viewer.state.as_ref() != Some(&action.state) {
        return Err(Refusal::Forbidden(format!(
            "the action is {}'s to report",
            action.state
        )));
    }
    if report.chars().count() > rules::TEXT_LIMIT {
        return Err(Refusal::invalid("report", "too long"));
    }
    Ok(store.complete_action(ctx, &m, number, position, report).await?)
}

/// Follow-up actions past their due date and not done, in the meetings the
/// caller may read: `(meeting, decision number, action)`.
pub async fn overdue(store: &Store, ctx: &Ctx) -> Result<Vec<(Meeting, String, FollowUp)>> {
    let today = store.clock().today();
    let mut out = Vec::new();
    for m in store.list_meetings(ctx, 1000).await? {
        for d in &m.decisions {
            for a in d.actions.iter().filter(|a| a.overdue(today)) {
                out.push((m.clone(), d.number.clone(), a.clone()));
            }
        }
    }
    Ok(out)
}
