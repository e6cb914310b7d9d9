//! Controlled deliveries: the plan (consignment, route with every state's
//! handover point and round-the-clock contact, method, dates), and the
//! delivery as stored with its answers, custody and trail. The workflow is
//! [`crate::workflow::controlled_delivery`].

use crate::rules::Refused;
use crate::workflow::controlled_delivery::{Answer, Method, Outcome, Stage};
use crate::{AuthorityId, Distribution, HandlingCode, Registry, StateCode};
use std::collections::{BTreeMap, BTreeSet};
use time::Date;

/// The longest text field.
pub const TEXT_LIMIT: usize = 4000;

/// One state on the route: where custody passes to it, and who answers
/// there at any hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leg {
    pub state: StateCode,
    /// Where the consignment enters the state (for the origin, where it starts).
    pub handover_point: String,
    /// A contact available at all hours (name, telephone).
    pub contact: String,
}

/// A plan as the lead state proposes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanInput {
    /// What the consignment is (goods, concealment, vehicle).
    pub consignment: String,
    pub method: Method,
    /// The route in order: origin first, destination last; the lead is on it.
    pub route: Vec<Leg>,
    pub planned_start: Date,
    pub planned_end: Date,
    /// Classification, dissemination and use; the distribution is the route's.
    pub handling: HandlingCode,
}

/// A step in a delivery's trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryStep {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub state: Option<String>,
    pub action: String,
    pub detail: String,
}

/// A controlled delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlledDelivery {
    pub id: String,
    /// The lead state's proposing authority.
    pub originator: AuthorityId,
    pub lead: StateCode,
    pub consignment: String,
    pub method: Method,
    pub route: Vec<Leg>,
    pub planned_start: Date,
    pub planned_end: Date,
    pub stage: Stage,
    /// The position on the route of the state holding custody.
    pub custodian: Option<usize>,
    /// Each state's answer, with who gave it and when.
    pub answers: BTreeMap<StateCode, (Answer, String, String)>,
    pub outcome: Option<Outcome>,
    pub outcome_detail: String,
    pub handling: HandlingCode,
    pub timeline: Vec<DeliveryStep>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

impl ControlledDelivery {
    /// The route's states in order.
    pub fn states(&self) -> Vec<StateCode> {
        self.route.iter().map(|l| l.state.clone()).collect()
    }

    /// The answers without who and when, as the workflow reads them.
    pub fn plain_answers(&self) -> BTreeMap<StateCode, Answer> {
        self.answers
            .iter()
            .map(|(s, (a, _, _))| (s.clone(), a.clone()))
            .collect()
    }

    /// The states whose answer the plan still waits for (none once it left
    /// the proposed stage).
    pub fn awaiting(&self) -> Vec<StateCode> {
        if self.stage != Stage::Proposed {
            return vec![];
        }
        let route = self.states();
        let answers = self.plain_answers();
        crate::workflow::controlled_delivery::awaited(&crate::workflow::controlled_delivery::Situation {
            stage: self.stage,
            lead: &self.lead,
            route: &route,
            answers: &answers,
            custodian: self.custodian,
        })
        .into_iter()
        .cloned()
        .collect()
    }

    /// The state holding custody, if underway.
    pub fn custodian_state(&self) -> Option<&StateCode> {
        self.custodian.and_then(|i| self.route.get(i)).map(|l| &l.state)
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

/// Checks a plan proposed by `lead` on `today`: a route of at least two
/// known states, without repeats, with the lead on it; every leg with its
/// handover point and contact; dates in order and not past. Returns the
/// handling code with the route's distribution.
pub fn check_plan(
    input: &PlanInput,
    lead: &StateCode,
    registry: &Registry,
    today: Date,
) -> Result<HandlingCode, Refused> {
    text("consignment", &input.consignment, true)?;
    if input.route.len() < 2 {
        return Err(Refused::invalid(
            "route",
            "a controlled delivery crosses a border: name at least two states, origin first",
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, leg) in input.route.iter().enumerate() {
        if !registry.states.contains_key(&leg.state) {
            return Err(Refused::invalid(
                format!("route[{i}].state"),
                format!("{} is not a state of the registry", leg.state),
            ));
        }
        if !seen.insert(leg.state.clone()) {
            return Err(Refused::invalid(
                format!("route[{i}].state"),
                format!("{} is on the route twice", leg.state),
            ));
        }
        text(&format!("route[{i}].handover_point"), &leg.handover_point, true)?;
        text(&format!("route[{i}].contact"), &leg.contact, true)?;
    }
    if !seen.contains(lead) {
        return Err(Refused::invalid(
            "route",
            format!("the lead state {lead} must be on the route"),
        ));
    }
    if input.planned_start < today {
        return Err(Refused::invalid(
            "planned_start",
            format!("{} is past", input.planned_start),
        ));
    }
    if input.planned_end < input.planned_start {
        return Err(Refused::invalid(
            "planned_end",
            format!("{} is before the start, {}", input.planned_end, input.planned_start),
        ));
    }
    Ok(HandlingCode {
        distribution: Distribution::States(seen),
        ..input.handling.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leg(s: &str) -> Leg {
        Leg {
            state: StateCode::from(s),
            handover_point: format!("{s} border post"),
            contact: "+000 000 (duty officer)".into(),
        }
    }

    fn plan(route: &[&str]) -> PlanInput {
        PlanInput {
            consignment: "Heroin in a truck's spare tyre (synthetic)".into(),
            method: Method::Replaced,
            route: route.iter().map(|s| leg(s)).collect(),
            planned_start: time::macros::date!(2027 - 01 - 10),
            planned_end: time::macros::date!(2027 - 01 - 20),
            handling: HandlingCode::open(),
        }
    }

    #[test]
    fn a_plan_crosses_known_states_once_with_the_lead_on_it() {
        let mut registry = Registry::default();
        for code in ["KZ", "CN", "KG", "RU"] {
            registry.states.insert(
                code.into(),
                crate::registry::State {
                    code: code.into(),
                    name: crate::registry::Names::default(),
                    membership: vec![],
                },
            );
        }
        let today = time::macros::date!(2027 - 01 - 01);
        let kz = StateCode::from("KZ");
        let h = check_plan(&plan(&["KZ", "CN"]), &kz, &registry, today).expect("plan");
        assert_eq!(
            h.distribution,
            Distribution::States([StateCode::from("KZ"), StateCode::from("CN")].into())
        );
        let field = |p: PlanInput| match check_plan(&p, &kz, &registry, today) {
            Err(Refused::Invalid(e)) => e.field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(plan(&["KZ"])), "route");
        assert_eq!(field(plan(&["KZ", "XX"])), "route[1].state");
        assert_eq!(field(plan(&["KZ", "CN", "KZ"])), "route[2].state");
        assert_eq!(field(plan(&["RU", "CN"])), "route");
        let mut p = plan(&["KZ", "CN"]);
        p.route[1].contact = " ".into();
        assert_eq!(field(p), "route[1].contact");
        let mut p = plan(&["KZ", "CN"]);
        p.planned_end = time::macros::date!(2027 - 01 - 05);
        assert_eq!(field(p), "planned_end");
        let mut p = plan(&["KZ", "CN"]);
        p.planned_start = time::macros::date!(2026 - 12 - 01);
        assert_eq!(field(p), "planned_start");
    }
}
