//! Data subjects' requests (access, correction, deletion): registered about a
//! record the registrar may read, routed to its originating authority with a
//! deadline, decided there by its data-protection officer. The rules are
//! `concord_domain::request_rules`.

use crate::Result;
use concord_domain::request_rules;
use concord_domain::rules::Refused;
use concord_store::{Ctx, RequestKind, RequestStatus, Store, SubjectRequest};

/// Registers a data subject's request about a record the viewer may read.
pub async fn register(
    store: &Store,
    ctx: &Ctx,
    record_id: &str,
    kind: RequestKind,
    requester: &str,
    details: &str,
) -> Result<SubjectRequest> {
    request_rules::check_registration(&ctx.viewer, requester)?;
    let r = store
        .readable(ctx, record_id)
        .await
        .map_err(|_| Refused::invalid("record_id", format!("no record {record_id} you may read")))?;
    Ok(store.register_request(ctx, &r, kind, requester, details).await?)
}

/// The originating authority's data-protection officer grants or refuses a
/// request, once, with the decision and the reply to the data subject.
pub async fn decide(
    store: &Store,
    ctx: &Ctx,
    id: &str,
    grant: bool,
    decision: &str,
    reply: &str,
) -> Result<SubjectRequest> {
    let req = store.request(id).await?;
    let already = (req.status != RequestStatus::Open).then(|| req.status.as_str());
    request_rules::check_decision(&ctx.viewer, id, &req.originator, already, decision, reply)?;
    Ok(store.decide_request(ctx, &req, grant, decision, reply).await?)
}
