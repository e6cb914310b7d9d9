//! A message of the intelligence exchange, as a reader sees it.

use crate::Protected;
use crate::workflow::exchange::{Delivery, Forward, MessageKind, Priority};

/// An attachment as listed on a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentMeta {
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
}

/// Where a message stands for one addressee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub recipient: String,
    pub delivery: Delivery,
    pub delivered_at: Option<String>,
    pub acknowledged_at: Option<String>,
    pub answered_at: Option<String>,
    /// The request's deadline passed without an answer from this addressee.
    pub overdue: bool,
    /// Set when the addressee received it by a forward.
    pub forward_id: Option<String>,
}

/// A message as a reader sees it.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: String,
    pub thread_id: String,
    pub parent_id: Option<String>,
    pub kind: MessageKind,
    pub priority: Priority,
    pub subject: String,
    pub body: String,
    pub sender: String,
    pub protected: Protected,
    pub deadline: Option<String>,
    pub created_at: String,
    pub receipts: Vec<Receipt>,
    /// Linked records the reader may read; others are left out.
    pub links: Vec<String>,
    pub attachments: Vec<AttachmentMeta>,
}

/// A request to forward a consent-bound message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardRequest {
    pub id: String,
    pub message_id: String,
    pub originator: String,
    pub requested_by: String,
    pub requester_authority: String,
    pub recipients: Vec<String>,
    pub note: String,
    pub status: Forward,
    pub created_at: String,
    pub decided_at: Option<String>,
    pub reason: Option<String>,
}

/// What a forward did.
#[derive(Debug, Clone)]
pub enum Forwarded {
    /// The message went on at once.
    Sent(Box<Message>),
    /// The originator must consent first.
    AwaitingConsent(Box<ForwardRequest>),
}

/// A notice to an authority (or every authority of a state) that must act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: String,
    pub kind: String,
    pub subject_id: String,
    pub text: String,
    pub created_at: String,
}

/// Whether `viewer` is the addressee `recipient` names (an authority, or
/// `state:CODE` for every authority of a state).
pub fn addressed(viewer: &crate::Viewer, recipient: &str) -> bool {
    match recipient.strip_prefix("state:") {
        Some(code) => viewer.state.as_ref().is_some_and(|s| s.as_str() == code),
        None => viewer.authority.as_str() == recipient,
    }
}
