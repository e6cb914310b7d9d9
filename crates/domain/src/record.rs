//! What the shared database holds about a person, organization, document,
//! vehicle or event, and the rules a record must satisfy before it is stored
//! and before it is approved.

use crate::{HandlingCode, Protected, Registry, StateCode, text_enum};
use std::fmt;
use std::str::FromStr;
use time::Date;

text_enum! {
    /// What a record describes.
    pub enum RecordKind as "record kind" {
        Person = "person",
        Organization = "organization",
        Document = "document",
        Vehicle = "vehicle",
        Event = "event",
    }
}

text_enum! {
    /// The offence category of a record's legal basis.
    pub enum Category as "category" {
        Terrorism = "terrorism",
        Separatism = "separatism",
        Extremism = "extremism",
        DrugTrafficking = "drug-trafficking",
        ArmsTrafficking = "arms-trafficking",
        OrganizedCrime = "organized-crime",
        Cyber = "cyber",
    }
}

text_enum! {
    /// The writing system of a name.
    pub enum Script as "script" {
        Latin = "latin",
        Cyrillic = "cyrillic",
        Han = "han",
        Arabic = "arabic",
        Devanagari = "devanagari",
        Other = "other",
    }
}

impl Script {
    /// The script most letters of `text` are written in.
    pub fn detect(text: &str) -> Script {
        let mut counts = [0usize; 6];
        for c in text.chars().filter(|c| c.is_alphabetic()) {
            let s = match c as u32 {
                0x0041..=0x024F | 0x1E00..=0x1EFF => Script::Latin,
                0x0400..=0x052F => Script::Cyrillic,
                0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F => Script::Han,
                0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
                    Script::Arabic
                }
                0x0900..=0x097F => Script::Devanagari,
                _ => Script::Other,
            };
            counts[s as usize] += 1;
        }
        let (best, n) = counts
            .iter()
            .enumerate()
            .max_by_key(|(i, n)| (**n, usize::MAX - i))
            .unwrap_or((5, &0));
        if *n == 0 { Script::Other } else { Script::ALL[best] }
    }
}

text_enum! {
    /// The role of a name in a record.
    pub enum NameKind as "name kind" {
        Primary = "primary",
        Alias = "alias",
        Former = "former",
        Transliteration = "transliteration",
    }
}

text_enum! {
    /// A person's gender as recorded.
    pub enum Gender as "gender" {
        Female = "female",
        Male = "male",
        Other = "other",
    }
}

text_enum! {
    /// How two records are related.
    pub enum RelationKind as "relationship kind" {
        MemberOf = "member-of",
        LeaderOf = "leader-of",
        Associate = "associate",
        Financer = "financer",
        Family = "family",
    }
}

text_enum! {
    /// Where a record stands in its life.
    pub enum RecordStatus as "record status" {
        /// In use and shared as its handling code allows.
        Active = "active",
        /// Archived at review: kept for the originator only.
        Archived = "archived",
        /// Erased by a data-protection decision: only a tombstone remains.
        Deleted = "deleted",
    }
}

/// A name as written, with its script, language and role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// The name as the source writes it.
    pub full: String,
    /// Its script (detected when not given).
    pub script: Script,
    /// ISO 639-1 language code, if known ("ru", "kk", "zh", "ur").
    pub lang: Option<String>,
    /// Primary, alias, former or transliteration.
    pub kind: NameKind,
}

/// A date that may lack its day or month: "1985", "1985-03", "1985-03-12".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// A partial date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")]
pub struct DateError(pub String);

impl FromStr for PartialDate {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, DateError> {
        let err = || DateError(s.to_owned());
        let mut parts = s.split('-');
        let year: i32 = parts
            .next()
            .filter(|y| y.len() == 4)
            .and_then(|y| y.parse().ok())
            .ok_or_else(err)?;
        let month: Option<u8> = match parts.next() {
            Some(m) if m.len() == 2 => Some(m.parse().map_err(|_| err())?),
            Some(_) => return Err(err()),
            None => None,
        };
        let day: Option<u8> = match parts.next() {
            Some(d) if d.len() == 2 => Some(d.parse().map_err(|_| err())?),
            Some(_) => return Err(err()),
            None => None,
        };
        if parts.next().is_some() || !(1000..=2999).contains(&year) {
            return Err(err());
        }
        if let Some(m) = month {
            let m = time::Month::try_from(m).map_err(|_| err())?;
            if let Some(d) = day
                && (d == 0 || d > m.length(year))
            {
                return Err(err());
            }
        }
        Ok(PartialDate { year, month, day })
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

/// An identity document or number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifier {
    /// `passport`, `national-id`, `registration`, `vin`, `plate`, ...
    pub scheme: String,
    /// The number as written.
    pub value: String,
    /// The issuing state, if known.
    pub state: Option<StateCode>,
}

/// Where and when an event took place.
#[derive(Debug, Clone, PartialEq)]
pub struct EventFacts {
    /// When.
    pub date: PartialDate,
    /// Where, in words.
    pub place: Option<String>,
    /// Latitude and longitude, in degrees.
    pub coordinates: Option<(f64, f64)>,
    /// Records the event is attributed to.
    pub attributed_to: Vec<String>,
}

/// The legal basis a record rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalBasis {
    /// An instrument id from the registry.
    pub instrument: String,
    /// An article of that instrument.
    pub article: String,
    /// The offence category.
    pub category: Category,
}

