//! Meetings: the list with the overdue follow-up actions and the schedule
//! form, and a meeting's page with its agenda, decisions, actions, the
//! decision form for the chair and the report form for a responsible
//! state.

use crate::AppState;
use crate::session::Posted;
use crate::{Console, Page, PageError, PageResult, form_error, render, render_refused, see_other};
use askama::Template;
use axum::extract::{Path, State};
use concord_app::Refusal;
use concord_domain::meeting::{ActionInput, DecisionInput, FollowUp, Meeting, MeetingInput};
use concord_domain::{Distribution, HandlingCode, StateCode};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct ScheduleForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    chair: String,
    #[serde(default)]
    participants: String,
    #[serde(default)]
    agenda: String,
    #[serde(default)]
    classification: String,
}

impl ScheduleForm {
    fn input(&self) -> Result<MeetingInput, Refusal> {
        if self.chair.trim().is_empty() {
            return Err(Refusal::invalid("chair", "a state code is needed"));
        }
        Ok(MeetingInput {
            body: self.body.clone(),
            kind: concord_app::text::field("kind", &self.kind)?,
            date: concord_app::text::date("date", &self.date)?,
            place: self.place.clone(),
            chair: StateCode::from(self.chair.trim().to_ascii_uppercase().as_str()),
            participants: crate::split_states(&self.participants),
            agenda: self
                .agenda
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            handling: HandlingCode {
                distribution: Distribution::OriginatorOnly,
                dissemination: concord_domain::Dissemination::Free,
                use_: concord_domain::Use::Evidence,
                classification: concord_app::text::field("classification", &self.classification)?,
            },
        })
    }
}

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingList {
    page: Page,
    meetings: Vec<Meeting>,
    overdue: Vec<(Meeting, String, FollowUp)>,
    form: Option<ScheduleForm>,
    bodies: Vec<(String, String)>,
    states: Vec<(String, String)>,
    error: Option<(String, String)>,
}

impl MeetingList {
    fn body_name(&self, id: &str) -> String {
        self.bodies
            .iter()
            .find(|(b, _)| b == id)
            .map_or_else(|| id.to_owned(), |(_, n)| n.clone())
    }
}

fn bodies(s: &AppState, c: &Console) -> Vec<(String, String)> {
    let lang = c.tr.lang.code();
    s.store
        .snapshot()
        .registry
        .bodies
        .values()
        .map(|b| (b.id.clone(), b.name.get(lang).to_owned()))
        .collect()
}

async fn list_page(
    s: &AppState,
    c: &Console,
    form: Option<ScheduleForm>,
    error: Option<(String, String)>,
) -> Result<MeetingList, PageError> {
    let ctx = c.ctx();
    let meetings = concord_app::meetings::list(&s.store, &ctx, 200)
        .await
        .map_err(|e| c.fail(e))?;
    let overdue = concord_app::meetings::overdue(&s.store, &ctx)
        .await
        .map_err(|e| c.fail(e))?;
    let works = ctx
        .viewer
        .roles
        .any(&[concord_domain::Role::Officer, concord_domain::Role::Supervisor]);
    let today = s.store.clock().today();
    let form = works.then(|| {
        form.unwrap_or_else(|| ScheduleForm {
            kind: "regular".into(),
            date: today.to_string(),
            chair: ctx.viewer.state.as_ref().map(|s| s.to_string()).unwrap_or_default(),
            participants: ctx.viewer.state.as_ref().map(|s| s.to_string()).unwrap_or_default(),
            classification: "restricted".into(),
            ..ScheduleForm::default()
        })
    });
    Ok(MeetingList {
        page: c.page("mtg-title", "meetings"),
        meetings,
        overdue,
        form,
        bodies: bodies(s, c),
        states: c.state_choices(s),
        error,
    })
}

pub async fn list(State(s): State<AppState>, c: Console) -> PageResult {
    Ok(render(&list_page(&s, &c, None, None).await?))
}

pub async fn schedule(State(s): State<AppState>, Posted(c, f): Posted<ScheduleForm>) -> PageResult {
    let done = match f.input() {
        Ok(input) => concord_app::meetings::schedule(&s.store, &c.ctx(), input).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(m) => Ok(see_other(&format!("/console/meetings/{}", m.id))),
        Err(e @ Refusal::Invalid { .. }) => Ok(render_refused(&list_page(&s, &c, Some(f), Some(form_error(e))).await?)),
        Err(e) => Err(c.fail(e)),
    }
}

