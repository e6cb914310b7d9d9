//! Ties the objects of one case together across workflows: a
//! pre-export notification, the incident its objection raised, the
//! controlled delivery that followed the consignment, the joint operation
//! that stopped it and the legal-assistance request that asks for the
//! evidence. Each end is read through its own use case (and so through
//! `decide`): a link is made only by someone who may read both ends, and
//! shown only to a reader who may read the other end, so that a link never
//! tells a reader that something it may not see exists.

use crate::{Refusal, Result};
use concord_domain::Role;
use concord_domain::case_link::{self as rules, CaseKind, CaseLink, CaseRef};
use concord_store::{Ctx, Store};

/// A link as its reader sees it from one end: the other end, with what
/// names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linked {
    pub link: CaseLink,
    pub other: CaseRef,
    /// What the other end is, in its own words (a substance and route, an
    /// operation's name...).
    pub title: String,
}

/// What names `end`, if the caller may read it; `NotFound` otherwise (a
/// missing object and one the caller may not read are not told apart).
pub async fn title(store: &Store, ctx: &Ctx, end: &CaseRef) -> Result<String> {
    let id = end.id.as_str();
    Ok(match end.kind {
        CaseKind::Notification => {
            let n = crate::precursors::get(store, ctx, id).await?;
            format!("{} {} → {}", n.substance, n.exporting_state, n.importing_state)
        }
        CaseKind::Incident => {
            let i = crate::precursors::incident(store, ctx, id).await?;
            format!("{}, {}", i.place, i.occurred_on)
        }
        CaseKind::Delivery => crate::deliveries::get(store, ctx, id).await?.consignment,
        CaseKind::Operation => crate::operations::get(store, ctx, id).await?.name,
        CaseKind::LegalRequest => {
            let r = crate::legal::get(store, ctx, id).await?;
            let ask: String = r.request.chars().take(120).collect();
            format!("{ask} ({} → {})", r.requesting_state, r.requested_state)
        }
    })
}

/// Links two cases the caller may both read; an officer's or supervisor's
/// step. Linking A to B and B to A is one link.
/// The ids' prefixes tell their kinds.
pub async fn link(store: &Store, ctx: &Ctx, from: &str, to: &str, note: &str) -> Result<Linked> {
    if !ctx.viewer.roles.any(&[Role::Officer, Role::Supervisor]) {
        return Err(Refusal::Forbidden(
            "linking cases takes the role officer or supervisor".into(),
        ));
    }
    let from = &CaseRef::parse("from", from)?;
    let to = &CaseRef::parse("to", to)?;
    let (a, b) = rules::check(from, to, note)?;
    for (field, end) in [("from", from), ("to", to)] {
        if let Err(Refusal::NotFound(_)) = title(store, ctx, end).await {
            return Err(Refusal::invalid(
                format!("{field}.id"),
                format!("no {} {} that you may read", end.kind, end.id),
            ));
        }
    }
    let title_to = title(store, ctx, to).await?;
    let link = store.link_cases(ctx, &a, &b, note).await?;
    Ok(Linked {
        link,
        other: to.clone(),
        title: title_to,
    })
}

/// The links of `end` whose other end the caller may read, oldest first;
/// `end` itself must be readable.
pub async fn of(store: &Store, ctx: &Ctx, id: &str) -> Result<Vec<Linked>> {
    let end = &CaseRef::parse("id", id)?;
    title(store, ctx, end).await?;
    let mut out = Vec::new();
    for link in store.links_touching(end).await? {
        let Some(other) = link.other(end).cloned() else {
            continue;
        };
        match title(store, ctx, &other).await {
            Ok(title) => out.push(Linked { link, other, title }),
            // The other end is hidden from this reader: so is the link.
            Err(Refusal::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}
