//! The unified list by consensus: a member state proposes to list (or delist)
//! an organization; the regional structure's compliance review passes it on
//! or returns it; in the silence period every member accepts or objects; one
//! objection blocks, silence counts as acceptance.

use super::Refusal;
use crate::{Checklist, StateCode, text_enum};
use std::collections::{BTreeMap, BTreeSet};
use time::{Duration, OffsetDateTime};

text_enum! {
    /// Putting an organization on the common list, or taking it off.
    pub enum Direction as "designation direction" {
        Listing = "listing",
        Delisting = "delisting",
    }
}

text_enum! {
    /// Where a proposal stands.
    pub enum Stage as "designation stage" {
        /// With the regional structure's compliance review.
        ComplianceReview = "compliance-review",
        /// Sent back to the proposer with reasons; it may resubmit or withdraw.
        Returned = "returned",
        /// Members accept or object until the period ends.
        SilencePeriod = "silence-period",
        /// Every member accepted, explicitly or by silence.
        Adopted = "adopted",
        /// A member objected.
        Blocked = "blocked",
        /// The proposer withdrew it.
        Withdrawn = "withdrawn",
    }
}

impl Stage {
    /// Whether the proposal has reached an outcome.
    pub fn is_final(self) -> bool {
        matches!(self, Stage::Adopted | Stage::Blocked | Stage::Withdrawn)
    }
}

text_enum! {
    /// What the acts are under the Shanghai Convention (2001) and the
    /// Convention on Countering Extremism (2017).
    pub enum ActKind as "act kind" {
        Terrorism = "terrorism",
        Separatism = "separatism",
        Extremism = "extremism",
    }
}

text_enum! {
    /// A member's position in the silence period.
    pub enum Position as "position" {
        Accept = "accept",
        Object = "object",
        /// Did not answer before the period ended: counted as acceptance.
        Silent = "silent",
    }
}

/// The unified criteria: which acts, when, where, attributed how.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Criteria {
    /// What the acts are in the conventions' terms.
    pub act_kind: Option<ActKind>,
    /// The acts themselves: what was done (not an opinion of the organization).
    pub acts: String,
    /// When they took place.
    pub when: String,
    /// Where they took place.
    pub place: String,
    /// How they are attributed to the organization (claims, convictions, evidence).
    pub attribution: String,
}

impl Criteria {
    /// The unanswered criteria, by field name; a proposal needs none.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if self.act_kind.is_none() {
            m.push("act_kind");
        }
        for (field, text) in [
            ("acts", &self.acts),
            ("when", &self.when),
            ("place", &self.place),
            ("attribution", &self.attribution),
        ] {
            if text.trim().is_empty() {
                m.push(field);
            }
        }
        m
    }
}

/// The state of one proposal, as the machine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Designation {
    /// Listing or delisting.
    pub direction: Direction,
    /// The proposing member state.
    pub proposer: StateCode,
    /// Where it stands.
    pub stage: Stage,
    /// The states whose position counts: the members on the day the silence
    /// period opened.
    pub electorate: BTreeSet<StateCode>,
    /// Positions taken so far.
    pub positions: BTreeMap<StateCode, Position>,
    /// When the silence period ends.
    pub silence_ends: Option<OffsetDateTime>,
}

/// Who takes a step, as far as the machine needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A user of the regional structure allowed to take compliance decisions.
    ComplianceReviewer,
    /// A user acting for a state.
    State(StateCode),
}

/// A step in the workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The structure passes the proposal on, every checklist item ticked.
    Pass(Checklist),
    /// The structure returns it with reasons.
    Return(String),
    /// The proposer sends a returned proposal back to review.
    Resubmit,
    /// The proposer withdraws it.
    Withdraw,
    /// A member takes a position; objections carry reasons.
    Vote(Position, String),
    /// Time passes; ends the silence period when it is over.
    Tick,
}

/// Members on the day the silence period opens, and how long it lasts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// States that are members now.
    pub members_now: BTreeSet<StateCode>,
    /// Length of the silence period.
    pub silence: Duration,
}