/// The facts of a record; which apply depends on its kind.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facts {
    /// Names and aliases in their scripts; the first primary one is the title.
    pub names: Vec<Name>,
    /// Documents and numbers.
    pub identifiers: Vec<Identifier>,
    /// Persons: birth dates, possibly partial (several when sources differ).
    pub birth_dates: Vec<PartialDate>,
    /// Persons: place of birth.
    pub birth_place: Option<String>,
    /// Persons: nationalities.
    pub nationalities: Vec<StateCode>,
    /// Persons: gender.
    pub gender: Option<Gender>,
    /// Organizations: founding date.
    pub founded: Option<PartialDate>,
    /// Places of residence (persons) or of activity (organizations).
    pub places: Vec<String>,
    /// Events: when, where, by whom.
    pub event: Option<EventFacts>,
}

impl Facts {
    /// The display name: the first primary name, or the first name.
    pub fn title(&self) -> Option<&str> {
        self.names
            .iter()
            .find(|n| n.kind == NameKind::Primary)
            .or_else(|| self.names.first())
            .map(|n| n.full.as_str())
    }
}

/// A rule a record breaks, with the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field (`names[1].full`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl FieldError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The least an evidence summary must say, in characters.
pub const MIN_EVIDENCE: usize = 20;

/// Checks a record's content against the registry before it is stored.
pub fn validate(
    kind: RecordKind,
    facts: &Facts,
    basis: &LegalBasis,
    evidence: &str,
    registry: &Registry,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if facts.names.is_empty() && kind != RecordKind::Event {
        errors.push(FieldError::new("names", "at least one name is required"));
    }
    for (i, n) in facts.names.iter().enumerate() {
        let len = n.full.trim().chars().count();
        if len == 0 || len > 300 {
            errors.push(FieldError::new(
                format!("names[{i}].full"),
                "must be 1 to 300 characters",
            ));
        }
        if n.full.chars().any(char::is_control) {
            errors.push(FieldError::new(
                format!("names[{i}].full"),
                "must not contain control characters",
            ));
        }
    }
    for (i, id) in facts.identifiers.iter().enumerate() {
        if id.value.trim().is_empty() || id.value.chars().count() > 100 {
            errors.push(FieldError::new(
                format!("identifiers[{i}].value"),
                "must be 1 to 100 characters",
            ));
        }
        if id.scheme.trim().is_empty() {
            errors.push(FieldError::new(format!("identifiers[{i}].scheme"), "must not be empty"));
        }
        if let Some(s) = &id.state
            && !registry.states.contains_key(s)
        {
            errors.push(FieldError::new(
                format!("identifiers[{i}].state"),
                format!("unknown state {:?}", s.as_str()),
            ));
        }
    }
    for (i, s) in facts.nationalities.iter().enumerate() {
        if !registry.states.contains_key(s) {
            errors.push(FieldError::new(
                format!("nationalities[{i}]"),
                format!("unknown state {:?}", s.as_str()),
            ));
        }
    }
    if kind != RecordKind::Person {
        if !facts.birth_dates.is_empty() {
            errors.push(FieldError::new("birth_dates", format!("a {kind} has no birth date")));
        }
        if facts.gender.is_some() {
            errors.push(FieldError::new("gender", format!("a {kind} has no gender")));
        }
    }
    if kind == RecordKind::Event {
        match &facts.event {
            None => errors.push(FieldError::new("event", "an event needs its date")),
            Some(e) => {
                if let Some((lat, lon)) = e.coordinates
                    && (!(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon))
                {
                    errors.push(FieldError::new(
                        "event.coordinates",
                        "latitude must be within ±90 and longitude within ±180",
                    ));
                }
            }
        }
    } else if facts.event.is_some() {
        errors.push(FieldError::new("event", format!("a {kind} is not an event")));
    }
    errors.extend(validate_basis(basis, evidence, registry));
    errors
}

