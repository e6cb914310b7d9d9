//! Joint operations: the list with the plan form and the overall figures,
//! and an operation's page with every state's results, their totals, the
//! lead's start and close, and the report form for the reader's state.

use crate::AppState;
use crate::session::Posted;
use crate::{Console, Page, PageResult, form_error, render, render_refused, see_other};
use askama::Template;
use axum::extract::{Path, State};
use concord_app::Refusal;
use concord_app::operations::Statistics;
use concord_domain::operation::{Operation, OperationInput, SeizureText, Stage, Step};
use concord_domain::precursor::{Measure, format_quantity};
use concord_domain::{Distribution, HandlingCode};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct PlanForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    participants: String,
    #[serde(default)]
    starts: String,
    #[serde(default)]
    ends: String,
    #[serde(default)]
    classification: String,
}

impl PlanForm {
    fn input(&self) -> Result<OperationInput, Refusal> {
        Ok(OperationInput {
            name: self.name.clone(),
            description: self.description.clone(),
            participants: crate::split_states(&self.participants),
            starts: concord_app::text::date("starts", &self.starts)?,
            ends: concord_app::text::date("ends", &self.ends)?,
            handling: HandlingCode {
                distribution: Distribution::OriginatorOnly,
                dissemination: concord_domain::Dissemination::Free,
                use_: concord_domain::Use::Evidence,
                classification: concord_app::text::field("classification", &self.classification)?,
            },
        })
    }
}

fn grams(g: &i64) -> String {
    format_quantity(*g, Measure::Mass)
}

#[derive(Template)]
#[template(path = "operations.html")]
struct OperationList {
    page: Page,
    operations: Vec<Operation>,
    stats: Statistics,
    form: Option<PlanForm>,
    error: Option<(String, String)>,
}

impl OperationList {
    fn kg(&self, g: &i64) -> String {
        grams(g)
    }
}

async fn list_page(
    s: &AppState,
    c: &Console,
    form: Option<PlanForm>,
    error: Option<(String, String)>,
) -> Result<OperationList, crate::PageError> {
    let ctx = c.ctx();
    let operations = concord_app::operations::list(&s.store, &ctx, 200)
        .await
        .map_err(|e| c.fail(e))?;
    let stats = concord_app::operations::statistics(&s.store, &ctx)
        .await
        .map_err(|e| c.fail(e))?;
    let today = s.store.clock().today();
    let form = concord_app::operations::acting_state(&ctx).ok().map(|own| {
        form.unwrap_or_else(|| PlanForm {
            participants: own.to_string(),
            starts: today.to_string(),
            ends: (today + time::Duration::days(30)).to_string(),
            classification: "restricted".into(),
            ..PlanForm::default()
        })
    });
    Ok(OperationList {
        page: c.page("op-title", "operations"),
        operations,
        stats,
        form,
        error,
    })
}

pub async fn list(State(s): State<AppState>, c: Console) -> PageResult {
    Ok(render(&list_page(&s, &c, None, None).await?))
}

pub async fn plan(State(s): State<AppState>, Posted(c, f): Posted<PlanForm>) -> PageResult {
    let done = match f.input() {
        Ok(input) => concord_app::operations::plan(&s.store, &c.ctx(), input).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(o) => Ok(see_other(&format!("/console/operations/{}", o.id))),
        Err(e @ Refusal::Invalid { .. }) => Ok(render_refused(&list_page(&s, &c, Some(f), Some(form_error(e))).await?)),
        Err(e) => Err(c.fail(e)),
    }
}

#[derive(Template)]
#[template(path = "operation.html")]
struct OperationPage {
    page: Page,
    o: Operation,
    /// The lead's next step, if the reader leads.
    step: Option<&'static str>,
    /// Whether the reader's state reports now.
    reports: bool,
    links: Vec<crate::pages::links::LinkRow>,
    link_from: Option<String>,
}

impl OperationPage {
    fn kg(&self, g: &i64) -> String {
        grams(g)
    }
}

pub async fn show(State(s): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let ctx = c.ctx();
    let o = concord_app::operations::get(&s.store, &ctx, &id)
        .await
        .map_err(|e| c.fail(e))?;
    let state = concord_app::operations::acting_state(&ctx).ok();
    let leads = state.as_ref() == Some(&o.lead);
    let step = match o.stage {
        Stage::Planned if leads => Some(Step::Start.as_str()),
        Stage::Active if leads => Some(Step::Close.as_str()),
        _ => None,
    };
    let reports = o.stage == Stage::Active && state.as_ref().is_some_and(|st| o.participants.contains(st));
    let (links, link_from) = crate::pages::links::section(&s, &c, &id).await?;
    Ok(render(&OperationPage {
        links,
        link_from,
        page: c.page_titled(format!("{} · {}", c.tr.t("op-one"), o.name), "operations"),
        o,
        step,
        reports,
    }))
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    version: i64,
}

pub async fn step(State(s): State<AppState>, Path(id): Path<String>, Posted(c, f): Posted<StepForm>) -> PageResult {
    let step: Step = concord_app::text::field("step", &f.step).map_err(|e| c.fail(e))?;
    concord_app::operations::step(&s.store, &c.ctx(), &id, step, f.version)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/operations/{id}")))
}

#[derive(Deserialize, Default)]
pub struct ResultsForm {
    #[serde(default)]
    substance_0: String,
    #[serde(default)]
    quantity_0: String,
    #[serde(default)]
    unit_0: String,
    #[serde(default)]
    substance_1: String,
    #[serde(default)]
    quantity_1: String,
    #[serde(default)]
    unit_1: String,
    #[serde(default)]
    substance_2: String,
    #[serde(default)]
    quantity_2: String,
    #[serde(default)]
    unit_2: String,
    #[serde(default)]
    arrests: String,
    #[serde(default)]
    cases_opened: String,
}

fn count(field: &str, text: &str) -> Result<i64, Refusal> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(0);
    }
    t.parse()
        .map_err(|_| Refusal::invalid(field, format!("{t:?} is not a whole number")))
}

pub async fn report(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted(c, f): Posted<ResultsForm>,
) -> PageResult {
    let seizures: Vec<SeizureText> = [
        (&f.substance_0, &f.quantity_0, &f.unit_0),
        (&f.substance_1, &f.quantity_1, &f.unit_1),
        (&f.substance_2, &f.quantity_2, &f.unit_2),
    ]
    .into_iter()
    .filter(|(s, q, _)| !s.trim().is_empty() || !q.trim().is_empty())
    .map(|(s, q, u)| SeizureText {
        substance: s.clone(),
        quantity: q.clone(),
        unit: u.clone(),
    })
    .collect();
    let arrests = count("arrests", &f.arrests).map_err(|e| c.fail(e))?;
    let cases = count("cases_opened", &f.cases_opened).map_err(|e| c.fail(e))?;
    concord_app::operations::report(&s.store, &c.ctx(), &id, &seizures, arrests, cases)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/operations/{id}")))
}
