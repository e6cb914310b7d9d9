//! Why a rule refuses: the one error that the pure rules of every use case
//! return, before anything is written. The application layer turns it into
//! its refusal; the domain never knows who asked or how.

use crate::record::FieldError;
use crate::{Role, Viewer};

/// A rule that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// Input that breaks a rule, with the field's path.
    #[error("{}: {}", .0.field, .0.message)]
    Invalid(FieldError),
    /// The viewer may not take this step.
    #[error("{0}")]
    Forbidden(String),
    /// The step does not fit the item's state.
    #[error("{0}")]
    Conflict(String),
    /// The viewer may not know that the item exists: answered exactly as for
    /// an item that does not.
    #[error("{0} not found")]
    NotFound(String),
}

impl Refused {
    /// A field that breaks a rule.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Refused::Invalid(FieldError::new(field, message))
    }
}

impl From<FieldError> for Refused {
    fn from(e: FieldError) -> Self {
        Refused::Invalid(e)
    }
}

/// Result of a rule.
pub type Checked = Result<(), Refused>;

/// Refuses unless `viewer` holds one of `roles` for `what` ("sending a
/// message needs the role analyst or officer").
pub fn require_role(viewer: &Viewer, roles: &[Role], what: &str) -> Checked {
    if viewer.roles.any(roles) {
        return Ok(());
    }
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    Err(Refused::Forbidden(format!(
        "{what} needs the role {}",
        names.join(" or ")
    )))
}

/// Refuses a blank `text` in `field`: decisions and changes state their reasons.
pub fn stated(field: &str, text: &str, why: &str) -> Checked {
    if text.trim().is_empty() {
        Err(Refused::invalid(field, why))
    } else {
        Ok(())
    }
}