/// Checks a legal basis (instrument and article from the registry) and an
/// evidence summary; records and designation proposals share these rules.
pub fn validate_basis(basis: &LegalBasis, evidence: &str, registry: &Registry) -> Vec<FieldError> {
    let mut errors = Vec::new();
    match registry.instruments.get(&basis.instrument) {
        None => errors.push(FieldError::new(
            "legal_basis.instrument",
            format!("unknown instrument {:?}", basis.instrument),
        )),
        Some(ins) if !ins.articles.iter().any(|a| a.number == basis.article) => errors.push(FieldError::new(
            "legal_basis.article",
            format!("{:?} has no article {:?}", basis.instrument, basis.article),
        )),
        Some(_) => {}
    }
    if evidence.trim().chars().count() < MIN_EVIDENCE {
        errors.push(FieldError::new(
            "evidence",
            format!("describe the act in at least {MIN_EVIDENCE} characters"),
        ));
    }
    errors
}

/// The compliance checklist a supervisor answers before approving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Checklist {
    /// The evidence summary describes a criminal act.
    pub criminal_act_described: bool,
    /// The legal basis cites an article that covers the act.
    pub legal_basis_cites_article: bool,
    /// The record does not rest on political, religious, ethnic or racial grounds alone.
    pub not_on_protected_grounds_alone: bool,
}

impl Checklist {
    /// The unticked items, by name; approval needs none.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if !self.criminal_act_described {
            m.push("criminal_act_described");
        }
        if !self.legal_basis_cites_article {
            m.push("legal_basis_cites_article");
        }
        if !self.not_on_protected_grounds_alone {
            m.push("not_on_protected_grounds_alone");
        }
        m
    }
}

/// A stored record.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Its id.
    pub id: String,
    /// What it describes.
    pub kind: RecordKind,
    /// Its display name (the primary name).
    pub title: String,
    /// Names, identifiers, dates, places.
    pub facts: Facts,
    /// The instrument, article and category it rests on.
    pub legal_basis: LegalBasis,
    /// The act, summarized.
    pub evidence: String,
    /// What the access decision reads.
    pub protected: Protected,
    /// Active, archived or deleted.
    pub status: RecordStatus,
    /// The reasons given with the last compliance decision.
    pub compliance_note: Option<String>,
    /// The id in the file it was imported from, if any.
    pub source_id: Option<String>,
    /// Incremented by every change.
    pub version: i64,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// When it last changed (RFC 3339).
    pub updated_at: String,
}

/// The content of a record, to create or replace.
#[derive(Debug, Clone)]
pub struct RecordInput {
    pub kind: RecordKind,
    pub facts: Facts,
    pub legal_basis: LegalBasis,
    pub evidence: String,
    pub handling: HandlingCode,
    pub review_date: Date,
    /// The id in an imported file: re-importing it updates the same record.
    pub source_id: Option<String>,
}

/// A relationship between two records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    pub id: String,
    /// The subject: the member, the leader, the financer.
    pub from: String,
    /// The object: the organization led, financed, joined.
    pub to: String,
    pub kind: RelationKind,
    pub since: Option<Date>,
    pub until: Option<Date>,
    /// Where the link is known from.
    pub source: String,
    /// The authority that recorded it.
    pub originator: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_parse_strictly() {
        assert_eq!("1985".parse::<PartialDate>().map(|d| d.to_string()), Ok("1985".into()));
        assert_eq!(
            "1985-03".parse::<PartialDate>().map(|d| d.to_string()),
            Ok("1985-03".into())
        );
        assert_eq!(
            "2000-02-29".parse::<PartialDate>().map(|d| d.to_string()),
            Ok("2000-02-29".into())
        );
        for bad in [
            "1985-13-40",
            "1985-13",
            "1900-02-29",
            "85",
            "1985-3",
            "1985-03-1",
            "1985-03-12-01",
            "",
            "abcd",
        ] {
            assert!(bad.parse::<PartialDate>().is_err(), "{bad}");
        }
    }

    #[test]
    fn scripts_are_detected_by_their_letters() {
        assert_eq!(Script::detect("Иван Петров"), Script::Cyrillic);
        assert_eq!(Script::detect("王建国"), Script::Han);
        assert_eq!(Script::detect("محمد علی"), Script::Arabic);
        assert_eq!(Script::detect("राम शर्मा"), Script::Devanagari);
        assert_eq!(Script::detect("Oʻtkir Hoshimov"), Script::Latin);
        assert_eq!(Script::detect("123 -"), Script::Other);
    }

    #[test]
    fn the_checklist_names_what_is_missing() {
        let c = Checklist {
            criminal_act_described: true,
            ..Default::default()
        };
        assert_eq!(
            c.missing(),
            ["legal_basis_cites_article", "not_on_protected_grounds_alone"]
        );
    }
}
