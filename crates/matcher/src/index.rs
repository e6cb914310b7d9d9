//! The screening index: every record's prepared names in one arena, and
//! posting lists from phonetic keys to names. A query finds candidates
//! through the keys of its parts (two parts in common, or one part and the
//! birth year, or a document number), ranks them cheaply, and scores the best
//! few in full.

use crate::compare::{Scratch, name_score, part_similarity};
use crate::latin::skeleton;
use crate::name::{FormView, PartView, PreparedName, Role, Via, parts_of};
use crate::subject::{
    Birth, Explanation, Kind, OTHER_YEAR_CEILING, Prepared, RecordFacts, country, gender_code, normalize_identifier,
    score_record_weighted, score_with_facts,
};
use rustc_hash::FxHashMap as HashMap;
use std::io::{Read, Write};

/// A record as the index takes it.
#[derive(Debug, Clone, Default)]
pub struct IndexRecord {
    pub id: String,
    pub kind: Option<Kind>,
    pub names: Vec<String>,
    pub birth_date: Option<String>,
    pub nationality: Option<String>,
    pub gender: Option<String>,
    pub identifiers: Vec<String>,
}

/// Search settings.
#[derive(Debug, Clone, Copy)]
pub struct SearchOptions {
    /// Results at most.
    pub limit: usize,
    /// Results below this score are left out.
    pub threshold: f64,
    /// Candidates scored in full per query name.
    pub candidates: usize,
}

/// The threshold a result must reach unless the caller sets another; chosen
/// on the evaluation in `BENCHMARKS.md`.
pub const DEFAULT_THRESHOLD: f64 = 0.9;

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 10,
            threshold: DEFAULT_THRESHOLD,
            candidates: 64,
        }
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Position of the record in the index.
    pub record: u32,
    pub score: f64,
    pub explanation: Explanation,
}

/// Why a saved index cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    #[error("not a Concord screening index (bad magic)")]
    Magic,
    #[error(
        "a screening index of another Concord version ({found}, this one reads {wanted}): build it again with `concord index`"
    )]
    Version { found: String, wanted: String },
    #[error("the index file is truncated or damaged ({0})")]
    Damaged(&'static str),
}

/// The first bytes of a saved index; the number changes with the key scheme.
pub const MAGIC: &[u8; 8] = b"CCDIDX05";
/// What every version's magic begins with.
pub const FAMILY: &[u8; 6] = b"CCDIDX";
const UNKNOWN_YEAR: u16 = 0;

fn hash(kind: u8, text: &str, year: u16) -> u32 {
    // FNV-1a; a collision only adds a candidate.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in std::iter::once(kind).chain(text.bytes()).chain(year.to_le_bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h >> 32) as u32 ^ h as u32
}

/// The key texts of one part: the skeleton of every form, or the form itself
/// when it has no consonants.
fn part_keys(forms: impl Iterator<Item = (Via, String)>) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for (_, text) in forms {
        let s = skeleton(&text);
        let k = if s.is_empty() { text } else { s };
        if !k.is_empty() && !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys
}

fn name_part_keys(encoded: &str) -> Vec<Vec<String>> {
    parts_of(encoded)
        .filter(|p| p.role != Role::Initial)
        .map(|p| part_keys(p.forms().map(|f| (f.via, f.text.to_owned()))))
        .collect()
}

/// Names carrying a part before its weight starts to fall.
const COMMON_FROM: f64 = 50.0;

/// The weight of a part that `df` indexed names carry.
fn rarity_weight(df: usize) -> f64 {
    if (df as f64) <= COMMON_FROM {
        1.0
    } else {
        (1.0 - 0.15 * (df as f64 / COMMON_FROM).ln()).max(0.35)
    }
}

/// Builds an index one record at a time.
#[derive(Debug, Default)]
pub struct IndexBuilder {
    index: Index,
    pairs: Vec<u64>,
    /// Names that could not be read, with the reason.
    pub skipped: Vec<(String, String)>,
}

