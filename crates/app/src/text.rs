//! Commands read from text fields, the same for every edge: the JSON API's
//! bodies and the console's forms both hold handling codes, kinds and dates
//! as text, and both name a bad field alike (`facts.names[0]`,
//! `handling.classification`, `review_date`).

use crate::{Refusal, Result};
use concord_domain::designation_rules::ProposalInput;
use concord_domain::message_rules::{AttachmentInput, MessageInput};
use concord_domain::record::FieldError;
use concord_domain::workflow::designation::{ActKind, Criteria, Direction};
use concord_domain::workflow::exchange::{MessageKind, Priority};
use concord_domain::{Category, LegalBasis};
use concord_domain::{
    Classification, Dissemination, Distribution, HandlingCode, ParseError, RecordInput, RecordKind, Use,
};
use concord_exchange::ImportDefaults;
use concord_store::ImportFailure;
use concord_store::codec::{FactsDto, LegalBasisDto, facts_from_dto, legal_basis_from_dto};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// A handling code as four texts.
#[derive(Debug, Clone, Default)]
pub struct HandlingText {
    /// `all-members`, `structure-only`, `originator-only` or `states:CN,KZ`.
    pub distribution: String,
    /// `free` or `originator-consent`.
    pub dissemination: String,
    /// `intelligence-only` or `evidence`.
    pub use_: String,
    /// `unclassified`, `restricted`, `confidential` or `secret`.
    pub classification: String,
}

/// A record's content as texts.
#[derive(Debug, Clone)]
pub struct RecordText<'a> {
    pub kind: &'a str,
    pub facts: &'a FactsDto,
    pub legal_basis: &'a LegalBasisDto,
    pub evidence: &'a str,
    pub handling: &'a HandlingText,
    /// YYYY-MM-DD.
    pub review_date: &'a str,
}

/// A value of a domain enumeration in field `name`.
pub fn field<T: std::str::FromStr<Err = ParseError>>(name: &str, text: &str) -> Result<T> {
    text.parse()
        .map_err(|e: ParseError| Refusal::invalid(name, e.to_string()))
}

/// A calendar date, YYYY-MM-DD, in field `name`.
pub fn date(name: &str, text: &str) -> Result<Date> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| Refusal::invalid(name, format!("{text:?} is not a date in the form YYYY-MM-DD")))
}

/// A handling code, its fields named under `handling.`.
pub fn handling(h: &HandlingText) -> Result<HandlingCode> {
    Ok(HandlingCode {
        distribution: field::<Distribution>("handling.distribution", &h.distribution)?,
        dissemination: field::<Dissemination>("handling.dissemination", &h.dissemination)?,
        use_: field::<Use>("handling.use", &h.use_)?,
        classification: field::<Classification>("handling.classification", &h.classification)?,
    })
}

fn first_error(prefix: &str, errors: Vec<FieldError>) -> Refusal {
    match errors.into_iter().next() {
        Some(e) => Refusal::invalid(format!("{prefix}{}", e.field), e.message),
        None => Refusal::invalid(prefix.trim_end_matches('.'), "invalid"),
    }
}

/// A record's content, read as [`crate::records::create`] takes it.
pub fn record_input(t: &RecordText<'_>) -> Result<RecordInput> {
    Ok(RecordInput {
        kind: field::<RecordKind>("kind", t.kind)?,
        facts: facts_from_dto(t.facts).map_err(|e| first_error("facts.", e))?,
        legal_basis: legal_basis_from_dto(t.legal_basis).map_err(|e| first_error("", e))?,
        evidence: t.evidence.trim().to_owned(),
        handling: handling(t.handling)?,
        review_date: date("review_date", t.review_date)?,
        source_id: None,
    })
}

/// A refusal about a record's content, its field named from the root of a
/// request that holds the record's texts: the domain's rules name facts
/// fields without their `facts.` prefix.
pub fn from_record_root(e: Refusal) -> Refusal {
    const FACTS: &[&str] = &[
        "names",
        "identifiers",
        "nationalities",
        "birth_dates",
        "gender",
        "event",
    ];
    match e {
        Refusal::Invalid { field, message } if FACTS.iter().any(|f| field.starts_with(f)) => {
            Refusal::invalid(format!("facts.{field}"), message)
        }
        other => other,
    }
}

/// A refusal about a part nested under `prefix` (`organization`, `record`).
pub fn nested(prefix: &str, e: Refusal) -> Refusal {
    match e {
        Refusal::Invalid { field, message } => Refusal::invalid(format!("{prefix}.{field}"), message),
        other => other,
    }
}

