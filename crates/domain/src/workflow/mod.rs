//! The cooperation workflows as explicit state machines: every state, every
//! allowed transition, who may take it, and what a passing deadline does.
//!
//! Each machine is a pure function from (state, event, facts, now) to the
//! next state or a [`Refusal`] that says why; storage persists the result and
//! the API turns a refusal into 409. Time is always passed in, never read.

pub mod consultation;
pub mod controlled_delivery;
pub mod designation;
pub mod exchange;
pub mod legal_assistance;
pub mod pre_export;

/// A transition the workflow does not allow, with the reason in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(pub String);

impl Refusal {
    pub(crate) fn new(reason: impl Into<String>) -> Self {
        Refusal(reason.into())
    }
}
