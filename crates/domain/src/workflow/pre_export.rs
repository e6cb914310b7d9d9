//! A pre-export notification of a precursor chemical, as PEN Online runs
//! it: the exporting state notifies; the importing state confirms or
//! objects (by a deadline; silence is flagged to both sides, never read as
//! consent); a confirmed shipment is shipped by the exporter and received
//! by the importer; any state on the route may stop it, with reasons.
//!
//! ```text
//! notified --confirm--> confirmed --ship--> shipped --receive--> received
//!    |  \                   |  \               |
//!    |   object             |   withdraw       stop
//!    |     v                |     v            v
//!    |  objected            | withdrawn     stopped
//!    withdraw               stop
//!       v                    v
//!   withdrawn             stopped
//! ```

use super::Refusal;
use crate::text_enum;
use time::OffsetDateTime;

text_enum! {
    /// Where a notified shipment stands.
    pub enum Stage as "notification stage" {
        /// Sent to the importing state, waiting for its reply.
        Notified = "notified",
        /// The importing state agreed to the import.
        Confirmed = "confirmed",
        /// The importing state objected: the shipment may not go.
        Objected = "objected",
        /// The exporting state withdrew the notification.
        Withdrawn = "withdrawn",
        /// The exporter reports the consignment left.
        Shipped = "shipped",
        /// The importing state reports it arrived.
        Received = "received",
        /// A state on the route stopped it.
        Stopped = "stopped",
    }
}

text_enum! {
    /// A step of the workflow.
    pub enum Step as "notification step" {
        Confirm = "confirm",
        Object = "object",
        Withdraw = "withdraw",
        Ship = "ship",
        Receive = "receive",
        Stop = "stop",
    }
}

text_enum! {
    /// Where the acting state stands on the shipment's route.
    pub enum Side as "route side" {
        Exporter = "exporter",
        Importer = "importer",
        Transit = "transit",
        /// Not on the route: a member that merely reads it, or the structure.
        Outside = "outside",
    }
}

impl Stage {
    /// No step leads out of it.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Stage::Objected | Stage::Withdrawn | Stage::Received | Stage::Stopped
        )
    }

    /// Whether the quantity still counts against the importing state's
    /// declared requirement (it may yet arrive, or did).
    pub fn counts_against_requirement(self) -> bool {
        !matches!(self, Stage::Objected | Stage::Withdrawn | Stage::Stopped)
    }
}

/// The sides of the route that may take `step`.
pub fn sides(step: Step) -> &'static [Side] {
    match step {
        Step::Confirm | Step::Object | Step::Receive => &[Side::Importer],
        Step::Withdraw | Step::Ship => &[Side::Exporter],
        Step::Stop => &[Side::Exporter, Side::Importer, Side::Transit],
    }
}

/// The next stage after `step` taken by a state on `side`, or why not.
/// Objections and stops carry reasons; `reason` is the text given.
pub fn apply(stage: Stage, step: Step, side: Side, reason: &str) -> Result<Stage, Refusal> {
    use Stage::*;
    let who = |allowed: &[Side], what: &str| {
        debug_assert_eq!(allowed, sides(step));
        if allowed.contains(&side) {
            Ok(())
        } else {
            Err(Refusal::new(format!(
                "{what} is for {}, not for a state that is {side} here",
                allowed.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" or ")
            )))
        }
    };
    let needs_reason = |what: &str| {
        if reason.trim().is_empty() {
            Err(Refusal::new(format!("{what} needs reasons")))
        } else {
            Ok(())
        }
    };
    let next = match (step, stage) {
        (Step::Confirm, Notified) => {
            who(&[Side::Importer], "confirming")?;
            Confirmed
        }
        (Step::Object, Notified) => {
            who(&[Side::Importer], "objecting")?;
            needs_reason("an objection")?;
            Objected
        }
        (Step::Withdraw, Notified | Confirmed) => {
            who(&[Side::Exporter], "withdrawing")?;
            Withdrawn
        }
        (Step::Ship, Confirmed) => {
            who(&[Side::Exporter], "shipping")?;
            Shipped
        }
        (Step::Receive, Shipped) => {
            who(&[Side::Importer], "receiving")?;
            Received
        }
        (Step::Stop, Confirmed | Shipped) => {
            who(&[Side::Exporter, Side::Importer, Side::Transit], "stopping a shipment")?;
            needs_reason("a stop")?;
            Stopped
        }
        (step, stage) => {
            return Err(Refusal::new(format!(
                "a notification that is {stage} cannot take the step {step}"
            )));
        }
    };
    Ok(next)
}

