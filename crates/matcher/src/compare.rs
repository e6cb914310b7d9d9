//! Scores: how similar two parts are, two names are, a query and a record
//! are; each with the reasons.

use crate::latin::Skeleton;
use crate::name::{FormView, PartView, PreparedName, Role, Via, parts_of};
use crate::similarity::{jaro_winkler, jaro_winkler_bound, levenshtein};
use serde::Serialize;

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
    if q.role == Role::Initial && r.role == Role::Initial && q.first() == r.first() {
        return Best {
            sim: 1.0,
            q: q.forms().next(),
            r: r.forms().next(),
            method: Method::Same,
        };
    }
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
    let (qh, rh) = (q.forms().next(), r.forms().next());
    if let (Some(qh), Some(rh)) = (qh, rh)
        && is_han(qh.via)
        && is_han(rh.via)
    {
        // Two Han-written parts meet on their Hanyu Pinyin only: the other
        // systems lose distinctions (Palladius writes 燕 yan and 洋 yang
        // alike), and other readings are other characters, not misspellings
        // (蒋 jiang / 晶 jing). `form_pair` never sees two Han forms.
        if qh.text == rh.text {
            best.sim = 1.0;
            best.q = Some(qh);
            best.r = Some(rh);
            best.method = Method::Same;
        }
        return best;
    }
    let record_forms: Vec<FormView<'a>> = r.forms().collect();
    // Equal forms first: the common case, and the cheapest test.
    for qf in q.forms() {
        if let Some(&rf) = record_forms.iter().find(|rf| rf.text == qf.text) {
            return Best {
                sim: 1.0,
                q: Some(qf),
                r: Some(rf),
                method: Method::Same,
            };
        }
    }
    // Below the floor a pair does not count, so only better pairs need the
    // costlier measures.
    best.sim = PART_FLOOR - 1e-9;
    for qf in q.forms() {
        for &rf in &record_forms {
            let Some((sim, method)) = form_pair(qf, rf, best.sim) else {
                continue;
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
    if best.q.is_none() {
        best.sim = 0.0;
    }
    best
}

/// The similarity of two different forms, or `None` when it cannot beat
/// `beat` (which spares the costlier measures).
fn form_pair(qf: FormView<'_>, rf: FormView<'_>, beat: f64) -> Option<(f64, Method)> {
    if qf.via == Via::Arabic || rf.via == Via::Arabic {
        let (a, b) = (Skeleton::of(qf.text), Skeleton::of(rf.text));
        let (a, b) = (a.as_str(), b.as_str());
        return if a.is_empty() || b.is_empty() {
            None
        } else if a == b {
            Some((0.95, Method::Consonants))
        } else {
            Some((jaro_winkler(a, b) * 0.9, Method::Consonants))
        };
    }
    // Vowels written differently (Mohammed / Muhammad): the same consonants
    // from the same first sound lift a weak spelling match to 0.9.
    let rescued = || {
        let vowel = |t: &str| t.starts_with(['a', 'e', 'i', 'o', 'u', 'y']);
        let same_start = qf.text.get(..1) == rf.text.get(..1) || (vowel(qf.text) && vowel(rf.text));
        // A Chinese syllable is told apart by its vowel (sun / syun, zheng /
        // zhong), and so are two names written in Cyrillic, which writes
        // every vowel (Маринка / Маренук).
        let cyrillic = |v: Via| matches!(v, Via::Cyrillic(_));
        let vowels_tell = is_han(qf.via) || is_han(rf.via) || (cyrillic(qf.via) && cyrillic(rf.via));
        // Other vowels, not other syllables: Zhijina is not Jin.
        !vowels_tell
            && qf.text.len() > 3
            && qf.text.len().abs_diff(rf.text.len()) <= 2
            && same_start
            && Skeleton::of(qf.text).as_str() == Skeleton::of(rf.text).as_str()
    };
    let bound = jaro_winkler_bound(qf.text, rf.text).unwrap_or(1.0);
    let jw = if bound <= beat {
        bound
    } else {
        jaro_winkler(qf.text, rf.text)
    };
    if jw <= beat {
        // The spelling score is at most `jw`; only the rescue could win.
        return (beat < RESCUED && rescued()).then_some((RESCUED, Method::Consonants));
    }
    let sim = spelling_from(jw, qf.text, rf.text);
    if sim < CLOSE && rescued() {
        Some((sim.max(RESCUED), Method::Consonants))
    } else {
        Some((sim, Method::Spelling))
    }
}

/// Whether a form is a reading of Han characters.
fn is_han(via: Via) -> bool {
    matches!(via, Via::Pinyin | Via::WadeGiles | Via::Palladius)
}

/// Whether every part of a name is written in Han characters: the surname
/// then comes first, and two such names are compared in order (杨晓 Yang
/// Xiao is not 萧洋 Xiao Yang).
fn all_han(parts: &[PartView<'_>]) -> bool {
    !parts.is_empty() && parts.iter().all(|p| p.forms().next().is_some_and(|f| is_han(f.via)))
}

/// What a same-consonants match is worth at least.
const RESCUED: f64 = 0.9;

/// Jaro-Winkler, held down by the share of letters that differ: Jaro-Winkler
/// alone rates Ivan / Ivanov or Petr / Petrov as near-identical, and those
/// are other names.
fn spelling(a: &str, b: &str) -> f64 {
    spelling_from(jaro_winkler(a, b), a, b)
}

fn spelling_from(jw: f64, a: &str, b: &str) -> f64 {
    let longest = a.len().max(b.len()).max(1) as f64;
    let edits = levenshtein(a, b) as f64;
    jw.min(1.0 - edits / longest + 0.1)
}

/// Below `CLOSE` two parts are more likely other names than misspellings
/// (Davov / Davupov, Tursunova / Nurureva): their similarity counts for
/// much less than its face value.
const CLOSE: f64 = 0.95;

/// What a pair at the floor is credited with; the credit rises to `CLOSE`.
const CLOSE_BASE: f64 = 0.0;

fn credit(sim: f64) -> f64 {
    if sim >= CLOSE {
        sim
    } else {
        (CLOSE_BASE + (sim - PART_FLOOR) * (CLOSE - CLOSE_BASE) / (CLOSE - PART_FLOOR)).max(0.0)
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

/// The similarity of one query part and one record part, in [0, 1].
pub(crate) fn part_similarity(q: &PartView<'_>, r: &PartView<'_>) -> f64 {
    forms_similarity(q, r).sim
}

/// Buffers reused across the comparisons of one query, so that scoring
/// hundreds of candidates allocates nothing.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    matrix: Vec<(f64, u16, u16)>,
    q_used: Vec<bool>,
    r_used: Vec<bool>,
    pairs: Vec<(u16, u16)>,
    r_rarity: Vec<f64>,
    q_weight: Vec<f64>,
    r_weight: Vec<f64>,
    joined: [String; 3],
}

/// The outcome of [`assign`]; the matched pairs stay in the scratch.
struct Assigned {
    score: f64,
    /// Set when the whole strings matched better: the record's parts were
    /// taken reversed or not.
    joined: Option<bool>,
}

/// Pairs query parts with record parts, best pairs first, and scores the
/// pairing. `sim(i, j)` is the similarity of query part `i` and record part
/// `j`; the search passes a memoized one, the explanation the plain one.
fn assign(
    q: &[PartView<'_>],
    r: &[PartView<'_>],
    mut sim: impl FnMut(usize, usize) -> f64,
    s: &mut Scratch,
    rarity: &[f64],
) -> Assigned {
    let m = |i: usize| rarity.get(i).copied().unwrap_or(1.0);
    s.q_weight.clear();
    s.q_weight.extend(q.iter().map(weight));
    s.r_weight.clear();
    s.r_weight.extend(r.iter().map(weight));
    s.matrix.clear();
    let in_order = all_han(q) && all_han(r);
    for i in 0..q.len() {
        for j in 0..r.len() {
            if in_order && i != j {
                continue;
            }
            let v = sim(i, j);
            if v >= PART_FLOOR {
                s.matrix.push((v, i as u16, j as u16));
            }
        }
    }
    // Ties go to the earlier query part, then the earlier record part.
    s.matrix
        .sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    s.q_used.clear();
    s.q_used.resize(q.len(), false);
    s.r_used.clear();
    s.r_used.resize(r.len(), false);
    s.pairs.clear();
    let mut num = 0.0;
    for &(v, i, j) in &s.matrix {
        let (iu, ju) = (i as usize, j as usize);
        if s.q_used[iu] || s.r_used[ju] {
            continue;
        }
        s.q_used[iu] = true;
        s.r_used[ju] = true;
        num += credit(v) * (s.q_weight[iu] + s.r_weight[ju]) * m(iu);
        s.pairs.push((i, j));
    }
    // A query part the record lacks counts against in full, unless it is a
    // patronymic: records often leave those out.
    let mut den = 0.0;
    for (i, ((p, used), w)) in q.iter().zip(&s.q_used).zip(&s.q_weight).enumerate() {
        den += w * m(i) * if !used && p.role == Role::Patronymic { 0.15 } else { 1.0 };
    }
    // A matched record part weighs what its query part does; the others
    // as much as an average query part.
    let mean = if q.is_empty() {
        1.0
    } else {
        (0..q.len()).map(m).sum::<f64>() / q.len() as f64
    };
    s.r_rarity.clear();
    s.r_rarity.resize(r.len(), mean);
    for &(i, j) in &s.pairs {
        s.r_rarity[j as usize] = m(i as usize);
    }
    // A record part the query leaves out: a patronymic hardly counts,
    // another part (a middle name) counts some.
    for (((p, used), rarity), w) in r.iter().zip(&s.r_used).zip(&s.r_rarity).zip(&s.r_weight) {
        den += w
            * rarity
            * match (used, p.role) {
                (true, _) => 1.0,
                (false, Role::Patronymic) => 0.15,
                (false, _) => 0.7,
            };
    }
    let mut score = if den > 0.0 { num / den } else { 0.0 };
    let mut joined = None;
    // Whole strings are for names split differently (Xiaoming / Xiao Ming);
    // names with as many parts were compared part by part, and joining them
    // would let a shared given name carry another surname (Rogolov / Rogov).
    // They score at most JOINED_WEIGHT, so a better pairing spares them.
    let named = |parts: &[PartView<'_>]| parts.iter().filter(|p| p.role != Role::Patronymic).count();
    if named(q) != named(r) && score < JOINED_WEIGHT {
        let (j, reversed) = joined_similarity(q, r, &mut s.joined, JOINED_FLOOR.max(score));
        // Only as good as a near-identical whole string; otherwise a shared
        // long surname would carry a different given name along.
        if j >= JOINED_FLOOR && j > score {
            score = j;
            joined = Some(reversed);
        }
    }
    Assigned {
        score: round(score),
        joined,
    }
}

/// The score of two names given as part lists, with a memoized part
/// similarity: the fast path of the search.
pub(crate) fn name_score(
    q: &[PartView<'_>],
    r: &[PartView<'_>],
    sim: impl FnMut(usize, usize) -> f64,
    s: &mut Scratch,
    rarity: &[f64],
) -> f64 {
    assign(q, r, sim, s, rarity).score
}

/// Compares a query name with a record name, part by part in any order.
pub fn compare_names(query: &PreparedName, record_encoded: &str) -> NameMatch {
    compare_names_weighted(query, record_encoded, &[])
}

/// [`compare_names`] with each query part's weight scaled by how rare it is
/// among the names searched (`rarity[i]` in (0, 1], 1 when missing): a
/// shared common given name says less than a shared rare surname.
pub fn compare_names_weighted(query: &PreparedName, record_encoded: &str, rarity: &[f64]) -> NameMatch {
    let q: Vec<PartView<'_>> = query.parts().collect();
    let r: Vec<PartView<'_>> = parts_of(record_encoded).collect();
    let mut s = Scratch::default();
    let assigned = assign(&q, &r, |i, j| part_similarity(&q[i], &r[j]), &mut s, rarity);
    let parts = s
        .pairs
        .iter()
        .map(|&(i, j)| {
            let (qp, rp) = (&q[i as usize], &r[j as usize]);
            let best = forms_similarity(qp, rp);
            PartMatch {
                query: qp.original.to_owned(),
                record: rp.original.to_owned(),
                how: describe(&best),
                similarity: round(best.sim),
            }
        })
        .collect();
    let unmatched = |parts: &[PartView<'_>], used: &[bool]| -> Vec<String> {
        parts
            .iter()
            .zip(used)
            .filter(|(_, used)| !**used)
            .map(|(p, _)| p.original.to_owned())
            .collect()
    };
    let [query_joined, forward, backward] = &s.joined;
    NameMatch {
        score: assigned.score,
        parts,
        unmatched_query: unmatched(&q, &s.q_used),
        unmatched_record: unmatched(&r, &s.r_used),
        joined: assigned.joined.map(|reversed| {
            let other = if reversed { backward } else { forward };
            format!("{query_joined} ~ {other} as one string")
        }),
    }
}

/// Whole-string similarity is weaker evidence than part by part: it counts
/// this share of its face value.
const JOINED_WEIGHT: f64 = 0.95;

/// What the whole strings must score at least to count.
const JOINED_FLOOR: f64 = 0.9;

/// The names as whole strings (parts in the query's order, against the
/// record's parts in order and reversed, patronymics left out), for names
/// split differently. Returns the similarity and whether the reversed order
/// gave it; the strings stay in `buf` (query, forward, backward). Either
/// direction is computed only if its cheap upper bound reaches `need`;
/// below it the answer is 0.
fn joined_similarity(q: &[PartView<'_>], r: &[PartView<'_>], buf: &mut [String; 3], need: f64) -> (f64, bool) {
    let concat = |out: &mut String, parts: &mut dyn Iterator<Item = &PartView<'_>>| {
        out.clear();
        for p in parts.filter(|p| p.role != Role::Patronymic) {
            out.push_str(p.first());
        }
    };
    let [qs, forward, backward] = buf;
    concat(qs, &mut q.iter());
    concat(forward, &mut r.iter());
    concat(backward, &mut r.iter().rev());
    if qs.len() < 4 {
        return (0.0, false);
    }
    let qs = qs.as_str();
    let whole = |other: &str| {
        // Spelling is at most Jaro-Winkler and at most 1.1 - len diff / longest
        // (lengths in bytes, the same as in letters only for ASCII).
        let longest = qs.len().max(other.len()).max(1) as f64;
        let by_length = if qs.is_ascii() && other.is_ascii() {
            1.1 - qs.len().abs_diff(other.len()) as f64 / longest
        } else {
            1.1
        };
        let bound = jaro_winkler_bound(qs, other).unwrap_or(1.0).min(by_length);
        if (bound + 1e-9) * JOINED_WEIGHT < need {
            0.0
        } else {
            spelling(qs, other)
        }
    };
    let (f, b) = (whole(forward), whole(backward));
    if f >= b {
        (f * JOINED_WEIGHT, false)
    } else {
        (b * JOINED_WEIGHT, true)
    }
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
            ("鲁迅", "Лу Синь"),
            ("李白", "Ли Бо"),
            ("張小明", "Xiaoming Zhang"),
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
    fn whole_strings_only_for_names_split_differently() {
        // Split differently: the whole strings decide.
        let split = compare_names(
            &PreparedName::new("Wang Xiaoming").expect("a"),
            PreparedName::new("Wang Xiao Ming").expect("b").encoded(),
        );
        assert!(split.joined.is_some() && split.score >= 0.9, "{split:?}");
        // As many parts besides the patronymic: part by part, and a shared
        // given name does not carry a longer surname along.
        for (a, b) in [
            ("Nikolay Rogolov", "Николай Дмитриевич Рогов"),
            ("Manuchehr Hamizzoda", "Манучеҳр Раҳимович Ҳамонзода"),
        ] {
            let m = compare_names(
                &PreparedName::new(a).expect("a"),
                PreparedName::new(b).expect("b").encoded(),
            );
            assert!(m.joined.is_none() && m.score < 0.85, "{a} / {b}: {m:?}");
        }
    }

    #[test]
    fn han_names_compare_in_order_and_by_reading() {
        // Simplified and traditional characters are the same name.
        assert_eq!(score("杨晓", "楊曉"), 1.0);
        // Surname first: the same syllables the other way round are another person.
        assert!(score("杨晓", "萧洋") < 0.5, "{}", score("杨晓", "萧洋"));
        // Other syllables with the same consonants or a near spelling are other characters.
        for (a, b) in [("熊正", "孙忠"), ("蒋薇", "万晶"), ("邹红燕", "邹宏洋")] {
            let s = score(a, b);
            assert!(s < 0.7, "{a} / {b}: {s}");
        }
        // Palladius Сюн is 熊, not 孙 (sun): no longer the same consonants.
        assert!(score("Сюн Чжэн", "孙忠") < 0.8, "{}", score("Сюн Чжэн", "孙忠"));
        // A Latin query may put the surname last.
        assert!(score("Hao Song", "宋浩") >= 0.85, "{}", score("Hao Song", "宋浩"));
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
