//! Emergency consultation: when at least two member states propose it within
//! the configured window, a consultation of all members is convened; a joint
//! statement is drafted in versions and adopted when every member approves
//! the current version.

use super::Refusal;
use crate::{StateCode, text_enum};
use std::collections::{BTreeMap, BTreeSet};
use time::{Duration, OffsetDateTime};

text_enum! {
    /// Where a consultation stands.
    pub enum Stage as "consultation stage" {
        /// One state has proposed; waiting for a second within the window.
        Proposed = "proposed",
        /// The window closed with a single proposer.
        Lapsed = "lapsed",
        /// Convened: members meet and draft the joint statement.
        Convened = "convened",
        /// Every member approved the current statement; it is published.
        Adopted = "adopted",
    }
}

text_enum! {
    /// A member's answer to a statement version.
    pub enum Verdict as "verdict" {
        Approve = "approve",
        ChangesRequested = "changes-requested",
    }
}

/// Settings from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// How long a first proposal waits for a second.
    pub window: Duration,
    /// The meeting is set this long after convening, at the latest.
    pub meeting_delay: Duration,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            window: Duration::hours(72),
            meeting_delay: Duration::hours(48),
        }
    }
}

/// The state of one consultation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consultation {
    pub stage: Stage,
    /// Proposing states, in order, with when they proposed.
    pub proposals: Vec<(StateCode, OffsetDateTime)>,
    /// When the first proposal lapses without a second.
    pub window_ends: OffsetDateTime,
    /// The members on the day it was convened: all of them must approve.
    pub members: BTreeSet<StateCode>,
    /// When the meeting takes place.
    pub meeting_at: Option<OffsetDateTime>,
    /// The current statement version (0: none drafted yet).
    pub version: u32,
    /// Verdicts on the current version.
    pub verdicts: BTreeMap<StateCode, Verdict>,
}

/// A step in the workflow, taken by a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Another state proposes the same consultation.
    Propose,
    /// A new version of the joint statement.
    Draft,
    /// An answer to the given version; changes carry reasons.
    Answer {
        version: u32,
        verdict: Verdict,
        reasons: String,
    },
    /// Time passes; a proposal lapses when its window closes.
    Tick,
}

impl Consultation {
    /// A first proposal by a member state.
    pub fn propose(
        state: StateCode,
        members_now: &BTreeSet<StateCode>,
        rules: &Rules,
        now: OffsetDateTime,
    ) -> Result<Consultation, Refusal> {
        if !members_now.contains(&state) {
            return Err(Refusal::new(format!("{state} is not a member state today")));
        }
        Ok(Consultation {
            stage: Stage::Proposed,
            proposals: vec![(state, now)],
            window_ends: now + rules.window,
            members: BTreeSet::new(),
            meeting_at: None,
            version: 0,
            verdicts: BTreeMap::new(),
        })
    }

    /// Applies `event` by a user acting for `state` (`None`: the node itself,
    /// for ticks) at `now`, with today's members.
    pub fn apply(
        &self,
        state: Option<&StateCode>,
        event: &Event,
        members_now: &BTreeSet<StateCode>,
        rules: &Rules,
        now: OffsetDateTime,
    ) -> Result<Consultation, Refusal> {
        let mut next = self.clone();
        if let Event::Tick = event {
            if self.stage == Stage::Proposed && now > self.window_ends {
                next.stage = Stage::Lapsed;
            }
            return Ok(next);
        }
        let Some(state) = state else {
            return Err(Refusal::new("only member states take part"));
        };
        match (self.stage, event) {
            (Stage::Proposed, Event::Propose) => {
                if now > self.window_ends {
                    return Err(Refusal::new("the first proposal's window has closed; propose anew"));
                }
                if !members_now.contains(state) {
                    return Err(Refusal::new(format!("{state} is not a member state today")));
                }
                if self.proposals.iter().any(|(s, _)| s == state) {
                    return Err(Refusal::new(format!("{state} has already proposed this consultation")));
                }
                next.proposals.push((state.clone(), now));
                next.stage = Stage::Convened;
                next.members = members_now.clone();
                next.meeting_at = Some(now + rules.meeting_delay);
                Ok(next)
            }
            (Stage::Convened, Event::Propose) => Err(Refusal::new("the consultation is already convened")),
            (Stage::Convened, Event::Draft) => {
                self.member(state)?;
                next.version += 1;
                next.verdicts.clear();
                Ok(next)
            }
            (
                Stage::Convened,
                Event::Answer {
                    version,
                    verdict,
                    reasons,
                },
            ) => {
                self.member(state)?;
                if self.version == 0 {
                    return Err(Refusal::new("no statement has been drafted yet"));
                }
                if *version != self.version {
                    return Err(Refusal::new(format!(
                        "version {version} is not the current statement (version {})",
                        self.version
                    )));
                }
                if let Some(v) = self.verdicts.get(state) {
                    return Err(Refusal::new(format!(
                        "{state} has already answered version {version}: {v}"
                    )));
                }
                if *verdict == Verdict::ChangesRequested && reasons.trim().is_empty() {
                    return Err(Refusal::new("asking for changes needs the changes"));
                }
                next.verdicts.insert(state.clone(), *verdict);
                if next
                    .members
                    .iter()
                    .all(|m| next.verdicts.get(m) == Some(&Verdict::Approve))
                {
                    next.stage = Stage::Adopted;
                }
                Ok(next)
            }
            (stage, event) => Err(Refusal::new(format!(
                "{} is not possible while the consultation is {stage}",
                match event {
                    Event::Propose => "proposing",
                    Event::Draft => "drafting",
                    Event::Answer { .. } => "answering",
                    Event::Tick => "time passing",
                }
            ))),
        }
    }