impl IndexBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a record; names that cannot be read are skipped and noted.
    pub fn add(&mut self, record: &IndexRecord) {
        let ix = &mut self.index;
        let rec = ix.ids.len() as u32;
        let birth = record.birth_date.as_deref().and_then(Birth::parse).unwrap_or_default();
        let first_name = ix.names.len() as u32;
        for name in &record.names {
            match PreparedName::new(name) {
                Ok(p) => {
                    let n = ix.names.len() as u32;
                    let start = ix.arena.len() as u64;
                    ix.arena.push_str(&name.replace('\u{1D}', " "));
                    ix.arena.push('\u{1D}');
                    ix.arena.push_str(p.encoded());
                    ix.names.push((rec, start, ix.arena.len() as u64));
                    ix.starts.push(Starts::of_name(p.encoded()));
                    for keys in name_part_keys(p.encoded()) {
                        for k in keys {
                            self.pairs.push((hash(b't', &k, 0) as u64) << 32 | n as u64);
                            self.pairs.push((hash(b'y', &k, birth.year) as u64) << 32 | n as u64);
                        }
                    }
                }
                Err(e) => self.skipped.push((record.id.clone(), format!("{name:?}: {e}"))),
            }
        }
        let ids: Vec<String> = record
            .identifiers
            .iter()
            .map(|i| normalize_identifier(i))
            .filter(|i| !i.is_empty())
            .collect();
        if ix.names.len() as u32 > first_name {
            for id in &ids {
                self.pairs.push((hash(b'd', id, 0) as u64) << 32 | first_name as u64);
            }
        }
        ix.ids.push(record.id.clone());
        ix.first_name.push(first_name);
        ix.birth.push(birth.pack());
        ix.nationality
            .push(record.nationality.as_deref().and_then(country).unwrap_or([0, 0]));
        ix.gender
            .push(record.gender.as_deref().and_then(gender_code).unwrap_or(0));
        ix.kind.push(match record.kind {
            Some(Kind::Person) => b'P',
            Some(Kind::Organization) => b'O',
            None => 0,
        });
        ix.identifiers.push(ids.join("\n"));
    }

    /// The index.
    pub fn finish(mut self) -> Index {
        self.pairs.sort_unstable();
        self.pairs.dedup();
        let ix = &mut self.index;
        ix.first_name.push(ix.names.len() as u32);
        for pair in &self.pairs {
            let key = (pair >> 32) as u32;
            if ix.keys.last() != Some(&key) {
                ix.keys.push(key);
                ix.offsets.push(ix.postings.len() as u32);
            }
            ix.postings.push(*pair as u32);
        }
        ix.offsets.push(ix.postings.len() as u32);
        self.index
    }
}

/// Entries walked per posting list at most for a query without a birth
/// year (and for a one-part name always). Only names that thousands of
/// records share reach it; past it the candidates would all score alike,
/// and walking them would cost more than the search may.
const WALK_LIMIT: usize = 20_000;

/// Scores candidates against one query. Candidates share parts with the
/// query and with each other (they were found through them), so part
/// similarities are remembered by the record part's forms.
struct Scorer<'q, 'i> {
    query: Vec<Vec<PartView<'q>>>,
    /// Per query name, each part's rarity weight (see [`Index::rarity`]).
    rarity: &'q [Vec<f64>],
    /// Where each query name's parts start in the memo's numbering.
    offsets: Vec<usize>,
    memo: HashMap<(usize, &'i str), f64>,
    record: Vec<PartView<'i>>,
    scratch: Scratch,
}

impl<'q, 'i> Scorer<'q, 'i> {
    fn new(query: &'q Prepared, rarity: &'q [Vec<f64>]) -> Self {
        let query: Vec<Vec<PartView<'q>>> = query.names.iter().map(|n| n.parts().collect()).collect();
        let mut offsets = Vec::with_capacity(query.len());
        let mut at = 0;
        for parts in &query {
            offsets.push(at);
            at += parts.len();
        }
        Scorer {
            query,
            rarity,
            offsets,
            memo: HashMap::with_capacity_and_hasher(512, Default::default()),
            record: Vec::new(),
            scratch: Scratch::default(),
        }
    }

    /// The best score of any query name against any of the record's names,
    /// as [`score_record`] finds it.
    fn best_name(&mut self, names: impl Iterator<Item = &'i str>) -> Option<f64> {
        let Scorer {
            query,
            rarity,
            offsets,
            memo,
            record,
            scratch,
        } = self;
        let mut best: Option<f64> = None;
        for encoded in names {
            record.clear();
            record.extend(parts_of(encoded));
            for ((q, offset), weights) in query.iter().zip(offsets.iter()).zip(rarity.iter()) {
                let sim = |i: usize, j: usize| {
                    let (qp, rp) = (&q[i], &record[j]);
                    // An initial compares differently from a name with the
                    // same forms, so the role is part of the key.
                    let key = (((offset + i) << 2) | rp.role as usize, rp.forms);
                    *memo.entry(key).or_insert_with(|| part_similarity(qp, rp))
                };
                let score = name_score(q, record, sim, scratch, weights);
                if best.is_none_or(|b| score > b) {
                    best = Some(score);
                }
            }
        }
        best
    }
}

/// How each of a text's forms begins, as bit masks over the letters a to z:
/// enough to tell cheaply whether two parts could be one name written with
/// at most one slip among its first letters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Starts {
    /// The first letters.
    first: u32,
    /// The second letters.
    second: u32,
    /// The second and third letters together, hashed to one of 31 bits.
    pair: u32,
}

impl Starts {
    /// How one part's forms begin.
    fn of_part(part: &PartView<'_>) -> Starts {
        let mut s = Starts::default();
        part.forms().for_each(|f| s.add(f));
        s
    }

    /// How the forms of every part of an encoded name begin.
    fn of_name(encoded: &str) -> Starts {
        let mut s = Starts::default();
        parts_of(encoded).for_each(|p| p.forms().for_each(|f| s.add(f)));
        s
    }

