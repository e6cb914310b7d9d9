//! Precursor chemicals: the substance catalogue (configuration), quantities
//! in the units a substance is measured in, states' declared annual
//! legitimate requirements, pre-export notifications with their route, and
//! incidents (seizures, stopped shipments, suspicious orders). The
//! notification's workflow is [`crate::workflow::pre_export`].
//!
//! Quantities are kept as whole grams or millilitres, so that sums over a
//! year's notifications are exact.

use crate::registry::Names;
use crate::rules::Refused;
use crate::workflow::pre_export::Stage;
use crate::{AuthorityId, Distribution, HandlingCode, Registry, StateCode, text_enum};
use std::collections::BTreeSet;
use time::Date;

text_enum! {
    /// How a substance is measured.
    pub enum Measure as "measure" {
        /// By mass; kept in grams.
        Mass = "mass",
        /// By volume; kept in millilitres.
        Volume = "volume",
    }
}

/// A controlled substance of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Substance {
    /// Its id in the configuration (`acetic-anhydride`).
    pub id: String,
    /// Its names in the working languages.
    pub name: Names,
    /// Its CAS registry number.
    pub cas: String,
    /// The table of the 1988 Convention that lists it (`I` or `II`).
    pub table: String,
    /// How it is measured.
    pub measure: Measure,
}

/// The largest quantity one notification or declaration may name: a
/// million tonnes (or cubic metres), in grams (millilitres).
pub const MAX_QUANTITY: i64 = 1_000_000_000_000;

/// Units by measure, with how many grams (millilitres) each holds.
const UNITS: &[(Measure, &str, i64)] = &[
    (Measure::Mass, "g", 1),
    (Measure::Mass, "kg", 1_000),
    (Measure::Mass, "t", 1_000_000),
    (Measure::Volume, "ml", 1),
    (Measure::Volume, "l", 1_000),
    (Measure::Volume, "m3", 1_000_000),
];

/// The units a measure accepts, for forms and messages.
pub fn units(measure: Measure) -> Vec<&'static str> {
    UNITS
        .iter()
        .filter(|(m, _, _)| *m == measure)
        .map(|(_, u, _)| *u)
        .collect()
}

/// Reads `amount` in `unit` for a substance measured by `measure`, into
/// grams (millilitres). `field` names the amount in refusals.
pub fn parse_quantity(field: &str, amount: &str, unit: &str, measure: Measure) -> Result<i64, Refused> {
    let unit_field = field.replace("quantity", "unit");
    let Some((_, _, factor)) = UNITS.iter().find(|(m, u, _)| *m == measure && *u == unit.trim()) else {
        let known = UNITS.iter().any(|(_, u, _)| *u == unit.trim());
        let why = if known {
            format!(
                "{unit:?} does not measure a substance measured by {measure}: use one of {}",
                units(measure).join(", ")
            )
        } else {
            format!("unknown unit {unit:?}: use one of {}", units(measure).join(", "))
        };
        return Err(Refused::invalid(unit_field, why));
    };
    let text = amount.trim();
    let bad = || {
        Refused::invalid(
            field,
            format!("{text:?} is not a quantity: write digits, with a decimal point if needed"),
        )
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() && fraction.is_empty() {
        return Err(bad());
    }
    if text.starts_with('-') {
        return Err(Refused::invalid(field, "a quantity must be more than zero"));
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let digits = factor.ilog10() as usize;
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > digits {
        return Err(Refused::invalid(
            field,
            format!("{text} {unit} is finer than a whole {}", units(measure)[0]),
        ));
    }
    let too_much = || {
        Refused::invalid(
            field,
            format!(
                "{text} {unit} is more than any shipment: at most {}",
                format_quantity(MAX_QUANTITY, measure)
            ),
        )
    };
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| too_much())?
    };
    let frac: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<digits$}").parse().map_err(|_| bad())?
    };
    let total = whole
        .checked_mul(*factor)
        .and_then(|w| w.checked_add(frac))
        .ok_or_else(too_much)?;
    if total <= 0 {
        return Err(Refused::invalid(field, "a quantity must be more than zero"));
    }
    if total > MAX_QUANTITY {
        return Err(too_much());
    }
    Ok(total)
}

/// A quantity in kilograms (litres), without trailing zeros: `1250.5 kg`.
pub fn format_quantity(base: i64, measure: Measure) -> String {
    let unit = match measure {
        Measure::Mass => "kg",
        Measure::Volume => "l",
    };
    let (whole, frac) = (base / 1000, (base % 1000).abs());
    if frac == 0 {
        format!("{whole} {unit}")
    } else {
        let f = format!("{frac:03}");
        format!("{whole}.{} {unit}", f.trim_end_matches('0'))
    }
}

