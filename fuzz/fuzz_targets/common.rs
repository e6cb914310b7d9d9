use concord_domain::{Category, HandlingCode, LegalBasis};
use concord_exchange::ImportDefaults;
use concord_domain::{ImportError, ImportItem};

pub fn defaults() -> ImportDefaults {
    ImportDefaults {
        legal_basis: LegalBasis { instrument: "shanghai-convention-2001".into(), article: "1.1.3".into(), category: Category::Extremism },
        handling: HandlingCode::open(),
        review_date: time::macros::date!(2030 - 01 - 01),
        evidence: None,
    }
}

/// What an importer accepts must be well-formed: an id, a name, a line.
pub fn check(items: impl Iterator<Item = Result<(u64, ImportItem), ImportError>>) {
    for item in items.take(10_000) {
        match item {
            Ok((line, ImportItem::Record(r))) => {
                assert!(line >= 1);
                assert!(r.source_id.as_deref().is_some_and(|s| !s.trim().is_empty()), "a record without an id");
                assert!(r.facts.names.iter().all(|n| !n.full.trim().is_empty()), "an empty name");
                assert!(!r.evidence.trim().is_empty(), "no evidence");
            }
            Ok((_, ImportItem::Identifier { holder, identifier })) => {
                assert!(!holder.trim().is_empty() && !identifier.value.trim().is_empty());
            }
            Ok((_, ImportItem::Link { from, to, .. })) => assert!(!from.is_empty() && !to.is_empty()),
            Err(e) => assert!(!e.field.is_empty() && !e.message.is_empty(), "an error that names nothing"),
        }
    }
}
