//! Multilingual name matching for screening: a name in any of the member
//! states' scripts is read into parts with Latin forms under the systems
//! people use (BGN/PCGN, ICAO, ISO 9, French, German for Cyrillic; Pinyin,
//! Wade-Giles, Palladius for Han; consonant skeletons for Arabic script;
//! inherent vowels for Devanagari), compared part by part in any order, and
//! scored with birth date, nationality, gender and document numbers. Every
//! score comes with its explanation.
//!
//! Architecture invariant: no I/O. An index is built in memory and turned
//! into bytes and back; the caller reads and writes files.

pub mod arabic;
pub mod compare;
pub mod cyrillic;
pub mod devanagari;
pub mod han;
pub mod index;
pub mod latin;
pub mod name;
pub mod similarity;
pub mod subject;

pub use compare::{NameMatch, PartMatch, compare_names, compare_names_weighted};
pub use index::{DEFAULT_THRESHOLD, Hit, Index, IndexBuilder, IndexError, IndexRecord, SearchOptions};
pub use name::{NameError, PreparedName};
pub use subject::{Birth, Explanation, Factor, Kind, Prepared, Subject, SubjectError};

/// Compares two names as `concord compare` does: the score and why.
pub fn compare(a: &str, b: &str) -> Result<(f64, NameMatch), NameError> {
    let a = PreparedName::new(a)?;
    let b = PreparedName::new(b)?;
    let m = compare_names(&a, b.encoded());
    Ok((m.score, m))
}
