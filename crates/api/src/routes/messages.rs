//! Intelligence exchange: inbox, outbox, messages, requests, replies,
//! acknowledgements, forwarding with consent, attachments, notifications.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, Code, ErrorBody};
use crate::json::{Json, Query};
use crate::routes::records::field;
use crate::views::*;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use concord_app::text::MessageText;
use concord_domain::workflow::exchange::{MessageKind, Priority};
use concord_store::{
    AttachmentInput, ForwardRequest, Forwarded, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, Mailbox, Message, MessageInput,
    MessageQuery,
};
use serde::Deserialize;
use utoipa::IntoParams;

/// The body limit for sending: every attachment at its limit, in base64.
pub const SEND_LIMIT: usize = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES * 4 / 3 + 1024 * 1024;

pub fn message_view(m: &Message) -> MessageView {
    let h = &m.protected.handling;
    MessageView {
        id: m.id.clone(),
        thread_id: m.thread_id.clone(),
        parent_id: m.parent_id.clone(),
        kind: m.kind.to_string(),
        priority: m.priority.to_string(),
        subject: m.subject.clone(),
        body: m.body.clone(),
        sender: m.sender.clone(),
        originator: m.protected.originator.to_string(),
        originator_state: m.protected.originator_state.as_ref().map(|s| s.to_string()),
        handling: HandlingView::from(h),
        deadline: m.deadline.clone(),
        created_at: m.created_at.clone(),
        receipts: m
            .receipts
            .iter()
            .map(|r| ReceiptView {
                recipient: r.recipient.clone(),
                delivery: r.delivery.to_string(),
                delivered_at: r.delivered_at.clone(),
                acknowledged_at: r.acknowledged_at.clone(),
                answered_at: r.answered_at.clone(),
                overdue: r.overdue,
                forward_id: r.forward_id.clone(),
            })
            .collect(),
        links: m.links.clone(),
        attachments: m
            .attachments
            .iter()
            .map(|a| AttachmentView {
                sha256: a.sha256.clone(),
                filename: a.filename.clone(),
                content_type: a.content_type.clone(),
                size: a.size,
            })
            .collect(),
    }
}

fn forward_view(f: &ForwardRequest) -> ForwardRequestView {
    ForwardRequestView {
        id: f.id.clone(),
        message_id: f.message_id.clone(),
        originator: f.originator.clone(),
        requester_authority: f.requester_authority.clone(),
        recipients: f.recipients.clone(),
        note: f.note.clone(),
        status: f.status.to_string(),
        created_at: f.created_at.clone(),
        decided_at: f.decided_at.clone(),
        reason: f.reason.clone(),
    }
}

/// The body's attachments decoded from base64; the rest read as every edge
/// reads a message's texts.
fn message_input(req: MessageNew) -> Result<MessageInput, ApiError> {
    let mut attachments = Vec::with_capacity(req.attachments.len());
    for (i, a) in req.attachments.into_iter().enumerate() {
        let content = base64::engine::general_purpose::STANDARD
            .decode(a.content_base64.as_bytes())
            .map_err(|e| ApiError::field(format!("attachments[{i}].content_base64"), format!("not base64: {e}")))?;
        attachments.push(AttachmentInput {
            filename: a.filename,
            content_type: a.content_type,
            content,
        });
    }
    Ok(concord_app::text::message_input(MessageText {
        kind: &req.kind,
        priority: &req.priority,
        subject: req.subject,
        body: req.body,
        recipients: req.recipients,
        handling: crate::routes::records::handling_text(&req.handling),
        deadline: req.deadline.as_deref(),
        links: req.links,
        attachments,
    })?)
}

