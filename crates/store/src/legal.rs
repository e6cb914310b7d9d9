//! Legal-assistance requests' tables: the request (drafted, then sent and
//! answered) with its trail, and the originators' consents to use an
//! intelligence-only record or message as evidence. The rules are
//! `concord_domain::legal` and `workflow::legal_assistance`, applied by
//! `concord_app::legal`; this module writes what they allowed with its
//! notices and audit entry in one transaction, and reads back only what
//! `decide` lets the viewer see (a draft: its office only).

use crate::registry::{parse, parse_date};
use crate::stamp::stamp;
use crate::{Ctx, Result, Store, StoreError, new_id};
use concord_domain::legal::{LegalRequest, LegalRequestInput, Offence, RequestStep};
use concord_domain::workflow::legal_assistance::{Ground, Status};
use concord_domain::{Action, AuthorityId, HandlingCode, Protected, StateCode};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

const T: &str = "legal_requests";

/// The access model's view of a request: the requesting office's, shared
/// with the two states.
pub fn legal_request_protected(r: &LegalRequest) -> Protected {
    crate::shared::workflow_protected(&r.originator, Some(&r.requesting_state), &r.handling)
}

/// A step to write on a request.
pub struct RequestWrite<'a> {
    pub status: Status,
    pub action: &'a str,
    pub detail: &'a str,
    pub grounds: &'a [Ground],
    pub expected_version: i64,
    pub notify: &'a [(String, String)],
}

