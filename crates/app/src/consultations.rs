//! Emergency consultations' writes: proposing, seconding (which convenes),
//! the agenda, drafting the joint statement and answering it. The rules are
//! `concord_domain::consultation_rules`; the workflow's own (the window, who
//! may draft or answer in which stage, adoption by every member) are
//! `concord_domain::workflow::consultation`, which the store applies to the
//! consultation it loads and writes with its timeline and audit entry.

use crate::Result;
use concord_domain::consultation_rules as rules;
use concord_domain::workflow::consultation::Verdict;
use concord_domain::{Consultation, StateCode};
use concord_store::{Ctx, Store};

/// The state the viewer speaks for in emergency consultations, if any: for
/// edges that show or hide the actions.
pub fn speaking_for(store: &Store, ctx: &Ctx) -> Result<StateCode> {
    let snap = store.snapshot();
    Ok(rules::consulting_state(&ctx.viewer, &snap.registry, &snap.policy)?)
}

/// A member state proposes an emergency consultation with a situation summary.
pub async fn propose(store: &Store, ctx: &Ctx, summary: &str) -> Result<Consultation> {
    let state = speaking_for(store, ctx)?;
    rules::check_text("summary", summary)?;
    Ok(store.propose_consultation(ctx, &state, summary).await?)
}

/// A second member state's proposal convenes the consultation.
pub async fn second(store: &Store, ctx: &Ctx, id: &str, summary: &str) -> Result<Consultation> {
    let state = speaking_for(store, ctx)?;
    if !summary.trim().is_empty() {
        rules::check_text("summary", summary)?;
    }
    let c = store.visible_consultation(ctx, id).await?;
    Ok(store.second_consultation(ctx, &c, &state, summary).await?)
}

/// A member of a convened consultation sets its agenda.
pub async fn set_agenda(store: &Store, ctx: &Ctx, id: &str, agenda: &str) -> Result<Consultation> {
    let state = speaking_for(store, ctx)?;
    let c = store.visible_consultation(ctx, id).await?;
    rules::check_agenda_keeper(&state, c.stage, &c.members)?;
    rules::check_text("agenda", agenda)?;
    Ok(store.set_agenda(ctx, &c, &state, agenda).await?)
}

/// A member drafts a new version of the joint statement.
pub async fn draft_statement(store: &Store, ctx: &Ctx, id: &str, text: &str) -> Result<Consultation> {
    let state = speaking_for(store, ctx)?;
    rules::check_text("text", text)?;
    let c = store.visible_consultation(ctx, id).await?;
    Ok(store.draft_statement(ctx, &c, &state, text).await?)
}

/// A member approves the current version or asks for changes, with reasons.
pub async fn answer_statement(
    store: &Store,
    ctx: &Ctx,
    id: &str,
    version: i64,
    verdict: Verdict,
    reasons: &str,
) -> Result<Consultation> {
    let state = speaking_for(store, ctx)?;
    let c = store.visible_consultation(ctx, id).await?;
    let v = rules::statement_version(version)?;
    Ok(store.answer_statement(ctx, &c, &state, v, verdict, reasons).await?)
}
