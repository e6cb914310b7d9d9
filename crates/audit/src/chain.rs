//! The hash chain.

use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// The "previous hash" of the first entry.
pub const GENESIS: Hash = [0; 32];

/// What an entry records, before it is chained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryDraft {
    /// When, as RFC 3339 UTC.
    pub at: String,
    /// The user id, or `system`.
    pub actor: String,
    /// The actor's authority (empty for the system).
    pub authority: String,
    /// What was done (`record.read`, `user.login`, ...).
    pub action: String,
    /// What it was done to (a record id, a user name, a query).
    pub target: String,
    /// The stated purpose.
    pub purpose: String,
}

/// A chained entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Position in the log, from 1, without gaps.
    pub seq: i64,
    /// The content.
    pub draft: EntryDraft,
    /// The hash of the entry before (or [`GENESIS`]).
    pub prev_hash: Hash,
    /// This entry's hash: commits to `prev_hash`, `seq` and the content.
    pub hash: Hash,
}

/// The hash of an entry at `seq` after `prev`. Every field is length-prefixed
/// so that no two different entries share an encoding.
pub fn link(prev: &Hash, seq: i64, d: &EntryDraft) -> Hash {
    let mut h = Sha256::new();
    h.update(b"concord-audit-v1");
    h.update(prev);
    h.update(seq.to_be_bytes());
    for field in [&d.at, &d.actor, &d.authority, &d.action, &d.target, &d.purpose] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    h.finalize().into()
}
