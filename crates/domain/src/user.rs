//! Users, their roles and the viewer that the access decision reasons about.

use crate::{AuthorityId, Classification, ParseError, StateCode, UserId, text_enum};
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

text_enum! {
    /// What a user may do, beyond what the handling codes allow.
    pub enum Role as "role" {
        /// Reads records and messages.
        Analyst = "analyst",
        /// Reads, and works cases: messages, requests, records.
        Officer = "officer",
        /// Reads, and approves: compliance decisions, reviews.
        Supervisor = "supervisor",
        /// Reads the audit log and handles data-subject requests.
        DataProtectionOfficer = "data-protection-officer",
        /// Manages users and configuration; no extra right to read records.
        Administrator = "administrator",
    }
}

/// A set of roles.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Roles(BTreeSet<Role>);

impl Roles {
    /// A set from the given roles.
    pub fn of(roles: impl IntoIterator<Item = Role>) -> Self {
        Roles(roles.into_iter().collect())
    }
    /// Whether the set holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }
    /// Whether the set holds any of `roles`.
    pub fn any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }
    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The roles, in order.
    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }
}

impl fmt::Display for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(r.as_str())?;
        }
        Ok(())
    }
}

impl FromStr for Roles {
    type Err = ParseError;
    /// Parses a comma-separated list; the empty string is the empty set.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(Role::from_str)
            .collect::<Result<BTreeSet<_>, _>>()
            .map(Roles)
    }
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Storage id.
    pub id: UserId,
    /// Login name, unique.
    pub username: String,
    /// Name shown in the console.
    pub display_name: String,
    /// The one authority the user belongs to.
    pub authority: AuthorityId,
    /// What the user may do.
    pub roles: Roles,
    /// The highest classification the user may see.
    pub clearance: Classification,
    /// A disabled user cannot log in and holds no session.
    pub disabled: bool,
    /// An administrator set the password: the user changes it before doing
    /// anything else.
    pub must_change_password: bool,
}

/// Who is asking: what the access decision needs to know about a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// The user.
    pub user: UserId,
    /// The user's authority.
    pub authority: AuthorityId,
    /// The authority's state; `None` for the regional structure.
    pub state: Option<StateCode>,
    /// The user's roles.
    pub roles: Roles,
    /// The user's clearance.
    pub clearance: Classification,
}

impl Viewer {
    /// Whether the viewer works for the regional structure.
    pub fn is_structure(&self) -> bool {
        self.state.is_none()
    }
}
