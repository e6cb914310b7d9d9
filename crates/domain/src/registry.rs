//! The registry: states and their membership history, competent authorities,
//! bodies and meeting mechanisms, legal instruments. Loaded from configuration.

use crate::{AuthorityId, StateCode, text_enum};
use std::collections::BTreeMap;
use time::Date;

text_enum! {
    /// A state's standing in the organization from a given date.
    pub enum MembershipStatus as "membership status" {
        /// Full member: sees what is distributed to all members.
        Member = "member",
        /// Observer: sees only what names it.
        Observer = "observer",
        /// Dialogue partner: sees only what names it.
        DialoguePartner = "dialogue-partner",
        /// A member whose rights are suspended: sees nothing shared.
        Suspended = "suspended",
        /// Has left: sees nothing shared.
        Withdrawn = "withdrawn",
    }
}

impl MembershipStatus {
    /// Whether a state in this status may receive shared data at all.
    pub fn may_receive(self) -> bool {
        !matches!(self, MembershipStatus::Suspended | MembershipStatus::Withdrawn)
    }
}

/// A change of status that takes effect on `since`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipEvent {
    /// The first day of the new status.
    pub since: Date,
    /// The new status.
    pub status: MembershipStatus,
}

/// A name in the working languages; English is required.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Names {
    /// English.
    pub en: String,
    /// Russian.
    pub ru: Option<String>,
    /// Chinese.
    pub zh: Option<String>,
}

impl Names {
    /// The name in `lang` ("en", "ru", "zh"), falling back to English.
    pub fn get(&self, lang: &str) -> &str {
        match lang {
            "ru" => self.ru.as_deref().unwrap_or(&self.en),
            "zh" => self.zh.as_deref().unwrap_or(&self.en),
            _ => &self.en,
        }
    }
}

/// A state in the registry (member, observer, dialogue partner or former).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// Its code.
    pub code: StateCode,
    /// Its name.
    pub name: Names,
    /// Status changes, in date order.
    pub membership: Vec<MembershipEvent>,
}

impl State {
    /// The status on `date`, or `None` before the state's first event.
    pub fn status_on(&self, date: Date) -> Option<MembershipStatus> {
        self.membership
            .iter()
            .take_while(|e| e.since <= date)
            .last()
            .map(|e| e.status)
    }
}

text_enum! {
    /// The kinds of competent authority.
    pub enum AuthorityKind as "authority kind" {
        SecurityService = "security-service",
        Police = "police",
        Prosecutor = "prosecutor",
        Court = "court",
        BorderService = "border-service",
        AntiDrugAgency = "anti-drug-agency",
        Defence = "defence",
        ForeignMinistry = "foreign-ministry",
        FinancialIntelligence = "financial-intelligence",
        /// The regional structure itself; it belongs to no state.
        RegionalStructure = "regional-structure",
    }
}

/// A competent authority of a state, or the regional structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    /// Its id.
    pub id: AuthorityId,
    /// Its state; `None` for the regional structure.
    pub state: Option<StateCode>,
    /// What it is.
    pub kind: AuthorityKind,
    /// Its name.
    pub name: Names,
}

text_enum! {
    /// The kinds of body and meeting mechanism.
    pub enum BodyKind as "body kind" {
        Council = "council",
        MinistersMeeting = "ministers-meeting",
        HeadsMeeting = "heads-meeting",
        SeniorOfficials = "senior-officials",
        ExpertGroup = "expert-group",
        PermanentBody = "permanent-body",
    }
}

/// A body or meeting mechanism.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// Its id.
    pub id: String,
    /// What it is.
    pub kind: BodyKind,
    /// Its name.
    pub name: Names,
    /// The body it belongs to (an expert group under its mechanism).
    pub parent: Option<String>,
    /// Its level in a tiered mechanism (1 = highest).
    pub level: Option<i64>,
}

