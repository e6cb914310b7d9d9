//! The JSON shape of a record's facts: how the store keeps them in the
//! `body` column and version snapshots, and the shape the API accepts and
//! returns. Conversions name the field at fault.

use concord_domain::{
    Category, EventFacts, Facts, FieldError, Gender, Identifier, LegalBasis, Name, NameKind, PartialDate, Script,
    StateCode,
};
use serde::{Deserialize, Serialize};

/// A name as written.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NameDto {
    pub full: String,
    /// latin, cyrillic, han, arabic, devanagari, other; detected when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// primary (default), alias, former, transliteration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// A document or number.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IdentifierDto {
    pub scheme: String,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// An event's when and where.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EventDto {
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// `[latitude, longitude]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinates: Option<[f64; 2]>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributed_to: Vec<String>,
}

/// The facts of a record.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct FactsDto {
    #[serde(default)]
    pub names: Vec<NameDto>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<IdentifierDto>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_dates: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_place: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nationalities: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founded: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<EventDto>,
}

/// A legal basis.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LegalBasisDto {
    pub instrument: String,
    pub article: String,
    pub category: String,
}

fn err(field: String, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

fn parse_enum<T: std::str::FromStr<Err = concord_domain::ParseError>>(
    errors: &mut Vec<FieldError>,
    field: String,
    text: &str,
) -> Option<T> {
    text.parse()
        .map_err(|e: concord_domain::ParseError| errors.push(err(field, e.to_string())))
        .ok()
}

fn parse_date(errors: &mut Vec<FieldError>, field: String, text: &str) -> Option<PartialDate> {
    text.parse()
        .map_err(|e: concord_domain::record::DateError| errors.push(err(field, e.to_string())))
        .ok()
}

/// The domain facts, or every field that does not parse.
pub fn facts_from_dto(dto: &FactsDto) -> Result<Facts, Vec<FieldError>> {
    let mut e = Vec::new();
    let mut facts = Facts::default();
    for (i, n) in dto.names.iter().enumerate() {
        let script = match &n.script {
            Some(s) => parse_enum(&mut e, format!("names[{i}].script"), s),
            None => Some(Script::detect(&n.full)),
        };
        let kind = match &n.kind {
            Some(k) => parse_enum(&mut e, format!("names[{i}].kind"), k),
            None => Some(NameKind::Primary),
        };
        if let (Some(script), Some(kind)) = (script, kind) {
            facts.names.push(Name {
                full: n.full.trim().to_owned(),
                script,
                lang: n.lang.clone(),
                kind,
            });
        }
    }
    for id in &dto.identifiers {
        facts.identifiers.push(Identifier {
            scheme: id.scheme.trim().to_owned(),
            value: id.value.trim().to_owned(),
            state: id.state.as_deref().map(StateCode::from),
        });
    }
    for (i, d) in dto.birth_dates.iter().enumerate() {
        if let Some(d) = parse_date(&mut e, format!("birth_dates[{i}]"), d) {
            facts.birth_dates.push(d);
        }
    }
    facts.birth_place = dto.birth_place.clone();
    facts.nationalities = dto.nationalities.iter().map(|s| StateCode::from(s.as_str())).collect();
    facts.gender = dto
        .gender
        .as_deref()
        .and_then(|g| parse_enum::<Gender>(&mut e, "gender".into(), g));
    facts.founded = dto
        .founded
        .as_deref()
        .and_then(|d| parse_date(&mut e, "founded".into(), d));
    facts.places = dto.places.clone();
    if let Some(ev) = &dto.event
        && let Some(date) = parse_date(&mut e, "event.date".into(), &ev.date)
    {
        facts.event = Some(EventFacts {
            date,
            place: ev.place.clone(),
            coordinates: ev.coordinates.map(|[a, b]| (a, b)),
            attributed_to: ev.attributed_to.clone(),
        });
    }
    if e.is_empty() { Ok(facts) } else { Err(e) }
}

/// The JSON shape of domain facts.
pub fn facts_to_dto(f: &Facts) -> FactsDto {
    FactsDto {
        names: f
            .names
            .iter()
            .map(|n| NameDto {
                full: n.full.clone(),
                script: Some(n.script.to_string()),
                lang: n.lang.clone(),
                kind: Some(n.kind.to_string()),
            })
            .collect(),
        identifiers: f
            .identifiers
            .iter()
            .map(|i| IdentifierDto {
                scheme: i.scheme.clone(),
                value: i.value.clone(),
                state: i.state.as_ref().map(|s| s.to_string()),
            })
            .collect(),
        birth_dates: f.birth_dates.iter().map(|d| d.to_string()).collect(),
        birth_place: f.birth_place.clone(),
        nationalities: f.nationalities.iter().map(|s| s.to_string()).collect(),
        gender: f.gender.map(|g| g.to_string()),
        founded: f.founded.map(|d| d.to_string()),
        places: f.places.clone(),
        event: f.event.as_ref().map(|e| EventDto {
            date: e.date.to_string(),
            place: e.place.clone(),
            coordinates: e.coordinates.map(|(a, b)| [a, b]),
            attributed_to: e.attributed_to.clone(),
        }),
    }
}

/// The domain legal basis, or the field that does not parse.
pub fn legal_basis_from_dto(dto: &LegalBasisDto) -> Result<LegalBasis, Vec<FieldError>> {
    let mut e = Vec::new();
    let category = parse_enum::<Category>(&mut e, "legal_basis.category".into(), &dto.category);
    match category {
        Some(category) => Ok(LegalBasis {
            instrument: dto.instrument.clone(),
            article: dto.article.clone(),
            category,
        }),
        None => Err(e),
    }
}

/// The JSON shape of a legal basis.
pub fn legal_basis_to_dto(b: &LegalBasis) -> LegalBasisDto {
    LegalBasisDto {
        instrument: b.instrument.clone(),
        article: b.article.clone(),
        category: b.category.to_string(),
    }
}

/// Serializes facts for the `body` column.
pub fn facts_to_text(f: &Facts) -> String {
    serde_json::to_string(&facts_to_dto(f)).unwrap_or_else(|_| "{}".into())
}

/// Reads the `body` column.
pub fn facts_from_text(text: &str) -> Result<Facts, String> {
    let dto: FactsDto = serde_json::from_str(text).map_err(|e| e.to_string())?;
    facts_from_dto(&dto).map_err(|e| {
        e.iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// An identifier reduced for matching: letters and digits only, upper case.
pub fn normalize_identifier(value: &str) -> String {
    value
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}