impl Designation {
    /// A new proposal from `proposer`, waiting for compliance review.
    pub fn propose(direction: Direction, proposer: StateCode, criteria: &Criteria) -> Result<Designation, Refusal> {
        let missing = criteria.missing();
        if !missing.is_empty() {
            return Err(Refusal::new(format!(
                "the unified criteria are not met: missing {}",
                missing.join(", ")
            )));
        }
        Ok(Designation {
            direction,
            proposer,
            stage: Stage::ComplianceReview,
            electorate: BTreeSet::new(),
            positions: BTreeMap::new(),
            silence_ends: None,
        })
    }

    /// Applies `event` by `actor` at `now`.
    pub fn apply(
        &self,
        actor: &Actor,
        event: &Event,
        ctx: &Context,
        now: OffsetDateTime,
    ) -> Result<Designation, Refusal> {
        let mut next = self.clone();
        match (self.stage, event) {
            (Stage::ComplianceReview, Event::Pass(checklist)) => {
                reviewer(actor)?;
                let missing = checklist.missing();
                if !missing.is_empty() {
                    return Err(Refusal::new(format!(
                        "passing needs every checklist item; unticked: {}",
                        missing.join(", ")
                    )));
                }
                next.stage = Stage::SilencePeriod;
                next.electorate = ctx.members_now.clone();
                next.silence_ends = Some(now + ctx.silence);
                // The proposer's own position is its proposal.
                if next.electorate.contains(&self.proposer) {
                    next.positions.insert(self.proposer.clone(), Position::Accept);
                }
                Ok(next.settled())
            }
            (Stage::ComplianceReview, Event::Return(reasons)) => {
                reviewer(actor)?;
                if reasons.trim().is_empty() {
                    return Err(Refusal::new("returning a proposal needs reasons"));
                }
                next.stage = Stage::Returned;
                Ok(next)
            }
            (Stage::Returned, Event::Resubmit) => {
                self.proposer_only(actor)?;
                next.stage = Stage::ComplianceReview;
                Ok(next)
            }
            (Stage::ComplianceReview | Stage::Returned | Stage::SilencePeriod, Event::Withdraw) => {
                self.proposer_only(actor)?;
                next.stage = Stage::Withdrawn;
                Ok(next)
            }
            (Stage::SilencePeriod, Event::Vote(position, reasons)) => {
                let Actor::State(state) = actor else {
                    return Err(Refusal::new("only member states take positions"));
                };
                if self.silence_ends.is_some_and(|end| now > end) {
                    return Err(Refusal::new("the silence period has ended"));
                }
                if !ctx.members_now.contains(state) {
                    return Err(Refusal::new(format!("{state} is not a member on the day of the vote")));
                }
                if !self.electorate.contains(state) {
                    return Err(Refusal::new(format!(
                        "{state} was not a member when the silence period opened"
                    )));
                }
                if let Some(taken) = self.positions.get(state) {
                    return Err(Refusal::new(format!("{state} has already taken a position: {taken}")));
                }
                match position {
                    Position::Silent => return Err(Refusal::new("silence is not a position one takes")),
                    Position::Object if reasons.trim().is_empty() => {
                        return Err(Refusal::new("an objection needs reasons"));
                    }
                    _ => {}
                }
                next.positions.insert(state.clone(), *position);
                Ok(next.settled())
            }
            (Stage::SilencePeriod, Event::Tick) => {
                if self.silence_ends.is_some_and(|end| now > end) {
                    for state in &self.electorate {
                        next.positions.entry(state.clone()).or_insert(Position::Silent);
                    }
                    next.stage = if next.positions.values().any(|p| *p == Position::Object) {
                        Stage::Blocked
                    } else {
                        Stage::Adopted
                    };
                }
                Ok(next)
            }
            (_, Event::Tick) => Ok(next),
            (stage, event) => Err(Refusal::new(format!(
                "{} is not possible while the proposal is {stage}",
                event_name(event)
            ))),
        }
    }

    /// One objection blocks at once; the last acceptance adopts at once.
    fn settled(mut self) -> Designation {
        if self.positions.values().any(|p| *p == Position::Object) {
            self.stage = Stage::Blocked;
        } else if self
            .electorate
            .iter()
            .all(|s| self.positions.get(s) == Some(&Position::Accept))
        {
            self.stage = Stage::Adopted;
        }
        self
    }

