//! Joint exercises, planned under the organization's procedure (the 2008
//! agreement on joint anti-terrorist exercises is the model): the
//! initiating state plans it with a host, participants and observers,
//! phases with dates and each state's forces; every participant must
//! confirm before it is held; the after-action report with its lessons
//! closes it.

use crate::rules::Refused;
use crate::{HandlingCode, Registry, StateCode, text_enum};
use std::collections::{BTreeMap, BTreeSet};
use time::Date;

/// The longest text field.
pub const TEXT_LIMIT: usize = 20_000;
/// The most phases, participants or observers.
pub const LIST_LIMIT: usize = 30;

text_enum! {
    /// What kind of exercise.
    pub enum ExerciseKind as "exercise kind" {
        CommandStaff = "command-staff",
        Field = "field",
        Cyber = "cyber",
        Border = "border",
    }
}

text_enum! {
    /// Where an exercise stands.
    pub enum Stage as "exercise stage" {
        /// Waiting for every participant's confirmation.
        Planned = "planned",
        /// Every participant confirmed.
        Confirmed = "confirmed",
        /// Held, with its after-action report.
        Conducted = "conducted",
    }
}

/// A phase with its dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phase {
    pub name: String,
    pub starts: Date,
    pub ends: Date,
}

/// An exercise as planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExerciseInput {
    pub name: String,
    pub kind: ExerciseKind,
    pub host: StateCode,
    pub participants: Vec<StateCode>,
    pub observers: Vec<StateCode>,
    pub phases: Vec<Phase>,
    pub scenario: String,
    /// Each participant's forces, in words.
    pub forces: BTreeMap<StateCode, String>,
    pub handling: HandlingCode,
}

/// An exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    pub id: String,
    pub originator: crate::AuthorityId,
    pub initiator: StateCode,
    pub name: String,
    pub kind: ExerciseKind,
    pub host: StateCode,
    pub participants: Vec<StateCode>,
    pub observers: Vec<StateCode>,
    pub phases: Vec<Phase>,
    pub scenario: String,
    pub forces: BTreeMap<StateCode, String>,
    /// The participants that confirmed, with when.
    pub confirmed: BTreeMap<StateCode, String>,
    pub stage: Stage,
    pub after_action: String,
    pub lessons: Vec<String>,
    pub handling: HandlingCode,
    pub created_at: String,
    pub version: i64,
}

impl Exercise {
    /// The participants that have not confirmed yet.
    pub fn awaiting(&self) -> Vec<&StateCode> {
        self.participants
            .iter()
            .filter(|p| !self.confirmed.contains_key(*p))
            .collect()
    }

    /// The first and last day.
    pub fn period(&self) -> Option<(Date, Date)> {
        Some((self.phases.first()?.starts, self.phases.last()?.ends))
    }
}

fn text(field: &str, value: &str, required: bool) -> Result<(), Refused> {
    if required && value.trim().is_empty() {
        return Err(Refused::invalid(field, "must not be empty"));
    }
    if value.chars().count() > TEXT_LIMIT {
        return Err(Refused::invalid(field, format!("longer than {TEXT_LIMIT} characters")));
    }
    Ok(())
}

