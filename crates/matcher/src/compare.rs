//! Scores: how similar two parts are, two names are, a query and a record
//! are; each with the reasons.

use crate::latin::skeleton;
use crate::name::{FormView, PartView, PreparedName, Role, Via, parts_of};
use serde::Serialize;
use strsim::jaro_winkler;

/// How one query part met one record part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartMatch {
    /// The query part as written.
    pub query: String,
    /// The record part as written.
    pub record: String,
    /// How they met, in words.
    pub how: String,
    /// In [0, 1].
    pub similarity: f64,
}

/// How two names compare.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameMatch {
    /// In [0, 1].
    pub score: f64,
    pub parts: Vec<PartMatch>,
    /// Query parts that met nothing (they count against).
    pub unmatched_query: Vec<String>,
    /// Record parts the query did not mention (a missing patronymic or
    /// middle name counts little).
    pub unmatched_record: Vec<String>,
    /// Set when the names matched as whole strings (Xiaoming / Xiao Ming)
    /// better than part by part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub joined: Option<String>,
}

#[derive(Clone, Copy)]
struct Best<'a> {
    sim: f64,
    q: Option<FormView<'a>>,
    r: Option<FormView<'a>>,
    method: Method,
}

#[derive(Clone, Copy, PartialEq)]
enum Method {
    Same,
    Consonants,
    Spelling,
    Initial,
}

fn forms_similarity<'a>(q: &PartView<'a>, r: &PartView<'a>) -> Best<'a> {
    let mut best = Best {
        sim: 0.0,
        q: None,
        r: None,
        method: Method::Spelling,
    };
    if q.role == Role::Initial || r.role == Role::Initial {
        let (i, other) = if q.role == Role::Initial { (q, r) } else { (r, q) };
        let letter = i.first().chars().next();
        if other.forms().any(|f| f.text.chars().next() == letter) {
            return Best {
                sim: 0.85,
                q: q.forms().next(),
                r: r.forms().next(),
                method: Method::Initial,
            };
        }
        return best;
    }
    for qf in q.forms() {
        for rf in r.forms() {
            if qf.text == rf.text {
                return Best {
                    sim: 1.0,
                    q: Some(qf),
                    r: Some(rf),
                    method: Method::Same,
                };
            }
            let vowelless = qf.via == Via::Arabic || rf.via == Via::Arabic;
            let (sim, method) = if vowelless {
                let (a, b) = (skeleton(qf.text), skeleton(rf.text));
                if a.is_empty() || b.is_empty() {
                    (0.0, Method::Consonants)
                } else if a == b {
                    (0.95, Method::Consonants)
                } else {
                    (jaro_winkler(&a, &b) * 0.9, Method::Consonants)
                }
            } else {
                let jw = spelling(qf.text, rf.text);
                // Vowels written differently (Mohammed / Muhammad): the same
                // consonants from the same first sound.
                let vowel = |t: &str| t.starts_with(['a', 'e', 'i', 'o', 'u', 'y']);
                let same_start = qf.text.get(..1) == rf.text.get(..1) || (vowel(qf.text) && vowel(rf.text));
                if jw < 0.92 && qf.text.len() > 3 && same_start && skeleton(qf.text) == skeleton(rf.text) {
                    (jw.max(0.9), Method::Consonants)
                } else {
                    (jw, Method::Spelling)
                }
            };
            if sim > best.sim {
                best = Best {
                    sim,
                    q: Some(qf),
                    r: Some(rf),
                    method,
                };
            }
        }
    }
    best
}

/// Jaro-Winkler, held down by the share of letters that differ: Jaro-Winkler
/// alone rates Ivan / Ivanov or Petr / Petrov as near-identical, and those
/// are other names.
fn spelling(a: &str, b: &str) -> f64 {
    let jw = jaro_winkler(a, b);
    let longest = a.len().max(b.len()).max(1) as f64;
    let edits = strsim::levenshtein(a, b) as f64;
    jw.min(1.0 - edits / longest + 0.1)
}

/// Below `CLOSE` two parts are more likely other names than misspellings
/// (Davov / Davupov, Tursunova / Nurureva): their similarity counts for
/// much less than its face value.
const CLOSE: f64 = 0.92;

fn credit(sim: f64) -> f64 {
    if sim >= CLOSE {
        sim
    } else {
        (0.2 + (sim - PART_FLOOR) * (CLOSE - 0.2) / (CLOSE - PART_FLOOR)).max(0.0)
    }
}

fn weight(part: &PartView<'_>) -> f64 {
    match part.role {
        Role::Initial => 1.5,
        _ => 2.0 + part.first().len().min(8) as f64 / 2.0,
    }
}

/// Below this a pair of parts does not count as matched.
const PART_FLOOR: f64 = 0.7;

fn describe(b: &Best<'_>) -> String {
    let via = |f: Option<FormView<'_>>| f.map(|f| f.via.describe()).unwrap_or("");
    match b.method {
        Method::Initial => "initial".to_owned(),
        Method::Same if b.q.map(|f| f.via) == b.r.map(|f| f.via) => format!("same ({})", via(b.q)),
        Method::Same => format!("same after transliteration ({} = {})", via(b.q), via(b.r)),
        Method::Consonants => format!("same consonants ({} / {})", via(b.q), via(b.r)),
        Method::Spelling => format!(
            "similar spelling {} ~ {} (Jaro-Winkler, {} / {})",
            b.q.map(|f| f.text).unwrap_or(""),
            b.r.map(|f| f.text).unwrap_or(""),
            via(b.q),
            via(b.r)
        ),
    }
}