    fn member(&self, state: &StateCode) -> Result<(), Refusal> {
        if self.members.contains(state) {
            Ok(())
        } else {
            Err(Refusal::new(format!(
                "{state} was not a member when the consultation was convened"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-03-01 08:00 UTC);

    fn s(code: &str) -> StateCode {
        StateCode::from(code)
    }
    fn members() -> BTreeSet<StateCode> {
        ["CN", "KZ", "RU"].into_iter().map(s).collect()
    }
    fn convened() -> Consultation {
        let rules = Rules::default();
        let c = Consultation::propose(s("KZ"), &members(), &rules, T0).expect("proposed");
        c.apply(
            Some(&s("RU")),
            &Event::Propose,
            &members(),
            &rules,
            T0 + Duration::hours(5),
        )
        .expect("convened")
    }
    fn answer(version: u32, verdict: Verdict) -> Event {
        Event::Answer {
            version,
            verdict,
            reasons: "paragraph 2".into(),
        }
    }

    #[test]
    fn two_proposals_within_the_window_convene_all_members() {
        let rules = Rules::default();
        assert!(Consultation::propose(s("IN"), &members(), &rules, T0).is_err());
        let c = Consultation::propose(s("KZ"), &members(), &rules, T0).expect("proposed");
        let again = c.apply(Some(&s("KZ")), &Event::Propose, &members(), &rules, T0);
        assert!(again.expect_err("same state").0.contains("already proposed"));
        let late = c.apply(
            Some(&s("RU")),
            &Event::Propose,
            &members(),
            &rules,
            T0 + Duration::hours(73),
        );
        assert!(late.expect_err("late").0.contains("closed"));
        let c = convened();
        assert_eq!(c.stage, Stage::Convened);
        assert_eq!(c.members, members());
        assert_eq!(c.meeting_at, Some(T0 + Duration::hours(5) + rules.meeting_delay));
    }

    #[test]
    fn a_lone_proposal_lapses_when_its_window_closes() {
        let rules = Rules::default();
        let c = Consultation::propose(s("KZ"), &members(), &rules, T0).expect("proposed");
        let open = c
            .apply(None, &Event::Tick, &members(), &rules, T0 + Duration::hours(72))
            .expect("tick");
        assert_eq!(open.stage, Stage::Proposed);
        let lapsed = c
            .apply(None, &Event::Tick, &members(), &rules, T0 + Duration::hours(73))
            .expect("tick");
        assert_eq!(lapsed.stage, Stage::Lapsed);
        assert!(
            lapsed
                .apply(Some(&s("RU")), &Event::Propose, &members(), &rules, T0)
                .is_err()
        );
    }

    #[test]
    fn the_statement_is_adopted_when_every_member_approves_the_current_version() {
        let rules = Rules::default();
        let c = convened();
        assert!(
            c.apply(Some(&s("CN")), &answer(1, Verdict::Approve), &members(), &rules, T0)
                .is_err()
        );
        let c = c
            .apply(Some(&s("KZ")), &Event::Draft, &members(), &rules, T0)
            .expect("v1");
        let c = c
            .apply(Some(&s("CN")), &answer(1, Verdict::Approve), &members(), &rules, T0)
            .expect("cn");
        let c = c
            .apply(
                Some(&s("RU")),
                &answer(1, Verdict::ChangesRequested),
                &members(),
                &rules,
                T0,
            )
            .expect("ru");
        assert_eq!(c.stage, Stage::Convened);
        assert!(
            c.apply(Some(&s("CN")), &answer(1, Verdict::Approve), &members(), &rules, T0)
                .is_err()
        );
        let c = c
            .apply(Some(&s("RU")), &Event::Draft, &members(), &rules, T0)
            .expect("v2");
        assert!(c.verdicts.is_empty());
        let stale = c.apply(Some(&s("CN")), &answer(1, Verdict::Approve), &members(), &rules, T0);
        assert!(stale.expect_err("stale").0.contains("not the current"));
        let mut c = c;
        for m in ["CN", "KZ", "RU"] {
            c = c
                .apply(Some(&s(m)), &answer(2, Verdict::Approve), &members(), &rules, T0)
                .expect("approve");
        }
        assert_eq!(c.stage, Stage::Adopted);
        assert!(c.apply(Some(&s("KZ")), &Event::Draft, &members(), &rules, T0).is_err());
    }

    #[test]
    fn outsiders_and_empty_change_requests_are_refused() {
        let rules = Rules::default();
        let c = convened()
            .apply(Some(&s("KZ")), &Event::Draft, &members(), &rules, T0)
            .expect("v1");
        assert!(
            c.apply(Some(&s("IN")), &answer(1, Verdict::Approve), &members(), &rules, T0)
                .is_err()
        );
        assert!(
            c.apply(None, &answer(1, Verdict::Approve), &members(), &rules, T0)
                .is_err()
        );
        let empty = Event::Answer {
            version: 1,
            verdict: Verdict::ChangesRequested,
            reasons: " ".into(),
        };
        assert!(c.apply(Some(&s("CN")), &empty, &members(), &rules, T0).is_err());
    }
}
