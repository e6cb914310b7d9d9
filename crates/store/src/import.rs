//! Importing a file's records in one transaction: all of it or nothing.
//! Parsers (in `concord-exchange`) yield [`ImportItem`]s line by line; ids
//! from the file become the records' `source_id`, so a second import of the
//! same file updates the same records instead of duplicating them.

use crate::records::record;
use crate::{Ctx, Result, Store, StoreError, new_id};
use concord_domain::{Identifier, RelationKind, RecordStatus};
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;
use time::Date;

/// One thing read from an import file.
#[derive(Debug, Clone)]
pub enum ImportItem {
    /// A record; its `source_id` is the file's id for it.
    Record(crate::RecordInput),
    /// A document to add to the record with this file id (a FtM Passport).
    Identifier { holder: String, identifier: Identifier },
    /// A relationship between two records by their file ids.
    Link { from: String, to: String, kind: RelationKind, since: Option<Date>, until: Option<Date> },
}

/// Why an import failed; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {field}: {message}")]
pub struct ImportError {
    /// 1-based line (or record number, for formats without lines).
    pub line: u64,
    /// The field at fault.
    pub field: String,
    /// Why.
    pub message: String,
}

impl ImportError {
    /// An error at `line` about `field`.
    pub fn new(line: u64, field: impl Into<String>, message: impl Into<String>) -> Self {
        ImportError { line, field: field.into(), message: message.into() }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub identifiers: u64,
    pub links: u64,
}

/// An import that failed: the error, and nothing written.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    /// The file is wrong at a line.
    #[error("{0}; nothing was imported")]
    Input(#[from] ImportError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ImportFailure {
    fn from(e: sqlx::Error) -> Self {
        ImportFailure::Store(e.into())
    }
}

/// Records are audited in chunks of this many ids per entry.
const AUDIT_CHUNK: usize = 1000;

impl Store {
    /// Imports `items` (each with its line) as the viewer's authority, in one
    /// transaction. `progress` is called with the number of items done.
    pub async fn import(
        &self,
        ctx: &Ctx,
        items: impl Iterator<Item = Result<(u64, ImportItem), ImportError>>,
        mut progress: impl FnMut(u64),
    ) -> Result<ImportReport, ImportFailure> {
        let mut w = self.write().await?;
        let mut report = ImportReport::default();
        let mut deferred: Vec<(u64, ImportItem)> = Vec::new();
        let mut seen: HashMap<String, u64> = HashMap::new();
        let mut audit_ids: Vec<String> = Vec::new();
        let mut n = 0;
        for item in items {
            let (line, item) = item?;
            match item {
                ImportItem::Record(input) => {
                    let source = input.source_id.clone().unwrap_or_default();
                    if source.is_empty() {
                        return Err(ImportError::new(line, "id", "every record needs an id").into());
                    }
                    if let Some(first) = seen.insert(source.clone(), line) {
                        return Err(ImportError::new(line, "id", format!("duplicate id {source:?}: first on line {first}")).into());
                    }
                    self.check_input(ctx, &input).map_err(|e| at_line(line, e))?;
                    let id = self.upsert_in(&mut w.tx, ctx, &input, line, &mut report).await?;
                    audit_ids.push(id);
                }
                other => deferred.push((line, other)),
            }
            if audit_ids.len() >= AUDIT_CHUNK {
                self.append_in(&mut w.tx, self.draft(&ctx.into(), "record.import", audit_ids.join(","))).await?;
                audit_ids.clear();
            }
            n += 1;
            if n % 1000 == 0 {
                progress(n);
            }
        }
        // Documents and links may point at records later in the file.
        for (line, item) in deferred {
            match item {
                ImportItem::Identifier { holder, identifier } => {
                    let id = self.by_source(&mut w.tx, ctx, &holder).await?.ok_or_else(|| ImportError::new(line, "holder", format!("no record with id {holder:?}")))?;
                    self.add_identifier_in(&mut w.tx, ctx, &id, identifier, line).await?;
                    report.identifiers += 1;
                }
                ImportItem::Link { from, to, kind, since, until } => {
                    let a = self.by_source(&mut w.tx, ctx, &from).await?.ok_or_else(|| ImportError::new(line, "from", format!("no record with id {from:?}")))?;
                    let b = self.by_source(&mut w.tx, ctx, &to).await?.ok_or_else(|| ImportError::new(line, "to", format!("no record with id {to:?}")))?;
                    if a == b {
                        return Err(ImportError::new(line, "to", "a record cannot be related to itself").into());
                    }
                    let exists = sqlx::query("SELECT 1 FROM relationships WHERE from_id = $1 AND to_id = $2 AND kind = $3")
                        .bind(&a)
                        .bind(&b)
                        .bind(kind.as_str())
                        .fetch_optional(&mut *w.tx)
                        .await?;
                    if exists.is_none() {
                        sqlx::query("INSERT INTO relationships (id, from_id, to_id, kind, since, until, source, originator, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                            .bind(new_id("rel")?)
                            .bind(&a)
                            .bind(&b)
                            .bind(kind.as_str())
                            .bind(since.map(|d| d.to_string()))
                            .bind(until.map(|d| d.to_string()))
                            .bind("import")
                            .bind(ctx.viewer.authority.as_str())
                            .bind(self.now_text())
                            .execute(&mut *w.tx)
                            .await?;
                        report.links += 1;
                    }
                }
                ImportItem::Record(_) => {}
            }
            n += 1;
            if n % 1000 == 0 {
                progress(n);
            }
        }
        if !audit_ids.is_empty() {
            self.append_in(&mut w.tx, self.draft(&ctx.into(), "record.import", audit_ids.join(","))).await?;
        }
        w.tx.commit().await?;
        progress(n);
        Ok(report)
    }

    async fn by_source(&self, tx: &mut Transaction<'static, Any>, ctx: &Ctx, source: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT id FROM records WHERE originator = $1 AND source_id = $2")
            .bind(ctx.viewer.authority.as_str())
            .bind(source)
            .fetch_optional(&mut **tx)
            .await?;
        Ok(row.map(|r| r.try_get::<String, _>(0)).transpose()?)
    }

    async fn upsert_in(&self, tx: &mut Transaction<'static, Any>, ctx: &Ctx, input: &crate::RecordInput, line: u64, report: &mut ImportReport) -> Result<String, ImportFailure> {
        let source = input.source_id.as_deref().unwrap_or_default();
        let existing = sqlx::query("SELECT * FROM records WHERE originator = $1 AND source_id = $2")
            .bind(ctx.viewer.authority.as_str())
            .bind(source)
            .fetch_optional(&mut **tx)
            .await?;
        match existing.as_ref().map(record).transpose()? {
            None => {
                let r = self.insert_in(tx, ctx, input, "imported").await?;
                report.created += 1;
                Ok(r.id)
            }
            Some(r) if r.status != RecordStatus::Active => {
                Err(ImportError::new(line, "id", format!("record {source:?} is {} and cannot be re-imported", r.status)).into())
            }
            Some(r) => {
                let same = r.kind == input.kind
                    && r.facts == input.facts
                    && r.legal_basis == input.legal_basis
                    && r.evidence == input.evidence
                    && r.protected.handling == input.handling
                    && r.protected.review_date == Some(input.review_date);
                if same {
                    report.unchanged += 1;
                } else {
                    self.replace_in(tx, ctx, &r.id, r.version, input, "re-imported").await?;
                    report.updated += 1;
                }
                Ok(r.id)
            }
        }
    }

    async fn add_identifier_in(&self, tx: &mut Transaction<'static, Any>, ctx: &Ctx, id: &str, identifier: Identifier, line: u64) -> Result<(), ImportFailure> {
        let mut r = self.fetch_in(tx, id).await?;
        if r.facts.identifiers.contains(&identifier) {
            return Ok(());
        }
        if identifier.value.trim().is_empty() {
            return Err(ImportError::new(line, "number", "a document needs its number").into());
        }
        r.facts.identifiers.push(identifier);
        let input = crate::RecordInput {
            kind: r.kind,
            facts: r.facts,
            legal_basis: r.legal_basis,
            evidence: r.evidence,
            handling: r.protected.handling,
            review_date: r.protected.review_date.unwrap_or(self.clock().today()),
            source_id: r.source_id,
        };
        self.replace_in(tx, ctx, id, r.version, &input, "document imported").await?;
        Ok(())
    }
}

fn at_line(line: u64, e: StoreError) -> ImportFailure {
    match e {
        StoreError::Invalid { field, message } => ImportError::new(line, field, message).into(),
        other => other.into(),
    }
}
