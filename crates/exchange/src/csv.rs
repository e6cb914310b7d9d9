//! CSV with this header (a documented contract; columns in any order,
//! unknown columns refused):
//!
//! `id,kind,name,aliases,birth_dates,nationalities,gender,passports,national_ids,places,founded,notes`
//!
//! - `id`: the file's id for the record (required; re-import updates it);
//! - `kind`: `person` or `organization` (required); `name`: the primary name (required);
//! - `aliases`, `birth_dates`, `nationalities`, `places`: lists separated by `;`;
//! - `passports`, `national_ids`: `;`-separated numbers, each optionally `CC:NUMBER` with the issuing state;
//! - `birth_dates`, `founded`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; `gender`: female, male, other;
//! - `notes`: the evidence summary (else the command's `--evidence`).

use crate::{ImportDefaults, split_list};
use concord_domain::{Facts, Gender, Identifier, Name, NameKind, PartialDate, RecordKind, Script, StateCode};
use concord_domain::{ImportError, ImportItem, Record, RecordInput};
use std::collections::HashMap;
use std::io::{Read, Write};

/// The columns, in the order [`write`] uses.
pub const HEADER: [&str; 12] = [
    "id",
    "kind",
    "name",
    "aliases",
    "birth_dates",
    "nationalities",
    "gender",
    "passports",
    "national_ids",
    "places",
    "founded",
    "notes",
];
const REQUIRED: [&str; 3] = ["id", "kind", "name"];

/// Reads CSV rows into import items. Line numbers count the header as line 1.
pub fn read<'a, R: Read + Send + 'a>(
    input: R,
    defaults: &'a ImportDefaults,
) -> Box<dyn Iterator<Item = Result<(u64, ImportItem), ImportError>> + Send + 'a> {
    let mut reader = ::csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let header = match checked_header(&mut reader, &HEADER, &REQUIRED) {
        Ok(h) => h,
        Err(e) => return Box::new(std::iter::once(Err(e))),
    };
    let index: HashMap<String, usize> = header.iter().enumerate().map(|(i, c)| (c.clone(), i)).collect();
    Box::new(reader.into_records().map(move |row| {
        let row = row.map_err(|e| ImportError::new(e.position().map_or(0, |p| p.line()), "row", csv_message(&e)))?;
        let line = row.position().map_or(0, |p| p.line());
        let cell = |c: &str| {
            index
                .get(c)
                .and_then(|i| row.get(*i))
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        parse_row(line, &cell, defaults).map(|item| (line, item))
    }))
}

/// The header of a CSV contract: trimmed (a byte-order mark dropped), every
/// column named once, none unknown, the required ones there.
pub(crate) fn checked_header<R: Read>(
    reader: &mut ::csv::Reader<R>,
    columns: &[&str],
    required: &[&str],
) -> Result<Vec<String>, ImportError> {
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| ImportError::new(1, "header", csv_message(&e)))?
        .iter()
        .map(|c| c.trim().trim_start_matches('\u{feff}').to_owned())
        .collect();
    if let Some(pos) = header.iter().position(|c| c.is_empty()) {
        let msg = format!("column {} has no name; the columns are {}", pos + 1, columns.join(","));
        return Err(ImportError::new(1, "header", msg));
    }
    if let Some((i, dup)) = header.iter().enumerate().find(|(i, c)| header[..*i].contains(c)) {
        let msg = format!("column {dup:?} appears twice (again at position {})", i + 1);
        return Err(ImportError::new(1, dup.clone(), msg));
    }
    if let Some(unknown) = header.iter().find(|c| !columns.contains(&c.as_str())) {
        let msg = format!("unknown column {unknown:?}; the columns are {}", columns.join(","));
        return Err(ImportError::new(1, unknown.clone(), msg));
    }
    if let Some(missing) = required.iter().find(|c| !header.iter().any(|h| h == *c)) {
        return Err(ImportError::new(1, *missing, "required column is missing"));
    }
    Ok(header)
}

pub(crate) fn csv_message(e: &::csv::Error) -> String {
    match e.kind() {
        ::csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".into(),
        ::csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("{len} cells where the header has {expected_len}")
        }
        _ => e.to_string(),
    }
}

fn date(line: u64, field: &str, text: &str) -> Result<PartialDate, ImportError> {
    text.parse()
        .map_err(|e: concord_domain::record::DateError| ImportError::new(line, field, e.to_string()))
}

