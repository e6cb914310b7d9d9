//! The rules for the intelligence exchange: who may send, acknowledge and
//! forward, what a message must carry, to whom it may go, which records it may
//! link and which files it may attach. Pure: the application layer calls them
//! with what it read, the registry and the time, before the store writes.

use crate::access::{Policy, Protected, decide};
use crate::message::{Message, addressed};
use crate::rules::{Checked, Refused, require_role};
use crate::workflow::exchange::{MessageKind, Priority};
use crate::{Action, AuthorityId, Classification, Compliance, HandlingCode, Record, Registry, Role, Roles, StateCode};
use crate::{UserId, Viewer};
use std::collections::BTreeSet;
use time::{Date, OffsetDateTime};

/// The roles that send, acknowledge, forward and decide forwards.
pub const SENDERS: &[Role] = &[Role::Officer, Role::Supervisor];
/// The longest subject, in characters.
pub const MAX_SUBJECT: usize = 500;
/// The longest body, in bytes.
pub const MAX_BODY: usize = 100_000;
/// The largest attachment accepted.
pub const MAX_ATTACHMENT_BYTES: usize = 8 * 1024 * 1024;
/// The most attachments on one message.
pub const MAX_ATTACHMENTS: usize = 4;
/// Content types accepted for attachments.
pub const ATTACHMENT_TYPES: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "text/plain",
    "text/csv",
    "application/json",
];

/// An attachment as sent.
#[derive(Debug, Clone)]
pub struct AttachmentInput {
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

impl AttachmentInput {
    /// The declared content type without parameters, lower-case.
    pub fn media_type(&self) -> String {
        self.content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }
}

/// A new message or request.
#[derive(Debug, Clone)]
pub struct MessageInput {
    pub kind: MessageKind,
    pub priority: Priority,
    pub subject: String,
    pub body: String,
    /// Authority ids, or `state:CODE` for every authority of a state. A reply
    /// with none goes to the originator of the message it answers.
    pub recipients: Vec<String>,
    pub handling: HandlingCode,
    /// Requests only: when the answer is due.
    pub deadline: Option<OffsetDateTime>,
    /// Records of the shared database the message concerns.
    pub links: Vec<String>,
    pub attachments: Vec<AttachmentInput>,
}

/// Tells whether bytes are well-formed JSON: the domain knows no wire
/// format, so the application layer passes the exchange crate's parser.
pub type JsonCheck = fn(&[u8]) -> bool;

/// Whether `viewer` may take `what` ("sending messages") in the exchange.
pub fn check_sender(viewer: &Viewer, what: &str) -> Checked {
    require_role(viewer, SENDERS, what)
}

/// A message's own content as `viewer` sends it at `now`: subject and body
/// within bounds, within the sender's clearance, a deadline on requests and
/// only on them, and attachments that are what they claim, each once.
pub fn check_content(viewer: &Viewer, input: &MessageInput, now: OffsetDateTime, json: JsonCheck) -> Checked {
    let subject = input.subject.trim();
    if subject.is_empty() || subject.chars().count() > MAX_SUBJECT {
        return Err(Refused::invalid("subject", format!("1 to {MAX_SUBJECT} characters")));
    }
    if input.body.trim().is_empty() || input.body.len() > MAX_BODY {
        return Err(Refused::invalid("body", format!("1 to {MAX_BODY} bytes")));
    }
    if input.handling.classification > viewer.clearance {
        return Err(Refused::invalid("classification", "above the sender's own clearance"));
    }
    check_deadline("deadline", input.kind, input.deadline, Some(now))?;
    if input.attachments.len() > MAX_ATTACHMENTS {
        return Err(Refused::invalid(
            "attachments",
            format!("at most {MAX_ATTACHMENTS} attachments"),
        ));
    }
    let mut names = BTreeSet::new();
    for (i, a) in input.attachments.iter().enumerate() {
        check_attachment(i, a, json)?;
        if !names.insert(a.filename.as_str()) {
            return Err(Refused::invalid(
                format!("attachments[{i}].filename"),
                format!("{} is attached twice", a.filename),
            ));
        }
    }
    Ok(())
}

/// Requests, and only requests, carry a deadline; with `now`, it must be
/// after it (bulk seed data is written with its own past times).
pub fn check_deadline(
    field: &str,
    kind: MessageKind,
    deadline: Option<OffsetDateTime>,
    now: Option<OffsetDateTime>,
) -> Checked {
    match (kind, deadline) {
        (MessageKind::Request, None) => Err(Refused::invalid(field, "a request needs an answer deadline")),
        (MessageKind::Request, Some(d)) if now.is_some_and(|now| d <= now) => {
            Err(Refused::invalid(field, "the deadline must be in the future"))
        }
        (MessageKind::Message, Some(_)) => Err(Refused::invalid(field, "only requests carry an answer deadline")),
        _ => Ok(()),
    }
}

/// Checks an attachment's name and size, and its declared type against its bytes.
pub fn check_attachment(i: usize, a: &AttachmentInput, json: JsonCheck) -> Checked {
    let field = |f: &str| format!("attachments[{i}].{f}");
    if a.filename.trim().is_empty() || a.filename.contains(['/', '\\', '\0']) {
        return Err(Refused::invalid(field("filename"), "a plain file name is required"));
    }
    if a.content.is_empty() {
        return Err(Refused::invalid(field("content"), "the file is empty"));
    }
    if a.content.len() > MAX_ATTACHMENT_BYTES {
        return Err(Refused::invalid(
            field("content"),
            format!(
                "{} bytes is over the limit of {MAX_ATTACHMENT_BYTES} bytes",
                a.content.len()
            ),
        ));
    }
    let declared = a.media_type();
    let bytes = &a.content;
    let sniffed: Option<&str> = if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    };
    let ok = match declared.as_str() {
        "application/pdf" | "image/png" | "image/jpeg" => sniffed == Some(declared.as_str()),
        "text/plain" | "text/csv" => sniffed.is_none() && std::str::from_utf8(bytes).is_ok_and(|t| !t.contains('\0')),
        "application/json" => std::str::from_utf8(bytes).is_ok() && json(bytes),
        _ => {
            return Err(Refused::invalid(
                field("content_type"),
                format!(
                    "{declared:?} is not accepted; accepted: {}",
                    ATTACHMENT_TYPES.join(", ")
                ),
            ));
        }
    };
    if !ok {
        return Err(Refused::invalid(
            field("content_type"),
            format!(
                "the file is not {declared}{}",
                sniffed.map(|s| format!(": its bytes are {s}")).unwrap_or_default()
            ),
        ));
    }
    Ok(())
}

