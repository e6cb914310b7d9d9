//! The demo's statistics: yearly figures of China, Kazakhstan and Russia
//! for the last four years (synthetic, in the proportions of the seeds'
//! regional totals for 2013-2017: more than 600 terrorist crimes stopped,
//! 500 training bases destroyed, 2,000 members of international terrorist
//! organizations seized), and this year's arrests and heroin seizures of
//! Kazakhstan to stand beside what its joint operations counted.

use crate::demo_cooperation::ctx;
use crate::node::Node;
use anyhow::Result;
use concord_app::statistics as stats;
use concord_domain::statistics::{Category, FigureInput};

/// Seeds once: skipped when figures are already reported.
pub async fn seed(node: &Node) -> Result<()> {
    let s = &node.store;
    let this = s.clock().today().year();
    let kz = ctx(node, "kz.prosecutor").await?;
    if !stats::reported(s, &kz, this - 10, this).await?.is_empty() {
        return Ok(());
    }
    let cn = ctx(node, "cn.supervisor").await?;
    let ru = ctx(node, "ru.officer").await?;
    let figure = |year: i32, category: Category, value: i64| FigureInput {
        year,
        category,
        substance: None,
        value,
        source: "national report (synthetic demo figure)".into(),
    };
    for (who, scale) in [(&cn, 5), (&kz, 2), (&ru, 4)] {
        for (i, year) in (this - 4..this).enumerate() {
            let k = i as i64 + 1;
            for (category, base) in [
                (Category::TerroristCrimesPrevented, 6),
                (Category::TrainingBasesDismantled, 4),
                (Category::BannedMembersDetained, 20),
                (Category::Arrests, 35),
                (Category::WeaponsSeized, 60),
            ] {
                stats::report(s, who, figure(year, category, base * scale + 3 * k), 0).await?;
            }
        }
    }
    // This year so far: beside what the joint operations counted.
    stats::report(s, &kz, figure(this, Category::Arrests, 30), 0).await?;
    let mut heroin = figure(this, Category::Seizures, 52_000);
    heroin.substance = Some("heroin".into());
    stats::report(s, &kz, heroin, 0).await?;
    Ok(())
}
