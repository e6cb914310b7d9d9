//! Mutual legal assistance and extradition: a request between the
//! prosecutors' offices of two states, with its kind, facts, offences with
//! the legal text of both states, persons, records and messages attached
//! as evidence, urgency and deadline. What the requested state needs before
//! a draft may be sent is [`missing`]; the workflow is
//! [`crate::workflow::legal_assistance`]. Requests go between the states'
//! central authorities, or directly between two border-area offices that
//! the registry joins by a channel, for the kinds [`direct_allowed`].

use crate::rules::Refused;
use crate::workflow::legal_assistance::{Ground, Side, Status};
use crate::{AuthorityId, Distribution, HandlingCode, Registry, StateCode, text_enum};
use std::collections::BTreeSet;
use time::Date;

/// The longest text field.
pub const TEXT_LIMIT: usize = 20_000;
/// The most offences, persons or attachments of one kind on a request.
pub const LIST_LIMIT: usize = 50;

text_enum! {
    /// What is asked.
    pub enum RequestKind as "request kind" {
        Investigation = "investigation",
        EvidenceCollection = "evidence-collection",
        ServiceOfDocuments = "service-of-documents",
        Arrest = "arrest",
        Extradition = "extradition",
        TransferOfProceeds = "transfer-of-proceeds",
    }
}

/// An offence, as the law of each state defines it (dual criminality).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offence {
    pub name: String,
    /// The legal text of the requesting state (article and wording).
    pub requesting_law: String,
    /// The corresponding legal text of the requested state.
    pub requested_law: String,
}

/// A request as drafted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalRequestInput {
    pub kind: RequestKind,
    pub requested_state: StateCode,
    /// The border-area office asked directly; `None` for the requested
    /// state's central authority.
    pub requested_office: Option<AuthorityId>,
    pub facts: String,
    /// What is asked, clearly: the measures sought.
    pub request: String,
    pub offences: Vec<Offence>,
    /// The persons concerned (names, identifiers), one per entry.
    pub persons: Vec<String>,
    /// Records and messages attached as evidence.
    pub records: Vec<String>,
    pub messages: Vec<String>,
    pub urgent: bool,
    pub deadline: Option<Date>,
    /// Classification, dissemination and use; the distribution is the two states.
    pub handling: HandlingCode,
}

/// A step in a request's trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestStep {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub state: Option<String>,
    pub action: String,
    pub detail: String,
}

/// A request for legal assistance or extradition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalRequest {
    pub id: String,
    /// The requesting office.
    pub originator: AuthorityId,
    pub requesting_state: StateCode,
    pub requested_state: StateCode,
    /// The border-area office asked directly; `None` for the central authority.
    pub requested_office: Option<AuthorityId>,
    pub kind: RequestKind,
    pub facts: String,
    pub request: String,
    pub offences: Vec<Offence>,
    pub persons: Vec<String>,
    /// Attachments the reader may follow.
    pub records: Vec<String>,
    pub messages: Vec<String>,
    pub urgent: bool,
    pub deadline: Option<Date>,
    pub status: Status,
    /// The grounds of a refusal.
    pub grounds: Vec<Ground>,
    pub handling: HandlingCode,
    pub sent_at: Option<String>,
    pub answered_at: Option<String>,
    pub timeline: Vec<RequestStep>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

impl LegalRequest {
    /// Past its deadline without an answer.
    pub fn overdue(&self, today: Date) -> bool {
        use crate::workflow::legal_assistance::Status::*;
        matches!(self.status, Sent | Received | InExecution | PartiallyExecuted)
            && self.deadline.is_some_and(|d| d < today)
    }

    /// Where `state` stands on the request.
    pub fn side_of(&self, state: Option<&StateCode>) -> Side {
        match state {
            Some(s) if *s == self.requesting_state => Side::Requesting,
            Some(s) if *s == self.requested_state => Side::Requested,
            _ => Side::Outside,
        }
    }
}

/// The kinds border-area offices exchange directly: gathering evidence and
/// serving documents. Coercive measures and proceeds (arrest,
/// extradition, transfer of proceeds) go between central authorities.
pub fn direct_allowed(kind: RequestKind) -> bool {
    matches!(
        kind,
        RequestKind::Investigation | RequestKind::EvidenceCollection | RequestKind::ServiceOfDocuments
    )
}

/// Whether `office` may act on `r` for the requested state: the office it
/// was addressed to, or, for one addressed to the state, any office of the
/// state's central authority (not a border-area office).
pub fn answers_for_requested(r: &LegalRequest, office: &AuthorityId, registry: &Registry) -> bool {
    match &r.requested_office {
        Some(named) => named == office,
        None => !registry.border_office(office),
    }
}

