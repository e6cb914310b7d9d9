//! The shared database's writes: contributing, changing, approving,
//! reviewing, consenting, erasing and relating records, and importing files.
//! The rules are `concord_domain::record_rules`; each use case reads what the
//! rule needs, applies it, and has the store write data and audit entry in
//! one transaction. Reads that only filter by the access decision go to the
//! store directly, which judges every row it returns.

use crate::Result;
use concord_domain::StateCode;
use concord_domain::record_rules::{self, check_contributor};
use concord_domain::rules::Refused;
use concord_domain::{Action, AuthorityId, Checklist, ImportError, ImportItem, Record, RecordInput, Relationship};
use concord_exchange::ImportDefaults;
use concord_store::{Ctx, ImportFailure, ImportReport, Link, Store};
use std::collections::HashMap;
use time::Date;

/// Contributes a record from `ctx`'s authority, pending its compliance review.
pub async fn create(store: &Store, ctx: &Ctx, input: RecordInput) -> Result<Record> {
    record_rules::check_input(&ctx.viewer, &input, &store.snapshot().registry, store.clock().today())?;
    check_attributions(store, ctx, &input).await?;
    Ok(store.create_record(ctx, input).await?)
}

/// An event is attributed only to records its author may read: an id that
/// names nothing, or something hidden, is refused with the same words.
async fn check_attributions(store: &Store, ctx: &Ctx, input: &RecordInput) -> Result<()> {
    match store.unreadable_attribution(ctx, &input.facts).await? {
        Some((i, id)) => Err(Refused::invalid(
            format!("facts.event.attributed_to[{i}]"),
            format!("no record {id} that you may read"),
        )
        .into()),
        None => Ok(()),
    }
}

/// The originating authority replaces a record's content; `version` must be
/// the current one. The record returns to its compliance review.
pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: &str,
    version: i64,
    input: RecordInput,
    reason: &str,
) -> Result<Record> {
    let current = store.readable(ctx, id).await?;
    record_rules::check_update(
        &ctx.viewer,
        &current,
        &input,
        reason,
        &store.snapshot().registry,
        store.clock().today(),
    )?;
    check_attributions(store, ctx, &input).await?;
    Ok(store.update_record(ctx, id, version, input, reason).await?)
}

/// A supervisor of the originating authority approves the record against the
/// checklist, or returns it, with reasons.
pub async fn decide_compliance(
    store: &Store,
    ctx: &Ctx,
    id: &str,
    approve: bool,
    checklist: Checklist,
    note: &str,
    version: i64,
) -> Result<Record> {
    let r = store.readable(ctx, id).await?;
    let d = store.decide_on(ctx, &r.protected, Action::Approve);
    if !d.allowed {
        return Err(Refused::Forbidden(d.reason.to_string()).into());
    }
    record_rules::check_compliance(approve, &checklist, note)?;
    Ok(store
        .decide_compliance(ctx, id, approve, checklist, note, version)
        .await?)
}

/// The originating authority lets `to` pass the record on or use it as evidence.
pub async fn grant_consent(store: &Store, ctx: &Ctx, id: &str, to: &AuthorityId) -> Result<Record> {
    let r = store.readable(ctx, id).await?;
    record_rules::check_consent(&ctx.viewer, &r)?;
    Ok(store.grant_consent(ctx, &r, to).await?)
}

/// Extends a record's review to `new_date`, with a reason.
pub async fn extend_review(
    store: &Store,
    ctx: &Ctx,
    id: &str,
    version: i64,
    new_date: Date,
    reason: &str,
) -> Result<Record> {
    let r = store.readable(ctx, id).await?;
    record_rules::check_extension(&ctx.viewer, &r, new_date, reason, store.clock().today())?;
    Ok(store.extend_review(ctx, id, version, new_date, reason).await?)
}

/// Archives a record at review: it stays with the originating authority only.
pub async fn archive(store: &Store, ctx: &Ctx, id: &str, version: i64, reason: &str) -> Result<Record> {
    let r = store.readable(ctx, id).await?;
    record_rules::check_archive(&ctx.viewer, &r, reason)?;
    Ok(store.archive_record(ctx, id, version, reason).await?)
}

