//! Exchange formats, read into [`concord_domain::ImportItem`]s and written
//! from [`concord_domain::Record`]s: FollowTheMoney entities as JSON lines
//! ([`ftm`]), CSV with a documented header ([`csv`]), and the UN Security
//! Council consolidated list XML ([`unsc`], import only).
//!
//! Architecture invariant: parsing and writing only; the store decides what
//! is written and who may read what.

pub mod csv;
pub mod ftm;
pub mod precursor_csv;
pub mod stix;
pub mod subjects;
pub mod unified_list;
pub mod unsc;

use concord_domain::{HandlingCode, LegalBasis};
use time::Date;

/// What the importing command supplies for every record of a file.
#[derive(Debug, Clone)]
pub struct ImportDefaults {
    /// The legal basis the records rest on.
    pub legal_basis: LegalBasis,
    /// Their handling code.
    pub handling: HandlingCode,
    /// Their review date.
    pub review_date: Date,
    /// The evidence summary for records whose file gives none.
    pub evidence: Option<String>,
}

/// Splits a list written in one cell: `a; b; c`.
pub(crate) fn split_list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(';').map(str::trim).filter(|s| !s.is_empty())
}

/// Whether `bytes` are one well-formed JSON document: the check an attached
/// `application/json` file must pass.
pub fn well_formed_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
}

#[cfg(test)]
mod json_tests {
    #[test]
    fn only_whole_json_documents_are_well_formed() {
        assert!(super::well_formed_json(br#"{"a": [1, 2]}"#));
        assert!(super::well_formed_json(b" [] "));
        assert!(!super::well_formed_json(br#"{"a": "#));
        assert!(!super::well_formed_json(b"{} {}"));
        assert!(!super::well_formed_json(b"%PDF-1.7"));
    }
}
