//! Data-subject requests: access, correction or deletion about a record,
//! routed to the originating authority with a deadline.

use crate::{Ctx, Result, Store, StoreError, new_id};
use concord_domain::{Record, text_enum};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::{Date, Duration};

text_enum! {
    /// What the data subject asks for.
    pub enum RequestKind as "request kind" {
        Access = "access",
        Correction = "correction",
        Deletion = "deletion",
    }
}

text_enum! {
    /// Where a request stands.
    pub enum RequestStatus as "request status" {
        Open = "open",
        Granted = "granted",
        Refused = "refused",
    }
}

/// Days the originating authority has to answer.
pub const ANSWER_DAYS: i64 = 30;

/// A data-subject request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectRequest {
    pub id: String,
    pub record_id: String,
    pub kind: RequestKind,
    /// Who asks, as they identify themselves.
    pub requester: String,
    pub details: String,
    /// The authority that registered it.
    pub registered_authority: String,
    /// The authority that must answer (the record's originator).
    pub originator: String,
    pub received_at: Date,
    pub deadline: Date,
    pub status: RequestStatus,
    pub decision: Option<String>,
    pub reply: Option<String>,
    pub decided_at: Option<String>,
}

impl SubjectRequest {
    /// Still open after its deadline.
    pub fn overdue(&self, today: Date) -> bool {
        self.status == RequestStatus::Open && today > self.deadline
    }
}

fn request(row: &AnyRow) -> Result<SubjectRequest> {
    let d = |c: &str| -> Result<Date> {
        crate::registry::parse_date("data_subject_requests", &row.try_get::<String, _>(c)?)
    };
    Ok(SubjectRequest {
        id: row.try_get("id")?,
        record_id: row.try_get("record_id")?,
        kind: crate::registry::parse("data_subject_requests", &row.try_get::<String, _>("kind")?)?,
        requester: row.try_get("requester")?,
        details: row.try_get("details")?,
        registered_authority: row.try_get("registered_authority")?,
        originator: row.try_get("originator")?,
        received_at: d("received_at")?,
        deadline: d("deadline")?,
        status: crate::registry::parse("data_subject_requests", &row.try_get::<String, _>("status")?)?,
        decision: row.try_get("decision")?,
        reply: row.try_get("reply")?,
        decided_at: row.try_get("decided_at")?,
    })
}

impl Store {
    /// Registers a request about record `r`, checked by the use case; it
    /// goes to the record's originating authority with a deadline.
    pub async fn register_request(
        &self,
        ctx: &Ctx,
        r: &Record,
        kind: RequestKind,
        requester: &str,
        details: &str,
    ) -> Result<SubjectRequest> {
        let record_id = r.id.as_str();
        let today = self.clock().today();
        let id = new_id("dsr");
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO data_subject_requests (id, record_id, kind, requester, details, registered_by, registered_authority, originator, \
             received_at, deadline, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open')",
        )
        .bind(&id)
        .bind(record_id)
        .bind(kind.as_str())
        .bind(requester)
        .bind(details)
        .bind(ctx.viewer.user.as_str())
        .bind(ctx.viewer.authority.as_str())
        .bind(r.protected.originator.as_str())
        .bind(today.to_string())
        .bind((today + Duration::days(ANSWER_DAYS)).to_string())
        .execute(&mut *w.tx)
        .await?;
        self.append_in(
            &mut w.tx,
            self.draft(
                &ctx.into(),
                &format!("request.{kind}.register"),
                format!("{id} on {record_id}"),
            ),
        )
        .await?;
        w.tx.commit().await?;
        self.request(&id).await
    }

    /// One request, whoever asks: the use case decides who may know it.
    pub async fn request(&self, id: &str) -> Result<SubjectRequest> {
        let row = sqlx::query("SELECT * FROM data_subject_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref()
            .map(request)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("request {id}")))
    }

    /// Requests the viewer's authority must answer or registered; only open
    /// ones past their deadline with `overdue_only`.
    pub async fn requests(&self, ctx: &Ctx, overdue_only: bool) -> Result<Vec<SubjectRequest>> {
        let rows = sqlx::query("SELECT * FROM data_subject_requests WHERE originator = $1 OR registered_authority = $1 ORDER BY deadline, id")
            .bind(ctx.viewer.authority.as_str())
            .fetch_all(self.pool())
            .await?;
        let today = self.clock().today();
        let out: Vec<SubjectRequest> = rows
            .iter()
            .map(request)
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .filter(|r| !overdue_only || r.overdue(today))
            .collect();
        Ok(out)
    }

    /// Writes the originating authority's decision on open request `req`,
    /// checked by the use case. Granting a deletion erases the record
    /// (leaving its tombstone) in the same transaction.
    pub async fn decide_request(
        &self,
        ctx: &Ctx,
        req: &SubjectRequest,
        grant: bool,
        decision: &str,
        reply: &str,
    ) -> Result<SubjectRequest> {
        let id = req.id.as_str();
        let status = if grant {
            RequestStatus::Granted
        } else {
            RequestStatus::Refused
        };
        let mut w = self.write().await?;
        let done = sqlx::query("UPDATE data_subject_requests SET status = $1, decision = $2, reply = $3, decided_by = $4, decided_at = $5 WHERE id = $6 AND status = 'open'")
            .bind(status.as_str())
            .bind(decision)
            .bind(reply)
            .bind(ctx.viewer.user.as_str())
            .bind(self.now_text())
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!("request {id} was decided meanwhile")));
        }
        if grant && req.kind == RequestKind::Deletion {
            self.erase_in(
                &mut w.tx,
                ctx,
                &req.record_id,
                &format!("data-subject request {id}: {decision}"),
            )
            .await?;
        }
        self.append_in(
            &mut w.tx,
            self.draft(&ctx.into(), &format!("request.{}.{status}", req.kind), id.to_owned()),
        )
        .await?;
        w.tx.commit().await?;
        self.request(id).await
    }
}
