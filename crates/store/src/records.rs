//! Records of the shared database: persons, organizations, documents,
//! vehicles, events. Every path out of here goes through the access decision;
//! every change makes a version with author and reason.

use crate::codec::{facts_from_text, facts_to_text, legal_basis_to_dto, normalize_identifier};
use crate::registry::{parse, parse_date};
use crate::sql::Sql;
use crate::{Ctx, Result, Store, StoreError, new_id};
use concord_domain::record::Checklist;
use concord_domain::{
    Action, AuthorityId, Category, Classification, Compliance, Decision, Facts, HandlingCode, LegalBasis, Protected,
    RecordKind, RecordStatus, StateCode, decide,
};
use concord_domain::{Record, RecordInput};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeSet;
use time::Date;

/// A compliance checklist as stored.
pub(crate) fn checklist_text(checklist: &Checklist) -> String {
    serde_json::json!({
        "criminal_act_described": checklist.criminal_act_described,
        "legal_basis_cites_article": checklist.legal_basis_cites_article,
        "not_on_protected_grounds_alone": checklist.not_on_protected_grounds_alone,
    })
    .to_string()
}

/// Which records to list.
#[derive(Debug, Clone, Default)]
pub struct RecordQuery {
    /// Case-insensitive text in any name.
    pub text: Option<String>,
    /// Only this kind.
    pub kind: Option<RecordKind>,
    /// Only records contributed from this state.
    pub state: Option<StateCode>,
    /// Only this offence category.
    pub category: Option<Category>,
    /// Only this compliance status.
    pub compliance: Option<Compliance>,
    /// Only this status (default: active).
    pub status: Option<RecordStatus>,
    /// Only records whose review date has come.
    pub review_due: bool,
    /// Records to skip, among those the caller may see.
    pub offset: i64,
    /// At most this many (1 to 500).
    pub limit: i64,
}

impl RecordQuery {
    /// The first `limit` records, no filter.
    pub fn first(limit: i64) -> Self {
        RecordQuery {
            limit,
            ..Default::default()
        }
    }
    /// Records whose names contain `text`.
    pub fn text(text: &str, limit: i64) -> Self {
        RecordQuery {
            text: Some(text.to_owned()),
            limit,
            ..Default::default()
        }
    }
}

/// One version in a record's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub version: i64,
    pub at: String,
    pub author: String,
    pub authority: String,
    /// create, update, compliance.approved, review.extend, archive, erase, ...
    pub action: String,
    pub reason: String,
    /// The record as it was, as JSON; `None` when above the reader's clearance or erased.
    pub snapshot: Option<String>,
}

/// A record in the originator's review queue.
#[derive(Debug, Clone)]
pub struct ReviewItem {
    pub record: Record,
    /// Days since the review date (0 on the day).
    pub overdue_days: i64,
    /// Past the grace period: other states no longer see it.
    pub hidden_from_other_states: bool,
}

pub(crate) const MAX_PAGE: i64 = 500;
/// Candidates read per query when paging through the records a viewer may see.
const SCAN_CHUNK: i64 = 64;

