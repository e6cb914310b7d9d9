//! Importing a file's records in one transaction: all of it or nothing.
//! Parsers (in `concord-exchange`) yield [`ImportItem`]s line by line; ids
//! from the file become the records' `source_id`, so a second import of the
//! same file updates the same records instead of duplicating them.

use crate::records::record;
use crate::{Ctx, Result, Store, StoreError, new_id};
use concord_domain::rules::Refused;
use concord_domain::{Identifier, RecordStatus};
use concord_domain::{ImportError, ImportItem, RecordInput};
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

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

/// New records are written this many at a time.
const BATCH: usize = 200;

/// SQLite page cache of the writer during an import, in KiB.
const IMPORT_CACHE_KIB: i64 = 262_144;

/// Records are audited in chunks of this many ids per entry.
const AUDIT_CHUNK: usize = 1000;

/// A batch for the import's writer task.
enum Work {
    /// Statements that create new records, and the ids they create.
    Insert {
        ids: Vec<String>,
        statements: Vec<crate::records::AnyQuery>,
    },
    /// Records some of which may exist already (a re-import): the writer
    /// looks them up, then updates or creates.
    Merge(Vec<(u64, crate::RecordInput)>),
}

/// What the reading side gathered.
#[derive(Default)]
struct Reading {
    /// Records of this file may exist already (an earlier import).
    had_imports: bool,
    report: ImportReport,
    deferred: Vec<(u64, ImportItem)>,
    n: u64,
}

/// The import's writer: runs the batches in order inside the file's
/// transaction and audits the written ids 1,000 to an entry. It gives the
/// transaction back, with what it wrote and the ids not yet audited.
async fn write_batches(
    store: Store,
    ctx: Ctx,
    mut w: crate::WriteTx,
    mut inbox: tokio::sync::mpsc::Receiver<Work>,
) -> (crate::WriteTx, Result<(ImportReport, Vec<String>), ImportFailure>) {
    let mut report = ImportReport::default();
    let mut audit_ids: Vec<String> = Vec::new();
    let done = async {
        while let Some(job) = inbox.recv().await {
            match job {
                Work::Insert { ids, statements } => {
                    crate::records::run_all(&mut w.tx, statements).await?;
                    report.created += ids.len() as u64;
                    audit_ids.extend(ids);
                }
                Work::Merge(batch) => {
                    let ids = store.flush_in(&mut w.tx, &ctx, batch, &mut report).await?;
                    audit_ids.extend(ids);
                }
            }
            if audit_ids.len() >= AUDIT_CHUNK {
                let draft = store.draft(&(&ctx).into(), "record.import", audit_ids.join(","));
                store.append_in(&mut w.tx, draft).await?;
                audit_ids.clear();
            }
        }
        Ok::<_, ImportFailure>(())
    }
    .await;
    (w, done.map(|()| (report, audit_ids)))
}

