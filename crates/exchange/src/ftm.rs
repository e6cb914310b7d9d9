//! FollowTheMoney entities as JSON lines: `Person`, `Organization`,
//! `Passport` (attached to its holder), and `Membership`, `Directorship`,
//! `Family`, `UnknownLink` (relationships, with `role: financer` for
//! financing). One entity per line: `{"id", "schema", "properties"}`, every
//! property a list of strings.

use crate::ImportDefaults;
use concord_domain::{
    Facts, Gender, Identifier, Name, NameKind, PartialDate, RecordKind, RelationKind, Script, StateCode,
};
use concord_domain::{ImportError, ImportItem, Record, RecordInput, Relationship};
use concord_matcher::{IndexRecord, Kind};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;

#[derive(Debug, Deserialize)]
struct Entity {
    id: String,
    schema: String,
    #[serde(default)]
    properties: BTreeMap<String, Vec<String>>,
    #[serde(flatten)]
    _rest: BTreeMap<String, Value>,
}

/// Reads FtM JSON lines into import items, one per entity (blank lines skipped).
pub fn read<'a, R: BufRead + 'a>(
    input: R,
    defaults: &'a ImportDefaults,
) -> impl Iterator<Item = Result<(u64, ImportItem), ImportError>> + 'a {
    input.lines().enumerate().filter_map(move |(i, line)| {
        let n = i as u64 + 1;
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                return Some(Err(ImportError::new(
                    n,
                    "line",
                    format!("cannot read: {e} (the file must be UTF-8)"),
                )));
            }
        };
        if line.trim().is_empty() {
            return None;
        }
        Some(parse_line(n, &line, defaults).map(|item| (n, item)))
    })
}

/// Reads the persons and organizations of an FtM file as a screening index
/// takes them: names and aliases, birth date, nationality, gender, and the
/// numbers of the passports and identifications they hold. Documents
/// follow their holders, so the file is read twice (`open` gives it afresh);
/// other schemas are passed over. Returns how many targets were read.
pub fn read_screening_targets<R: BufRead>(
    mut open: impl FnMut() -> std::io::Result<R>,
    mut each: impl FnMut(IndexRecord),
) -> Result<usize, ImportError> {
    // `wanted` passes over a line before it is parsed: the first pass
    // looks only for documents, a small share of a large file.
    let entities = |input: R, wanted: fn(&str) -> bool| {
        input.lines().enumerate().filter_map(move |(i, line)| {
            let n = i as u64 + 1;
            let entity = line
                .map_err(|e| ImportError::new(n, "line", format!("cannot read: {e} (the file must be UTF-8)")))
                .and_then(|l| {
                    if l.trim().is_empty() || !wanted(&l) {
                        return Ok(None);
                    }
                    serde_json::from_str::<Entity>(&l)
                        .map(Some)
                        .map_err(|e| ImportError::new(n, "line", format!("not an FtM entity: {e}")))
                });
            entity.transpose()
        })
    };
    let io = |e: std::io::Error| ImportError::new(0, "file", format!("cannot open: {e}"));
    let mut documents: HashMap<String, Vec<String>> = HashMap::new();
    let document = |l: &str| l.contains("\"Passport\"") || l.contains("\"Identification\"");
    for e in entities(open().map_err(io)?, document) {
        let e = e?;
        if matches!(e.schema.as_str(), "Passport" | "Identification") {
            for holder in prop(&e, "holder") {
                documents
                    .entry(holder.clone())
                    .or_default()
                    .extend(prop(&e, "number").iter().cloned());
            }
        }
    }
    let mut n = 0;
    for e in entities(open().map_err(io)?, |_| true) {
        let e = e?;
        let kind = match e.schema.as_str() {
            "Person" => Kind::Person,
            "Organization" | "Company" | "LegalEntity" => Kind::Organization,
            _ => continue,
        };
        let names = ["name", "alias", "previousName"]
            .iter()
            .flat_map(|p| prop(&e, p).iter().cloned())
            .collect();
        each(IndexRecord {
            identifiers: documents.remove(&e.id).unwrap_or_default(),
            kind: Some(kind),
            names,
            birth_date: prop(&e, "birthDate").first().cloned(),
            nationality: prop(&e, "nationality").first().cloned(),
            gender: prop(&e, "gender").first().cloned(),
            id: e.id,
        });
        n += 1;
    }
    Ok(n)
}

