//! Subjects to screen, as the API, the console and `concord screen` read
//! them: one JSON object per subject (`name` or `names`, `birth_date`,
//! `nationality`/`nationalities`, `gender`, `identifier`/`identifiers`,
//! `kind`, the caller's own `id`, and per subject `limit` and `threshold`),
//! written as JSON lines or as CSV whose header row names those fields.
//!
//! [`Subjects`] reads either form from a stream, a numbered line at a time,
//! into the same JSON object, so every edge reads a subject the same way and
//! a bad line is named and skipped, never fatal to the file.

use concord_matcher::{Kind, Prepared, SearchOptions, Subject, SubjectError};
use serde_json::{Map, Value};
use std::io::{BufRead, Read};

/// The fields a subject may have.
pub const SUBJECT_FIELDS: [&str; 10] = [
    "id",
    "name",
    "names",
    "birth_date",
    "nationality",
    "nationalities",
    "gender",
    "identifier",
    "identifiers",
    "kind",
];

/// The search options a subject may carry besides its fields.
pub const OPTION_FIELDS: [&str; 2] = ["limit", "threshold"];

/// Results per subject at most.
pub const MAX_LIMIT: usize = 100;

fn strings(v: Option<&Value>, field: &str) -> Result<Vec<String>, String> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, x)| {
                x.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{field}[{i}]: expected a string"))
            })
            .collect(),
        Some(_) => Err(format!("{field}: expected a string or a list of strings")),
    }
}

/// Reads one subject from a JSON object, and the caller's own `id` for it.
/// Unknown fields are refused by name; `extra` names fields the caller
/// reads itself (the search options).
pub fn subject_from_json(v: &Value, extra: &[&str]) -> Result<(String, Subject), String> {
    let Value::Object(o) = v else {
        return Err("expected a JSON object".into());
    };
    if let Some(k) = o
        .keys()
        .find(|k| !SUBJECT_FIELDS.contains(&k.as_str()) && !extra.contains(&k.as_str()))
    {
        return Err(format!("unknown field {k:?}"));
    }
    let mut names = strings(o.get("names"), "names")?;
    names.extend(strings(o.get("name"), "name")?);
    let mut nationalities = strings(o.get("nationalities"), "nationalities")?;
    nationalities.extend(strings(o.get("nationality"), "nationality")?);
    let mut identifiers = strings(o.get("identifiers"), "identifiers")?;
    identifiers.extend(strings(o.get("identifier"), "identifier")?);
    let text = |f: &str| -> Result<Option<String>, String> {
        match o.get(f) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("{f}: expected a string")),
        }
    };
    let kind = match text("kind")?.as_deref() {
        None => None,
        Some("person") => Some(Kind::Person),
        Some("organization") => Some(Kind::Organization),
        Some(k) => return Err(format!("kind: {k:?} is not person or organization")),
    };
    let id = match o.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    Ok((
        id,
        Subject {
            names,
            birth_date: text("birth_date")?,
            nationalities,
            gender: text("gender")?,
            identifiers,
            kind,
        },
    ))
}

/// The search options of a subject: `limit` and `threshold`, checked.
pub fn options(v: &Value) -> Result<SearchOptions, String> {
    let mut o = SearchOptions::default();
    if let Some(l) = v.get("limit") {
        let l = l.as_u64().filter(|l| (1..=MAX_LIMIT as u64).contains(l));
        o.limit = l.ok_or(format!("limit: must be between 1 and {MAX_LIMIT}"))? as usize;
    }
    if let Some(t) = v.get("threshold") {
        o.threshold = t
            .as_f64()
            .filter(|t| (0.0..=1.0).contains(t))
            .ok_or("threshold: must be between 0 and 1")?;
    }
    Ok(o)
}

/// Reads one screening request: the subject prepared for the matcher, its
/// id and the search options; an error names the field at fault.
pub fn prepare(v: &Value) -> Result<(String, Prepared, SearchOptions), (Option<String>, String)> {
    let (id, subject) = subject_from_json(v, &OPTION_FIELDS).map_err(|e| (field_of(&e), e))?;
    let opts = options(v).map_err(|e| (field_of(&e), e))?;
    let prepared = subject.prepare().map_err(|e| {
        let f = match e {
            SubjectError::BirthDate(_) => "birth_date",
            _ => "name",
        };
        (Some(f.to_owned()), e.to_string())
    })?;
    Ok((id, prepared, opts))
}

/// The field a reader's message starts with (`birth_date: ...`), or the
/// one it names as unknown.
pub fn field_of(message: &str) -> Option<String> {
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return Some(rest.trim_matches('"').to_owned());
    }
    message
        .split_once(':')
        .map(|(f, _)| f.split('[').next().unwrap_or(f).to_owned())
}

/// Reads one JSON line: UTF-8, then JSON. The error says what is wrong;
/// the caller adds the line number.
pub fn json_line(raw: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(raw).map_err(|e| format!("not UTF-8 at byte {}", e.valid_up_to()))?;
    serde_json::from_str(text.trim_end_matches('\r')).map_err(|e| format!("not JSON: {e}"))
}

