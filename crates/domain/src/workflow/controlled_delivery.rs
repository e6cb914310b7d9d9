//! A controlled delivery: a consignment let through several states under
//! watch, so that its organizers can be identified. The lead state
//! proposes the plan; every other state on the route authorizes it (with
//! its conditions) or refuses it; the lead starts it once all have
//! authorized; custody passes from state to state along the route, each
//! receiving state logging it; any state on the route reports a loss of
//! control at once; the lead records the outcome.
//!
//! ```text
//! proposed --every other state authorizes--> authorized --start--> underway --conclude--> concluded
//!    |  \                                        |                 |    \
//!    |   refuse (any state)                      withdraw          |     lose-control --> control-lost --conclude--> concluded
//!    |     v                                     v                 handover (custody to the next state)
//!    |  refused                              withdrawn
//!    withdraw --> withdrawn
//! ```

use super::Refusal;
use crate::{StateCode, text_enum};
use std::collections::BTreeMap;

text_enum! {
    /// Where a controlled delivery stands.
    pub enum Stage as "delivery stage" {
        /// Waiting for the other states on the route to answer.
        Proposed = "proposed",
        /// Every state on the route authorized it; the lead may start it.
        Authorized = "authorized",
        /// A state on the route refused it.
        Refused = "refused",
        /// The lead withdrew it before it started.
        Withdrawn = "withdrawn",
        /// The consignment is moving under watch.
        Underway = "underway",
        /// A state on the route lost sight of the consignment.
        ControlLost = "control-lost",
        /// The lead recorded the outcome.
        Concluded = "concluded",
    }
}

text_enum! {
    /// A step of the workflow.
    pub enum Step as "delivery step" {
        Authorize = "authorize",
        Refuse = "refuse",
        Withdraw = "withdraw",
        Start = "start",
        Handover = "handover",
        LoseControl = "lose-control",
        Conclude = "conclude",
    }
}

text_enum! {
    /// What travels on: the consignment as found, or with the illicit goods
    /// taken out, or replaced by a harmless substitute.
    pub enum Method as "delivery method" {
        Intact = "intact",
        Removed = "removed",
        Replaced = "replaced",
    }
}

text_enum! {
    /// How a controlled delivery ended.
    pub enum Outcome as "delivery outcome" {
        /// Delivered to its addressees, who were arrested.
        Delivered = "delivered",
        /// Seized on the way, on purpose.
        Seized = "seized",
        /// Stopped without result.
        Aborted = "aborted",
        /// Control was lost and not regained.
        Lost = "lost",
    }
}

impl Stage {
    /// No step leads out of it.
    pub fn is_final(self) -> bool {
        matches!(self, Stage::Refused | Stage::Withdrawn | Stage::Concluded)
    }
}

/// A state's answer to the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// It authorizes, on these conditions (possibly none).
    Authorized { conditions: String },
    /// It refuses, for these reasons.
    Refused { reasons: String },
}

/// What the workflow needs to know of a delivery to judge a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Situation<'a> {
    pub stage: Stage,
    pub lead: &'a StateCode,
    /// The route's states in order: the first is the origin, the last the destination.
    pub route: &'a [StateCode],
    /// The answers given so far, by state.
    pub answers: &'a BTreeMap<StateCode, Answer>,
    /// The position on the route of the state holding custody, once underway.
    pub custodian: Option<usize>,
}

/// What a step changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub stage: Stage,
    pub custodian: Option<usize>,
    /// The answer to record, for authorize and refuse.
    pub answer: Option<Answer>,
}

/// The states whose answer the plan waits for: every state on the route
/// but the lead.
pub fn awaited<'a>(s: &Situation<'a>) -> Vec<&'a StateCode> {
    s.route
        .iter()
        .filter(|st| *st != s.lead && !s.answers.contains_key(*st))
        .collect()
}

