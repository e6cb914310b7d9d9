//! Concord's use cases: the layer between the edges (the JSON API, the web
//! console, the command line and, next, federation) and storage.
//!
//! A use case is one function that takes the [`Caller`] and a typed command
//! and returns a typed result or a typed [`Refusal`]. The edges only
//! translate: an HTTP handler reads JSON into the command and the refusal into
//! a status; a console page reads a form and renders the refusal in the
//! user's language. The rules a use case applies come from `concord-domain`
//! (pure), and the store persists the result, data and audit entry in one
//! transaction.
//!
//! Architecture invariant: no HTTP, no HTML, no JSON. Nothing here knows
//! which edge called it.

pub mod audit;
pub mod batches;
pub mod caller;
pub mod case_links;
pub mod consultations;
pub mod deliveries;
pub mod designations;
pub mod exercises;
pub mod legal;
pub mod meetings;
pub mod messages;
pub mod operations;
pub mod passwords;
pub mod precursors;
pub mod programmes;
pub mod records;
pub mod refusal;
pub mod requests;
pub mod screening;
pub mod sessions;
pub mod statistics;
pub mod text;

pub mod users;
pub mod webhooks;

pub use caller::Caller;
pub use refusal::{Refusal, Result};
