//! Handling codes: what travels with every record and message and decides who
//! may see it and what they may do with it.

use crate::{ParseError, StateCode, text_enum};
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

text_enum! {
    /// How sensitive a record is; also a user's clearance. Ordered: a user may
    /// see a record only if its clearance is at least the record's classification.
    pub enum Classification as "classification" {
        Unclassified = "unclassified",
        Restricted = "restricted",
        Confidential = "confidential",
        Secret = "secret",
    }
}

impl Classification {
    /// A stable rank (0..=3) for storage and range filters.
    pub fn rank(self) -> i64 {
        self as i64
    }
    /// The classification of a rank stored by [`Classification::rank`].
    pub fn from_rank(rank: i64) -> Option<Self> {
        usize::try_from(rank).ok().and_then(|r| Self::ALL.get(r).copied())
    }
}

text_enum! {
    /// Whether a recipient may pass the item on.
    pub enum Dissemination as "dissemination" {
        /// Recipients may forward, export and federate it.
        Free = "free",
        /// Recipients may read it, but passing it on needs the originator's consent.
        OriginatorConsent = "originator-consent",
    }
}

text_enum! {
    /// What the item may be used for.
    pub enum Use as "use" {
        /// Intelligence only: not evidence without the originator's consent.
        IntelligenceOnly = "intelligence-only",
        /// Usable as evidence.
        Evidence = "evidence",
    }
}

/// Who an item is distributed to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Distribution {
    /// Every state that is a member on the day of access, and the regional structure.
    AllMembers,
    /// The named states and the regional structure.
    States(BTreeSet<StateCode>),
    /// The originating authority and the regional structure.
    StructureOnly,
    /// The originating authority alone.
    OriginatorOnly,
}

const DISTRIBUTION_FORMS: &[&str] = &[
    "all-members",
    "structure-only",
    "originator-only",
    "states:CODE[,CODE...]",
];

impl fmt::Display for Distribution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Distribution::AllMembers => f.write_str("all-members"),
            Distribution::StructureOnly => f.write_str("structure-only"),
            Distribution::OriginatorOnly => f.write_str("originator-only"),
            Distribution::States(states) => {
                f.write_str("states:")?;
                for (i, s) in states.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    f.write_str(s.as_str())?;
                }
                Ok(())
            }
        }
    }
}

impl FromStr for Distribution {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "all-members" => Ok(Distribution::AllMembers),
            "structure-only" => Ok(Distribution::StructureOnly),
            "originator-only" => Ok(Distribution::OriginatorOnly),
            _ => {
                let list = s
                    .strip_prefix("states:")
                    .ok_or_else(|| ParseError::new("distribution", s, DISTRIBUTION_FORMS))?;
                let states: BTreeSet<StateCode> = list
                    .split(',')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(StateCode::from)
                    .collect();
                if states.is_empty() {
                    return Err(ParseError::new("distribution", s, DISTRIBUTION_FORMS));
                }
                Ok(Distribution::States(states))
            }
        }
    }
}

/// The full handling code of a record or message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HandlingCode {
    /// Who receives it.
    pub distribution: Distribution,
    /// Whether recipients may pass it on.
    pub dissemination: Dissemination,
    /// Whether it may serve as evidence.
    pub use_: Use,
    /// How sensitive it is.
    pub classification: Classification,
}

impl HandlingCode {
    /// The most open code: all members, free, evidence, unclassified.
    pub fn open() -> Self {
        HandlingCode {
            distribution: Distribution::AllMembers,
            dissemination: Dissemination::Free,
            use_: Use::Evidence,
            classification: Classification::Unclassified,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distribution_round_trips_through_text() {
        for text in ["all-members", "structure-only", "originator-only", "states:CN,KZ"] {
            let d: Distribution = text.parse().expect("valid");
            assert_eq!(d.to_string(), text);
        }
        assert!("states:".parse::<Distribution>().is_err());
        assert!("everyone".parse::<Distribution>().is_err());
    }

    #[test]
    fn classifications_are_ordered_and_ranked() {
        assert!(Classification::Secret > Classification::Confidential);
        assert!(Classification::Restricted > Classification::Unclassified);
        for c in Classification::ALL {
            assert_eq!(Classification::from_rank(c.rank()), Some(*c));
        }
        assert_eq!(Classification::from_rank(4), None);
        assert_eq!(Classification::from_rank(-1), None);
    }
}