/// The importing state has not replied and the deadline has passed.
pub fn overdue(stage: Stage, deadline: OffsetDateTime, now: OffsetDateTime) -> bool {
    stage == Stage::Notified && now > deadline
}

#[cfg(test)]
mod tests {
    use super::*;
    use Side::*;
    use Stage::*;
    use time::macros::datetime;

    #[test]
    fn the_shipment_goes_through_its_stages_by_the_right_sides() {
        let s = apply(Notified, Step::Confirm, Importer, "").expect("confirm");
        let s = apply(s, Step::Ship, Exporter, "").expect("ship");
        let s = apply(s, Step::Receive, Importer, "").expect("receive");
        assert_eq!(s, Received);
        assert!(s.is_final());
        assert!(s.counts_against_requirement());
    }

    #[test]
    fn each_step_is_refused_to_the_wrong_side_and_stage() {
        for side in [Exporter, Transit, Outside] {
            assert!(apply(Notified, Step::Confirm, side, "").is_err(), "{side} confirmed");
            assert!(apply(Notified, Step::Object, side, "why").is_err(), "{side} objected");
        }
        for side in [Importer, Transit, Outside] {
            assert!(apply(Confirmed, Step::Ship, side, "").is_err(), "{side} shipped");
            assert!(apply(Notified, Step::Withdraw, side, "").is_err(), "{side} withdrew");
        }
        assert!(apply(Confirmed, Step::Stop, Outside, "why").is_err());
        assert!(
            apply(Notified, Step::Ship, Exporter, "").is_err(),
            "shipped unconfirmed"
        );
        assert!(
            apply(Confirmed, Step::Receive, Importer, "").is_err(),
            "received unshipped"
        );
        assert!(
            apply(Objected, Step::Confirm, Importer, "").is_err(),
            "confirmed after objecting"
        );
        assert!(
            apply(Shipped, Step::Withdraw, Exporter, "").is_err(),
            "withdrew a shipped one"
        );
        for stage in [Objected, Withdrawn, Received, Stopped] {
            for step in [
                Step::Confirm,
                Step::Object,
                Step::Withdraw,
                Step::Ship,
                Step::Receive,
                Step::Stop,
            ] {
                for side in [Exporter, Importer, Transit] {
                    assert!(apply(stage, step, side, "why").is_err(), "{step} out of {stage}");
                }
            }
        }
    }

    #[test]
    fn objections_and_stops_need_reasons() {
        assert!(apply(Notified, Step::Object, Importer, "  ").is_err());
        assert_eq!(apply(Notified, Step::Object, Importer, "no licence"), Ok(Objected));
        assert!(apply(Shipped, Step::Stop, Transit, "").is_err());
        assert_eq!(apply(Shipped, Step::Stop, Transit, "seal broken"), Ok(Stopped));
        assert!(!Stopped.counts_against_requirement());
    }

    #[test]
    fn silence_past_the_deadline_is_overdue_only_while_notified() {
        let deadline = datetime!(2026-12-15 00:00 UTC);
        let after = datetime!(2026-12-15 00:01 UTC);
        assert!(!overdue(Notified, deadline, datetime!(2026-12-14 23:59 UTC)));
        assert!(overdue(Notified, deadline, after));
        assert!(!overdue(Confirmed, deadline, after));
    }
}
