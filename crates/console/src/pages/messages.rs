//! Intelligence exchange: inbox and outbox, composing, a thread with its
//! receipts, acknowledging and replying.

use crate::AppState;
use crate::session::Posted;
use crate::{Console, Page, PageResult, render, see_other};
use askama::Template;
use axum::extract::{Path, Query, State};
use concord_app::Refusal;
use concord_app::text::{HandlingText, MessageText, message_input};
use concord_domain::message_rules::AttachmentInput;
use concord_domain::workflow::exchange::Delivery;
use concord_store::{Mailbox, Message, MessageQuery};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    r#box: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    unacknowledged: Option<String>,
    #[serde(default)]
    overdue: Option<String>,
}

#[derive(Template)]
#[template(path = "messages.html")]
struct MessageList {
    page: Page,
    outbox: bool,
    q: String,
    messages: Vec<Message>,
    me: String,
}

impl MessageList {
    /// The reader's own receipt, or the addressees' summary in the outbox.
    fn status(&self, m: &Message) -> String {
        let t = &self.page;
        if self.outbox {
            let done = m.receipts.iter().filter(|r| r.acknowledged_at.is_some()).count();
            return format!("{} {done}/{}", t.t("msg-acknowledged"), m.receipts.len());
        }
        m.receipts
            .iter()
            .find(|r| r.recipient == self.me || r.recipient.starts_with("state:"))
            .map_or_else(String::new, |r| t.tk("delivery", r.delivery))
    }
}

pub async fn list(State(s): State<AppState>, c: Console, Query(f): Query<ListQuery>) -> PageResult {
    let outbox = f.r#box == "outbox";
    let q = f.q.trim().to_owned();
    let query = MessageQuery {
        mailbox: if outbox { Mailbox::Outbox } else { Mailbox::Inbox },
        text: (!q.is_empty()).then(|| q.clone()),
        unacknowledged: f.unacknowledged.is_some(),
        overdue: f.overdue.is_some(),
        limit: 50,
        ..MessageQuery::default()
    };
    let messages = s.store.list_messages(&c.ctx(), &query).await.map_err(|e| c.fail(e))?;
    Ok(render(&MessageList {
        page: c.page(if outbox { "msg-outbox" } else { "msg-inbox" }, "messages"),
        outbox,
        q,
        messages,
        me: c.caller.viewer.authority.to_string(),
    }))
}

#[derive(Deserialize, Default)]
pub struct Compose {
    #[serde(default)]
    recipients: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    classification: String,
    #[serde(default)]
    dissemination: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    links: String,
}

#[derive(Template)]
#[template(path = "compose.html")]
struct ComposePage {
    page: Page,
    form: Compose,
    error: Option<(String, String)>,
    authorities: Vec<(String, String)>,
}

pub async fn compose(State(s): State<AppState>, c: Console) -> PageResult {
    let form = Compose {
        kind: "message".into(),
        priority: "routine".into(),
        classification: "restricted".into(),
        dissemination: "free".into(),
        ..Compose::default()
    };
    Ok(render(&ComposePage {
        authorities: c.authority_choices(&s, None),
        page: c.page("msg-compose", "messages"),
        form,
        error: None,
    }))
}