/// Checks the channel of a draft from `office`: a border-area office asks
/// only its partner offices, and only for [`direct_allowed`] kinds; a
/// central authority asks a state, or a border-area office never.
fn check_channel(input: &LegalRequestInput, office: &AuthorityId, registry: &Registry) -> Result<(), Refused> {
    let partners = registry.direct_partners(office);
    match &input.requested_office {
        None if partners.is_empty() => Ok(()),
        None => Err(Refused::invalid(
            "requested_office",
            format!(
                "{office} is a border-area office: it asks its partner offices directly ({}); requests to a state go through the central authority",
                partners.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )),
        Some(named) => {
            if !partners.contains(&named) {
                return Err(Refused::invalid(
                    "requested_office",
                    format!("{office} has no direct channel to {named}: the registry joins it to none such"),
                ));
            }
            if registry.authority(named).and_then(|a| a.state.as_ref()) != Some(&input.requested_state) {
                return Err(Refused::invalid(
                    "requested_office",
                    format!("{named} is not an office of {}", input.requested_state),
                ));
            }
            if !direct_allowed(input.kind) {
                return Err(Refused::invalid(
                    "kind",
                    format!(
                        "a request for {} goes between central authorities, not directly between border-area offices",
                        input.kind
                    ),
                ));
            }
            Ok(())
        }
    }
}

/// What the requested state needs that the draft lacks, in words; empty
/// when it may be sent.
pub fn missing(
    kind: RequestKind,
    facts: &str,
    request: &str,
    offences: &[Offence],
    persons: &[String],
    urgent: bool,
    deadline: Option<Date>,
) -> Vec<String> {
    let mut out = Vec::new();
    if facts.trim().is_empty() {
        out.push("the facts".to_owned());
    }
    if request.trim().is_empty() {
        out.push("a clear statement of what is asked".to_owned());
    }
    if offences.is_empty() {
        out.push("at least one offence with the legal text of both states".to_owned());
    }
    for (i, o) in offences.iter().enumerate() {
        if o.requesting_law.trim().is_empty() {
            out.push(format!("the requesting state's legal text for offence {}", i + 1));
        }
        if o.requested_law.trim().is_empty() {
            out.push(format!(
                "the requested state's legal text for offence {} (dual criminality)",
                i + 1
            ));
        }
    }
    if matches!(kind, RequestKind::Arrest | RequestKind::Extradition) && persons.is_empty() {
        out.push("the person sought".to_owned());
    }
    if urgent && deadline.is_none() {
        out.push("the deadline of an urgent request".to_owned());
    }
    out
}

fn bounded(field: &str, value: &str) -> Result<(), Refused> {
    if value.chars().count() > TEXT_LIMIT {
        return Err(Refused::invalid(field, format!("longer than {TEXT_LIMIT} characters")));
    }
    Ok(())
}

/// Checks a draft from `office` of `requesting` on `today` (it may be
/// incomplete, not wrong): a known requested state other than the
/// requester, a channel the registry allows, bounded texts and lists, a
/// deadline not past. Returns the handling code shared with the two states.
pub fn check_draft(
    input: &LegalRequestInput,
    requesting: &StateCode,
    office: &AuthorityId,
    registry: &Registry,
    today: Date,
) -> Result<HandlingCode, Refused> {
    if !registry.states.contains_key(&input.requested_state) {
        return Err(Refused::invalid(
            "requested_state",
            format!("{} is not a state of the registry", input.requested_state),
        ));
    }
    if input.requested_state == *requesting {
        return Err(Refused::invalid(
            "requested_state",
            "a request goes to another state, not to the requesting state itself",
        ));
    }
    check_channel(input, office, registry)?;
    bounded("facts", &input.facts)?;
    bounded("request", &input.request)?;
    for (name, len) in [
        ("offences", input.offences.len()),
        ("persons", input.persons.len()),
        ("records", input.records.len()),
        ("messages", input.messages.len()),
    ] {
        if len > LIST_LIMIT {
            return Err(Refused::invalid(name, format!("more than {LIST_LIMIT}")));
        }
    }
    for (i, o) in input.offences.iter().enumerate() {
        if o.name.trim().is_empty() {
            return Err(Refused::invalid(format!("offences[{i}].name"), "must not be empty"));
        }
        bounded(&format!("offences[{i}].requesting_law"), &o.requesting_law)?;
        bounded(&format!("offences[{i}].requested_law"), &o.requested_law)?;
    }
    for (i, p) in input.persons.iter().enumerate() {
        if p.trim().is_empty() {
            return Err(Refused::invalid(format!("persons[{i}]"), "must not be empty"));
        }
        bounded(&format!("persons[{i}]"), p)?;
    }
    if let Some(d) = input.deadline
        && d < today
    {
        return Err(Refused::invalid("deadline", format!("{d} is past")));
    }
    let states: BTreeSet<StateCode> = [requesting.clone(), input.requested_state.clone()].into();
    Ok(HandlingCode {
        distribution: Distribution::States(states),
        ..input.handling.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offence(a: &str, b: &str) -> Offence {
        Offence {
            name: "drug trafficking".into(),
            requesting_law: a.into(),
            requested_law: b.into(),
        }
    }

    #[test]
    fn what_a_draft_lacks_is_said_in_words() {
        let m = missing(RequestKind::Extradition, "", "", &[], &[], true, None);
        assert_eq!(m.len(), 5, "{m:?}");
        let m = missing(
            RequestKind::EvidenceCollection,
            "facts",
            "bank records of account 1",
            &[offence("art. 228", "")],
            &[],
            false,
            None,
        );
        assert_eq!(
            m,
            vec!["the requested state's legal text for offence 1 (dual criminality)".to_owned()]
        );
        assert!(
            missing(
                RequestKind::Arrest,
                "f",
                "r",
                &[offence("a", "b")],
                &["X".into()],
                false,
                None
            )
            .is_empty()
        );
    }
}
