//! The rules for data subjects' requests (access, correction, deletion):
//! who registers them, who decides, and what a decision states. Pure: the
//! application layer calls them with the request it read.

use crate::rules::{Checked, Refused, require_role, stated};
use crate::{Role, Viewer};

/// The roles that register a data subject's request.
pub const REGISTRARS: &[Role] = &[Role::DataProtectionOfficer, Role::Officer, Role::Supervisor];

/// Registering a request: a registrar's role, and who asks.
pub fn check_registration(viewer: &Viewer, requester: &str) -> Checked {
    require_role(viewer, REGISTRARS, "registering requests")?;
    stated("requester", requester, "say who asks")
}

/// Deciding request `id`, which the authority `originator` must answer and
/// which was `already` decided so, if at all: only that authority knows it
/// exists, only its data-protection officer decides, once, stating the
/// decision and the reply.
pub fn check_decision(
    viewer: &Viewer,
    id: &str,
    originator: &str,
    already: Option<&str>,
    decision: &str,
    reply: &str,
) -> Checked {
    if viewer.authority.as_str() != originator {
        return Err(Refused::NotFound(format!("request {id}")));
    }
    require_role(viewer, &[Role::DataProtectionOfficer], "deciding requests")?;
    if let Some(status) = already {
        return Err(Refused::Conflict(format!("request {id} was already {status}")));
    }
    stated("decision", decision, "must not be empty")?;
    stated("reply", reply, "must not be empty")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AuthorityId, Classification, Roles, UserId};

    fn viewer(authority: &str, role: Role) -> Viewer {
        Viewer {
            user: UserId::from("u"),
            authority: AuthorityId::from(authority),
            state: None,
            roles: Roles::of([role]),
            clearance: Classification::Secret,
        }
    }

    #[test]
    fn only_the_originators_data_protection_officer_decides_once_with_reasons() {
        let dpo = viewer("kz-knb", Role::DataProtectionOfficer);
        assert!(check_decision(&dpo, "r", "kz-knb", None, "law", "done").is_ok());
        assert!(matches!(
            check_decision(
                &viewer("ru-fsb", Role::DataProtectionOfficer),
                "r",
                "kz-knb",
                None,
                "law",
                "done"
            ),
            Err(Refused::NotFound(_))
        ));
        assert!(matches!(
            check_decision(&viewer("kz-knb", Role::Supervisor), "r", "kz-knb", None, "law", "done"),
            Err(Refused::Forbidden(_))
        ));
        assert!(matches!(
            check_decision(&dpo, "r", "kz-knb", Some("granted"), "law", "done"),
            Err(Refused::Conflict(_))
        ));
        assert!(check_decision(&dpo, "r", "kz-knb", None, " ", "done").is_err());
        assert!(check_decision(&dpo, "r", "kz-knb", None, "law", "").is_err());
        assert!(check_registration(&viewer("kz-knb", Role::Analyst), "Subject").is_err());
        assert!(check_registration(&dpo, " ").is_err());
        assert!(check_registration(&dpo, "The subject in person").is_ok());
    }
}
