//! The rules for contributing and keeping a record: who may write what, and
//! which input a write refuses. Pure: the application layer calls them with
//! the record it read and today's date, before the store writes anything.

use crate::record::{self, Checklist};
use crate::rules::{Checked, Refused, require_role, stated};
use crate::{Distribution, Record, RecordInput, RecordStatus, Registry, Role, Viewer};
use time::Date;

/// The roles that contribute and change records and their relationships.
pub const WORKERS: &[Role] = &[Role::Analyst, Role::Officer, Role::Supervisor];

/// The roles that take review and consent decisions on their authority's records.
pub const DECIDERS: &[Role] = &[Role::Officer, Role::Supervisor];

/// Whether `viewer` may contribute records at all.
pub fn check_contributor(viewer: &Viewer) -> Checked {
    if viewer.roles.any(WORKERS) {
        Ok(())
    } else {
        Err(Refused::Forbidden(
            "contributing records needs the analyst, officer or supervisor role".into(),
        ))
    }
}

/// A record's content as `viewer` submits it: within their clearance, to
/// known states, reviewed after `today`, and valid by [`record::validate`].
pub fn check_input(viewer: &Viewer, input: &RecordInput, registry: &Registry, today: Date) -> Checked {
    check_contributor(viewer)?;
    if input.handling.classification > viewer.clearance {
        return Err(Refused::invalid(
            "handling.classification",
            format!("above your clearance ({})", viewer.clearance),
        ));
    }
    if let Distribution::States(states) = &input.handling.distribution
        && let Some(s) = states.iter().find(|s| !registry.states.contains_key(*s))
    {
        return Err(Refused::invalid(
            "handling.distribution",
            format!("unknown state {:?}", s.as_str()),
        ));
    }
    if input.review_date <= today {
        return Err(Refused::invalid("review_date", "must be after today"));
    }
    match record::validate(input.kind, &input.facts, &input.legal_basis, &input.evidence, registry)
        .into_iter()
        .next()
    {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

/// `what` on record `r` is for its originating authority, with one of
/// `roles`, and never on an erased record.
pub fn check_originator(viewer: &Viewer, r: &Record, roles: &[Role], what: &str) -> Checked {
    if viewer.authority != r.protected.originator {
        return Err(Refused::Forbidden(format!(
            "{what} is for the originating authority ({})",
            r.protected.originator
        )));
    }
    require_role(viewer, roles, what)?;
    if r.status == RecordStatus::Deleted {
        return Err(Refused::Conflict(format!("record {} was erased", r.id)));
    }
    Ok(())
}

/// A change of content by its originator, with the reason it gives.
pub fn check_update(
    viewer: &Viewer,
    current: &Record,
    input: &RecordInput,
    reason: &str,
    registry: &Registry,
    today: Date,
) -> Checked {
    check_originator(viewer, current, WORKERS, "changing a record")?;
    stated("reason", reason, "say why the record changes")?;
    check_input(viewer, input, registry, today)
}

/// A compliance decision: it states its reasons, and approval needs every
/// item of the checklist.
pub fn check_compliance(approve: bool, checklist: &Checklist, note: &str) -> Checked {
    stated("note", note, "a compliance decision states its reasons")?;
    if approve {
        check_checklist(checklist)?;
    }
    Ok(())
}

/// Approval needs every item of the checklist.
fn check_checklist(checklist: &Checklist) -> Checked {
    match checklist.missing().first() {
        Some(missing) => Err(Refused::invalid(
            format!("checklist.{missing}"),
            "every item of the checklist must hold before approval",
        )),
        None => Ok(()),
    }
}

/// Approving a whole import at once: a supervisor, with the full checklist
/// and a note.
pub fn check_bulk_approval(viewer: &Viewer, checklist: &Checklist, note: &str) -> Checked {
    if !viewer.roles.has(Role::Supervisor) {
        return Err(Refused::Forbidden("approval needs the supervisor role".into()));
    }
    check_checklist(checklist)?;
    stated("note", note, "a compliance decision states its reasons")
}

/// Extending a record's review: its originator, a reason, a later date.
pub fn check_extension(viewer: &Viewer, r: &Record, new_date: Date, reason: &str, today: Date) -> Checked {
    check_originator(viewer, r, DECIDERS, "a review decision")?;
    stated("reason", reason, "an extension states its reasons")?;
    if new_date <= today {
        return Err(Refused::invalid(
            "review_date",
            "the new review date must be after today",
        ));
    }
    Ok(())
}

/// Archiving a record at review: its originator, with a reason.
pub fn check_archive(viewer: &Viewer, r: &Record, reason: &str) -> Checked {
    check_originator(viewer, r, DECIDERS, "a review decision")?;
    stated("reason", reason, "archiving states its reasons")
}

/// Letting another authority pass a record on: its originator decides.
pub fn check_consent(viewer: &Viewer, r: &Record) -> Checked {
    check_originator(viewer, r, DECIDERS, "consent")
}

/// Erasing a record's personal data: the originator's data-protection
/// officer, by a recorded decision.
pub fn check_erasure(viewer: &Viewer, r: &Record, decision: &str) -> Checked {
    check_originator(viewer, r, &[Role::DataProtectionOfficer], "erasing a record")?;
    stated(
        "decision",
        decision,
        "erasure needs the recorded data-protection decision",
    )
}

/// A relationship between two records, before the two are looked up.
pub fn check_relationship(
    viewer: &Viewer,
    from: &str,
    to: &str,
    since: Option<Date>,
    until: Option<Date>,
    source: &str,
) -> Checked {
    if !viewer.roles.any(WORKERS) {
        return Err(Refused::Forbidden(
            "recording relationships needs the analyst, officer or supervisor role".into(),
        ));
    }
    if from == to {
        return Err(Refused::invalid("to", "a record cannot be related to itself"));
    }
    if let (Some(s), Some(u)) = (since, until)
        && u < s
    {
        return Err(Refused::invalid("until", "ends before it starts"));
    }
    stated("source", source, "say where the relationship is known from")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        AuthorityId, Category, Classification, Compliance, Facts, HandlingCode, LegalBasis, Protected, RecordKind,
        Roles, UserId,
    };
    use time::macros::date;

    const TODAY: Date = date!(2026 - 06 - 01);

    fn viewer(authority: &str, roles: &[Role], clearance: Classification) -> Viewer {
        Viewer {
            user: UserId::new("u"),
            authority: AuthorityId::new(authority),
            state: Some(crate::StateCode::new("kz")),
            roles: Roles::of(roles.iter().copied()),
            clearance,
        }
    }

    fn basis() -> LegalBasis {
        LegalBasis {
            instrument: "convention".into(),
            article: "1".into(),
            category: Category::ALL[0],
        }
    }

    fn record(originator: &str, status: RecordStatus) -> Record {
        Record {
            id: "rec-1".into(),
            kind: RecordKind::Person,
            title: "A".into(),
            facts: Facts::default(),
            legal_basis: basis(),
            evidence: "an act".into(),
            protected: Protected {
                originator: AuthorityId::new(originator),
                originator_state: None,
                handling: HandlingCode::open(),
                compliance: Compliance::Approved,
                review_date: Some(TODAY),
                consented: Default::default(),
                archived: false,
            },
            status,
            compliance_note: None,
            source_id: None,
            version: 1,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    fn input(classification: Classification, review_date: Date) -> RecordInput {
        RecordInput {
            kind: RecordKind::Person,
            facts: Facts::default(),
            legal_basis: basis(),
            evidence: "an act".into(),
            handling: HandlingCode {
                classification,
                ..HandlingCode::open()
            },
            review_date,
            source_id: None,
        }
    }

    fn field(r: Checked) -> String {
        match r {
            Err(Refused::Invalid(e)) => e.field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn only_workers_contribute_within_their_clearance_and_for_a_later_review() {
        let registry = Registry::default();
        let analyst = viewer("kz-a", &[Role::Analyst], Classification::Confidential);
        let admin = viewer("kz-a", &[Role::Administrator], Classification::Secret);
        let later = date!(2026 - 07 - 01);
        assert!(matches!(
            check_input(&admin, &input(Classification::Restricted, later), &registry, TODAY),
            Err(Refused::Forbidden(_))
        ));
        assert_eq!(
            field(check_input(
                &analyst,
                &input(Classification::Secret, later),
                &registry,
                TODAY
            )),
            "handling.classification"
        );
        assert_eq!(
            field(check_input(
                &analyst,
                &input(Classification::Restricted, TODAY),
                &registry,
                TODAY
            )),
            "review_date"
        );
    }

    #[test]
    fn only_the_originator_with_the_role_changes_and_never_an_erased_record() {
        let own = viewer("kz-a", &[Role::Officer], Classification::Secret);
        let foreign = viewer("cn-a", &[Role::Officer, Role::Supervisor], Classification::Secret);
        let analyst = viewer("kz-a", &[Role::Analyst], Classification::Secret);
        let r = record("kz-a", RecordStatus::Active);
        assert!(check_archive(&own, &r, "closed").is_ok());
        assert!(matches!(
            check_archive(&foreign, &r, "closed"),
            Err(Refused::Forbidden(_))
        ));
        assert!(matches!(
            check_archive(&analyst, &r, "closed"),
            Err(Refused::Forbidden(_))
        ));
        assert_eq!(field(check_archive(&own, &r, "  ")), "reason");
        let erased = record("kz-a", RecordStatus::Deleted);
        assert!(matches!(check_consent(&own, &erased), Err(Refused::Conflict(_))));
        let dpo = viewer("kz-a", &[Role::DataProtectionOfficer], Classification::Secret);
        assert!(matches!(
            check_erasure(&own, &r, "decision 4"),
            Err(Refused::Forbidden(_))
        ));
        assert_eq!(field(check_erasure(&dpo, &r, "")), "decision");
        assert!(check_erasure(&dpo, &r, "decision 4").is_ok());
    }

    #[test]
    fn decisions_state_reasons_and_approval_needs_the_whole_checklist() {
        let all = Checklist {
            criminal_act_described: true,
            legal_basis_cites_article: true,
            not_on_protected_grounds_alone: true,
        };
        let partial = Checklist {
            not_on_protected_grounds_alone: false,
            ..all
        };
        assert!(check_compliance(true, &all, "act described").is_ok());
        assert_eq!(field(check_compliance(true, &all, " ")), "note");
        assert_eq!(
            field(check_compliance(true, &partial, "ok")),
            "checklist.not_on_protected_grounds_alone"
        );
        assert!(check_compliance(false, &partial, "returned: grounds").is_ok());
        let analyst = viewer("kz-a", &[Role::Analyst, Role::Officer], Classification::Secret);
        assert!(matches!(
            check_bulk_approval(&analyst, &all, "ok"),
            Err(Refused::Forbidden(_))
        ));
        let own = viewer("kz-a", &[Role::Officer], Classification::Secret);
        let r = record("kz-a", RecordStatus::Active);
        assert_eq!(
            field(check_extension(&own, &r, TODAY, "open case", TODAY)),
            "review_date"
        );
        assert!(check_extension(&own, &r, date!(2026 - 06 - 02), "open case", TODAY).is_ok());
    }

    #[test]
    fn a_relationship_joins_two_records_in_time_order_from_a_source() {
        let analyst = viewer("kz-a", &[Role::Analyst], Classification::Secret);
        let dpo = viewer("kz-a", &[Role::DataProtectionOfficer], Classification::Secret);
        let (a, b) = (Some(date!(2020 - 01 - 01)), Some(date!(2019 - 01 - 01)));
        assert!(check_relationship(&analyst, "r1", "r2", b, a, "report").is_ok());
        assert!(matches!(
            check_relationship(&dpo, "r1", "r2", None, None, "report"),
            Err(Refused::Forbidden(_))
        ));
        assert_eq!(
            field(check_relationship(&analyst, "r1", "r1", None, None, "report")),
            "to"
        );
        assert_eq!(field(check_relationship(&analyst, "r1", "r2", a, b, "report")), "until");
        assert_eq!(
            field(check_relationship(&analyst, "r1", "r2", None, None, " ")),
            "source"
        );
    }
}
