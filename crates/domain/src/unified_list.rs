//! The unified list as read: an organization listed by consensus and the
//! timeline of every proposal about it.

use crate::LegalBasis;
use crate::workflow::designation::{Criteria, Direction, Position, Stage};

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

/// A member's position on a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionEntry {
    pub state: String,
    pub position: Position,
    pub reasons: String,
    pub at: String,
}

/// A proposal to list or delist an organization.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub id: String,
    pub direction: Direction,
    pub record_id: String,
    pub organization: String,
    pub proposer_state: String,
    pub proposer_authority: String,
    pub legal_basis: LegalBasis,
    pub evidence: String,
    pub criteria: Criteria,
    pub stage: Stage,
    /// The members whose position counts.
    pub electorate: Vec<String>,
    pub positions: Vec<PositionEntry>,
    pub silence_ends: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub timeline: Vec<TimelineEntry>,
}

/// An organization on a state's national list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NationalEntry {
    pub state: String,
    pub record_id: String,
    pub organization: String,
    pub listed_on: String,
    pub note: String,
}

/// Where a state's national list and the common list differ.
#[derive(Debug, Clone, Default)]
pub struct ListDifference {
    /// On the common list, not on the state's.
    pub only_common: Vec<(String, String)>,
    /// On the state's list, not on the common one.
    pub only_national: Vec<(String, String)>,
}
