//! Each state's yearly figures by category, as the state reports them, and
//! the rules a report must keep: a known category, a count that is not
//! negative, a year in which the state belonged to the organization and
//! that has begun, a substance only for seizures. Figures derived from
//! Concord's own objects are counted by `concord_app::statistics`; a small
//! derived count is suppressed where it could point at a person
//! ([`suppressed`]).

use crate::rules::Refused;
use crate::{MembershipStatus, Registry, StateCode, text_enum};
use time::{Date, Month};

/// The largest count a report may carry.
pub const MAX_VALUE: i64 = 1_000_000_000_000;
/// Derived counts below this (and above zero) that concern persons are
/// shown to other states as "fewer than" it.
pub const SMALL_CELL: i64 = 3;

text_enum! {
    /// What a figure counts.
    pub enum Category as "statistics category" {
        TerroristCrimesPrevented = "terrorist-crimes-prevented",
        AttacksPrevented = "attacks-prevented",
        TrainingBasesDismantled = "training-bases-dismantled",
        Arrests = "arrests",
        BannedMembersDetained = "banned-members-detained",
        WeaponsSeized = "weapons-seized",
        /// Grams of a substance; the figure names it.
        Seizures = "seizures",
    }
}

impl Category {
    /// Whether the category counts persons (and so its small derived
    /// cells are suppressed).
    pub fn counts_persons(self) -> bool {
        matches!(self, Category::Arrests | Category::BannedMembersDetained)
    }
}

/// A figure as a state reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureInput {
    pub year: i32,
    pub category: Category,
    /// For seizures: the substance (as the operations write it, lower case).
    pub substance: Option<String>,
    /// A count, or grams for seizures.
    pub value: i64,
    /// Where the figure comes from (a national report, a ministry).
    pub source: String,
}

/// A reported figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub state: StateCode,
    pub year: i32,
    pub category: Category,
    pub substance: Option<String>,
    pub value: i64,
    pub source: String,
    pub reported_by: String,
    /// The reporting authority.
    pub authority: crate::AuthorityId,
    pub reported_at: String,
    pub version: i64,
}

/// The substance key of a figure: seizures name one, nothing else does.
pub fn substance_key(f: &FigureInput) -> String {
    f.substance
        .as_deref()
        .map(|s| s.trim().to_lowercase())
        .unwrap_or_default()
}

/// Checks a report by `state` on `today`.
pub fn check(f: &FigureInput, state: &StateCode, registry: &Registry, today: Date) -> Result<(), Refused> {
    if f.value < 0 {
        return Err(Refused::invalid(
            "value",
            format!("{} is negative: a figure counts", f.value),
        ));
    }
    if f.value > MAX_VALUE {
        return Err(Refused::invalid("value", format!("{} is beyond any count", f.value)));
    }
    if f.source.chars().count() > 500 {
        return Err(Refused::invalid("source", "longer than 500 characters"));
    }
    if f.year > today.year() {
        return Err(Refused::invalid("year", format!("{} has not begun", f.year)));
    }
    let last_day = Date::from_calendar_date(f.year, Month::December, 31)
        .map_err(|_| Refused::invalid("year", format!("{} is not a year", f.year)))?;
    let first_day = Date::from_calendar_date(f.year, Month::January, 1)
        .map_err(|_| Refused::invalid("year", format!("{} is not a year", f.year)))?;
    // A member, observer or partner at some point of the year: it may have
    // joined during it, or left at its end.
    let belonged = [first_day, last_day]
        .into_iter()
        .chain(
            registry
                .states
                .get(state)
                .into_iter()
                .flat_map(|s| s.membership.iter().map(|e| e.since))
                .filter(|d| d.year() == f.year),
        )
        .any(|d| {
            matches!(
                registry.status_on(state, d),
                Some(MembershipStatus::Member | MembershipStatus::Observer | MembershipStatus::DialoguePartner)
            )
        });
    if !belonged {
        return Err(Refused::invalid(
            "year",
            format!("{state} did not belong to the organization in {}", f.year),
        ));
    }
    match (f.category, substance_key(f).is_empty()) {
        (Category::Seizures, true) => Err(Refused::invalid("substance", "a seizure figure names its substance")),
        (Category::Seizures, false) => Ok(()),
        (_, false) => Err(Refused::invalid(
            "substance",
            format!("only seizures name a substance, not {}", f.category),
        )),
        (_, true) => Ok(()),
    }
}