/// Reads one line of a batch (JSON lines) as [`prepare`] does.
pub fn read_batch_line(raw: &[u8]) -> Result<(String, Prepared, SearchOptions), String> {
    prepare(&json_line(raw)?).map_err(|(_, m)| m)
}

/// How a batch file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectFormat {
    /// One JSON object per line.
    JsonLines,
    /// CSV with a header row naming the fields.
    Csv,
}

impl SubjectFormat {
    /// The format a file's name says (`.csv`, `.jsonl`, `.ndjson`, `.json`),
    /// else the one its first bytes show: JSON lines start with `{`.
    pub fn detect(filename: &str, start: &[u8]) -> SubjectFormat {
        let name = filename.to_ascii_lowercase();
        if name.ends_with(".csv") {
            return SubjectFormat::Csv;
        }
        if [".jsonl", ".ndjson", ".json"].iter().any(|e| name.ends_with(e)) {
            return SubjectFormat::JsonLines;
        }
        let start = start.strip_prefix("\u{feff}".as_bytes()).unwrap_or(start);
        match start.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') | None => SubjectFormat::JsonLines,
            Some(_) => SubjectFormat::Csv,
        }
    }
}

/// A numbered subject of a batch file, as a JSON object, or why its line
/// cannot be read.
pub type SubjectLine = (u64, Result<Value, String>);

/// The subjects of a batch file, read a line at a time; blank lines are
/// skipped, and a bad line is yielded as an error with its number.
pub enum Subjects<R: BufRead> {
    /// JSON lines.
    Json { lines: std::io::Split<R>, number: u64 },
    /// CSV with a header row.
    Csv {
        header: Vec<String>,
        rows: csv::ByteRecordsIntoIter<R>,
    },
}

impl<R: BufRead> Subjects<R> {
    /// Starts reading `input` in `format`. A CSV header is read and checked
    /// here: it must name a `name` or `names` column and no column that is
    /// not a subject's field or option.
    pub fn new(input: R, format: SubjectFormat) -> Result<Self, String> {
        match format {
            SubjectFormat::JsonLines => Ok(Subjects::Json {
                lines: input.split(b'\n'),
                number: 0,
            }),
            SubjectFormat::Csv => {
                let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
                let header: Vec<String> = reader
                    .byte_headers()
                    .map_err(|e| format!("line 1: CSV header: {e}"))?
                    .iter()
                    .enumerate()
                    .map(|(i, h)| {
                        let h = std::str::from_utf8(h).map_err(|_| format!("line 1: column {}: not UTF-8", i + 1))?;
                        Ok(h.trim_start_matches('\u{feff}').trim().to_owned())
                    })
                    .collect::<Result<_, String>>()?;
                let columns = || [&SUBJECT_FIELDS[..], &OPTION_FIELDS[..]].concat().join(",");
                if !header.iter().any(|c| c == "name" || c == "names") {
                    return Err(format!(
                        "line 1: the CSV header must have a name column (columns: {})",
                        columns()
                    ));
                }
                if let Some(bad) = header
                    .iter()
                    .find(|c| !SUBJECT_FIELDS.contains(&c.as_str()) && !OPTION_FIELDS.contains(&c.as_str()))
                {
                    return Err(format!("line 1: unknown column {bad:?} (columns: {})", columns()));
                }
                Ok(Subjects::Csv {
                    header,
                    rows: reader.into_byte_records(),
                })
            }
        }
    }
}

/// A CSV row as the JSON object a JSON line would hold: empty cells left
/// out, the options as numbers where they are numbers.
fn row_object(header: &[String], row: &csv::ByteRecord) -> Result<Value, String> {
    let mut o = Map::new();
    for (i, (k, v)) in header.iter().zip(row.iter()).enumerate() {
        let v = std::str::from_utf8(v)
            .map_err(|e| format!("{k}: not UTF-8 at byte {} of column {}", e.valid_up_to(), i + 1))?;
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        // A cell that is not a number stays text, and the reader names the field.
        let value = match k.as_str() {
            "limit" => v
                .parse::<u64>()
                .map_or_else(|_| Value::String(v.to_owned()), Value::from),
            "threshold" => v
                .parse::<f64>()
                .map_or_else(|_| Value::String(v.to_owned()), Value::from),
            _ => Value::String(v.to_owned()),
        };
        o.insert(k.clone(), value);
    }
    Ok(Value::Object(o))
}

impl<R: BufRead> Iterator for Subjects<R> {
    type Item = SubjectLine;

