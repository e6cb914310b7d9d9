//! The intelligence exchange's writes: sending and replying, acknowledging,
//! forwarding and deciding forwards, and bulk seed data. The rules are
//! `concord_domain::message_rules`; each use case reads what the rule needs
//! (the parent message, linked records, the registry), applies it, and has
//! the store write the message, receipts, notices and audit entry in one
//! transaction. Reads (mailbox, thread, attachment) go to the store, which
//! judges every message it returns.

use crate::Result;
use concord_domain::message_rules::{self, MessageInput, check_sender};
use concord_domain::rules::Refused;
use concord_domain::workflow::exchange;
use concord_domain::{ForwardRequest, Forwarded, Message};
use concord_store::{Actor, Ctx, SeedMessage, Store, StoreError};

/// Sends a message or request from `ctx`'s authority; with `parent`, a reply
/// in its thread, addressed to the parent's originator when it names no one.
pub async fn send(store: &Store, ctx: &Ctx, parent: Option<&str>, mut input: MessageInput) -> Result<Message> {
    check_sender(&ctx.viewer, "sending messages")?;
    let parent = match parent {
        Some(id) => Some(store.readable_message(ctx, id).await?),
        None => None,
    };
    if let Some(p) = &parent
        && input.recipients.is_empty()
    {
        input.recipients.push(p.protected.originator.to_string());
    }
    message_rules::check_content(
        &ctx.viewer,
        &input,
        store.clock().now(),
        concord_exchange::well_formed_json,
    )?;
    let snap = store.snapshot();
    message_rules::check_recipients(
        &input.recipients,
        &input.handling,
        "recipients",
        &snap.registry,
        &snap.policy,
        store.clock().today(),
    )?;
    for (i, id) in input.links.iter().enumerate() {
        let r = store
            .readable(ctx, id)
            .await
            .map_err(|_| message_rules::unknown_link(i, id))?;
        message_rules::check_link(i, &r, store.may_pass_on(ctx, &r.protected))?;
    }
    Ok(store.send_message(ctx, parent.as_ref(), input).await?)
}

/// Acknowledges a message for the viewer's side, which must be an addressee.
pub async fn acknowledge(store: &Store, ctx: &Ctx, id: &str) -> Result<Message> {
    check_sender(&ctx.viewer, "acknowledging")?;
    let m = store.readable_message(ctx, id).await?;
    message_rules::check_addressed(&ctx.viewer, &m)?;
    Ok(store.acknowledge_message(ctx, &m).await?)
}

/// Forwards a message the viewer may read to new addressees. Where passing
/// it on needs the originator's consent and it has not been given, a forward
/// request goes to the originator instead.
pub async fn forward(store: &Store, ctx: &Ctx, id: &str, recipients: &[String], note: &str) -> Result<Forwarded> {
    check_sender(&ctx.viewer, "forwarding")?;
    let m = store.readable_message(ctx, id).await?;
    let snap = store.snapshot();
    message_rules::check_recipients(
        recipients,
        &m.protected.handling,
        "recipients",
        &snap.registry,
        &snap.policy,
        store.clock().today(),
    )?;
    message_rules::check_forward_recipients(recipients, m.receipts.iter().map(|r| r.recipient.as_str()))?;
    let pass_on = store.may_pass_on(ctx, &m.protected);
    Ok(store.forward_message(ctx, &m, recipients, note, pass_on).await?)
}

/// The originating authority grants or refuses a forward request, or the
/// requester withdraws it; a refusal states why.
pub async fn decide_forward(store: &Store, ctx: &Ctx, id: &str, grant: bool, reason: &str) -> Result<ForwardRequest> {
    let f = store.forward_request(id).await?;
    let Some(own) = message_rules::forward_side(&ctx.viewer, &f.originator, &f.requester_authority)? else {
        return Err(StoreError::NotFound(format!("forward request {id}")).into());
    };
    let next = exchange::decide_forward(f.status, own, grant).map_err(StoreError::from)?;
    message_rules::check_forward_decision(grant, reason)?;
    Ok(store.decide_forward(ctx, &f, next, reason).await?)
}

/// Writes demo or benchmark messages in bulk, each checked as a sent one is
/// (subject and body, deadline, addressees) but keeping its own past time.
pub async fn seed(store: &Store, actor: &Actor, items: &[SeedMessage]) -> Result<usize> {
    let snap = store.snapshot();
    let today = store.clock().today();
    for (i, m) in items.iter().enumerate() {
        let field = |f: &str| format!("messages[{i}].{f}");
        if m.input.subject.trim().is_empty() || m.input.body.trim().is_empty() {
            return Err(Refused::invalid(field("subject"), "subject and body must not be empty").into());
        }
        message_rules::check_deadline(&field("deadline"), m.input.kind, m.input.deadline, None)?;
        message_rules::check_recipients(
            &m.input.recipients,
            &m.input.handling,
            &field("recipients"),
            &snap.registry,
            &snap.policy,
            today,
        )?;
    }
    Ok(store.seed_messages(actor, items).await?)
}
