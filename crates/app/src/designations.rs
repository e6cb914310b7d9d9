//! The unified list's writes: proposing to list or delist an organization,
//! the regional compliance review, the proposer's resubmission or withdrawal,
//! members' positions, and each state's national list. The rules are
//! `concord_domain::designation_rules`; the workflow's own rules (who may take
//! which step in which stage, consensus, the silence period) are
//! `concord_domain::workflow::designation`, which the store applies to the
//! proposal it loads and writes in one transaction with its audit entry.

use crate::Result;
use concord_domain::designation_rules::{self as rules, ProposalInput};
use concord_domain::rules::Refused;
use concord_domain::workflow::designation::Position;
use concord_domain::{Checklist, NationalEntry, Proposal};
use concord_store::{Ctx, Store};
use time::Date;

/// A member state proposes to list or delist an organization: an existing
/// record, or a new one created with the proposal.
pub async fn propose(store: &Store, ctx: &Ctx, input: ProposalInput) -> Result<Proposal> {
    let snap = store.snapshot();
    let today = store.clock().today();
    let state = rules::check_proposer(&ctx.viewer, &snap.registry, today)?;
    rules::check_proposal(&ctx.viewer, &state, &input, &snap.registry, today)?;
    let existing = match input.new_organization {
        Some(_) => None,
        None => {
            let r = store
                .readable(ctx, &input.record_id)
                .await
                .map_err(|_| Refused::invalid("record_id", format!("no record {} you may read", input.record_id)))?;
            let standing = store.list_standing(&r.id).await?;
            rules::check_proposable(input.direction, &r, store.may_pass_on(ctx, &r.protected), &standing)?;
            Some(r)
        }
    };
    Ok(store.propose_designation(ctx, &state, input, existing).await?)
}

/// The regional structure's compliance review: pass (every item ticked) or
/// return with reasons.
pub async fn review(
    store: &Store,
    ctx: &Ctx,
    id: &str,
    pass: bool,
    checklist: Checklist,
    reasons: &str,
) -> Result<Proposal> {
    rules::check_reviewer(&ctx.viewer)?;
    let p = store.visible_proposal(ctx, id).await?;
    if pass {
        rules::check_review_pass(&store.readable(ctx, &p.record_id).await?)?;
    }
    Ok(store.review_designation(ctx, &p, pass, checklist, reasons).await?)
}

/// The proposing state resubmits a returned proposal, or withdraws one.
pub async fn proposer_step(store: &Store, ctx: &Ctx, id: &str, withdraw: bool, note: &str) -> Result<Proposal> {
    rules::check_proposer_step(&ctx.viewer)?;
    let p = store.visible_proposal(ctx, id).await?;
    Ok(store.proposer_step(ctx, &p, withdraw, note).await?)
}

/// A member state accepts or objects (with reasons) in the silence period;
/// a supervisor of any of its authorities speaks for it.
pub async fn vote(store: &Store, ctx: &Ctx, id: &str, position: Position, reasons: &str) -> Result<Proposal> {
    let state = rules::check_voter(&ctx.viewer)?;
    let p = store.visible_proposal(ctx, id).await?;
    Ok(store.vote_designation(ctx, &p, &state, position, reasons).await?)
}

/// Puts an organization on the viewer's state's national list, or takes it
/// off (`listed_on` = `None`).
pub async fn set_national_entry(
    store: &Store,
    ctx: &Ctx,
    record_id: &str,
    listed_on: Option<Date>,
    note: &str,
) -> Result<Option<NationalEntry>> {
    let state = rules::check_national_keeper(&ctx.viewer)?;
    let r = store
        .readable(ctx, record_id)
        .await
        .map_err(|_| Refused::invalid("record_id", format!("no record {record_id} you may read")))?;
    rules::check_national_record(&r)?;
    Ok(store.set_national_entry(ctx, &state, &r, listed_on, note).await?)
}
