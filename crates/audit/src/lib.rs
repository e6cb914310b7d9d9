//! The audit log's cryptography: a hash chain in which every entry commits to
//! the one before it, and ed25519-signed checkpoints of the chain head.
//!
//! Architecture invariant: no I/O. Storage appends entries with [`link`] and
//! hands them back, in sequence order, to [`Verifier`].

mod chain;
mod checkpoint;

pub use chain::{Entry, EntryDraft, GENESIS, Hash, link};
pub use checkpoint::{Checkpoint, KeyError, NodeKey, PublicKey};

/// Evidence that the log was altered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Tamper {
    /// A sequence number is missing or out of place (deleted or reordered entries).
    #[error("entry {found} stands where entry {expected} should be: entries were deleted or reordered")]
    SequenceGap { expected: i64, found: i64 },
    /// An entry does not point at the hash of the entry before it.
    #[error("entry {seq} does not follow from entry {}: the chain is broken", seq - 1)]
    BrokenLink { seq: i64 },
    /// An entry's content no longer matches its hash.
    #[error("entry {seq} was edited: its content does not match its hash")]
    Edited { seq: i64 },
    /// The log ends before the latest checkpoint.
    #[error("the log ends at entry {last} but checkpoint covers entry {checkpoint}: entries were truncated")]
    Truncated { last: i64, checkpoint: i64 },
    /// The entry under the checkpoint is not the one that was signed.
    #[error("entry {seq} differs from the signed checkpoint")]
    CheckpointMismatch { seq: i64 },
    /// The checkpoint's signature is not the node key's.
    #[error("checkpoint at entry {seq} is not signed by this node's key")]
    BadSignature { seq: i64 },
    /// The stored chain head disagrees with the entries.
    #[error("the chain head records entry {head} but the log ends at entry {last}")]
    HeadMismatch { head: i64, last: i64 },
}

/// What a successful verification covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Number of entries checked.
    pub entries: i64,
    /// The sequence number covered by the latest checkpoint, if there is one.
    pub checkpoint: Option<i64>,
    /// The hash of the last entry.
    pub head: Hash,
}

/// Checks a log entry by entry, in sequence order, without holding it in memory.
#[derive(Debug)]
pub struct Verifier<'a> {
    checkpoint: Option<&'a Checkpoint>,
    key: &'a PublicKey,
    next_seq: i64,
    last: Hash,
    checkpoint_seen: bool,
}

impl<'a> Verifier<'a> {
    /// A verifier against the latest checkpoint (if any) and the node's public key.
    pub fn new(checkpoint: Option<&'a Checkpoint>, key: &'a PublicKey) -> Result<Self, Tamper> {
        if let Some(cp) = checkpoint
            && !cp.verify(key)
        {
            return Err(Tamper::BadSignature { seq: cp.seq });
        }
        Ok(Verifier {
            checkpoint,
            key,
            next_seq: 1,
            last: GENESIS,
            checkpoint_seen: false,
        })
    }

    /// Checks the next entry.
    pub fn push(&mut self, entry: &Entry) -> Result<(), Tamper> {
        if entry.seq != self.next_seq {
            return Err(Tamper::SequenceGap {
                expected: self.next_seq,
                found: entry.seq,
            });
        }
        if entry.prev_hash != self.last {
            return Err(Tamper::BrokenLink { seq: entry.seq });
        }
        if link(&entry.prev_hash, entry.seq, &entry.draft) != entry.hash {
            return Err(Tamper::Edited { seq: entry.seq });
        }
        if let Some(cp) = self.checkpoint
            && cp.seq == entry.seq
        {
            if cp.head != entry.hash {
                return Err(Tamper::CheckpointMismatch { seq: entry.seq });
            }
            self.checkpoint_seen = true;
        }
        self.last = entry.hash;
        self.next_seq += 1;
        Ok(())
    }

    /// Finishes, comparing the end of the log with the checkpoint and the
    /// recorded chain head (`(seq, hash)`, as storage keeps it).
    pub fn finish(self, head: Option<(i64, Hash)>) -> Result<Verified, Tamper> {
        let last = self.next_seq - 1;
        if let Some(cp) = self.checkpoint
            && !self.checkpoint_seen
        {
            return Err(Tamper::Truncated {
                last,
                checkpoint: cp.seq,
            });
        }
        if let Some((head_seq, head_hash)) = head {
            if head_seq != last {
                return Err(Tamper::HeadMismatch { head: head_seq, last });
            }
            if head_hash != self.last {
                return Err(Tamper::Edited { seq: last });
            }
        }
        let _ = self.key;
        Ok(Verified {
            entries: last,
            checkpoint: self.checkpoint.map(|c| c.seq),
            head: self.last,
        })
    }
}

#[cfg(test)]
mod tests;
