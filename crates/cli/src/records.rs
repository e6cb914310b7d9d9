//! `concord record` and `concord request`: the shared database from the
//! command line, as a named user (the access model applies as in the API).

use crate::NodeArgs;
use crate::node::Node;
use anyhow::{Context, Result};
use clap::Subcommand;
use concord_store::{Ctx, RecordQuery};

#[derive(Subcommand)]
pub enum RecordCommand {
    /// Records the user may read, optionally matching a name in any script.
    List {
        #[command(flatten)]
        node: NodeArgs,
        #[arg(long)]
        user: String,
        /// Text to find in any name.
        #[arg(long, short)]
        query: Option<String>,
        /// Only records whose review date has come.
        #[arg(long)]
        review_due: bool,
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// One record as JSON.
    Get {
        #[command(flatten)]
        node: NodeArgs,
        #[arg(long)]
        user: String,
        id: String,
    },
    /// A record's versions: who changed what, when and why.
    History {
        #[command(flatten)]
        node: NodeArgs,
        #[arg(long)]
        user: String,
        id: String,
    },
    /// The user's authority's records due for review.
    ReviewQueue {
        #[command(flatten)]
        node: NodeArgs,
        #[arg(long)]
        user: String,
    },
    /// Data-subject requests the user's authority must answer or registered.
    Requests {
        #[command(flatten)]
        node: NodeArgs,
        #[arg(long)]
        user: String,
        /// Only open requests past their deadline.
        #[arg(long)]
        overdue: bool,
    },
}

async fn open(node: &NodeArgs, user: &str) -> Result<(Node, Ctx)> {
    let n = Node::open(node).await?;
    let u = n
        .store
        .user_by_name(user)
        .await
        .with_context(|| format!("--user {user}"))?;
    anyhow::ensure!(!u.disabled, "user {user} is disabled");
    let ctx = Ctx {
        viewer: n.store.viewer(&u)?,
        purpose: "command line".into(),
    };
    Ok((n, ctx))
}

pub async fn run(command: RecordCommand) -> Result<()> {
    match command {
        RecordCommand::List {
            node,
            user,
            query,
            review_due,
            limit,
        } => {
            let (n, ctx) = open(&node, &user).await?;
            let q = RecordQuery {
                text: query,
                review_due,
                limit,
                ..Default::default()
            };
            for r in n.store.list_records(&ctx, &q).await? {
                let review = r.protected.review_date.map(|d| d.to_string()).unwrap_or_default();
                println!(
                    "{}  {:<12} {:<9} {:<10} {}  {}",
                    r.id, r.kind, r.protected.compliance, review, r.protected.handling.classification, r.title
                );
            }
        }
        RecordCommand::Get { node, user, id } => {
            let (n, ctx) = open(&node, &user).await?;
            let r = n.store.get_record(&ctx, &id).await?;
            let facts = serde_json::to_value(concord_store::codec::facts_to_dto(&r.facts))?;
            let out = serde_json::json!({
                "id": r.id, "kind": r.kind.as_str(), "title": r.title, "facts": facts,
                "legal_basis": serde_json::to_value(concord_store::codec::legal_basis_to_dto(&r.legal_basis))?,
                "evidence": r.evidence, "originator": r.protected.originator.as_str(),
                "handling": {
                    "distribution": r.protected.handling.distribution.to_string(),
                    "dissemination": r.protected.handling.dissemination.as_str(),
                    "use": r.protected.handling.use_.as_str(),
                    "classification": r.protected.handling.classification.as_str(),
                },
                "compliance": r.protected.compliance.as_str(), "status": r.status.as_str(),
                "review_date": r.protected.review_date.map(|d| d.to_string()), "version": r.version,
            });
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        RecordCommand::History { node, user, id } => {
            let (n, ctx) = open(&node, &user).await?;
            for v in n.store.history(&ctx, &id).await? {
                println!(
                    "v{:<3} {}  {:<22} {:<24} {}",
                    v.version, v.at, v.action, v.author, v.reason
                );
            }
        }
        RecordCommand::ReviewQueue { node, user } => {
            let (n, ctx) = open(&node, &user).await?;
            for i in n.store.review_queue(&ctx).await? {
                let hidden = if i.hidden_from_other_states {
                    "  [past grace: hidden from other states]"
                } else {
                    ""
                };
                println!(
                    "{}  overdue {} days  {}{hidden}",
                    i.record.id, i.overdue_days, i.record.title
                );
            }
        }
        RecordCommand::Requests { node, user, overdue } => {
            let (n, ctx) = open(&node, &user).await?;
            let today = n.store.clock().today();
            for r in n.store.requests(&ctx, overdue).await? {
                let late = if r.overdue(today) { "  OVERDUE" } else { "" };
                println!(
                    "{}  {:<10} {:<8} record {}  deadline {}{late}",
                    r.id, r.kind, r.status, r.record_id, r.deadline
                );
            }
        }
    }
    Ok(())
}
