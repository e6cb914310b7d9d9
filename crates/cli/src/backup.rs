//! `concord backup` and `concord restore`.

use crate::NodeArgs;
use crate::node::Node;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The file a serving node keeps in its data folder, holding its pid.
pub fn pid_file(args: &NodeArgs) -> PathBuf {
    args.data_dir.join("serve.pid")
}

/// The pid of a node serving from `args`' data folder, if one is.
fn serving(args: &NodeArgs) -> Option<u32> {
    let pid: u32 = std::fs::read_to_string(pid_file(args)).ok()?.trim().parse().ok()?;
    Path::new(&format!("/proc/{pid}")).exists().then_some(pid)
}

pub async fn backup(args: &NodeArgs, to: &Path) -> Result<()> {
    let node = Node::open(args).await?;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)
        .with_context(|| format!("creating {} (an existing file is not overwritten)", to.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let summary = node.store.backup(&mut out, &node.key.public()).await;
    drop(out);
    match summary {
        Ok(s) => println!(
            "backup written to {}: {} tables, {} rows, audit log to entry {}",
            to.display(),
            s.tables,
            s.rows,
            s.audit_seq
        ),
        Err(e) => {
            std::fs::remove_file(to).ok();
            return Err(e).context("the backup failed; no file was left");
        }
    }
    node.store.close().await;
    Ok(())
}

pub async fn restore(args: &NodeArgs, from: &Path, force: bool) -> Result<ExitCode> {
    if let Some(pid) = serving(args) {
        bail!("the node is serving (pid {pid}): stop it before restoring into it");
    }
    let file = std::fs::File::open(from).with_context(|| format!("opening {}", from.display()))?;
    let node = Node::open(args).await?;
    let witness = args
        .audit_witness
        .clone()
        .unwrap_or_else(|| args.data_dir.join("audit.witness"));
    let witnessed = std::fs::metadata(&witness).map(|m| m.len() > 0).unwrap_or(false);
    if witnessed && !force {
        bail!(
            "the witness {} holds checkpoints of this node's chain: restore into a new node, or give --force",
            witness.display()
        );
    }
    let summary = node
        .store
        .restore(std::io::BufReader::new(file), &node.key.public(), force)
        .await
        .context("nothing was restored")?;
    if witnessed {
        let aside = witness.with_extension("witness.before-restore");
        std::fs::rename(&witness, &aside).with_context(|| format!("keeping {} aside", witness.display()))?;
        println!("the former witness is kept as {}", aside.display());
    }
    node.store.witness_checkpoints().await?;
    let verified = node.store.verify_audit(&node.key.public()).await;
    node.store.close().await;
    match verified {
        Ok(v) => {
            println!(
                "restored {} tables, {} rows; audit log intact: {} entries",
                summary.tables, summary.rows, v.entries
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("restored, but the audit log does not verify: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