fn lines(items: &[String]) -> String {
    items
        .iter()
        .map(|i| i.replace(['\n', '\r'], " ").trim().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn list_of(text: &str) -> Vec<String> {
    text.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

fn offences_text(offences: &[Offence]) -> String {
    offences
        .iter()
        .map(|o| {
            [&o.name, &o.requesting_law, &o.requested_law]
                .map(|t| t.replace(['\t', '\n', '\r'], " ").trim().to_owned())
                .join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn offences_of(text: &str) -> Result<Vec<Offence>> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut parts = l.split('\t');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(name), Some(a), Some(b)) => Ok(Offence {
                    name: name.to_owned(),
                    requesting_law: a.to_owned(),
                    requested_law: b.to_owned(),
                }),
                _ => Err(StoreError::corrupt(T, format!("offence {l:?}"))),
            }
        })
        .collect()
}

fn request_row(row: &AnyRow) -> Result<LegalRequest> {
    let grounds: String = row.try_get("grounds")?;
    Ok(LegalRequest {
        id: row.try_get("id")?,
        originator: AuthorityId::new(row.try_get::<String, _>("originator")?),
        requesting_state: StateCode::new(row.try_get::<String, _>("requesting_state")?),
        requested_state: StateCode::new(row.try_get::<String, _>("requested_state")?),
        requested_office: row
            .try_get::<Option<String>, _>("requested_office")?
            .map(AuthorityId::new),
        kind: parse(T, &row.try_get::<String, _>("kind")?)?,
        facts: row.try_get("facts")?,
        request: row.try_get("request")?,
        offences: offences_of(&row.try_get::<String, _>("offences")?)?,
        persons: list_of(&row.try_get::<String, _>("persons")?),
        records: list_of(&row.try_get::<String, _>("records")?),
        messages: list_of(&row.try_get::<String, _>("messages")?),
        urgent: row.try_get::<i64, _>("urgent")? != 0,
        deadline: row
            .try_get::<Option<String>, _>("deadline")?
            .map(|d| parse_date(T, &d))
            .transpose()?,
        status: parse(T, &row.try_get::<String, _>("status")?)?,
        grounds: grounds
            .split(',')
            .filter(|g| !g.is_empty())
            .map(|g| parse(T, g))
            .collect::<Result<_>>()?,
        handling: crate::registry::handling_of(row, T)?,
        sent_at: row.try_get("sent_at")?,
        answered_at: row.try_get("answered_at")?,
        timeline: Vec::new(),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        version: row.try_get("version")?,
    })
}

impl Store {
    /// Whether `ctx` may read the request: a draft is its office's alone.
    pub fn may_read_legal_request(&self, ctx: &Ctx, r: &LegalRequest) -> bool {
        if r.status == Status::Drafted && ctx.viewer.authority != r.originator {
            return false;
        }
        self.decide_on(ctx, &legal_request_protected(r), Action::Read).allowed
    }

    /// Writes a draft the use case checked (it may lack what sending needs).
    pub async fn draft_legal_request(
        &self,
        ctx: &Ctx,
        input: &LegalRequestInput,
        handling: &HandlingCode,
    ) -> Result<LegalRequest> {
        let requesting = ctx
            .viewer
            .state
            .clone()
            .ok_or_else(|| StoreError::Forbidden("the regional structure requests no legal assistance".into()))?;
        let id = new_id("mla");
        let now = stamp(self.clock().now());
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO legal_requests (id, originator, requesting_state, requested_state, kind, facts, request, \
             offences, persons, records, messages, urgent, deadline, status, grounds, distribution, dissemination, \
             use_code, classification, sent_at, answered_at, created_at, updated_at, version, requested_office) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, '', $15, $16, $17, $18, NULL, NULL, \
             $19, $19, 1, $20)",
        )
        .bind(&id)
        .bind(ctx.viewer.authority.as_str())
        .bind(requesting.as_str())
        .bind(input.requested_state.as_str())
        .bind(input.kind.as_str())
        .bind(input.facts.trim())
        .bind(input.request.trim())
        .bind(offences_text(&input.offences))
        .bind(lines(&input.persons))
        .bind(lines(&input.records))
        .bind(lines(&input.messages))
        .bind(i64::from(input.urgent))
        .bind(input.deadline.map(|d| d.to_string()))
        .bind(Status::Drafted.as_str())
        .bind(handling.distribution.to_string())
        .bind(handling.dissemination.as_str())
        .bind(handling.use_.as_str())
        .bind(handling.classification.rank())
        .bind(&now)
        .bind(input.requested_office.as_ref().map(|o| o.to_string()))
        .execute(&mut *w.tx)
        .await?;
        let detail = match &input.requested_office {
            Some(office) => format!("{} to {} ({office})", input.kind, input.requested_state),
            None => format!("{} to {}", input.kind, input.requested_state),
        };
        self.legal_event_in(&mut w.tx, &id, ctx, "draft", &detail).await?;
        self.append_in(
            &mut w.tx,
            self.draft(&ctx.into(), "legal.draft", format!("{id} {detail}")),
        )
        .await?;
        w.tx.commit().await?;
        self.load_legal_request(&id).await
    }

    /// Replaces a draft's content, if still at the version read.
    pub async fn revise_legal_request(
        &self,
        ctx: &Ctx,
        r: &LegalRequest,
        input: &LegalRequestInput,
        handling: &HandlingCode,
        expected_version: i64,
    ) -> Result<LegalRequest> {
        let now = stamp(self.clock().now());
        let mut w = self.write().await?;
        let done = sqlx::query(
            "UPDATE legal_requests SET requested_state = $1, kind = $2, facts = $3, request = $4, offences = $5, \
             persons = $6, records = $7, messages = $8, urgent = $9, deadline = $10, distribution = $11, \
             dissemination = $12, use_code = $13, classification = $14, updated_at = $15, version = version + 1, \
             requested_office = $16 WHERE id = $17 AND version = $18 AND status = 'drafted'",
        )
        .bind(input.requested_state.as_str())
        .bind(input.kind.as_str())
        .bind(input.facts.trim())
        .bind(input.request.trim())
        .bind(offences_text(&input.offences))
        .bind(lines(&input.persons))
        .bind(lines(&input.records))
        .bind(lines(&input.messages))
        .bind(i64::from(input.urgent))
        .bind(input.deadline.map(|d| d.to_string()))
        .bind(handling.distribution.to_string())
        .bind(handling.dissemination.as_str())
        .bind(handling.use_.as_str())
        .bind(handling.classification.rank())
        .bind(&now)
        .bind(input.requested_office.as_ref().map(|o| o.to_string()))
        .bind(&r.id)
        .bind(expected_version)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "request {} changed since version {expected_version}, or is no longer a draft: reload it",
                r.id
            )));
        }
        self.legal_event_in(&mut w.tx, &r.id, ctx, "revise", "").await?;
        self.append_in(&mut w.tx, self.draft(&ctx.into(), "legal.revise", r.id.clone()))
            .await?;
        w.tx.commit().await?;
        self.load_legal_request(&r.id).await
    }

    async fn legal_event_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        id: &str,
        ctx: &Ctx,
        action: &str,
        detail: &str,
    ) -> Result<()> {
        let who = crate::trail::Actor {
            user: ctx.viewer.user.as_str(),
            state: ctx.viewer.state.as_ref().map(|s| s.as_str()),
        };
        self.trail_in(tx, crate::trail::LEGAL_REQUEST, id, who, action, detail)
            .await
            .map(drop)
    }

    /// A request with its trail, whoever asks: for use cases that judged
    /// access already.
    pub async fn load_legal_request(&self, id: &str) -> Result<LegalRequest> {
        let row = sqlx::query("SELECT * FROM legal_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("request {id}")))?;
        let mut r = request_row(&row)?;
        for e in sqlx::query("SELECT * FROM legal_request_events WHERE request_id = $1 ORDER BY seq")
            .bind(id)
            .fetch_all(self.pool())
            .await?
        {
            r.timeline.push(RequestStep {
                seq: e.try_get("seq")?,
                at: e.try_get("at")?,
                actor: e.try_get("actor")?,
                state: e.try_get("state_code")?,
                action: e.try_get("action")?,
                detail: e.try_get("detail")?,
            });
        }
        Ok(r)
    }

    /// Attachments the reader may follow; the others are dropped.
    async fn cut_attachments(&self, ctx: &Ctx, mut r: LegalRequest) -> Result<LegalRequest> {
        let mut records = Vec::new();
        for id in r.records {
            if self.readable(ctx, &id).await.is_ok() {
                records.push(id);
            }
        }
        let mut messages = Vec::new();
        for id in r.messages {
            if self.readable_message(ctx, &id).await.is_ok() {
                messages.push(id);
            }
        }
        r.records = records;
        r.messages = messages;
        Ok(r)
    }

    /// A request `ctx` may read; one it may not is not found.
    pub async fn visible_legal_request(&self, ctx: &Ctx, id: &str) -> Result<LegalRequest> {
        match self.load_legal_request(id).await {
            Ok(r) if self.may_read_legal_request(ctx, &r) => self.cut_attachments(ctx, r).await,
            Ok(_) | Err(StoreError::NotFound(_)) => Err(StoreError::NotFound(format!("request {id}"))),
            Err(e) => Err(e),
        }
    }

    /// The newest requests `ctx` may read, at most `limit`, without their
    /// trails, their attachments cut to what the reader may follow.
    pub async fn list_legal_requests(&self, ctx: &Ctx, limit: usize) -> Result<Vec<LegalRequest>> {
        let mut out = Vec::new();
        for r in self.readable_legal_requests(ctx).await?.into_iter().take(limit) {
            out.push(self.cut_attachments(ctx, r).await?);
        }
        Ok(out)
    }

    /// Every request `ctx` may read, newest first, as stored (attachments
    /// not cut): for figures that show none of them.
    pub async fn readable_legal_requests(&self, ctx: &Ctx) -> Result<Vec<LegalRequest>> {
        let rows = sqlx::query("SELECT * FROM legal_requests ORDER BY created_at DESC, id DESC")
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::new();
        for row in &rows {
            let r = request_row(row)?;
            if self.may_read_legal_request(ctx, &r) {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Takes a step the workflow allowed, with its trail entry, notices and
    /// audit entry; sending stamps `sent_at`, an answer `answered_at`.
    pub async fn step_legal_request(
        &self,
        ctx: &Ctx,
        r: &LegalRequest,
        step: RequestWrite<'_>,
    ) -> Result<LegalRequest> {
        let now = stamp(self.clock().now());
        let grounds: Vec<&str> = step.grounds.iter().map(|g| g.as_str()).collect();
        let mut w = self.write().await?;
        let done = sqlx::query(
            "UPDATE legal_requests SET status = $1, grounds = $2, \
             sent_at = CASE WHEN $3 = 1 THEN $4 ELSE sent_at END, \
             answered_at = CASE WHEN $5 = 1 AND answered_at IS NULL THEN $4 ELSE answered_at END, \
             updated_at = $4, version = version + 1 WHERE id = $6 AND version = $7",
        )
        .bind(step.status.as_str())
        .bind(grounds.join(","))
        .bind(i64::from(step.status == Status::Sent))
        .bind(&now)
        .bind(i64::from(step.status.is_answer()))
        .bind(&r.id)
        .bind(step.expected_version)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "request {} changed since version {}: reload it",
                r.id, step.expected_version
            )));
        }
        let detail = if grounds.is_empty() {
            step.detail.trim().to_owned()
        } else {
            format!("[{}] {}", grounds.join(", "), step.detail.trim())
        };
        self.legal_event_in(&mut w.tx, &r.id, ctx, step.action, &detail).await?;
        let notes: Vec<(&str, &str)> = step.notify.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
        self.notify_many_in(&mut w.tx, &notes, "legal", &r.id).await?;
        let target = format!("{} {} -> {}", r.id, step.action, step.status);
        self.append_in(&mut w.tx, self.draft(&ctx.into(), "legal.step", target))
            .await?;
        w.tx.commit().await?;
        self.load_legal_request(&r.id).await
    }

    /// Sent requests not answered by their deadline (before `today`) and
    /// not flagged yet.
    pub async fn unflagged_overdue_requests(&self, today: time::Date) -> Result<Vec<LegalRequest>> {
        let rows = sqlx::query(
            "SELECT * FROM legal_requests WHERE overdue_flagged = 0 AND deadline IS NOT NULL AND deadline < $1 \
             AND status IN ('sent', 'received', 'in-execution', 'partially-executed') ORDER BY deadline LIMIT 500",
        )
        .bind(today.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(request_row).collect()
    }

    /// Flags one overdue request, with its trail entry, notices and audit
    /// entry; false when it was flagged or answered meanwhile.
    pub async fn flag_overdue_request(&self, r: &LegalRequest, notify: &[(String, String)]) -> Result<bool> {
        let mut w = self.write().await?;
        let done = sqlx::query(
            "UPDATE legal_requests SET overdue_flagged = 1 WHERE id = $1 AND overdue_flagged = 0 \
             AND status IN ('sent', 'received', 'in-execution', 'partially-executed')",
        )
        .bind(&r.id)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        let detail = format!(
            "no answer from {} by {}",
            r.requested_state,
            r.deadline.map(|d| d.to_string()).unwrap_or_default()
        );
        let who = crate::trail::Actor {
            user: "system",
            state: None,
        };
        self.trail_in(
            &mut w.tx,
            crate::trail::LEGAL_REQUEST,
            &r.id,
            who,
            "flag-overdue",
            &detail,
        )
        .await?;
        let notes: Vec<(&str, &str)> = notify.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
        self.notify_many_in(&mut w.tx, &notes, "legal", &r.id).await?;
        let actor = crate::Actor::system("legal-assistance deadlines");
        self.append_in(
            &mut w.tx,
            self.draft(&actor, "legal.overdue", format!("{} {detail}", r.id)),
        )
        .await?;
        w.tx.commit().await?;
        Ok(true)
    }

    /// Whether the originator of `object_id` consented to `authority` using
    /// it as evidence.
    pub async fn evidence_consent(&self, object_id: &str, authority: &AuthorityId) -> Result<bool> {
        Ok(
            sqlx::query("SELECT 1 FROM evidence_consents WHERE object_id = $1 AND authority = $2")
                .bind(object_id)
                .bind(authority.as_str())
                .fetch_optional(self.pool())
                .await?
                .is_some(),
        )
    }

    /// Records the originator's consent that `authority` uses `object_id`
    /// as evidence, with its audit entry and a notice to that authority.
    pub async fn grant_evidence_consent(
        &self,
        ctx: &Ctx,
        object_id: &str,
        authority: &AuthorityId,
        note: &str,
    ) -> Result<()> {
        let now = stamp(self.clock().now());
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO evidence_consents (object_id, authority, granted_by, granted_at, note) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (object_id, authority) DO NOTHING",
        )
        .bind(object_id)
        .bind(authority.as_str())
        .bind(ctx.viewer.user.as_str())
        .bind(&now)
        .bind(note.trim())
        .execute(&mut *w.tx)
        .await?;
        let text = format!(
            "{} consents to your use of {object_id} as evidence",
            ctx.viewer.authority
        );
        self.notify_many_in(&mut w.tx, &[(authority.as_str(), text.as_str())], "consent", object_id)
            .await?;
        self.append_in(
            &mut w.tx,
            self.draft(&ctx.into(), "evidence.consent", format!("{object_id} for {authority}")),
        )
        .await?;
        w.tx.commit().await?;
        Ok(())
    }
}
