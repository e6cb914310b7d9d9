//! Statistics: the table of reported and derived figures by state, year
//! and category, the report form for a supervisor's state, and the
//! transparency figures.

use crate::AppState;
use crate::session::Posted;
use crate::{Console, Page, PageError, PageResult, form_error, render, render_refused, see_other};
use askama::Template;
use axum::extract::{Query, State};
use concord_app::Refusal;
use concord_app::statistics::{Cell, Transparency};
use concord_domain::precursor::{Measure, format_quantity};
use concord_domain::statistics::{Category, FigureInput};
use serde::Deserialize;

const CATEGORIES: [&str; 7] = [
    "terrorist-crimes-prevented",
    "attacks-prevented",
    "training-bases-dismantled",
    "arrests",
    "banned-members-detained",
    "weapons-seized",
    "seizures",
];

#[derive(Deserialize, Default)]
pub struct YearsForm {
    from: Option<i32>,
    to: Option<i32>,
}

#[derive(Deserialize, Default)]
pub struct ReportForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    substance: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    version: i64,
}

impl ReportForm {
    fn input(&self) -> Result<FigureInput, Refusal> {
        let year = self
            .year
            .trim()
            .parse::<i32>()
            .map_err(|_| Refusal::invalid("year", format!("{:?} is not a year", self.year)))?;
        let category: Category = concord_app::text::field("category", &self.category)?;
        let substance = Some(self.substance.trim().to_owned()).filter(|s| !s.is_empty());
        // Seizures are entered with their unit and kept in grams.
        let value = if category == Category::Seizures {
            let unit = if self.unit.is_empty() { "kg" } else { self.unit.as_str() };
            concord_domain::precursor::parse_quantity("value", self.value.trim(), unit, Measure::Mass)?
        } else {
            self.value
                .trim()
                .parse::<i64>()
                .map_err(|_| Refusal::invalid("value", format!("{:?} is not a whole number", self.value)))?
        };
        Ok(FigureInput {
            year,
            category,
            substance,
            value,
            source: self.source.clone(),
        })
    }
}

#[derive(Template)]
#[template(path = "statistics.html")]
struct StatisticsPage {
    page: Page,
    from: i32,
    to: i32,
    cells: Vec<Cell>,
    transparency: Transparency,
    /// The report form, for a supervisor of a state.
    form: Option<ReportForm>,
    own: Option<String>,
    error: Option<(String, String)>,
    categories: [&'static str; 7],
}

impl StatisticsPage {
    fn amount(&self, category: &Category, value: &i64) -> String {
        if *category == Category::Seizures {
            format_quantity(*value, Measure::Mass)
        } else {
            value.to_string()
        }
    }
    fn is_own(&self, c: &Cell) -> bool {
        self.own.as_deref() == Some(c.state.as_str())
    }
}

async fn statistics_page(
    s: &AppState,
    c: &Console,
    years: &YearsForm,
    form: Option<ReportForm>,
    error: Option<(String, String)>,
) -> Result<StatisticsPage, PageError> {
    let ctx = c.ctx();
    let this = s.store.clock().today().year();
    let (from, to) = (years.from.unwrap_or(this - 10), years.to.unwrap_or(this));
    let cells = concord_app::statistics::table(&s.store, &ctx, from, to)
        .await
        .map_err(|e| c.fail(e))?;
    let transparency = concord_app::statistics::transparency(&s.store, &ctx)
        .await
        .map_err(|e| c.fail(e))?;
    let own = concord_app::statistics::reporting_state(&ctx).ok();
    let form = own.as_ref().map(|_| {
        form.unwrap_or_else(|| ReportForm {
            year: (this - 1).to_string(),
            ..ReportForm::default()
        })
    });
    Ok(StatisticsPage {
        page: c.page("stat-title", "statistics"),
        from,
        to,
        cells,
        transparency,
        form,
        own: own.map(|s| s.to_string()),
        error,
        categories: CATEGORIES,
    })
}

pub async fn show(State(s): State<AppState>, c: Console, Query(years): Query<YearsForm>) -> PageResult {
    Ok(render(&statistics_page(&s, &c, &years, None, None).await?))
}

pub async fn report(State(s): State<AppState>, Posted(c, f): Posted<ReportForm>) -> PageResult {
    let done = match f.input() {
        Ok(input) => concord_app::statistics::report(&s.store, &c.ctx(), input, f.version).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Ok(see_other("/console/statistics")),
        Err(e @ (Refusal::Invalid { .. } | Refusal::Conflict(_))) => {
            let error = Some(form_error(e));
            let page = statistics_page(&s, &c, &YearsForm::default(), Some(f), error).await?;
            Ok(render_refused(&page))
        }
        Err(e) => Err(c.fail(e)),
    }
}