fn split(list: &str) -> Vec<String> {
    list.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A date (`YYYY-MM-DD`, end of that day UTC) or a local date-time from
/// the form as RFC 3339.
fn deadline(d: &str) -> Option<String> {
    let d = d.trim();
    match d.len() {
        0 => None,
        10 => Some(format!("{d}T23:59:59Z")),
        16 => Some(format!("{d}:00Z")),
        _ => Some(d.to_owned()),
    }
}

/// The body limit for the compose form: every attachment at its limit, and
/// room for the texts.
pub const COMPOSE_LIMIT: usize =
    concord_domain::message_rules::MAX_ATTACHMENTS * concord_domain::message_rules::MAX_ATTACHMENT_BYTES + 1024 * 1024;

/// A message from the compose form: URL-encoded, or multipart when it
/// carries attachments (the CSRF token is checked either way).
pub async fn send(State(s): State<AppState>, req: axum::extract::Request) -> PageResult {
    use axum::extract::{FromRequest, FromRequestParts};
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let Posted(c, f) = match Posted::<Compose>::from_request(req, &s).await {
            Ok(p) => p,
            Err(res) => return Ok(res),
        };
        return send_message(&s, c, f, vec![]).await;
    }
    let (mut parts, body) = req.into_parts();
    let c = match Console::from_request_parts(&mut parts, &s).await {
        Ok(c) => c,
        Err(res) => return Ok(res),
    };
    let mut form =
        match axum::extract::Multipart::from_request(axum::extract::Request::from_parts(parts, body), &s).await {
            Ok(m) => m,
            Err(e) => {
                return Err(c.refuse(e.status(), "form", e.body_text()));
            }
        };
    let mut pairs: Vec<(String, String)> = vec![];
    let mut attachments = vec![];
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(c.refuse(e.status(), "attachments", e.body_text())),
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "attachment" {
            let filename = field.file_name().unwrap_or("").to_owned();
            let content_type = field.content_type().unwrap_or("application/octet-stream").to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| c.refuse(e.status(), "attachments", e.body_text()))?;
            if !filename.is_empty() && !bytes.is_empty() {
                attachments.push(AttachmentInput {
                    filename,
                    content_type,
                    content: bytes.to_vec(),
                });
            }
        } else {
            let value = field
                .text()
                .await
                .map_err(|e| c.refuse(e.status(), &name, e.body_text()))?;
            pairs.push((name, value));
        }
    }
    let csrf = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    if !crate::session::same(csrf, &c.csrf) {
        return Err(c.refuse(axum::http::StatusCode::FORBIDDEN, "csrf", c.tr.t("error-csrf")));
    }
    let encoded = serde_urlencoded::to_string(&pairs).map_err(|e| c.fail(Refusal::invalid("form", e.to_string())))?;
    let f: Compose =
        serde_urlencoded::from_str(&encoded).map_err(|e| c.fail(Refusal::invalid("form", e.to_string())))?;
    send_message(&s, c, f, attachments).await
}