    fn proposer_only(&self, actor: &Actor) -> Result<(), Refusal> {
        match actor {
            Actor::State(s) if *s == self.proposer => Ok(()),
            _ => Err(Refusal::new(format!(
                "only the proposing state ({}) may do this",
                self.proposer
            ))),
        }
    }
}

fn reviewer(actor: &Actor) -> Result<(), Refusal> {
    match actor {
        Actor::ComplianceReviewer => Ok(()),
        Actor::State(_) => Err(Refusal::new("the compliance review belongs to the regional structure")),
    }
}

fn event_name(event: &Event) -> &'static str {
    match event {
        Event::Pass(_) => "passing the compliance review",
        Event::Return(_) => "returning the proposal",
        Event::Resubmit => "resubmitting",
        Event::Withdraw => "withdrawing",
        Event::Vote(..) => "taking a position",
        Event::Tick => "time passing",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn s(code: &str) -> StateCode {
        StateCode::from(code)
    }
    fn criteria() -> Criteria {
        Criteria {
            act_kind: Some(ActKind::Terrorism),
            acts: "bombing of a railway bridge".into(),
            when: "2024-03".into(),
            place: "Region A".into(),
            attribution: "claimed in a statement; two members convicted".into(),
        }
    }
    fn ctx() -> Context {
        Context {
            members_now: ["CN", "KZ", "RU"].into_iter().map(s).collect(),
            silence: Duration::days(30),
        }
    }
    fn ticked() -> Checklist {
        Checklist {
            criminal_act_described: true,
            legal_basis_cites_article: true,
            not_on_protected_grounds_alone: true,
        }
    }
    const T0: OffsetDateTime = datetime!(2026-01-01 00:00 UTC);

    fn vote(d: &Designation, state: &str, position: Position, reasons: &str) -> Result<Designation, Refusal> {
        d.apply(
            &Actor::State(s(state)),
            &Event::Vote(position, reasons.into()),
            &ctx(),
            T0,
        )
    }

    fn in_silence() -> Designation {
        let d = Designation::propose(Direction::Listing, s("KZ"), &criteria()).expect("valid");
        d.apply(&Actor::ComplianceReviewer, &Event::Pass(ticked()), &ctx(), T0)
            .expect("passed")
    }

    #[test]
    fn a_proposal_needs_every_criterion() {
        let mut c = criteria();
        c.attribution = " ".into();
        c.act_kind = None;
        let refused = Designation::propose(Direction::Listing, s("KZ"), &c).expect_err("incomplete");
        assert!(refused.0.contains("act_kind, attribution"), "{refused}");
    }

    #[test]
    fn compliance_review_passes_returns_and_is_the_structures_alone() {
        let d = Designation::propose(Direction::Listing, s("KZ"), &criteria()).expect("valid");
        assert!(
            d.apply(&Actor::State(s("KZ")), &Event::Pass(ticked()), &ctx(), T0)
                .is_err()
        );
        let mut partial = ticked();
        partial.not_on_protected_grounds_alone = false;
        let refused = d
            .apply(&Actor::ComplianceReviewer, &Event::Pass(partial), &ctx(), T0)
            .expect_err("unticked");
        assert!(refused.0.contains("not_on_protected_grounds_alone"));
        assert!(
            d.apply(&Actor::ComplianceReviewer, &Event::Return("".into()), &ctx(), T0)
                .is_err()
        );
        let returned = d
            .apply(
                &Actor::ComplianceReviewer,
                &Event::Return("no act described".into()),
                &ctx(),
                T0,
            )
            .expect("returned");
        assert_eq!(returned.stage, Stage::Returned);
        assert!(
            returned
                .apply(&Actor::State(s("RU")), &Event::Resubmit, &ctx(), T0)
                .is_err()
        );
        let again = returned
            .apply(&Actor::State(s("KZ")), &Event::Resubmit, &ctx(), T0)
            .expect("resubmitted");
        assert_eq!(again.stage, Stage::ComplianceReview);
        let passed = again
            .apply(&Actor::ComplianceReviewer, &Event::Pass(ticked()), &ctx(), T0)
            .expect("passed");
        assert_eq!(passed.stage, Stage::SilencePeriod);
        assert_eq!(passed.silence_ends, Some(T0 + Duration::days(30)));
        assert_eq!(passed.positions.get(&s("KZ")), Some(&Position::Accept));
    }

    #[test]
    fn one_objection_blocks_at_once() {
        let d = in_silence();
        let refused = vote(&d, "CN", Position::Object, "").expect_err("no reasons");
        assert!(refused.0.contains("reasons"));
        let blocked = vote(&d, "CN", Position::Object, "no attribution").expect("objected");
        assert_eq!(blocked.stage, Stage::Blocked);
        assert!(vote(&blocked, "RU", Position::Accept, "").is_err());
    }

    #[test]
    fn every_acceptance_adopts_before_the_period_ends() {
        let d = in_silence()
            .apply(
                &Actor::State(s("CN")),
                &Event::Vote(Position::Accept, "".into()),
                &ctx(),
                T0,
            )
            .expect("cn");
        assert_eq!(d.stage, Stage::SilencePeriod);
        let d = vote(&d, "RU", Position::Accept, "").expect("ru");
        assert_eq!(d.stage, Stage::Adopted);
    }

    #[test]
    fn silence_counts_as_acceptance_when_the_period_ends() {
        let d = in_silence()
            .apply(
                &Actor::State(s("CN")),
                &Event::Vote(Position::Accept, "".into()),
                &ctx(),
                T0,
            )
            .expect("cn");
        let before = d
            .apply(
                &Actor::ComplianceReviewer,
                &Event::Tick,
                &ctx(),
                T0 + Duration::days(30),
            )
            .expect("tick");
        assert_eq!(before.stage, Stage::SilencePeriod);
        let after = d
            .apply(
                &Actor::ComplianceReviewer,
                &Event::Tick,
                &ctx(),
                T0 + Duration::days(30) + Duration::seconds(1),
            )
            .expect("tick");
        assert_eq!(after.stage, Stage::Adopted);
        assert_eq!(after.positions.get(&s("RU")), Some(&Position::Silent));
        let late = d.apply(
            &Actor::State(s("RU")),
            &Event::Vote(Position::Object, "late".into()),
            &ctx(),
            T0 + Duration::days(31),
        );
        assert!(late.expect_err("late").0.contains("ended"));
    }

    #[test]
    fn only_members_of_the_day_vote_and_only_once() {
        let d = in_silence();
        let outsider = vote(&d, "IN", Position::Accept, "");
        assert!(outsider.expect_err("not a member").0.contains("not a member"));
        let joined = Context {
            members_now: ["CN", "KZ", "RU", "IN"].into_iter().map(s).collect(),
            silence: Duration::days(30),
        };
        let late_member = d.apply(
            &Actor::State(s("IN")),
            &Event::Vote(Position::Accept, "".into()),
            &joined,
            T0,
        );
        assert!(
            late_member
                .expect_err("joined later")
                .0
                .contains("when the silence period opened")
        );
        let twice = vote(&d, "KZ", Position::Object, "changed mind");
        assert!(twice.expect_err("twice").0.contains("already"));
        let suspended = Context {
            members_now: ["KZ", "RU"].into_iter().map(s).collect(),
            silence: Duration::days(30),
        };
        let cn_suspended = d.apply(
            &Actor::State(s("CN")),
            &Event::Vote(Position::Accept, "".into()),
            &suspended,
            T0,
        );
        assert!(cn_suspended.expect_err("suspended").0.contains("day of the vote"));
        let silent = vote(&d, "CN", Position::Silent, "");
        assert!(silent.is_err());
        assert!(
            d.apply(
                &Actor::ComplianceReviewer,
                &Event::Vote(Position::Accept, "".into()),
                &ctx(),
                T0
            )
            .is_err()
        );
    }

    #[test]
    fn withdrawal_by_the_proposer_until_an_outcome() {
        let d = in_silence();
        assert!(d.apply(&Actor::State(s("CN")), &Event::Withdraw, &ctx(), T0).is_err());
        let w = d
            .apply(&Actor::State(s("KZ")), &Event::Withdraw, &ctx(), T0)
            .expect("withdrawn");
        assert_eq!(w.stage, Stage::Withdrawn);
        let refused = w
            .apply(&Actor::State(s("KZ")), &Event::Resubmit, &ctx(), T0)
            .expect_err("final");
        assert!(refused.0.contains("while the proposal is withdrawn"), "{refused}");
        assert!(w.stage.is_final());
    }
}
