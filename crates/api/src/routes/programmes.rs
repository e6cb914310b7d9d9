//! Cooperation programmes: their actions and each responsible state's
//! progress.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::json::Json;
use crate::routes::records::{date, field};
use crate::views::HandlingView;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use concord_domain::programme::{ActionInput, Programme, ProgrammeInput};
use concord_domain::{Classification, Dissemination, Distribution, HandlingCode, StateCode, Use};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

const TAG: &str = "programmes";

/// An action of a programme.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeActionNew {
    pub title: String,
    pub responsible: Vec<String>,
    pub indicator: String,
    /// YYYY-MM-DD, within the programme's years.
    pub deadline: String,
}

/// A programme to adopt.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeNew {
    pub name: String,
    pub first_year: i32,
    pub last_year: i32,
    pub participants: Vec<String>,
    pub actions: Vec<ProgrammeActionNew>,
    /// `unclassified`, `restricted`, `confidential` or `secret`.
    pub classification: String,
}

/// A state's progress report.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressNew {
    /// 0 to 100.
    pub percent: i64,
    #[serde(default)]
    pub note: String,
}

/// A state's progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressView {
    pub percent: i64,
    pub note: String,
    pub reported_at: String,
}

/// An action with progress by state.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeActionView {
    pub position: i64,
    pub title: String,
    pub responsible: Vec<String>,
    pub indicator: String,
    pub deadline: String,
    pub progress: BTreeMap<String, ProgressView>,
    pub overdue: bool,
}

/// A programme.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeView {
    pub id: String,
    pub name: String,
    pub first_year: i32,
    pub last_year: i32,
    pub participants: Vec<String>,
    pub actions: Vec<ProgrammeActionView>,
    pub handling: HandlingView,
    pub originator: String,
}

fn view(p: &Programme, today: time::Date) -> ProgrammeView {
    ProgrammeView {
        id: p.id.clone(),
        name: p.name.clone(),
        first_year: p.first_year,
        last_year: p.last_year,
        participants: p.participants.iter().map(|s| s.to_string()).collect(),
        actions: p
            .actions
            .iter()
            .map(|a| ProgrammeActionView {
                position: a.position,
                title: a.title.clone(),
                responsible: a.responsible.iter().map(|s| s.to_string()).collect(),
                indicator: a.indicator.clone(),
                deadline: a.deadline.to_string(),
                progress: a
                    .progress
                    .iter()
                    .map(|(s, g)| {
                        (
                            s.to_string(),
                            ProgressView {
                                percent: g.percent,
                                note: g.note.clone(),
                                reported_at: g.reported_at.clone(),
                            },
                        )
                    })
                    .collect(),
                overdue: a.overdue(today),
            })
            .collect(),
        handling: HandlingView::from(&p.handling),
        originator: p.originator.to_string(),
    }
}

fn codes(list: &[String]) -> Vec<StateCode> {
    list.iter()
        .map(|p| StateCode::from(p.trim().to_ascii_uppercase().as_str()))
        .collect()
}

/// Adopts a programme the caller's state takes part in.
#[utoipa::path(post, path = "/api/v1/programmes", tag = TAG, request_body = ProgrammeNew,
    responses((status = 201, body = ProgrammeView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn adopt(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<ProgrammeNew>,
) -> Result<(StatusCode, axum::Json<ProgrammeView>), ApiError> {
    let actions = req
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            Ok(ActionInput {
                title: a.title.clone(),
                responsible: codes(&a.responsible),
                indicator: a.indicator.clone(),
                deadline: date(&format!("actions[{i}].deadline"), &a.deadline)?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let input = ProgrammeInput {
        name: req.name,
        first_year: req.first_year,
        last_year: req.last_year,
        participants: codes(&req.participants),
        actions,
        handling: HandlingCode {
            distribution: Distribution::OriginatorOnly,
            dissemination: Dissemination::Free,
            use_: Use::Evidence,
            classification: field::<Classification>("classification", &req.classification)?,
        },
    };
    let p = concord_app::programmes::adopt(&s.store, &caller.ctx(), input).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&p, s.store.clock().today()))))
}

/// The programmes the caller may read.
#[utoipa::path(get, path = "/api/v1/programmes", tag = TAG,
    responses((status = 200, body = [ProgrammeView])), security(("bearer" = []), ("cookie" = [])))]
pub async fn list(State(s): State<AppState>, caller: Caller) -> Result<axum::Json<Vec<ProgrammeView>>, ApiError> {
    let ps = concord_app::programmes::list(&s.store, &caller.ctx(), 1000).await?;
    let today = s.store.clock().today();
    Ok(axum::Json(ps.iter().map(|p| view(p, today)).collect()))
}

/// One programme with its actions and progress.
#[utoipa::path(get, path = "/api/v1/programmes/{id}", tag = TAG,
    params(("id" = String, Path, description = "programme id")),
    responses((status = 200, body = ProgrammeView), (status = 404, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<ProgrammeView>, ApiError> {
    let p = concord_app::programmes::get(&s.store, &caller.ctx(), &id).await?;
    Ok(axum::Json(view(&p, s.store.clock().today())))
}

/// The caller's state reports its progress on an action.
#[utoipa::path(put, path = "/api/v1/programmes/{id}/actions/{position}/progress", tag = TAG, request_body = ProgressNew,
    params(("id" = String, Path, description = "programme id"),
        ("position" = i64, Path, description = "the action's position, from 0")),
    responses((status = 200, body = ProgrammeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn progress(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, position)): Path<(String, String)>,
    Json(req): Json<ProgressNew>,
) -> Result<axum::Json<ProgrammeView>, ApiError> {
    let position: i64 = position
        .parse()
        .map_err(|_| concord_app::Refusal::invalid("position", format!("{position:?} is not a position")))?;
    let p = concord_app::programmes::report(&s.store, &caller.ctx(), &id, position, req.percent, &req.note).await?;
    Ok(axum::Json(view(&p, s.store.clock().today())))
}
