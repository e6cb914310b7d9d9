//! Records: the shared database's common envelope (kind, title, handling
//! code, compliance, review date) around a body that later layers define.
//! Every path out of here goes through the access decision.

use crate::registry::{parse, parse_date};
use crate::{Actor, Ctx, Result, Store, StoreError, new_id};
use concord_domain::{
    Action, AuthorityId, Classification, Compliance, Decision, HandlingCode, Protected, Role,
    StateCode, decide,
};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeSet;
use time::Date;

/// A stored record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Its id.
    pub id: String,
    /// What it describes (`person`, `organization`, ...).
    pub kind: String,
    /// Its display name, searched by [`RecordQuery::text`].
    pub title: String,
    /// What the access decision reads.
    pub protected: Protected,
    /// The reasons given with the last compliance decision.
    pub compliance_note: Option<String>,
    /// The body, as JSON text.
    pub body: String,
    /// Incremented by every change.
    pub version: i64,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// When it last changed (RFC 3339).
    pub updated_at: String,
}

/// A record to create; the originator is the creating user's authority.
#[derive(Debug, Clone)]
pub struct NewRecord {
    pub kind: String,
    pub title: String,
    pub handling: HandlingCode,
    pub review_date: Option<Date>,
    /// JSON text.
    pub body: String,
}

/// Which records to list.
#[derive(Debug, Clone, Default)]
pub struct RecordQuery {
    /// Case-insensitive substring of the title.
    pub text: Option<String>,
    /// Records to skip, among those the caller may see.
    pub offset: i64,
    /// At most this many (1 to 500).
    pub limit: i64,
}

const MAX_PAGE: i64 = 500;

