//! Mutual legal assistance and extradition: the requesting state's central
//! authority (the kind the configuration names, a prosecutor's office by
//! default) drafts a request, revises it until it holds what the requested
//! state needs, and sends it; the requested state's central authority
//! acknowledges, executes (in part or whole) or refuses it on coded
//! grounds with reasons. Records and messages attached as evidence must be
//! readable by the requester, and one whose use is intelligence-only needs
//! its originator's recorded consent. Where the registry joins two
//! border-area offices by a direct channel, they exchange requests of the
//! kinds that allow it without the central authorities; the office asked
//! answers. The rules are `concord_domain::legal` and
//! `concord_domain::workflow::legal_assistance`.

use crate::{Refusal, Result};
use concord_domain::legal::{self as rules, LegalRequest, LegalRequestInput};
use concord_domain::workflow::legal_assistance::{self as machine, Ground, Side, Status, Step};
use concord_domain::{AuthorityId, Role, StateCode, Use};
use concord_store::{Ctx, RequestWrite, Store};
use std::collections::BTreeMap;

/// The state the viewer acts for in legal assistance: an officer or
/// supervisor of its state's central authority.
pub fn acting_state(store: &Store, ctx: &Ctx) -> Result<StateCode> {
    let snap = store.snapshot();
    let kind = snap.policy.legal_assistance_authority;
    let v = &ctx.viewer;
    match (&v.state, snap.registry.authority(&v.authority)) {
        (Some(state), Some(a)) if a.kind == kind && v.roles.any(&[Role::Officer, Role::Supervisor]) => {
            Ok(state.clone())
        }
        _ => Err(Refusal::Forbidden(format!(
            "a state requests and answers legal assistance through its {kind}, by an officer or supervisor"
        ))),
    }
}

/// Notices to the office that acts for `side` on `r`: the requesting
/// office, or the office asked (a border-area office named on the request,
/// else the requested state's central authority; all the state's users
/// when it has none).
fn notices(store: &Store, r: &LegalRequest, side: Side, text: &str) -> Vec<(String, String)> {
    if side == Side::Requesting {
        return vec![(r.originator.to_string(), text.to_owned())];
    }
    if let Some(office) = &r.requested_office {
        return vec![(office.to_string(), text.to_owned())];
    }
    let snap = store.snapshot();
    let kind = snap.policy.legal_assistance_authority;
    let state = &r.requested_state;
    let found: Vec<(String, String)> = snap
        .registry
        .authorities
        .values()
        .filter(|a| a.state.as_ref() == Some(state) && a.kind == kind && !snap.registry.border_office(&a.id))
        .map(|a| (a.id.to_string(), text.to_owned()))
        .collect();
    if found.is_empty() {
        vec![(format!("state:{state}"), text.to_owned())]
    } else {
        found
    }
}

/// The requested state's side acts through the office asked: a request
/// addressed to a border-area office is that office's to answer, one
/// addressed to the state its central authority's.
fn side_of(store: &Store, ctx: &Ctx, r: &LegalRequest, state: &StateCode) -> Side {
    let side = r.side_of(Some(state));
    if side == Side::Requested && !rules::answers_for_requested(r, &ctx.viewer.authority, &store.snapshot().registry) {
        return Side::Outside;
    }
    side
}

/// Every attachment must be one the requester may read; an
/// intelligence-only one needs its originator's consent (rule 6 of the
/// access model: the use code travels with the item).
async fn check_evidence(store: &Store, ctx: &Ctx, input: &LegalRequestInput) -> Result<()> {
    let me = &ctx.viewer.authority;
    for (i, id) in input.records.iter().enumerate() {
        let field = format!("records[{i}]");
        let r = store
            .readable(ctx, id)
            .await
            .map_err(|_| Refusal::invalid(&field, format!("no record {id} that you may read")))?;
        let p = &r.protected;
        if p.handling.use_ == Use::IntelligenceOnly && p.originator != *me && !store.evidence_consent(id, me).await? {
            return Err(Refusal::invalid(
                field,
                format!(
                    "record {id} is for intelligence only: it becomes evidence only with the consent of its originator, {}, recorded in Concord",
                    p.originator
                ),
            ));
        }
    }
    for (i, id) in input.messages.iter().enumerate() {
        let field = format!("messages[{i}]");
        let m = store
            .readable_message(ctx, id)
            .await
            .map_err(|_| Refusal::invalid(&field, format!("no message {id} that you may read")))?;
        let p = &m.protected;
        if p.handling.use_ == Use::IntelligenceOnly && p.originator != *me && !store.evidence_consent(id, me).await? {
            return Err(Refusal::invalid(
                field,
                format!(
                    "message {id} is for intelligence only: it becomes evidence only with the consent of its originator, {}, recorded in Concord",
                    p.originator
                ),
            ));
        }
    }
    Ok(())
}

