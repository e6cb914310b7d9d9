//! Controlled deliveries: the list with the form to propose one, and a
//! delivery's page with its route (custody marked), every state's answer,
//! the steps open to the reader's state and the trail.

use crate::AppState;
use crate::session::Posted;
use crate::{Console, Page, PageResult, form_error, render, render_refused, see_other};
use askama::Template;
use axum::extract::{Path, State};
use concord_app::Refusal;
use concord_domain::delivery::{ControlledDelivery, Leg, PlanInput};
use concord_domain::workflow::controlled_delivery::{Answer, Outcome, Step};
use concord_domain::{Distribution, HandlingCode, StateCode};
use serde::Deserialize;

/// How many states the propose form offers.
const ROUTE_ROWS: usize = 4;

#[derive(Deserialize, Default)]
pub struct PlanForm {
    #[serde(default)]
    consignment: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    state_0: String,
    #[serde(default)]
    point_0: String,
    #[serde(default)]
    contact_0: String,
    #[serde(default)]
    state_1: String,
    #[serde(default)]
    point_1: String,
    #[serde(default)]
    contact_1: String,
    #[serde(default)]
    state_2: String,
    #[serde(default)]
    point_2: String,
    #[serde(default)]
    contact_2: String,
    #[serde(default)]
    state_3: String,
    #[serde(default)]
    point_3: String,
    #[serde(default)]
    contact_3: String,
    #[serde(default)]
    planned_start: String,
    #[serde(default)]
    planned_end: String,
    #[serde(default)]
    classification: String,
}

impl PlanForm {
    /// The route rows as shown: `(index, state, handover point, contact)`.
    fn rows(&self) -> Vec<(usize, &str, &str, &str)> {
        [
            (&self.state_0, &self.point_0, &self.contact_0),
            (&self.state_1, &self.point_1, &self.contact_1),
            (&self.state_2, &self.point_2, &self.contact_2),
            (&self.state_3, &self.point_3, &self.contact_3),
        ]
        .into_iter()
        .take(ROUTE_ROWS)
        .enumerate()
        .map(|(i, (s, p, c))| (i, s.as_str(), p.as_str(), c.as_str()))
        .collect()
    }

    fn input(&self) -> Result<PlanInput, Refusal> {
        let route = self
            .rows()
            .into_iter()
            .filter(|(_, s, p, c)| ![s, p, c].iter().all(|v| v.trim().is_empty()))
            .map(|(i, s, p, c)| {
                if s.trim().is_empty() {
                    return Err(Refusal::invalid(format!("route[{i}].state"), "a state code is needed"));
                }
                Ok(Leg {
                    state: StateCode::from(s.trim()),
                    handover_point: p.to_owned(),
                    contact: c.to_owned(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PlanInput {
            consignment: self.consignment.clone(),
            method: concord_app::text::field("method", &self.method)?,
            route,
            planned_start: concord_app::text::date("planned_start", &self.planned_start)?,
            planned_end: concord_app::text::date("planned_end", &self.planned_end)?,
            handling: HandlingCode {
                distribution: Distribution::OriginatorOnly,
                dissemination: concord_domain::Dissemination::OriginatorConsent,
                use_: concord_domain::Use::IntelligenceOnly,
                classification: concord_app::text::field("classification", &self.classification)?,
            },
        })
    }
}

#[derive(Template)]
#[template(path = "deliveries.html")]
struct DeliveryList {
    page: Page,
    deliveries: Vec<ControlledDelivery>,
    form: Option<PlanForm>,
    error: Option<(String, String)>,
    states: Vec<(String, String)>,
}

async fn list_page(
    s: &AppState,
    c: &Console,
    form: Option<PlanForm>,
    error: Option<(String, String)>,
) -> Result<DeliveryList, crate::PageError> {
    let ctx = c.ctx();
    let deliveries = concord_app::deliveries::list(&s.store, &ctx, 200)
        .await
        .map_err(|e| c.fail(e))?;
    let states = c.state_choices(s);
    let today = s.store.clock().today();
    let form = concord_app::deliveries::acting_state(&ctx).ok().map(|own| {
        form.unwrap_or_else(|| PlanForm {
            method: "replaced".into(),
            state_0: own.to_string(),
            planned_start: (today + time::Duration::days(7)).to_string(),
            planned_end: (today + time::Duration::days(14)).to_string(),
            classification: "confidential".into(),
            ..PlanForm::default()
        })
    });
    Ok(DeliveryList {
        page: c.page("cd-title", "deliveries"),
        deliveries,
        form,
        error,
        states,
    })
}

pub async fn list(State(s): State<AppState>, c: Console) -> PageResult {
    Ok(render(&list_page(&s, &c, None, None).await?))
}

pub async fn propose(State(s): State<AppState>, Posted(c, f): Posted<PlanForm>) -> PageResult {
    let done = match f.input() {
        Ok(input) => concord_app::deliveries::propose(&s.store, &c.ctx(), input).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(d) => Ok(see_other(&format!("/console/deliveries/{}", d.id))),
        Err(e @ Refusal::Invalid { .. }) => {
            let page = list_page(&s, &c, Some(f), Some(form_error(e))).await?;
            Ok(render_refused(&page))
        }
        Err(e) => Err(c.fail(e)),
    }
}

#[derive(Template)]
#[template(path = "delivery.html")]
struct DeliveryPage {
    page: Page,
    d: ControlledDelivery,
    steps: Vec<&'static str>,
    links: Vec<crate::pages::links::LinkRow>,
    link_from: Option<String>,
}

impl DeliveryPage {
    /// A state's answer on the route: `(kind, text, by, at)`.
    fn answer(&self, state: &StateCode) -> Option<(&'static str, &str, &str, &str)> {
        self.d.answers.get(state).map(|(a, by, at)| match a {
            Answer::Authorized { conditions } => ("authorized", conditions.as_str(), by.as_str(), at.as_str()),
            Answer::Refused { reasons } => ("refused", reasons.as_str(), by.as_str(), at.as_str()),
        })
    }
    fn holds(&self, position: &usize) -> bool {
        self.d.custodian == Some(*position)
    }
}

pub async fn show(State(s): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let ctx = c.ctx();
    let d = concord_app::deliveries::get(&s.store, &ctx, &id)
        .await
        .map_err(|e| c.fail(e))?;
    let steps = concord_app::deliveries::open_steps(&ctx, &d)
        .into_iter()
        .map(|st| st.as_str())
        .collect();
    let (links, link_from) = crate::pages::links::section(&s, &c, &id).await?;
    Ok(render(&DeliveryPage {
        links,
        link_from,
        page: c.page_titled(format!("{} · {}", c.tr.t("cd-one"), d.id), "deliveries"),
        d,
        steps,
    }))
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    version: i64,
}

pub async fn step(State(s): State<AppState>, Path(id): Path<String>, Posted(c, f): Posted<StepForm>) -> PageResult {
    let step: Step = concord_app::text::field("step", &f.step).map_err(|e| c.fail(e))?;
    let outcome = if f.outcome.trim().is_empty() {
        None
    } else {
        Some(concord_app::text::field::<Outcome>("outcome", &f.outcome).map_err(|e| c.fail(e))?)
    };
    concord_app::deliveries::step(&s.store, &c.ctx(), &id, step, &f.text, outcome, f.version)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/deliveries/{id}")))
}
