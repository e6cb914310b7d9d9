//! Who oversees whom: the rules for administering users and for reading the
//! audit log. A state's administrators and data-protection officers act on
//! their own state's authorities only; the regional structure's act on all.

use crate::record::FieldError;
use crate::{AuthorityId, Classification, Registry, Roles, Viewer};

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
