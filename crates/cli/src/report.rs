//! `concord report annual`: the year's report as one user reads it, as
//! HTML, and as PDF printed by a headless Chromium (Debian's `chromium`,
//! found on PATH).

use crate::NodeArgs;
use crate::exchange::user_ctx;
use crate::node::Node;
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use concord_console::i18n::Lang;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum ReportCommand {
    /// The annual report for a year: statistics reported and derived,
    /// transparency figures, meetings, exercises, operations and legal
    /// assistance, as the user may see them.
    Annual {
        #[command(flatten)]
        node: NodeArgs,
        /// Whose view: the access model applies.
        #[arg(long)]
        user: String,
        #[arg(long)]
        year: i32,
        /// en, ru or zh.
        #[arg(long, default_value = "en")]
        lang: String,
        /// The HTML file to write.
        #[arg(long)]
        out: PathBuf,
        /// Also print it to this PDF file with a headless Chromium.
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
}

/// The first Chromium on PATH.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

fn print_pdf(html: &Path, pdf: &Path) -> Result<()> {
    let Some(browser) = chromium() else {
        bail!("--pdf needs a headless Chromium on PATH (Debian: apt-get install chromium); the HTML is written");
    };
    let html = std::fs::canonicalize(html).with_context(|| html.display().to_string())?;
    let profile = tempfile::tempdir()?;
    let out = std::process::Command::new(&browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .with_context(|| browser.display().to_string())?;
    let written = std::fs::read(pdf).unwrap_or_default();
    if !out.status.success() || !written.starts_with(b"%PDF") {
        bail!(
            "{} did not print the PDF: {}",
            browser.display(),
            String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("")
        );
    }
    Ok(())
}

pub async fn run(command: ReportCommand) -> Result<()> {
    match command {
        ReportCommand::Annual {
            node,
            user,
            year,
            lang,
            out,
            pdf,
        } => {
            let lang = Lang::parse(&lang).with_context(|| format!("--lang {lang:?}: expected en, ru or zh"))?;
            if !(1900..=2200).contains(&year) {
                bail!("--year {year}: not a year of the organization");
            }
            let node = Node::open(&node).await?;
            let ctx = user_ctx(&node, &user, "annual report").await?;
            let html = concord_console::report::annual(&node.store, &ctx, &user, year, lang)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            std::fs::write(&out, html).with_context(|| out.display().to_string())?;
            println!("{}", out.display());
            if let Some(pdf) = pdf {
                print_pdf(&out, &pdf)?;
                println!("{}", pdf.display());
            }
            Ok(())
        }
    }
}