/// Addressees in `field`: at least one, each once, each in the registry, and
/// each allowed to read a message with `handling` today.
pub fn check_recipients(
    recipients: &[String],
    handling: &HandlingCode,
    field: &str,
    registry: &Registry,
    policy: &Policy,
    today: Date,
) -> Checked {
    if recipients.is_empty() {
        return Err(Refused::invalid(field, "at least one recipient is required"));
    }
    let mut seen = BTreeSet::new();
    for (i, r) in recipients.iter().enumerate() {
        let f = format!("{field}[{i}]");
        if !seen.insert(r) {
            return Err(Refused::invalid(f, format!("{r} is listed twice")));
        }
        let (authority, state) = match r.strip_prefix("state:") {
            Some(code) => {
                let code = StateCode::from(code);
                if !registry.states.contains_key(&code) {
                    return Err(Refused::invalid(f, format!("no state {code} in the registry")));
                }
                (AuthorityId::new(format!("state:{code}")), Some(code))
            }
            None => {
                let id = AuthorityId::from(r.as_str());
                let Some(a) = registry.authority(&id) else {
                    return Err(Refused::invalid(f, format!("no authority {r} in the registry")));
                };
                let state = a.state.clone();
                (id, state)
            }
        };
        // Would a cleared reader of that addressee be allowed to read it?
        let probe = Viewer {
            user: UserId::from("probe"),
            authority,
            state,
            roles: Roles::of([Role::Analyst]),
            clearance: Classification::Secret,
        };
        let item = Protected {
            originator: AuthorityId::from("\u{0}sender"),
            originator_state: None,
            handling: handling.clone(),
            compliance: Compliance::Approved,
            review_date: None,
            consented: BTreeSet::new(),
            archived: false,
        };
        let d = decide(&probe, &item, Action::Read, registry, policy, today);
        if !d.allowed {
            return Err(Refused::invalid(
                f,
                format!(
                    "{r} may not read a message distributed {}: {}",
                    handling.distribution, d.reason
                ),
            ));
        }
    }
    Ok(())
}

/// Link `i` of a message to `record`, which the sender may read: it may go
/// with the message if the sender may pass it on (its own authority's, or
/// dissemination allowed).
pub fn check_link(i: usize, record: &Record, pass_on: bool) -> Checked {
    if !pass_on {
        return Err(Refused::invalid(
            format!("links[{i}]"),
            format!("record {} travels only with its originator's consent", record.id),
        ));
    }
    Ok(())
}

/// A link to a record the sender may not read: named as if it did not exist.
pub fn unknown_link(i: usize, id: &str) -> Refused {
    Refused::invalid(format!("links[{i}]"), format!("no record {id} you may read"))
}

/// A step for an addressee (acknowledging): `m` must be addressed to the
/// viewer's authority or state.
pub fn check_addressed(viewer: &Viewer, m: &Message) -> Checked {
    if m.receipts.iter().any(|r| addressed(viewer, &r.recipient)) {
        Ok(())
    } else {
        Err(Refused::Conflict(format!(
            "message {} is not addressed to {}",
            m.id, viewer.authority
        )))
    }
}

/// A refusal of a forward request states why.
pub fn check_forward_decision(grant: bool, reason: &str) -> Checked {
    if grant {
        Ok(())
    } else {
        crate::rules::stated("reason", reason, "a refusal needs a reason")
    }
}