fn prop<'a>(e: &'a Entity, name: &str) -> &'a [String] {
    e.properties.get(name).map(Vec::as_slice).unwrap_or(&[])
}

fn first<'a>(e: &'a Entity, name: &str) -> Option<&'a str> {
    prop(e, name)
        .first()
        .map(String::as_str)
        .filter(|s| !s.trim().is_empty())
}

fn date(n: u64, field: &str, text: &str) -> Result<PartialDate, ImportError> {
    text.parse()
        .map_err(|e: concord_domain::record::DateError| ImportError::new(n, field, e.to_string()))
}

fn country(code: &str) -> StateCode {
    StateCode::new(code.trim().to_uppercase())
}

fn names(e: &Entity, facts: &mut Facts) {
    let mut push = |full: &str, kind: NameKind| {
        let full = full.trim();
        if !full.is_empty() && !facts.names.iter().any(|n| n.full == full) {
            facts.names.push(Name {
                full: full.to_owned(),
                script: Script::detect(full),
                lang: None,
                kind,
            });
        }
    };
    for n in prop(e, "name") {
        push(n, NameKind::Primary);
    }
    if prop(e, "name").is_empty() {
        let parts: Vec<&str> = ["firstName", "fatherName", "lastName"]
            .iter()
            .filter_map(|p| first(e, p))
            .collect();
        if !parts.is_empty() {
            push(&parts.join(" "), NameKind::Primary);
        }
    }
    for n in prop(e, "alias").iter().chain(prop(e, "weakAlias")) {
        push(n, NameKind::Alias);
    }
    for n in prop(e, "previousName") {
        push(n, NameKind::Former);
    }
}

