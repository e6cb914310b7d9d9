//! Precursor control: the notifications list with the form to notify an
//! export, a notification's page with its trail and the steps open to the
//! viewer's state, the declared requirements with the year's flows, and the
//! incidents. Forms are read as the API reads its bodies
//! (`concord_app::text`), so the rules and the names of bad fields match.

use crate::AppState;
use crate::session::Posted;
use crate::{Console, Page, PageResult, form_error, render, render_refused, see_other};
use askama::Template;
use axum::extract::{Path, State};
use concord_app::Refusal;
use concord_app::precursors::Flow;
use concord_app::text::{HandlingText, IncidentText, NotificationText, TransitText};
use concord_domain::precursor::{self as rules, Incident, Measure, PreExportNotification, Requirement};
use concord_domain::workflow::pre_export::{self as machine, Side, Stage, Step};
use serde::Deserialize;

/// How many transit legs the notify form offers.
const TRANSIT_ROWS: usize = 3;

/// A substance for a select: `(id, name in the reader's language, CAS, units)`.
type SubstanceChoice = (String, String, String, Vec<&'static str>);

fn substance_choices(s: &AppState, c: &Console) -> Vec<SubstanceChoice> {
    let lang = c.tr.lang.code();
    s.store
        .snapshot()
        .registry
        .substances
        .values()
        .map(|x| {
            (
                x.id.clone(),
                x.name.get(lang).to_owned(),
                x.cas.clone(),
                rules::units(x.measure),
            )
        })
        .collect()
}

/// Quantities and substance names as the reader reads them.
struct Show {
    measures: std::collections::BTreeMap<String, (Measure, String)>,
}

impl Show {
    fn new(s: &AppState, c: &Console) -> Show {
        let lang = c.tr.lang.code();
        Show {
            measures: s
                .store
                .snapshot()
                .registry
                .substances
                .values()
                .map(|x| (x.id.clone(), (x.measure, x.name.get(lang).to_owned())))
                .collect(),
        }
    }
    fn quantity(&self, substance: &str, q: &i64) -> String {
        let m = self.measures.get(substance).map(|(m, _)| *m).unwrap_or(Measure::Mass);
        rules::format_quantity(*q, m)
    }
    fn name<'a>(&'a self, substance: &'a str) -> &'a str {
        self.measures
            .get(substance)
            .map(|(_, n)| n.as_str())
            .unwrap_or(substance)
    }
}

#[derive(Deserialize, Default)]
pub struct NotifyForm {
    #[serde(default)]
    importing_state: String,
    #[serde(default)]
    exporter: String,
    #[serde(default)]
    importer: String,
    #[serde(default)]
    consignee: String,
    #[serde(default)]
    substance: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    transit_state_0: String,
    #[serde(default)]
    transit_point_0: String,
    #[serde(default)]
    transit_state_1: String,
    #[serde(default)]
    transit_point_1: String,
    #[serde(default)]
    transit_state_2: String,
    #[serde(default)]
    transit_point_2: String,
    #[serde(default)]
    point_of_entry: String,
    #[serde(default)]
    planned_export: String,
    #[serde(default)]
    classification: String,
    #[serde(default)]
    dissemination: String,
    #[serde(default)]
    use_: String,
}

impl NotifyForm {
    /// The transit rows as shown: `(index, state, point of entry)`.
    fn transit_rows(&self) -> Vec<(usize, &str, &str)> {
        [
            (&self.transit_state_0, &self.transit_point_0),
            (&self.transit_state_1, &self.transit_point_1),
            (&self.transit_state_2, &self.transit_point_2),
        ]
        .into_iter()
        .take(TRANSIT_ROWS)
        .enumerate()
        .map(|(i, (s, p))| (i, s.as_str(), p.as_str()))
        .collect()
    }

    fn text(&self) -> NotificationText {
        NotificationText {
            importing_state: self.importing_state.clone(),
            exporter: self.exporter.clone(),
            importer: self.importer.clone(),
            consignee: self.consignee.clone(),
            substance: self.substance.clone(),
            quantity: self.quantity.clone(),
            unit: self.unit.clone(),
            // Rows left empty are not legs; a row with a point but no state is one, to be refused.
            transit: self
                .transit_rows()
                .into_iter()
                .filter(|(_, s, p)| !s.trim().is_empty() || !p.trim().is_empty())
                .map(|(_, s, p)| TransitText {
                    state: s.to_owned(),
                    point_of_entry: p.to_owned(),
                })
                .collect(),
            point_of_entry: self.point_of_entry.clone(),
            planned_export: self.planned_export.clone(),
            handling: HandlingText {
                distribution: String::new(),
                dissemination: self.dissemination.clone(),
                use_: self.use_.clone(),
                classification: self.classification.clone(),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "precursors.html")]
struct NotificationList {
    page: Page,
    notifications: Vec<PreExportNotification>,
    show: Show,
    /// The form, when the viewer's state may notify.
    form: Option<NotifyForm>,
    error: Option<(String, String)>,
    substances: Vec<SubstanceChoice>,
    states: Vec<(String, String)>,
    /// The stage filtered on, empty for all.
    stage: String,
    stages: Vec<&'static str>,
}

#[derive(Deserialize)]
pub struct ListFilter {
    #[serde(default)]
    stage: String,
}

async fn list_page(
    s: &AppState,
    c: &Console,
    stage: String,
    form: Option<NotifyForm>,
    error: Option<(String, String)>,
) -> Result<NotificationList, crate::PageError> {
    let filter = if stage.is_empty() {
        None
    } else {
        Some(
            stage
                .parse::<Stage>()
                .map_err(|e| c.fail(Refusal::invalid("stage", e.to_string())))?,
        )
    };
    let notifications = concord_app::precursors::list(&s.store, &c.ctx(), filter, None, 200)
        .await
        .map_err(|e| c.fail(e))?;
    let may_notify = concord_app::precursors::acting_state(&s.store, &c.ctx()).is_ok();
    let today = s.store.clock().today();
    Ok(NotificationList {
        page: c.page("pre-title", "precursors"),
        notifications,
        show: Show::new(s, c),
        form: may_notify.then(|| {
            form.unwrap_or_else(|| NotifyForm {
                unit: "kg".into(),
                classification: "restricted".into(),
                dissemination: "free".into(),
                use_: "evidence".into(),
                planned_export: (today + time::Duration::days(30)).to_string(),
                ..NotifyForm::default()
            })
        }),
        error,
        substances: substance_choices(s, c),
        states: c.state_choices(s),
        stage,
        stages: [
            Stage::Notified,
            Stage::Confirmed,
            Stage::Objected,
            Stage::Withdrawn,
            Stage::Shipped,
            Stage::Received,
            Stage::Stopped,
        ]
        .iter()
        .map(|s| s.as_str())
        .collect(),
    })
}

pub async fn list(
    State(s): State<AppState>,
    c: Console,
    axum::extract::Query(q): axum::extract::Query<ListFilter>,
) -> PageResult {
    Ok(render(&list_page(&s, &c, q.stage, None, None).await?))
}

pub async fn notify(State(s): State<AppState>, Posted(c, f): Posted<NotifyForm>) -> PageResult {
    let done = match concord_app::text::notification_input(&f.text()) {
        Ok(input) => concord_app::precursors::notify(&s.store, &c.ctx(), input).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(n) => Ok(see_other(&format!("/console/precursors/{}", n.id))),
        Err(e @ (Refusal::Invalid { .. } | Refusal::Conflict(_))) => {
            let page = list_page(&s, &c, String::new(), Some(f), Some(form_error(e))).await?;
            Ok(render_refused(&page))
        }
        Err(e) => Err(c.fail(e)),
    }
}

#[derive(Template)]
#[template(path = "precursor.html")]
struct NotificationPage {
    page: Page,
    n: PreExportNotification,
    show: Show,
    /// Where the viewer's state stands on the route.
    side: Side,
    /// The steps open to the viewer now.
    steps: Vec<&'static str>,
    links: Vec<crate::pages::links::LinkRow>,
    link_from: Option<String>,
}

impl NotificationPage {
    fn excess(&self) -> Option<String> {
        self.n
            .assessment
            .excess()
            .map(|e| self.show.quantity(&self.n.substance, &e))
    }
}

/// The steps the viewer may take on `n` now: its state's side allows them,
/// the stage allows them, and shipping or withdrawing is the notifying
/// authority's.
fn open_steps(n: &PreExportNotification, side: Side, c: &Console) -> Vec<&'static str> {
    [
        Step::Confirm,
        Step::Object,
        Step::Withdraw,
        Step::Ship,
        Step::Receive,
        Step::Stop,
    ]
    .into_iter()
    .filter(|st| machine::sides(*st).contains(&side))
    .filter(|st| machine::apply(n.stage, *st, side, "reason").is_ok())
    .filter(|st| !matches!(st, Step::Ship | Step::Withdraw) || c.caller.viewer.authority == n.originator)
    .map(|st| st.as_str())
    .collect()
}

pub async fn show(State(s): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let n = concord_app::precursors::get(&s.store, &c.ctx(), &id)
        .await
        .map_err(|e| c.fail(e))?;
    let state = concord_app::precursors::acting_state(&s.store, &c.ctx()).ok();
    let side = n.side_of(state.as_ref());
    let steps = if state.is_some() {
        open_steps(&n, side, &c)
    } else {
        vec![]
    };
    let (links, link_from) = crate::pages::links::section(&s, &c, &id).await?;
    Ok(render(&NotificationPage {
        page: c.page_titled(format!("{} · {}", c.tr.t("pre-one"), n.id), "precursors"),
        links,
        link_from,
        show: Show::new(&s, &c),
        side,
        steps,
        n,
    }))
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    version: i64,
    /// Set with an objection: the kind of incident to raise with it.
    #[serde(default)]
    incident: String,
}

pub async fn step(State(s): State<AppState>, Path(id): Path<String>, Posted(c, f): Posted<StepForm>) -> PageResult {
    let step: Step = concord_app::text::field("step", &f.step).map_err(|e| c.fail(e))?;
    let ctx = c.ctx();
    if step == Step::Object {
        let kind = if f.incident.trim().is_empty() {
            None
        } else {
            Some(concord_app::text::field("incident", &f.incident).map_err(|e| c.fail(e))?)
        };
        concord_app::precursors::object(&s.store, &ctx, &id, &f.reason, f.version, kind)
            .await
            .map_err(|e| c.fail(e))?;
    } else {
        concord_app::precursors::step(&s.store, &ctx, &id, step, &f.reason, f.version)
            .await
            .map_err(|e| c.fail(e))?;
    }
    Ok(see_other(&format!("/console/precursors/{id}")))
}

#[derive(Template)]
#[template(path = "precursor_requirements.html")]
struct RequirementsPage {
    page: Page,
    year: i32,
    years: Vec<i32>,
    requirements: Vec<Requirement>,
    flows: Vec<Flow>,
    show: Show,
    /// The viewer's state, when it may declare.
    declaring: Option<String>,
    substances: Vec<SubstanceChoice>,
}

impl RequirementsPage {
    fn stage_total(&self, f: &Flow, stage: &str) -> String {
        f.by_stage
            .iter()
            .find(|(s, _)| s.as_str() == stage)
            .map(|(_, (n, q))| format!("{n} · {}", self.show.quantity(&f.substance, q)))
            .unwrap_or_default()
    }
}

#[derive(Deserialize)]
pub struct YearFilter {
    year: Option<i32>,
}

pub async fn requirements(
    State(s): State<AppState>,
    c: Console,
    axum::extract::Query(q): axum::extract::Query<YearFilter>,
) -> PageResult {
    let this_year = s.store.clock().today().year();
    let year = q.year.unwrap_or(this_year);
    let requirements = concord_app::precursors::requirements(&s.store, year)
        .await
        .map_err(|e| c.fail(e))?;
    let flows = concord_app::precursors::flows(&s.store, &c.ctx(), year)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(render(&RequirementsPage {
        page: c.page("pre-requirements", "precursors"),
        year,
        years: (this_year - 1..=this_year + 2).collect(),
        requirements,
        flows,
        show: Show::new(&s, &c),
        declaring: concord_app::precursors::acting_state(&s.store, &c.ctx())
            .ok()
            .map(|st| st.to_string()),
        substances: substance_choices(&s, &c),
    }))
}

#[derive(Deserialize)]
pub struct DeclareForm {
    #[serde(default)]
    substance: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    unit: String,
}

pub async fn declare(State(s): State<AppState>, Posted(c, f): Posted<DeclareForm>) -> PageResult {
    let year: i32 = f
        .year
        .trim()
        .parse()
        .map_err(|_| c.fail(Refusal::invalid("year", format!("{:?} is not a year", f.year))))?;
    concord_app::precursors::declare_requirement(&s.store, &c.ctx(), &f.substance, year, &f.quantity, &f.unit)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/precursors/requirements?year={year}")))
}

#[derive(Deserialize, Default)]
pub struct IncidentForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    occurred_on: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    substance: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    notification: String,
    #[serde(default)]
    records: String,
    #[serde(default)]
    messages: String,
    #[serde(default)]
    distribution: String,
    #[serde(default)]
    classification: String,
    #[serde(default)]
    dissemination: String,
    #[serde(default)]
    use_: String,
}

impl IncidentForm {
    fn text(&self) -> IncidentText {
        let opt = |v: &str| Some(v.to_owned()).filter(|v| !v.trim().is_empty());
        IncidentText {
            kind: self.kind.clone(),
            occurred_on: self.occurred_on.clone(),
            place: self.place.clone(),
            description: self.description.clone(),
            substance: opt(&self.substance),
            quantity: opt(&self.quantity),
            unit: opt(&self.unit),
            notification: opt(&self.notification),
            records: crate::split_ids(&self.records),
            messages: crate::split_ids(&self.messages),
            handling: HandlingText {
                distribution: self.distribution.clone(),
                dissemination: self.dissemination.clone(),
                use_: self.use_.clone(),
                classification: self.classification.clone(),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "incidents.html")]
struct IncidentList {
    page: Page,
    incidents: Vec<Incident>,
    show: Show,
    /// The report form, for officers and supervisors.
    form: Option<IncidentForm>,
    error: Option<(String, String)>,
    substances: Vec<SubstanceChoice>,
}

async fn incidents_page(
    s: &AppState,
    c: &Console,
    form: Option<IncidentForm>,
    error: Option<(String, String)>,
) -> Result<IncidentList, crate::PageError> {
    let incidents = concord_app::precursors::incidents(&s.store, &c.ctx(), 200)
        .await
        .map_err(|e| c.fail(e))?;
    let v = &c.caller.viewer;
    let may_report = v.state.is_some()
        && v.roles
            .any(&[concord_domain::Role::Officer, concord_domain::Role::Supervisor]);
    Ok(IncidentList {
        page: c.page("inc-title", "precursors"),
        incidents,
        show: Show::new(s, c),
        form: may_report.then(|| {
            form.unwrap_or_else(|| IncidentForm {
                kind: "seizure".into(),
                occurred_on: s.store.clock().today().to_string(),
                distribution: "all-members".into(),
                classification: "restricted".into(),
                dissemination: "free".into(),
                use_: "evidence".into(),
                unit: "kg".into(),
                ..IncidentForm::default()
            })
        }),
        error,
        substances: substance_choices(s, c),
    })
}

pub async fn incidents(State(s): State<AppState>, c: Console) -> PageResult {
    Ok(render(&incidents_page(&s, &c, None, None).await?))
}

pub async fn report(State(s): State<AppState>, Posted(c, f): Posted<IncidentForm>) -> PageResult {
    let done = match concord_app::text::incident_input(&f.text()) {
        Ok(input) => concord_app::precursors::report_incident(&s.store, &c.ctx(), input).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(i) => Ok(see_other(&format!("/console/precursors/incidents/{}", i.id))),
        Err(e @ (Refusal::Invalid { .. } | Refusal::Conflict(_))) => {
            let page = incidents_page(&s, &c, Some(f), Some(form_error(e))).await?;
            Ok(render_refused(&page))
        }
        Err(e) => Err(c.fail(e)),
    }
}

#[derive(Template)]
#[template(path = "incident.html")]
struct IncidentPage {
    page: Page,
    i: Incident,
    show: Show,
    links: Vec<crate::pages::links::LinkRow>,
    link_from: Option<String>,
}

pub async fn incident(State(s): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let i = concord_app::precursors::incident(&s.store, &c.ctx(), &id)
        .await
        .map_err(|e| c.fail(e))?;
    let (links, link_from) = crate::pages::links::section(&s, &c, &id).await?;
    Ok(render(&IncidentPage {
        links,
        link_from,
        page: c.page_titled(format!("{} · {}", c.tr.t("inc-one"), i.id), "precursors"),
        show: Show::new(&s, &c),
        i,
    }))
}
