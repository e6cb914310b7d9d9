//! The audit log's cryptography: a hash chain in which every entry commits to
//! the one before it, and ed25519-signed checkpoints of the chain head.
//!
//! Architecture invariant: no I/O. Storage appends entries with [`link`] and
//! hands them back, in sequence order, to [`Verifier`].

mod chain;
mod checkpoint;

pub use chain::{Entry, EntryDraft, GENESIS, Hash, link};
pub use checkpoint::{Checkpoint, KeyError, NodeKey, PublicKey, WitnessLineError};

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
    /// Checkpoints out of order, or two for one entry.
    #[error("checkpoint at entry {seq} comes after the one at entry {after}: checkpoints were reordered or duplicated")]
    CheckpointOrder { seq: i64, after: i64 },
    /// A checkpoint the witness holds is gone from the log, or differs.
    #[error("the witness holds a checkpoint at entry {seq} that the database has lost or changed")]
    CheckpointLost { seq: i64 },
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

/// Checks a log entry by entry, in sequence order, without holding it in
/// memory, against every checkpoint the database holds and every one the
/// witness (a copy kept outside the database) holds.
#[derive(Debug)]
pub struct Verifier<'a> {
    checkpoints: &'a [Checkpoint],
    /// The next checkpoint to meet, by index into `checkpoints`.
    next_checkpoint: usize,
    next_seq: i64,
    last: Hash,
}

impl<'a> Verifier<'a> {
    /// A verifier against the database's checkpoints (`checkpoints`, in
    /// sequence order) and the witness's (`witnessed`), under the node's
    /// public key. Every checkpoint must carry the key's signature and come
    /// after the one before it; every witnessed checkpoint must be among the
    /// database's, unchanged: deleting checkpoints, or cutting the log with
    /// them, leaves the witness holding what is gone.
    pub fn new(checkpoints: &'a [Checkpoint], witnessed: &[Checkpoint], key: &PublicKey) -> Result<Self, Tamper> {
        let mut after = 0;
        for cp in checkpoints {
            if !cp.verify(key) {
                return Err(Tamper::BadSignature { seq: cp.seq });
            }
            if cp.seq <= after {
                return Err(Tamper::CheckpointOrder { seq: cp.seq, after });
            }
            after = cp.seq;
        }
        for w in witnessed {
            if !w.verify(key) {
                return Err(Tamper::BadSignature { seq: w.seq });
            }
            let kept = checkpoints
                .binary_search_by_key(&w.seq, |c| c.seq)
                .is_ok_and(|i| checkpoints[i] == *w);
            if !kept {
                return Err(Tamper::CheckpointLost { seq: w.seq });
            }
        }
        Ok(Verifier {
            checkpoints,
            next_checkpoint: 0,
            next_seq: 1,
            last: GENESIS,
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
        if let Some(cp) = self.checkpoints.get(self.next_checkpoint)
            && cp.seq == entry.seq
        {
            if cp.head != entry.hash {
                return Err(Tamper::CheckpointMismatch { seq: entry.seq });
            }
            self.next_checkpoint += 1;
        }
        self.last = entry.hash;
        self.next_seq += 1;
        Ok(())
    }

    /// Finishes, comparing the end of the log with the checkpoints and the
    /// recorded chain head (`(seq, hash)`, as storage keeps it).
    pub fn finish(self, head: Option<(i64, Hash)>) -> Result<Verified, Tamper> {
        let last = self.next_seq - 1;
        if let Some(cp) = self.checkpoints.get(self.next_checkpoint) {
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
        Ok(Verified {
            entries: last,
            checkpoint: self.checkpoints.last().map(|c| c.seq),
            head: self.last,
        })
    }
}

#[cfg(test)]
mod tests;
