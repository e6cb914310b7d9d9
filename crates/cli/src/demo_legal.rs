//! The demo's legal assistance: requests from Kazakhstan's prosecutors to
//! China's in every status, from a draft that still lacks the requested
//! state's legal text to one executed and one refused as China's own
//! national. Synthetic throughout.

use crate::demo_cooperation::ctx;
use crate::node::Node;
use anyhow::Result;
use concord_app::legal as mla;
use concord_domain::legal::{LegalRequestInput, Offence, RequestKind};
use concord_domain::workflow::legal_assistance::{Ground, Status, Step};
use concord_domain::{Classification, HandlingCode, StateCode};

fn request(node: &Node, kind: RequestKind, facts: &str, ask: &str) -> LegalRequestInput {
    LegalRequestInput {
        kind,
        requested_state: StateCode::from("CN"),
        requested_office: None,
        facts: format!("{facts} (synthetic)"),
        request: ask.into(),
        offences: vec![Offence {
            name: "illicit drug trafficking".into(),
            requesting_law: "Criminal Code of the requesting state, art. 297 (synthetic wording)".into(),
            requested_law: "Criminal Law of the requested state, art. 347 (synthetic wording)".into(),
        }],
        persons: vec!["Courier A, born 1990 (synthetic)".into()],
        records: vec![],
        messages: vec![],
        urgent: false,
        deadline: Some(node.store.clock().today() + time::Duration::days(45)),
        handling: HandlingCode {
            classification: Classification::Confidential,
            ..HandlingCode::open()
        },
    }
}

/// Seeds once: skipped when Kazakhstan's prosecutors already see requests.
pub async fn seed(node: &Node) -> Result<()> {
    let kz = ctx(node, "kz.prosecutor").await?;
    if !mla::list(&node.store, &kz, 1).await?.is_empty() {
        return Ok(());
    }
    let cn = ctx(node, "cn.prosecutor").await?;
    let s = &node.store;
    let kinds = [
        (
            Status::Drafted,
            RequestKind::Investigation,
            "Questioning of a witness in Urumqi",
        ),
        (
            Status::Sent,
            RequestKind::EvidenceCollection,
            "Bank statements of account 6222 0000 (synthetic)",
        ),
        (
            Status::Received,
            RequestKind::ServiceOfDocuments,
            "Service of a summons on a company director",
        ),
        (
            Status::InExecution,
            RequestKind::Arrest,
            "Provisional arrest of Courier A",
        ),
        (
            Status::PartiallyExecuted,
            RequestKind::EvidenceCollection,
            "Customs declarations of 40 shipments",
        ),
        (
            Status::Executed,
            RequestKind::TransferOfProceeds,
            "Transfer of 1.2 million in frozen proceeds",
        ),
        (Status::Refused, RequestKind::Extradition, "Extradition of Courier A"),
        (
            Status::Withdrawn,
            RequestKind::Investigation,
            "Search of a warehouse in Kashgar",
        ),
    ];
    let mut arrest = None;
    for (target, kind, ask) in kinds {
        let mut input = request(
            node,
            kind,
            "A courier network moved heroin from Afghanistan through Kazakhstan to China in 2026",
            ask,
        );
        if target == Status::Drafted {
            // Left without the requested state's text: the page says what is missing.
            input.offences[0].requested_law = String::new();
        }
        let mut r = mla::draft(s, &kz, input).await?;
        let path: &[(Step, bool)] = match target {
            Status::Drafted => &[],
            Status::Sent => &[(Step::Send, true)],
            Status::Received => &[(Step::Send, true), (Step::Receive, false)],
            Status::InExecution => &[(Step::Send, true), (Step::Receive, false), (Step::Begin, false)],
            Status::PartiallyExecuted => &[
                (Step::Send, true),
                (Step::Receive, false),
                (Step::Begin, false),
                (Step::PartiallyExecute, false),
            ],
            Status::Executed => &[
                (Step::Send, true),
                (Step::Receive, false),
                (Step::Begin, false),
                (Step::Execute, false),
            ],
            Status::Refused => &[(Step::Send, true), (Step::Receive, false)],
            Status::Withdrawn => &[(Step::Send, true), (Step::Withdraw, true)],
        };
        for (step, requesting) in path {
            let who = if *requesting { &kz } else { &cn };
            r = mla::step(s, who, &r.id, *step, "", &[], r.version).await?;
        }
        if kind == RequestKind::Arrest {
            arrest = Some(r.id.clone());
        }
        if target == Status::Refused {
            mla::step(
                s,
                &cn,
                &r.id,
                Step::Refuse,
                "The person sought is a national of the requested state; its prosecutors take over the case",
                &[Ground::OwnNational],
                r.version,
            )
            .await?;
        }
    }
    // Across the border at Khorgos, the two border-area offices exchange a
    // request for evidence directly, and Xinjiang's executes it in part.
    let almaty = ctx(node, "kz.almaty.prosecutor").await?;
    let xinjiang = ctx(node, "cn.xinjiang.prosecutor").await?;
    let mut direct = request(
        node,
        RequestKind::EvidenceCollection,
        "A truck driver carried heroin through the Khorgos crossing in 2026",
        "Statements of the crossing's customs officers on shift that night",
    );
    direct.requested_office = Some("cn-xinjiang-procuratorate".into());
    let r = mla::draft(s, &almaty, direct).await?;
    let r = mla::step(s, &almaty, &r.id, Step::Send, "", &[], r.version).await?;
    let r = mla::step(s, &xinjiang, &r.id, Step::Receive, "", &[], r.version).await?;
    let r = mla::step(s, &xinjiang, &r.id, Step::Begin, "", &[], r.version).await?;
    mla::step(
        s,
        &xinjiang,
        &r.id,
        Step::PartiallyExecute,
        "Two of the three officers questioned; the third is on leave until next month",
        &[],
        r.version,
    )
    .await?;
    // The arrest is asked for in the case of the operation "Spider Web".
    let spider_web = concord_app::operations::list(s, &kz, 50)
        .await?
        .into_iter()
        .find(|o| o.name == "Spider Web");
    if let (Some(r), Some(o)) = (arrest, spider_web) {
        concord_app::case_links::link(s, &kz, &r, &o.id, "Courier A was identified in Spider Web").await?;
    }
    Ok(())
}
