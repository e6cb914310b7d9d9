//! A request for mutual legal assistance or extradition between the
//! prosecutors' offices (central authorities) of two states. The
//! requesting office drafts it and sends it once it holds what the
//! requested state needs; the requested office acknowledges receipt,
//! executes it (in part or in whole) or refuses it on coded grounds with
//! reasons; the requesting office may withdraw it until it is answered.
//!
//! ```text
//! drafted --send--> sent --receive--> received --begin--> in-execution --execute--> executed
//!    |               |                   |  \                 |  \
//!    withdraw        withdraw            |   refuse           |   partially-execute --> partially-executed --execute--> executed
//!    v               v                   withdraw  v          refuse / withdraw            | refuse / withdraw
//! withdrawn      withdrawn               v      refused       v                            v
//!                                    withdrawn             refused / withdrawn          refused / withdrawn
//! ```

use super::Refusal;
use crate::text_enum;

text_enum! {
    /// Where a request stands.
    pub enum Status as "request status" {
        Drafted = "drafted",
        Sent = "sent",
        Received = "received",
        InExecution = "in-execution",
        PartiallyExecuted = "partially-executed",
        Executed = "executed",
        Refused = "refused",
        Withdrawn = "withdrawn",
    }
}

text_enum! {
    /// A step of the workflow.
    pub enum Step as "request step" {
        Send = "send",
        Receive = "receive",
        Begin = "begin",
        PartiallyExecute = "partially-execute",
        Execute = "execute",
        Refuse = "refuse",
        Withdraw = "withdraw",
    }
}

text_enum! {
    /// Which side of the request a state is on.
    pub enum Side as "request side" {
        Requesting = "requesting",
        Requested = "requested",
        Outside = "outside",
    }
}

text_enum! {
    /// The grounds on which a request may be refused.
    pub enum Ground as "refusal ground" {
        PoliticalOffence = "political-offence",
        PersecutionRisk = "persecution-risk",
        DoubleJeopardy = "double-jeopardy",
        LapseOfTime = "lapse-of-time",
        NoDualCriminality = "no-dual-criminality",
        OwnNational = "own-national",
        DeathPenalty = "death-penalty",
        SovereigntyOrPublicOrder = "sovereignty-or-public-order",
    }
}

impl Status {
    /// No step leads out of it.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Executed | Status::Refused | Status::Withdrawn)
    }

    /// Answered: executed in whole or part, or refused.
    pub fn is_answer(self) -> bool {
        matches!(self, Status::Executed | Status::PartiallyExecuted | Status::Refused)
    }
}

/// The side that takes `step`.
pub fn side_of(step: Step) -> Side {
    match step {
        Step::Send | Step::Withdraw => Side::Requesting,
        _ => Side::Requested,
    }
}

/// The next status after `step` by a state on `side`; `missing` lists what
/// the draft lacks (sending needs it empty); `grounds` and `reasons`
/// accompany a refusal.
pub fn apply(
    status: Status,
    step: Step,
    side: Side,
    missing: &[String],
    grounds: &[Ground],
    reasons: &str,
) -> Result<Status, Refusal> {
    use Status::*;
    if side != side_of(step) {
        return Err(Refusal::new(format!(
            "{step} is for the {} side, not the {side} side",
            side_of(step)
        )));
    }
    let next = match (step, status) {
        (Step::Send, Drafted) => {
            if !missing.is_empty() {
                return Err(Refusal::new(format!(
                    "the draft cannot be sent: it lacks {}",
                    missing.join("; ")
                )));
            }
            Sent
        }
        (Step::Receive, Sent) => Received,
        (Step::Begin, Received) => InExecution,
        (Step::PartiallyExecute, InExecution) => PartiallyExecuted,
        (Step::Execute, InExecution | PartiallyExecuted) => Executed,
        (Step::Refuse, Received | InExecution | PartiallyExecuted) => {
            if grounds.is_empty() {
                return Err(Refusal::new("a refusal names at least one ground"));
            }
            if reasons.trim().is_empty() {
                return Err(Refusal::new("a refusal gives its reasons"));
            }
            Refused
        }
        (Step::Withdraw, Drafted | Sent | Received | InExecution | PartiallyExecuted) => Withdrawn,
        (step, status) => {
            return Err(Refusal::new(format!(
                "a request that is {status} cannot take the step {step}"
            )));
        }
    };
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Side::*;
    use Status::*;

    fn take(status: Status, step: Step) -> Result<Status, Refusal> {
        apply(
            status,
            step,
            side_of(step),
            &[],
            &[Ground::LapseOfTime],
            "the limitation period ran out",
        )
    }

    #[test]
    fn a_request_goes_from_draft_to_executed_by_the_right_sides() {
        let s = take(Drafted, Step::Send).expect("send");
        let s = take(s, Step::Receive).expect("receive");
        let s = take(s, Step::Begin).expect("begin");
        let s = take(s, Step::PartiallyExecute).expect("part");
        let s = take(s, Step::Execute).expect("execute");
        assert_eq!(s, Executed);
        assert!(s.is_final() && s.is_answer());
        assert!(
            apply(Drafted, Step::Send, Requested, &[], &[], "").is_err(),
            "sent by the requested side"
        );
        assert!(
            apply(Sent, Step::Receive, Requesting, &[], &[], "").is_err(),
            "received by the requester"
        );
        assert!(apply(Received, Step::Withdraw, Requested, &[], &[], "").is_err());
        assert!(apply(Sent, Step::Receive, Outside, &[], &[], "").is_err());
    }

    #[test]
    fn a_draft_lacking_what_the_requested_state_needs_is_not_sent() {
        let missing = vec!["the legal text of the requested state for offence 1".to_owned()];
        let e = apply(Drafted, Step::Send, Requesting, &missing, &[], "").expect_err("incomplete");
        assert!(e.to_string().contains("legal text"), "{e}");
    }

    #[test]
    fn a_refusal_names_grounds_and_reasons_and_ends_the_request() {
        assert!(
            apply(Received, Step::Refuse, Requested, &[], &[], "why").is_err(),
            "no ground"
        );
        assert!(
            apply(Received, Step::Refuse, Requested, &[], &[Ground::OwnNational], " ").is_err(),
            "no reasons"
        );
        assert_eq!(take(Received, Step::Refuse), Ok(Refused));
        assert_eq!(take(PartiallyExecuted, Step::Refuse), Ok(Refused));
        assert!(take(Sent, Step::Refuse).is_err(), "refused before receipt");
        for final_ in [Executed, Refused, Withdrawn] {
            for step in [
                Step::Send,
                Step::Receive,
                Step::Begin,
                Step::Execute,
                Step::Refuse,
                Step::Withdraw,
            ] {
                assert!(take(final_, step).is_err(), "{step} after {final_}");
            }
        }
        assert!(take(Drafted, Step::Execute).is_err(), "executed a draft");
    }
}
