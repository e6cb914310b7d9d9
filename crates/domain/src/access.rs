//! The access decision: the brief's "Handling codes" rules as one pure function.
//!
//! Every path that returns a record or a message (get, list, search, count,
//! export, screening, statistics, federation) must reach its answer through
//! [`decide`]; storage may pre-filter in SQL, but only by conditions that this
//! function also enforces, so that a pre-filter can narrow but never widen.

use crate::{
    AuthorityId, Dissemination, Distribution, HandlingCode, MembershipStatus, Registry, Role, StateCode, Use, Viewer,
    text_enum,
};
use std::collections::BTreeSet;
use std::fmt;
use time::{Date, Duration};

text_enum! {
    /// Where an item stands in its compliance review.
    pub enum Compliance as "compliance status" {
        /// Not yet reviewed: only the originating authority sees it.
        Pending = "pending",
        /// Approved by a supervisor of the originating authority.
        Approved = "approved",
        /// Sent back with reasons: only the originating authority sees it.
        Returned = "returned",
    }
}

/// What the access decision needs to know about a record or message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected {
    /// The authority that contributed it.
    pub originator: AuthorityId,
    /// That authority's state; `None` when the regional structure contributed it.
    pub originator_state: Option<StateCode>,
    /// Its handling code.
    pub handling: HandlingCode,
    /// Its compliance status (messages are created approved).
    pub compliance: Compliance,
    /// When it must be reviewed; `None` for items that have no review.
    pub review_date: Option<Date>,
    /// Authorities the originator has allowed to pass it on or use it as evidence.
    pub consented: BTreeSet<AuthorityId>,
    /// Archived at review: kept for the originating authority only.
    pub archived: bool,
}

/// Configurable parts of the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Days after its review date during which an unreviewed record stays
    /// visible outside the originating state.
    pub review_grace_days: i64,
    /// Days members have to object to a designation once it passed review.
    pub silence_period_days: i64,
    /// Hours a first emergency-consultation proposal waits for a second.
    pub consultation_window_hours: i64,
    /// Hours after convening by which the emergency meeting takes place.
    pub consultation_meeting_delay_hours: i64,
    /// The kind of authority that proposes emergency consultations for its state.
    pub consultation_proposer: crate::AuthorityKind,
    /// The kind of authority that notifies and answers precursor exports.
    pub precursor_authority: crate::AuthorityKind,
    /// Days an importing state has to answer a pre-export notification.
    pub precursor_reply_days: i64,
    /// The kind of authority that sends and answers requests for legal
    /// assistance and extradition (the central authority).
    pub legal_assistance_authority: crate::AuthorityKind,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            review_grace_days: 30,
            silence_period_days: 30,
            consultation_window_hours: 72,
            consultation_meeting_delay_hours: 48,
            consultation_proposer: crate::AuthorityKind::ForeignMinistry,
            precursor_authority: crate::AuthorityKind::AntiDrugAgency,
            precursor_reply_days: 15,
            legal_assistance_authority: crate::AuthorityKind::Prosecutor,
        }
    }
}

/// What the viewer wants to do with the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See it (get, list, search hit, count, statistic).
    Read,
    /// Pass it on: forward, export, federate.
    Disseminate,
    /// Attach it to a legal-assistance request as evidence.
    UseAsEvidence,
    /// Take its compliance decision.
    Approve,
}

/// Why a decision went the way it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    // Allowing reasons.
    /// The viewer belongs to the originating authority.
    OriginatingAuthority,
    /// The viewer's state is a member on the day of access and the item goes to all members.
    MemberOnDayOfAccess,
    /// The item names the viewer's state.
    NamedState,
    /// The viewer works for the regional structure, which receives it.
    RegionalStructure,
    /// Dissemination is free.
    FreeDissemination,
    /// The item's use code allows evidence.
    UsableAsEvidence,
    /// The originator has consented.
    OriginatorConsented,
    /// A supervisor of the originating authority decides compliance.
    SupervisorOfOriginator,
    // Denying reasons.
    /// The viewer's clearance is below the item's classification.
    ClearanceBelowClassification,
    /// None of the viewer's roles allows this action.
    RoleNotAllowed,
    /// The item has not passed its compliance review.
    AwaitingCompliance,
    /// The item is past its review date and grace period.
    ReviewOverdue,
    /// The item was archived at review.
    Archived,
    /// The viewer's state is not in the registry on the day of access.
    StateUnknown,
    /// The viewer's state is suspended or has withdrawn.
    StateNotReceiving(MembershipStatus),
    /// The item goes to members and the viewer's state is not one today.
    NotAMember(MembershipStatus),
    /// The item names states and not the viewer's.
    StateNotNamed,
    /// The item goes to the originator and the regional structure only.
    StructureOnly,
    /// The item stays with the originating authority.
    OriginatorOnly,
    /// Passing it on needs the originator's consent.
    ConsentRequired,
    /// Using it as evidence needs the originator's consent.
    IntelligenceOnly,
    /// Only the originating authority takes this decision.
    NotOriginatingAuthority,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Reason::*;
        match self {
            OriginatingAuthority => f.write_str("the viewer belongs to the originating authority"),
            MemberOnDayOfAccess => f.write_str("distributed to all members and the viewer's state is a member today"),
            NamedState => f.write_str("distributed to the viewer's state by name"),
            RegionalStructure => f.write_str("distributed to the regional structure"),
            FreeDissemination => f.write_str("dissemination is free"),
            UsableAsEvidence => f.write_str("the use code allows evidence"),
            OriginatorConsented => f.write_str("the originator has consented"),
            SupervisorOfOriginator => f.write_str("a supervisor of the originating authority decides"),
            ClearanceBelowClassification => f.write_str("the viewer's clearance is below the classification"),
            RoleNotAllowed => f.write_str("none of the viewer's roles allows this"),
            AwaitingCompliance => f.write_str("not yet approved by the compliance review"),
            Archived => f.write_str("archived: kept for the originating authority only"),
            ReviewOverdue => f.write_str("past its review date and grace period: originating state only"),
            StateUnknown => f.write_str("the viewer's state has no status on the day of access"),
            StateNotReceiving(s) => write!(f, "the viewer's state is {s} on the day of access"),
            NotAMember(s) => write!(f, "distributed to members and the viewer's state is {s}"),
            StateNotNamed => f.write_str("the distribution does not name the viewer's state"),
            StructureOnly => f.write_str("distributed to the regional structure only"),
            OriginatorOnly => f.write_str("kept by the originating authority"),
            ConsentRequired => f.write_str("passing it on needs the originator's consent"),
            IntelligenceOnly => f.write_str("intelligence only: evidence needs the originator's consent"),
            NotOriginatingAuthority => f.write_str("only the originating authority decides this"),
        }
    }
}

