//! The rules for emergency consultations: who speaks for a state, who sees a
//! consultation, who keeps the agenda, and how long texts may be. Pure: the
//! application layer calls them before the store applies the workflow's event
//! ([`crate::workflow::consultation`]) and writes the result.

use crate::access::Policy;
use crate::rules::{Checked, Refused};
use crate::workflow::consultation::Stage;
use crate::{MembershipStatus, Registry, Role, StateCode, Viewer};
use std::collections::BTreeSet;

/// The roles through which a state takes part.
pub const ACTORS: &[Role] = &[Role::Officer, Role::Supervisor];
/// The longest summary, agenda or statement, in bytes.
pub const MAX_TEXT: usize = 50_000;

/// The state `viewer` speaks for in emergency consultations: its authority is
/// of the kind the policy names (a foreign ministry) and it is an officer or
/// supervisor.
pub fn consulting_state(viewer: &Viewer, registry: &Registry, policy: &Policy) -> Result<StateCode, Refused> {
    let kind = policy.consultation_proposer;
    match (&viewer.state, registry.authority(&viewer.authority)) {
        (Some(state), Some(a)) if a.kind == kind && viewer.roles.any(ACTORS) => Ok(state.clone()),
        _ => Err(Refused::Forbidden(format!(
            "a state takes part in emergency consultations through its {kind}, by an officer or supervisor"
        ))),
    }
}

/// A summary, agenda or statement in `field`: not blank, at most [`MAX_TEXT`].
pub fn check_text(field: &str, text: &str) -> Checked {
    if text.trim().is_empty() || text.len() > MAX_TEXT {
        Err(Refused::invalid(field, format!("1 to {MAX_TEXT} bytes")))
    } else {
        Ok(())
    }
}

/// The agenda is kept by the members of a convened consultation.
pub fn check_agenda_keeper(state: &StateCode, stage: Stage, members: &[String]) -> Checked {
    if stage == Stage::Convened && members.iter().any(|m| m == state.as_str()) {
        Ok(())
    } else {
        Err(Refused::Conflict(format!(
            "the agenda is kept by the members of a convened consultation; this one is {stage}"
        )))
    }
}

/// A statement version as answered: a number from 1.
pub fn statement_version(version: i64) -> Result<u32, Refused> {
    u32::try_from(version)
        .ok()
        .filter(|v| *v >= 1)
        .ok_or_else(|| Refused::invalid("version", "a statement version from 1"))
}

/// Whether `viewer` sees a consultation convened among `members` and proposed
/// by `proposers`: analysts, officers and supervisors of the regional
/// structure, of a state taking part, or of any member state today.
/// Membership counts on the day of access: a state suspended or withdrawn
/// since it took part sees the consultation no more (`status_today` is its
/// state's status today), and so neither votes nor drafts in it.
pub fn may_see<'a>(
    viewer: &Viewer,
    members: &[String],
    mut proposers: impl Iterator<Item = &'a str>,
    members_today: &BTreeSet<StateCode>,
    status_today: Option<MembershipStatus>,
) -> bool {
    if !viewer.roles.any(&[Role::Analyst, Role::Officer, Role::Supervisor]) {
        return false;
    }
    if status_today.is_some_and(|s| !s.may_receive()) {
        return false;
    }
    match &viewer.state {
        None => true,
        Some(s) => {
            members.iter().any(|m| m == s.as_str()) || proposers.any(|p| p == s.as_str()) || members_today.contains(s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AuthorityId, Classification, Roles, UserId};

    fn viewer(state: Option<&str>, role: Role) -> Viewer {
        Viewer {
            user: UserId::from("u"),
            authority: AuthorityId::from("a"),
            state: state.map(StateCode::from),
            roles: Roles::of([role]),
            clearance: Classification::Secret,
        }
    }

    #[test]
    fn outsiders_and_clerks_do_not_see_a_consultation() {
        let today: BTreeSet<StateCode> = [StateCode::from("KZ")].into();
        let members = vec!["KZ".to_owned()];
        assert!(may_see(
            &viewer(Some("KZ"), Role::Analyst),
            &members,
            [].into_iter(),
            &today,
            None
        ));
        assert!(may_see(
            &viewer(None, Role::Supervisor),
            &members,
            [].into_iter(),
            &today,
            None
        ));
        assert!(!may_see(
            &viewer(Some("AF"), Role::Supervisor),
            &members,
            [].into_iter(),
            &today,
            None
        ));
        assert!(may_see(
            &viewer(Some("AF"), Role::Officer),
            &members,
            ["AF"].into_iter(),
            &today,
            None
        ));
        assert!(!may_see(
            &viewer(Some("KZ"), Role::Administrator),
            &members,
            [].into_iter(),
            &today,
            None
        ));
    }

    #[test]
    fn a_state_suspended_or_withdrawn_since_it_took_part_sees_nothing() {
        let today: BTreeSet<StateCode> = [StateCode::from("KZ")].into();
        let members = vec!["KZ".to_owned(), "UZ".to_owned()];
        let uz = viewer(Some("UZ"), Role::Officer);
        assert!(may_see(
            &uz,
            &members,
            [].into_iter(),
            &today,
            Some(MembershipStatus::Member)
        ));
        for barred in [MembershipStatus::Suspended, MembershipStatus::Withdrawn] {
            assert!(!may_see(&uz, &members, ["UZ"].into_iter(), &today, Some(barred)));
        }
    }

    #[test]
    fn texts_versions_and_the_agenda_are_bounded() {
        assert!(check_text("summary", " ").is_err());
        assert!(check_text("summary", &"a".repeat(MAX_TEXT + 1)).is_err());
        assert!(check_text("summary", "Attack on the border post").is_ok());
        assert!(statement_version(0).is_err());
        assert!(statement_version(-1).is_err());
        assert_eq!(statement_version(2), Ok(2));
        let kz = StateCode::from("KZ");
        assert!(check_agenda_keeper(&kz, Stage::Convened, &["KZ".into()]).is_ok());
        assert!(check_agenda_keeper(&kz, Stage::Proposed, &["KZ".into()]).is_err());
        assert!(check_agenda_keeper(&kz, Stage::Convened, &["RU".into()]).is_err());
    }
}
