//! Who oversees whom: the rules for administering users and for reading the
//! audit log. A state's administrators and data-protection officers act on
//! their own state's authorities only; the regional structure's act on all.

use crate::record::FieldError;
use crate::rules::Refused;
use crate::{AuthorityId, Classification, Registry, Role, Roles, UserId, Viewer};

/// Whether `viewer` oversees `authority`: administers its users, reads its
/// audit entries. A viewer of no state (the regional structure) oversees
/// every authority; an unknown authority belongs to no state, so only the
/// structure oversees it.
pub fn oversees(registry: &Registry, viewer: &Viewer, authority: &AuthorityId) -> bool {
    match &viewer.state {
        None => true,
        Some(state) => registry.authority(authority).and_then(|a| a.state.as_ref()) == Some(state),
    }
}

/// Whether `viewer` administers the users of `authority`: a state's
/// administrators those of their own state's authorities, the regional
/// structure's those of the structure only. (Reading the audit log is
/// [`oversees`].)
pub fn administers(registry: &Registry, viewer: &Viewer, authority: &AuthorityId) -> bool {
    let of = registry.authority(authority).map(|a| a.state.as_ref());
    match (&viewer.state, of) {
        (_, None) => false,
        (None, Some(None)) => true,
        (Some(mine), Some(Some(theirs))) => mine == theirs,
        _ => false,
    }
}

/// Nobody changes their own roles, clearance or standing.
pub fn check_not_own(viewer: &Viewer, user: &UserId) -> Result<(), Refused> {
    if &viewer.user == user {
        return Err(Refused::Forbidden(
            "nobody changes their own roles, clearance or standing: ask another administrator".into(),
        ));
    }
    Ok(())
}

/// What a user may do, as far as granting it goes: a disabled user may do
/// nothing, whatever its roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Powers {
    pub roles: Roles,
    pub clearance: Classification,
    pub active: bool,
}

impl Powers {
    /// No powers at all: a user not yet created.
    pub fn none() -> Self {
        Powers {
            roles: Roles::default(),
            clearance: Classification::Unclassified,
            active: false,
        }
    }
}

/// The roles whose grant needs a second administrator.
pub const GUARDED_ROLES: &[Role] = &[Role::Supervisor, Role::DataProtectionOfficer, Role::Administrator];
/// The highest clearance one administrator grants alone.
pub const SINGLE_GRANT_CEILING: Classification = Classification::Confidential;

/// What going from `before` to `after` grants that needs a second
/// administrator's approval, in words; empty when one administrator may.
pub fn elevations(before: &Powers, after: &Powers) -> Vec<String> {
    if !after.active {
        return vec![];
    }
    let mut out: Vec<String> = GUARDED_ROLES
        .iter()
        .filter(|r| after.roles.has(**r) && !(before.active && before.roles.has(**r)))
        .map(|r| format!("role {r}"))
        .collect();
    let had = if before.active {
        before.clearance
    } else {
        Classification::Unclassified
    };
    if after.clearance > SINGLE_GRANT_CEILING && after.clearance > had {
        out.push(format!("clearance {}", after.clearance));
    }
    out
}

/// A grant is decided by an administrator other than the one who asked for
/// it and other than the user it empowers.
pub fn check_grant_decider(viewer: &Viewer, requested_by: &UserId, user: &UserId) -> Result<(), Refused> {
    if &viewer.user == requested_by {
        return Err(Refused::Conflict(
            "a grant is decided by a second administrator, not the one who asked for it".into(),
        ));
    }
    check_not_own(viewer, user)
}

/// An administrator grants at most their own clearance.
pub fn check_grant(viewer: &Viewer, clearance: Classification) -> Result<(), FieldError> {
    if clearance > viewer.clearance {
        return Err(FieldError::new(
            "clearance",
            format!("cannot grant more than your own clearance ({})", viewer.clearance),
        ));
    }
    Ok(())
}

/// A login name: 3 to 64 of `a-z 0-9 . _ -`.
pub fn check_username(name: &str) -> Result<(), FieldError> {
    let ok = (3..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            "username",
            "3 to 64 characters of a-z, 0-9, '.', '_' and '-'",
        ))
    }
}

/// A display name: 1 to 200 characters, not only spaces.
pub fn check_display_name(name: &str) -> Result<(), FieldError> {
    if name.trim().is_empty() || name.chars().count() > 200 {
        return Err(FieldError::new("display_name", "must be 1 to 200 characters"));
    }
    Ok(())
}

/// A user holds at least one role.
pub fn check_roles(roles: &Roles) -> Result<(), FieldError> {
    if roles.is_empty() {
        return Err(FieldError::new("roles", "at least one role is required"));
    }
    Ok(())
}

