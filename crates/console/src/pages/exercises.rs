//! Joint exercises: the calendar with the plan form, and an exercise's
//! page with its phases, forces, confirmations, the confirm button for a
//! participant and the after-action form for the initiator or host.

use crate::AppState;
use crate::session::Posted;
use crate::{Console, Page, PageError, PageResult, form_error, render, render_refused, see_other};
use askama::Template;
use axum::extract::{Path, State};
use concord_app::Refusal;
use concord_domain::exercise::{Exercise, ExerciseInput, Phase};
use concord_domain::{Distribution, HandlingCode, StateCode};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct PlanForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    host: String,
    #[serde(default)]
    participants: String,
    #[serde(default)]
    observers: String,
    #[serde(default)]
    phase_0: String,
    #[serde(default)]
    starts_0: String,
    #[serde(default)]
    ends_0: String,
    #[serde(default)]
    phase_1: String,
    #[serde(default)]
    starts_1: String,
    #[serde(default)]
    ends_1: String,
    #[serde(default)]
    phase_2: String,
    #[serde(default)]
    starts_2: String,
    #[serde(default)]
    ends_2: String,
    #[serde(default)]
    scenario: String,
    #[serde(default)]
    forces: String,
    #[serde(default)]
    classification: String,
}

impl PlanForm {
    fn phase_rows(&self) -> [(usize, &str, &str, &str); 3] {
        [
            (0, &self.phase_0, &self.starts_0, &self.ends_0),
            (1, &self.phase_1, &self.starts_1, &self.ends_1),
            (2, &self.phase_2, &self.starts_2, &self.ends_2),
        ]
    }

    fn input(&self) -> Result<ExerciseInput, Refusal> {
        let mut phases = Vec::new();
        for (i, name, starts, ends) in self.phase_rows() {
            if [name, starts, ends].iter().all(|v| v.trim().is_empty()) {
                continue;
            }
            phases.push(Phase {
                name: name.to_owned(),
                starts: concord_app::text::date(&format!("phases[{i}].starts"), starts)?,
                ends: concord_app::text::date(&format!("phases[{i}].ends"), ends)?,
            });
        }
        let mut forces = std::collections::BTreeMap::new();
        for (n, line) in self.forces.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let (state, what) = line.split_once(':').ok_or_else(|| {
                Refusal::invalid(
                    "forces",
                    format!("line {}: write the state code, a colon, then its forces", n + 1),
                )
            })?;
            forces.insert(
                StateCode::from(state.trim().to_ascii_uppercase().as_str()),
                what.trim().to_owned(),
            );
        }
        Ok(ExerciseInput {
            name: self.name.clone(),
            kind: concord_app::text::field("kind", &self.kind)?,
            host: StateCode::from(self.host.trim().to_ascii_uppercase().as_str()),
            participants: crate::split_states(&self.participants),
            observers: crate::split_states(&self.observers),
            phases,
            scenario: self.scenario.clone(),
            forces,
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
#[template(path = "exercises.html")]
struct ExerciseList {
    page: Page,
    exercises: Vec<Exercise>,
    form: Option<PlanForm>,
    states: Vec<(String, String)>,
    error: Option<(String, String)>,
}

async fn list_page(
    s: &AppState,
    c: &Console,
    form: Option<PlanForm>,
    error: Option<(String, String)>,
) -> Result<ExerciseList, PageError> {
    let ctx = c.ctx();
    let exercises = concord_app::exercises::list(&s.store, &ctx, 200)
        .await
        .map_err(|e| c.fail(e))?;
    let form = concord_app::exercises::acting_state(&ctx).ok().map(|own| {
        form.unwrap_or_else(|| PlanForm {
            kind: "command-staff".into(),
            host: own.to_string(),
            participants: own.to_string(),
            classification: "restricted".into(),
            ..PlanForm::default()
        })
    });
    Ok(ExerciseList {
        page: c.page("ex-title", "exercises"),
        exercises,
        form,
        states: c.state_choices(s),
        error,
    })
}

pub async fn list(State(s): State<AppState>, c: Console) -> PageResult {
    Ok(render(&list_page(&s, &c, None, None).await?))
}

pub async fn plan(State(s): State<AppState>, Posted(c, f): Posted<PlanForm>) -> PageResult {
    let done = match f.input() {
        Ok(input) => concord_app::exercises::plan(&s.store, &c.ctx(), input).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(e) => Ok(see_other(&format!("/console/exercises/{}", e.id))),
        Err(e @ Refusal::Invalid { .. }) => Ok(render_refused(&list_page(&s, &c, Some(f), Some(form_error(e))).await?)),
        Err(e) => Err(c.fail(e)),
    }
}

#[derive(Template)]
#[template(path = "exercise.html")]
struct ExercisePage {
    page: Page,
    e: Exercise,
    /// Whether the reader's state confirms now.
    confirms: bool,
    reports: bool,
    error: Option<(String, String)>,
    report: String,
    lessons: String,
}

async fn exercise_page(
    s: &AppState,
    c: &Console,
    id: &str,
    typed: Option<(String, String)>,
    error: Option<(String, String)>,
) -> Result<ExercisePage, PageError> {
    let ctx = c.ctx();
    let e = concord_app::exercises::get(&s.store, &ctx, id)
        .await
        .map_err(|e| c.fail(e))?;
    let own = concord_app::exercises::acting_state(&ctx).ok();
    let confirms = own
        .as_ref()
        .is_some_and(|st| e.participants.contains(st) && !e.confirmed.contains_key(st));
    let (report, lessons) = typed.unwrap_or_default();
    Ok(ExercisePage {
        page: c.page_titled(format!("{} · {}", c.tr.t("ex-one"), e.name), "exercises"),
        confirms,
        reports: concord_app::exercises::reports(&ctx, &e),
        error,
        report,
        lessons,
        e,
    })
}

pub async fn show(State(s): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    Ok(render(&exercise_page(&s, &c, &id, None, None).await?))
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn confirm(State(s): State<AppState>, Path(id): Path<String>, Posted(c, _): Posted<Empty>) -> PageResult {
    concord_app::exercises::confirm(&s.store, &c.ctx(), &id)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/exercises/{id}")))
}

#[derive(Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    report: String,
    #[serde(default)]
    lessons: String,
    #[serde(default)]
    version: i64,
}

pub async fn report(State(s): State<AppState>, Path(id): Path<String>, Posted(c, f): Posted<ReportForm>) -> PageResult {
    let lessons: Vec<String> = f.lessons.lines().map(str::to_owned).collect();
    match concord_app::exercises::report(&s.store, &c.ctx(), &id, &f.report, &lessons, f.version).await {
        Ok(_) => Ok(see_other(&format!("/console/exercises/{id}"))),
        Err(e @ (Refusal::Invalid { .. } | Refusal::Conflict(_))) => {
            let error = Some(form_error(e));
            let page = exercise_page(&s, &c, &id, Some((f.report, f.lessons)), error).await?;
            Ok(render_refused(&page))
        }
        Err(e) => Err(c.fail(e)),
    }
}
