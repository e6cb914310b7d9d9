//! Concord's domain model: the registry of states and authorities, users and
//! their roles, handling codes, and the one access decision that guards every
//! path to a record or a message.
//!
//! Architecture invariant: this crate does no I/O and knows no wire format.
//! Everything here is plain data and pure functions, so that the rules can be
//! tested exhaustively and reused by every storage backend and interface.

pub mod access;
pub mod administration;
pub mod case_link;
pub mod clock;
pub mod consultation;
pub mod consultation_rules;
pub mod delivery;
pub mod designation_rules;
pub mod exercise;
pub mod handling;
pub mod ids;
pub mod import;
pub mod legal;
pub mod login_policy;
pub mod meeting;
pub mod message;
pub mod message_rules;
pub mod operation;
pub mod precursor;
pub mod programme;
pub mod record;
pub mod record_rules;
pub mod registry;
pub mod request_rules;
pub mod rules;
pub mod statistics;
pub mod unified_list;
pub mod user;
pub mod webhook_rules;
pub mod workflow;

pub use access::{Action, Compliance, Decision, Policy, Protected, Reason, decide};
pub use clock::{Clock, FixedClock, SystemClock};
pub use consultation::{Consultation, ConsultationStep, StatementVersion, VerdictEntry};
pub use handling::{Classification, Dissemination, Distribution, HandlingCode, Use};
pub use ids::{AuthorityId, StateCode, UserId, derived_uuid};
pub use import::{ImportError, ImportItem};
pub use message::{AttachmentMeta, ForwardRequest, Forwarded, Message, Notification, Receipt};
pub use record::{
    Category, Checklist, EventFacts, Facts, FieldError, Gender, Identifier, LegalBasis, Name, NameKind, PartialDate,
    Record, RecordInput, RecordKind, RecordStatus, RelationKind, Relationship, Script,
};
pub use registry::{
    Authority, AuthorityKind, Body, BodyKind, Chairmanship, Instrument, InstrumentKind, LegalChannel, MembershipEvent,
    MembershipStatus, Party, Registry, State,
};
pub use unified_list::{ListDifference, ListEntry, NationalEntry, PositionEntry, Proposal, TimelineEntry};
pub use user::{Role, Roles, User, Viewer};

/// A value could not be parsed from its textual form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} {value:?}: expected one of {expected}")]
pub struct ParseError {
    /// What kind of value was being parsed ("role", "classification", ...).
    pub what: &'static str,
    /// The offending text.
    pub value: String,
    /// The accepted spellings, comma separated.
    pub expected: String,
}

impl ParseError {
    /// An error for `value`, listing the `expected` spellings.
    pub fn new(what: &'static str, value: &str, expected: &[&str]) -> Self {
        ParseError {
            what,
            value: value.to_owned(),
            expected: expected.join(", "),
        }
    }
}

/// Declares a fieldless enum with a stable kebab-case text form, used in
/// configuration files, the database and the API alike.
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident as $what:literal { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable text form.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::ParseError::new($what, s, &[$($text),+])),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