/// The authority a user belongs to exists in the registry.
pub fn check_authority(registry: &Registry, authority: &AuthorityId) -> Result<(), FieldError> {
    if registry.authority(authority).is_none() {
        return Err(FieldError::new(
            "authority",
            format!("unknown authority {:?}", authority.as_str()),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Role, StateCode, UserId};

    fn viewer(state: Option<&str>, clearance: Classification) -> Viewer {
        Viewer {
            user: UserId::new("u"),
            authority: AuthorityId::new("a"),
            state: state.map(StateCode::new),
            roles: Roles::of([Role::Administrator]),
            clearance,
        }
    }

    #[test]
    fn a_state_oversees_no_unknown_authority_and_the_structure_every_one() {
        let registry = Registry::default();
        let unknown = AuthorityId::new("nowhere");
        assert!(!oversees(
            &registry,
            &viewer(Some("kz"), Classification::Secret),
            &unknown
        ));
        assert!(oversees(&registry, &viewer(None, Classification::Restricted), &unknown));
    }

    #[test]
    fn guarded_roles_and_high_clearances_need_a_second_administrator() {
        let p = |roles: &[Role], clearance, active| Powers {
            roles: Roles::of(roles.iter().copied()),
            clearance,
            active,
        };
        let officer = p(&[Role::Officer], Classification::Confidential, true);
        assert!(elevations(&Powers::none(), &officer).is_empty());
        assert!(elevations(&officer, &p(&[Role::Analyst], Classification::Restricted, true)).is_empty());
        for role in GUARDED_ROLES {
            let e = elevations(
                &officer,
                &p(&[Role::Officer, *role], Classification::Confidential, true),
            );
            assert_eq!(e, [format!("role {role}")]);
        }
        let e = elevations(&officer, &p(&[Role::Officer], Classification::Secret, true));
        assert_eq!(e, ["clearance secret"]);
        // Enabling a disabled supervisor grants what it holds.
        let dormant = p(&[Role::Supervisor], Classification::Secret, false);
        let woken = p(&[Role::Supervisor], Classification::Secret, true);
        assert_eq!(elevations(&dormant, &woken).len(), 2);
        assert!(elevations(&woken, &dormant).is_empty(), "taking away needs no second");
    }

    #[test]
    fn administrators_act_within_their_state_and_never_on_themselves() {
        use crate::registry::{Authority, AuthorityKind, Names};
        let mut registry = Registry::default();
        for (id, state) in [("cn-police", Some("CN")), ("structure", None)] {
            registry.authorities.insert(
                AuthorityId::new(id),
                Authority {
                    id: AuthorityId::new(id),
                    state: state.map(StateCode::new),
                    kind: AuthorityKind::Police,
                    name: Names::default(),
                },
            );
        }
        let structure = viewer(None, Classification::Secret);
        let cn = viewer(Some("CN"), Classification::Secret);
        let kz = viewer(Some("KZ"), Classification::Secret);
        let (police, rsa) = (AuthorityId::new("cn-police"), AuthorityId::new("structure"));
        assert!(
            !administers(&registry, &structure, &police),
            "the structure stays out of states' users"
        );
        assert!(administers(&registry, &structure, &rsa));
        assert!(administers(&registry, &cn, &police) && !administers(&registry, &cn, &rsa));
        assert!(!administers(&registry, &kz, &police));
        assert!(!administers(&registry, &cn, &AuthorityId::new("nowhere")));
        assert!(check_not_own(&cn, &cn.user).is_err());
        assert!(check_grant_decider(&cn, &cn.user, &UserId::new("other")).is_err());
        assert!(check_grant_decider(&cn, &UserId::new("first"), &UserId::new("other")).is_ok());
    }

    #[test]
    fn no_one_grants_above_their_own_clearance() {
        let v = viewer(Some("kz"), Classification::Confidential);
        assert!(check_grant(&v, Classification::Confidential).is_ok());
        let e = check_grant(&v, Classification::Secret).expect_err("above");
        assert_eq!(e.field, "clearance");
    }

    #[test]
    fn usernames_and_display_names() {
        assert!(check_username("kz.officer-2").is_ok());
        for bad in ["ab", "Upper", "space d", "ünï", &"a".repeat(65)] {
            assert!(check_username(bad).is_err(), "{bad}");
        }
        assert!(check_display_name("  ").is_err());
        assert!(check_display_name(&"x".repeat(201)).is_err());
        assert!(check_display_name("Айгерим").is_ok());
        assert!(check_roles(&Roles::default()).is_err());
    }
}
