//! Multi-year cooperation programmes (the 2019-2021 programme against
//! terrorism, separatism and extremism is the model; the anti-drug
//! strategy's action plans likewise): actions with responsible states, an
//! indicator and a deadline, and each responsible state's reported
//! progress. An action past its deadline that a responsible state has not
//! completed is overdue.

use crate::rules::Refused;
use crate::{HandlingCode, Registry, StateCode};
use std::collections::{BTreeMap, BTreeSet};
use time::{Date, Month};

/// The longest text field.
pub const TEXT_LIMIT: usize = 5_000;
/// The most actions or participants.
pub const LIST_LIMIT: usize = 100;

/// An action as adopted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionInput {
    pub title: String,
    pub responsible: Vec<StateCode>,
    /// How progress is measured.
    pub indicator: String,
    pub deadline: Date,
}

/// A programme as adopted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeInput {
    pub name: String,
    pub first_year: i32,
    pub last_year: i32,
    pub participants: Vec<StateCode>,
    pub actions: Vec<ActionInput>,
    pub handling: HandlingCode,
}

/// A state's reported progress on an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// 0 to 100.
    pub percent: i64,
    pub note: String,
    pub reported_at: String,
}

/// An action with its progress by state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeAction {
    pub position: i64,
    pub title: String,
    pub responsible: Vec<StateCode>,
    pub indicator: String,
    pub deadline: Date,
    pub progress: BTreeMap<StateCode, Progress>,
}

impl ProgrammeAction {
    /// The responsible states that have not completed it.
    pub fn open_for(&self) -> Vec<&StateCode> {
        self.responsible
            .iter()
            .filter(|s| self.progress.get(*s).is_none_or(|p| p.percent < 100))
            .collect()
    }

    /// Past its deadline with a responsible state not done.
    pub fn overdue(&self, today: Date) -> bool {
        self.deadline < today && !self.open_for().is_empty()
    }
}

/// A programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Programme {
    pub id: String,
    pub originator: crate::AuthorityId,
    pub originator_state: Option<StateCode>,
    pub name: String,
    pub first_year: i32,
    pub last_year: i32,
    pub participants: Vec<StateCode>,
    pub actions: Vec<ProgrammeAction>,
    pub handling: HandlingCode,
    pub created_at: String,
}

fn text(field: &str, value: &str) -> Result<(), Refused> {
    if value.trim().is_empty() {
        return Err(Refused::invalid(field, "must not be empty"));
    }
    if value.chars().count() > TEXT_LIMIT {
        return Err(Refused::invalid(field, format!("longer than {TEXT_LIMIT} characters")));
    }
    Ok(())
}

/// Checks a programme: a name, years in order, known distinct
/// participants, and actions whose responsible states take part and whose
/// deadlines fall within the programme's years. Returns the handling code
/// shared with the participants.
pub fn check(p: &ProgrammeInput, registry: &Registry) -> Result<HandlingCode, Refused> {
    text("name", &p.name)?;
    if p.last_year < p.first_year || p.last_year - p.first_year > 20 || p.first_year < 1990 {
        return Err(Refused::invalid(
            "last_year",
            format!(
                "{}-{} is not a programme's span (at most 20 years, in order)",
                p.first_year, p.last_year
            ),
        ));
    }
    if p.participants.is_empty() || p.participants.len() > LIST_LIMIT || p.actions.len() > LIST_LIMIT {
        return Err(Refused::invalid("participants", format!("between 1 and {LIST_LIMIT}")));
    }
    let mut seen = BTreeSet::new();
    for (i, s) in p.participants.iter().enumerate() {
        if !registry.states.contains_key(s) || !seen.insert(s) {
            return Err(Refused::invalid(
                format!("participants[{i}]"),
                format!("{s} is unknown or named twice"),
            ));
        }
    }
    let (from, to) = match (
        Date::from_calendar_date(p.first_year, Month::January, 1),
        Date::from_calendar_date(p.last_year, Month::December, 31),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        _ => return Err(Refused::invalid("first_year", "not a year")),
    };
    if p.actions.is_empty() {
        return Err(Refused::invalid("actions", "a programme has at least one action"));
    }
    for (i, a) in p.actions.iter().enumerate() {
        text(&format!("actions[{i}].title"), &a.title)?;
        text(&format!("actions[{i}].indicator"), &a.indicator)?;
        if a.responsible.is_empty() {
            return Err(Refused::invalid(
                format!("actions[{i}].responsible"),
                "at least one state",
            ));
        }
        for s in &a.responsible {
            if !p.participants.contains(s) {
                return Err(Refused::invalid(
                    format!("actions[{i}].responsible"),
                    format!("{s} does not take part in the programme"),
                ));
            }
        }
        if a.deadline < from || a.deadline > to {
            return Err(Refused::invalid(
                format!("actions[{i}].deadline"),
                format!(
                    "{} is outside the programme's years {}-{}",
                    a.deadline, p.first_year, p.last_year
                ),
            ));
        }
    }
    Ok(HandlingCode {
        distribution: crate::Distribution::States(p.participants.iter().cloned().collect()),
        ..p.handling.clone()
    })
}