/// How `substance` of the catalogue is measured (by mass when unknown, as
/// a stored quantity of a removed substance still reads).
pub fn measure_of(registry: &Registry, substance: &str) -> Measure {
    registry.substances.get(substance).map_or(Measure::Mass, |s| s.measure)
}

/// A stored quantity of `substance`, readable (`1200.5 l`).
pub fn quantity_text(registry: &Registry, substance: &str, base: i64) -> String {
    format_quantity(base, measure_of(registry, substance))
}

/// A state's declared annual legitimate requirement of one substance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub state: StateCode,
    pub substance: String,
    pub year: i32,
    /// Grams or millilitres.
    pub quantity: i64,
    /// Who declared it, and when.
    pub declared_by: String,
    pub declared_at: String,
}

/// How a notified quantity compares with the importing state's declared
/// requirement for the year, counting what was notified before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assessment {
    /// The declared requirement, if the importing state declared one.
    pub declared: Option<i64>,
    /// Notified to that state for the substance and year before this one
    /// (objected, withdrawn and stopped shipments do not count).
    pub notified_before: i64,
    /// This notification's quantity.
    pub quantity: i64,
}

impl Assessment {
    /// By how much the year's total exceeds the declared requirement.
    pub fn excess(&self) -> Option<i64> {
        let total = self.notified_before.saturating_add(self.quantity);
        match self.declared {
            Some(d) if total > d => Some(total - d),
            _ => None,
        }
    }
    /// Whether the importer must look closer before it decides: no
    /// requirement declared, or one exceeded.
    pub fn flagged(&self) -> bool {
        self.declared.is_none() || self.excess().is_some()
    }
}

/// A transit state on a shipment's route and where the consignment enters it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitLeg {
    pub state: StateCode,
    pub point_of_entry: String,
}

/// What an exporting state notifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationInput {
    pub importing_state: StateCode,
    /// The exporting company.
    pub exporter: String,
    /// The importing company.
    pub importer: String,
    /// Who receives the goods, if not the importer.
    pub consignee: String,
    pub substance: String,
    /// The amount as written, and its unit.
    pub quantity: String,
    pub unit: String,
    /// The transit states, in route order.
    pub transit: Vec<TransitLeg>,
    /// Where the consignment enters the importing state.
    pub point_of_entry: String,
    /// When it is planned to leave.
    pub planned_export: Date,
    /// Classification, dissemination and use; the distribution is the
    /// route's states, whatever is given.
    pub handling: HandlingCode,
}

/// A step in a notification's trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationStep {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub state: Option<String>,
    /// `notify`, a [`crate::workflow::pre_export::Step`], or `flag-overdue`.
    pub action: String,
    pub detail: String,
}

/// A pre-export notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreExportNotification {
    pub id: String,
    /// The exporting state's notifying authority.
    pub originator: AuthorityId,
    pub exporting_state: StateCode,
    pub importing_state: StateCode,
    pub exporter: String,
    pub importer: String,
    pub consignee: String,
    pub substance: String,
    /// Grams or millilitres.
    pub quantity: i64,
    pub transit: Vec<TransitLeg>,
    pub point_of_entry: String,
    pub planned_export: Date,
    /// The reply is due by then (a stamp).
    pub deadline: String,
    pub stage: Stage,
    pub handling: HandlingCode,
    /// The check against the importer's declared requirement, made when it was notified.
    pub assessment: Assessment,
    /// The importer's silence past the deadline was flagged to both sides.
    pub overdue_flagged: bool,
    pub created_at: String,
    pub updated_at: String,
    pub timeline: Vec<NotificationStep>,
    /// Incidents raised about it that the reader may see.
    pub incidents: Vec<String>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

impl PreExportNotification {
    /// The states the shipment touches: exporter, transit, importer.
    pub fn route_states(&self) -> BTreeSet<StateCode> {
        let mut s: BTreeSet<StateCode> = self.transit.iter().map(|t| t.state.clone()).collect();
        s.insert(self.exporting_state.clone());
        s.insert(self.importing_state.clone());
        s
    }

    /// Where `state` stands on the route.
    pub fn side_of(&self, state: Option<&StateCode>) -> crate::workflow::pre_export::Side {
        use crate::workflow::pre_export::Side;
        match state {
            Some(s) if *s == self.exporting_state => Side::Exporter,
            Some(s) if *s == self.importing_state => Side::Importer,
            Some(s) if self.transit.iter().any(|t| t.state == *s) => Side::Transit,
            _ => Side::Outside,
        }
    }
}

text_enum! {
    /// What happened.
    pub enum IncidentKind as "incident kind" {
        Seizure = "seizure",
        StoppedShipment = "stopped-shipment",
        SuspiciousOrder = "suspicious-order",
    }
}

