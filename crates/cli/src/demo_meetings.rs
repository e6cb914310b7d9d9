//! The demo's meetings: the Qingdao summit of 2018, whose decision on the
//! 2019-2021 programme of cooperation was followed up, and a meeting of the
//! security council secretaries this year with one action overdue.
//! Synthetic summaries of the decisions throughout.

use crate::demo_cooperation::ctx;
use crate::node::Node;
use anyhow::Result;
use concord_app::meetings as mtg;
use concord_domain::meeting::{ActionInput, DecisionInput, MeetingInput, MeetingKind};
use concord_domain::{Classification, HandlingCode, StateCode};
use time::Duration;
use time::macros::date;

fn states(codes: &[&str]) -> Vec<StateCode> {
    codes.iter().map(|c| StateCode::from(*c)).collect()
}

/// Seeds once: skipped when China's security service already sees meetings.
pub async fn seed(node: &Node) -> Result<()> {
    let cn = ctx(node, "cn.officer").await?;
    let s = &node.store;
    if !mtg::list(s, &cn, 1).await?.is_empty() {
        return Ok(());
    }
    let ru = ctx(node, "ru.officer").await?;
    let handling = HandlingCode {
        classification: Classification::Restricted,
        ..HandlingCode::open()
    };
    let summit = mtg::schedule(
        s,
        &cn,
        MeetingInput {
            body: "council-heads-of-state".into(),
            kind: MeetingKind::Regular,
            date: date!(2018 - 06 - 10),
            place: "Qingdao".into(),
            chair: StateCode::from("CN"),
            participants: states(&["CN", "KZ", "KG", "RU", "TJ", "UZ", "IN", "PK"]),
            agenda: vec![
                "The programme of cooperation against terrorism, separatism and extremism for 2019-2021".into(),
                "The anti-drug strategy and its action programme".into(),
            ],
            handling: handling.clone(),
        },
    )
    .await?;
    let summit = mtg::decide(
        s,
        &cn,
        &summit.id,
        DecisionInput {
            number: "1".into(),
            date: date!(2018 - 06 - 10),
            text: "The heads of state approve the programme of cooperation against terrorism, separatism and \
                   extremism for 2019-2021 and charge the competent authorities with its measures (synthetic \
                   summary)."
                .into(),
            instruments: vec!["shanghai-convention-2001".into()],
            actions: vec![
                ActionInput {
                    state: StateCode::from("RU"),
                    task: "Submit the national measures of the programme".into(),
                    due: date!(2018 - 12 - 31),
                },
                ActionInput {
                    state: StateCode::from("CN"),
                    task: "Host the first meeting of the programme's working group".into(),
                    due: date!(2019 - 03 - 01),
                },
            ],
        },
        summit.version,
    )
    .await?;
    mtg::complete(s, &ru, &summit.id, "1", 0, "Submitted in November 2018").await?;
    mtg::complete(s, &cn, &summit.id, "1", 1, "Held in Beijing in February 2019").await?;

    let today = s.clock().today();
    let held = today - Duration::days(20);
    let secretaries = mtg::schedule(
        s,
        &cn,
        MeetingInput {
            body: "security-council-secretaries".into(),
            kind: MeetingKind::Regular,
            date: held,
            place: "Beijing".into(),
            chair: StateCode::from("CN"),
            participants: states(&["CN", "KZ", "RU"]),
            agenda: vec!["Foreign terrorist fighters returning through Central Asia (synthetic)".into()],
            handling,
        },
    )
    .await?;
    mtg::decide(
        s,
        &cn,
        &secretaries.id,
        DecisionInput {
            number: "1".into(),
            date: held,
            text: "The secretaries agree to exchange monthly the lists of wanted members of banned organizations \
                   (synthetic summary)."
                .into(),
            instruments: vec!["shanghai-convention-2001".into()],
            actions: vec![
                ActionInput {
                    state: StateCode::from("RU"),
                    task: "Send the first list".into(),
                    due: today - Duration::days(5),
                },
                ActionInput {
                    state: StateCode::from("KZ"),
                    task: "Propose the exchange format".into(),
                    due: today + Duration::days(30),
                },
            ],
        },
        secretaries.version,
    )
    .await?;
    Ok(())
}
