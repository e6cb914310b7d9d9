//! Joint exercises: the plan, each participant's confirmation, and the
//! after-action report.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::json::{Json, Query};
use crate::routes::records::{date, field};
use crate::views::HandlingView;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use concord_domain::exercise::{Exercise, ExerciseInput, Phase};
use concord_domain::{Classification, Dissemination, Distribution, HandlingCode, StateCode, Use};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

const TAG: &str = "exercises";

/// A phase.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseView {
    pub name: String,
    /// YYYY-MM-DD.
    pub starts: String,
    /// YYYY-MM-DD.
    pub ends: String,
}

/// An exercise the caller's state initiates.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExerciseNew {
    pub name: String,
    /// command-staff, field, cyber or border.
    pub kind: String,
    pub host: String,
    pub participants: Vec<String>,
    #[serde(default)]
    pub observers: Vec<String>,
    pub phases: Vec<PhaseView>,
    #[serde(default)]
    pub scenario: String,
    /// Each participant's forces, in words, by state code.
    #[serde(default)]
    pub forces: BTreeMap<String, String>,
    /// `unclassified`, `restricted`, `confidential` or `secret`.
    pub classification: String,
}

/// The after-action report.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportNew {
    pub report: String,
    #[serde(default)]
    pub lessons: Vec<String>,
    pub version: i64,
}

/// An exercise.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExerciseView {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub initiator: String,
    pub host: String,
    pub participants: Vec<String>,
    pub observers: Vec<String>,
    pub phases: Vec<PhaseView>,
    pub scenario: String,
    pub forces: BTreeMap<String, String>,
    /// State code → when it confirmed.
    pub confirmed: BTreeMap<String, String>,
    /// planned, confirmed or conducted.
    pub stage: String,
    pub after_action: String,
    pub lessons: Vec<String>,
    pub handling: HandlingView,
    pub version: i64,
}

fn view(e: &Exercise) -> ExerciseView {
    ExerciseView {
        id: e.id.clone(),
        name: e.name.clone(),
        kind: e.kind.to_string(),
        initiator: e.initiator.to_string(),
        host: e.host.to_string(),
        participants: e.participants.iter().map(|s| s.to_string()).collect(),
        observers: e.observers.iter().map(|s| s.to_string()).collect(),
        phases: e
            .phases
            .iter()
            .map(|p| PhaseView {
                name: p.name.clone(),
                starts: p.starts.to_string(),
                ends: p.ends.to_string(),
            })
            .collect(),
        scenario: e.scenario.clone(),
        forces: e.forces.iter().map(|(s, f)| (s.to_string(), f.clone())).collect(),
        confirmed: e.confirmed.iter().map(|(s, at)| (s.to_string(), at.clone())).collect(),
        stage: e.stage.to_string(),
        after_action: e.after_action.clone(),
        lessons: e.lessons.clone(),
        handling: HandlingView::from(&e.handling),
        version: e.version,
    }
}

fn codes(field: &str, list: &[String]) -> Result<Vec<StateCode>, ApiError> {
    list.iter()
        .enumerate()
        .map(|(i, p)| {
            if p.trim().is_empty() {
                Err(concord_app::Refusal::invalid(format!("{field}[{i}]"), "a state code is needed").into())
            } else {
                Ok(StateCode::from(p.trim().to_ascii_uppercase().as_str()))
            }
        })
        .collect()
}

/// Plans an exercise the caller's state initiates.
#[utoipa::path(post, path = "/api/v1/exercises", tag = TAG, request_body = ExerciseNew,
    responses((status = 201, body = ExerciseView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn plan(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<ExerciseNew>,
) -> Result<(StatusCode, axum::Json<ExerciseView>), ApiError> {
    let phases = req
        .phases
        .iter()
        .enumerate()
        .map(|(i, p)| {
            Ok(Phase {
                name: p.name.clone(),
                starts: date(&format!("phases[{i}].starts"), &p.starts)?,
                ends: date(&format!("phases[{i}].ends"), &p.ends)?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let input = ExerciseInput {
        name: req.name,
        kind: field("kind", &req.kind)?,
        host: StateCode::from(req.host.trim().to_ascii_uppercase().as_str()),
        participants: codes("participants", &req.participants)?,
        observers: codes("observers", &req.observers)?,
        phases,
        scenario: req.scenario,
        forces: req
            .forces
            .into_iter()
            .map(|(k, v)| (StateCode::from(k.trim().to_ascii_uppercase().as_str()), v))
            .collect(),
        handling: HandlingCode {
            distribution: Distribution::OriginatorOnly,
            dissemination: Dissemination::Free,
            use_: Use::Evidence,
            classification: field::<Classification>("classification", &req.classification)?,
        },
    };
    let e = concord_app::exercises::plan(&s.store, &caller.ctx(), input).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&e))))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExerciseQuery {
    /// 1 to 1000, default 100.
    limit: Option<usize>,
}

/// The exercises the caller may read, latest first.
#[utoipa::path(get, path = "/api/v1/exercises", tag = TAG, params(ExerciseQuery),
    responses((status = 200, body = [ExerciseView]), (status = 422, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ExerciseQuery>,
) -> Result<axum::Json<Vec<ExerciseView>>, ApiError> {
    let es = concord_app::exercises::list(&s.store, &caller.ctx(), q.limit.unwrap_or(100)).await?;
    Ok(axum::Json(es.iter().map(view).collect()))
}

/// One exercise.
#[utoipa::path(get, path = "/api/v1/exercises/{id}", tag = TAG,
    params(("id" = String, Path, description = "exercise id")),
    responses((status = 200, body = ExerciseView), (status = 404, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<ExerciseView>, ApiError> {
    Ok(axum::Json(view(
        &concord_app::exercises::get(&s.store, &caller.ctx(), &id).await?,
    )))
}

/// The caller's state confirms it takes part.
#[utoipa::path(post, path = "/api/v1/exercises/{id}/confirmations", tag = TAG,
    params(("id" = String, Path, description = "exercise id")),
    responses((status = 200, body = ExerciseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn confirm(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<ExerciseView>, ApiError> {
    Ok(axum::Json(view(
        &concord_app::exercises::confirm(&s.store, &caller.ctx(), &id).await?,
    )))
}

/// The initiator or host records the after-action report.
#[utoipa::path(put, path = "/api/v1/exercises/{id}/report", tag = TAG, request_body = ReportNew,
    params(("id" = String, Path, description = "exercise id")),
    responses((status = 200, body = ExerciseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn report(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<ReportNew>,
) -> Result<axum::Json<ExerciseView>, ApiError> {
    let e =
        concord_app::exercises::report(&s.store, &caller.ctx(), &id, &req.report, &req.lessons, req.version).await?;
    Ok(axum::Json(view(&e)))
}