    fn add(&mut self, form: FormView<'_>) {
        let bit = |c: u8| if c.is_ascii_lowercase() { 1u32 << (c - b'a') } else { 0 };
        let t = form.text.as_bytes();
        if let Some(&c) = t.first() {
            self.first |= bit(c);
        }
        if let Some(&c) = t.get(1) {
            self.second |= bit(c);
        }
        if let (Some(&a), Some(&b)) = (t.get(1), t.get(2))
            && a.is_ascii_lowercase()
            && b.is_ascii_lowercase()
        {
            self.pair |= 1 << (((a - b'a') as u32 * 26 + (b - b'a') as u32) % 31);
        }
    }

    /// Whether a query part starting so could be a part of a record name
    /// starting as `name` does: the same first letter, or one slip at the
    /// start (the first letter left out, one put before it, the first two
    /// swapped, or the first replaced before the same second and third).
    fn could_begin(&self, name: &Starts) -> bool {
        self.first & (name.first | name.second) != 0 || self.second & name.first != 0 || self.pair & name.pair != 0
    }
}

/// How each query part's forms begin, the query's names one after another.
fn query_starts(query: &Prepared) -> Vec<Starts> {
    query
        .names
        .iter()
        .flat_map(|n| n.parts().map(|p| Starts::of_part(&p)).collect::<Vec<_>>())
        .collect()
}

/// How many query parts begin with a letter that some part of the record
/// name begins with: a cheap hint, for ranking candidates only.
fn shared_initials(query: &[Starts], name: &Starts) -> u8 {
    query
        .iter()
        .filter(|q| q.first & name.first != 0)
        .count()
        .min(u8::MAX as usize) as u8
}

/// A built or loaded index.
#[derive(Debug, Default, Clone)]
pub struct Index {
    ids: Vec<String>,
    /// Per record, the first of its names; one more entry at the end.
    first_name: Vec<u32>,
    birth: Vec<u32>,
    nationality: Vec<[u8; 2]>,
    gender: Vec<u8>,
    kind: Vec<u8>,
    identifiers: Vec<String>,
    /// Per name: record, start and end in the arena.
    names: Vec<(u32, u64, u64)>,
    /// Per name: how its forms begin.
    starts: Vec<Starts>,
    arena: String,
    keys: Vec<u32>,
    offsets: Vec<u32>,
    postings: Vec<u32>,
}

impl Index {
    /// Records held.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Names held.
    pub fn names(&self) -> usize {
        self.names.len()
    }

    /// The id of record `record`.
    pub fn id(&self, record: u32) -> &str {
        self.ids.get(record as usize).map(String::as_str).unwrap_or("")
    }

    fn posting(&self, key: u32) -> &[u32] {
        match self.keys.binary_search(&key) {
            Ok(i) => &self.postings[self.offsets[i] as usize..self.offsets[i + 1] as usize],
            Err(_) => &[],
        }
    }

    fn name(&self, n: u32) -> (&str, &str) {
        let (_, start, end) = self.names[n as usize];
        let text = &self.arena[start as usize..end as usize];
        text.split_once('\u{1D}').unwrap_or((text, ""))
    }

    fn record_names(&self, record: u32) -> impl Iterator<Item = (&str, &str)> {
        let (a, b) = (self.first_name[record as usize], self.first_name[record as usize + 1]);
        (a..b).map(|n| self.name(n))
    }