/// What a reader outside `cell_state` is shown of a derived count in
/// `category`: `None` when it must be suppressed (a count of persons above
/// zero and below [`SMALL_CELL`]).
pub fn suppressed(category: Category, value: i64, cell_state: &StateCode, reader: Option<&StateCode>) -> Option<i64> {
    if category.counts_persons() && value > 0 && value < SMALL_CELL && reader != Some(cell_state) {
        None
    } else {
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{MembershipEvent, Names, State};
    use time::macros::date;

    fn registry() -> Registry {
        let mut r = Registry::default();
        for (code, since, status) in [
            ("KZ", date!(2001 - 06 - 15), MembershipStatus::Member),
            ("IN", date!(2017 - 06 - 09), MembershipStatus::Member),
        ] {
            r.states.insert(
                StateCode::from(code),
                State {
                    code: StateCode::from(code),
                    name: Names::default(),
                    membership: vec![MembershipEvent { since, status }],
                },
            );
        }
        r
    }

    fn figure(year: i32, category: Category, value: i64) -> FigureInput {
        FigureInput {
            year,
            category,
            substance: None,
            value,
            source: String::new(),
        }
    }

    #[test]
    fn a_report_belongs_to_a_year_of_membership_that_has_begun() {
        let r = registry();
        let today = date!(2026 - 12 - 06);
        let india = StateCode::from("IN");
        assert!(
            check(&figure(2017, Category::Arrests, 4), &india, &r, today).is_ok(),
            "joined in 2017"
        );
        let e = check(&figure(2016, Category::Arrests, 4), &india, &r, today).expect_err("before joining");
        assert!(e.to_string().starts_with("year:"), "{e}");
        let e = check(&figure(2027, Category::Arrests, 4), &india, &r, today).expect_err("future");
        assert!(e.to_string().contains("not begun"), "{e}");
        let e = check(&figure(2020, Category::Arrests, -1), &india, &r, today).expect_err("negative");
        assert!(e.to_string().starts_with("value:"), "{e}");
        let e = check(&figure(2020, Category::Seizures, 10), &india, &r, today).expect_err("no substance");
        assert!(e.to_string().starts_with("substance:"), "{e}");
        let mut heroin = figure(2020, Category::Arrests, 10);
        heroin.substance = Some("heroin".into());
        let e = check(&heroin, &india, &r, today).expect_err("substance on arrests");
        assert!(e.to_string().starts_with("substance:"), "{e}");
        let e = check(&figure(2020, Category::Arrests, 1), &StateCode::from("XX"), &r, today).expect_err("unknown");
        assert!(e.to_string().starts_with("year:"), "{e}");
    }

    #[test]
    fn small_counts_of_persons_are_suppressed_for_other_states_only() {
        let kz = StateCode::from("KZ");
        let cn = StateCode::from("CN");
        assert_eq!(suppressed(Category::Arrests, 2, &kz, Some(&cn)), None);
        assert_eq!(suppressed(Category::Arrests, 2, &kz, Some(&kz)), Some(2));
        assert_eq!(suppressed(Category::Arrests, 0, &kz, Some(&cn)), Some(0));
        assert_eq!(suppressed(Category::Arrests, 3, &kz, Some(&cn)), Some(3));
        assert_eq!(
            suppressed(Category::Arrests, 1, &kz, None),
            None,
            "the structure sees no small cell"
        );
        assert_eq!(suppressed(Category::WeaponsSeized, 1, &kz, Some(&cn)), Some(1));
    }
}
