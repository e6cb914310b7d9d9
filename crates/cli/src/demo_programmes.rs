//! The demo's programmes: the 2019-2021 programme of cooperation against
//! terrorism, separatism and extremism (from the Qingdao decision), with
//! each state's progress and one action left unfinished, and an anti-drug
//! action plan running now. Actions and figures synthetic.

use crate::demo_exercises::desk;
use anyhow::Result;
use concord_app::programmes as prg;
use concord_domain::programme::{ActionInput, ProgrammeInput};
use concord_domain::{Classification, HandlingCode, StateCode};
use time::{Date, Month};

fn states(codes: &[&str]) -> Vec<StateCode> {
    codes.iter().map(|c| StateCode::from(*c)).collect()
}

fn action(title: &str, responsible: &[&str], indicator: &str, deadline: Date) -> ActionInput {
    ActionInput {
        title: title.into(),
        responsible: states(responsible),
        indicator: indicator.into(),
        deadline,
    }
}

/// Seeds once: skipped when China's desk already sees programmes.
pub async fn seed(node: &crate::node::Node) -> Result<()> {
    let s = &node.store;
    let cn = desk("CN");
    if !prg::list(s, &cn, 1).await?.is_empty() {
        return Ok(());
    }
    let handling = HandlingCode {
        classification: Classification::Restricted,
        ..HandlingCode::open()
    };
    let d = |y: i32, m: Month, day: u8| Date::from_calendar_date(y, m, day);
    let p = prg::adopt(
        s,
        &cn,
        ProgrammeInput {
            name: "Programme of cooperation against terrorism, separatism and extremism 2019-2021".into(),
            first_year: 2019,
            last_year: 2021,
            participants: states(&["CN", "KZ", "KG", "RU", "TJ", "UZ", "IN", "PK"]),
            actions: vec![
                action(
                    "Joint training of counter-terrorism units",
                    &["CN", "RU"],
                    "Courses held",
                    d(2020, Month::December, 31)?,
                ),
                action(
                    "Exchange of lists of wanted members of banned organizations",
                    &["KZ", "KG", "UZ"],
                    "Lists exchanged each quarter",
                    d(2021, Month::June, 30)?,
                ),
            ],
            handling: handling.clone(),
        },
    )
    .await?;
    prg::report(s, &cn, &p.id, 0, 100, "Six courses (synthetic)").await?;
    prg::report(s, &desk("RU"), &p.id, 0, 100, "Four courses (synthetic)").await?;
    prg::report(s, &desk("KZ"), &p.id, 1, 100, "Every quarter (synthetic)").await?;
    prg::report(s, &desk("KG"), &p.id, 1, 75, "Three quarters of four (synthetic)").await?;
    let year = s.clock().today().year();
    let plan = prg::adopt(
        s,
        &cn,
        ProgrammeInput {
            name: format!("Anti-drug action plan {}-{}", year - 1, year + 1),
            first_year: year - 1,
            last_year: year + 1,
            participants: states(&["CN", "KZ", "RU"]),
            actions: vec![
                action(
                    "A shared watch list of precursor importers",
                    &["CN", "KZ"],
                    "Importers listed",
                    d(year + 1, Month::March, 31)?,
                ),
                action(
                    "Training of customs officers in precursor identification",
                    &["RU"],
                    "Officers trained",
                    d(year, Month::June, 30)?,
                ),
            ],
            handling,
        },
    )
    .await?;
    prg::report(s, &cn, &plan.id, 0, 40, "Thirty importers (synthetic)").await?;
    Ok(())
}