/// The change `step` by `state` makes, with `text` (conditions, reasons or
/// a note) and, to conclude, the `outcome`; or why not.
pub fn apply(
    s: &Situation<'_>,
    step: Step,
    state: &StateCode,
    text: &str,
    outcome: Option<Outcome>,
) -> Result<Change, Refusal> {
    use Stage::*;
    let on_route = s.route.iter().position(|r| r == state);
    if on_route.is_none() {
        return Err(Refusal::new(format!("{state} is not on the route")));
    }
    let lead_only = |what: &str| {
        if state == s.lead {
            Ok(())
        } else {
            Err(Refusal::new(format!("{what} is for the lead state, {}", s.lead)))
        }
    };
    let needs = |what: &str| {
        if text.trim().is_empty() {
            Err(Refusal::new(format!("{what} needs reasons")))
        } else {
            Ok(())
        }
    };
    let same = |stage: Stage| Change {
        stage,
        custodian: s.custodian,
        answer: None,
    };
    let change = match (step, s.stage) {
        (Step::Authorize | Step::Refuse, Proposed) => {
            if state == s.lead {
                return Err(Refusal::new("the lead state authorized the plan by proposing it"));
            }
            if s.answers.contains_key(state) {
                return Err(Refusal::new(format!("{state} has answered already")));
            }
            if step == Step::Refuse {
                needs("a refusal")?;
                Change {
                    stage: Refused,
                    custodian: None,
                    answer: Some(Answer::Refused {
                        reasons: text.trim().to_owned(),
                    }),
                }
            } else {
                let last = awaited(s).len() == 1;
                Change {
                    stage: if last { Authorized } else { Proposed },
                    custodian: None,
                    answer: Some(Answer::Authorized {
                        conditions: text.trim().to_owned(),
                    }),
                }
            }
        }
        (Step::Withdraw, Proposed | Authorized) => {
            lead_only("withdrawing")?;
            same(Withdrawn)
        }
        (Step::Start, Authorized) => {
            lead_only("starting")?;
            Change {
                stage: Underway,
                custodian: Some(0),
                answer: None,
            }
        }
        (Step::Handover, Underway) => {
            let next = s.custodian.map_or(0, |c| c + 1);
            match s.route.get(next) {
                Some(receiver) if receiver == state => Change {
                    stage: Underway,
                    custodian: Some(next),
                    answer: None,
                },
                Some(receiver) => {
                    return Err(Refusal::new(format!(
                        "custody passes next to {receiver}, which logs taking it, not {state}"
                    )));
                }
                None => return Err(Refusal::new("the consignment is at its destination already")),
            }
        }
        (Step::LoseControl, Underway) => {
            needs("a loss of control")?;
            same(ControlLost)
        }
        (Step::Conclude, Underway | ControlLost) => {
            lead_only("concluding")?;
            needs("an outcome")?;
            let outcome = outcome.ok_or_else(|| Refusal::new("concluding needs the outcome"))?;
            let at_destination = s.custodian == Some(s.route.len() - 1);
            if outcome == Outcome::Delivered && !at_destination {
                return Err(Refusal::new(
                    "delivered means custody reached the destination state; it did not",
                ));
            }
            if outcome == Outcome::Lost && s.stage != ControlLost {
                return Err(Refusal::new("lost needs a loss of control reported first"));
            }
            same(Concluded)
        }
        (step, stage) => {
            return Err(Refusal::new(format!(
                "a controlled delivery that is {stage} cannot take the step {step}"
            )));
        }
    };
    Ok(change)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(c: &str) -> StateCode {
        StateCode::from(c)
    }

    struct Plan {
        stage: Stage,
        lead: StateCode,
        route: Vec<StateCode>,
        answers: BTreeMap<StateCode, Answer>,
        custodian: Option<usize>,
    }

    impl Plan {
        fn new() -> Plan {
            Plan {
                stage: Stage::Proposed,
                lead: st("KZ"),
                route: vec![st("KZ"), st("KG"), st("CN")],
                answers: BTreeMap::new(),
                custodian: None,
            }
        }
        fn take(&mut self, step: Step, by: &str, text: &str, outcome: Option<Outcome>) -> Result<(), Refusal> {
            let c = apply(
                &Situation {
                    stage: self.stage,
                    lead: &self.lead,
                    route: &self.route,
                    answers: &self.answers,
                    custodian: self.custodian,
                },
                step,
                &st(by),
                text,
                outcome,
            )?;
            if let Some(a) = c.answer {
                self.answers.insert(st(by), a);
            }
            self.stage = c.stage;
            self.custodian = c.custodian;
            Ok(())
        }
    }

    #[test]
    fn every_state_on_the_route_authorizes_before_the_lead_starts() {
        let mut p = Plan::new();
        assert!(p.take(Step::Start, "KZ", "", None).is_err(), "started unauthorized");
        p.take(Step::Authorize, "KG", "our officers escort it", None)
            .expect("KG");
        assert_eq!(p.stage, Stage::Proposed);
        assert!(p.take(Step::Authorize, "KG", "", None).is_err(), "answered twice");
        assert!(p.take(Step::Authorize, "KZ", "", None).is_err(), "the lead answered");
        assert!(p.take(Step::Authorize, "RU", "", None).is_err(), "off the route");
        p.take(Step::Authorize, "CN", "", None).expect("CN");
        assert_eq!(p.stage, Stage::Authorized);
        assert!(
            p.take(Step::Start, "CN", "", None).is_err(),
            "started by another than the lead"
        );
        p.take(Step::Start, "KZ", "", None).expect("start");
        assert_eq!((p.stage, p.custodian), (Stage::Underway, Some(0)));
    }

    #[test]
    fn custody_passes_along_the_route_in_order_and_delivered_needs_the_destination() {
        let mut p = Plan::new();
        p.take(Step::Authorize, "KG", "", None).expect("KG");
        p.take(Step::Authorize, "CN", "", None).expect("CN");
        p.take(Step::Start, "KZ", "", None).expect("start");
        assert!(
            p.take(Step::Handover, "CN", "", None).is_err(),
            "CN took custody out of turn"
        );
        assert!(
            p.take(Step::Conclude, "KZ", "arrests", Some(Outcome::Delivered))
                .is_err(),
            "delivered before the destination"
        );
        p.take(Step::Handover, "KG", "at Kordai", None)
            .expect("KG takes custody");
        p.take(Step::Handover, "CN", "at Torugart", None)
            .expect("CN takes custody");
        assert!(p.take(Step::Handover, "CN", "", None).is_err(), "past the destination");
        assert!(
            p.take(Step::Conclude, "CN", "arrests", Some(Outcome::Delivered))
                .is_err()
        );
        assert!(
            p.take(Step::Conclude, "KZ", "", Some(Outcome::Delivered)).is_err(),
            "no outcome text"
        );
        assert!(p.take(Step::Conclude, "KZ", "two arrests", None).is_err(), "no outcome");
        p.take(Step::Conclude, "KZ", "two arrests", Some(Outcome::Delivered))
            .expect("conclude");
        assert!(p.stage.is_final());
    }

    #[test]
    fn a_refusal_ends_the_plan_and_a_loss_of_control_needs_reasons() {
        let mut p = Plan::new();
        assert!(
            p.take(Step::Refuse, "KG", " ", None).is_err(),
            "a refusal without reasons"
        );
        p.take(Step::Refuse, "KG", "no escort available that week", None)
            .expect("refuse");
        assert_eq!(p.stage, Stage::Refused);
        for step in [Step::Authorize, Step::Start, Step::Withdraw, Step::Handover] {
            assert!(p.take(step, "KZ", "x", None).is_err(), "{step} after a refusal");
        }

        let mut p = Plan::new();
        p.take(Step::Authorize, "KG", "", None).expect("KG");
        p.take(Step::Authorize, "CN", "", None).expect("CN");
        p.take(Step::Start, "KZ", "", None).expect("start");
        assert!(
            p.take(Step::Conclude, "KZ", "gone", Some(Outcome::Lost)).is_err(),
            "lost unreported"
        );
        assert!(p.take(Step::LoseControl, "KG", "", None).is_err());
        p.take(Step::LoseControl, "KG", "the truck left the road at night", None)
            .expect("lose");
        assert_eq!(p.stage, Stage::ControlLost);
        assert!(
            p.take(Step::Handover, "KG", "", None).is_err(),
            "custody after the loss"
        );
        p.take(Step::Conclude, "KZ", "not found", Some(Outcome::Lost))
            .expect("conclude");
    }

    #[test]
    fn the_lead_withdraws_only_before_the_start() {
        let mut p = Plan::new();
        assert!(p.take(Step::Withdraw, "KG", "", None).is_err());
        p.take(Step::Withdraw, "KZ", "", None).expect("withdraw");
        let mut p = Plan::new();
        p.take(Step::Authorize, "KG", "", None).expect("KG");
        p.take(Step::Authorize, "CN", "", None).expect("CN");
        p.take(Step::Start, "KZ", "", None).expect("start");
        assert!(p.take(Step::Withdraw, "KZ", "", None).is_err());
    }
}