async fn send_message(s: &AppState, c: Console, f: Compose, attachments: Vec<AttachmentInput>) -> PageResult {
    let deadline = deadline(&f.deadline);
    let input = message_input(MessageText {
        kind: &f.kind,
        priority: &f.priority,
        subject: f.subject.clone(),
        body: f.body.clone(),
        recipients: split(&f.recipients),
        handling: HandlingText {
            distribution: "all-members".into(),
            dissemination: f.dissemination.clone(),
            use_: "intelligence-only".into(),
            classification: f.classification.clone(),
        },
        deadline: deadline.as_deref(),
        links: split(&f.links),
        attachments,
    });
    let sent = match input {
        Ok(input) => concord_app::messages::send(&s.store, &c.ctx(), None, input).await,
        Err(e) => Err(e),
    };
    match sent {
        Ok(m) => Ok(see_other(&format!("/console/messages/{}", m.id))),
        Err(e @ (Refusal::Invalid { .. } | Refusal::Conflict(_) | Refusal::NotFound(_) | Refusal::Forbidden(_))) => {
            Ok(crate::render_refused(&ComposePage {
                authorities: c.authority_choices(s, None),
                page: c.page("msg-compose", "messages"),
                error: Some(crate::form_error(e)),
                form: f,
            }))
        }
        Err(e) => Err(c.fail(e)),
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct ThreadPage {
    page: Page,
    id: String,
    thread: Vec<Message>,
    can_acknowledge: bool,
}

pub async fn show(State(s): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let ctx = c.ctx();
    let m = s.store.get_message(&ctx, &id).await.map_err(|e| c.fail(e))?;
    let thread = s.store.thread(&ctx, &id).await.map_err(|e| c.fail(e))?;
    let me = c.caller.viewer.authority.to_string();
    let state = c.caller.viewer.state.as_ref().map(|st| format!("state:{st}"));
    let may_act = c
        .caller
        .viewer
        .roles
        .any(&[concord_domain::Role::Officer, concord_domain::Role::Supervisor]);
    let can_acknowledge = may_act
        && m.receipts.iter().any(|r| {
            (r.recipient == me || Some(&r.recipient) == state.as_ref())
                && matches!(r.delivery, Delivery::Sent | Delivery::Delivered)
        });
    Ok(render(&ThreadPage {
        page: c.page_titled(m.subject.clone(), "messages"),
        id,
        thread,
        can_acknowledge,
    }))
}

pub async fn acknowledge(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted(c, _): Posted<super::login::Empty>,
) -> PageResult {
    concord_app::messages::acknowledge(&s.store, &c.ctx(), &id)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/messages/{id}")))
}

#[derive(Deserialize)]
pub struct Reply {
    #[serde(default)]
    body: String,
    #[serde(default)]
    classification: String,
}

pub async fn reply(State(s): State<AppState>, Path(id): Path<String>, Posted(c, f): Posted<Reply>) -> PageResult {
    let ctx = c.ctx();
    let parent = s.store.get_message(&ctx, &id).await.map_err(|e| c.fail(e))?;
    let input = message_input(MessageText {
        kind: "message",
        priority: parent.priority.as_str(),
        subject: format!("Re: {}", parent.subject.trim_start_matches("Re: ")),
        body: f.body,
        recipients: vec![],
        handling: HandlingText {
            distribution: "all-members".into(),
            dissemination: parent.protected.handling.dissemination.to_string(),
            use_: parent.protected.handling.use_.to_string(),
            classification: if f.classification.is_empty() {
                parent.protected.handling.classification.to_string()
            } else {
                f.classification
            },
        },
        deadline: None,
        links: vec![],
        attachments: vec![],
    })
    .map_err(|e| c.fail(e))?;
    let m = concord_app::messages::send(&s.store, &ctx, Some(&id), input)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/messages/{}", m.id)))
}

#[derive(Deserialize)]
pub struct ForwardForm {
    #[serde(default)]
    recipients: String,
    #[serde(default)]
    note: String,
}

/// Forwards a message; one bound to its originator's consent waits for it.
pub async fn forward(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted(c, f): Posted<ForwardForm>,
) -> PageResult {
    let done = concord_app::messages::forward(&s.store, &c.ctx(), &id, &split(&f.recipients), &f.note)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(match done {
        concord_store::Forwarded::Sent(_) => see_other(&format!("/console/messages/{id}")),
        concord_store::Forwarded::AwaitingConsent(_) => see_other("/console/messages/forwards"),
    })
}

#[derive(Template)]
#[template(path = "forwards.html")]
struct ForwardsPage {
    page: Page,
    requests: Vec<concord_store::ForwardRequest>,
    me: String,
}

impl ForwardsPage {
    fn to_decide(&self, r: &concord_store::ForwardRequest) -> bool {
        r.originator == self.me && r.status == concord_domain::workflow::exchange::Forward::Pending
    }
}

pub async fn forwards(State(s): State<AppState>, c: Console) -> PageResult {
    let requests = s.store.forward_requests(&c.ctx()).await.map_err(|e| c.fail(e))?;
    Ok(render(&ForwardsPage {
        page: c.page("fwd-title", "messages"),
        requests,
        me: c.caller.viewer.authority.to_string(),
    }))
}

#[derive(Deserialize)]
pub struct ForwardDecision {
    #[serde(default)]
    grant: String,
    #[serde(default)]
    reason: String,
}

pub async fn decide_forward(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted(c, f): Posted<ForwardDecision>,
) -> PageResult {
    concord_app::messages::decide_forward(&s.store, &c.ctx(), &id, f.grant == "grant", &f.reason)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other("/console/messages/forwards"))
}
