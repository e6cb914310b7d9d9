//! Intelligence exchange: messages and requests between authorities, states
//! and the regional structure, with receipts, answer deadlines, threads,
//! links to records, attachments stored once by SHA-256, and forwarding that
//! waits for the originator's consent when the handling code says so.
//!
//! Who may read a message: its handling code through [`concord_domain::decide`],
//! and, outside the originating authority, only an addressee (an authority, or
//! any authority of an addressed state) or an authority it was forwarded to.

use crate::message_codec::{addresses, forward_row, message_row, receipt_row, search_doc};
use crate::records::fold;
use crate::sql::Sql;
use crate::stamp::stamp;
use crate::{Ctx, Result, Store, StoreError, new_id};
use concord_domain::message::addressed;
pub use concord_domain::message_rules::MessageInput;
use concord_domain::workflow::Refusal;
use concord_domain::workflow::exchange::{self, Delivery, DeliveryEvent, Forward};
use concord_domain::{Action, Compliance, Protected, Viewer};
use concord_domain::{AttachmentMeta, ForwardRequest, Forwarded, Message, Notification, Receipt};
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, BTreeSet};
use time::OffsetDateTime;

/// A message written in bulk (benchmarks, demo data): sent by `sender` at `at`.
#[derive(Debug, Clone)]
pub struct SeedMessage {
    pub sender: Viewer,
    pub input: MessageInput,
    pub at: OffsetDateTime,
}

impl From<Refusal> for StoreError {
    fn from(r: Refusal) -> Self {
        StoreError::Conflict(r.0)
    }
}

/// A `notifications` row.
pub(crate) fn notification(row: &sqlx::any::AnyRow) -> Result<Notification> {
    Ok(Notification {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        subject_id: row.try_get("subject_id")?,
        text: row.try_get("text")?,
        created_at: row.try_get("created_at")?,
    })
}

impl Store {
    /// The message if the viewer may read it; "not found" otherwise. Not
    /// audited: for the rules of a use case, which audits what it does.
    pub async fn readable_message(&self, ctx: &Ctx, id: &str) -> Result<Message> {
        let row = sqlx::query("SELECT * FROM messages WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound(format!("message {id}")));
        };
        let mut m = message_row(&row)?;
        m.receipts = self.receipts(&m).await?;
        if !self.may_read_message(ctx, &m) {
            return Err(StoreError::NotFound(format!("message {id}")));
        }
        Ok(m)
    }

    pub(crate) fn may_read_message(&self, ctx: &Ctx, m: &Message) -> bool {
        let own = ctx.viewer.authority == m.protected.originator;
        (own || m.receipts.iter().any(|r| addressed(&ctx.viewer, &r.recipient)))
            && self.decide_on(ctx, &m.protected, Action::Read).allowed
    }

    pub(crate) async fn receipts(&self, m: &Message) -> Result<Vec<Receipt>> {
        let rows = sqlx::query("SELECT * FROM message_recipients WHERE message_id = $1 ORDER BY created_at, recipient")
            .bind(&m.id)
            .fetch_all(self.pool())
            .await?;
        let now = self.clock().now();
        rows.iter().map(|row| receipt_row(row, m, now)).collect()
    }