    /// The best records for `query` among those `allow` admits.
    pub fn search(&self, query: &Prepared, options: &SearchOptions, allow: &dyn Fn(u32) -> bool) -> Vec<Hit> {
        // name -> (parts matched, by year or document)
        let mut found: HashMap<u32, (u8, bool)> = HashMap::with_capacity_and_hasher(256, Default::default());
        // A record born in another year cannot reach a threshold above the
        // ceiling, so only the postings of the query's year (and of records
        // without one) need walking: lists about fifty times shorter.
        let year = (query.birth.year > 0 && options.threshold > OTHER_YEAR_CEILING).then_some(query.birth.year);
        // Each query name's part keys: the candidates' postings and the parts' rarity.
        let keys: Vec<Vec<Vec<String>>> = query.names.iter().map(|n| name_part_keys(n.encoded())).collect();
        for parts in &keys {
            // Without a birth year nothing else tells apart the thousands
            // that share a common name; with one, every posting is walked.
            let walk = if query.birth.year == 0 { WALK_LIMIT } else { usize::MAX };
            self.candidates_by_parts(parts, year, walk, &mut found);
            if query.birth.year > 0 {
                for part in parts {
                    for k in part {
                        for year in [query.birth.year, UNKNOWN_YEAR] {
                            for n in self.posting(hash(b'y', k, year)) {
                                let e = found.entry(*n).or_insert((0, false));
                                e.1 = true;
                                if e.0 == 0 {
                                    e.0 = 1;
                                }
                            }
                        }
                    }
                }
            }
        }
        for id in &query.identifiers {
            for n in self.posting(hash(b'd', id, 0)) {
                found.insert(*n, (8, true));
            }
        }
        let q = query.birth;
        let compat = |rec: u32| -> u8 {
            let r = Birth::unpack(self.birth[rec as usize]);
            if q.year == 0 || r.year == 0 {
                1
            } else if r.year == q.year && (q.month == 0 || r.month == 0 || q.month == r.month) {
                2
            } else {
                0
            }
        };
        let wanted_kind = query.kind.map(|k| if k == Kind::Person { b'P' } else { b'O' });
        let starts = query_starts(query);
        let several_parts = query.names.iter().all(|n| n.parts().nth(1).is_some());
        let mut ranked: Vec<(u8, u8, u8, u32, u32)> = found
            .into_iter()
            .filter_map(|(n, (count, _))| {
                let name = &self.starts[n as usize];
                // A name found through one part alone is worth scoring only
                // if another query part could begin like one of its parts:
                // most share a common given name and nothing else.
                if count == 1 && several_parts && starts.iter().filter(|q| q.could_begin(name)).count() < 2 {
                    return None;
                }
                let rec = self.names[n as usize].0;
                let kind = self.kind[rec as usize];
                if wanted_kind.is_some_and(|w| kind != 0 && kind != w) || !allow(rec) {
                    return None;
                }
                // The score rises with the name's, so not even a perfect
                // name lifts a record above the threshold whose other facts
                // (another birth month, gender, nationality) keep it below.
                if score_with_facts(query, &self.facts(rec), 1.0).0 < options.threshold {
                    return None;
                }
                Some((count, compat(rec), shared_initials(&starts, name), n, rec))
            })
            .collect();
        let budget = options.candidates.max(options.limit) * query.names.len().max(1);
        if ranked.len() > budget {
            // Too many: those sharing only some parts (a typo changed another
            // part's key) are told apart by the initials of the other parts.
            ranked.select_nth_unstable_by(budget, |a, b| (b.0, b.1, b.2, a.3).cmp(&(a.0, a.1, a.2, b.3)));
            ranked.truncate(budget);
        }
        let mut records: Vec<u32> = ranked.iter().map(|r| r.4).collect();
        records.sort_unstable();
        records.dedup();
        // Score every candidate without words, then explain only the results.
        let rarity = self.rarity(query, &keys);
        let mut scorer = Scorer::new(query, &rarity);
        let mut scored: Vec<(f64, u32)> = records
            .into_iter()
            .filter_map(|rec| {
                let name = scorer.best_name(self.record_names(rec).map(|(_, encoded)| encoded))?;
                let (score, rank) = score_with_facts(query, &self.facts(rec), name);
                (score >= options.threshold).then_some((rank, rec))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(options.limit);
        scored
            .into_iter()
            .filter_map(|(_, rec)| {
                let (score, explanation) =
                    score_record_weighted(query, self.record_names(rec), self.facts(rec), &rarity)?;
                Some(Hit {
                    record: rec,
                    score,
                    explanation,
                })
            })
            .collect()
    }

    /// Per query name, each part's weight by how many indexed names carry
    /// it: 1 up to [`COMMON_FROM`] names, then less, down to a floor.
    /// Sharing a given name that thousands carry says less than sharing a
    /// surname that a few do.
    /// `keys` are each name's [`name_part_keys`], which skip initials.
    fn rarity(&self, query: &Prepared, keys: &[Vec<Vec<String>>]) -> Vec<Vec<f64>> {
        query
            .names
            .iter()
            .zip(keys)
            .map(|(name, parts)| {
                let mut parts = parts.iter();
                name.parts()
                    .map(|p| match p.role {
                        Role::Initial => 1.0,
                        _ => {
                            let df = parts
                                .next()
                                .into_iter()
                                .flatten()
                                .map(|k| self.posting(hash(b't', k, 0)).len())
                                .max()
                                .unwrap_or(0);
                            rarity_weight(df)
                        }
                    })
                    .collect()
            })
            .collect()
    }

    fn facts(&self, rec: u32) -> RecordFacts<'_> {
        let nat = self.nationality[rec as usize];
        RecordFacts {
            birth: Birth::unpack(self.birth[rec as usize]),
            nationality: (nat != [0, 0]).then_some(nat),
            gender: Some(self.gender[rec as usize]).filter(|g| *g != 0),
            identifiers: &self.identifiers[rec as usize],
        }
    }

    /// Names sharing at least two parts with the query (or one, when the
    /// query has one part), found by walking the shortest posting lists.
    fn candidates_by_parts(
        &self,
        parts: &[Vec<String>],
        year: Option<u16>,
        walk: usize,
        found: &mut HashMap<u32, (u8, bool)>,
    ) {
        let lists: Vec<Vec<&[u32]>> = parts
            .iter()
            .map(|keys| {
                let postings = |k: &String| match year {
                    Some(y) => [
                        self.posting(hash(b'y', k, y)),
                        self.posting(hash(b'y', k, UNKNOWN_YEAR)),
                    ],
                    None => [self.posting(hash(b't', k, 0)), &[][..]],
                };
                keys.iter().flat_map(postings).filter(|l| !l.is_empty()).collect()
            })
            .collect();
        let size = |i: usize| lists[i].iter().map(|l| l.len()).sum::<usize>();
        let mut order: Vec<usize> = (0..lists.len()).filter(|i| size(*i) > 0).collect();
        order.sort_by_key(|i| size(*i));
        if order.len() == 1 || lists.len() == 1 {
            // One part: its rarest list, bounded.
            if let Some(i) = order.first() {
                for l in &lists[*i] {
                    for n in l.iter().take(WALK_LIMIT) {
                        found.entry(*n).or_insert((1, false));
                    }
                }
            }
            return;
        }
        // Two drivers, so a misspelt part that happens to be rare does not
        // hide the others.
        for (d, driver) in order.iter().take(2).enumerate() {
            for list in &lists[*driver] {
                for n in list.iter().take(walk) {
                    let mut count = 1u8;
                    for other in &order {
                        if other == driver {
                            continue;
                        }
                        if lists[*other].iter().any(|l| l.binary_search(n).is_ok()) {
                            count += 1;
                        }
                    }
                    if count >= 2 || (d == 0 && order.len() < lists.len()) {
                        let e = found.entry(*n).or_insert((0, false));
                        e.0 = e.0.max(count);
                    }
                }
            }
        }
    }

    /// The index as bytes, to save; [`Index::from_bytes`] reads them back.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.arena.len() + self.postings.len() * 4 + self.names.len() * 20 + 64);
        // Writing to a Vec cannot fail.
        let _ = self.write_to(&mut out);
        out
    }