/// What an authority reports about an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentInput {
    pub kind: IncidentKind,
    pub occurred_on: Date,
    pub place: String,
    pub description: String,
    /// The substance and quantity concerned, if known.
    pub substance: Option<String>,
    pub quantity: Option<String>,
    pub unit: Option<String>,
    /// The notification it concerns, records and messages it links.
    pub notification: Option<String>,
    pub records: Vec<String>,
    pub messages: Vec<String>,
    pub handling: HandlingCode,
}

/// A seizure, stopped shipment or suspicious order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub id: String,
    pub originator: AuthorityId,
    pub originator_state: Option<StateCode>,
    pub kind: IncidentKind,
    pub occurred_on: Date,
    pub place: String,
    pub description: String,
    pub substance: Option<String>,
    /// Grams or millilitres.
    pub quantity: Option<i64>,
    pub notification: Option<String>,
    /// Links the reader may follow (hidden ones are dropped on reading).
    pub records: Vec<String>,
    pub messages: Vec<String>,
    pub handling: HandlingCode,
    pub created_at: String,
}

/// The state `viewer` acts for in precursor control: its authority is of
/// the kind the policy names (the anti-drug agency) and it is an officer or
/// supervisor.
pub fn acting_state(viewer: &crate::Viewer, registry: &Registry, policy: &crate::Policy) -> Result<StateCode, Refused> {
    let kind = policy.precursor_authority;
    match (&viewer.state, registry.authority(&viewer.authority)) {
        (Some(state), Some(a))
            if a.kind == kind && viewer.roles.any(&[crate::Role::Officer, crate::Role::Supervisor]) =>
        {
            Ok(state.clone())
        }
        _ => Err(Refused::Forbidden(format!(
            "a state notifies and answers precursor exports through its {kind}, by an officer or supervisor"
        ))),
    }
}

/// The authorities that act for `state` in precursor control: those told
/// of a notification.
pub fn authorities_of(registry: &Registry, policy: &crate::Policy, state: &StateCode) -> Vec<AuthorityId> {
    registry
        .authorities
        .values()
        .filter(|a| a.state.as_ref() == Some(state) && a.kind == policy.precursor_authority)
        .map(|a| a.id.clone())
        .collect()
}

/// The longest free text of a notification or incident.
pub const TEXT_LIMIT: usize = 2000;

fn text(field: &str, value: &str, required: bool) -> Result<(), Refused> {
    if required && value.trim().is_empty() {
        return Err(Refused::invalid(field, "must not be empty"));
    }
    if value.chars().count() > TEXT_LIMIT {
        return Err(Refused::invalid(field, format!("longer than {TEXT_LIMIT} characters")));
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Refused::invalid(field, "contains control characters"));
    }
    Ok(())
}

/// The substance `id` of the catalogue, or why not.
pub fn substance<'a>(registry: &'a Registry, field: &str, id: &str) -> Result<&'a Substance, Refused> {
    registry
        .substances
        .get(id.trim())
        .ok_or_else(|| Refused::invalid(field, format!("{id:?} is not a substance of the catalogue")))
}

/// What a checked notification becomes: its quantity in grams (millilitres)
/// and its handling code with the route's distribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedNotification {
    pub quantity: i64,
    pub handling: HandlingCode,
}

/// Checks a notification from `exporting_state` on `today`: known states
/// and substance, a route without the exporter or the importer in transit
/// and without repeats, a convertible and sensible quantity, a date not past.
pub fn check_notification(
    input: &NotificationInput,
    exporting_state: &StateCode,
    registry: &Registry,
    today: Date,
) -> Result<CheckedNotification, Refused> {
    if !registry.states.contains_key(&input.importing_state) {
        return Err(Refused::invalid(
            "importing_state",
            format!("{} is not a state of the registry", input.importing_state),
        ));
    }
    if input.importing_state == *exporting_state {
        return Err(Refused::invalid(
            "importing_state",
            "the importing state is the exporting state: a pre-export notification crosses a border",
        ));
    }
    text("exporter", &input.exporter, true)?;
    text("importer", &input.importer, true)?;
    text("consignee", &input.consignee, false)?;
    text("point_of_entry", &input.point_of_entry, true)?;
    let s = substance(registry, "substance", &input.substance)?;
    let quantity = parse_quantity("quantity", &input.quantity, &input.unit, s.measure)?;
    let mut seen = BTreeSet::new();
    for (i, leg) in input.transit.iter().enumerate() {
        let field = format!("transit[{i}].state");
        if !registry.states.contains_key(&leg.state) {
            return Err(Refused::invalid(
                field,
                format!("{} is not a state of the registry", leg.state),
            ));
        }
        if leg.state == *exporting_state || leg.state == input.importing_state {
            return Err(Refused::invalid(
                field,
                format!("{} is an end of the route, not a transit state", leg.state),
            ));
        }
        if !seen.insert(leg.state.clone()) {
            return Err(Refused::invalid(field, format!("{} is on the route twice", leg.state)));
        }
        text(&format!("transit[{i}].point_of_entry"), &leg.point_of_entry, true)?;
    }
    if input.planned_export < today {
        return Err(Refused::invalid(
            "planned_export",
            format!("{} is past: a notification precedes the export", input.planned_export),
        ));
    }
    let mut states: BTreeSet<StateCode> = seen;
    states.insert(exporting_state.clone());
    states.insert(input.importing_state.clone());
    Ok(CheckedNotification {
        quantity,
        handling: HandlingCode {
            distribution: Distribution::States(states),
            ..input.handling.clone()
        },
    })
}