/// Compares a query name with a record name, part by part in any order.
pub fn compare_names(query: &PreparedName, record_encoded: &str) -> NameMatch {
    let q: Vec<PartView<'_>> = query.parts().collect();
    let r: Vec<PartView<'_>> = parts_of(record_encoded).collect();
    let mut matrix: Vec<(f64, usize, usize, Best<'_>)> = Vec::with_capacity(q.len() * r.len());
    for (i, qp) in q.iter().enumerate() {
        for (j, rp) in r.iter().enumerate() {
            let b = forms_similarity(qp, rp);
            if b.sim >= PART_FLOOR {
                matrix.push((b.sim, i, j, b));
            }
        }
    }
    matrix.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut q_used = vec![false; q.len()];
    let mut r_used = vec![false; r.len()];
    let mut pairs = Vec::new();
    let mut num = 0.0;
    for (sim, i, j, best) in matrix {
        if q_used[i] || r_used[j] {
            continue;
        }
        q_used[i] = true;
        r_used[j] = true;
        num += credit(sim) * (weight(&q[i]) + weight(&r[j]));
        pairs.push(PartMatch {
            query: q[i].original.to_owned(),
            record: r[j].original.to_owned(),
            how: describe(&best),
            similarity: round(sim),
        });
    }
    // A query part the record lacks counts against in full, unless it is a
    // patronymic: records often leave those out.
    let mut den: f64 = q
        .iter()
        .enumerate()
        .map(|(i, p)| {
            weight(p)
                * if !q_used[i] && p.role == Role::Patronymic {
                    0.15
                } else {
                    1.0
                }
        })
        .sum();
    let mut unmatched_record = Vec::new();
    for (j, rp) in r.iter().enumerate() {
        if r_used[j] {
            den += weight(rp);
        } else {
            // A record part the query leaves out: a patronymic hardly counts,
            // another part (a middle name) counts some.
            den += weight(rp) * if rp.role == Role::Patronymic { 0.15 } else { 0.5 };
            unmatched_record.push(rp.original.to_owned());
        }
    }
    let unmatched_query: Vec<String> = q
        .iter()
        .enumerate()
        .filter(|(i, _)| !q_used[*i])
        .map(|(_, p)| p.original.to_owned())
        .collect();
    let mut score = if den > 0.0 { num / den } else { 0.0 };
    let mut joined = None;
    if q.len() != r.len() {
        let (j, how) = joined_similarity(&q, &r);
        // Only as good as a near-identical whole string; otherwise a shared
        // long surname would carry a different given name along.
        if j >= 0.9 && j > score {
            score = j;
            joined = Some(how);
        }
    }
    NameMatch {
        score: round(score),
        parts: pairs,
        unmatched_query,
        unmatched_record,
        joined,
    }
}

/// The names as whole strings (parts in the query's order, against the
/// record's parts in order and reversed), for names split differently.
fn joined_similarity(q: &[PartView<'_>], r: &[PartView<'_>]) -> (f64, String) {
    let concat = |parts: &mut dyn Iterator<Item = &PartView<'_>>| -> String {
        parts
            .filter(|p| p.role != Role::Patronymic)
            .map(|p| p.first())
            .collect()
    };
    let qs = concat(&mut q.iter());
    let forward = concat(&mut r.iter());
    let backward = concat(&mut r.iter().rev());
    if qs.len() < 4 {
        return (0.0, String::new());
    }
    let (f, b) = (spelling(&qs, &forward), spelling(&qs, &backward));
    let (sim, other) = if f >= b { (f, forward) } else { (b, backward) };
    // Whole-string similarity is weaker evidence than part-by-part.
    (sim * 0.95, format!("{qs} ~ {other} as one string"))
}

pub(crate) fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(a: &str, b: &str) -> f64 {
        let a = PreparedName::new(a).expect("a");
        let b = PreparedName::new(b).expect("b");
        compare_names(&a, b.encoded()).score
    }

    #[test]
    fn across_scripts_and_systems() {
        for (a, b) in [
            ("Антон Павлович Чехов", "Anton Chekhov"),
            ("Anton Tschechow", "Антон Чехов"),
            ("Чехов Антон", "Anton Tchekhov"),
            ("王小明", "Wang Xiaoming"),
            ("王小明", "Wang Hsiao-ming"),
            ("王小明", "Ван Сяомин"),
            ("張小明", "Xiaoming Wang"),
            ("محمد علی", "Mohammed Ali"),
            ("राहुल शर्मा", "Rahul Sharma"),
        ] {
            let s = score(a, b);
            assert!(s >= 0.85, "{a} / {b}: {s}");
        }
    }

    #[test]
    fn different_people_score_low() {
        for (a, b) in [
            ("Anton Chekhov", "Nikolai Chekhov"),
            ("Иван Петров", "Пётр Иванов Сидоров"),
            ("王小明", "李小红"),
        ] {
            let s = score(a, b);
            assert!(s < 0.8, "{a} / {b}: {s}");
        }
    }

    #[test]
    fn scores_stay_in_range_and_explain() {
        let a = PreparedName::new("Anton Pavlovich Chekhov").expect("a");
        let b = PreparedName::new("Chekhov A.").expect("b");
        let m = compare_names(&a, b.encoded());
        assert!((0.0..=1.0).contains(&m.score));
        assert!(m.parts.iter().any(|p| p.how == "initial"));
    }
}