fn identifiers(cell: &str, scheme: &str) -> Vec<Identifier> {
    split_list(cell)
        .map(|v| match v.split_once(':') {
            Some((cc, num)) if cc.len() == 2 && cc.chars().all(|c| c.is_ascii_alphabetic()) => Identifier {
                scheme: scheme.into(),
                value: num.trim().into(),
                state: Some(StateCode::new(cc.to_uppercase())),
            },
            _ => Identifier {
                scheme: scheme.into(),
                value: v.into(),
                state: None,
            },
        })
        .collect()
}

fn parse_row(line: u64, cell: &dyn Fn(&str) -> String, d: &ImportDefaults) -> Result<ImportItem, ImportError> {
    let id = cell("id");
    let id = id.as_str();
    if id.is_empty() {
        return Err(ImportError::new(line, "id", "required"));
    }
    let kind: RecordKind = cell("kind")
        .as_str()
        .parse()
        .map_err(|e: concord_domain::ParseError| ImportError::new(line, "kind", e.to_string()))?;
    if !matches!(kind, RecordKind::Person | RecordKind::Organization) {
        return Err(ImportError::new(line, "kind", "person or organization"));
    }
    let name = cell("name");
    let name = name.as_str();
    if name.is_empty() {
        return Err(ImportError::new(line, "name", "required"));
    }
    let mut facts = Facts::default();
    facts.names.push(Name {
        full: name.into(),
        script: Script::detect(name),
        lang: None,
        kind: NameKind::Primary,
    });
    for a in split_list(&cell("aliases")) {
        facts.names.push(Name {
            full: a.into(),
            script: Script::detect(a),
            lang: None,
            kind: NameKind::Alias,
        });
    }
    for (i, b) in split_list(&cell("birth_dates")).enumerate() {
        facts.birth_dates.push(date(line, &format!("birth_dates[{i}]"), b)?);
    }
    facts.nationalities = split_list(&cell("nationalities"))
        .map(|c| StateCode::new(c.to_uppercase()))
        .collect();
    let gender = cell("gender");
    let gender = gender.as_str();
    if !gender.is_empty() {
        facts.gender = Some(
            gender
                .parse::<Gender>()
                .map_err(|e| ImportError::new(line, "gender", e.to_string()))?,
        );
    }
    facts.identifiers = identifiers(&cell("passports"), "passport");
    facts
        .identifiers
        .extend(identifiers(&cell("national_ids"), "national-id"));
    facts.places = split_list(&cell("places")).map(str::to_owned).collect();
    let founded = cell("founded");
    let founded = founded.as_str();
    if !founded.is_empty() {
        facts.founded = Some(date(line, "founded", founded)?);
    }
    let notes = cell("notes");
    let notes = notes.as_str();
    let evidence = if notes.is_empty() {
        d.evidence.clone()
    } else {
        Some(notes.to_owned())
    }
    .ok_or_else(|| ImportError::new(line, "notes", "no evidence summary: fill `notes` or give --evidence"))?;
    Ok(ImportItem::Record(Box::new(RecordInput {
        kind,
        facts,
        legal_basis: d.legal_basis.clone(),
        evidence,
        handling: d.handling.clone(),
        review_date: d.review_date,
        source_id: Some(id.into()),
    })))
}

/// Writes records as CSV with [`HEADER`].
pub fn write<W: Write>(out: W, records: &[Record]) -> Result<(), ::csv::Error> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    for r in records
        .iter()
        .filter(|r| matches!(r.kind, RecordKind::Person | RecordKind::Organization))
    {
        let join = |v: Vec<String>| v.join("; ");
        let ids = |scheme: &str| {
            join(
                r.facts
                    .identifiers
                    .iter()
                    .filter(|i| i.scheme == scheme)
                    .map(|i| match &i.state {
                        Some(s) => format!("{s}:{}", i.value),
                        None => i.value.clone(),
                    })
                    .collect(),
            )
        };
        w.write_record([
            crate::ftm::entity_id(r),
            r.kind.to_string(),
            r.facts.title().unwrap_or(&r.title).to_owned(),
            join(r.facts.names.iter().skip(1).map(|n| n.full.clone()).collect()),
            join(r.facts.birth_dates.iter().map(|d| d.to_string()).collect()),
            join(r.facts.nationalities.iter().map(|s| s.to_string()).collect()),
            r.facts.gender.map(|g| g.to_string()).unwrap_or_default(),
            ids("passport"),
            ids("national-id"),
            join(r.facts.places.clone()),
            r.facts.founded.map(|d| d.to_string()).unwrap_or_default(),
            r.evidence.clone(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
