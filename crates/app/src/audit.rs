//! The audit log for data-protection officers and administrators: reading
//! the entries the caller oversees (their state's authorities; the
//! structure's officers, all) and verifying the whole hash chain. Reading
//! the log is itself audited.

use crate::{Caller, Refusal, Result};
use concord_audit::{Entry, PublicKey};
use concord_domain::administration::oversees;
use concord_domain::{AuthorityId, Role};
use concord_store::{Store, StoreError};

/// What a verification of the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Every entry links to the one before and the latest checkpoint matches.
    Intact {
        /// How many entries were checked.
        entries: i64,
        /// The sequence number of the checkpoint checked against, if any.
        checkpoint: Option<i64>,
    },
    /// What is wrong: an edited entry, a gap, a truncated log...
    Tampered(String),
}

/// A page of entries the caller may read, and where the next page starts.
#[derive(Debug, Clone)]
pub struct EntryPage {
    pub entries: Vec<Entry>,
    pub next_after: Option<i64>,
}

fn visible(store: &Store, caller: &Caller, entries: Vec<Entry>) -> Vec<Entry> {
    let snap = store.snapshot();
    entries
        .into_iter()
        .filter(|e| {
            oversees(
                &snap.registry,
                &caller.viewer,
                &AuthorityId::from(e.draft.authority.as_str()),
            )
        })
        .collect()
}

async fn audit_read(store: &Store, caller: &Caller, entries: &[Entry]) -> Result<()> {
    let range = match (entries.first(), entries.last()) {
        (Some(a), Some(b)) => format!("entries {}..={}", a.seq.min(b.seq), a.seq.max(b.seq)),
        _ => "no entries".to_owned(),
    };
    store.audit(&caller.actor(), "audit.read", range).await?;
    Ok(())
}

/// Entries after `after`, at most `limit` (1 to 1000) before the caller's
/// scope is applied.
pub async fn entries(store: &Store, caller: &Caller, after: i64, limit: i64) -> Result<EntryPage> {
    caller.require(&[Role::DataProtectionOfficer], "reading the audit log")?;
    if !(1..=1000).contains(&limit) {
        return Err(Refusal::invalid("limit", "must be between 1 and 1000"));
    }
    let page = store.audit_entries(after.max(0), limit).await?;
    let entries = visible(store, caller, page.entries);
    audit_read(store, caller, &entries).await?;
    Ok(EntryPage {
        entries,
        next_after: page.next_after,
    })
}

/// The newest `limit` entries the caller may read, newest first.
pub async fn recent(store: &Store, caller: &Caller, limit: usize) -> Result<Vec<Entry>> {
    caller.require(&[Role::DataProtectionOfficer], "reading the audit log")?;
    let mut entries = visible(store, caller, store.audit_mentioning("", 500).await?);
    entries.truncate(limit);
    audit_read(store, caller, &entries).await?;
    Ok(entries)
}

/// The newest `limit` entries that name `record_id`, as far as the caller
/// oversees them: a record's trail, for data-protection officers.
pub async fn trail(store: &Store, caller: &Caller, record_id: &str, limit: i64) -> Result<Vec<Entry>> {
    caller.require(&[Role::DataProtectionOfficer], "reading a record's trail")?;
    if record_id.trim().is_empty() {
        return Err(Refusal::invalid("record_id", "name the record"));
    }
    let entries = visible(
        store,
        caller,
        store.audit_mentioning(record_id, limit.clamp(1, 500)).await?,
    );
    audit_read(store, caller, &entries).await?;
    Ok(entries)
}

/// Verifies the whole chain against the latest signed checkpoint of `key`,
/// the node's audit key (`None` when the node has none).
pub async fn verify(store: &Store, caller: &Caller, key: Option<&PublicKey>) -> Result<Verification> {
    caller.require(
        &[Role::DataProtectionOfficer, Role::Administrator],
        "verifying the audit log",
    )?;
    let Some(key) = key else {
        return Err(Refusal::Conflict("this node has no audit key configured".into()));
    };
    let found = match store.verify_audit(key).await {
        Ok(v) => Verification::Intact {
            entries: v.entries,
            checkpoint: v.checkpoint,
        },
        Err(StoreError::Tampered(t)) => Verification::Tampered(t.to_string()),
        Err(e) => return Err(e.into()),
    };
    let outcome = if matches!(found, Verification::Intact { .. }) {
        "ok"
    } else {
        "tampered"
    };
    store.audit(&caller.actor(), "audit.verify", outcome).await?;
    Ok(found)
}