#[derive(Deserialize, Default)]
pub struct DecisionForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    instruments: String,
    #[serde(default)]
    state_0: String,
    #[serde(default)]
    task_0: String,
    #[serde(default)]
    due_0: String,
    #[serde(default)]
    state_1: String,
    #[serde(default)]
    task_1: String,
    #[serde(default)]
    due_1: String,
    #[serde(default)]
    version: i64,
}

impl DecisionForm {
    fn input(&self) -> Result<DecisionInput, Refusal> {
        let mut actions = Vec::new();
        for (i, (state, task, due)) in [
            (&self.state_0, &self.task_0, &self.due_0),
            (&self.state_1, &self.task_1, &self.due_1),
        ]
        .into_iter()
        .enumerate()
        {
            if state.trim().is_empty() && task.trim().is_empty() {
                continue;
            }
            actions.push(ActionInput {
                state: StateCode::from(state.trim().to_ascii_uppercase().as_str()),
                task: task.clone(),
                due: concord_app::text::date(&format!("actions[{i}].due"), due)?,
            });
        }
        Ok(DecisionInput {
            number: self.number.clone(),
            date: concord_app::text::date("date", &self.date)?,
            text: self.text.clone(),
            instruments: crate::split_ids(&self.instruments),
            actions,
        })
    }
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    page: Page,
    m: Meeting,
    body: String,
    /// The decision form, for the chair or the scheduling office.
    form: Option<DecisionForm>,
    error: Option<(String, String)>,
    own: Option<String>,
    instruments: Vec<(String, String)>,
    today: time::Date,
}

impl MeetingPage {
    fn reports(&self, a: &FollowUp) -> bool {
        a.done_at.is_none() && self.own.as_deref() == Some(a.state.as_str())
    }
    fn instrument_name(&self, id: &str) -> String {
        self.instruments
            .iter()
            .find(|(i, _)| i == id)
            .map_or_else(|| id.to_owned(), |(_, n)| n.clone())
    }
}

async fn meeting_page(
    s: &AppState,
    c: &Console,
    id: &str,
    form: Option<DecisionForm>,
    error: Option<(String, String)>,
) -> Result<MeetingPage, PageError> {
    let ctx = c.ctx();
    let m = concord_app::meetings::get(&s.store, &ctx, id)
        .await
        .map_err(|e| c.fail(e))?;
    let lang = c.tr.lang.code();
    let snap = s.store.snapshot();
    let body = snap
        .registry
        .bodies
        .get(&m.body)
        .map_or_else(|| m.body.clone(), |b| b.name.get(lang).to_owned());
    let instruments = snap
        .registry
        .instruments
        .values()
        .map(|i| (i.id.clone(), i.title.get(lang).to_owned()))
        .collect();
    let form = concord_app::meetings::records_decisions(&ctx, &m).then(|| {
        form.unwrap_or_else(|| DecisionForm {
            number: (m.decisions.len() + 1).to_string(),
            date: m.date.to_string(),
            version: m.version,
            ..DecisionForm::default()
        })
    });
    Ok(MeetingPage {
        page: c.page_titled(format!("{} · {body}", c.tr.t("mtg-one")), "meetings"),
        body,
        form,
        error,
        own: ctx.viewer.state.as_ref().map(|s| s.to_string()),
        instruments,
        today: s.store.clock().today(),
        m,
    })
}

pub async fn show(State(s): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    Ok(render(&meeting_page(&s, &c, &id, None, None).await?))
}

pub async fn decide(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted(c, f): Posted<DecisionForm>,
) -> PageResult {
    let done = match f.input() {
        Ok(d) => concord_app::meetings::decide(&s.store, &c.ctx(), &id, d, f.version).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Ok(see_other(&format!("/console/meetings/{id}"))),
        Err(e @ (Refusal::Invalid { .. } | Refusal::Conflict(_))) => {
            let error = Some(form_error(e));
            Ok(render_refused(&meeting_page(&s, &c, &id, Some(f), error).await?))
        }
        Err(e) => Err(c.fail(e)),
    }
}

#[derive(Deserialize)]
pub struct DoneForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    position: i64,
    #[serde(default)]
    report: String,
}

pub async fn complete(State(s): State<AppState>, Path(id): Path<String>, Posted(c, f): Posted<DoneForm>) -> PageResult {
    concord_app::meetings::complete(&s.store, &c.ctx(), &id, &f.number, f.position, &f.report)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/meetings/{id}")))
}