/// Checks a declared requirement: a known substance, a year near today,
/// a sensible quantity. Returns it in grams (millilitres).
pub fn check_requirement(
    registry: &Registry,
    substance_id: &str,
    year: i32,
    amount: &str,
    unit: &str,
    today: Date,
) -> Result<i64, Refused> {
    let s = substance(registry, "substance", substance_id)?;
    if !(today.year() - 1..=today.year() + 2).contains(&year) {
        return Err(Refused::invalid(
            "year",
            format!(
                "{year} is not a year to declare for: from {} to {}",
                today.year() - 1,
                today.year() + 2
            ),
        ));
    }
    parse_quantity("quantity", amount, unit, s.measure)
}

/// Checks an incident report; returns its quantity in grams (millilitres).
pub fn check_incident(input: &IncidentInput, registry: &Registry, today: Date) -> Result<Option<i64>, Refused> {
    text("place", &input.place, true)?;
    text("description", &input.description, true)?;
    if input.occurred_on > today {
        return Err(Refused::invalid(
            "occurred_on",
            format!("{} is in the future", input.occurred_on),
        ));
    }
    match (&input.substance, &input.quantity) {
        (Some(id), Some(q)) if !q.trim().is_empty() => {
            let s = substance(registry, "substance", id)?;
            parse_quantity("quantity", q, input.unit.as_deref().unwrap_or(""), s.measure).map(Some)
        }
        (Some(id), _) => substance(registry, "substance", id).map(|_| None),
        (None, Some(q)) if !q.trim().is_empty() => Err(Refused::invalid("substance", "a quantity needs its substance")),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_convert_exactly_and_refuse_what_does_not() {
        let q = |a: &str, u: &str| parse_quantity("quantity", a, u, Measure::Mass);
        assert_eq!(q("12.5", "kg"), Ok(12_500));
        assert_eq!(q("3", "t"), Ok(3_000_000));
        assert_eq!(q("0.001", "kg"), Ok(1));
        assert_eq!(q(" 250 ", "g"), Ok(250));
        assert_eq!(q(".5", "kg"), Ok(500));
        for bad in ["-5", "0", "0.000", "abc", "1e3", "1,5", "", ".", "1.2.3", "+4"] {
            assert!(q(bad, "kg").is_err(), "{bad:?} accepted");
        }
        assert!(q("0.0001", "kg").is_err(), "finer than a gram");
        assert!(q("1000001", "t").is_err(), "absurd");
        assert!(q("99999999999999999999999", "g").is_err(), "overflow");
        match q("5", "l") {
            Err(Refused::Invalid(e)) => {
                assert_eq!(e.field, "unit");
                assert!(e.message.contains("does not measure"), "{}", e.message);
            }
            other => panic!("litres of a solid: {other:?}"),
        }
        assert!(parse_quantity("quantity", "5", "l", Measure::Volume).is_ok());
        assert!(parse_quantity("quantity", "5", "barrel", Measure::Volume).is_err());
    }

    #[test]
    fn quantities_print_in_kilograms_or_litres() {
        assert_eq!(format_quantity(12_500, Measure::Mass), "12.5 kg");
        assert_eq!(format_quantity(3_000_000, Measure::Mass), "3000 kg");
        assert_eq!(format_quantity(1, Measure::Volume), "0.001 l");
    }

    #[test]
    fn an_excess_counts_what_was_notified_before() {
        let a = Assessment {
            declared: Some(10_000),
            notified_before: 8_000,
            quantity: 3_000,
        };
        assert_eq!(a.excess(), Some(1_000));
        assert!(a.flagged());
        let within = Assessment { quantity: 2_000, ..a };
        assert_eq!(within.excess(), None);
        assert!(!within.flagged());
        let undeclared = Assessment {
            declared: None,
            ..within
        };
        assert!(undeclared.flagged());
    }
}