impl Store {
    /// Imports `items` (each with its line) as the viewer's authority, in one
    /// transaction. `check` is the use case's rule, applied to each record
    /// (with the documents that follow it); `progress` is called with the
    /// number of items done.
    pub async fn import(
        &self,
        ctx: &Ctx,
        items: impl Iterator<Item = Result<(u64, ImportItem), ImportError>>,
        check: impl Fn(&RecordInput) -> Result<(), Refused>,
        progress: impl FnMut(u64),
    ) -> Result<ImportReport, ImportFailure> {
        let done = self.import_file(ctx, items, check, progress).await;
        if self.backend() == crate::Backend::Sqlite {
            // Back to the usual cache, whether the file went in or not.
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "PRAGMA cache_size = -{}; PRAGMA temp_store = DEFAULT;",
                crate::SQLITE_CACHE_KIB
            )))
            .execute(&self.inner.writer)
            .await?;
        }
        done
    }

    async fn import_file(
        &self,
        ctx: &Ctx,
        items: impl Iterator<Item = Result<(u64, ImportItem), ImportError>>,
        check: impl Fn(&RecordInput) -> Result<(), Refused>,
        mut progress: impl FnMut(u64),
    ) -> Result<ImportReport, ImportFailure> {
        if self.backend() == crate::Backend::Sqlite {
            // Each multi-row insert keeps a statement journal of the pages it
            // changes; in a temporary file that was a sixth of a 1 M import.
            // A statement changes a few hundred pages, so memory holds them.
            sqlx::query("PRAGMA temp_store = MEMORY")
                .execute(&self.inner.writer)
                .await?;
        }
        let mut w = self.write().await?;
        if self.backend() == crate::Backend::Sqlite {
            // A file is one transaction: with the usual cache its pages spill
            // to the WAL, and every later read searches a WAL growing by
            // gigabytes (`walFindFrame` took a seventh of a 1 M import).
            sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}")))
                .execute(&mut *w.tx)
                .await?;
        }
        // Records of this file can only match records that existed before it;
        // when there are none, per-batch look-ups are skipped (PostgreSQL
        // plans them as scans of a table growing inside this transaction).
        let had_imports = sqlx::query("SELECT 1 FROM records WHERE originator = $1 AND source_id IS NOT NULL LIMIT 1")
            .bind(ctx.viewer.authority.as_str())
            .fetch_optional(&mut *w.tx)
            .await?
            .is_some();
        // The file is read, checked and turned into statements here while a
        // task of its own writes the batch before: the two halves of an
        // import each took about half of its time, one after the other.
        let (jobs, inbox) = tokio::sync::mpsc::channel::<Work>(2);
        let writer = tokio::spawn(write_batches(self.clone(), ctx.clone(), w, inbox));
        let mut reading = Reading {
            had_imports,
            ..Reading::default()
        };
        let read = self
            .read_records(ctx, items, &check, &jobs, &mut reading, &mut progress)
            .await;
        drop(jobs);
        let (mut w, written) = match writer.await {
            Ok(done) => done,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        };
        // A bad line is the reader's error; when the writer failed first,
        // the reader only saw it stop, and the writer's error is the one.
        read?;
        let (written, mut audit_ids) = written?;
        let Reading {
            mut report,
            deferred,
            mut n,
            ..
        } = reading;
        report.created += written.created;
        report.updated += written.updated;
        report.unchanged += written.unchanged;
        // Documents and links may point at records later in the file.
        for (line, item) in deferred {
            match item {
                ImportItem::Identifier { holder, identifier } => {
                    let id = self
                        .by_source(&mut w.tx, ctx, &holder)
                        .await?
                        .ok_or_else(|| ImportError::new(line, "holder", format!("no record with id {holder:?}")))?;
                    self.add_identifier_in(&mut w.tx, ctx, &id, identifier, line).await?;
                    report.identifiers += 1;
                }
                ImportItem::Link {
                    from,
                    to,
                    kind,
                    since,
                    until,
                } => {
                    let a = self
                        .by_source(&mut w.tx, ctx, &from)
                        .await?
                        .ok_or_else(|| ImportError::new(line, "from", format!("no record with id {from:?}")))?;
                    let b = self
                        .by_source(&mut w.tx, ctx, &to)
                        .await?
                        .ok_or_else(|| ImportError::new(line, "to", format!("no record with id {to:?}")))?;
                    if a == b {
                        return Err(ImportError::new(line, "to", "a record cannot be related to itself").into());
                    }
                    let exists =
                        sqlx::query("SELECT 1 FROM relationships WHERE from_id = $1 AND to_id = $2 AND kind = $3")
                            .bind(&a)
                            .bind(&b)
                            .bind(kind.as_str())
                            .fetch_optional(&mut *w.tx)
                            .await?;
                    if exists.is_none() {
                        sqlx::query("INSERT INTO relationships (id, from_id, to_id, kind, since, until, source, originator, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                            .bind(new_id("rel"))
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
        for chunk in std::mem::take(&mut audit_ids).chunks(AUDIT_CHUNK) {
            self.append_in(&mut w.tx, self.draft(&ctx.into(), "record.import", chunk.join(",")))
                .await?;
        }
        w.tx.commit().await?;
        progress(n);
        Ok(report)
    }

    /// Reads the file's records and hands them to the writer a batch at a
    /// time: as statements ready to run when none can exist already, else
    /// as records to merge. Documents and links wait in `reading.deferred`.
    /// Returns early, without error, when the writer has stopped.
    async fn read_records(
        &self,
        ctx: &Ctx,
        items: impl Iterator<Item = Result<(u64, ImportItem), ImportError>>,
        check: &impl Fn(&RecordInput) -> Result<(), Refused>,
        jobs: &tokio::sync::mpsc::Sender<Work>,
        reading: &mut Reading,
        progress: &mut impl FnMut(u64),
    ) -> Result<(), ImportFailure> {
        // File ids seen so far, by a 128-bit digest: a million ids cost 30 MB
        // instead of 90, and a collision is out of reach.
        let mut seen: HashMap<[u8; 16], u64> = HashMap::new();
        let mut pending: Vec<(u64, crate::RecordInput)> = Vec::with_capacity(BATCH);
        let mut items = items.peekable();
        loop {
            let item = items.next();
            let full = pending.len() >= BATCH || (item.is_none() && !pending.is_empty());
            if full {
                let batch = std::mem::replace(&mut pending, Vec::with_capacity(BATCH));
                let job = if reading.had_imports {
                    Work::Merge(batch)
                } else {
                    let inputs: Vec<&crate::RecordInput> = batch.iter().map(|(_, i)| i).collect();
                    let built = self.insert_many_batch(ctx, &inputs, "imported")?;
                    Work::Insert {
                        ids: built.records.into_iter().map(|r| r.id).collect(),
                        statements: built.statements,
                    }
                };
                if jobs.send(job).await.is_err() {
                    return Ok(());
                }
            }
            let Some(item) = item else { break };
            let (line, item) = item?;
            match item {
                ImportItem::Record(mut input) => {
                    // Documents that follow their holder are merged before writing.
                    while let Some(Ok((_, ImportItem::Identifier { holder, .. }))) = items.peek() {
                        if Some(holder.as_str()) != input.source_id.as_deref() {
                            break;
                        }
                        if let Some(Ok((_, ImportItem::Identifier { identifier, .. }))) = items.next() {
                            if !input.facts.identifiers.contains(&identifier) {
                                input.facts.identifiers.push(identifier);
                            }
                            reading.report.identifiers += 1;
                            reading.n += 1;
                        }
                    }
                    let source = input.source_id.clone().unwrap_or_default();
                    if source.is_empty() {
                        return Err(ImportError::new(line, "id", "every record needs an id").into());
                    }
                    if let Some(first) = seen.insert(id_digest(&source), line) {
                        return Err(ImportError::new(
                            line,
                            "id",
                            format!("duplicate id {source:?}: first on line {first}"),
                        )
                        .into());
                    }
                    check(&input).map_err(|e| at_line(line, e.into()))?;
                    if let Some((i, id)) = self.unreadable_attribution(ctx, &input.facts).await? {
                        return Err(ImportError::new(
                            line,
                            format!("facts.event.attributed_to[{i}]"),
                            format!("no record {id} that you may read"),
                        )
                        .into());
                    }
                    pending.push((line, *input));
                }
                other => reading.deferred.push((line, other)),
            }
            reading.n += 1;
            if reading.n.is_multiple_of(1000) {
                progress(reading.n);
            }
        }
        Ok(())
    }

    /// The record with file id `source`: the importer's own, or else one of
    /// another authority that the importer may read (links across authorities).
    async fn by_source(&self, tx: &mut Transaction<'static, Any>, ctx: &Ctx, source: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT id FROM records WHERE originator = $1 AND source_id = $2")
            .bind(ctx.viewer.authority.as_str())
            .bind(source)
            .fetch_optional(&mut **tx)
            .await?;
        if let Some(r) = row {
            return Ok(Some(r.try_get::<String, _>(0)?));
        }
        let rows = sqlx::query("SELECT * FROM records WHERE source_id = $1")
            .bind(source)
            .fetch_all(&mut **tx)
            .await?;
        for row in &rows {
            let r = record(row)?;
            if self.decide_on(ctx, &r.protected, concord_domain::Action::Read).allowed {
                return Ok(Some(r.id));
            }
        }
        Ok(None)
    }

    /// Writes a batch of a re-import: records whose file id exists already
    /// are updated one by one, the others created in one multi-row insert.
    async fn flush_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx,
        batch: Vec<(u64, crate::RecordInput)>,
        report: &mut ImportReport,
    ) -> Result<Vec<String>, ImportFailure> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (0..batch.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT source_id FROM records WHERE originator = $1 AND source_id IN ({})",
            placeholders.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(ctx.viewer.authority.to_string());
        for (_, input) in &batch {
            q = q.bind(input.source_id.clone());
        }
        let existing: std::collections::HashSet<String> = q
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<_, _>>()?;
        let mut ids = Vec::with_capacity(batch.len());
        let (old, new): (Vec<_>, Vec<_>) = batch
            .iter()
            .partition(|(_, i)| i.source_id.as_ref().is_some_and(|s| existing.contains(s)));
        for (line, input) in old {
            ids.push(self.upsert_in(tx, ctx, input, *line, report).await?);
        }
        let inputs: Vec<&crate::RecordInput> = new.iter().map(|(_, i)| i).collect();
        for r in self.insert_many_in(tx, ctx, &inputs, "imported").await? {
            report.created += 1;
            ids.push(r.id);
        }
        Ok(ids)
    }

    async fn upsert_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx,
        input: &crate::RecordInput,
        line: u64,
        report: &mut ImportReport,
    ) -> Result<String, ImportFailure> {
        let source = input.source_id.as_deref().unwrap_or_default();
        let existing = sqlx::query("SELECT * FROM records WHERE originator = $1 AND source_id = $2")
            .bind(ctx.viewer.authority.as_str())
            .bind(source)
            .fetch_optional(&mut **tx)
            .await?;
        match existing.as_ref().map(record).transpose()? {
            None => {
                let r = self.insert_in(tx, ctx, input, "imported", false).await?;
                report.created += 1;
                Ok(r.id)
            }
            Some(r) if r.status != RecordStatus::Active => Err(ImportError::new(
                line,
                "id",
                format!("record {source:?} is {} and cannot be re-imported", r.status),
            )
            .into()),
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
                    self.replace_in(tx, ctx, &r, r.version, input, "re-imported", false)
                        .await?;
                    report.updated += 1;
                }
                Ok(r.id)
            }
        }
    }

    async fn add_identifier_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx,
        id: &str,
        identifier: Identifier,
        line: u64,
    ) -> Result<(), ImportFailure> {
        let r = self.fetch_in(tx, id).await?;
        if r.facts.identifiers.contains(&identifier) {
            return Ok(());
        }
        if identifier.value.trim().is_empty() {
            return Err(ImportError::new(line, "number", "a document needs its number").into());
        }
        // The record as read stays whole: its version is frozen as it was.
        let mut facts = r.facts.clone();
        facts.identifiers.push(identifier);
        let input = crate::RecordInput {
            kind: r.kind,
            facts,
            legal_basis: r.legal_basis.clone(),
            evidence: r.evidence.clone(),
            handling: r.protected.handling.clone(),
            review_date: r.protected.review_date.unwrap_or(self.clock().today()),
            source_id: r.source_id.clone(),
        };
        self.replace_in(tx, ctx, &r, r.version, &input, "document imported", false)
            .await?;
        Ok(())
    }
}

