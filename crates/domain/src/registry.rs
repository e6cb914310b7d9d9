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

/// The yearly chairmanship: it passes along `order` from `first_year` (when
/// the first state in it chaired), one state a year, over the states that
/// are members on the year's first day; the chair hosts the summit that
/// ends its year.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Chairmanship {
    pub order: Vec<StateCode>,
    pub first_year: i32,
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
    /// The rotation of the chairmanship, if configured.
    pub chairmanship: Option<Chairmanship>,
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

    /// The state that chairs in `year` (and hosts that year's summit):
    /// the rotation counted from its first year, passing over states in
    /// the order that are not members on the year's first day. `None`
    /// before the rotation began, without one, or with no member in it.
    pub fn chair(&self, year: i32) -> Option<&StateCode> {
        let c = self.chairmanship.as_ref()?;
        if year < c.first_year || c.order.is_empty() {
            return None;
        }
        let is_member = |s: &StateCode, y: i32| {
            Date::from_calendar_date(y, time::Month::January, 1)
                .ok()
                .and_then(|d| self.status_on(s, d))
                == Some(MembershipStatus::Member)
        };
        // Walk the years from the first, each taking the next member in
        // the order: a state that could not chair gives its turn to the
        // next, and the rotation goes on from there.
        let mut at = 0usize;
        let mut chair = None;
        for y in c.first_year..=year {
            let found = (0..c.order.len())
                .map(|k| (at + k) % c.order.len())
                .find(|i| is_member(&c.order[*i], y));
            match found {
                Some(i) => {
                    chair = Some(&c.order[i]);
                    at = i + 1;
                }
                None => chair = None,
            }
        }
        chair
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

    #[test]
    fn the_chair_rotates_over_the_members_of_each_year() {
        let mut r = Registry::default();
        for (code, events) in [
            ("KZ", vec![(date!(2001 - 06 - 15), MembershipStatus::Member)]),
            ("CN", vec![(date!(2001 - 06 - 15), MembershipStatus::Member)]),
            (
                "IN",
                vec![
                    (date!(2005 - 07 - 05), MembershipStatus::Observer),
                    (date!(2017 - 06 - 09), MembershipStatus::Member),
                ],
            ),
        ] {
            r.states.insert(
                StateCode::from(code),
                State {
                    code: StateCode::from(code),
                    name: Names::default(),
                    membership: events
                        .into_iter()
                        .map(|(since, status)| MembershipEvent { since, status })
                        .collect(),
                },
            );
        }
        r.chairmanship = Some(Chairmanship {
            order: ["IN", "KZ", "CN"].into_iter().map(StateCode::from).collect(),
            first_year: 2016,
        });
        let chairs: Vec<Option<&str>> = (2015..=2021).map(|y| r.chair(y).map(|s| s.as_str())).collect();
        // 2016: India is not yet a member on 1 January, so Kazakhstan takes
        // the turn; 2018: India is a member and chairs.
        assert_eq!(
            chairs,
            vec![
                None,
                Some("KZ"),
                Some("CN"),
                Some("IN"),
                Some("KZ"),
                Some("CN"),
                Some("IN")
            ]
        );
    }
}
