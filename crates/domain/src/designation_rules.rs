//! The rules for the unified list: who proposes, reviews, votes and keeps a
//! national list, what a proposal must rest on, and which organization may be
//! proposed. Pure: the application layer calls them with the records and
//! list entries it read, then the store applies the workflow's event
//! ([`crate::workflow::designation`]) and writes the result.

use crate::record::{self, LegalBasis};
use crate::record_rules::check_input;
use crate::rules::{Checked, Refused, require_role};
use crate::workflow::designation::{Criteria, Designation, Direction};
use crate::{
    Compliance, Distribution, Record, RecordInput, RecordKind, RecordStatus, Registry, Role, StateCode, Viewer,
};
use time::Date;

/// The roles that propose, resubmit and withdraw for their state.
pub const ACTORS: &[Role] = &[Role::Officer, Role::Supervisor];

/// A proposal as submitted.
#[derive(Debug, Clone)]
pub struct ProposalInput {
    pub direction: Direction,
    /// The organization's record in the shared database.
    pub record_id: String,
    /// Or a new organization, created with the proposal (then `record_id`
    /// is empty).
    pub new_organization: Option<RecordInput>,
    pub legal_basis: LegalBasis,
    /// The acts the proposal rests on, summarized.
    pub evidence: String,
    pub criteria: Criteria,
}

/// The state `viewer` proposes for: an officer or supervisor of a state that
/// is a member `today`. The regional structure reviews; it does not propose.
pub fn check_proposer(viewer: &Viewer, registry: &Registry, today: Date) -> Result<StateCode, Refused> {
    require_role(viewer, ACTORS, "proposing")?;
    let Some(state) = viewer.state.clone() else {
        return Err(Refused::Forbidden(
            "member states propose; the regional structure reviews".into(),
        ));
    };
    if !registry.members_on(today).contains(&&state) {
        return Err(Refused::Forbidden(format!("{state} is not a member state today")));
    }
    Ok(state)
}

/// A proposal's own content: a known legal basis with its evidence, criteria
/// that hold for its direction, and (for a new organization) a record that
/// every member may read, checked as any new record is, its fields named
/// under `organization.`.
pub fn check_proposal(
    viewer: &Viewer,
    state: &StateCode,
    input: &ProposalInput,
    registry: &Registry,
    today: Date,
) -> Checked {
    if let Some(e) = record::validate_basis(&input.legal_basis, &input.evidence, registry)
        .into_iter()
        .next()
    {
        return Err(e.into());
    }
    Designation::propose(input.direction, state.clone(), &input.criteria)
        .map_err(|refusal| Refused::invalid("criteria", refusal.0))?;
    let Some(org) = &input.new_organization else {
        return Ok(());
    };
    if !input.record_id.is_empty() {
        return Err(Refused::invalid(
            "record_id",
            "give either record_id or organization, not both",
        ));
    }
    if input.direction != Direction::Listing {
        return Err(Refused::invalid(
            "direction",
            "a new organization can only be proposed for listing",
        ));
    }
    if org.kind != RecordKind::Organization {
        return Err(Refused::invalid(
            "organization.kind",
            format!("must be organization, not {}", org.kind),
        ));
    }
    if org.handling.distribution != Distribution::AllMembers {
        return Err(Refused::invalid(
            "organization.handling.distribution",
            "every member must be able to read the record: it must be all-members",
        ));
    }
    check_input(viewer, org, registry, today).map_err(|e| match e {
        Refused::Invalid(f) => Refused::invalid(format!("organization.{}", f.field), f.message),
        other => other,
    })
}

/// What the lists say about the organization a proposal names.
#[derive(Debug, Clone, Default)]
pub struct ListStanding {
    /// On the common list now.
    pub listed: bool,
    /// The id of a proposal about it still open, if any.
    pub open_proposal: Option<String>,
}

