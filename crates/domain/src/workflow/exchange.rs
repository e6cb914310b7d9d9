//! Intelligence exchange: delivery of a message to each recipient authority,
//! answers to requests, and forwarding that needs the originator's consent.

use super::Refusal;
use crate::text_enum;
use time::OffsetDateTime;

text_enum! {
    /// A message informs; a request asks for an answer by a deadline.
    pub enum MessageKind as "message kind" {
        Message = "message",
        Request = "request",
    }
}

text_enum! {
    /// How fast the recipients should act.
    pub enum Priority as "priority" {
        Routine = "routine",
        Priority = "priority",
        Urgent = "urgent",
        Flash = "flash",
    }
}

text_enum! {
    /// Where a message stands for one recipient authority.
    pub enum Delivery as "delivery state" {
        /// Stored and waiting for the recipient.
        Sent = "sent",
        /// A user of the recipient authority has opened it.
        Delivered = "delivered",
        /// The recipient authority has acknowledged it.
        Acknowledged = "acknowledged",
        /// The recipient authority has answered the request.
        Answered = "answered",
    }
}

/// What happens to one recipient's copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryEvent {
    /// A user of the recipient authority read it.
    Opened,
    /// A user of the recipient authority acknowledged it.
    Acknowledge,
    /// The recipient authority replied; answers a request.
    Replied,
}

/// The next delivery state. Opening is idempotent; acknowledging twice is
/// refused; a reply acknowledges, and answers a request.
pub fn deliver(kind: MessageKind, state: Delivery, event: DeliveryEvent) -> Result<Delivery, Refusal> {
    use Delivery::*;
    match (event, state) {
        (DeliveryEvent::Opened, Sent) => Ok(Delivered),
        (DeliveryEvent::Opened, s) => Ok(s),
        (DeliveryEvent::Acknowledge, Sent | Delivered) => Ok(Acknowledged),
        (DeliveryEvent::Acknowledge, s) => Err(Refusal::new(format!("the message is already {s}"))),
        (DeliveryEvent::Replied, Answered) => Ok(Answered),
        (DeliveryEvent::Replied, _) if kind == MessageKind::Request => Ok(Answered),
        (DeliveryEvent::Replied, Sent | Delivered) => Ok(Acknowledged),
        (DeliveryEvent::Replied, s) => Ok(s),
    }
}

/// A request is overdue for a recipient that has not answered by its deadline.
pub fn overdue(kind: MessageKind, state: Delivery, deadline: Option<OffsetDateTime>, now: OffsetDateTime) -> bool {
    kind == MessageKind::Request && state != Delivery::Answered && deadline.is_some_and(|d| now > d)
}

text_enum! {
    /// A request to forward a message that only travels with the originator's consent.
    pub enum Forward as "forward state" {
        /// Waiting for the originating authority.
        Pending = "pending",
        /// The originator agreed; the message went on.
        Granted = "granted",
        /// The originator refused.
        Refused = "refused",
    }
}

/// The originating authority's answer to a forward request.
pub fn decide_forward(state: Forward, by_originator: bool, grant: bool) -> Result<Forward, Refusal> {
    if !by_originator {
        return Err(Refusal::new("only the originating authority decides a forward request"));
    }
    match state {
        Forward::Pending if grant => Ok(Forward::Granted),
        Forward::Pending => Ok(Forward::Refused),
        s => Err(Refusal::new(format!("the forward request was already {s}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn every_delivery_transition() {
        use Delivery::*;
        use DeliveryEvent::*;
        use MessageKind::*;
        let table = [
            (Message, Sent, Opened, Some(Delivered)),
            (Message, Delivered, Opened, Some(Delivered)),
            (Message, Acknowledged, Opened, Some(Acknowledged)),
            (Message, Sent, Acknowledge, Some(Acknowledged)),
            (Message, Delivered, Acknowledge, Some(Acknowledged)),
            (Message, Acknowledged, Acknowledge, None),
            (Request, Answered, Acknowledge, None),
            (Message, Sent, Replied, Some(Acknowledged)),
            (Message, Acknowledged, Replied, Some(Acknowledged)),
            (Request, Sent, Replied, Some(Answered)),
            (Request, Acknowledged, Replied, Some(Answered)),
            (Request, Answered, Replied, Some(Answered)),
            (Request, Answered, Opened, Some(Answered)),
        ];
        for (kind, from, event, to) in table {
            assert_eq!(deliver(kind, from, event).ok(), to, "{kind} {from} {event:?}");
        }
        let refused = deliver(Message, Acknowledged, Acknowledge).expect_err("twice");
        assert!(refused.0.contains("already acknowledged"));
    }

    #[test]
    fn only_unanswered_requests_past_their_deadline_are_overdue() {
        let deadline = Some(datetime!(2026-01-10 12:00 UTC));
        let after = datetime!(2026-01-10 12:01 UTC);
        let before = datetime!(2026-01-10 11:59 UTC);
        assert!(overdue(MessageKind::Request, Delivery::Acknowledged, deadline, after));
        assert!(!overdue(MessageKind::Request, Delivery::Acknowledged, deadline, before));
        assert!(!overdue(MessageKind::Request, Delivery::Answered, deadline, after));
        assert!(!overdue(MessageKind::Message, Delivery::Sent, deadline, after));
        assert!(!overdue(MessageKind::Request, Delivery::Sent, None, after));
    }

    #[test]
    fn forward_requests_are_decided_once_by_the_originator() {
        assert_eq!(decide_forward(Forward::Pending, true, true), Ok(Forward::Granted));
        assert_eq!(decide_forward(Forward::Pending, true, false), Ok(Forward::Refused));
        assert!(decide_forward(Forward::Pending, false, true).is_err());
        assert!(decide_forward(Forward::Granted, true, false).is_err());
        assert!(decide_forward(Forward::Refused, true, true).is_err());
    }
}