text_enum! {
    /// The kinds of legal instrument.
    pub enum InstrumentKind as "instrument kind" {
        Charter = "charter",
        Convention = "convention",
        Agreement = "agreement",
        Treaty = "treaty",
        Declaration = "declaration",
        Programme = "programme",
    }
}

/// A numbered article of an instrument that records can cite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Its number as written ("1", "2.1").
    pub number: String,
    /// What it is about.
    pub title: String,
}

/// A state's signature and ratification of an instrument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// The state.
    pub state: StateCode,
    /// When it signed or acceded.
    pub signed: Date,
    /// When it ratified, if it has.
    pub ratified: Option<Date>,
}

/// A convention, agreement or other legal instrument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instrument {
    /// Its id.
    pub id: String,
    /// What it is.
    pub kind: InstrumentKind,
    /// Its title.
    pub title: Names,
    /// When it was adopted or opened for signature.
    pub adopted: Date,
    /// Its citable articles.
    pub articles: Vec<Article>,
    /// The states that signed it.
    pub parties: Vec<Party>,
}

/// A channel for direct legal assistance between two border-area offices
/// of different states, as a bilateral agreement allows; every other
/// request goes between the states' central authorities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalChannel {
    pub between: [AuthorityId; 2],
}

/// The whole registry, indexed for the lookups the access model needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Registry {
    /// The organization's name.
    pub organization: Names,
    /// States by code.
    pub states: BTreeMap<StateCode, State>,
    /// Authorities by id.
    pub authorities: BTreeMap<AuthorityId, Authority>,
    /// Bodies by id.
    pub bodies: BTreeMap<String, Body>,
    /// Instruments by id.
    pub instruments: BTreeMap<String, Instrument>,
    /// The controlled precursor chemicals, by id.
    pub substances: BTreeMap<String, crate::precursor::Substance>,
    /// Direct channels between border-area offices.
    pub legal_channels: Vec<LegalChannel>,
}

impl Registry {
    /// A state's status on `date`; `None` for an unknown state or a date
    /// before its first status.
    pub fn status_on(&self, state: &StateCode, date: Date) -> Option<MembershipStatus> {
        self.states.get(state).and_then(|s| s.status_on(date))
    }

    /// The member states on `date`.
    pub fn members_on(&self, date: Date) -> Vec<&StateCode> {
        self.states
            .values()
            .filter(|s| s.status_on(date) == Some(MembershipStatus::Member))
            .map(|s| &s.code)
            .collect()
    }

    /// An authority by id.
    pub fn authority(&self, id: &AuthorityId) -> Option<&Authority> {
        self.authorities.get(id)
    }

    /// Whether `id` is a border-area office: one end of a direct channel.
    pub fn border_office(&self, id: &AuthorityId) -> bool {
        self.legal_channels.iter().any(|c| c.between.contains(id))
    }

    /// The offices `id` exchanges requests with directly.
    pub fn direct_partners(&self, id: &AuthorityId) -> Vec<&AuthorityId> {
        self.legal_channels
            .iter()
            .filter_map(|c| match &c.between {
                [a, b] if a == id => Some(b),
                [a, b] if b == id => Some(a),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn status_follows_the_latest_event_on_or_before_the_date() {
        let s = State {
            code: "BY".into(),
            name: Names::default(),
            membership: vec![
                MembershipEvent {
                    since: date!(2015 - 07 - 10),
                    status: MembershipStatus::Observer,
                },
                MembershipEvent {
                    since: date!(2024 - 07 - 04),
                    status: MembershipStatus::Member,
                },
            ],
        };
        assert_eq!(s.status_on(date!(2015 - 07 - 09)), None);
        assert_eq!(s.status_on(date!(2015 - 07 - 10)), Some(MembershipStatus::Observer));
        assert_eq!(s.status_on(date!(2024 - 07 - 03)), Some(MembershipStatus::Observer));
        assert_eq!(s.status_on(date!(2024 - 07 - 04)), Some(MembershipStatus::Member));
    }
}