/// A draft's content checked for the caller's office (channel, bounds,
/// evidence); returns the handling code shared with the two states.
async fn checked(
    store: &Store,
    ctx: &Ctx,
    requesting: &StateCode,
    input: &LegalRequestInput,
) -> Result<concord_domain::HandlingCode> {
    let handling = rules::check_draft(
        input,
        requesting,
        &ctx.viewer.authority,
        &store.snapshot().registry,
        store.clock().today(),
    )?;
    check_evidence(store, ctx, input).await?;
    Ok(handling)
}

/// Drafts a request; it may be incomplete ([`missing`] says what sending needs).
pub async fn draft(store: &Store, ctx: &Ctx, input: LegalRequestInput) -> Result<LegalRequest> {
    let requesting = acting_state(store, ctx)?;
    let handling = checked(store, ctx, &requesting, &input).await?;
    Ok(store.draft_legal_request(ctx, &input, &handling).await?)
}

/// Replaces a draft's content; only its office, only while drafted.
pub async fn revise(
    store: &Store,
    ctx: &Ctx,
    id: &str,
    input: LegalRequestInput,
    expected_version: i64,
) -> Result<LegalRequest> {
    let r = store.visible_legal_request(ctx, id).await?;
    let requesting = acting_state(store, ctx)?;
    if ctx.viewer.authority != r.originator {
        return Err(Refusal::Forbidden(format!("the draft is {}'s to revise", r.originator)));
    }
    if r.status != Status::Drafted {
        return Err(Refusal::Conflict(format!(
            "request {id} is {}: only a draft is revised",
            r.status
        )));
    }
    let handling = checked(store, ctx, &requesting, &input).await?;
    Ok(store
        .revise_legal_request(ctx, &r, &input, &handling, expected_version)
        .await?)
}

/// What the requested state needs that the request lacks.
pub fn missing(r: &LegalRequest) -> Vec<String> {
    rules::missing(
        r.kind,
        &r.facts,
        &r.request,
        &r.offences,
        &r.persons,
        r.urgent,
        r.deadline,
    )
}

/// One request the caller may read.
pub async fn get(store: &Store, ctx: &Ctx, id: &str) -> Result<LegalRequest> {
    Ok(store.visible_legal_request(ctx, id).await?)
}

/// The newest requests the caller may read.
pub async fn list(store: &Store, ctx: &Ctx, limit: usize) -> Result<Vec<LegalRequest>> {
    if !(1..=1000).contains(&limit) {
        return Err(Refusal::invalid("limit", "must be between 1 and 1000"));
    }
    Ok(store.list_legal_requests(ctx, limit).await?)
}

/// The steps the viewer may take on `r` now.
pub fn open_steps(store: &Store, ctx: &Ctx, r: &LegalRequest) -> Vec<Step> {
    let Ok(state) = acting_state(store, ctx) else {
        return vec![];
    };
    let side = side_of(store, ctx, r, &state);
    [
        Step::Send,
        Step::Receive,
        Step::Begin,
        Step::PartiallyExecute,
        Step::Execute,
        Step::Refuse,
        Step::Withdraw,
    ]
    .into_iter()
    .filter(|s| !matches!(s, Step::Send | Step::Withdraw) || ctx.viewer.authority == r.originator)
    .filter(|s| machine::apply(r.status, *s, side, &missing(r), &[Ground::LapseOfTime], "reasons").is_ok())
    .collect()
}

/// A step on a request by the side it belongs to.
pub async fn step(
    store: &Store,
    ctx: &Ctx,
    id: &str,
    step: Step,
    reasons: &str,
    grounds: &[Ground],
    expected_version: i64,
) -> Result<LegalRequest> {
    let r = store.visible_legal_request(ctx, id).await?;
    if r.version != expected_version {
        return Err(Refusal::Conflict(format!(
            "request {id} is at version {}, not {expected_version}: reload it",
            r.version
        )));
    }
    let state = acting_state(store, ctx)?;
    let side = side_of(store, ctx, &r, &state);
    if side != machine::side_of(step) {
        let office = match (&r.requested_office, machine::side_of(step)) {
            (Some(o), Side::Requested) => format!(" (the office asked, {o})"),
            (None, Side::Requested) => " (its central authority)".to_owned(),
            _ => String::new(),
        };
        return Err(Refusal::Forbidden(format!(
            "{step} is for the {} state{office}; {} is on the {side} side",
            machine::side_of(step),
            ctx.viewer.authority
        )));
    }
    if matches!(step, Step::Send | Step::Withdraw) && ctx.viewer.authority != r.originator {
        return Err(Refusal::Forbidden(format!(
            "{step} is for the requesting office, {}",
            r.originator
        )));
    }
    if reasons.chars().count() > rules::TEXT_LIMIT {
        return Err(Refusal::invalid(
            "reasons",
            format!("longer than {} characters", rules::TEXT_LIMIT),
        ));
    }
    if step == Step::Refuse {
        if grounds.is_empty() {
            return Err(Refusal::invalid(
                "grounds",
                "a refusal names at least one ground from the list",
            ));
        }
        if reasons.trim().is_empty() {
            return Err(Refusal::invalid("reasons", "a refusal gives its reasons"));
        }
    } else if !grounds.is_empty() {
        return Err(Refusal::invalid("grounds", "only a refusal names grounds"));
    }
    let lacking = missing(&r);
    if step == Step::Send && !lacking.is_empty() {
        return Err(Refusal::invalid(
            "request",
            format!("the draft cannot be sent: it lacks {}", lacking.join("; ")),
        ));
    }
    let next = machine::apply(r.status, step, side, &lacking, grounds, reasons)
        .map_err(|e| Refusal::Conflict(e.to_string()))?;
    let told = match side {
        Side::Requesting => notices(
            store,
            &r,
            Side::Requested,
            &format!("request {} ({}) from {}: {step}", r.id, r.kind, r.requesting_state),
        ),
        _ => notices(
            store,
            &r,
            Side::Requesting,
            &format!("request {} ({}) to {}: {next}", r.id, r.kind, r.requested_state),
        ),
    };
    Ok(store
        .step_legal_request(
            ctx,
            &r,
            RequestWrite {
                status: next,
                action: step.as_str(),
                detail: reasons,
                grounds,
                expected_version,
                notify: &told,
            },
        )
        .await?)
}

