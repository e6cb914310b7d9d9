//! The annual report: one self-contained HTML page for a year, read as one
//! user (the access model applies: it shows what that user may see, and
//! says whose view it is): the chair, the statistics reported and derived,
//! the transparency figures, the meetings with their decisions, the
//! exercises, the joint operations and legal assistance.

use crate::i18n::{Lang, Tr};
use askama::Template;
use concord_app::Refusal;
use concord_app::operations::Statistics as OperationStatistics;
use concord_app::statistics::{Cell, Transparency};
use concord_domain::exercise::Exercise;
use concord_domain::meeting::Meeting;
use concord_domain::precursor::{Measure, format_quantity};
use concord_domain::statistics::Category;
use concord_store::{Ctx, Store};

#[derive(Template)]
#[template(path = "annual_report.html")]
struct AnnualReport {
    tr: Tr,
    organization: String,
    year: i32,
    reader: String,
    chair: Option<String>,
    cells: Vec<Cell>,
    transparency: Transparency,
    meetings: Vec<Meeting>,
    exercises: Vec<Exercise>,
    programmes: Vec<concord_domain::programme::Programme>,
    operations: OperationStatistics,
    legal: concord_app::legal::Statistics,
    generated: String,
}

impl AnnualReport {
    fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }
    fn tk(&self, family: &str, value: impl std::fmt::Display) -> String {
        self.tr.t(&format!("{family}-{value}"))
    }
    fn date(&self, d: &time::Date) -> String {
        self.tr.date(&d.to_string())
    }
    fn amount(&self, category: &Category, value: &i64) -> String {
        if *category == Category::Seizures {
            format_quantity(*value, Measure::Mass)
        } else {
            value.to_string()
        }
    }
    fn kg(&self, g: &i64) -> String {
        format_quantity(*g, Measure::Mass)
    }
}

/// The annual report for `year` as `ctx` (whose login is `reader`) may
/// read it, in `lang`.
pub async fn annual(store: &Store, ctx: &Ctx, reader: &str, year: i32, lang: Lang) -> Result<String, Refusal> {
    let tr = Tr { lang };
    let code = lang.code();
    let snap = store.snapshot();
    let chair = snap.registry.chair(year).map(|c| {
        snap.registry
            .states
            .get(c)
            .map_or(c.to_string(), |s| s.name.get(code).to_owned())
    });
    let within = |d: time::Date| d.year() == year;
    let meetings = concord_app::meetings::list(store, ctx, 1000)
        .await?
        .into_iter()
        .filter(|m| within(m.date))
        .map(|mut m| {
            // The body by its name in the report's language.
            if let Some(b) = snap.registry.bodies.get(&m.body) {
                m.body = b.name.get(code).to_owned();
            }
            m
        })
        .collect();
    let exercises = concord_app::exercises::list(store, ctx, 1000)
        .await?
        .into_iter()
        .filter(|e| e.period().is_some_and(|(a, b)| a.year() <= year && b.year() >= year))
        .collect();
    let programmes = concord_app::programmes::list(store, ctx, 1000)
        .await?
        .into_iter()
        .filter(|p| (p.first_year..=p.last_year).contains(&year))
        .collect();
    let operations = concord_app::operations::statistics(store, ctx).await?;
    let legal = concord_app::legal::statistics(store, ctx).await?;
    let report = AnnualReport {
        tr,
        organization: snap.registry.organization.get(code).to_owned(),
        year,
        reader: format!(
            "{reader} ({}, {})",
            ctx.viewer.authority,
            ctx.viewer.state.as_ref().map_or("—".to_owned(), |s| s.to_string())
        ),
        chair,
        cells: concord_app::statistics::table(store, ctx, year, year).await?,
        transparency: concord_app::statistics::transparency(store, ctx).await?,
        meetings,
        exercises,
        programmes,
        operations,
        legal,
        generated: store.clock().today().to_string(),
    };
    report
        .render()
        .map_err(|e| Refusal::Internal(format!("the report could not be rendered: {e}")))
}