/// A proposal for the unified list as texts (a new organization, if any, is
/// read first with [`record_input`]).
#[derive(Debug, Clone)]
pub struct ProposalText<'a> {
    /// `listing` or `delisting`.
    pub direction: &'a str,
    pub record_id: String,
    pub new_organization: Option<RecordInput>,
    pub instrument: String,
    pub article: String,
    pub evidence: String,
    /// `terrorism`, `separatism` or `extremism`; blank for none.
    pub act_kind: Option<&'a str>,
    pub acts: String,
    pub when: String,
    pub place: String,
    pub attribution: String,
}

/// A proposal, read as [`crate::designations::propose`] takes it: the legal
/// basis's category follows the act's kind.
pub fn proposal_input(t: ProposalText<'_>) -> Result<ProposalInput> {
    let act_kind = t
        .act_kind
        .filter(|k| !k.trim().is_empty())
        .map(|k| field::<ActKind>("criteria.act_kind", k))
        .transpose()?;
    let category = act_kind
        .and_then(|k| k.as_str().parse::<Category>().ok())
        .unwrap_or(Category::Terrorism);
    Ok(ProposalInput {
        direction: field::<Direction>("direction", t.direction)?,
        record_id: t.record_id,
        new_organization: t.new_organization,
        legal_basis: LegalBasis {
            instrument: t.instrument,
            article: t.article,
            category,
        },
        evidence: t.evidence,
        criteria: Criteria {
            act_kind,
            acts: t.acts,
            when: t.when,
            place: t.place,
            attribution: t.attribution,
        },
    })
}

/// What an import applies to every record of a file, as texts; a setting
/// left out takes its default (all members, free, intelligence only,
/// restricted, reviewed a year from today).
#[derive(Debug, Clone, Default)]
pub struct ImportText<'a> {
    pub instrument: &'a str,
    pub article: &'a str,
    pub category: &'a str,
    pub distribution: Option<&'a str>,
    pub dissemination: Option<&'a str>,
    pub use_: Option<&'a str>,
    pub classification: Option<&'a str>,
    /// YYYY-MM-DD.
    pub review_date: Option<&'a str>,
    /// For records whose file gives none.
    pub evidence: Option<String>,
}

/// An import's defaults, each refusal naming its setting.
pub fn import_defaults(t: ImportText<'_>, today: Date) -> Result<ImportDefaults> {
    Ok(ImportDefaults {
        legal_basis: LegalBasis {
            instrument: t.instrument.to_owned(),
            article: t.article.to_owned(),
            category: field::<Category>("category", t.category)?,
        },
        handling: HandlingCode {
            distribution: field::<Distribution>("distribution", t.distribution.unwrap_or("all-members"))?,
            dissemination: field::<Dissemination>("dissemination", t.dissemination.unwrap_or("free"))?,
            use_: field::<Use>("use", t.use_.unwrap_or("intelligence-only"))?,
            classification: field::<Classification>("classification", t.classification.unwrap_or("restricted"))?,
        },
        review_date: match t.review_date {
            Some(d) => date("review_date", d)?,
            None => today + time::Duration::days(365),
        },
        evidence: t.evidence,
    })
}

/// A failed import as a refusal: the line and field at fault, and that
/// nothing was written.
pub fn import_refusal(e: ImportFailure) -> Refusal {
    match e {
        ImportFailure::Input(e) => Refusal::invalid(
            e.field.clone(),
            format!("line {}: {}; nothing was imported", e.line, e.message),
        ),
        ImportFailure::Store(e) => e.into(),
    }
}

/// A message or request as texts; attachments already as bytes.
#[derive(Debug, Clone)]
pub struct MessageText<'a> {
    /// `message` or `request`.
    pub kind: &'a str,
    /// `routine`, `priority` or `urgent`.
    pub priority: &'a str,
    pub subject: String,
    pub body: String,
    pub recipients: Vec<String>,
    pub handling: HandlingText,
    /// RFC 3339, requests only.
    pub deadline: Option<&'a str>,
    pub links: Vec<String>,
    pub attachments: Vec<AttachmentInput>,
}

