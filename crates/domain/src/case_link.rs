//! Links between the objects of the anti-drug and judicial workflows: a
//! notification, an incident, a controlled delivery, a joint operation and
//! a legal-assistance request that concern one case are tied together, so
//! that the reader of one finds the others. A link is shown only where its
//! reader may read both ends; the ends keep their own handling codes.

use crate::rules::Refused;
use crate::text_enum;

/// The longest note on a link.
pub const NOTE_LIMIT: usize = 2_000;

text_enum! {
    /// What a link's end is.
    pub enum CaseKind as "case kind" {
        Notification = "notification",
        Incident = "incident",
        Delivery = "delivery",
        Operation = "operation",
        LegalRequest = "legal-request",
    }
}

impl CaseKind {
    /// The prefix of this kind's ids.
    pub fn id_prefix(self) -> &'static str {
        match self {
            CaseKind::Notification => "pen-",
            CaseKind::Incident => "inc-",
            CaseKind::Delivery => "cd-",
            CaseKind::Operation => "op-",
            CaseKind::LegalRequest => "mla-",
        }
    }
}

/// One end of a link.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CaseRef {
    pub kind: CaseKind,
    pub id: String,
}

impl CaseRef {
    /// The end an id names: its prefix tells its kind, so that a link is
    /// given by two ids alone.
    pub fn parse(field: &str, id: &str) -> Result<CaseRef, Refused> {
        let id = id.trim();
        CaseKind::ALL
            .iter()
            .copied()
            .find(|k| id.starts_with(k.id_prefix()) && id.len() > k.id_prefix().len())
            .map(|kind| CaseRef {
                kind,
                id: id.to_owned(),
            })
            .ok_or_else(|| {
                Refused::invalid(
                    field,
                    format!(
                        "{id:?} is not the id of a notification (pen-), incident (inc-), controlled delivery (cd-), \
                         joint operation (op-) or legal-assistance request (mla-)"
                    ),
                )
            })
    }
}

/// A link as stored: `from` is the end its author linked from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseLink {
    pub id: String,
    pub from: CaseRef,
    pub to: CaseRef,
    pub note: String,
    /// The authority and state of its author.
    pub authority: String,
    pub state: Option<String>,
    pub created_at: String,
}

impl CaseLink {
    /// The other end, seen from `me`; `None` when `me` is neither end.
    pub fn other(&self, me: &CaseRef) -> Option<&CaseRef> {
        if self.from == *me {
            Some(&self.to)
        } else if self.to == *me {
            Some(&self.from)
        } else {
            None
        }
    }
}

/// Checks a link before either end is read: two different objects and a
/// bounded note. Returns the pair in a stable order, so that linking A to
/// B and B to A is one link.
pub fn check(from: &CaseRef, to: &CaseRef, note: &str) -> Result<(CaseRef, CaseRef), Refused> {
    if from == to {
        return Err(Refused::invalid("to", "a case is not linked to itself"));
    }
    if note.chars().count() > NOTE_LIMIT {
        return Err(Refused::invalid("note", format!("longer than {NOTE_LIMIT} characters")));
    }
    Ok(if from < to {
        (from.clone(), to.clone())
    } else {
        (to.clone(), from.clone())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(kind: CaseKind, id: &str) -> CaseRef {
        CaseRef { kind, id: id.into() }
    }

    #[test]
    fn a_pair_is_one_link_whichever_end_it_starts_from() {
        let a = r(CaseKind::Delivery, "cd-1");
        let b = r(CaseKind::Incident, "inc-1");
        assert_eq!(check(&a, &b, "").ok(), check(&b, &a, "").ok());
        let l = CaseLink {
            id: "lnk-1".into(),
            from: a.clone(),
            to: b.clone(),
            note: String::new(),
            authority: "x".into(),
            state: None,
            created_at: String::new(),
        };
        assert_eq!(l.other(&a), Some(&b));
        assert_eq!(l.other(&b), Some(&a));
        assert_eq!(l.other(&r(CaseKind::Operation, "op-1")), None);
    }

    #[test]
    fn wrong_links_are_refused_with_their_field() {
        let a = r(CaseKind::Delivery, "cd-1");
        let e = check(&a, &a, "").expect_err("self-link");
        assert!(e.to_string().contains("itself"), "{e}");
        let e = check(&a, &r(CaseKind::Operation, "op-2"), &"x".repeat(NOTE_LIMIT + 1)).expect_err("long note");
        assert!(e.to_string().contains("note"), "{e}");
        for wrong in ["rec-1", "cd-", "", "cdx-1", "ntf-1"] {
            let e = CaseRef::parse("to", wrong).expect_err("wrong id");
            assert!(e.to_string().starts_with("to:"), "{wrong}: {e}");
        }
        assert_eq!(
            CaseRef::parse("to", " mla-7 ").ok(),
            Some(r(CaseKind::LegalRequest, "mla-7"))
        );
        assert_eq!(
            CaseRef::parse("to", "pen-7").ok(),
            Some(r(CaseKind::Notification, "pen-7"))
        );
    }
}