    /// Writes the index as [`Index::to_bytes`] does, a section at a time,
    /// so that saving a large index does not hold a second copy in memory.
    pub fn write_to(&self, w: &mut impl Write) -> std::io::Result<()> {
        w.write_all(MAGIC)?;
        let strings = |w: &mut dyn Write, v: &[String]| -> std::io::Result<()> {
            put_u64(w, v.len() as u64)?;
            for s in v {
                put_u64(w, s.len() as u64)?;
                w.write_all(s.as_bytes())?;
            }
            Ok(())
        };
        strings(w, &self.ids)?;
        put_u32s(w, &self.first_name)?;
        put_u32s(w, &self.birth)?;
        let nat: Vec<u8> = self.nationality.iter().flatten().copied().collect();
        put_bytes(w, &nat)?;
        put_bytes(w, &self.gender)?;
        put_bytes(w, &self.kind)?;
        strings(w, &self.identifiers)?;
        let recs: Vec<u32> = self.names.iter().map(|n| n.0).collect();
        put_u32s(w, &recs)?;
        put_u64(w, self.names.len() as u64)?;
        for n in &self.names {
            put_u64(w, n.1)?;
            put_u64(w, n.2)?;
        }
        put_bytes(w, self.arena.as_bytes())?;
        put_u32s(w, &self.keys)?;
        put_u32s(w, &self.offsets)?;
        put_u32s(w, &self.postings)?;
        for part in [|s: &Starts| s.first, |s: &Starts| s.second, |s: &Starts| s.pair] {
            put_u32s(w, &self.starts.iter().map(part).collect::<Vec<u32>>())?;
        }
        Ok(())
    }

