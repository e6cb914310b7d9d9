//! Joint operations against drugs and organized crime (the seeds' "Mouse
//! Trap" and "Spider Web"): a named operation among participating states
//! over a period, led by one of them, and each state's results (seizures
//! by substance and quantity, arrests, cases opened), which feed the
//! statistics.
//!
//! ```text
//! planned --start (lead)--> active --close (lead)--> closed
//! ```
//! Each participant reports (and may correct) its own results once the
//! operation started, until it is closed.

use crate::precursor::{Measure, parse_quantity};
use crate::rules::Refused;
use crate::{AuthorityId, Distribution, HandlingCode, Registry, StateCode, text_enum};
use std::collections::{BTreeMap, BTreeSet};
use time::Date;

/// The longest text field.
pub const TEXT_LIMIT: usize = 4000;
/// The most seizure lines in one state's results.
pub const SEIZURE_LIMIT: usize = 100;

text_enum! {
    /// Where an operation stands.
    pub enum Stage as "operation stage" {
        Planned = "planned",
        Active = "active",
        Closed = "closed",
    }
}

text_enum! {
    /// A step on an operation.
    pub enum Step as "operation step" {
        Start = "start",
        Close = "close",
    }
}

/// An operation as its lead state plans it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationInput {
    pub name: String,
    pub description: String,
    /// The states taking part, the lead among them.
    pub participants: Vec<StateCode>,
    pub starts: Date,
    pub ends: Date,
    pub handling: HandlingCode,
}

/// A seizure: what, and how much in grams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seizure {
    pub substance: String,
    pub grams: i64,
}

/// One state's results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Results {
    pub state: StateCode,
    pub seizures: Vec<Seizure>,
    pub arrests: i64,
    pub cases_opened: i64,
    pub reported_by: String,
    pub reported_at: String,
}

/// A joint operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub id: String,
    pub originator: AuthorityId,
    pub lead: StateCode,
    pub name: String,
    pub description: String,
    pub participants: Vec<StateCode>,
    pub starts: Date,
    pub ends: Date,
    pub stage: Stage,
    pub results: Vec<Results>,
    pub handling: HandlingCode,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// An operation's results added up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub arrests: i64,
    pub cases_opened: i64,
    /// Grams by substance.
    pub seized: BTreeMap<String, i64>,
}

impl Operation {
    /// The participants' results added up.
    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for r in &self.results {
            t.arrests += r.arrests;
            t.cases_opened += r.cases_opened;
            for s in &r.seizures {
                *t.seized.entry(s.substance.clone()).or_default() += s.grams;
            }
        }
        t
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

/// Checks a plan by `lead`: a name, known participants without repeats and
/// with the lead among them (at least two states), the period in order.
/// Returns the handling code shared with the participants.
pub fn check_plan(input: &OperationInput, lead: &StateCode, registry: &Registry) -> Result<HandlingCode, Refused> {
    text("name", &input.name, true)?;
    text("description", &input.description, false)?;
    let mut seen = BTreeSet::new();
    for (i, s) in input.participants.iter().enumerate() {
        if !registry.states.contains_key(s) {
            return Err(Refused::invalid(
                format!("participants[{i}]"),
                format!("{s} is not a state of the registry"),
            ));
        }
        if !seen.insert(s.clone()) {
            return Err(Refused::invalid(
                format!("participants[{i}]"),
                format!("{s} is named twice"),
            ));
        }
    }
    if !seen.contains(lead) {
        return Err(Refused::invalid(
            "participants",
            format!("the lead state {lead} takes part"),
        ));
    }
    if seen.len() < 2 {
        return Err(Refused::invalid(
            "participants",
            "a joint operation has at least two states",
        ));
    }
    if input.ends < input.starts {
        return Err(Refused::invalid(
            "ends",
            format!("{} is before the start, {}", input.ends, input.starts),
        ));
    }
    Ok(HandlingCode {
        distribution: Distribution::States(seen),
        ..input.handling.clone()
    })
}

/// The next stage after `step` by `state`, or why not.
pub fn apply(op: &Operation, step: Step, state: &StateCode) -> Result<Stage, Refused> {
    if *state != op.lead {
        return Err(Refused::Forbidden(format!("{step} is for the lead state, {}", op.lead)));
    }
    match (step, op.stage) {
        (Step::Start, Stage::Planned) => Ok(Stage::Active),
        (Step::Close, Stage::Active) => Ok(Stage::Closed),
        (step, stage) => Err(Refused::Conflict(format!(
            "an operation that is {stage} cannot take the step {step}"
        ))),
    }
}

/// A seizure line as typed: substance, amount and unit of mass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeizureText {
    pub substance: String,
    pub quantity: String,
    pub unit: String,
}