pub(crate) fn record(row: &AnyRow) -> Result<Record> {
    let review: Option<String> = row.try_get("review_date")?;
    let state: Option<String> = row.try_get("originator_state")?;
    let consented: String = row.try_get("consented")?;
    let status: RecordStatus = parse("records", &row.try_get::<String, _>("status")?)?;
    let body: String = row.try_get("body")?;
    let facts = if status == RecordStatus::Deleted {
        Facts::default()
    } else {
        facts_from_text(&body).map_err(|e| StoreError::corrupt("records", e))?
    };
    let category: String = row.try_get("category")?;
    Ok(Record {
        id: row.try_get("id")?,
        kind: parse("records", &row.try_get::<String, _>("kind")?)?,
        title: row.try_get("title")?,
        facts,
        legal_basis: LegalBasis {
            instrument: row.try_get("legal_instrument")?,
            article: row.try_get("legal_article")?,
            category: if category.is_empty() {
                Category::Terrorism
            } else {
                parse("records", &category)?
            },
        },
        evidence: row.try_get("evidence")?,
        protected: Protected {
            originator: AuthorityId::new(row.try_get::<String, _>("originator")?),
            originator_state: state.map(StateCode::new),
            handling: HandlingCode {
                distribution: parse("records", &row.try_get::<String, _>("distribution")?)?,
                dissemination: parse("records", &row.try_get::<String, _>("dissemination")?)?,
                use_: parse("records", &row.try_get::<String, _>("use_code")?)?,
                classification: Classification::from_rank(row.try_get("classification")?)
                    .ok_or_else(|| StoreError::corrupt("records", "classification out of range"))?,
            },
            compliance: parse("records", &row.try_get::<String, _>("compliance")?)?,
            review_date: review.map(|d| parse_date("records", &d)).transpose()?,
            consented: consented
                .split(',')
                .filter(|s| !s.is_empty())
                .map(AuthorityId::from)
                .collect(),
            // Archived and erased records stay with the originating authority.
            archived: status != RecordStatus::Active,
        },
        status,
        compliance_note: row.try_get("compliance_note")?,
        source_id: row.try_get("source_id")?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub(crate) fn fold(text: &str) -> String {
    text.to_lowercase()
}

pub(crate) fn like_pattern(text: &str) -> String {
    let mut p = String::from("%");
    for c in fold(text).chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// `rows` copies of `template`, its `?` placeholders numbered `$1, $2, ...`
/// in order (the one placeholder syntax both backends accept).
/// `rows` copies of a row template whose `?` become placeholders in order:
/// `$1, $2, ...` on PostgreSQL, anonymous `?` on SQLite. (sqlx resolves a
/// named SQLite parameter by name, and SQLite finds a name by scanning all
/// of them: with thousands per multi-row insert that scan took two thirds
/// of an import.)
pub(crate) fn numbered(backend: crate::Backend, template: &str, rows: usize) -> String {
    if backend == crate::Backend::Sqlite {
        return vec![template; rows].join(", ");
    }
    let mut out = String::with_capacity(template.len() * rows + 8 * rows);
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        for c in template.chars() {
            if c == '?' {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            } else {
                out.push(c);
            }
        }
    }
    out
}

/// Ids for an audit entry: all of them, since each one is a read of personal data.
pub(crate) fn id_list(records: &[Record]) -> String {
    records.iter().map(|r| r.id.as_str()).collect::<Vec<_>>().join(",")
}

/// A statement with its arguments bound, owning everything it needs.
pub(crate) type AnyQuery = sqlx::query::Query<'static, Any, sqlx::any::AnyArguments>;

/// New records and the statements that write them (`insert_many_batch`).
#[derive(Default)]
pub(crate) struct InsertBatch {
    pub records: Vec<Record>,
    pub statements: Vec<AnyQuery>,
}

/// Runs `statements` in order inside `tx`.
pub(crate) async fn run_all(tx: &mut Transaction<'static, Any>, statements: Vec<AnyQuery>) -> Result<()> {
    for q in statements {
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// A version snapshot: the record as JSON. Serialized straight from these
/// fields, not through a `serde_json::Value` tree (a tenth of an import's
/// time); outer keys keep the alphabetical order that form gave them.
#[derive(serde::Serialize)]
struct SnapshotDto<'a> {
    compliance: &'a str,
    evidence: &'a str,
    facts: crate::codec::FactsDto,
    handling: HandlingSnapshot<'a>,
    kind: &'a str,
    legal_basis: crate::codec::LegalBasisDto,
    review_date: Option<String>,
    status: &'a str,
}

#[derive(serde::Serialize)]
struct HandlingSnapshot<'a> {
    classification: &'a str,
    dissemination: &'a str,
    distribution: String,
    #[serde(rename = "use")]
    use_: &'a str,
}

/// The record as JSON, for version snapshots.
fn snapshot(r: &Record) -> String {
    let h = &r.protected.handling;
    let dto = SnapshotDto {
        compliance: r.protected.compliance.as_str(),
        evidence: &r.evidence,
        facts: crate::codec::facts_to_dto(&r.facts),
        handling: HandlingSnapshot {
            classification: h.classification.as_str(),
            dissemination: h.dissemination.as_str(),
            distribution: h.distribution.to_string(),
            use_: h.use_.as_str(),
        },
        kind: r.kind.as_str(),
        legal_basis: legal_basis_to_dto(&r.legal_basis),
        review_date: r.protected.review_date.map(|d| d.to_string()),
        status: r.status.as_str(),
    };
    serde_json::to_string(&dto).unwrap_or_else(|_| "{}".into())
}

/// The snapshot column of the current version's row: the record row holds
/// that version, so an import does not write every record twice. A change
/// freezes the row first ([`Store::freeze_in`]); older rows hold their
/// snapshot, erased ones [`ERASED`].
pub(crate) const CURRENT: &str = "";
/// The snapshot column of every version of an erased record.
pub(crate) const ERASED: &str = "{}";

/// The history rows of `r` as the viewer may read them; `None` when a row
/// left to the record is not the version `r` is at (it changed meanwhile).
/// The handling of a version as its snapshot recorded it.
#[derive(serde::Deserialize)]
struct VersionHandling {
    compliance: String,
    handling: VersionCode,
    review_date: Option<String>,
}

#[derive(serde::Deserialize)]
struct VersionCode {
    classification: String,
    dissemination: String,
    distribution: String,
    #[serde(rename = "use")]
    use_: String,
}

/// The record's protection as it stood at a version: that version's handling
/// code, compliance state and review date; the originator never changes.
fn protected_at(r: &Record, snapshot: &str) -> Result<Protected> {
    let at: VersionHandling = serde_json::from_str(snapshot).map_err(|e| StoreError::corrupt("record_versions", e))?;
    Ok(Protected {
        handling: HandlingCode {
            classification: parse("record_versions", &at.handling.classification)?,
            dissemination: parse("record_versions", &at.handling.dissemination)?,
            distribution: parse("record_versions", &at.handling.distribution)?,
            use_: parse("record_versions", &at.handling.use_)?,
        },
        compliance: parse("record_versions", &at.compliance)?,
        review_date: at.review_date.map(|d| parse_date("record_versions", &d)).transpose()?,
        ..r.protected.clone()
    })
}

/// Each version is judged as if it were the record: `may_read` decides on
/// the protection it had then. A version the viewer may not read keeps its
/// number, time, author and action; its content and reason are withheld.
fn versions(r: &Record, rows: &[AnyRow], may_read: impl Fn(&Protected) -> bool) -> Result<Option<Vec<Version>>> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let version: i64 = row.try_get("version")?;
        let mut snapshot: String = row.try_get("snapshot")?;
        if snapshot == CURRENT {
            if version != r.version {
                return Ok(None);
            }
            snapshot = self::snapshot(r);
        }
        let visible = snapshot != ERASED && may_read(&protected_at(r, &snapshot)?);
        let reason: String = row.try_get("reason")?;
        out.push(Version {
            version,
            at: row.try_get("at")?,
            author: row.try_get("author")?,
            authority: row.try_get("authority")?,
            action: row.try_get("action")?,
            reason: if visible { reason } else { String::new() },
            snapshot: visible.then_some(snapshot),
        });
    }
    Ok(Some(out))
}

impl Store {
    /// Writes the current version's snapshot into its row before a change
    /// moves the record on (see [`CURRENT`]).
    pub(crate) async fn freeze_in(&self, tx: &mut Transaction<'static, Any>, id: &str) -> Result<()> {
        let r = self.fetch_in(tx, id).await?;
        self.freeze_many_in(tx, std::slice::from_ref(&r)).await
    }

    /// [`Store::freeze_in`] for records already read in `tx`, one statement
    /// per thousand.
    pub(crate) async fn freeze_many_in(&self, tx: &mut Transaction<'static, Any>, records: &[Record]) -> Result<()> {
        for chunk in records.chunks(1000) {
            // VALUES columns are column1.. in both SQLite and PostgreSQL.
            let sql = format!(
                "UPDATE record_versions SET snapshot = f.column3 FROM (VALUES {}) AS f \
                 WHERE record_versions.record_id = f.column1 AND record_versions.version = f.column2 AND record_versions.snapshot = '{CURRENT}'",
                numbered(self.backend(), "(?, ?, ?)", chunk.len())
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in chunk {
                q = q.bind(r.id.clone()).bind(r.version).bind(snapshot(r));
            }
            q.execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// The access decision on `protected` for `ctx`'s viewer, today.
    /// Whether the viewer may pass `protected` on: its own authority's, or
    /// the access decision allows dissemination (free, or consented).
    pub fn may_pass_on(&self, ctx: &Ctx, protected: &Protected) -> bool {
        protected.originator == ctx.viewer.authority || self.decide_on(ctx, protected, Action::Disseminate).allowed
    }

    pub fn decide_on(&self, ctx: &Ctx, protected: &Protected, action: Action) -> Decision {
        let snap = self.snapshot();
        decide(
            &ctx.viewer,
            protected,
            action,
            &snap.registry,
            &snap.policy,
            self.clock().today(),
        )
    }

    /// Candidates for `q`: SQL narrows by filters and by conditions `decide`
    /// also enforces (clearance, never deleted); `decide` has the last word.
    async fn candidates(
        &self,
        ctx: &Ctx,
        q: &RecordQuery,
        after: Option<(&str, &str)>,
        chunk: Option<i64>,
    ) -> Result<Vec<Record>> {
        let mut sql = Sql::default();
        let clearance = sql.int(ctx.viewer.clearance.rank());
        let status = sql.text(q.status.unwrap_or(RecordStatus::Active).as_str().to_owned());
        sql.text = format!(
            "SELECT * FROM records WHERE classification <= {clearance} AND status = {status} AND status <> 'deleted'"
        );
        if let Some(t) = &q.text {
            let p = sql.text(like_pattern(t));
            sql.text += &format!(
                " AND (title_fold LIKE {p} ESCAPE '\\' OR id IN (SELECT record_id FROM record_names WHERE fold LIKE {p} ESCAPE '\\'))"
            );
        }
        if let Some(k) = q.kind {
            let p = sql.text(k.as_str().to_owned());
            sql.text += &format!(" AND kind = {p}");
        }
        if let Some(s) = &q.state {
            let p = sql.text(s.to_string());
            sql.text += &format!(" AND originator_state = {p}");
        }
        if let Some(c) = q.category {
            let p = sql.text(c.as_str().to_owned());
            sql.text += &format!(" AND category = {p}");
        }
        if let Some(c) = q.compliance {
            let p = sql.text(c.as_str().to_owned());
            sql.text += &format!(" AND compliance = {p}");
        }
        if q.review_due {
            let p = sql.text(self.clock().today().to_string());
            sql.text += &format!(" AND review_date <= {p}");
        }
        if let Some((created, id)) = after {
            let c = sql.text(created.to_owned());
            let i = sql.text(id.to_owned());
            sql.text += &format!(" AND (created_at > {c} OR (created_at = {c} AND id > {i}))");
        }
        sql.text += " ORDER BY created_at, id";
        if let Some(n) = chunk {
            let n = sql.int(n);
            sql.text += &format!(" LIMIT {n}");
        }
        sql.fetch_all(self).await?.iter().map(record).collect()
    }

    async fn visible(&self, ctx: &Ctx, q: &RecordQuery, action: Action) -> Result<Vec<Record>> {
        Ok(self
            .candidates(ctx, q, None, None)
            .await?
            .into_iter()
            .filter(|r| self.decide_on(ctx, &r.protected, action).allowed)
            .collect())
    }

    /// Writes the searchable names and identifiers of a record.
    async fn write_index(&self, tx: &mut Transaction<'static, Any>, id: &str, facts: &Facts) -> Result<()> {
        sqlx::query("DELETE FROM record_names WHERE record_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM record_identifiers WHERE record_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        self.insert_index_in(tx, &[(id, facts)]).await
    }

    /// Inserts the searchable names and identifiers of records, one
    /// multi-row statement per table and 1,000 rows.
    async fn insert_index_in(&self, tx: &mut Transaction<'static, Any>, records: &[(&str, &Facts)]) -> Result<()> {
        run_all(tx, self.index_statements(records)).await
    }

    /// The multi-row inserts of `records`' names and identifiers.
    fn index_statements(&self, records: &[(&str, &Facts)]) -> Vec<AnyQuery> {
        let mut out = Vec::new();
        let names: Vec<(&str, usize, &concord_domain::Name)> = records
            .iter()
            .flat_map(|(id, f)| f.names.iter().enumerate().map(move |(i, n)| (*id, i, n)))
            .collect();
        for chunk in names.chunks(1000) {
            let sql = format!(
                "INSERT INTO record_names (record_id, position, full_name, fold, script, lang, kind) VALUES {}",
                numbered(self.backend(), "(?, ?, ?, ?, ?, ?, ?)", chunk.len())
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (id, i, n) in chunk {
                q = q
                    .bind(*id)
                    .bind(*i as i64)
                    .bind(&n.full)
                    .bind(fold(&n.full))
                    .bind(n.script.as_str())
                    .bind(&n.lang)
                    .bind(n.kind.as_str());
            }
            out.push(q);
        }
        let idents: Vec<(&str, usize, &concord_domain::Identifier)> = records
            .iter()
            .flat_map(|(id, f)| f.identifiers.iter().enumerate().map(move |(i, x)| (*id, i, x)))
            .collect();
        for chunk in idents.chunks(1000) {
            let sql = format!(
                "INSERT INTO record_identifiers (record_id, position, scheme, value, norm, state) VALUES {}",
                numbered(self.backend(), "(?, ?, ?, ?, ?, ?)", chunk.len())
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (id, i, x) in chunk {
                q = q
                    .bind(*id)
                    .bind(*i as i64)
                    .bind(&x.scheme)
                    .bind(&x.value)
                    .bind(normalize_identifier(&x.value))
                    .bind(x.state.as_ref().map(|s| s.to_string()));
            }
            out.push(q);
        }
        out
    }

    pub(crate) async fn fetch_in(&self, tx: &mut Transaction<'static, Any>, id: &str) -> Result<Record> {
        let row = sqlx::query("SELECT * FROM records WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
        row.as_ref()
            .map(record)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("record {id}")))
    }

    /// Records the version the record is now at, and its audit entry.
    pub(crate) async fn version_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx,
        id: &str,
        action: &str,
        reason: &str,
        audit: bool,
    ) -> Result<Record> {
        let r = self.fetch_in(tx, id).await?;
        self.write_version(tx, ctx, &r, action, reason, audit).await?;
        Ok(r)
    }

    /// Writes the version row of `r` as it now stands (and its audit entry).
    async fn write_version(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx,
        r: &Record,
        action: &str,
        reason: &str,
        audit: bool,
    ) -> Result<()> {
        let id = r.id.as_str();
        sqlx::query(
            "INSERT INTO record_versions (record_id, version, at, author, authority, action, reason, classification, snapshot) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(r.version)
        .bind(self.now_text())
        .bind(ctx.viewer.user.as_str())
        .bind(ctx.viewer.authority.as_str())
        .bind(action)
        .bind(reason)
        .bind(r.protected.handling.classification.rank())
        .bind(if r.status == RecordStatus::Deleted { ERASED } else { CURRENT })
        .execute(&mut **tx)
        .await?;
        if audit {
            self.append_in(
                tx,
                self.draft(&ctx.into(), &format!("record.{action}"), format!("{id} v{}", r.version)),
            )
            .await?;
        }
        Ok(())
    }

    /// Inserts a new record inside `tx`, pending its compliance review.
    pub(crate) async fn insert_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx,
        input: &RecordInput,
        reason: &str,
        audit: bool,
    ) -> Result<Record> {
        let mut records = self.insert_many_in(tx, ctx, &[input], reason).await?;
        let r = records
            .pop()
            .ok_or_else(|| StoreError::corrupt("records", "insert returned nothing"))?;
        if audit {
            self.append_in(tx, self.draft(&ctx.into(), "record.create", format!("{} v1", r.id)))
                .await?;
        }
        Ok(r)
    }

    /// Inserts new records with one multi-row statement per table (imports
    /// write millions); no audit entry: the caller audits the batch.
    pub(crate) async fn insert_many_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx,
        inputs: &[&RecordInput],
        reason: &str,
    ) -> Result<Vec<Record>> {
        let batch = self.insert_many_batch(ctx, inputs, reason)?;
        run_all(tx, batch.statements).await?;
        Ok(batch.records)
    }

    /// The records `insert_many_in` would create and the statements that
    /// write them, built without touching the database: an import builds
    /// the next batch while the database writes the last.
    pub(crate) fn insert_many_batch(&self, ctx: &Ctx, inputs: &[&RecordInput], reason: &str) -> Result<InsertBatch> {
        if inputs.is_empty() {
            return Ok(InsertBatch::default());
        }
        let now = self.now_text();
        let v = &ctx.viewer;
        let mut records = Vec::with_capacity(inputs.len());
        for input in inputs {
            records.push(Record {
                id: new_id("rec"),
                kind: input.kind,
                title: input.facts.title().unwrap_or("(event)").to_owned(),
                facts: input.facts.clone(),
                legal_basis: input.legal_basis.clone(),
                evidence: input.evidence.clone(),
                protected: Protected {
                    originator: v.authority.clone(),
                    originator_state: v.state.clone(),
                    handling: input.handling.clone(),
                    compliance: Compliance::Pending,
                    review_date: Some(input.review_date),
                    consented: BTreeSet::new(),
                    archived: false,
                },
                status: RecordStatus::Active,
                compliance_note: None,
                source_id: input.source_id.clone(),
                version: 1,
                created_at: now.clone(),
                updated_at: now.clone(),
            });
        }
        let sql = format!(
            "INSERT INTO records (id, kind, title, title_fold, originator, originator_state, distribution, dissemination, \
             use_code, classification, compliance, compliance_note, review_date, consented, body, version, created_at, updated_at, \
             status, legal_instrument, legal_article, category, evidence, source_id) VALUES {}",
            numbered(
                self.backend(),
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', NULL, ?, '', ?, 1, ?, ?, 'active', ?, ?, ?, ?, ?)",
                records.len()
            )
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for r in &records {
            let h = &r.protected.handling;
            q = q
                .bind(r.id.clone())
                .bind(r.kind.as_str())
                .bind(r.title.clone())
                .bind(fold(&r.title))
                .bind(v.authority.to_string())
                .bind(v.state.as_ref().map(|s| s.to_string()))
                .bind(h.distribution.to_string())
                .bind(h.dissemination.as_str())
                .bind(h.use_.as_str())
                .bind(h.classification.rank())
                .bind(r.protected.review_date.map(|d| d.to_string()))
                .bind(facts_to_text(&r.facts))
                .bind(now.clone())
                .bind(now.clone())
                .bind(r.legal_basis.instrument.clone())
                .bind(r.legal_basis.article.clone())
                .bind(r.legal_basis.category.as_str())
                .bind(r.evidence.clone())
                .bind(r.source_id.clone());
        }
        let mut statements = vec![q];
        let index: Vec<(&str, &Facts)> = records.iter().map(|r| (r.id.as_str(), &r.facts)).collect();
        statements.extend(self.index_statements(&index));
        let sql = format!(
            "INSERT INTO record_versions (record_id, version, at, author, authority, action, reason, classification, snapshot) VALUES {}",
            numbered(self.backend(), "(?, 1, ?, ?, ?, 'create', ?, ?, ?)", records.len())
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for r in &records {
            q = q
                .bind(r.id.clone())
                .bind(now.clone())
                .bind(v.user.to_string())
                .bind(v.authority.to_string())
                .bind(reason.to_owned())
                .bind(r.protected.handling.classification.rank())
                .bind(CURRENT);
        }
        statements.push(q);
        Ok(InsertBatch { records, statements })
    }

    /// Replaces a record's content inside `tx`; it returns to pending review.
    /// `current` is the record as read in `tx`: its version is frozen first.
    // Internal: the import path adds `audit` to the public path's arguments.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn replace_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx,
        current: &Record,
        expected_version: i64,
        input: &RecordInput,
        reason: &str,
        audit: bool,
    ) -> Result<Record> {
        let id = current.id.as_str();
        let title = input.facts.title().unwrap_or("(event)").to_owned();
        self.freeze_many_in(tx, std::slice::from_ref(current)).await?;
        let done = sqlx::query(
            "UPDATE records SET kind = $1, title = $2, title_fold = $3, distribution = $4, dissemination = $5, use_code = $6, \
             classification = $7, review_date = $8, body = $9, legal_instrument = $10, legal_article = $11, category = $12, \
             evidence = $13, compliance = 'pending', compliance_note = NULL, checklist = NULL, version = version + 1, updated_at = $14 \
             WHERE id = $15 AND version = $16 AND status = 'active'",
        )
        .bind(input.kind.as_str())
        .bind(&title)
        .bind(fold(&title))
        .bind(input.handling.distribution.to_string())
        .bind(input.handling.dissemination.as_str())
        .bind(input.handling.use_.as_str())
        .bind(input.handling.classification.rank())
        .bind(input.review_date.to_string())
        .bind(facts_to_text(&input.facts))
        .bind(&input.legal_basis.instrument)
        .bind(&input.legal_basis.article)
        .bind(input.legal_basis.category.as_str())
        .bind(&input.evidence)
        .bind(self.now_text())
        .bind(id)
        .bind(expected_version)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "record {id} is no longer at version {expected_version}; read it again and reapply your change"
            )));
        }
        self.write_index(tx, id, &input.facts).await?;
        self.version_in(tx, ctx, id, "update", reason, audit).await
    }

    /// Creates a record contributed by the viewer's authority, pending its
    /// compliance review.
    pub async fn create_record(&self, ctx: &Ctx, input: RecordInput) -> Result<Record> {
        let mut w = self.write().await?;
        let r = self.insert_in(&mut w.tx, ctx, &input, "created", true).await?;
        w.tx.commit().await?;
        Ok(r)
    }

    /// The originating authority changes a record. `expected_version` must be
    /// the current one (a stale one is a conflict); the record goes back to
    /// its compliance review.
    pub async fn update_record(
        &self,
        ctx: &Ctx,
        id: &str,
        expected_version: i64,
        input: RecordInput,
        reason: &str,
    ) -> Result<Record> {
        let mut w = self.write().await?;
        let in_tx = self.fetch_in(&mut w.tx, id).await?;
        let r = self
            .replace_in(&mut w.tx, ctx, &in_tx, expected_version, &input, reason, true)
            .await?;
        w.tx.commit().await?;
        Ok(r)
    }

    /// The record, if it exists and the viewer may read it; "not found"
    /// otherwise. Not audited: a use case reads it to check a rule before the
    /// write it audits.
    pub async fn readable(&self, ctx: &Ctx, id: &str) -> Result<Record> {
        let mut r = self.readable_as_is(ctx, id).await?;
        self.hide_unreadable_links(ctx, std::slice::from_mut(&mut r)).await?;
        Ok(r)
    }

    /// [`Store::readable`] without judging what the record links to.
    async fn readable_as_is(&self, ctx: &Ctx, id: &str) -> Result<Record> {
        let row = sqlx::query("SELECT * FROM records WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        match row.as_ref().map(record).transpose()? {
            Some(r) if self.decide_on(ctx, &r.protected, Action::Read).allowed => Ok(r),
            _ => Err(StoreError::NotFound(format!("record {id}"))),
        }
    }

    /// Which of `ids` name a record the viewer may read, one lookup each.
    pub(crate) async fn readable_ids<'a>(
        &self,
        ctx: &Ctx,
        ids: impl IntoIterator<Item = &'a String>,
    ) -> Result<BTreeSet<String>> {
        let mut out = BTreeSet::new();
        for id in ids.into_iter().collect::<BTreeSet<_>>() {
            match self.readable_as_is(ctx, id).await {
                Ok(_) => {
                    out.insert(id.clone());
                }
                Err(StoreError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Drops from each record the ids of records its event is attributed to
    /// that the viewer may not read: an id alone says that a hidden record
    /// exists.
    pub(crate) async fn hide_unreadable_links(&self, ctx: &Ctx, records: &mut [Record]) -> Result<()> {
        let linked: Vec<&String> = records
            .iter()
            .filter_map(|r| r.facts.event.as_ref())
            .flat_map(|e| &e.attributed_to)
            .collect();
        if linked.is_empty() {
            return Ok(());
        }
        let readable = self.readable_ids(ctx, linked).await?;
        for event in records.iter_mut().filter_map(|r| r.facts.event.as_mut()) {
            event.attributed_to.retain(|id| readable.contains(id));
        }
        Ok(())
    }

    /// [`Store::hide_unreadable_links`] for version snapshots.
    async fn hide_unreadable_links_in_snapshots(&self, ctx: &Ctx, versions: Vec<Version>) -> Result<Vec<Version>> {
        fn links(snapshot: &mut serde_json::Value) -> Option<&mut Vec<serde_json::Value>> {
            snapshot.pointer_mut("/facts/event/attributed_to")?.as_array_mut()
        }
        let mut parsed = Vec::with_capacity(versions.len());
        let mut linked = Vec::new();
        for v in versions {
            let json = match v.snapshot.as_deref().map(serde_json::from_str::<serde_json::Value>) {
                Some(Ok(mut json)) => {
                    if let Some(ids) = links(&mut json) {
                        linked.extend(ids.iter().filter_map(|id| id.as_str().map(str::to_owned)));
                    }
                    Some(json)
                }
                Some(Err(e)) => return Err(StoreError::corrupt("record_versions", e)),
                None => None,
            };
            parsed.push((v, json));
        }
        if linked.is_empty() {
            return Ok(parsed.into_iter().map(|(v, _)| v).collect());
        }
        let readable = self.readable_ids(ctx, &linked).await?;
        Ok(parsed
            .into_iter()
            .map(|(mut v, json)| {
                if let Some(mut json) = json {
                    if let Some(ids) = links(&mut json) {
                        ids.retain(|id| id.as_str().is_some_and(|id| readable.contains(id)));
                    }
                    v.snapshot = Some(json.to_string());
                }
                v
            })
            .collect())
    }

    /// The first record `facts`' event is attributed to that does not exist
    /// or that the viewer may not read, with its place in the list: an event
    /// is attributed only to what its author can see.
    pub async fn unreadable_attribution(&self, ctx: &Ctx, facts: &Facts) -> Result<Option<(usize, String)>> {
        let Some(event) = &facts.event else { return Ok(None) };
        let readable = self.readable_ids(ctx, &event.attributed_to).await?;
        Ok(event
            .attributed_to
            .iter()
            .position(|id| !readable.contains(id))
            .map(|i| (i, event.attributed_to[i].clone())))
    }

    /// One record, if the viewer may read it; otherwise the same "not found"
    /// as for a record that does not exist. Denials are audited too.
    pub async fn get_record(&self, ctx: &Ctx, id: &str) -> Result<Record> {
        match self.readable(ctx, id).await {
            Ok(r) => {
                self.audit(&ctx.into(), "record.read", id).await?;
                Ok(r)
            }
            Err(StoreError::NotFound(m)) => {
                self.audit(&ctx.into(), "record.read.refused", id).await?;
                Err(StoreError::NotFound(m))
            }
            Err(e) => Err(e),
        }
    }

    /// A page of the records the viewer may read that match `q`.
    pub async fn list_records(&self, ctx: &Ctx, q: &RecordQuery) -> Result<Vec<Record>> {
        if !(1..=MAX_PAGE).contains(&q.limit) {
            return Err(StoreError::invalid(
                "limit",
                format!("must be between 1 and {MAX_PAGE}"),
            ));
        }
        if q.offset < 0 {
            return Err(StoreError::invalid("offset", "must not be negative"));
        }
        // Walk the candidates in keyset order, a chunk at a time, and stop
        // once the page is full: a first page costs a page, not the table.
        let want = (q.offset + q.limit) as usize;
        let mut visible: Vec<Record> = Vec::new();
        let mut cursor: Option<(String, String)> = None;
        loop {
            let after = cursor.as_ref().map(|(c, i)| (c.as_str(), i.as_str()));
            let chunk = self.candidates(ctx, q, after, Some(SCAN_CHUNK)).await?;
            let done = (chunk.len() as i64) < SCAN_CHUNK;
            cursor = chunk.last().map(|r| (r.created_at.clone(), r.id.clone()));
            visible.extend(
                chunk
                    .into_iter()
                    .filter(|r| self.decide_on(ctx, &r.protected, Action::Read).allowed),
            );
            if done || visible.len() >= want {
                break;
            }
        }
        let mut page: Vec<Record> = visible
            .into_iter()
            .skip(q.offset as usize)
            .take(q.limit as usize)
            .collect();
        self.hide_unreadable_links(ctx, &mut page).await?;
        let action = if q.text.is_some() {
            "record.search"
        } else {
            "record.list"
        };
        let target = format!("q={:?} -> {}", q.text.as_deref().unwrap_or(""), id_list(&page));
        self.audit(&ctx.into(), action, target).await?;
        Ok(page)
    }

    /// How many records the viewer may read that match `q`: the count of
    /// exactly what [`Store::list_records`] pages through.
    pub async fn count_records(&self, ctx: &Ctx, q: &RecordQuery) -> Result<i64> {
        let n = self.visible(ctx, q, Action::Read).await?.len() as i64;
        self.audit(
            &ctx.into(),
            "record.count",
            format!("q={:?} -> {n}", q.text.as_deref().unwrap_or("")),
        )
        .await?;
        Ok(n)
    }

    /// The records the viewer may pass on (read, and dissemination allows).
    pub async fn export_records(&self, ctx: &Ctx) -> Result<Vec<Record>> {
        let mut out = self.visible(ctx, &RecordQuery::default(), Action::Disseminate).await?;
        self.hide_unreadable_links(ctx, &mut out).await?;
        self.audit(&ctx.into(), "record.export", id_list(&out)).await?;
        Ok(out)
    }

    /// A record's versions, newest last. A version's content is shown only
    /// when the viewer could have read the record as it was then.
    pub async fn history(&self, ctx: &Ctx, id: &str) -> Result<Vec<Version>> {
        // The current version's snapshot is the record itself; a change
        // between the two reads freezes that row, so reading again settles it.
        let mut attempts = 0;
        let out = loop {
            let r = self.readable(ctx, id).await?;
            let rows = sqlx::query("SELECT * FROM record_versions WHERE record_id = $1 ORDER BY version")
                .bind(id)
                .fetch_all(self.pool())
                .await?;
            let may_read = |p: &Protected| self.decide_on(ctx, p, Action::Read).allowed;
            match versions(&r, &rows, may_read)? {
                Some(out) => break out,
                None if attempts < 3 => attempts += 1,
                None => {
                    return Err(StoreError::Conflict(format!(
                        "record {id} keeps changing; read its history again"
                    )));
                }
            }
        };
        let out = self.hide_unreadable_links_in_snapshots(ctx, out).await?;
        self.audit(&ctx.into(), "record.history", id).await?;
        Ok(out)
    }

    /// A supervisor of the originating authority approves the record against
    /// the checklist, or returns it with reasons.
    pub async fn decide_compliance(
        &self,
        ctx: &Ctx,
        id: &str,
        approve: bool,
        checklist: Checklist,
        note: &str,
        expected_version: i64,
    ) -> Result<Record> {
        let status = if approve {
            Compliance::Approved
        } else {
            Compliance::Returned
        };
        let checklist_text = checklist_text(&checklist);
        let mut w = self.write().await?;
        self.freeze_in(&mut w.tx, id).await?;
        let done = sqlx::query(
            "UPDATE records SET compliance = $1, compliance_note = $2, checklist = $3, version = version + 1, updated_at = $4 \
             WHERE id = $5 AND version = $6 AND status = 'active'",
        )
        .bind(status.as_str())
        .bind(note)
        .bind(checklist_text)
        .bind(self.now_text())
        .bind(id)
        .bind(expected_version)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "record {id} is no longer at version {expected_version}"
            )));
        }
        let r = self
            .version_in(&mut w.tx, ctx, id, &format!("compliance.{status}"), note, true)
            .await?;
        w.tx.commit().await?;
        Ok(r)
    }

    /// The originating authority lets `to` pass the record on or use it as evidence.
    /// `r` is the record as the caller read it.
    pub async fn grant_consent(&self, ctx: &Ctx, r: &Record, to: &AuthorityId) -> Result<Record> {
        let id = r.id.as_str();
        let mut consented: BTreeSet<AuthorityId> = r.protected.consented.clone();
        consented.insert(to.clone());
        let text = consented.iter().map(AuthorityId::as_str).collect::<Vec<_>>().join(",");
        let mut w = self.write().await?;
        self.freeze_in(&mut w.tx, id).await?;
        sqlx::query("UPDATE records SET consented = $1, version = version + 1, updated_at = $2 WHERE id = $3")
            .bind(text)
            .bind(self.now_text())
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        let r = self
            .version_in(&mut w.tx, ctx, id, "consent", &format!("consent to {to}"), true)
            .await?;
        w.tx.commit().await?;
        Ok(r)
    }

    /// The viewer's authority's records whose review date has come.
    pub async fn review_queue(&self, ctx: &Ctx) -> Result<Vec<ReviewItem>> {
        let today = self.clock().today();
        let grace = self.snapshot().policy.review_grace_days;
        let rows = sqlx::query("SELECT * FROM records WHERE originator = $1 AND status = 'active' AND review_date <= $2 ORDER BY review_date, id")
            .bind(ctx.viewer.authority.as_str())
            .bind(today.to_string())
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::new();
        for row in &rows {
            let mut r = record(row)?;
            if !self.decide_on(ctx, &r.protected, Action::Read).allowed {
                continue;
            }
            self.hide_unreadable_links(ctx, std::slice::from_mut(&mut r)).await?;
            let due = r.protected.review_date.unwrap_or(today);
            let overdue_days = (today - due).whole_days();
            out.push(ReviewItem {
                record: r,
                overdue_days,
                hidden_from_other_states: overdue_days > grace,
            });
        }
        self.audit(
            &ctx.into(),
            "record.review.queue",
            id_list(&out.iter().map(|i| i.record.clone()).collect::<Vec<_>>()),
        )
        .await?;
        Ok(out)
    }

    /// Extends a record's review to `new_date`, with a reason.
    pub async fn extend_review(
        &self,
        ctx: &Ctx,
        id: &str,
        expected_version: i64,
        new_date: Date,
        reason: &str,
    ) -> Result<Record> {
        let mut w = self.write().await?;
        self.freeze_in(&mut w.tx, id).await?;
        let done = sqlx::query("UPDATE records SET review_date = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4 AND status = 'active'")
            .bind(new_date.to_string())
            .bind(self.now_text())
            .bind(id)
            .bind(expected_version)
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "record {id} is no longer at version {expected_version}"
            )));
        }
        let r = self
            .version_in(&mut w.tx, ctx, id, "review.extend", reason, true)
            .await?;
        w.tx.commit().await?;
        Ok(r)
    }

    /// Archives a record at review: it stays with the originating authority only.
    pub async fn archive_record(&self, ctx: &Ctx, id: &str, expected_version: i64, reason: &str) -> Result<Record> {
        let mut w = self.write().await?;
        self.freeze_in(&mut w.tx, id).await?;
        let done = sqlx::query("UPDATE records SET status = 'archived', version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3 AND status = 'active'")
            .bind(self.now_text())
            .bind(id)
            .bind(expected_version)
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "record {id} is no longer at version {expected_version}"
            )));
        }
        let r = self.version_in(&mut w.tx, ctx, id, "archive", reason, true).await?;
        w.tx.commit().await?;
        Ok(r)
    }

    /// Erases a record's personal data by a recorded data-protection
    /// decision: names, identifiers, relationships and the content of every
    /// version go; a tombstone (id, originator, dates, the decision) stays.
    pub async fn erase_record(&self, ctx: &Ctx, id: &str, decision: &str) -> Result<Record> {
        let mut w = self.write().await?;
        self.erase_in(&mut w.tx, ctx, id, decision).await?;
        w.tx.commit().await?;
        let row = sqlx::query("SELECT * FROM records WHERE id = $1")
            .bind(id)
            .fetch_one(self.pool())
            .await?;
        record(&row)
    }

    pub(crate) async fn erase_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx,
        id: &str,
        decision: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE records SET status = 'deleted', title = '[erased]', title_fold = '', body = '{}', evidence = '', \
             compliance_note = NULL, source_id = NULL, version = version + 1, updated_at = $1 WHERE id = $2",
        )
        .bind(self.now_text())
        .bind(id)
        .execute(&mut **tx)
        .await?;
        sqlx::query("UPDATE record_versions SET snapshot = $1 WHERE record_id = $2")
            .bind(ERASED)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        self.write_index(tx, id, &Facts::default()).await?;
        sqlx::query("DELETE FROM relationships WHERE from_id = $1 OR to_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        self.version_in(tx, ctx, id, "erase", decision, true).await?;
        Ok(())
    }
}