fn parse_line(n: u64, line: &str, d: &ImportDefaults) -> Result<ImportItem, ImportError> {
    let e: Entity = serde_json::from_str(line).map_err(|err| {
        ImportError::new(
            n,
            "entity",
            format!(
                "not a FollowTheMoney entity: {}",
                err.to_string().split(" at line").next().unwrap_or("")
            ),
        )
    })?;
    if e.id.trim().is_empty() {
        return Err(ImportError::new(n, "id", "must not be empty"));
    }
    match e.schema.as_str() {
        "Person" | "Organization" | "LegalEntity" | "Company" => {
            let kind = if e.schema == "Person" {
                RecordKind::Person
            } else {
                RecordKind::Organization
            };
            let mut facts = Facts::default();
            names(&e, &mut facts);
            if facts.names.is_empty() {
                return Err(ImportError::new(n, "properties.name", "an entity needs a name"));
            }
            for (i, b) in prop(&e, "birthDate").iter().enumerate() {
                facts
                    .birth_dates
                    .push(date(n, &format!("properties.birthDate[{i}]"), b)?);
            }
            facts.birth_place = first(&e, "birthPlace").map(str::to_owned);
            facts.nationalities = prop(&e, "nationality").iter().map(|c| country(c)).collect();
            facts.gender = match first(&e, "gender") {
                None => None,
                Some(g) => Some(
                    g.parse::<Gender>()
                        .map_err(|err| ImportError::new(n, "properties.gender", err.to_string()))?,
                ),
            };
            if let Some(f) = first(&e, "incorporationDate") {
                facts.founded = Some(date(n, "properties.incorporationDate", f)?);
            }
            facts.places = prop(&e, "address")
                .iter()
                .chain(prop(&e, "country"))
                .filter(|s| !s.trim().is_empty())
                .cloned()
                .collect();
            for v in prop(&e, "passportNumber") {
                facts.identifiers.push(Identifier {
                    scheme: "passport".into(),
                    value: v.clone(),
                    state: None,
                });
            }
            for v in prop(&e, "idNumber") {
                facts.identifiers.push(Identifier {
                    scheme: "national-id".into(),
                    value: v.clone(),
                    state: None,
                });
            }
            for v in prop(&e, "registrationNumber") {
                facts.identifiers.push(Identifier {
                    scheme: "registration".into(),
                    value: v.clone(),
                    state: None,
                });
            }
            let evidence = first(&e, "notes")
                .or_else(|| first(&e, "summary"))
                .map(str::to_owned)
                .or_else(|| d.evidence.clone())
                .ok_or_else(|| {
                    ImportError::new(
                        n,
                        "properties.notes",
                        "no evidence summary: give one in `notes` or with --evidence",
                    )
                })?;
            Ok(ImportItem::Record(Box::new(RecordInput {
                kind,
                facts,
                legal_basis: d.legal_basis.clone(),
                evidence,
                handling: d.handling.clone(),
                review_date: d.review_date,
                source_id: Some(e.id.clone()),
            })))
        }
        "Passport" | "Identification" => {
            let holder = first(&e, "holder")
                .ok_or_else(|| ImportError::new(n, "properties.holder", "a passport needs its holder"))?;
            let number = first(&e, "number")
                .ok_or_else(|| ImportError::new(n, "properties.number", "a passport needs its number"))?;
            let scheme = if e.schema == "Passport" {
                "passport"
            } else {
                "national-id"
            };
            Ok(ImportItem::Identifier {
                holder: holder.to_owned(),
                identifier: Identifier {
                    scheme: scheme.into(),
                    value: number.to_owned(),
                    state: first(&e, "country").map(country),
                },
            })
        }
        "Membership" | "Directorship" | "Family" | "UnknownLink" | "Associate" => {
            let (a, b, kind) = match e.schema.as_str() {
                "Membership" => ("member", "organization", RelationKind::MemberOf),
                "Directorship" => ("director", "organization", RelationKind::LeaderOf),
                "Family" => ("person", "relative", RelationKind::Family),
                "Associate" => ("person", "associate", RelationKind::Associate),
                _ if first(&e, "role") == Some("financer") => ("subject", "object", RelationKind::Financer),
                _ => ("subject", "object", RelationKind::Associate),
            };
            let from = first(&e, a).ok_or_else(|| ImportError::new(n, format!("properties.{a}"), "missing"))?;
            let to = first(&e, b).ok_or_else(|| ImportError::new(n, format!("properties.{b}"), "missing"))?;
            let day = |p: &str| -> Result<Option<time::Date>, ImportError> {
                match first(&e, p) {
                    None => Ok(None),
                    Some(t) => time::Date::parse(t, time::macros::format_description!("[year]-[month]-[day]"))
                        .map(Some)
                        .map_err(|_| {
                            ImportError::new(n, format!("properties.{p}"), format!("{t:?} is not a date YYYY-MM-DD"))
                        }),
                }
            };
            Ok(ImportItem::Link {
                from: from.to_owned(),
                to: to.to_owned(),
                kind,
                since: day("startDate")?,
                until: day("endDate")?,
            })
        }
        other => Err(ImportError::new(
            n,
            "schema",
            format!(
                "unsupported schema {other:?}: expected Person, Organization, Passport, Membership, Directorship, Family or UnknownLink"
            ),
        )),
    }
}

/// The FtM id of a record: its import id, or its Concord id.
pub fn entity_id(r: &Record) -> String {
    r.source_id.clone().unwrap_or_else(|| r.id.clone())
}

fn put(props: &mut Map<String, Value>, key: &str, values: Vec<String>) {
    if !values.is_empty() {
        props.insert(key.into(), json!(values));
    }
}

