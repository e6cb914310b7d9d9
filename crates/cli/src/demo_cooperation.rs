//! The demo's cooperation workflows: a request thread between China and
//! Russia, a listing proposal in its silence period, and an emergency
//! consultation convened by Kazakhstan and Russia with a first statement
//! draft. Synthetic throughout.

use crate::node::Node;
use anyhow::{Context, Result};
use concord_domain::workflow::designation::{ActKind, Criteria, Direction};
use concord_domain::workflow::exchange::{MessageKind, Priority};
use concord_domain::{Category, Classification, HandlingCode, LegalBasis};
use concord_store::{AttachmentInput, Ctx, Mailbox, MessageInput, MessageQuery, ProposalInput, RecordQuery};

/// A demo user's context, for seeding as that user.
pub(crate) async fn ctx(node: &Node, username: &str) -> Result<Ctx> {
    let user = node
        .store
        .user_by_name(username)
        .await
        .with_context(|| format!("demo user {username}"))?;
    Ok(Ctx {
        viewer: node.store.viewer(&user)?,
        purpose: "demo set-up".into(),
    })
}

fn message(kind: MessageKind, subject: &str, body: &str, to: &[&str]) -> MessageInput {
    let mut handling = HandlingCode::open();
    handling.classification = Classification::Restricted;
    MessageInput {
        kind,
        priority: Priority::Priority,
        subject: subject.into(),
        body: body.into(),
        recipients: to.iter().map(|s| (*s).to_owned()).collect(),
        handling,
        deadline: None,
        links: vec![],
        attachments: vec![],
    }
}

/// Seeds once: skipped when China's outbox already holds messages.
pub async fn seed(node: &Node) -> Result<()> {
    let cn = ctx(node, "cn.officer").await?;
    let outbox = MessageQuery {
        mailbox: Mailbox::Outbox,
        limit: 1,
        ..MessageQuery::default()
    };
    if !node.store.list_messages(&cn, &outbox).await?.is_empty() {
        return Ok(());
    }
    let ru = ctx(node, "ru.officer").await?;
    let now = node.store.clock().now();
    let person = node
        .store
        .list_records(&cn, &RecordQuery::text("Temirlan Osmonov", 1))
        .await?
        .into_iter()
        .next();

    let mut request = message(
        MessageKind::Request,
        "Courier seen at the Khorgos crossing (synthetic)",
        "A courier linked to the Eastern Ridge Brigade crossed on foot at 06:40. \
         Please confirm whether he is known to your services and share his recent travel.",
        &["ru-police", "state:KZ"],
    );
    request.priority = Priority::Urgent;
    request.deadline = Some(now + time::Duration::days(7));
    request.links = person.iter().map(|p| p.id.clone()).collect();
    request.attachments.push(AttachmentInput {
        filename: "sighting.txt".into(),
        content_type: "text/plain".into(),
        content: "06:40 lane 3, grey jacket, one backpack (synthetic)"
            .as_bytes()
            .to_vec(),
    });
    let sent = concord_app::messages::send(&node.store, &cn, None, request).await?;
    node.store.get_message(&ru, &sent.id).await?;
    concord_app::messages::acknowledge(&node.store, &ru, &sent.id).await?;
    concord_app::messages::send(
        &node.store,
        &ru,
        Some(&sent.id),
        message(
            MessageKind::Message,
            "Re: Courier seen at the Khorgos crossing (synthetic)",
            "Known to us under a second name; travel record follows by the deadline.",
            &[],
        ),
    )
    .await?;
    concord_app::messages::send(
        &node.store,
        &cn,
        None,
        message(
            MessageKind::Message,
            "Monthly bulletin: border incidents (synthetic)",
            "Three attempted crossings with forged documents were stopped this month.",
            &["state:RU", "state:KZ", "structure"],
        ),
    )
    .await?;

    // A listing proposal, passed by the structure's compliance review.
    if let Some(org) = node
        .store
        .list_records(&cn, &RecordQuery::text("Eastern Ridge Brigade", 1))
        .await?
        .into_iter()
        .next()
    {
        let p = concord_app::designations::propose(
            &node.store,
            &cn,
            ProposalInput {
                direction: Direction::Listing,
                record_id: org.id.clone(),
                new_organization: None,
                legal_basis: LegalBasis {
                    instrument: "shanghai-convention-2001".into(),
                    article: "1.1.1b".into(),
                    category: Category::Terrorism,
                },
                evidence: "Planned an attack on a transport hub; two members convicted (synthetic).".into(),
                criteria: Criteria {
                    act_kind: Some(ActKind::Terrorism),
                    acts: "preparation of an attack on a transport hub".into(),
                    when: "2025".into(),
                    place: "a regional capital (synthetic)".into(),
                    attribution: "court judgment against two members (synthetic)".into(),
                },
            },
        )
        .await?;
        let reviewer = ctx(node, "structure.supervisor").await?;
        concord_app::designations::review(&node.store, &reviewer, &p.id, true, crate::exchange::ALL_TICKED, "").await?;
    }

    // An emergency consultation, convened, with a first draft statement.
    let kz = ctx(node, "kz.diplomat").await?;
    let ru_fm = ctx(node, "ru.diplomat").await?;
    let c = concord_app::consultations::propose(
        &node.store,
        &kz,
        "Explosion at a border fuel depot, casualties reported (synthetic)",
    )
    .await?;
    concord_app::consultations::second(
        &node.store,
        &ru_fm,
        &c.id,
        "Our services confirm the explosion (synthetic)",
    )
    .await?;
    concord_app::consultations::draft_statement(
        &node.store,
        &kz,
        &c.id,
        "The member states condemn the attack on the fuel depot and agree to share all information (draft).",
    )
    .await?;
    Ok(())
}