/// Erases a record's personal data by a recorded data-protection decision.
pub async fn erase(store: &Store, ctx: &Ctx, id: &str, decision: &str) -> Result<Record> {
    let r = store.readable(ctx, id).await?;
    record_rules::check_erasure(&ctx.viewer, &r, decision)?;
    Ok(store.erase_record(ctx, id, decision).await?)
}

/// Records a relationship between two records `ctx` may read.
pub async fn relate(store: &Store, ctx: &Ctx, link: Link<'_>) -> Result<Relationship> {
    record_rules::check_relationship(&ctx.viewer, link.from, link.to, link.since, link.until, link.source)?;
    store
        .readable(ctx, link.from)
        .await
        .map_err(|_| Refused::invalid("from", format!("no record {} you may read", link.from)))?;
    store
        .readable(ctx, link.to)
        .await
        .map_err(|_| Refused::invalid("to", format!("no record {} you may read", link.to)))?;
    Ok(store.relate(ctx, link).await?)
}

/// Imports a file's items as `ctx`'s authority, all or nothing: each record
/// is checked as [`create`] checks it, and a refusal names its line.
pub async fn import(
    store: &Store,
    ctx: &Ctx,
    items: impl Iterator<Item = Result<(u64, ImportItem), ImportError>>,
    progress: impl FnMut(u64),
) -> Result<ImportReport, ImportFailure> {
    check_contributor(&ctx.viewer).map_err(|e| ImportFailure::Store(e.into()))?;
    let snap = store.snapshot();
    let today = store.clock().today();
    let check = |input: &RecordInput| record_rules::check_input(&ctx.viewer, input, &snap.registry, today);
    store.import(ctx, items, check, progress).await
}

/// A supervisor approves every pending imported record of their authority
/// in one decision, with the checklist and a note. Returns how many.
pub async fn approve_imported(store: &Store, ctx: &Ctx, checklist: Checklist, note: &str) -> Result<u64> {
    record_rules::check_bulk_approval(&ctx.viewer, &checklist, note)?;
    Ok(store.approve_imported(ctx, checklist, note).await?)
}

/// The largest file of records an edge accepts for import, in bytes.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// The formats a file of records is imported from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// FollowTheMoney entities, one JSON object per line.
    Ftm,
    /// CSV with the documented header.
    Csv,
    /// The UN Security Council consolidated list XML.
    Unsc,
}

impl std::str::FromStr for FileFormat {
    type Err = Refused;

    fn from_str(s: &str) -> Result<Self, Refused> {
        match s {
            "ftm" => Ok(FileFormat::Ftm),
            "csv" => Ok(FileFormat::Csv),
            "unsc" => Ok(FileFormat::Unsc),
            other => Err(Refused::invalid(
                "format",
                format!("unknown format {other:?}: expected ftm, csv or unsc"),
            )),
        }
    }
}

/// Imports a file in `format` as [`import`] does, every record under the
/// defaults `d`; the UN list's countries are matched to the registry's states
/// by their English names.
pub async fn import_file(
    store: &Store,
    ctx: &Ctx,
    format: FileFormat,
    mut file: impl std::io::BufRead + Send,
    d: &ImportDefaults,
    progress: impl FnMut(u64),
) -> Result<ImportReport, ImportFailure> {
    match format {
        FileFormat::Ftm => import(store, ctx, concord_exchange::ftm::read(file, d), progress).await,
        FileFormat::Csv => import(store, ctx, concord_exchange::csv::read(file, d), progress).await,
        FileFormat::Unsc => {
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes)
                .map_err(|e| ImportError::new(1, "file", format!("cannot read the file: {e}")))?;
            let text = std::str::from_utf8(&bytes).map_err(|e| {
                ImportError::new(1, "file", format!("the file is not UTF-8 (byte {})", e.valid_up_to()))
            })?;
            let countries: HashMap<String, StateCode> = store
                .snapshot()
                .registry
                .states
                .values()
                .map(|st| (st.name.en.to_lowercase(), st.code.clone()))
                .collect();
            let items = concord_exchange::unsc::read(text, d, &countries)?;
            import(store, ctx, items.into_iter().map(Ok), progress).await
        }
    }
}
