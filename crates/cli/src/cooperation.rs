//! `concord cooperation`: the workflows from the command line, as a user
//! (the access model applies): what is overdue, the common list as CSV or
//! FtM, a thread as a STIX bundle, and deadlines settled on demand.

use crate::NodeArgs;
use crate::exchange::user_ctx;
use crate::node::Node;
use anyhow::Result;
use clap::Subcommand;
use concord_store::{Mailbox, MessageQuery};
use std::io::Write;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum CooperationCommand {
    /// The user's inbox (or outbox), newest first, optionally matching words.
    Inbox {
        #[command(flatten)]
        node: NodeArgs,
        #[arg(long)]
        user: String,
        /// Words that must all appear in the subject or body.
        #[arg(long, short)]
        query: Option<String>,
        /// The outbox instead.
        #[arg(long)]
        sent: bool,
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// Requests past their deadline, to the user's side and from it.
    Overdue {
        #[command(flatten)]
        node: NodeArgs,
        #[arg(long)]
        user: String,
    },
    /// The common list with every entry's history.
    CommonList {
        #[command(flatten)]
        node: NodeArgs,
        #[arg(long)]
        user: String,
        /// csv or ftm (FollowTheMoney JSON lines).
        #[arg(long, default_value = "csv")]
        format: String,
        /// Output file; standard output by default.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// A message thread and its linked records as a STIX 2.1 bundle, as far
    /// as the user may pass them on.
    Stix {
        #[command(flatten)]
        node: NodeArgs,
        #[arg(long)]
        user: String,
        /// Any message of the thread.
        message: String,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Ends silence periods and lapses consultation proposals whose time has
    /// come (the server does this before every read, too).
    Settle {
        #[command(flatten)]
        node: NodeArgs,
    },
}

fn write_out(output: Option<PathBuf>, text: &str) -> Result<()> {
    match output {
        Some(path) => std::fs::write(&path, text)?,
        None => std::io::stdout().write_all(text.as_bytes())?,
    }
    Ok(())
}

pub async fn run(command: CooperationCommand) -> Result<()> {
    match command {
        CooperationCommand::Inbox {
            node,
            user,
            query,
            sent,
            limit,
        } => {
            let n = Node::open(&node).await?;
            let ctx = user_ctx(&n, &user, "command line").await?;
            let q = MessageQuery {
                mailbox: if sent { Mailbox::Outbox } else { Mailbox::Inbox },
                text: query,
                limit,
                ..MessageQuery::default()
            };
            for m in n.store.list_messages(&ctx, &q).await? {
                println!(
                    "{}  {}  {:<8} {:<8} {:<22} {}",
                    m.id, m.created_at, m.kind, m.priority, m.protected.originator, m.subject
                );
            }
        }
        CooperationCommand::Overdue { node, user } => {
            let n = Node::open(&node).await?;
            let ctx = user_ctx(&n, &user, "command line").await?;
            for (label, mailbox) in [("to us", Mailbox::Inbox), ("from us", Mailbox::Outbox)] {
                let q = MessageQuery {
                    mailbox,
                    overdue: true,
                    limit: 500,
                    ..MessageQuery::default()
                };
                for m in n.store.list_messages(&ctx, &q).await? {
                    let late: Vec<&str> = m
                        .receipts
                        .iter()
                        .filter(|r| r.overdue)
                        .map(|r| r.recipient.as_str())
                        .collect();
                    println!(
                        "{label}  {}  due {}  {}  waiting for {}",
                        m.id,
                        m.deadline.as_deref().unwrap_or("-"),
                        m.subject,
                        late.join(", ")
                    );
                }
            }
        }
        CooperationCommand::CommonList {
            node,
            user,
            format,
            output,
        } => {
            let n = Node::open(&node).await?;
            let ctx = user_ctx(&n, &user, "command line").await?;
            let list = n.store.common_list(&ctx).await?;
            let text = match format.as_str() {
                "csv" => concord_exchange::unified_list::to_csv(&list)?,
                "ftm" => concord_exchange::unified_list::to_ftm(&list)?,
                other => anyhow::bail!("--format {other:?}: expected csv or ftm"),
            };
            write_out(output, &text)?;
        }
        CooperationCommand::Stix {
            node,
            user,
            message,
            output,
        } => {
            let n = Node::open(&node).await?;
            let ctx = user_ctx(&n, &user, "command line").await?;
            let (messages, records) = n.store.export_thread(&ctx, &message).await?;
            let bundle = concord_exchange::stix::thread_bundle(&messages, &records, &n.store.snapshot().registry);
            write_out(output, &serde_json::to_string_pretty(&bundle)?)?;
        }
        CooperationCommand::Settle { node } => {
            let n = Node::open(&node).await?;
            let d = n.store.settle_designations().await?;
            let c = n.store.settle_consultations().await?;
            println!("{d} designation proposals settled, {c} consultation proposals lapsed");
        }
    }
    Ok(())
}
