//! The demo's joint exercises from the seeds' history (Coalition-2003,
//! Peace Mission 2007, Tianshan-II 2011, Sary-arka-antiterror-2019 and the
//! cyber exercise Xiamen-2019), each confirmed by its participants and
//! reported, and one planned for next year that Kazakhstan has still to
//! confirm. Places and years from the seeds; dates, forces and reports
//! synthetic.

use crate::node::Node;
use anyhow::Result;
use concord_app::exercises as ex;
use concord_domain::exercise::{ExerciseInput, ExerciseKind, Phase};
use concord_domain::{Classification, HandlingCode, Role, Roles, StateCode, UserId, Viewer};
use concord_store::Ctx;
use std::collections::BTreeMap;
use time::{Date, Month};

/// A defence ministry's desk acting in the seeding (no login of its own).
pub(crate) fn desk(state: &str) -> Ctx {
    Ctx {
        viewer: Viewer {
            user: UserId::from(format!("demo-seed-{}", state.to_lowercase()).as_str()),
            authority: format!("{}-defence", state.to_lowercase()).as_str().into(),
            state: Some(StateCode::from(state)),
            roles: Roles::of([Role::Officer]),
            clearance: Classification::Confidential,
        },
        purpose: "demo set-up".into(),
    }
}

fn day(y: i32, m: u8, d: u8) -> Result<Date> {
    Ok(Date::from_calendar_date(y, Month::try_from(m)?, d)?)
}

struct Past<'a> {
    name: &'a str,
    kind: ExerciseKind,
    host: &'a str,
    participants: &'a [&'a str],
    phases: Vec<(&'a str, Date, Date)>,
    scenario: &'a str,
    report: &'a str,
}

/// Seeds once: skipped when Russia's defence ministry already sees exercises.
pub async fn seed(node: &Node) -> Result<()> {
    let s = &node.store;
    if !ex::list(s, &desk("RU"), 1).await?.is_empty() {
        return Ok(());
    }
    let six = ["CN", "KZ", "KG", "RU", "TJ", "UZ"];
    let eight = ["CN", "KZ", "KG", "RU", "TJ", "UZ", "IN", "PK"];
    let history = [
        Past {
            name: "Coalition-2003",
            kind: ExerciseKind::Field,
            host: "KZ",
            participants: &["KZ", "CN", "KG", "RU", "TJ"],
            phases: vec![
                ("First stage, Ucharal", day(2003, 8, 6)?, day(2003, 8, 7)?),
                ("Second stage, Ili", day(2003, 8, 10)?, day(2003, 8, 12)?),
            ],
            scenario: "A terrorist group crosses a border and seizes hostages (synthetic summary).",
            report: "The first joint anti-terrorist exercise of the member states (synthetic report).",
        },
        Past {
            name: "Peace Mission 2007",
            kind: ExerciseKind::Field,
            host: "RU",
            participants: &six,
            phases: vec![
                ("Planning, Urumqi", day(2007, 8, 9)?, day(2007, 8, 12)?),
                ("Conduct, Chelyabinsk", day(2007, 8, 13)?, day(2007, 8, 17)?),
            ],
            scenario: "Armed groups seize a settlement (synthetic summary).",
            report: "Command and control across six armed forces worked (synthetic report).",
        },
        Past {
            name: "Tianshan-II",
            kind: ExerciseKind::Field,
            host: "CN",
            participants: &["CN", "KG", "TJ"],
            phases: vec![("Kashgar", day(2011, 5, 6)?, day(2011, 5, 6)?)],
            scenario: "A group that crossed the border hides in the mountains (synthetic summary).",
            report: "Law-enforcement units of three states acted under one command (synthetic report).",
        },
        Past {
            name: "Sary-arka-antiterror-2019",
            kind: ExerciseKind::CommandStaff,
            host: "KZ",
            participants: &eight,
            phases: vec![("Karaganda region", day(2019, 9, 24)?, day(2019, 9, 26)?)],
            scenario: "Attacks on infrastructure in several regions at once (synthetic summary).",
            report: "The competent authorities of eight states exchanged information in real time (synthetic report).",
        },
        Past {
            name: "Xiamen-2019",
            kind: ExerciseKind::Cyber,
            host: "CN",
            participants: &eight,
            phases: vec![("Xiamen", day(2019, 12, 4)?, day(2019, 12, 5)?)],
            scenario: "Terrorist use of the internet to recruit and to plan an attack (synthetic summary).",
            report: "The first joint exercise against terrorist use of the internet (synthetic report).",
        },
    ];
    let handling = HandlingCode {
        classification: Classification::Restricted,
        ..HandlingCode::open()
    };
    for p in history {
        let host = desk(p.host);
        let input = ExerciseInput {
            name: p.name.into(),
            kind: p.kind,
            host: StateCode::from(p.host),
            participants: p.participants.iter().map(|c| StateCode::from(*c)).collect(),
            observers: vec![],
            phases: p
                .phases
                .into_iter()
                .map(|(name, starts, ends)| Phase {
                    name: name.into(),
                    starts,
                    ends,
                })
                .collect(),
            scenario: p.scenario.into(),
            forces: BTreeMap::new(),
            handling: handling.clone(),
        };
        let mut e = ex::plan(s, &host, input).await?;
        for other in p.participants.iter().filter(|c| **c != p.host) {
            e = ex::confirm(s, &desk(other), &e.id).await?;
        }
        ex::report(s, &host, &e.id, p.report, &[], e.version).await?;
    }
    let next = s.clock().today().year() + 1;
    let e = ex::plan(
        s,
        &desk("RU"),
        ExerciseInput {
            name: format!("Peace Mission {next}"),
            kind: ExerciseKind::Field,
            host: StateCode::from("RU"),
            participants: ["RU", "CN", "KZ"].into_iter().map(StateCode::from).collect(),
            observers: vec![StateCode::from("BY")],
            phases: vec![
                Phase {
                    name: "Planning conference".into(),
                    starts: day(next, 4, 14)?,
                    ends: day(next, 4, 16)?,
                },
                Phase {
                    name: "Field stage".into(),
                    starts: day(next, 8, 2)?,
                    ends: day(next, 8, 9)?,
                },
            ],
            scenario: "Synthetic: an armed group seizes a border town.".into(),
            forces: BTreeMap::from([
                (StateCode::from("RU"), "A motor-rifle battalion (synthetic)".to_owned()),
                (
                    StateCode::from("CN"),
                    "A special-operations company (synthetic)".to_owned(),
                ),
            ]),
            handling,
        },
    )
    .await?;
    ex::confirm(s, &desk("CN"), &e.id).await?;
    Ok(())
}