    /// Reads an index saved by [`Index::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Index, IndexError> {
        Index::read_from(&mut &bytes[..], bytes.len() as u64)
    }

    /// Reads an index of `size` bytes a section at a time (see
    /// [`Index::write_to`]): loading holds no second copy of the file.
    pub fn read_from(source: &mut impl Read, size: u64) -> Result<Index, IndexError> {
        let mut r = Reader {
            source,
            remaining: size,
        };
        let magic = r.take(8, "magic")?;
        if magic != MAGIC[..] {
            return Err(if magic.starts_with(FAMILY) {
                IndexError::Version {
                    found: String::from_utf8_lossy(&magic).into_owned(),
                    wanted: String::from_utf8_lossy(MAGIC).into_owned(),
                }
            } else {
                IndexError::Magic
            });
        }
        let ids = r.strings("ids")?;
        let first_name = r.u32s("first names")?;
        let birth = r.u32s("birth dates")?;
        let nationality = r
            .bytes("nationalities")?
            .chunks_exact(2)
            .map(|c| [c[0], c[1]])
            .collect();
        let gender = r.bytes("genders")?;
        let kind = r.bytes("kinds")?;
        let identifiers = r.strings("identifiers")?;
        let recs = r.u32s("name records")?;
        let count = r.u64("names")? as usize;
        if count != recs.len() {
            return Err(IndexError::Damaged("name table"));
        }
        let mut names = Vec::with_capacity(count);
        for rec in recs {
            names.push((rec, r.u64("name")?, r.u64("name")?));
        }
        let arena = String::from_utf8(r.bytes("arena")?).map_err(|_| IndexError::Damaged("arena"))?;
        let keys = r.u32s("keys")?;
        let offsets = r.u32s("offsets")?;
        let postings = r.u32s("postings")?;
        let (first, second, pair) = (r.u32s("initials")?, r.u32s("second letters")?, r.u32s("letter pairs")?);
        if first.len() != second.len() || first.len() != pair.len() {
            return Err(IndexError::Damaged("name beginnings"));
        }
        let starts = first
            .into_iter()
            .zip(second)
            .zip(pair)
            .map(|((first, second), pair)| Starts { first, second, pair })
            .collect();
        let ix = Index {
            ids,
            first_name,
            birth,
            nationality,
            gender,
            kind,
            identifiers,
            names,
            arena,
            keys,
            offsets,
            postings,
            starts,
        };
        ix.check()?;
        Ok(ix)
    }

    fn check(&self) -> Result<(), IndexError> {
        let n = self.ids.len();
        if self.first_name.len() != n + 1
            || [
                self.birth.len(),
                self.nationality.len(),
                self.gender.len(),
                self.kind.len(),
                self.identifiers.len(),
            ]
            .iter()
            .any(|l| *l != n)
        {
            return Err(IndexError::Damaged("record tables"));
        }
        if self.offsets.len() != self.keys.len() + 1
            || self.offsets.last().copied().unwrap_or(0) as usize != self.postings.len()
        {
            return Err(IndexError::Damaged("posting lists"));
        }
        if self.offsets.windows(2).any(|w| w[0] > w[1]) || self.first_name.windows(2).any(|w| w[0] > w[1]) {
            return Err(IndexError::Damaged("offsets"));
        }
        if self.first_name.last().copied().unwrap_or(0) as usize != self.names.len()
            || self.starts.len() != self.names.len()
            || self.postings.iter().any(|p| *p as usize >= self.names.len())
        {
            return Err(IndexError::Damaged("name numbers"));
        }
        for (rec, start, end) in &self.names {
            if *rec as usize >= n
                || start > end
                || *end as usize > self.arena.len()
                || !self.arena.is_char_boundary(*start as usize)
                || !self.arena.is_char_boundary(*end as usize)
            {
                return Err(IndexError::Damaged("names"));
            }
        }
        Ok(())
    }
}

fn put_u64(w: &mut (impl Write + ?Sized), v: u64) -> std::io::Result<()> {
    w.write_all(&v.to_le_bytes())
}

fn put_bytes(w: &mut (impl Write + ?Sized), v: &[u8]) -> std::io::Result<()> {
    put_u64(w, v.len() as u64)?;
    w.write_all(v)
}

fn put_u32s(w: &mut (impl Write + ?Sized), v: &[u32]) -> std::io::Result<()> {
    put_u64(w, v.len() as u64)?;
    let mut buf = Vec::with_capacity(64 * 1024);
    for chunk in v.chunks(16 * 1024) {
        buf.clear();
        for x in chunk {
            buf.extend_from_slice(&x.to_le_bytes());
        }
        w.write_all(&buf)?;
    }
    Ok(())
}

/// Reads sections from a source of known size; a length that claims more
/// than what is left is damage, not an allocation.
struct Reader<'a, R: Read> {
    source: &'a mut R,
    remaining: u64,
}