    fn next(&mut self) -> Option<SubjectLine> {
        match self {
            Subjects::Json { lines, number } => loop {
                let raw = lines.next()?;
                *number += 1;
                let raw = match raw {
                    Ok(r) => r,
                    Err(e) => return Some((*number, Err(format!("cannot read: {e}")))),
                };
                let raw = if *number == 1 {
                    raw.strip_prefix("\u{feff}".as_bytes())
                        .map(<[u8]>::to_vec)
                        .unwrap_or(raw)
                } else {
                    raw
                };
                if raw.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                return Some((*number, json_line(&raw)));
            },
            Subjects::Csv { header, rows } => loop {
                let row = rows.next()?;
                return Some(match row {
                    Ok(row) => {
                        let line = row.position().map_or(0, |p| p.line());
                        if row.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
                            continue;
                        }
                        (line, row_object(header, &row))
                    }
                    Err(e) => {
                        let line = e.position().map_or(0, |p| p.line());
                        let why = match e.kind() {
                            csv::ErrorKind::UnequalLengths { len, expected_len, .. } => {
                                format!("{len} fields, the header has {expected_len}")
                            }
                            _ => e.to_string(),
                        };
                        (line, Err(why))
                    }
                });
            },
        }
    }
}

/// Reads a whole batch file held in memory, as the console's upload does.
pub fn read_all(filename: &str, bytes: &[u8]) -> Result<Vec<SubjectLine>, String> {
    let format = SubjectFormat::detect(filename, bytes);
    Ok(Subjects::new(std::io::BufReader::new(bytes), format)?.collect())
}

/// A reader that counts the bytes read through it, for progress.
pub struct Counting<R> {
    inner: R,
    /// Bytes read so far.
    pub read: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R> Counting<R> {
    /// Counts what is read from `inner`.
    pub fn new(inner: R) -> Self {
        Counting {
            inner,
            read: Default::default(),
        }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str, text: &[u8]) -> Result<Vec<SubjectLine>, String> {
        read_all(name, text)
    }

    #[test]
    fn json_lines_and_csv_give_the_same_subject() {
        let jsonl = read("a.jsonl", "\u{feff}{\"id\":\"1\",\"name\":\"Антон Чехов\",\"birth_date\":\"1860\"}\n\n{\"name\":\"鲁迅\",\"limit\":3}\n".as_bytes()).expect("jsonl");
        let csv = read(
            "a.csv",
            "\u{feff}id,name,birth_date,limit\n1,Антон Чехов,1860,\n,鲁迅,,3\n".as_bytes(),
        )
        .expect("csv");
        let lines = |v: &[SubjectLine]| v.iter().map(|(n, _)| *n).collect::<Vec<_>>();
        assert_eq!(lines(&jsonl), [1, 3]);
        assert_eq!(lines(&csv), [2, 3]);
        for ((_, a), (_, b)) in jsonl.iter().zip(&csv) {
            let (a, b) = (a.as_ref().expect("json"), b.as_ref().expect("csv"));
            assert_eq!(a, b);
            assert!(prepare(a).is_ok());
        }
    }

    #[test]
    fn a_bad_line_is_named_and_the_next_still_read() {
        let rows = read("p.csv", b"id,name\n1,a,extra\n2,\"Ivan Petrov\"\n3,\xff\n").expect("header");
        assert_eq!(rows[0].0, 2);
        assert!(
            rows[0]
                .1
                .as_ref()
                .expect_err("ragged")
                .contains("3 fields, the header has 2")
        );
        assert_eq!(rows[1].1.as_ref().expect("row")["name"], "Ivan Petrov");
        assert_eq!(rows[2].0, 4);
        assert!(rows[2].1.as_ref().expect_err("bytes").contains("not UTF-8"));
        let lines = read("x.jsonl", b"{\"name\":\"a\"}\n\xff\xfe\n{oops\n").expect("jsonl");
        assert!(lines[1].1.as_ref().expect_err("bytes").contains("UTF-8"));
        assert!(lines[2].1.as_ref().expect_err("json").contains("not JSON"));
    }

    #[test]
    fn a_csv_header_names_known_columns_and_a_name() {
        let e = read("p.csv", b"id,birth_date\n1,1980\n").expect_err("no name");
        assert!(e.starts_with("line 1:") && e.contains("name column"), "{e}");
        let e = read("p.csv", b"name,shoe_size\na,42\n").expect_err("unknown");
        assert!(e.contains("unknown column \"shoe_size\""), "{e}");
    }

    #[test]
    fn the_format_follows_the_name_then_the_first_byte() {
        assert_eq!(SubjectFormat::detect("x.CSV", b"{"), SubjectFormat::Csv);
        assert_eq!(SubjectFormat::detect("x", b"  {\"name\""), SubjectFormat::JsonLines);
        assert_eq!(SubjectFormat::detect("x", b"name,id"), SubjectFormat::Csv);
        assert_eq!(SubjectFormat::detect("x.jsonl", b"\xff\xfe"), SubjectFormat::JsonLines);
    }

    #[test]
    fn unknown_fields_and_bad_options_name_the_field() {
        let v: Value = serde_json::json!({"name": "a b", "shoe": 1});
        assert_eq!(prepare(&v).err().and_then(|e| e.0), Some("shoe".into()));
        let v: Value = serde_json::json!({"name": "a b", "limit": 1000});
        assert_eq!(prepare(&v).err().and_then(|e| e.0), Some("limit".into()));
        let v: Value = serde_json::json!({"name": "a b", "birth_date": "1985-13"});
        assert_eq!(prepare(&v).err().and_then(|e| e.0), Some("birth_date".into()));
    }
}
