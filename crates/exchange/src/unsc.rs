//! The UN Security Council consolidated list XML (`CONSOLIDATED_LIST` with
//! `INDIVIDUALS/INDIVIDUAL` and `ENTITIES/ENTITY`), imported with aliases,
//! dates of birth, nationalities and documents. The list is small (about a
//! thousand entries), so it is read whole; errors name the entry by its
//! position and `DATAID`.

use crate::ImportDefaults;
use concord_domain::{Facts, Identifier, Name, NameKind, PartialDate, RecordKind, Script, StateCode};
use concord_domain::{ImportError, ImportItem, RecordInput};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
struct List {
    #[serde(default)]
    individuals: Individuals,
    #[serde(default)]
    entities: Entities,
}

#[derive(Debug, Deserialize, Default)]
struct Individuals {
    #[serde(rename = "INDIVIDUAL", default)]
    items: Vec<Entry>,
}

#[derive(Debug, Deserialize, Default)]
struct Entities {
    #[serde(rename = "ENTITY", default)]
    items: Vec<Entry>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
struct Entry {
    dataid: String,
    first_name: String,
    second_name: String,
    third_name: String,
    fourth_name: String,
    name_original_script: String,
    comments1: String,
    reference_number: String,
    nationality: Option<Values>,
    #[serde(rename = "INDIVIDUAL_ALIAS", alias = "ENTITY_ALIAS")]
    aliases: Vec<Alias>,
    individual_date_of_birth: Vec<Birth>,
    individual_document: Vec<Document>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
struct Values {
    value: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
struct Alias {
    quality: String,
    alias_name: String,
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
struct Birth {
    date: String,
    year: String,
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
struct Document {
    type_of_document: String,
    number: String,
    issuing_country: String,
}

/// Reads a consolidated list. `countries` maps lower-case English country
/// names to state codes; nationalities not in it are kept as places.
pub fn read(
    xml: &str,
    defaults: &ImportDefaults,
    countries: &HashMap<String, StateCode>,
) -> Result<Vec<(u64, ImportItem)>, ImportError> {
    let list: List = quick_xml::de::from_str(xml)
        .map_err(|e| ImportError::new(0, "CONSOLIDATED_LIST", format!("not a consolidated list: {e}")))?;
    let mut out = Vec::new();
    let entries = list
        .individuals
        .items
        .into_iter()
        .map(|e| (RecordKind::Person, e))
        .chain(list.entities.items.into_iter().map(|e| (RecordKind::Organization, e)));
    for (i, (kind, e)) in entries.enumerate() {
        let n = i as u64 + 1;
        let at = |field: &str| format!("{field} (entry {n}, DATAID {:?})", e.dataid);
        if e.dataid.trim().is_empty() {
            return Err(ImportError::new(n, "DATAID", format!("entry {n} has no DATAID")));
        }
        let full: Vec<&str> = [&e.first_name, &e.second_name, &e.third_name, &e.fourth_name]
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if full.is_empty() {
            return Err(ImportError::new(n, at("FIRST_NAME"), "an entry needs a name"));
        }
        let mut facts = Facts::default();
        let primary = full.join(" ");
        facts.names.push(Name {
            script: Script::detect(&primary),
            full: primary,
            lang: None,
            kind: NameKind::Primary,
        });
        if !e.name_original_script.trim().is_empty() {
            let s = e.name_original_script.trim();
            facts.names.push(Name {
                full: s.into(),
                script: Script::detect(s),
                lang: None,
                kind: NameKind::Alias,
            });
        }
        for a in e.aliases.iter().filter(|a| !a.alias_name.trim().is_empty()) {
            let s = a.alias_name.trim();
            let _ = &a.quality;
            facts.names.push(Name {
                full: s.into(),
                script: Script::detect(s),
                lang: None,
                kind: NameKind::Alias,
            });
        }
        for b in &e.individual_date_of_birth {
            let text = if b.date.trim().is_empty() {
                b.year.trim()
            } else {
                b.date.trim()
            };
            if text.is_empty() {
                continue;
            }
            let d: PartialDate = text.parse().map_err(|err: concord_domain::record::DateError| {
                ImportError::new(n, at("INDIVIDUAL_DATE_OF_BIRTH"), err.to_string())
            })?;
            facts.birth_dates.push(d);
        }
        for v in e.nationality.iter().flat_map(|v| &v.value) {
            match countries.get(&v.trim().to_lowercase()) {
                Some(code) => facts.nationalities.push(code.clone()),
                None if !v.trim().is_empty() => facts.places.push(v.trim().to_owned()),
                None => {}
            }
        }
        for d in e.individual_document.iter().filter(|d| !d.number.trim().is_empty()) {
            let scheme = if d.type_of_document.to_lowercase().contains("passport") {
                "passport"
            } else {
                "national-id"
            };
            facts.identifiers.push(Identifier {
                scheme: scheme.into(),
                value: d.number.trim().into(),
                state: countries.get(&d.issuing_country.trim().to_lowercase()).cloned(),
            });
        }
        let evidence = if e.comments1.trim().is_empty() {
            defaults.evidence.clone()
        } else {
            Some(e.comments1.trim().to_owned())
        }
        .ok_or_else(|| {
            ImportError::new(
                n,
                at("COMMENTS1"),
                "no evidence summary: the entry has no COMMENTS1; give --evidence",
            )
        })?;
        let _ = &e.reference_number;
        out.push((
            n,
            ImportItem::Record(Box::new(RecordInput {
                kind,
                facts,
                legal_basis: defaults.legal_basis.clone(),
                evidence,
                handling: defaults.handling.clone(),
                review_date: defaults.review_date,
                source_id: Some(format!("unsc-{}", e.dataid.trim())),
            })),
        ));
    }
    Ok(out)
}