    /// Fills links (those the viewer may read) and attachments.
    async fn complete(&self, ctx: &Ctx, m: &mut Message) -> Result<()> {
        let rows = sqlx::query("SELECT record_id FROM message_links WHERE message_id = $1 ORDER BY record_id")
            .bind(&m.id)
            .fetch_all(self.pool())
            .await?;
        m.links.clear();
        for row in &rows {
            let id: String = row.try_get("record_id")?;
            if self.readable(ctx, &id).await.is_ok() {
                m.links.push(id);
            }
        }
        let rows = sqlx::query(
            "SELECT a.sha256, a.content_type, a.size, ma.filename FROM message_attachments ma \
             JOIN attachments a ON a.sha256 = ma.sha256 WHERE ma.message_id = $1 ORDER BY ma.filename",
        )
        .bind(&m.id)
        .fetch_all(self.pool())
        .await?;
        m.attachments = rows
            .iter()
            .map(|row| {
                Ok(AttachmentMeta {
                    sha256: row.try_get("sha256")?,
                    filename: row.try_get("filename")?,
                    content_type: row.try_get("content_type")?,
                    size: row.try_get("size")?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(())
    }

    /// Writes a message or request whose rules the use case checked
    /// (`concord_app::messages::send`); with `parent`, a reply in its thread.
    /// Its links are records the sender may pass on.
    pub async fn send_message(&self, ctx: &Ctx, parent: Option<&Message>, input: MessageInput) -> Result<Message> {
        let subject = input.subject.trim();
        let links: BTreeSet<String> = input.links.iter().cloned().collect();
        let now = self.clock().now();
        let id = new_id("msg");
        let thread = parent.map_or_else(|| id.clone(), |p| p.thread_id.clone());
        let created = stamp(now);
        let h = &input.handling;
        let search_fold = fold(&format!("{subject}\n{}", input.body));
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO messages (id, thread_id, parent_id, kind, priority, subject, body, search_fold, sender, originator, \
             originator_state, distribution, dissemination, use_code, classification, consented, deadline, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, '', $16, $17)",
        )
        .bind(&id)
        .bind(&thread)
        .bind(parent.map(|p| p.id.clone()))
        .bind(input.kind.as_str())
        .bind(input.priority.as_str())
        .bind(subject)
        .bind(&input.body)
        .bind(&search_fold)
        .bind(ctx.viewer.user.as_str())
        .bind(ctx.viewer.authority.as_str())
        .bind(ctx.viewer.state.as_ref().map(|s| s.to_string()))
        .bind(h.distribution.to_string())
        .bind(h.dissemination.as_str())
        .bind(h.use_.as_str())
        .bind(h.classification.rank())
        .bind(input.deadline.map(stamp))
        .bind(&created)
        .execute(&mut *w.tx)
        .await?;
        self.add_recipients_in(&mut w.tx, &id, &input.recipients, None, &created)
            .await?;
        let doc = search_doc(&search_fold, ctx.viewer.authority.as_str(), &input.recipients);
        self.index_new_in(&mut w.tx, &id, &created, doc).await?;
        for l in &links {
            sqlx::query("INSERT INTO message_links (message_id, record_id) VALUES ($1, $2)")
                .bind(&id)
                .bind(l)
                .execute(&mut *w.tx)
                .await?;
        }
        let mut attachments_meta = Vec::new();
        for a in &input.attachments {
            let sha = hex::encode(Sha256::digest(&a.content));
            attachments_meta.push(AttachmentMeta {
                sha256: sha.clone(),
                filename: a.filename.clone(),
                content_type: a.media_type(),
                size: a.content.len() as i64,
            });
            let known = sqlx::query("SELECT 1 FROM attachments WHERE sha256 = $1")
                .bind(&sha)
                .fetch_optional(&mut *w.tx)
                .await?;
            if known.is_none() {
                sqlx::query(
                    "INSERT INTO attachments (sha256, content_type, size, content, created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&sha)
                .bind(a.media_type())
                .bind(a.content.len() as i64)
                .bind(a.content.clone())
                .bind(&created)
                .execute(&mut *w.tx)
                .await?;
            }
            sqlx::query("INSERT INTO message_attachments (message_id, sha256, filename) VALUES ($1, $2, $3)")
                .bind(&id)
                .bind(&sha)
                .bind(&a.filename)
                .execute(&mut *w.tx)
                .await?;
        }
        if let Some(p) = parent {
            self.mark_in(&mut w.tx, ctx, p, DeliveryEvent::Replied).await?;
        }
        // Notices say what to open, never what it says: whoever lists them
        // may lack the clearance the message needs.
        let text = format!("{} {} {id} from {}", input.priority, input.kind, ctx.viewer.authority);
        let notes: Vec<(&str, &str)> = input.recipients.iter().map(|r| (r.as_str(), text.as_str())).collect();
        self.notify_many_in(&mut w.tx, &notes, input.kind.as_str(), &id).await?;
        attachments_meta.sort_by(|a, b| a.filename.cmp(&b.filename));
        let target = format!(
            "{id} to {} links [{}]",
            input.recipients.join(","),
            links.iter().cloned().collect::<Vec<_>>().join(",")
        );
        let action = if parent.is_some() {
            "message.reply"
        } else {
            "message.send"
        };
        self.append_in(&mut w.tx, self.draft(&ctx.into(), action, target))
            .await?;
        w.tx.commit().await?;
        Ok(Message {
            id: id.clone(),
            thread_id: thread,
            parent_id: parent.map(|p| p.id.clone()),
            kind: input.kind,
            priority: input.priority,
            subject: subject.to_owned(),
            body: input.body.clone(),
            sender: ctx.viewer.user.to_string(),
            protected: Protected {
                originator: ctx.viewer.authority.clone(),
                originator_state: ctx.viewer.state.clone(),
                handling: input.handling.clone(),
                compliance: Compliance::Approved,
                review_date: None,
                consented: BTreeSet::new(),
                archived: false,
            },
            deadline: input.deadline.map(stamp),
            created_at: created.clone(),
            receipts: input
                .recipients
                .iter()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .map(|r| Receipt {
                    recipient: r.clone(),
                    delivery: Delivery::Sent,
                    delivered_at: None,
                    acknowledged_at: None,
                    answered_at: None,
                    overdue: false,
                    forward_id: None,
                })
                .collect(),
            links: links.into_iter().collect(),
            attachments: attachments_meta,
        })
    }

    async fn add_recipients_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        id: &str,
        recipients: &[String],
        forward: Option<&str>,
        at: &str,
    ) -> Result<()> {
        if recipients.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "INSERT INTO message_recipients (message_id, recipient, forward_id, delivery, created_at) VALUES {}",
            crate::records::numbered(self.backend(), "(?, ?, ?, 'sent', ?)", recipients.len())
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for r in recipients {
            q = q.bind(id).bind(r).bind(forward.map(str::to_owned)).bind(at);
        }
        q.execute(&mut **tx).await?;
        Ok(())
    }

    /// Notices to several authorities about one subject, in one statement.
    pub(crate) async fn notify_many_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        notes: &[(&str, &str)],
        kind: &str,
        subject_id: &str,
    ) -> Result<()> {
        if notes.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "INSERT INTO notifications (id, authority, kind, subject_id, text, created_at) VALUES {}",
            crate::records::numbered(self.backend(), "(?, ?, ?, ?, ?, ?)", notes.len())
        );
        let at = stamp(self.clock().now());
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (authority, text) in notes {
            q = q
                .bind(new_id("ntf"))
                .bind(*authority)
                .bind(kind)
                .bind(subject_id)
                .bind(*text)
                .bind(at.clone());
        }
        q.execute(&mut **tx).await?;
        Ok(())
    }

    /// Notices about different subjects, `(authority, text, subject)`, in
    /// multi-row inserts.
    pub(crate) async fn notify_each_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        notes: &[(&str, &str, &str)],
        kind: &str,
    ) -> Result<()> {
        let at = stamp(self.clock().now());
        for chunk in notes.chunks(1000) {
            let sql = format!(
                "INSERT INTO notifications (id, authority, kind, subject_id, text, created_at) VALUES {}",
                crate::records::numbered(self.backend(), "(?, ?, ?, ?, ?, ?)", chunk.len())
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (authority, text, subject) in chunk {
                q = q
                    .bind(new_id("ntf"))
                    .bind(*authority)
                    .bind(kind)
                    .bind(*subject)
                    .bind(*text)
                    .bind(at.clone());
            }
            q.execute(&mut **tx).await?;
        }
        Ok(())
    }

    pub(crate) async fn notify_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        authority: &str,
        kind: &str,
        subject_id: &str,
        text: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO notifications (id, authority, kind, subject_id, text, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(new_id("ntf"))
        .bind(authority)
        .bind(kind)
        .bind(subject_id)
        .bind(text)
        .bind(stamp(self.clock().now()))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Moves the viewer's receipts on `m` by `event`.
    async fn mark_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx,
        m: &Message,
        event: DeliveryEvent,
    ) -> Result<usize> {
        let now = stamp(self.clock().now());
        let mut moved = 0;
        for r in m.receipts.iter().filter(|r| addressed(&ctx.viewer, &r.recipient)) {
            let next = exchange::deliver(m.kind, r.delivery, event)?;
            if next == r.delivery {
                continue;
            }
            let set = match next {
                Delivery::Delivered => "delivered_at = $2, acknowledged_by = COALESCE(acknowledged_by, $3)",
                Delivery::Acknowledged => {
                    "acknowledged_at = $2, delivered_at = COALESCE(delivered_at, $2), \
                     acknowledged_by = COALESCE(acknowledged_by, $3)"
                }
                Delivery::Answered => {
                    "answered_at = $2, delivered_at = COALESCE(delivered_at, $2), \
                     acknowledged_at = COALESCE(acknowledged_at, $2), acknowledged_by = COALESCE(acknowledged_by, $3)"
                }
                Delivery::Sent => continue,
            };
            let sql = format!(
                "UPDATE message_recipients SET delivery = $1, {set} \
                 WHERE message_id = $4 AND recipient = $5 AND delivery = $6"
            );
            let by = (next != Delivery::Delivered).then(|| ctx.viewer.user.to_string());
            let done = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(next.as_str())
                .bind(&now)
                .bind(by)
                .bind(&m.id)
                .bind(&r.recipient)
                .bind(r.delivery.as_str())
                .execute(&mut **tx)
                .await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::Conflict(format!(
                    "message {} changed meanwhile; try again",
                    m.id
                )));
            }
            moved += 1;
        }
        Ok(moved)
    }

    /// One message, if the viewer may read it; opening it delivers it to the
    /// viewer's side. Reads and refusals are audited.
    pub async fn get_message(&self, ctx: &Ctx, id: &str) -> Result<Message> {
        let mut m = match self.readable_message(ctx, id).await {
            Ok(m) => m,
            Err(StoreError::NotFound(e)) => {
                self.audit(&ctx.into(), "message.read.refused", id).await?;
                return Err(StoreError::NotFound(e));
            }
            Err(e) => return Err(e),
        };
        let mut w = self.write().await?;
        self.mark_in(&mut w.tx, ctx, &m, DeliveryEvent::Opened).await?;
        self.append_in(&mut w.tx, self.draft(&ctx.into(), "message.read", id.to_owned()))
            .await?;
        w.tx.commit().await?;
        m.receipts = self.receipts(&m).await?;
        self.complete(ctx, &mut m).await?;
        Ok(m)
    }

    /// Acknowledges message `m`, addressed to the viewer's side, for it.
    pub async fn acknowledge_message(&self, ctx: &Ctx, m: &Message) -> Result<Message> {
        let id = m.id.as_str();
        let mut w = self.write().await?;
        self.mark_in(&mut w.tx, ctx, m, DeliveryEvent::Acknowledge).await?;
        self.append_in(&mut w.tx, self.draft(&ctx.into(), "message.acknowledge", id.to_owned()))
            .await?;
        w.tx.commit().await?;
        let mut m = self.readable_message(ctx, id).await?;
        self.complete(ctx, &mut m).await?;
        Ok(m)
    }

    /// The messages of a thread that the viewer may read, oldest first.
    pub async fn thread(&self, ctx: &Ctx, id: &str) -> Result<Vec<Message>> {
        let m = self.readable_message(ctx, id).await?;
        let rows = sqlx::query("SELECT * FROM messages WHERE thread_id = $1 ORDER BY created_at, id")
            .bind(&m.thread_id)
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::new();
        for row in &rows {
            let mut m = message_row(row)?;
            m.receipts = self.receipts(&m).await?;
            if self.may_read_message(ctx, &m) {
                self.complete(ctx, &mut m).await?;
                out.push(m);
            }
        }
        let ids: Vec<&str> = out.iter().map(|m| m.id.as_str()).collect();
        self.audit(
            &ctx.into(),
            "message.thread",
            format!("{} -> [{}]", m.thread_id, ids.join(",")),
        )
        .await?;
        Ok(out)
    }

    /// A thread and its linked records as far as the viewer may pass them on
    /// (its own, or free dissemination, or the originator's consent): for a
    /// STIX export. The message asked for must itself be passable.
    pub async fn export_thread(&self, ctx: &Ctx, id: &str) -> Result<(Vec<Message>, Vec<crate::Record>)> {
        let m = self.readable_message(ctx, id).await?;
        let passable = |p: &Protected| self.may_pass_on(ctx, p);
        if !passable(&m.protected) {
            return Err(StoreError::Forbidden(format!(
                "message {id} travels only with its originator's consent"
            )));
        }
        let rows = sqlx::query("SELECT * FROM messages WHERE thread_id = $1 ORDER BY created_at, id")
            .bind(&m.thread_id)
            .fetch_all(self.pool())
            .await?;
        let mut messages = Vec::new();
        let mut records: BTreeMap<String, crate::Record> = BTreeMap::new();
        for row in &rows {
            let mut m = message_row(row)?;
            m.receipts = self.receipts(&m).await?;
            if !self.may_read_message(ctx, &m) || !passable(&m.protected) {
                continue;
            }
            self.complete(ctx, &mut m).await?;
            let mut kept = Vec::new();
            for rid in &m.links {
                if let Ok(r) = self.readable(ctx, rid).await
                    && passable(&r.protected)
                {
                    kept.push(rid.clone());
                    records.insert(rid.clone(), r);
                }
            }
            m.links = kept;
            messages.push(m);
        }
        let ids: Vec<&str> = messages.iter().map(|m| m.id.as_str()).collect();
        let rids: Vec<&str> = records.keys().map(String::as_str).collect();
        self.audit(
            &ctx.into(),
            "message.export.stix",
            format!("[{}] records [{}]", ids.join(","), rids.join(",")),
        )
        .await?;
        Ok((messages, records.into_values().collect()))
    }

    /// An attachment's bytes, if the viewer may read a message that carries it.
    pub async fn attachment(&self, ctx: &Ctx, message_id: &str, sha256: &str) -> Result<(AttachmentMeta, Vec<u8>)> {
        let m = self.readable_message(ctx, message_id).await?;
        let row = sqlx::query(
            "SELECT a.content_type, a.size, a.content, ma.filename FROM message_attachments ma \
             JOIN attachments a ON a.sha256 = ma.sha256 WHERE ma.message_id = $1 AND ma.sha256 = $2",
        )
        .bind(&m.id)
        .bind(sha256)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("attachment {sha256} of message {message_id}")))?;
        let meta = AttachmentMeta {
            sha256: sha256.to_owned(),
            filename: row.try_get("filename")?,
            content_type: row.try_get("content_type")?,
            size: row.try_get("size")?,
        };
        let content: Vec<u8> = row.try_get("content")?;
        self.audit(&ctx.into(), "message.attachment.read", format!("{message_id} {sha256}"))
            .await?;
        Ok((meta, content))
    }

    /// Forwards message `m` to new addressees the use case checked. With
    /// `pass_on`, it goes at once; otherwise a forward request goes to the
    /// originator and nothing moves until it agrees.
    pub async fn forward_message(
        &self,
        ctx: &Ctx,
        m: &Message,
        recipients: &[String],
        note: &str,
        pass_on: bool,
    ) -> Result<Forwarded> {
        let id = m.id.as_str();
        let mut w = self.write().await?;
        if pass_on {
            let at = stamp(self.clock().now());
            self.add_recipients_in(&mut w.tx, id, recipients, None, &at).await?;
            self.index_message_in(&mut w.tx, id).await?;
            for r in recipients {
                self.notify_in(
                    &mut w.tx,
                    r,
                    "message",
                    id,
                    &format!("message {id} forwarded by {}", ctx.viewer.authority),
                )
                .await?;
            }
            self.append_in(
                &mut w.tx,
                self.draft(
                    &ctx.into(),
                    "message.forward",
                    format!("{id} to {}", recipients.join(",")),
                ),
            )
            .await?;
            w.tx.commit().await?;
            let mut m = self.readable_message(ctx, id).await?;
            self.complete(ctx, &mut m).await?;
            return Ok(Forwarded::Sent(Box::new(m)));
        }
        let fid = new_id("fwd");
        sqlx::query(
            "INSERT INTO forward_requests (id, message_id, originator, requested_by, requester_authority, recipients, note, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8)",
        )
        .bind(&fid)
        .bind(id)
        .bind(m.protected.originator.as_str())
        .bind(ctx.viewer.user.as_str())
        .bind(ctx.viewer.authority.as_str())
        .bind(recipients.join(","))
        .bind(note)
        .bind(stamp(self.clock().now()))
        .execute(&mut *w.tx)
        .await?;
        self.notify_in(
            &mut w.tx,
            m.protected.originator.as_str(),
            "forward-request",
            &fid,
            &format!(
                "{} asks to forward {id} to {}",
                ctx.viewer.authority,
                recipients.join(",")
            ),
        )
        .await?;
        self.append_in(
            &mut w.tx,
            self.draft(&ctx.into(), "message.forward.request", format!("{fid} for {id}")),
        )
        .await?;
        w.tx.commit().await?;
        Ok(Forwarded::AwaitingConsent(Box::new(self.forward_request(&fid).await?)))
    }

    /// One forward request, whoever asks: the use case decides who may see it.
    pub async fn forward_request(&self, id: &str) -> Result<ForwardRequest> {
        let row = sqlx::query("SELECT * FROM forward_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref()
            .map(forward_row)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("forward request {id}")))
    }

    /// Forward requests the viewer's authority must decide or has made.
    pub async fn forward_requests(&self, ctx: &Ctx) -> Result<Vec<ForwardRequest>> {
        let rows = sqlx::query(
            "SELECT * FROM forward_requests WHERE originator = $1 OR requester_authority = $1 ORDER BY created_at, id",
        )
        .bind(ctx.viewer.authority.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(forward_row).collect()
    }

    /// Moves forward request `f` to `next` (the use case applied the
    /// workflow); a grant sends the message on to the recipients the request
    /// named, and to no one else.
    pub async fn decide_forward(
        &self,
        ctx: &Ctx,
        f: &ForwardRequest,
        next: Forward,
        reason: &str,
    ) -> Result<ForwardRequest> {
        let id = f.id.as_str();
        let m = self.readable_message(ctx, &f.message_id).await?;
        let mut w = self.write().await?;
        let now = stamp(self.clock().now());
        let done = sqlx::query(
            "UPDATE forward_requests SET status = $1, decided_by = $2, decided_at = $3, reason = $4 WHERE id = $5 AND status = 'pending'",
        )
        .bind(next.as_str())
        .bind(ctx.viewer.user.as_str())
        .bind(&now)
        .bind(reason)
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "forward request {id} was decided meanwhile"
            )));
        }
        // A grant is consent to this forward, to the addressees it names,
        // once: the message goes to them here, and the requester gains no
        // standing consent to pass it on again (or export it) elsewhere.
        if next == Forward::Granted {
            let already: BTreeSet<&str> = m.receipts.iter().map(|r| r.recipient.as_str()).collect();
            let fresh: Vec<String> = f
                .recipients
                .iter()
                .filter(|r| !already.contains(r.as_str()))
                .cloned()
                .collect();
            self.add_recipients_in(&mut w.tx, &m.id, &fresh, Some(id), &now).await?;
            self.index_message_in(&mut w.tx, &m.id).await?;
            for r in &fresh {
                self.notify_in(
                    &mut w.tx,
                    r,
                    "message",
                    &m.id,
                    &format!("message {} forwarded by {}", m.id, f.requester_authority),
                )
                .await?;
            }
        }
        self.notify_in(
            &mut w.tx,
            &f.requester_authority,
            "forward-decision",
            id,
            &format!("forward of {} {next}", f.message_id),
        )
        .await?;
        self.append_in(
            &mut w.tx,
            self.draft(
                &ctx.into(),
                &format!("message.forward.{next}"),
                format!("{id} for {}", f.message_id),
            ),
        )
        .await?;
        w.tx.commit().await?;
        self.forward_request(id).await
    }

    /// Notifications for the viewer's authority and state, newest first.
    pub async fn notifications(&self, ctx: &Ctx, limit: i64) -> Result<Vec<Notification>> {
        let limit = limit.clamp(1, crate::records::MAX_PAGE);
        let mut sql = Sql::default();
        let list: Vec<String> = addresses(&ctx.viewer).into_iter().map(|a| sql.text(a)).collect();
        // Read more than asked: notices about what the viewer may not see are left out.
        let n = sql.int(limit * 4);
        sql.text = format!(
            "SELECT * FROM notifications WHERE authority IN ({}) ORDER BY created_at DESC, id DESC LIMIT {n}",
            list.join(", ")
        );
        let mut out = Vec::new();
        for row in sql.fetch_all(self).await? {
            let n = notification(&row)?;
            if self.notice_visible(ctx, &n).await? {
                out.push(n);
                if out.len() as i64 == limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Whether a notice's reader may see what it is about: a notice must not
    /// reveal what its reader may not see.
    pub(crate) async fn notice_visible(&self, ctx: &Ctx, n: &Notification) -> Result<bool> {
        let found = match n.kind.as_str() {
            "message" | "request" => self.readable_message(ctx, &n.subject_id).await.map(drop),
            "designation" => self.visible_proposal(ctx, &n.subject_id).await.map(drop),
            "consultation" => self.visible_consultation(ctx, &n.subject_id).await.map(drop),
            "record" => self.readable(ctx, &n.subject_id).await.map(drop),
            "precursor" => self.visible_notification(ctx, &n.subject_id).await.map(drop),
            "incident" => self.visible_incident(ctx, &n.subject_id).await.map(drop),
            "delivery" => self.visible_delivery(ctx, &n.subject_id).await.map(drop),
            "legal" => self.visible_legal_request(ctx, &n.subject_id).await.map(drop),
            "operation" => self.visible_operation(ctx, &n.subject_id).await.map(drop),
            "meeting" => self.visible_meeting(ctx, &n.subject_id).await.map(drop),
            "exercise" => self.visible_exercise(ctx, &n.subject_id).await.map(drop),
            "programme" => self.visible_programme(ctx, &n.subject_id).await.map(drop),
            _ => Ok(()),
        };
        match found {
            Ok(()) => Ok(true),
            Err(StoreError::NotFound(_) | StoreError::Forbidden(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Writes messages in bulk, in one transaction with one audit entry: for
    /// benchmark and demo data that `concord_app::messages::seed` checked.
    /// Links and attachments are not written.
    pub async fn seed_messages(&self, actor: &crate::Actor, items: &[SeedMessage]) -> Result<usize> {
        let mut w = self.write().await?;
        for chunk in items.chunks(500) {
            let sql = format!(
                "INSERT INTO messages (id, thread_id, parent_id, kind, priority, subject, body, search_fold, sender, originator, \
                 originator_state, distribution, dissemination, use_code, classification, consented, deadline, created_at) VALUES {}",
                crate::records::numbered(
                    self.backend(),
                    "(?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)",
                    chunk.len()
                )
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            let mut recipients = Vec::new();
            let mut docs = Vec::with_capacity(chunk.len());
            for m in chunk {
                let id = new_id("msg");
                let created = stamp(m.at);
                let i = &m.input;
                q = q
                    .bind(id.clone())
                    .bind(id.clone())
                    .bind(i.kind.as_str())
                    .bind(i.priority.as_str())
                    .bind(i.subject.trim().to_owned())
                    .bind(i.body.clone())
                    .bind(fold(&format!("{}\n{}", i.subject.trim(), i.body)))
                    .bind(m.sender.user.to_string())
                    .bind(m.sender.authority.to_string())
                    .bind(m.sender.state.as_ref().map(|s| s.to_string()))
                    .bind(i.handling.distribution.to_string())
                    .bind(i.handling.dissemination.as_str())
                    .bind(i.handling.use_.as_str())
                    .bind(i.handling.classification.rank())
                    .bind(i.deadline.map(stamp))
                    .bind(created.clone());
                for r in &i.recipients {
                    recipients.push((id.clone(), r.clone(), created.clone()));
                }
                docs.push((
                    id.clone(),
                    created.clone(),
                    search_doc(
                        &fold(&format!("{}\n{}", i.subject.trim(), i.body)),
                        m.sender.authority.as_str(),
                        &i.recipients,
                    ),
                ));
            }
            q.execute(&mut *w.tx).await?;
            for rows in recipients.chunks(2000) {
                let sql = format!(
                    "INSERT INTO message_recipients (message_id, recipient, forward_id, delivery, created_at) VALUES {}",
                    crate::records::numbered(self.backend(), "(?, ?, NULL, 'sent', ?)", rows.len())
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (id, r, at) in rows {
                    q = q.bind(id.clone()).bind(r.clone()).bind(at.clone());
                }
                q.execute(&mut *w.tx).await?;
            }
            self.index_many_in(&mut w.tx, &docs).await?;
        }
        self.append_in(
            &mut w.tx,
            self.draft(actor, "message.seed", format!("{} messages", items.len())),
        )
        .await?;
        w.tx.commit().await?;
        // The write turn is held until `w` goes: let it go before flushing.
        drop(w._turn);
        self.flush_search().await?;
        Ok(items.len())
    }

    /// Readers of a message grouped by addressee: for tests and statistics.
    pub async fn message_receipts(&self, ctx: &Ctx, id: &str) -> Result<BTreeMap<String, Delivery>> {
        let m = self.readable_message(ctx, id).await?;
        Ok(m.receipts.into_iter().map(|r| (r.recipient, r.delivery)).collect())
    }
}