/// Sends a message or a request (which needs an answer deadline) to
/// authorities or states; each addressee must be allowed to read it under
/// its handling code.
#[utoipa::path(post, path = "/api/v1/messages", tag = "exchange", request_body = MessageNew,
    responses((status = 201, body = MessageView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn send(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<MessageNew>,
) -> Result<(StatusCode, axum::Json<MessageView>), ApiError> {
    let m = concord_app::messages::send(&s.store, &caller.ctx(), None, message_input(req)?).await?;
    Ok((StatusCode::CREATED, axum::Json(message_view(&m))))
}

/// Replies in the message's thread; without recipients, to its originator.
/// A reply from an addressee answers a request.
#[utoipa::path(post, path = "/api/v1/messages/{id}/replies", tag = "exchange", request_body = MessageNew,
    params(("id" = String, Path, description = "message id")),
    responses((status = 201, body = MessageView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn reply(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<MessageNew>,
) -> Result<(StatusCode, axum::Json<MessageView>), ApiError> {
    let m = concord_app::messages::send(&s.store, &caller.ctx(), Some(&id), message_input(req)?).await?;
    Ok((StatusCode::CREATED, axum::Json(message_view(&m))))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MailboxQuery {
    /// `message` or `request`.
    kind: Option<String>,
    /// `routine`, `priority`, `urgent` or `flash`.
    priority: Option<String>,
    /// Only those not yet acknowledged (by the caller's side, or by some addressee in the outbox).
    unacknowledged: Option<bool>,
    /// Only requests past their deadline without an answer.
    overdue: Option<bool>,
    /// Words in the subject or body.
    q: Option<String>,
    /// The `next` of the previous page.
    before: Option<String>,
    /// 1 to 500; 50 by default.
    limit: Option<i64>,
}

async fn mailbox(s: &AppState, caller: &Caller, mailbox: Mailbox, q: MailboxQuery) -> Result<MessagePage, ApiError> {
    let before = match q.before.as_deref() {
        Some(b) => Some(
            b.split_once('|')
                .map(|(c, i)| (c.to_owned(), i.to_owned()))
                .ok_or_else(|| ApiError::field("before", "pass the `next` value of the previous page"))?,
        ),
        None => None,
    };
    let limit = q.limit.unwrap_or(50);
    let query = MessageQuery {
        mailbox,
        kind: q.kind.as_deref().map(|k| field::<MessageKind>("kind", k)).transpose()?,
        priority: q
            .priority
            .as_deref()
            .map(|p| field::<Priority>("priority", p))
            .transpose()?,
        unacknowledged: q.unacknowledged.unwrap_or(false),
        overdue: q.overdue.unwrap_or(false),
        text: q.q,
        before,
        limit,
    };
    let items = s.store.list_messages(&caller.ctx(), &query).await?;
    let next = (items.len() as i64 == limit)
        .then(|| items.last().map(|m| format!("{}|{}", m.created_at, m.id)))
        .flatten();
    Ok(MessagePage {
        items: items.iter().map(message_view).collect(),
        next,
    })
}

/// Messages addressed to the caller's authority or state that it may read, newest first.
#[utoipa::path(get, path = "/api/v1/messages/inbox", tag = "exchange", params(MailboxQuery),
    responses((status = 200, body = MessagePage), (status = 422, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn inbox(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<MailboxQuery>,
) -> Result<axum::Json<MessagePage>, ApiError> {
    Ok(axum::Json(mailbox(&s, &caller, Mailbox::Inbox, q).await?))
}

/// Messages the caller's authority sent, with every addressee's receipt, newest first.
#[utoipa::path(get, path = "/api/v1/messages/outbox", tag = "exchange", params(MailboxQuery),
    responses((status = 200, body = MessagePage), (status = 422, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn outbox(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<MailboxQuery>,
) -> Result<axum::Json<MessagePage>, ApiError> {
    Ok(axum::Json(mailbox(&s, &caller, Mailbox::Outbox, q).await?))
}

/// One message; opening it marks it delivered to the caller's side.
#[utoipa::path(get, path = "/api/v1/messages/{id}", tag = "exchange",
    params(("id" = String, Path, description = "message id")),
    responses((status = 200, body = MessageView), (status = 404, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<MessageView>, ApiError> {
    Ok(axum::Json(message_view(
        &s.store.get_message(&caller.ctx(), &id).await?,
    )))
}

/// The messages of the thread that the caller may read, oldest first.
#[utoipa::path(get, path = "/api/v1/messages/{id}/thread", tag = "exchange",
    params(("id" = String, Path, description = "any message of the thread")),
    responses((status = 200, body = [MessageView]), (status = 404, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn thread(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<MessageView>>, ApiError> {
    let t = s.store.thread(&caller.ctx(), &id).await?;
    Ok(axum::Json(t.iter().map(message_view).collect()))
}

/// Acknowledges receipt for the caller's side; a second acknowledgement is 409.
#[utoipa::path(post, path = "/api/v1/messages/{id}/acknowledgement", tag = "exchange",
    params(("id" = String, Path, description = "message id")),
    responses((status = 200, body = MessageView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn acknowledge(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<MessageView>, ApiError> {
    Ok(axum::Json(message_view(
        &concord_app::messages::acknowledge(&s.store, &caller.ctx(), &id).await?,
    )))
}

/// Forwards a message. When it travels only with the originator's consent
/// and that consent is missing, a forward request goes to the originator
/// and nothing moves until it agrees (202).
#[utoipa::path(post, path = "/api/v1/messages/{id}/forward", tag = "exchange", request_body = ForwardNew,
    params(("id" = String, Path, description = "message id")),
    responses((status = 200, body = ForwardResult), (status = 202, body = ForwardResult), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn forward(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<ForwardNew>,
) -> Result<(StatusCode, axum::Json<ForwardResult>), ApiError> {
    Ok(
        match concord_app::messages::forward(&s.store, &caller.ctx(), &id, &req.recipients, &req.note).await? {
            Forwarded::Sent(m) => (
                StatusCode::OK,
                axum::Json(ForwardResult {
                    outcome: "sent".into(),
                    message: Some(message_view(&m)),
                    request: None,
                }),
            ),
            Forwarded::AwaitingConsent(f) => (
                StatusCode::ACCEPTED,
                axum::Json(ForwardResult {
                    outcome: "awaiting-consent".into(),
                    message: None,
                    request: Some(forward_view(&f)),
                }),
            ),
        },
    )
}

/// Forward requests the caller's authority must decide or has made.
#[utoipa::path(get, path = "/api/v1/forward-requests", tag = "exchange",
    responses((status = 200, body = [ForwardRequestView])), security(("bearer" = []), ("cookie" = [])))]
pub async fn forward_requests(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<ForwardRequestView>>, ApiError> {
    let fs = s.store.forward_requests(&caller.ctx()).await?;
    Ok(axum::Json(fs.iter().map(forward_view).collect()))
}

/// The originating authority grants (the message goes on) or refuses, with a reason.
#[utoipa::path(post, path = "/api/v1/forward-requests/{id}/decision", tag = "exchange", request_body = ForwardDecision,
    params(("id" = String, Path, description = "forward request id")),
    responses((status = 200, body = ForwardRequestView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn decide_forward(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<ForwardDecision>,
) -> Result<axum::Json<ForwardRequestView>, ApiError> {
    let f = concord_app::messages::decide_forward(&s.store, &caller.ctx(), &id, req.grant, &req.reason).await?;
    Ok(axum::Json(forward_view(&f)))
}

/// An attachment's bytes, served with its checked content type.
#[utoipa::path(get, path = "/api/v1/messages/{id}/attachments/{sha256}", tag = "exchange",
    params(("id" = String, Path, description = "message id"), ("sha256" = String, Path, description = "attachment hash")),
    responses((status = 200, description = "the file"), (status = 404, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn attachment(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, sha)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (meta, bytes) = s.store.attachment(&caller.ctx(), &id, &sha).await?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        meta.filename.replace(['"', '\\', '\r', '\n'], "_")
    );
    Ok((
        [
            (header::CONTENT_TYPE, meta.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NotificationQuery {
    /// 1 to 500; 50 by default.
    limit: Option<i64>,
}

/// Notices to the caller's authority and state: messages, requests, forward
/// requests and decisions, proposals and consultations to act on.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "exchange", params(NotificationQuery),
    responses((status = 200, body = [NotificationView])), security(("bearer" = []), ("cookie" = [])))]
pub async fn notifications(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<NotificationQuery>,
) -> Result<axum::Json<Vec<NotificationView>>, ApiError> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::new(Code::InvalidField, "limit: between 1 and 500"));
    }
    let ns = s.store.notifications(&caller.ctx(), limit).await?;
    Ok(axum::Json(
        ns.into_iter()
            .map(|n| NotificationView {
                id: n.id,
                kind: n.kind,
                subject_id: n.subject_id,
                text: n.text,
                created_at: n.created_at,
            })
            .collect(),
    ))
}

/// The thread as a STIX 2.1 bundle, with the linked records, as far as the
/// caller may pass them on; handling codes as statement markings and TLP 2.0.
#[utoipa::path(get, path = "/api/v1/messages/{id}/stix", tag = "exchange",
    params(("id" = String, Path, description = "any message of the thread")),
    responses((status = 200, description = "a STIX 2.1 bundle"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn stix(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response, ApiError> {
    let (messages, records) = s.store.export_thread(&caller.ctx(), &id).await?;
    let bundle = concord_exchange::stix::thread_bundle(&messages, &records, &s.store.snapshot().registry);
    Ok((
        [(header::CONTENT_TYPE, "application/stix+json;version=2.1")],
        bundle.to_string(),
    )
        .into_response())
}