/// Checks `state`'s results for `op`: a participant, the operation started
/// and not closed, counts not negative, seizures by mass.
pub fn check_results(
    op: &Operation,
    state: &StateCode,
    seizures: &[SeizureText],
    arrests: i64,
    cases_opened: i64,
) -> Result<Vec<Seizure>, Refused> {
    if !op.participants.contains(state) {
        return Err(Refused::Forbidden(format!("{state} does not take part in {}", op.name)));
    }
    if op.stage != Stage::Active {
        return Err(Refused::Conflict(format!(
            "results are reported while the operation is active; it is {}",
            op.stage
        )));
    }
    for (name, n) in [("arrests", arrests), ("cases_opened", cases_opened)] {
        if !(0..=1_000_000).contains(&n) {
            return Err(Refused::invalid(name, format!("{n} is not a count from 0 to 1000000")));
        }
    }
    if seizures.len() > SEIZURE_LIMIT {
        return Err(Refused::invalid("seizures", format!("more than {SEIZURE_LIMIT}")));
    }
    seizures
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let substance = s.substance.trim().to_lowercase();
            if substance.is_empty() || substance.chars().count() > 100 {
                return Err(Refused::invalid(
                    format!("seizures[{i}].substance"),
                    "a substance name of 1 to 100 characters",
                ));
            }
            let grams = parse_quantity(&format!("seizures[{i}].quantity"), &s.quantity, &s.unit, Measure::Mass)
                .map_err(|e| match e {
                    Refused::Invalid(mut f) if f.field == "unit" => {
                        f.field = format!("seizures[{i}].unit");
                        Refused::Invalid(f)
                    }
                    other => other,
                })?;
            Ok(Seizure { substance, grams })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(stage: Stage) -> Operation {
        Operation {
            id: "op-1".into(),
            originator: AuthorityId::from("kz-police"),
            lead: StateCode::from("KZ"),
            name: "Spider Web".into(),
            description: String::new(),
            participants: vec![StateCode::from("KZ"), StateCode::from("CN")],
            starts: time::macros::date!(2026 - 12 - 01),
            ends: time::macros::date!(2026 - 12 - 31),
            stage,
            results: vec![],
            handling: HandlingCode::open(),
            created_at: String::new(),
            updated_at: String::new(),
            version: 1,
        }
    }

    #[test]
    fn the_lead_starts_and_closes_and_results_come_while_active() {
        let kz = StateCode::from("KZ");
        let cn = StateCode::from("CN");
        assert_eq!(apply(&op(Stage::Planned), Step::Start, &kz), Ok(Stage::Active));
        assert!(matches!(
            apply(&op(Stage::Planned), Step::Start, &cn),
            Err(Refused::Forbidden(_))
        ));
        assert!(matches!(
            apply(&op(Stage::Planned), Step::Close, &kz),
            Err(Refused::Conflict(_))
        ));
        assert_eq!(apply(&op(Stage::Active), Step::Close, &kz), Ok(Stage::Closed));
        let line = |q: &str, u: &str| SeizureText {
            substance: "Heroin".into(),
            quantity: q.into(),
            unit: u.into(),
        };
        let got = check_results(&op(Stage::Active), &cn, &[line("12.5", "kg")], 3, 1).expect("results");
        assert_eq!(
            got,
            vec![Seizure {
                substance: "heroin".into(),
                grams: 12_500
            }]
        );
        assert!(matches!(
            check_results(&op(Stage::Planned), &cn, &[], 0, 0),
            Err(Refused::Conflict(_))
        ));
        assert!(matches!(
            check_results(&op(Stage::Active), &StateCode::from("RU"), &[], 0, 0),
            Err(Refused::Forbidden(_))
        ));
        let field = |r: Result<Vec<Seizure>, Refused>| match r {
            Err(Refused::Invalid(e)) => e.field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(check_results(&op(Stage::Active), &cn, &[], -1, 0)), "arrests");
        assert_eq!(
            field(check_results(&op(Stage::Active), &cn, &[line("-2", "kg")], 0, 0)),
            "seizures[0].quantity"
        );
        assert_eq!(
            field(check_results(&op(Stage::Active), &cn, &[line("2", "l")], 0, 0)),
            "seizures[0].unit"
        );
    }
}