/// Checks a plan by `initiator`: known, distinct states; the initiator and
/// the host among the participants; observers who do not also take part;
/// phases in order that do not overlap; forces only for participants.
/// Returns the handling code shared with participants and observers.
pub fn check(e: &ExerciseInput, initiator: &StateCode, registry: &Registry) -> Result<HandlingCode, Refused> {
    text("name", &e.name, true)?;
    text("scenario", &e.scenario, false)?;
    if e.participants.len() > LIST_LIMIT || e.observers.len() > LIST_LIMIT || e.phases.len() > LIST_LIMIT {
        return Err(Refused::invalid("participants", format!("more than {LIST_LIMIT}")));
    }
    let mut seen = BTreeSet::new();
    for (list, states) in [("participants", &e.participants), ("observers", &e.observers)] {
        for (i, s) in states.iter().enumerate() {
            if !registry.states.contains_key(s) {
                return Err(Refused::invalid(
                    format!("{list}[{i}]"),
                    format!("{s} is not a state of the registry"),
                ));
            }
            if !seen.insert(s) {
                return Err(Refused::invalid(
                    format!("{list}[{i}]"),
                    format!("{s} is named twice (a state takes part or observes, not both)"),
                ));
            }
        }
    }
    if !e.participants.contains(initiator) {
        return Err(Refused::invalid(
            "participants",
            format!("{initiator} initiates and so takes part"),
        ));
    }
    if !e.participants.contains(&e.host) {
        return Err(Refused::invalid(
            "host",
            format!("{} hosts but does not take part", e.host),
        ));
    }
    if e.phases.is_empty() {
        return Err(Refused::invalid("phases", "an exercise has at least one phase"));
    }
    for (i, p) in e.phases.iter().enumerate() {
        text(&format!("phases[{i}].name"), &p.name, true)?;
        if p.ends < p.starts {
            return Err(Refused::invalid(
                format!("phases[{i}].ends"),
                format!("{} is before the phase starts ({})", p.ends, p.starts),
            ));
        }
        if let Some(prev) = i.checked_sub(1).and_then(|j| e.phases.get(j))
            && p.starts <= prev.ends
        {
            return Err(Refused::invalid(
                format!("phases[{i}].starts"),
                format!(
                    "{} overlaps phase {} ({} – {}): phases follow one another",
                    p.starts, i, prev.starts, prev.ends
                ),
            ));
        }
    }
    for (s, f) in &e.forces {
        if !e.participants.contains(s) {
            return Err(Refused::invalid(
                format!("forces.{s}"),
                format!("{s} does not take part"),
            ));
        }
        text(&format!("forces.{s}"), f, false)?;
    }
    let mut reach: BTreeSet<StateCode> = e.participants.iter().cloned().collect();
    reach.extend(e.observers.iter().cloned());
    Ok(HandlingCode {
        distribution: crate::Distribution::States(reach),
        ..e.handling.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn phases_follow_one_another() {
        let mut r = Registry::default();
        for c in ["KZ", "CN", "RU"] {
            r.states.insert(
                StateCode::from(c),
                crate::State {
                    code: StateCode::from(c),
                    name: Default::default(),
                    membership: vec![],
                },
            );
        }
        let phase = |n: &str, a: Date, b: Date| Phase {
            name: n.into(),
            starts: a,
            ends: b,
        };
        let mut e = ExerciseInput {
            name: "Test".into(),
            kind: ExerciseKind::Field,
            host: StateCode::from("KZ"),
            participants: vec![StateCode::from("KZ"), StateCode::from("CN")],
            observers: vec![StateCode::from("RU")],
            phases: vec![
                phase("planning", date!(2019 - 10 - 01), date!(2019 - 10 - 02)),
                phase("field", date!(2019 - 10 - 03), date!(2019 - 10 - 05)),
            ],
            scenario: String::new(),
            forces: BTreeMap::new(),
            handling: HandlingCode::open(),
        };
        let kz = StateCode::from("KZ");
        assert!(check(&e, &kz, &r).is_ok());
        e.phases[1].starts = date!(2019 - 10 - 02);
        let err = check(&e, &kz, &r).expect_err("overlap");
        assert!(err.to_string().starts_with("phases[1].starts"), "{err}");
        e.phases[1].starts = date!(2019 - 10 - 06);
        let err = check(&e, &kz, &r).expect_err("ends before it starts");
        assert!(err.to_string().starts_with("phases[1].ends"), "{err}");
        e.phases[1].starts = date!(2019 - 10 - 03);
        e.observers = vec![StateCode::from("CN")];
        let err = check(&e, &kz, &r).expect_err("both");
        assert!(err.to_string().starts_with("observers[0]"), "{err}");
        e.observers.clear();
        e.host = StateCode::from("RU");
        assert!(check(&e, &kz, &r).expect_err("host").to_string().starts_with("host"));
    }
}