/// New addressees of a forward: none that already has the message.
pub fn check_forward_recipients<'a>(recipients: &[String], already: impl IntoIterator<Item = &'a str>) -> Checked {
    let already: BTreeSet<&str> = already.into_iter().collect();
    match recipients
        .iter()
        .enumerate()
        .find(|(_, r)| already.contains(r.as_str()))
    {
        Some((i, r)) => Err(Refused::invalid(
            format!("recipients[{i}]"),
            format!("{r} already has this message"),
        )),
        None => Ok(()),
    }
}

/// Which side of a forward request `viewer` is on: the originating authority
/// decides (with a sender's role), the requester may withdraw; anyone else is
/// told it does not exist (`Ok(None)`).
pub fn forward_side(viewer: &Viewer, originator: &str, requester: &str) -> Result<Option<bool>, Refused> {
    let own = viewer.authority.as_str() == originator;
    if !own && viewer.authority.as_str() != requester {
        return Ok(None);
    }
    if own {
        require_role(viewer, SENDERS, "deciding a forward")?;
    }
    Ok(Some(own))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, ty: &str, content: &[u8]) -> AttachmentInput {
        AttachmentInput {
            filename: name.into(),
            content_type: ty.into(),
            content: content.to_vec(),
        }
    }

    /// Stands in for the exchange crate's parser: these tests are about the
    /// rule consulting it, not about JSON.
    fn braces(b: &[u8]) -> bool {
        b.starts_with(b"{") && b.ends_with(b"}")
    }

    fn check_attachment(i: usize, a: &AttachmentInput) -> Checked {
        super::check_attachment(i, a, braces)
    }

    #[test]
    fn attachments_must_be_what_they_claim() {
        assert!(check_attachment(0, &file("a.pdf", "application/pdf", b"%PDF-1.7\n...")).is_ok());
        assert!(check_attachment(0, &file("a.txt", "text/plain; charset=utf-8", "Привет".as_bytes())).is_ok());
        assert!(check_attachment(0, &file("a.json", "application/json", b"{\"a\": 1}")).is_ok());
        let lying = check_attachment(2, &file("a.pdf", "application/pdf", b"\x89PNG\r\n\x1a\nxxxx"));
        let Err(Refused::Invalid(e)) = lying else {
            panic!("accepted a PNG as a PDF");
        };
        assert_eq!(e.field, "attachments[2].content_type");
        assert!(e.message.contains("image/png"), "{}", e.message);
        assert!(check_attachment(0, &file("a.txt", "text/plain", b"%PDF-1.4")).is_err());
        assert!(check_attachment(0, &file("a.txt", "text/plain", &[0xff, 0xfe, 0x00])).is_err());
        assert!(check_attachment(0, &file("a.json", "application/json", b"{\"a\": ")).is_err());
        assert!(check_attachment(0, &file("a.exe", "application/x-msdownload", b"MZ")).is_err());
        assert!(check_attachment(0, &file("../a.txt", "text/plain", b"x")).is_err());
        assert!(check_attachment(0, &file("a.txt", "text/plain", b"")).is_err());
        let big = vec![b'a'; MAX_ATTACHMENT_BYTES + 1];
        assert!(check_attachment(0, &file("a.txt", "text/plain", &big)).is_err());
    }

    #[test]
    fn deadlines_belong_to_requests_in_the_future() {
        let now = time::macros::datetime!(2026-01-01 09:00 UTC);
        let later = Some(now + time::Duration::hours(1));
        assert!(check_deadline("d", MessageKind::Request, later, Some(now)).is_ok());
        assert!(check_deadline("d", MessageKind::Request, None, Some(now)).is_err());
        assert!(check_deadline("d", MessageKind::Request, Some(now), Some(now)).is_err());
        assert!(check_deadline("d", MessageKind::Message, later, Some(now)).is_err());
        assert!(check_deadline("d", MessageKind::Message, None, Some(now)).is_ok());
        // Seed data keeps its past deadlines.
        assert!(check_deadline("d", MessageKind::Request, Some(now), None).is_ok());
    }

    #[test]
    fn forwards_are_decided_by_the_originator_and_seen_by_no_third_party() {
        let officer = |a: &str, role: Role| Viewer {
            user: UserId::from("u"),
            authority: AuthorityId::from(a),
            state: None,
            roles: Roles::of([role]),
            clearance: Classification::Secret,
        };
        assert_eq!(forward_side(&officer("kz", Role::Officer), "kz", "ru"), Ok(Some(true)));
        assert_eq!(forward_side(&officer("ru", Role::Analyst), "kz", "ru"), Ok(Some(false)));
        assert_eq!(forward_side(&officer("cn", Role::Supervisor), "kz", "ru"), Ok(None));
        assert!(matches!(
            forward_side(&officer("kz", Role::Analyst), "kz", "ru"),
            Err(Refused::Forbidden(_))
        ));
        assert!(check_forward_recipients(&["a".into(), "b".into()], ["b"]).is_err());
        assert!(check_forward_recipients(&["a".into()], ["b"]).is_ok());
    }
}