impl<R: Read> Reader<'_, R> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<Vec<u8>, IndexError> {
        if n as u64 > self.remaining {
            return Err(IndexError::Damaged(what));
        }
        let mut v = vec![0u8; n];
        self.source.read_exact(&mut v).map_err(|_| IndexError::Damaged(what))?;
        self.remaining -= n as u64;
        Ok(v)
    }

    fn u64(&mut self, what: &'static str) -> Result<u64, IndexError> {
        let b = self.take(8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(&b);
        Ok(u64::from_le_bytes(a))
    }

    fn len(&mut self, unit: usize, what: &'static str) -> Result<usize, IndexError> {
        let n = self.u64(what)?;
        if n.checked_mul(unit as u64).is_none_or(|b| b > self.remaining) {
            return Err(IndexError::Damaged(what));
        }
        usize::try_from(n).map_err(|_| IndexError::Damaged(what))
    }

    fn bytes(&mut self, what: &'static str) -> Result<Vec<u8>, IndexError> {
        let n = self.len(1, what)?;
        self.take(n, what)
    }

    fn u32s(&mut self, what: &'static str) -> Result<Vec<u32>, IndexError> {
        let n = self.len(4, what)?;
        let mut out = Vec::with_capacity(n);
        let mut buf = vec![0u8; 64 * 1024];
        let mut left = n * 4;
        while left > 0 {
            let chunk = left.min(buf.len());
            self.source
                .read_exact(&mut buf[..chunk])
                .map_err(|_| IndexError::Damaged(what))?;
            out.extend(
                buf[..chunk]
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            );
            left -= chunk;
        }
        self.remaining -= (n * 4) as u64;
        Ok(out)
    }

    fn strings(&mut self, what: &'static str) -> Result<Vec<String>, IndexError> {
        let n = self.len(8, what)?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            let s = self.bytes(what)?;
            v.push(String::from_utf8(s).map_err(|_| IndexError::Damaged(what))?);
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subject::{Subject, score_record};

    fn record(id: &str, names: &[&str], birth: &str) -> IndexRecord {
        IndexRecord {
            id: id.into(),
            kind: Some(Kind::Person),
            names: names.iter().map(|s| s.to_string()).collect(),
            birth_date: Some(birth.into()),
            identifiers: vec![format!("P-{id}")],
            ..Default::default()
        }
    }

    #[test]
    fn a_common_given_name_counts_less_than_a_rare_surname() {
        assert_eq!(rarity_weight(10), 1.0);
        assert!(rarity_weight(5_000) < rarity_weight(500) && rarity_weight(500) < 1.0);
        assert!(rarity_weight(10_000_000) >= 0.35);
        // Three hundred Nurlans with other surnames, and one Nurlan Sadykov.
        let mut b = IndexBuilder::new();
        let letters: Vec<char> = ('a'..='z').collect();
        for i in 0..300 {
            let surname = format!("Ka{}{}ov", letters[i % 26], letters[i / 26]);
            b.add(&record(&format!("n{i}"), &[&format!("Nurlan {surname}")], "1970"));
        }
        b.add(&record("sadykov", &["Nurlan Sadykov"], "1970"));
        let ix = b.finish();
        let score = |name: &str| {
            scored(&ix, name, None, 0.0)
                .into_iter()
                .find(|(id, _)| id == "sadykov")
                .map(|(_, score)| score)
        };
        assert_eq!(score("Nurlan Sadykov"), Some(1.0), "an exact name stays exact");
        let near = score("Nurlan Sadikhov").expect("found");
        let (pairwise, _) = crate::compare("Nurlan Sadikhov", "Nurlan Sadykov").expect("compare");
        assert!(
            near < pairwise,
            "sharing the common given name counts less in the index ({near}) than alone ({pairwise})"
        );
    }

    fn index() -> Index {
        let mut b = IndexBuilder::new();
        b.add(&record("chekhov", &["Антон Павлович Чехов"], "1860-01-29"));
        b.add(&record("chekhov-brother", &["Николай Павлович Чехов"], "1858"));
        b.add(&record("lu-xun", &["鲁迅", "周树人"], "1881-09-25"));
        b.add(&record("bad", &["", "???"], "1900"));
        b.finish()
    }

    fn search(ix: &Index, name: &str, birth: Option<&str>) -> Vec<String> {
        scored(ix, name, birth, DEFAULT_THRESHOLD)
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    }

    /// The hits' ids and scores at `threshold`.
    fn scored(ix: &Index, name: &str, birth: Option<&str>, threshold: f64) -> Vec<(String, f64)> {
        let q = Subject {
            names: vec![name.into()],
            birth_date: birth.map(Into::into),
            ..Default::default()
        }
        .prepare()
        .expect("query");
        let options = SearchOptions {
            threshold,
            ..Default::default()
        };
        ix.search(&q, &options, &|_| true)
            .iter()
            .map(|h| (ix.id(h.record).to_owned(), h.score))
            .collect()
    }

    const PARTS: [&str; 16] = [
        "Антон",
        "Anton",
        "Чехов",
        "Tschechow",
        "Павлович",
        "A.",
        "王",
        "小明",
        "Xiaoming",
        "محمد",
        "Mohammed",
        "Ali",
        "Alijon",
        "Ivanov",
        "Iwanow",
        "Karimovna",
    ];

    proptest::proptest! {
        /// The search ranks with a memoized score and explains only the
        /// results: both must give the same number for any pair of names.
        #[test]
        fn the_fast_score_is_the_explained_score(
            q in proptest::collection::vec(0..PARTS.len(), 1..4),
            names in proptest::collection::vec(proptest::collection::vec(0..PARTS.len(), 1..5), 1..3),
            birth in proptest::option::of(1950u16..1953),
        ) {
            let join = |ix: &[usize]| ix.iter().map(|i| PARTS[*i]).collect::<Vec<_>>().join(" ");
            let query = Subject {
                names: vec![join(&q), join(&names[0])],
                birth_date: birth.map(|y| y.to_string()),
                ..Default::default()
            }
            .prepare()
            .expect("query");
            let mut b = IndexBuilder::new();
            let names: Vec<String> = names.iter().map(|n| join(n)).collect();
            b.add(&IndexRecord { id: "r".into(), names, birth_date: Some("1951".into()), ..Default::default() });
            let ix = b.finish();
            let unweighted = vec![Vec::new(); query.names.len()];
            let mut scorer = Scorer::new(&query, &unweighted);
            // Twice: the second time from the memo.
            for _ in 0..2 {
                let name = scorer.best_name(ix.record_names(0).map(|(_, e)| e)).expect("a name");
                let (fast, _) = score_with_facts(&query, &ix.facts(0), name);
                let (explained, _) = score_record(&query, ix.record_names(0), ix.facts(0)).expect("scored");
                proptest::prop_assert_eq!(fast, explained);
            }
        }
    }

    #[test]
    fn a_threshold_only_hides_the_results_below_it() {
        let ix = index();
        for (name, birth) in [
            ("Anton Chekhov", Some("1860-01")),
            ("Anton Chekhov", Some("1860-05")),
            ("Антон Павлович Чехов", Some("1860-01-30")),
            ("Nikolai Chekhov", Some("1858")),
            ("Chekhov", None),
            ("Lu Xun", Some("1881-09-25")),
            ("Zhou Shuren", Some("1881-10")),
        ] {
            let all = scored(&ix, name, birth, 0.0);
            for threshold in [0.5, 0.8, 0.85, 0.9, 0.95] {
                let above: Vec<(String, f64)> = all.iter().filter(|(_, s)| *s >= threshold).cloned().collect();
                assert_eq!(
                    scored(&ix, name, birth, threshold),
                    above,
                    "{name} {birth:?} at {threshold}"
                );
            }
        }
    }

    #[test]
    fn a_name_found_through_one_part_is_scored_only_if_another_could_begin_alike() {
        let mut b = IndexBuilder::new();
        b.add(&record("petrov", &["Иван Петров"], "1970"));
        b.add(&record("sidorov", &["Иван Сидоров"], "1970"));
        let ix = b.finish();
        // "Aetrov" shares no key with Петров: both are found through Иван and
        // the year alone. Petrov may be the same name with its first letter
        // mistyped; Sidorov cannot.
        let found: Vec<String> = scored(&ix, "Ivan Aetrov", Some("1970"), 0.0)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(found, ["petrov"]);
    }

    fn starts_of_name(name: &str) -> Starts {
        let p = PreparedName::new(name).expect("name");
        Starts::of_name(p.encoded())
    }

    fn starts_of_part(name: &str) -> Starts {
        let p = PreparedName::new(name).expect("name");
        let part = p.parts().next().expect("a part");
        Starts::of_part(&part)
    }

    #[test]
    fn initials_are_the_first_letters_of_every_form() {
        let bit = |c: u8| 1u32 << (c - b'a');
        assert_eq!(starts_of_name("Чехов Anton").first, bit(b'c') | bit(b'a'));
        assert_eq!(starts_of_part("Чехов").first, bit(b'c'));
        // Pinyin wang, Wade-Giles wang, Palladius van; hsiao, siao, hiao...
        assert_ne!(starts_of_name("王小明").first & bit(b'v'), 0);
    }

    #[test]
    fn one_slip_at_the_start_still_begins_alike() {
        let record = starts_of_name("Ivan Petrov");
        for slip in ["Petrov", "etrov", "Epetrov", "Eptrov", "Aetrov", "Ptrov"] {
            assert!(starts_of_part(slip).could_begin(&record), "{slip}");
        }
        for other in ["Smirnov", "Kuznetsov", "Zhukov"] {
            assert!(!starts_of_part(other).could_begin(&record), "{other}");
        }
    }

    #[test]
    fn finds_across_scripts_and_ranks_the_brother_below() {
        let ix = index();
        assert_eq!(search(&ix, "Anton Tschechow", None), ["chekhov"]);
        assert_eq!(
            search(&ix, "Chekhov Anton", Some("1860")).first().map(String::as_str),
            Some("chekhov")
        );
        assert_eq!(search(&ix, "Lu Xun", None), ["lu-xun"]);
        assert!(search(&ix, "Zhou Shuren", None).contains(&"lu-xun".to_owned()));
    }

    #[test]
    fn the_filter_hides_records() {
        let ix = index();
        let q = Subject {
            names: vec!["Anton Chekhov".into()],
            ..Default::default()
        }
        .prepare()
        .expect("q");
        assert!(
            ix.search(&q, &SearchOptions::default(), &|r| ix.id(r) != "chekhov")
                .iter()
                .all(|h| ix.id(h.record) != "chekhov")
        );
    }

    #[test]
    fn a_document_number_alone_finds_its_record() {
        let ix = index();
        let q = Subject {
            names: vec!["X Y".into()],
            identifiers: vec!["p chekhov".into()],
            ..Default::default()
        }
        .prepare()
        .expect("q");
        let opts = SearchOptions {
            threshold: 0.0,
            ..Default::default()
        };
        assert!(
            ix.search(&q, &opts, &|_| true)
                .iter()
                .any(|h| ix.id(h.record) == "chekhov")
        );
    }

    #[test]
    fn saved_and_loaded_index_answers_the_same() {
        let ix = index();
        let back = Index::from_bytes(&ix.to_bytes()).expect("load");
        assert_eq!(search(&back, "Anton Chekhov", None), search(&ix, "Anton Chekhov", None));
        assert!(matches!(Index::from_bytes(b"nonsense"), Err(IndexError::Magic)));
        let mut older = ix.to_bytes();
        older[..8].copy_from_slice(b"CCDIDX04");
        let error = Index::from_bytes(&older).expect_err("an older version");
        assert!(
            error.to_string().contains("CCDIDX04") && error.to_string().contains("concord index"),
            "{error}"
        );
        let bytes = ix.to_bytes();
        for cut in [9, bytes.len() / 2, bytes.len() - 1] {
            assert!(Index::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }
}
