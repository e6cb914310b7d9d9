//! Who asks: the user behind a session, as the access model sees them, and
//! the purpose they stated for the audit log.

use crate::Refusal;
use concord_domain::{Role, User, Viewer};
use concord_store::{Actor, Ctx};

/// The logged-in caller of a use case.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user.
    pub user: User,
    /// As the access model sees them.
    pub viewer: Viewer,
    /// The hash of the session token used.
    pub token_hash: String,
    /// The purpose stated with the request, for the audit log.
    pub purpose: String,
}

impl Caller {
    /// The store context for this caller.
    pub fn ctx(&self) -> Ctx {
        Ctx {
            viewer: self.viewer.clone(),
            purpose: self.purpose.clone(),
        }
    }
    /// The audit actor for this caller.
    pub fn actor(&self) -> Actor {
        Actor::from(&self.ctx())
    }
    /// Refuses unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role], what: &str) -> Result<(), Refusal> {
        if self.viewer.roles.any(roles) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(Refusal::Forbidden(format!(
                "{what} needs the role {}",
                names.join(" or ")
            )))
        }
    }
}
