//! `concord precursors`: precursor control from the command line, as a
//! user of a state's anti-drug agency (the access model applies): import a
//! national system's batch of pre-export notifications from CSV, list
//! notifications, and print the year's flows.

use crate::NodeArgs;
use crate::exchange::user_ctx;
use crate::node::Node;
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use concord_app::precursors as pen;
use concord_domain::precursor::quantity_text;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum PrecursorsCommand {
    /// Import pre-export notifications from CSV, all or none; the columns
    /// are importing_state, exporter, importer, consignee, substance,
    /// quantity, unit, transit (CODE:point;CODE:point), point_of_entry,
    /// planned_export, classification, dissemination, use.
    Import {
        #[command(flatten)]
        node: NodeArgs,
        /// A user of the exporting state's anti-drug agency.
        #[arg(long)]
        user: String,
        file: PathBuf,
    },
    /// The notifications the user may read, newest first.
    List {
        #[command(flatten)]
        node: NodeArgs,
        #[arg(long)]
        user: String,
        /// notified, confirmed, objected, withdrawn, shipped, received or stopped.
        #[arg(long)]
        stage: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// The year's flows per substance and route, by stage.
    Flows {
        #[command(flatten)]
        node: NodeArgs,
        #[arg(long)]
        user: String,
        #[arg(long)]
        year: i32,
    },
}

fn refused(e: concord_app::Refusal) -> anyhow::Error {
    match e {
        concord_app::Refusal::Invalid { field, message } => anyhow::anyhow!("{field}: {message}"),
        other => anyhow::anyhow!("{other}"),
    }
}

pub async fn run(command: PrecursorsCommand) -> Result<()> {
    match command {
        PrecursorsCommand::Import { node, user, file } => {
            let n = Node::open(&node).await?;
            let ctx = user_ctx(&n, &user, "precursor import").await?;
            let f = std::fs::File::open(&file).with_context(|| format!("{}", file.display()))?;
            let ids = pen::import_csv(&n.store, &ctx, std::io::BufReader::new(f))
                .await
                .map_err(refused)
                .with_context(|| format!("{}: nothing imported", file.display()))?;
            println!("{} notifications imported from {}", ids.len(), file.display());
        }
        PrecursorsCommand::List {
            node,
            user,
            stage,
            limit,
        } => {
            let n = Node::open(&node).await?;
            let ctx = user_ctx(&n, &user, "command line").await?;
            let stage = stage
                .map(|s| concord_app::text::field("stage", &s))
                .transpose()
                .map_err(refused)?;
            let snap = n.store.snapshot();
            let registry = &snap.registry;
            for x in pen::list(&n.store, &ctx, stage, None, limit).await.map_err(refused)? {
                println!(
                    "{}\t{}\t{} -> {}\t{}\t{}\t{}",
                    x.id,
                    x.stage,
                    x.exporting_state,
                    x.importing_state,
                    x.substance,
                    quantity_text(registry, &x.substance, x.quantity),
                    if x.assessment.flagged() { "flagged" } else { "" }
                );
            }
        }
        PrecursorsCommand::Flows { node, user, year } => {
            let n = Node::open(&node).await?;
            let ctx = user_ctx(&n, &user, "command line").await?;
            if !(1900..=2999).contains(&year) {
                bail!("--year {year}: not a year");
            }
            let snap = n.store.snapshot();
            let registry = &snap.registry;
            for f in pen::flows(&n.store, &ctx, year).await.map_err(refused)? {
                let stages: Vec<String> = f
                    .by_stage
                    .iter()
                    .map(|(s, (count, total))| {
                        format!("{s} {count} ({})", quantity_text(registry, &f.substance, *total))
                    })
                    .collect();
                println!(
                    "{}\t{} -> {}\t{}",
                    f.substance,
                    f.exporting_state,
                    f.importing_state,
                    stages.join(", ")
                );
            }
        }
    }
    Ok(())
}