/// Flags every request that passed its deadline without an answer, to
/// both sides, once; returns how many were flagged.
pub async fn flag_overdue(store: &Store) -> Result<usize> {
    let mut flagged = 0;
    for r in store.unflagged_overdue_requests(store.clock().today()).await? {
        let text = format!(
            "request {} ({}) from {} to {}: past its deadline without an answer",
            r.id, r.kind, r.requesting_state, r.requested_state
        );
        let mut told = notices(store, &r, Side::Requesting, &text);
        told.extend(notices(store, &r, Side::Requested, &text));
        if store.flag_overdue_request(&r, &told).await? {
            flagged += 1;
        }
    }
    Ok(flagged)
}

/// The originator of a record or message consents that `authority` uses
/// it as evidence.
pub async fn consent_to_evidence(
    store: &Store,
    ctx: &Ctx,
    object_id: &str,
    authority: &AuthorityId,
    note: &str,
) -> Result<()> {
    if !ctx.viewer.roles.any(&[Role::Officer, Role::Supervisor]) {
        return Err(Refusal::Forbidden(
            "consent takes the role officer or supervisor".into(),
        ));
    }
    let originator = match store.readable(ctx, object_id).await {
        Ok(r) => r.protected.originator,
        Err(_) => match store.readable_message(ctx, object_id).await {
            Ok(m) => m.protected.originator,
            Err(_) => {
                return Err(Refusal::invalid(
                    "object",
                    format!("no record or message {object_id} that you may read"),
                ));
            }
        },
    };
    if originator != ctx.viewer.authority {
        return Err(Refusal::Forbidden(format!(
            "only its originator, {originator}, consents to {object_id}'s use as evidence"
        )));
    }
    if store.snapshot().registry.authority(authority).is_none() {
        return Err(Refusal::invalid(
            "authority",
            format!("{authority} is not an authority of the registry"),
        ));
    }
    if note.chars().count() > rules::TEXT_LIMIT {
        return Err(Refusal::invalid("note", "too long"));
    }
    Ok(store.grant_evidence_consent(ctx, object_id, authority, note).await?)
}

/// Requests by kind, pair of states and status, with the days from sending
/// to the answer, among the sent requests the caller may read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Statistics {
    pub by_kind: BTreeMap<String, usize>,
    /// `(requesting, requested)` → by status.
    pub by_pair: BTreeMap<(String, String), BTreeMap<String, usize>>,
    pub by_status: BTreeMap<String, usize>,
    /// Answered requests, and the mean and longest days to the answer.
    pub answered: usize,
    pub mean_days_to_answer: Option<f64>,
    pub longest_days_to_answer: Option<i64>,
}

fn days_between(a: &str, b: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    let a = time::OffsetDateTime::parse(a, &Rfc3339).ok()?;
    let b = time::OffsetDateTime::parse(b, &Rfc3339).ok()?;
    Some((b - a).whole_days())
}

/// The statistics of legal assistance.
pub async fn statistics(store: &Store, ctx: &Ctx) -> Result<Statistics> {
    let mut s = Statistics::default();
    let mut days = Vec::new();
    for r in store.readable_legal_requests(ctx).await? {
        if r.status == Status::Drafted {
            continue;
        }
        *s.by_kind.entry(r.kind.to_string()).or_default() += 1;
        *s.by_status.entry(r.status.to_string()).or_default() += 1;
        *s.by_pair
            .entry((r.requesting_state.to_string(), r.requested_state.to_string()))
            .or_default()
            .entry(r.status.to_string())
            .or_default() += 1;
        if let (Some(sent), Some(answered)) = (&r.sent_at, &r.answered_at)
            && let Some(d) = days_between(sent, answered)
        {
            days.push(d);
        }
    }
    s.answered = days.len();
    if !days.is_empty() {
        s.mean_days_to_answer = Some(days.iter().sum::<i64>() as f64 / days.len() as f64);
        s.longest_days_to_answer = days.iter().max().copied();
    }
    Ok(s)
}
