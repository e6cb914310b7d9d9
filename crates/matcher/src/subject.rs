//! A person or organization to screen, and the score of a record against it:
//! the best name match, then birth date, nationality, gender and identifiers.

use crate::compare::{NameMatch, compare_names_weighted, round};
use crate::name::{NameError, PreparedName};
use serde::Serialize;

/// A birth date that may be partial; 0 means unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Birth {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Birth {
    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Birth> {
        let mut it = text.trim().split('-');
        let year: u16 = it.next()?.parse().ok().filter(|y| (1000..=2999).contains(y))?;
        let month: u8 = match it.next() {
            Some(m) => m.parse().ok().filter(|m| (1..=12).contains(m))?,
            None => 0,
        };
        let day: u8 = match it.next() {
            Some(d) if month > 0 => d.parse().ok().filter(|d| (1..=31).contains(d))?,
            Some(_) => return None,
            None => 0,
        };
        if it.next().is_some() {
            return None;
        }
        Some(Birth { year, month, day })
    }

    /// Packed into one number, as the index keeps it.
    pub fn pack(self) -> u32 {
        (self.year as u32) << 9 | (self.month as u32) << 5 | self.day as u32
    }

    /// The inverse of [`Birth::pack`].
    pub fn unpack(v: u32) -> Birth {
        Birth {
            year: (v >> 9) as u16,
            month: ((v >> 5) & 0xF) as u8,
            day: (v & 0x1F) as u8,
        }
    }
}

/// Whether a record is a person or an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Person,
    Organization,
}

/// Why a subject cannot be screened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubjectError {
    #[error("name {index}: {error}")]
    Name { index: usize, error: NameError },
    #[error("no name given")]
    NoName,
    #[error("birth date {0:?} is not YYYY, YYYY-MM or YYYY-MM-DD")]
    BirthDate(String),
}

/// What is known of a person or organization, as text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Subject {
    pub names: Vec<String>,
    pub birth_date: Option<String>,
    /// ISO 3166 alpha-2, any case.
    pub nationalities: Vec<String>,
    pub gender: Option<String>,
    /// Document numbers.
    pub identifiers: Vec<String>,
    pub kind: Option<Kind>,
}

/// A subject read and ready to compare.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub names: Vec<PreparedName>,
    pub originals: Vec<String>,
    pub birth: Birth,
    pub nationalities: Vec<[u8; 2]>,
    pub gender: Option<u8>,
    pub identifiers: Vec<String>,
    pub kind: Option<Kind>,
}

/// Document numbers compare without spaces, dashes or case.
pub fn normalize_identifier(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A country code as two uppercase bytes.
pub fn country(code: &str) -> Option<[u8; 2]> {
    let b = code.trim().as_bytes();
    (b.len() == 2 && b.iter().all(u8::is_ascii_alphabetic))
        .then(|| [b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()])
}

/// `m`, `f` or none.
pub fn gender_code(g: &str) -> Option<u8> {
    match g.trim().to_ascii_lowercase().as_str() {
        "m" | "male" => Some(b'm'),
        "f" | "female" => Some(b'f'),
        _ => None,
    }
}

impl Subject {
    /// Reads the subject; a bad name or date is an error that says which.
    pub fn prepare(&self) -> Result<Prepared, SubjectError> {
        if self.names.is_empty() {
            return Err(SubjectError::NoName);
        }
        let names = self
            .names
            .iter()
            .enumerate()
            .map(|(index, n)| PreparedName::new(n).map_err(|error| SubjectError::Name { index, error }))
            .collect::<Result<Vec<_>, _>>()?;
        let birth = match self.birth_date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(b) => Birth::parse(b).ok_or_else(|| SubjectError::BirthDate(b.to_owned()))?,
            None => Birth::default(),
        };
        Ok(Prepared {
            names,
            originals: self.names.clone(),
            birth,
            nationalities: self.nationalities.iter().filter_map(|c| country(c)).collect(),
            gender: self.gender.as_deref().and_then(gender_code),
            identifiers: self
                .identifiers
                .iter()
                .map(|i| normalize_identifier(i))
                .filter(|i| !i.is_empty())
                .collect(),
            kind: self.kind,
        })
    }
}

/// Something that counted for or against a match besides the name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    /// `birth_date`, `nationality`, `gender` or `identifier`.
    pub what: &'static str,
    /// Added to the name score.
    pub effect: f64,
    pub detail: String,
}

/// A scored record with the reasons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// Which query name met which record name.
    pub query_name: String,
    pub record_name: String,
    #[serde(flatten)]
    pub name: NameMatch,
    pub factors: Vec<Factor>,
    /// Honorifics and particles left out of the query.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dropped: Vec<String>,
}