/// The FtM entities of a record: the record itself and a `Passport` per passport.
pub fn write_record(r: &Record) -> Vec<Value> {
    let id = entity_id(r);
    let schema = match r.kind {
        RecordKind::Person => "Person",
        _ => "Organization",
    };
    let mut props = Map::new();
    let by_kind = |k: NameKind| {
        r.facts
            .names
            .iter()
            .filter(|n| n.kind == k)
            .map(|n| n.full.clone())
            .collect::<Vec<_>>()
    };
    let mut primary = by_kind(NameKind::Primary);
    if primary.is_empty() {
        primary.push(r.title.clone());
    }
    put(&mut props, "name", primary);
    let mut aliases = by_kind(NameKind::Alias);
    aliases.extend(by_kind(NameKind::Transliteration));
    put(&mut props, "alias", aliases);
    put(&mut props, "previousName", by_kind(NameKind::Former));
    put(&mut props, "notes", vec![r.evidence.clone()]);
    put(&mut props, "topics", vec![topic(r).into()]);
    put(
        &mut props,
        "country",
        r.protected
            .originator_state
            .iter()
            .map(|s| s.as_str().to_lowercase())
            .collect(),
    );
    put(&mut props, "address", r.facts.places.clone());
    let ids = |scheme: &str| {
        r.facts
            .identifiers
            .iter()
            .filter(|i| i.scheme == scheme)
            .map(|i| i.value.clone())
            .collect::<Vec<_>>()
    };
    if r.kind == RecordKind::Person {
        put(
            &mut props,
            "birthDate",
            r.facts.birth_dates.iter().map(|d| d.to_string()).collect(),
        );
        put(&mut props, "birthPlace", r.facts.birth_place.iter().cloned().collect());
        put(
            &mut props,
            "nationality",
            r.facts
                .nationalities
                .iter()
                .map(|s| s.as_str().to_lowercase())
                .collect(),
        );
        put(
            &mut props,
            "gender",
            r.facts.gender.iter().map(|g| g.to_string()).collect(),
        );
        put(&mut props, "idNumber", ids("national-id"));
    } else {
        put(
            &mut props,
            "incorporationDate",
            r.facts.founded.iter().map(|d| d.to_string()).collect(),
        );
        put(&mut props, "registrationNumber", ids("registration"));
    }
    let mut out = vec![json!({"id": id, "schema": schema, "properties": props})];
    if r.kind == RecordKind::Person {
        for (i, p) in r
            .facts
            .identifiers
            .iter()
            .filter(|i| i.scheme == "passport")
            .enumerate()
        {
            let mut pp = Map::new();
            put(&mut pp, "holder", vec![id.clone()]);
            put(&mut pp, "number", vec![p.value.clone()]);
            put(
                &mut pp,
                "country",
                p.state.iter().map(|s| s.as_str().to_lowercase()).collect(),
            );
            out.push(json!({"id": format!("{id}-passport-{i}"), "schema": "Passport", "properties": pp}));
        }
    }
    out
}

/// The FtM topic of a record's offence category.
fn topic(r: &Record) -> &'static str {
    use concord_domain::Category::*;
    match r.legal_basis.category {
        Terrorism | Separatism | Extremism => "crime.terror",
        DrugTrafficking => "crime.traffick.drug",
        ArmsTrafficking => "crime.traffick",
        OrganizedCrime => "crime",
        Cyber => "crime.cyber",
    }
}

/// The FtM entity of a relationship between two exported records, by their FtM ids.
pub fn write_link(rel: &Relationship, from: &str, to: &str) -> Value {
    let mut props = Map::new();
    let (schema, a, b) = match rel.kind {
        RelationKind::MemberOf => ("Membership", "member", "organization"),
        RelationKind::LeaderOf => ("Directorship", "director", "organization"),
        RelationKind::Family => ("Family", "person", "relative"),
        RelationKind::Associate | RelationKind::Financer => ("UnknownLink", "subject", "object"),
    };
    put(&mut props, a, vec![from.to_owned()]);
    put(&mut props, b, vec![to.to_owned()]);
    if rel.kind == RelationKind::Financer {
        put(&mut props, "role", vec!["financer".into()]);
    }
    put(
        &mut props,
        "startDate",
        rel.since.iter().map(|d| d.to_string()).collect(),
    );
    put(&mut props, "endDate", rel.until.iter().map(|d| d.to_string()).collect());
    json!({"id": rel.id, "schema": schema, "properties": props})
}

/// Writes records, their passports, and the links between them as FtM lines.
pub fn write_all<W: std::io::Write + ?Sized>(
    out: &mut W,
    records: &[Record],
    links: &[Relationship],
) -> std::io::Result<()> {
    let ftm_ids: std::collections::HashMap<&str, String> =
        records.iter().map(|r| (r.id.as_str(), entity_id(r))).collect();
    for r in records {
        for e in write_record(r) {
            writeln!(out, "{e}")?;
        }
    }
    for rel in links {
        if let (Some(a), Some(b)) = (ftm_ids.get(rel.from.as_str()), ftm_ids.get(rel.to.as_str())) {
            writeln!(out, "{}", write_link(rel, a, b))?;
        }
    }
    out.flush()
}