fn record(row: &AnyRow) -> Result<Record> {
    let review: Option<String> = row.try_get("review_date")?;
    let state: Option<String> = row.try_get("originator_state")?;
    let consented: String = row.try_get("consented")?;
    Ok(Record {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        title: row.try_get("title")?,
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
        },
        compliance_note: row.try_get("compliance_note")?,
        body: row.try_get("body")?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn fold(text: &str) -> String {
    text.to_lowercase()
}

fn like_pattern(text: &str) -> String {
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

/// Ids for an audit entry: all of them, since each one is a read of personal data.
fn id_list(records: &[Record]) -> String {
    records
        .iter()
        .map(|r| r.id.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

impl Store {
    /// The access decision on `record` for `ctx`'s viewer, today.
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

    /// Candidates the viewer's clearance admits: a pre-filter that `decide` also enforces.
    async fn candidates(&self, ctx: &Ctx, text: Option<&str>) -> Result<Vec<Record>> {
        let rows = match text {
            Some(t) => {
                sqlx::query("SELECT * FROM records WHERE classification <= $1 AND title_fold LIKE $2 ESCAPE '\\' ORDER BY created_at, id")
                    .bind(ctx.viewer.clearance.rank())
                    .bind(like_pattern(t))
                    .fetch_all(self.pool())
                    .await?
            }
            None => {
                sqlx::query("SELECT * FROM records WHERE classification <= $1 ORDER BY created_at, id")
                    .bind(ctx.viewer.clearance.rank())
                    .fetch_all(self.pool())
                    .await?
            }
        };
        rows.iter().map(record).collect()
    }

    async fn visible(&self, ctx: &Ctx, text: Option<&str>, action: Action) -> Result<Vec<Record>> {
        Ok(self
            .candidates(ctx, text)
            .await?
            .into_iter()
            .filter(|r| self.decide_on(ctx, &r.protected, action).allowed)
            .collect())
    }

    /// Creates a record contributed by the viewer's authority. It starts
    /// pending its compliance review.
    pub async fn create_record(&self, ctx: &Ctx, new: NewRecord) -> Result<Record> {
        let v = &ctx.viewer;
        if !v
            .roles
            .any(&[Role::Analyst, Role::Officer, Role::Supervisor])
        {
            return Err(StoreError::Forbidden(
                "contributing records needs the analyst, officer or supervisor role".into(),
            ));
        }
        if new.handling.classification > v.clearance {
            return Err(StoreError::invalid(
                "classification",
                format!("above your clearance ({})", v.clearance),
            ));
        }
        if new.title.trim().is_empty() || new.title.chars().count() > 500 {
            return Err(StoreError::invalid("title", "must be 1 to 500 characters"));
        }
        if new.kind.trim().is_empty() {
            return Err(StoreError::invalid("kind", "must not be empty"));
        }
        let id = new_id("rec")?;
        let now = self.now_text();
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO records (id, kind, title, title_fold, originator, originator_state, distribution, dissemination, \
             use_code, classification, compliance, compliance_note, review_date, consented, body, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12, '', $13, 1, $14, $14)",
        )
        .bind(&id)
        .bind(&new.kind)
        .bind(&new.title)
        .bind(fold(&new.title))
        .bind(v.authority.as_str())
        .bind(v.state.as_ref().map(|s| s.to_string()))
        .bind(new.handling.distribution.to_string())
        .bind(new.handling.dissemination.as_str())
        .bind(new.handling.use_.as_str())
        .bind(new.handling.classification.rank())
        .bind(Compliance::Pending.as_str())
        .bind(new.review_date.map(|d| d.to_string()))
        .bind(&new.body)
        .bind(&now)
        .execute(&mut *w.tx)
        .await?;
        self.append_in(
            &mut w.tx,
            self.draft(&ctx.into(), "record.create", id.clone()),
        )
        .await?;
        w.tx.commit().await?;
        self.fetch(&id).await
    }

    async fn fetch(&self, id: &str) -> Result<Record> {
        let row = sqlx::query("SELECT * FROM records WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref()
            .map(record)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("record {id}")))
    }

    /// One record, if the viewer may read it; otherwise the same "not found"
    /// as for a record that does not exist. Denials are audited too.
    pub async fn get_record(&self, ctx: &Ctx, id: &str) -> Result<Record> {
        let actor = Actor::from(ctx);
        let found = match self.fetch(id).await {
            Ok(r) => Some(r),
            Err(StoreError::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        match found {
            Some(r) if self.decide_on(ctx, &r.protected, Action::Read).allowed => {
                self.audit(&actor, "record.read", id).await?;
                Ok(r)
            }
            _ => {
                self.audit(&actor, "record.read.refused", id).await?;
                Err(StoreError::NotFound(format!("record {id}")))
            }
        }
    }

    /// A page of the records the viewer may read, optionally matching text.
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
        let page: Vec<Record> = self
            .visible(ctx, q.text.as_deref(), Action::Read)
            .await?
            .into_iter()
            .skip(q.offset as usize)
            .take(q.limit as usize)
            .collect();
        let action = if q.text.is_some() {
            "record.search"
        } else {
            "record.list"
        };
        let target = format!(
            "q={:?} -> {}",
            q.text.as_deref().unwrap_or(""),
            id_list(&page)
        );
        self.audit(&ctx.into(), action, target).await?;
        Ok(page)
    }

    /// How many records the viewer may read (optionally matching text): the
    /// count of exactly what [`Store::list_records`] would page through.
    pub async fn count_records(&self, ctx: &Ctx, text: Option<&str>) -> Result<i64> {
        let n = self.visible(ctx, text, Action::Read).await?.len() as i64;
        self.audit(
            &ctx.into(),
            "record.count",
            format!("q={:?} -> {n}", text.unwrap_or("")),
        )
        .await?;
        Ok(n)
    }

    /// The records the viewer may pass on (read, and dissemination allows).
    pub async fn export_records(&self, ctx: &Ctx) -> Result<Vec<Record>> {
        let out = self.visible(ctx, None, Action::Disseminate).await?;
        self.audit(&ctx.into(), "record.export", id_list(&out))
            .await?;
        Ok(out)
    }

    /// A supervisor of the originating authority approves the record, or
    /// returns it with reasons. `expected_version` guards against a decision
    /// on a record that changed meanwhile.
    pub async fn decide_compliance(
        &self,
        ctx: &Ctx,
        id: &str,
        approve: bool,
        note: &str,
        expected_version: i64,
    ) -> Result<Record> {
        let r = self
            .fetch(id)
            .await
            .map_err(|_| StoreError::NotFound(format!("record {id}")))?;
        if !self.decide_on(ctx, &r.protected, Action::Read).allowed {
            return Err(StoreError::NotFound(format!("record {id}")));
        }
        let d = self.decide_on(ctx, &r.protected, Action::Approve);
        if !d.allowed {
            return Err(StoreError::Forbidden(d.reason.to_string()));
        }
        if note.trim().is_empty() {
            return Err(StoreError::invalid(
                "note",
                "a compliance decision states its reasons",
            ));
        }
        let status = if approve {
            Compliance::Approved
        } else {
            Compliance::Returned
        };
        let mut w = self.write().await?;
        let done = sqlx::query(
            "UPDATE records SET compliance = $1, compliance_note = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5",
        )
        .bind(status.as_str())
        .bind(note)
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
        self.append_in(
            &mut w.tx,
            self.draft(&ctx.into(), &format!("record.compliance.{status}"), id),
        )
        .await?;
        w.tx.commit().await?;
        self.fetch(id).await
    }

    /// The originating authority lets `to` pass the record on or use it as evidence.
    pub async fn grant_consent(&self, ctx: &Ctx, id: &str, to: &AuthorityId) -> Result<Record> {
        let r = self.fetch(id).await?;
        if ctx.viewer.authority != r.protected.originator
            || !self.decide_on(ctx, &r.protected, Action::Read).allowed
        {
            return Err(StoreError::NotFound(format!("record {id}")));
        }
        if !ctx.viewer.roles.any(&[Role::Officer, Role::Supervisor]) {
            return Err(StoreError::Forbidden(
                "consent is given by an officer or supervisor of the originating authority".into(),
            ));
        }
        let mut consented: BTreeSet<AuthorityId> = r.protected.consented.clone();
        consented.insert(to.clone());
        let text = consented
            .iter()
            .map(AuthorityId::as_str)
            .collect::<Vec<_>>()
            .join(",");
        let mut w = self.write().await?;
        sqlx::query("UPDATE records SET consented = $1, version = version + 1, updated_at = $2 WHERE id = $3")
            .bind(text)
            .bind(self.now_text())
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        self.append_in(
            &mut w.tx,
            self.draft(&ctx.into(), "record.consent", format!("{id} -> {to}")),
        )
        .await?;
        w.tx.commit().await?;
        self.fetch(id).await
    }
}