/// A message, read as [`crate::messages::send`] takes it.
pub fn message_input(t: MessageText<'_>) -> Result<MessageInput> {
    let deadline = t
        .deadline
        .map(|d| {
            OffsetDateTime::parse(d, &Rfc3339)
                .map_err(|_| Refusal::invalid("deadline", format!("{d:?} is not an RFC 3339 time")))
        })
        .transpose()?;
    Ok(MessageInput {
        kind: field::<MessageKind>("kind", t.kind)?,
        priority: field::<Priority>("priority", t.priority)?,
        subject: t.subject,
        body: t.body,
        recipients: t.recipients,
        handling: handling(&t.handling)?,
        deadline,
        links: t.links,
        attachments: t.attachments,
    })
}

/// A transit leg as texts.
#[derive(Debug, Clone, Default)]
pub struct TransitText {
    pub state: String,
    pub point_of_entry: String,
}

/// A pre-export notification as texts.
#[derive(Debug, Clone, Default)]
pub struct NotificationText {
    pub importing_state: String,
    pub exporter: String,
    pub importer: String,
    pub consignee: String,
    pub substance: String,
    pub quantity: String,
    pub unit: String,
    pub transit: Vec<TransitText>,
    pub point_of_entry: String,
    /// YYYY-MM-DD.
    pub planned_export: String,
    /// Classification, dissemination and use; the distribution is the route's.
    pub handling: HandlingText,
}

/// A handling code whose distribution the use case sets: an empty
/// distribution text stands for the route's states.
fn routed_handling(h: &HandlingText) -> Result<HandlingCode> {
    let mut h = h.clone();
    if h.distribution.trim().is_empty() {
        h.distribution = "originator-only".into();
    }
    handling(&h)
}

fn state_code(name: &str, text: &str) -> Result<concord_domain::StateCode> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Refusal::invalid(name, "a state code is needed"));
    }
    Ok(concord_domain::StateCode::from(t.to_ascii_uppercase().as_str()))
}

/// A pre-export notification, read as [`crate::precursors::notify`] takes it.
pub fn notification_input(t: &NotificationText) -> Result<concord_domain::precursor::NotificationInput> {
    Ok(concord_domain::precursor::NotificationInput {
        importing_state: state_code("importing_state", &t.importing_state)?,
        exporter: t.exporter.clone(),
        importer: t.importer.clone(),
        consignee: t.consignee.clone(),
        substance: t.substance.trim().to_owned(),
        quantity: t.quantity.clone(),
        unit: t.unit.clone(),
        transit: t
            .transit
            .iter()
            .enumerate()
            .map(|(i, l)| {
                Ok(concord_domain::precursor::TransitLeg {
                    state: state_code(&format!("transit[{i}].state"), &l.state)?,
                    point_of_entry: l.point_of_entry.clone(),
                })
            })
            .collect::<Result<_>>()?,
        point_of_entry: t.point_of_entry.clone(),
        planned_export: date("planned_export", &t.planned_export)?,
        handling: routed_handling(&t.handling)?,
    })
}

/// An incident report as texts.
#[derive(Debug, Clone, Default)]
pub struct IncidentText {
    /// `seizure`, `stopped-shipment` or `suspicious-order`.
    pub kind: String,
    /// YYYY-MM-DD.
    pub occurred_on: String,
    pub place: String,
    pub description: String,
    pub substance: Option<String>,
    pub quantity: Option<String>,
    pub unit: Option<String>,
    pub notification: Option<String>,
    pub records: Vec<String>,
    pub messages: Vec<String>,
    /// Linked to a notification, the distribution is the notification's.
    pub handling: HandlingText,
}

fn given(v: &Option<String>) -> Option<String> {
    v.as_ref().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// An incident, read as [`crate::precursors::report_incident`] takes it.
pub fn incident_input(t: &IncidentText) -> Result<concord_domain::precursor::IncidentInput> {
    let notification = given(&t.notification);
    let handling = if notification.is_some() {
        routed_handling(&t.handling)?
    } else {
        handling(&t.handling)?
    };
    Ok(concord_domain::precursor::IncidentInput {
        kind: field("kind", &t.kind)?,
        occurred_on: date("occurred_on", &t.occurred_on)?,
        place: t.place.clone(),
        description: t.description.clone(),
        substance: given(&t.substance),
        quantity: given(&t.quantity),
        unit: given(&t.unit),
        notification,
        records: t
            .records
            .iter()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect(),
        messages: t
            .messages
            .iter()
            .map(|m| m.trim().to_owned())
            .filter(|m| !m.is_empty())
            .collect(),
        handling,
    })
}
