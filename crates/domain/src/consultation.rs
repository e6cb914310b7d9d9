//! An emergency consultation as a reader sees it: its stage, statements,
//! members' verdicts and timeline.

use crate::workflow::consultation::{Stage, Verdict};

/// A version of the joint statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementVersion {
    pub version: i64,
    pub text: String,
    /// The state that drafted it.
    pub state: String,
    pub at: String,
}

/// A member's answer to a statement version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerdictEntry {
    pub version: i64,
    pub state: String,
    pub verdict: Verdict,
    pub reasons: String,
    pub at: String,
}

/// One step of a consultation's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationStep {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub state: Option<String>,
    pub action: String,
    pub statement_version: Option<i64>,
    pub detail: String,
}

/// An emergency consultation.
#[derive(Debug, Clone)]
pub struct Consultation {
    pub id: String,
    pub stage: Stage,
    /// The first proposer's situation summary.
    pub summary: String,
    pub window_ends: String,
    /// The members convened (empty until convened).
    pub members: Vec<String>,
    pub meeting_at: Option<String>,
    pub agenda: String,
    /// The current statement version (0: none yet).
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// Proposing states with when they proposed.
    pub proposals: Vec<(String, String)>,
    pub statements: Vec<StatementVersion>,
    pub verdicts: Vec<VerdictEntry>,
    pub timeline: Vec<ConsultationStep>,
    /// Optimistic-concurrency counter of the stored row.
    pub row_version: i64,
}

impl Consultation {
    /// The adopted statement, once there is one.
    pub fn adopted_statement(&self) -> Option<&StatementVersion> {
        (self.stage == Stage::Adopted)
            .then(|| self.statements.iter().find(|s| s.version == self.version))
            .flatten()
    }
}
