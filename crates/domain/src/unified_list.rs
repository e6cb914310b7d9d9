//! The unified list as read: an organization listed by consensus and the
//! timeline of every proposal about it.

use crate::workflow::designation::Stage;

/// One step of a proposal's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub seq: i64,
    pub at: String,
    /// User id, or `system` for deadlines.
    pub actor: String,
    pub authority: String,
    pub action: String,
    /// The stage after this step.
    pub stage: Stage,
    pub detail: String,
}

/// An organization on the common list, with the proposals that shaped it.
#[derive(Debug, Clone)]
pub struct ListEntry {
    pub record_id: String,
    pub organization: String,
    pub designation_id: String,
    pub listed_at: String,
    /// Every step of every proposal about this organization, in order.
    pub history: Vec<(String, TimelineEntry)>,
}
