//! Cooperation programmes: adopted by an officer or supervisor of a
//! participating state (or the regional structure), each responsible state
//! reporting its progress on its actions; overdue actions are listed.
//! Participants read a programme; nobody else. The rules are
//! `concord_domain::programme`.

use crate::{Refusal, Result};
use concord_domain::programme::{self as rules, Programme, ProgrammeAction, ProgrammeInput};
use concord_domain::{Role, StateCode};
use concord_store::{Ctx, Store};

fn officer(ctx: &Ctx) -> Result<()> {
    if ctx.viewer.roles.any(&[Role::Officer, Role::Supervisor]) {
        Ok(())
    } else {
        Err(Refusal::Forbidden(
            "programmes are worked by an officer or supervisor".into(),
        ))
    }
}

/// Adopts a programme the caller's state takes part in.
pub async fn adopt(store: &Store, ctx: &Ctx, input: ProgrammeInput) -> Result<Programme> {
    officer(ctx)?;
    let handling = rules::check(&input, &store.snapshot().registry)?;
    if let Some(own) = &ctx.viewer.state
        && !input.participants.contains(own)
    {
        return Err(Refusal::invalid(
            "participants",
            format!("{own} adopts only programmes it takes part in"),
        ));
    }
    let notify: Vec<(String, String)> = input
        .participants
        .iter()
        .filter(|s| ctx.viewer.state.as_ref() != Some(*s))
        .map(|s| (format!("state:{s}"), format!("programme {} adopted", input.name.trim())))
        .collect();
    Ok(store.adopt_programme(ctx, &input, &handling, &notify).await?)
}

/// One programme the caller may read.
pub async fn get(store: &Store, ctx: &Ctx, id: &str) -> Result<Programme> {
    Ok(store.visible_programme(ctx, id).await?)
}

/// The programmes the caller may read.
pub async fn list(store: &Store, ctx: &Ctx, limit: usize) -> Result<Vec<Programme>> {
    if !(1..=1000).contains(&limit) {
        return Err(Refusal::invalid("limit", "must be between 1 and 1000"));
    }
    Ok(store.list_programmes(ctx, limit).await?)
}

/// A responsible state reports its progress on an action (a new report
/// replaces its earlier one).
pub async fn report(store: &Store, ctx: &Ctx, id: &str, position: i64, percent: i64, note: &str) -> Result<Programme> {
    officer(ctx)?;
    let p = get(store, ctx, id).await?;
    let action = p
        .actions
        .iter()
        .find(|a| a.position == position)
        .ok_or_else(|| Refusal::NotFound(format!("action {position} of programme {id}")))?;
    let state: StateCode = ctx
        .viewer
        .state
        .clone()
        .ok_or_else(|| Refusal::Forbidden("progress is reported by a responsible state".into()))?;
    if !action.responsible.contains(&state) {
        return Err(Refusal::Forbidden(format!(
            "{state} is not responsible for {}",
            action.title
        )));
    }
    if !(0..=100).contains(&percent) {
        return Err(Refusal::invalid(
            "percent",
            format!("{percent} is not between 0 and 100"),
        ));
    }
    if note.chars().count() > rules::TEXT_LIMIT {
        return Err(Refusal::invalid("note", "too long"));
    }
    Ok(store.report_progress(ctx, &p, position, &state, percent, note).await?)
}

/// Actions past their deadline that a responsible state has not completed,
/// in the programmes the caller may read.
pub async fn overdue(store: &Store, ctx: &Ctx) -> Result<Vec<(Programme, ProgrammeAction)>> {
    let today = store.clock().today();
    let mut out = Vec::new();
    for p in store.list_programmes(ctx, 1000).await? {
        for a in p.actions.iter().filter(|a| a.overdue(today)) {
            out.push((p.clone(), a.clone()));
        }
    }
    Ok(out)
}
