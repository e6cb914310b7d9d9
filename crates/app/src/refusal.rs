//! Why a use case did not do what it was asked: the one error type every
//! edge translates (the API to a status and a JSON body, the console to a
//! page in the user's language).

use concord_domain::rules::Refused;
use concord_store::StoreError;

/// A use case's typed refusal.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Input that breaks a rule; names the field.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// Nothing there, or nothing the caller may see: the two are not told apart.
    #[error("{0} not found")]
    NotFound(String),
    /// The caller sees the item but may not do this to it.
    #[error("{0}")]
    Forbidden(String),
    /// A uniqueness or version conflict, or a step the workflow refuses now.
    #[error("{0}")]
    Conflict(String),
    /// Not logged in, or the session ended.
    #[error("log in first: send a bearer token or the session cookie")]
    Unauthenticated,
    /// Too many failed logins: wait `retry_after` seconds, or, when `None`,
    /// until an administrator unlocks the account.
    #[error("{message}")]
    Throttled { retry_after: Option<i64>, message: String },
    /// Something failed that the caller cannot fix.
    #[error("{0}")]
    Internal(String),
}

impl Refusal {
    /// A field that breaks a rule.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Refusal::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Refusal::NotFound(what),
            StoreError::Invalid { field, message } => Refusal::Invalid { field, message },
            StoreError::Conflict(m) => Refusal::Conflict(m),
            StoreError::Forbidden(m) => Refusal::Forbidden(m),
            other => Refusal::Internal(other.to_string()),
        }
    }
}

/// A domain rule's refusal, through the store's one mapping of it.
impl From<Refused> for Refusal {
    fn from(e: Refused) -> Self {
        StoreError::from(e).into()
    }
}

/// Result alias.
pub type Result<T, E = Refusal> = std::result::Result<T, E>;