/// The existing organization `r` (which the viewer may read) may be proposed
/// in `direction`: active, approved at home, readable by every member, one
/// the viewer may pass on, on the common list for a delisting and off it
/// for a listing, and with no other proposal open.
pub fn check_proposable(direction: Direction, r: &Record, pass_on: bool, standing: &ListStanding) -> Checked {
    if r.kind != RecordKind::Organization {
        return Err(Refused::invalid(
            "record_id",
            format!("{} is a {}, not an organization", r.id, r.kind),
        ));
    }
    if r.status != RecordStatus::Active || r.protected.compliance != Compliance::Approved {
        return Err(Refused::invalid(
            "record_id",
            "the record must be active and approved by its compliance review",
        ));
    }
    if r.protected.handling.distribution != Distribution::AllMembers {
        return Err(Refused::invalid(
            "record_id",
            "every member must be able to read the record: its distribution must be all-members",
        ));
    }
    if !pass_on {
        return Err(Refused::invalid(
            "record_id",
            "the record travels only with its originator's consent",
        ));
    }
    match (direction, standing.listed) {
        (Direction::Listing, true) => {
            return Err(Refused::Conflict(format!("{} is already on the common list", r.title)));
        }
        (Direction::Delisting, false) => {
            return Err(Refused::Conflict(format!("{} is not on the common list", r.title)));
        }
        _ => {}
    }
    if let Some(other) = &standing.open_proposal {
        return Err(Refused::Conflict(format!(
            "proposal {other} about {} is still open",
            r.title
        )));
    }
    Ok(())
}

/// The regional compliance review is for supervisors of the regional structure.
pub fn check_reviewer(viewer: &Viewer) -> Checked {
    if viewer.is_structure() && viewer.roles.has(Role::Supervisor) {
        Ok(())
    } else {
        Err(Refused::Forbidden(
            "the compliance review is for supervisors of the regional structure".into(),
        ))
    }
}

/// A proposal passes its regional review only once the organization's record
/// `r` is active and approved by its home review (an organization created
/// with its proposal passes that first).
pub fn check_review_pass(r: &Record) -> Checked {
    if r.status == RecordStatus::Active && r.protected.compliance == Compliance::Approved {
        return Ok(());
    }
    Err(Refused::Conflict(format!(
        "the organization's record {} is {} and its compliance review at {} is {}: \
         it must be active and approved there before the proposal can pass",
        r.id,
        r.status,
        r.protected.originator,
        r.protected.compliance.as_str()
    )))
}

/// Resubmitting or withdrawing is for an officer or supervisor; the workflow
/// decides whether the viewer's state is the proposer.
pub fn check_proposer_step(viewer: &Viewer) -> Checked {
    require_role(viewer, ACTORS, "resubmitting or withdrawing a proposal")
}

/// The state whose position `viewer` takes: a supervisor speaks for its state.
pub fn check_voter(viewer: &Viewer) -> Result<StateCode, Refused> {
    if !viewer.roles.has(Role::Supervisor) {
        return Err(Refused::Forbidden("a state's position is taken by a supervisor".into()));
    }
    viewer
        .state
        .clone()
        .ok_or_else(|| Refused::Conflict("only member states take positions".into()))
}

/// The state whose national list `viewer` keeps: a supervisor of a state.
pub fn check_national_keeper(viewer: &Viewer) -> Result<StateCode, Refused> {
    let Some(state) = viewer.state.clone() else {
        return Err(Refused::Forbidden("national lists belong to states".into()));
    };
    if !viewer.roles.has(Role::Supervisor) {
        return Err(Refused::Forbidden("the national list is kept by supervisors".into()));
    }
    Ok(state)
}

/// A national list holds organizations.
pub fn check_national_record(r: &Record) -> Checked {
    if r.kind == RecordKind::Organization {
        Ok(())
    } else {
        Err(Refused::invalid(
            "record_id",
            format!("{} is not an organization", r.id),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AuthorityId, Classification, Roles, UserId};

    fn viewer(authority: &str, state: Option<&str>, role: Role) -> Viewer {
        Viewer {
            user: UserId::from("u"),
            authority: AuthorityId::from(authority),
            state: state.map(StateCode::from),
            roles: Roles::of([role]),
            clearance: Classification::Secret,
        }
    }

    #[test]
    fn only_supervisors_of_a_state_vote_and_keep_its_list() {
        assert_eq!(
            check_voter(&viewer("kz-knb", Some("KZ"), Role::Supervisor)),
            Ok(StateCode::from("KZ"))
        );
        assert!(matches!(
            check_voter(&viewer("kz-knb", Some("KZ"), Role::Officer)),
            Err(Refused::Forbidden(_))
        ));
        assert!(matches!(
            check_voter(&viewer("rats", None, Role::Supervisor)),
            Err(Refused::Conflict(_))
        ));
        assert!(check_national_keeper(&viewer("rats", None, Role::Supervisor)).is_err());
        assert!(check_national_keeper(&viewer("kz-knb", Some("KZ"), Role::Analyst)).is_err());
        assert!(check_reviewer(&viewer("kz-knb", Some("KZ"), Role::Supervisor)).is_err());
        assert!(check_reviewer(&viewer("rats", None, Role::Officer)).is_err());
        assert!(check_proposer_step(&viewer("kz-knb", Some("KZ"), Role::Analyst)).is_err());
    }
}
