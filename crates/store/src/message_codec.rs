//! How a message is stored and found: its rows read back into the domain's
//! `Message`, `Receipt` and `ForwardRequest`, the mailbox query, and its
//! search document. Shared by the writes (`messages.rs`) and the reads
//! (`mailbox.rs`), which do not depend on each other.

use crate::registry::parse;
use crate::stamp::parse_stamp;
use crate::{Result, StoreError};
use concord_domain::workflow::exchange::{self, Delivery, MessageKind, Priority};
use concord_domain::{AuthorityId, Classification, Compliance, HandlingCode, Protected, StateCode, Viewer};
use concord_domain::{ForwardRequest, Message, Receipt};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

/// Which side of the exchange to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mailbox {
    /// Addressed to the viewer's authority or state.
    #[default]
    Inbox,
    /// Sent by the viewer's authority.
    Outbox,
}

/// Filters for [`Store::list_messages`].
#[derive(Debug, Clone, Default)]
pub struct MessageQuery {
    pub mailbox: Mailbox,
    pub kind: Option<MessageKind>,
    pub priority: Option<Priority>,
    /// Inbox: not yet acknowledged by the viewer's side.
    pub unacknowledged: bool,
    /// Requests past their deadline without an answer.
    pub overdue: bool,
    /// Words in the subject or body.
    pub text: Option<String>,
    /// Paging: messages older than this `(created_at, id)`.
    pub before: Option<(String, String)>,
    pub limit: i64,
}

/// The addressee forms that name `viewer`.
pub(crate) fn addresses(viewer: &Viewer) -> Vec<String> {
    let mut out = vec![viewer.authority.to_string()];
    if let Some(s) = &viewer.state {
        out.push(format!("state:{s}"));
    }
    out
}

/// A recipient row of `m` as a receipt, its overdue flag as of `now`.
pub(crate) fn receipt_row(row: &AnyRow, m: &Message, now: OffsetDateTime) -> Result<Receipt> {
    let deadline = m.deadline.as_deref().map(|d| parse_stamp("messages", d)).transpose()?;
    let delivery: Delivery = parse("message_recipients", &row.try_get::<String, _>("delivery")?)?;
    Ok(Receipt {
        recipient: row.try_get("recipient")?,
        delivery,
        delivered_at: row.try_get("delivered_at")?,
        acknowledged_at: row.try_get("acknowledged_at")?,
        answered_at: row.try_get("answered_at")?,
        overdue: exchange::overdue(m.kind, delivery, deadline, now),
        forward_id: row.try_get("forward_id")?,
    })
}

pub(crate) fn message_row(row: &AnyRow) -> Result<Message> {
    let t = "messages";
    let state: Option<String> = row.try_get("originator_state")?;
    let consented: String = row.try_get("consented")?;
    Ok(Message {
        id: row.try_get("id")?,
        thread_id: row.try_get("thread_id")?,
        parent_id: row.try_get("parent_id")?,
        kind: parse(t, &row.try_get::<String, _>("kind")?)?,
        priority: parse(t, &row.try_get::<String, _>("priority")?)?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        sender: row.try_get("sender")?,
        protected: Protected {
            originator: AuthorityId::new(row.try_get::<String, _>("originator")?),
            originator_state: state.map(StateCode::new),
            handling: HandlingCode {
                distribution: parse(t, &row.try_get::<String, _>("distribution")?)?,
                dissemination: parse(t, &row.try_get::<String, _>("dissemination")?)?,
                use_: parse(t, &row.try_get::<String, _>("use_code")?)?,
                classification: Classification::from_rank(row.try_get("classification")?)
                    .ok_or_else(|| StoreError::corrupt(t, "classification out of range"))?,
            },
            compliance: Compliance::Approved,
            review_date: None,
            consented: consented
                .split(',')
                .filter(|s| !s.is_empty())
                .map(AuthorityId::from)
                .collect(),
            archived: false,
        },
        deadline: row.try_get("deadline")?,
        created_at: row.try_get("created_at")?,
        receipts: Vec::new(),
        links: Vec::new(),
        attachments: Vec::new(),
    })
}

pub(crate) fn forward_row(row: &AnyRow) -> Result<ForwardRequest> {
    let recipients: String = row.try_get("recipients")?;
    Ok(ForwardRequest {
        id: row.try_get("id")?,
        message_id: row.try_get("message_id")?,
        originator: row.try_get("originator")?,
        requested_by: row.try_get("requested_by")?,
        requester_authority: row.try_get("requester_authority")?,
        recipients: recipients
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        note: row.try_get("note")?,
        status: parse("forward_requests", &row.try_get::<String, _>("status")?)?,
        created_at: row.try_get("created_at")?,
        decided_at: row.try_get("decided_at")?,
        reason: row.try_get("reason")?,
    })
}

/// The search token for an addressee or an originator.
pub(crate) fn token(prefix: &str, id: &str) -> String {
    format!("{prefix}{}", hex::encode(id.as_bytes()))
}

/// A message's search document.
pub(crate) fn search_doc(fold_text: &str, originator: &str, recipients: &[String]) -> String {
    let mut doc = String::with_capacity(fold_text.len() + 40 * (recipients.len() + 1));
    doc.push_str(fold_text);
    doc.push(' ');
    doc.push_str(&token("zorg", originator));
    for r in recipients {
        doc.push(' ');
        doc.push_str(&token("zrcp", r));
    }
    doc
}