/// What the scorer needs of a record besides its names.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecordFacts<'a> {
    pub birth: Birth,
    pub nationality: Option<[u8; 2]>,
    pub gender: Option<u8>,
    /// Normalized document numbers (see [`normalize_identifier`]), one per
    /// line: the index keeps them so, and scoring needs no allocation.
    pub identifiers: &'a str,
}

/// Why a factor counted, turned into words only for an explanation.
#[derive(Debug, Clone, Copy)]
enum Reason {
    OtherYear(u16, u16),
    OtherMonth,
    OtherDay,
    SameDate,
    DatesAgree,
    SameNationality,
    OtherNationality,
    OtherGender,
    /// Index into the query's identifiers.
    Document(usize),
}

#[derive(Debug, Clone, Copy)]
struct Effect {
    what: &'static str,
    effect: f64,
    reason: Reason,
}

/// What counts besides the name: at most one effect each for birth date,
/// nationality, gender and document number.
fn effects(query: &Prepared, facts: &RecordFacts<'_>, name_score: f64) -> [Option<Effect>; 4] {
    let effect = |what, effect, reason| Some(Effect { what, effect, reason });
    let (q, r) = (query.birth, facts.birth);
    let birth = if q.year > 0 && r.year > 0 {
        let dy = (q.year as i32 - r.year as i32).abs();
        if dy > 0 {
            let e = if dy == 1 { -0.2 } else { -0.35 };
            effect("birth_date", e, Reason::OtherYear(q.year, r.year))
        } else if q.month > 0 && r.month > 0 && q.month != r.month {
            effect("birth_date", -0.2, Reason::OtherMonth)
        } else if q.day > 0 && r.day > 0 && q.day != r.day {
            effect("birth_date", -0.2, Reason::OtherDay)
        } else if q.day > 0 && r.day > 0 {
            effect("birth_date", 0.06, Reason::SameDate)
        } else if q.month > 0 && r.month > 0 {
            effect("birth_date", 0.04, Reason::DatesAgree)
        } else {
            effect("birth_date", 0.02, Reason::DatesAgree)
        }
    } else {
        None
    };
    let nationality = match facts.nationality {
        Some(n) if !query.nationalities.is_empty() => {
            if query.nationalities.contains(&n) {
                effect("nationality", 0.02, Reason::SameNationality)
            } else {
                effect("nationality", -0.05, Reason::OtherNationality)
            }
        }
        _ => None,
    };
    let gender = match (query.gender, facts.gender) {
        (Some(a), Some(b)) if a != b => effect("gender", -0.1, Reason::OtherGender),
        _ => None,
    };
    // A shared document number is near proof whatever the spelling.
    let document = query
        .identifiers
        .iter()
        .position(|i| facts.identifiers.split('\n').any(|r| r == i))
        .and_then(|at| {
            effect(
                "identifier",
                round((1.0 - name_score) * 0.8).max(0.0),
                Reason::Document(at),
            )
        });
    [birth, nationality, gender, document]
}

/// The highest score a record born in another year can reach without a
/// shared document number: a perfect name, -0.2 for the nearest other year,
/// +0.02 for the same nationality. The search uses it to skip such records
/// when the threshold is above it.
pub const OTHER_YEAR_CEILING: f64 = 0.82;

/// The final score: the name score with every effect added, in [0, 1].
fn total(name_score: f64, effects: &[Option<Effect>; 4]) -> f64 {
    let sum: f64 = effects.iter().flatten().map(|e| e.effect).sum();
    round((name_score + sum).clamp(0.0, 1.0))
}

/// The score of a record whose best name scored `name_score`, without the
/// explanation, and the key the search ranks it by: the sum before it is
/// held to [0, 1], so that a perfect name with the same birth date ranks
/// above a perfect name whose date only agrees as far as it is known.
pub(crate) fn score_with_facts(query: &Prepared, facts: &RecordFacts<'_>, name_score: f64) -> (f64, f64) {
    let effects = effects(query, facts, name_score);
    let sum: f64 = effects.iter().flatten().map(|e| e.effect).sum();
    (total(name_score, &effects), name_score + sum)
}

fn describe(query: &Prepared, reason: Reason) -> String {
    match reason {
        Reason::OtherYear(q, r) => format!("born {q} against {r}"),
        Reason::OtherMonth => "same year, another month".into(),
        Reason::OtherDay => "same month, another day".into(),
        Reason::SameDate => "same birth date".into(),
        Reason::DatesAgree => "birth dates agree as far as both are known".into(),
        Reason::SameNationality => "same nationality".into(),
        Reason::OtherNationality => "another nationality".into(),
        Reason::OtherGender => "another gender".into(),
        Reason::Document(at) => format!(
            "same document number {}",
            query.identifiers.get(at).map(String::as_str).unwrap_or("")
        ),
    }
}