fn id_digest(id: &str) -> [u8; 16] {
    use sha2::Digest;
    let full = sha2::Sha256::digest(id.as_bytes());
    let mut out = [0; 16];
    out.copy_from_slice(&full[..16]);
    out
}

fn at_line(line: u64, e: StoreError) -> ImportFailure {
    match e {
        StoreError::Invalid { field, message } => ImportError::new(line, field, message).into(),
        other => other.into(),
    }
}

impl Store {
    /// A supervisor of the importing authority approves, in one decision,
    /// every imported record of that authority still pending, with the
    /// checklist answered for all of them and one note. Each record gets its
    /// version; the audit entry lists them.
    pub async fn approve_imported(&self, ctx: &Ctx, checklist: concord_domain::Checklist, note: &str) -> Result<u64> {
        let mut w = self.write().await?;
        let authority = ctx.viewer.authority.as_str();
        let now = self.now_text();
        let filter = "originator = $1 AND compliance = 'pending' AND status = 'active' AND source_id IS NOT NULL AND classification <= $2";
        // The records approved, a page at a time: their ids for the audit,
        // and the versions being left get their snapshots (see `records::CURRENT`).
        let mut ids: Vec<String> = Vec::new();
        let mut after = String::new();
        loop {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT * FROM records WHERE {filter} AND id > $3 ORDER BY id LIMIT 1000"
            )))
            .bind(authority)
            .bind(ctx.viewer.clearance.rank())
            .bind(&after)
            .fetch_all(&mut *w.tx)
            .await?;
            let page = rows.iter().map(record).collect::<Result<Vec<_>>>()?;
            let Some(last) = page.last() else { break };
            after = last.id.clone();
            ids.extend(page.iter().map(|r| r.id.clone()));
            self.freeze_many_in(&mut w.tx, &page).await?;
        }
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO record_versions (record_id, version, at, author, authority, action, reason, classification, snapshot) \
             SELECT id, version + 1, $3, $4, $1, 'compliance.approved', $5, classification, '{current}' FROM records WHERE {filter}",
            current = crate::records::CURRENT
        )))
        .bind(authority)
        .bind(ctx.viewer.clearance.rank())
        .bind(&now)
        .bind(ctx.viewer.user.as_str())
        .bind(note)
        .execute(&mut *w.tx)
        .await?;
        let checklist_text = crate::records::checklist_text(&checklist);
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE records SET compliance = 'approved', compliance_note = $3, checklist = $4, version = version + 1, updated_at = $5 WHERE {filter}"
        )))
        .bind(authority)
        .bind(ctx.viewer.clearance.rank())
        .bind(note)
        .bind(checklist_text)
        .bind(&now)
        .execute(&mut *w.tx)
        .await?;
        for chunk in ids.chunks(AUDIT_CHUNK) {
            self.append_in(
                &mut w.tx,
                self.draft(&ctx.into(), "record.compliance.approved", chunk.join(",")),
            )
            .await?;
        }
        w.tx.commit().await?;
        Ok(ids.len() as u64)
    }

    /// The relationships whose both ends are among `ids` (records the caller
    /// already holds, as after an export).
    pub async fn links_between(&self, ids: &std::collections::HashSet<String>) -> Result<Vec<crate::Relationship>> {
        let rows = sqlx::query("SELECT * FROM relationships ORDER BY created_at, id")
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::new();
        for row in &rows {
            let from: String = row.try_get("from_id")?;
            let to: String = row.try_get("to_id")?;
            if !ids.contains(&from) || !ids.contains(&to) {
                continue;
            }
            out.push(crate::relations::relationship(row)?);
        }
        Ok(out)
    }
}