/// The outcome of [`decide`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Whether the action is allowed.
    pub allowed: bool,
    /// The rule that settled it.
    pub reason: Reason,
}

impl Decision {
    fn allow(reason: Reason) -> Self {
        Decision { allowed: true, reason }
    }
    fn deny(reason: Reason) -> Self {
        Decision { allowed: false, reason }
    }
}

/// Roles that may read shared items (administrators only within rules 1 to 4).
const READERS: &[Role] = &[Role::Analyst, Role::Officer, Role::Supervisor, Role::Administrator];
/// Roles that may pass items on or use them as evidence.
const WORKERS: &[Role] = &[Role::Analyst, Role::Officer, Role::Supervisor];

/// Decides whether `viewer` may take `action` on `item` on the day `today`.
pub fn decide(
    viewer: &Viewer,
    item: &Protected,
    action: Action,
    registry: &Registry,
    policy: &Policy,
    today: Date,
) -> Decision {
    // Rule 1 holds for everyone, the originator included.
    if viewer.clearance < item.handling.classification {
        return Decision::deny(Reason::ClearanceBelowClassification);
    }
    let own = viewer.authority == item.originator;

    if action == Action::Approve {
        return if !own {
            Decision::deny(Reason::NotOriginatingAuthority)
        } else if viewer.roles.has(Role::Supervisor) {
            Decision::allow(Reason::SupervisorOfOriginator)
        } else {
            Decision::deny(Reason::RoleNotAllowed)
        };
    }

    // The data-protection officer reads its own authority's items, to answer
    // data subjects; nothing else.
    let role_reads = viewer.roles.any(READERS) || (own && viewer.roles.has(Role::DataProtectionOfficer));
    let role_works = viewer.roles.any(WORKERS);
    if !role_reads || (action != Action::Read && !role_works) {
        return Decision::deny(Reason::RoleNotAllowed);
    }

    let read = if own {
        Decision::allow(Reason::OriginatingAuthority)
    } else {
        shared_read(viewer, item, registry, policy, today)
    };
    if !read.allowed || own {
        return read;
    }

    let consented = item.consented.contains(&viewer.authority);
    match action {
        Action::Read => read,
        Action::Disseminate if item.handling.dissemination == Dissemination::Free => {
            Decision::allow(Reason::FreeDissemination)
        }
        Action::UseAsEvidence if item.handling.use_ == Use::Evidence => Decision::allow(Reason::UsableAsEvidence),
        Action::Disseminate | Action::UseAsEvidence if consented => Decision::allow(Reason::OriginatorConsented),
        Action::Disseminate => Decision::deny(Reason::ConsentRequired),
        Action::UseAsEvidence => Decision::deny(Reason::IntelligenceOnly),
        Action::Approve => Decision::deny(Reason::NotOriginatingAuthority),
    }
}

/// Rules 3 and 4: reading by anyone outside the originating authority.
fn shared_read(viewer: &Viewer, item: &Protected, registry: &Registry, policy: &Policy, today: Date) -> Decision {
    if item.archived {
        return Decision::deny(Reason::Archived);
    }
    if item.compliance != Compliance::Approved {
        return Decision::deny(Reason::AwaitingCompliance);
    }
    let same_state = viewer.state.is_some() && viewer.state == item.originator_state;
    if let Some(review) = item.review_date {
        let grace_ends = review.saturating_add(Duration::days(policy.review_grace_days));
        if today > grace_ends && !same_state {
            return Decision::deny(Reason::ReviewOverdue);
        }
    }
    let status = match &viewer.state {
        None => None,
        Some(state) => match registry.status_on(state, today) {
            None => return Decision::deny(Reason::StateUnknown),
            Some(s) if !s.may_receive() => return Decision::deny(Reason::StateNotReceiving(s)),
            Some(s) => Some(s),
        },
    };
    match (&item.handling.distribution, status) {
        (Distribution::OriginatorOnly, _) => Decision::deny(Reason::OriginatorOnly),
        (_, None) => Decision::allow(Reason::RegionalStructure),
        (Distribution::StructureOnly, Some(_)) => Decision::deny(Reason::StructureOnly),
        (Distribution::AllMembers, Some(MembershipStatus::Member)) => Decision::allow(Reason::MemberOnDayOfAccess),
        (Distribution::AllMembers, Some(s)) => Decision::deny(Reason::NotAMember(s)),
        (Distribution::States(named), Some(_)) => match &viewer.state {
            Some(state) if named.contains(state) => Decision::allow(Reason::NamedState),
            _ => Decision::deny(Reason::StateNotNamed),
        },
    }
}

#[cfg(test)]
mod tests;