/// Scores a record's names (encoded, with their originals) against the query.
pub fn score_record<'a>(
    query: &Prepared,
    names: impl Iterator<Item = (&'a str, &'a str)>,
    facts: RecordFacts<'_>,
) -> Option<(f64, Explanation)> {
    score_record_weighted(query, names, facts, &[])
}

/// [`score_record`] with the rarity of each query name's parts among the
/// names searched (see [`crate::compare_names_weighted`]).
pub fn score_record_weighted<'a>(
    query: &Prepared,
    names: impl Iterator<Item = (&'a str, &'a str)>,
    facts: RecordFacts<'_>,
    rarity: &[Vec<f64>],
) -> Option<(f64, Explanation)> {
    let mut best: Option<(f64, usize, &str, NameMatch)> = None;
    for (original, encoded) in names {
        for (qi, qn) in query.names.iter().enumerate() {
            let weights = rarity.get(qi).map(Vec::as_slice).unwrap_or(&[]);
            let m = compare_names_weighted(qn, encoded, weights);
            if best.as_ref().is_none_or(|b| m.score > b.0) {
                best = Some((m.score, qi, original, m));
            }
        }
    }
    let (name_score, qi, record_name, name) = best?;
    let effects = effects(query, &facts, name_score);
    let factors = effects
        .iter()
        .flatten()
        .map(|e| Factor {
            what: e.what,
            effect: e.effect,
            detail: describe(query, e.reason),
        })
        .collect();
    Some((
        total(name_score, &effects),
        Explanation {
            query_name: query.originals.get(qi).cloned().unwrap_or_default(),
            record_name: record_name.to_owned(),
            name,
            factors,
            dropped: query.names.get(qi).map(|n| n.dropped.clone()).unwrap_or_default(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(name: &str, birth: Option<&str>) -> Prepared {
        Subject {
            names: vec![name.into()],
            birth_date: birth.map(Into::into),
            ..Subject::default()
        }
        .prepare()
        .expect("subject")
    }

    fn score(q: &Prepared, name: &str, birth: &str, ids: &str) -> f64 {
        let n = PreparedName::new(name).expect("name");
        let facts = RecordFacts {
            birth: Birth::parse(birth).unwrap_or_default(),
            identifiers: ids,
            ..Default::default()
        };
        score_record(q, std::iter::once((name, n.encoded())), facts)
            .expect("scored")
            .0
    }

    #[test]
    fn birth_dates_count_for_and_against() {
        let q = subject("Ivan Petrov", Some("1980-05-01"));
        let same = score(&q, "Иван Петров", "1980-05-01", "");
        let partial = score(&q, "Иван Петров", "1980", "");
        let other = score(&q, "Иван Петров", "1975", "");
        assert!(same >= partial && partial > other, "{same} {partial} {other}");
    }

    #[test]
    fn a_document_number_counts_heavily() {
        let mut q = subject("Iwan Pitrof", None);
        q.identifiers = vec![normalize_identifier("ru 123-456")];
        let with = score(&q, "Ivan Petrov", "", "RU123456");
        let without = score(&q, "Ivan Petrov", "", "");
        assert!(with > without + 0.2 && with >= 0.9, "{with} {without}");
    }

    #[test]
    fn another_birth_year_stays_under_the_ceiling() {
        let mut q = subject("Ivan Petrov", Some("1980-05-01"));
        q.nationalities = vec![*b"RU"];
        q.gender = Some(b'm');
        let n = PreparedName::new("Ivan Petrov").expect("name");
        let facts = RecordFacts {
            birth: Birth::parse("1981-05-01").unwrap_or_default(),
            nationality: Some(*b"RU"),
            gender: Some(b'm'),
            identifiers: "",
        };
        let (best, _) = score_record(&q, std::iter::once(("Ivan Petrov", n.encoded())), facts).expect("scored");
        assert!(best <= OTHER_YEAR_CEILING, "{best}");
        assert!(best > OTHER_YEAR_CEILING - 0.01, "the ceiling is tight: {best}");
    }

    #[test]
    fn bad_birth_dates_are_refused() {
        let s = Subject {
            names: vec!["A B".into()],
            birth_date: Some("1985-13-40".into()),
            ..Default::default()
        };
        assert_eq!(s.prepare(), Err(SubjectError::BirthDate("1985-13-40".into())));
    }
}
