//! Meetings of the bodies and mechanisms in the registry, with their
//! decisions and the follow-up actions each decision gives a responsible
//! state by a due date. A decision may implement instruments; a state is
//! made responsible under one only if it has signed it by the decision's
//! date.

use crate::rules::Refused;
use crate::{HandlingCode, Registry, StateCode, text_enum};
use std::collections::BTreeSet;
use time::Date;

/// The longest text field.
pub const TEXT_LIMIT: usize = 20_000;
/// The most agenda items, participants, instruments or actions.
pub const LIST_LIMIT: usize = 50;

text_enum! {
    /// A regular meeting, or one called in an emergency.
    pub enum MeetingKind as "meeting kind" {
        Regular = "regular",
        Emergency = "emergency",
    }
}

/// A meeting as scheduled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingInput {
    /// A body of the registry.
    pub body: String,
    pub kind: MeetingKind,
    pub date: Date,
    pub place: String,
    pub chair: StateCode,
    pub participants: Vec<StateCode>,
    pub agenda: Vec<String>,
    pub handling: HandlingCode,
}

/// A follow-up action a decision gives a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionInput {
    pub state: StateCode,
    pub task: String,
    pub due: Date,
}

/// A decision as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionInput {
    /// Its number, unique within the meeting ("No. 3").
    pub number: String,
    pub date: Date,
    pub text: String,
    /// Instruments of the registry it implements.
    pub instruments: Vec<String>,
    pub actions: Vec<ActionInput>,
}

/// A follow-up action and what was reported of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub position: i64,
    pub state: StateCode,
    pub task: String,
    pub due: Date,
    pub done_at: Option<String>,
    pub report: String,
}

impl FollowUp {
    /// Not done by its due date.
    pub fn overdue(&self, today: Date) -> bool {
        self.done_at.is_none() && self.due < today
    }
}

/// A recorded decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub number: String,
    pub date: Date,
    pub text: String,
    pub instruments: Vec<String>,
    pub actions: Vec<FollowUp>,
}

/// A meeting with its decisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: String,
    pub originator: crate::AuthorityId,
    pub originator_state: Option<StateCode>,
    pub body: String,
    pub kind: MeetingKind,
    pub date: Date,
    pub place: String,
    pub chair: StateCode,
    pub participants: Vec<StateCode>,
    pub agenda: Vec<String>,
    pub decisions: Vec<Decision>,
    pub handling: HandlingCode,
    pub created_at: String,
    pub version: i64,
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

/// Checks a meeting: a body of the registry, known participants among
/// whom the chair sits, a place, a bounded agenda. Returns the handling
/// code shared with the participants.
pub fn check_meeting(m: &MeetingInput, registry: &Registry) -> Result<HandlingCode, Refused> {
    if !registry.bodies.contains_key(m.body.trim()) {
        return Err(Refused::invalid(
            "body",
            format!("{:?} is not a body of the registry", m.body),
        ));
    }
    text("place", &m.place, true)?;
    if m.participants.is_empty() {
        return Err(Refused::invalid("participants", "at least one state takes part"));
    }
    if m.participants.len() > LIST_LIMIT || m.agenda.len() > LIST_LIMIT {
        return Err(Refused::invalid("participants", format!("more than {LIST_LIMIT}")));
    }
    let mut seen = BTreeSet::new();
    for (i, p) in m.participants.iter().enumerate() {
        if !registry.states.contains_key(p) {
            return Err(Refused::invalid(
                format!("participants[{i}]"),
                format!("{p} is not a state of the registry"),
            ));
        }
        if !seen.insert(p) {
            return Err(Refused::invalid(
                format!("participants[{i}]"),
                format!("{p} is named twice"),
            ));
        }
    }
    if !m.participants.contains(&m.chair) {
        return Err(Refused::invalid(
            "chair",
            format!("{} chairs but does not take part", m.chair),
        ));
    }
    for (i, item) in m.agenda.iter().enumerate() {
        text(&format!("agenda[{i}]"), item, true)?;
    }
    Ok(HandlingCode {
        distribution: crate::Distribution::States(m.participants.iter().cloned().collect()),
        ..m.handling.clone()
    })
}

/// Checks a decision of `meeting`: a new number, a date not before the
/// meeting, a text, known instruments, and actions for participants, each
/// of whom has signed by the decision's date every instrument the
/// decision implements.
pub fn check_decision(d: &DecisionInput, meeting: &Meeting, registry: &Registry) -> Result<(), Refused> {
    text("number", &d.number, true)?;
    if meeting.decisions.iter().any(|x| x.number.trim() == d.number.trim()) {
        return Err(Refused::invalid(
            "number",
            format!("the meeting already has a decision {}", d.number.trim()),
        ));
    }
    if d.date < meeting.date {
        return Err(Refused::invalid(
            "date",
            format!("{} is before the meeting ({})", d.date, meeting.date),
        ));
    }
    text("text", &d.text, true)?;
    if d.instruments.len() > LIST_LIMIT || d.actions.len() > LIST_LIMIT {
        return Err(Refused::invalid("actions", format!("more than {LIST_LIMIT}")));
    }
    for (i, id) in d.instruments.iter().enumerate() {
        if !registry.instruments.contains_key(id) {
            return Err(Refused::invalid(
                format!("instruments[{i}]"),
                format!("{id:?} is not an instrument of the registry"),
            ));
        }
    }
    for (i, a) in d.actions.iter().enumerate() {
        if !meeting.participants.contains(&a.state) {
            return Err(Refused::invalid(
                format!("actions[{i}].state"),
                format!("{} did not take part in the meeting", a.state),
            ));
        }
        text(&format!("actions[{i}].task"), &a.task, true)?;
        if a.due < d.date {
            return Err(Refused::invalid(
                format!("actions[{i}].due"),
                format!("{} is before the decision", a.due),
            ));
        }
        for id in &d.instruments {
            let signed = registry
                .instruments
                .get(id)
                .is_some_and(|inst| inst.parties.iter().any(|p| p.state == a.state && p.signed <= d.date));
            if !signed {
                return Err(Refused::invalid(
                    format!("actions[{i}].state"),
                    format!(
                        "{} had not signed {id} by {}: the decision cannot make it responsible under it",
                        a.state, d.date
                    ),
                ));
            }
        }
    }
    Ok(())
}
