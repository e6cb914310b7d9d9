//! Meetings of the registry's bodies, their decisions and follow-up
//! actions.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::json::{Json, Query};
use crate::routes::records::{date, field};
use crate::views::HandlingView;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use concord_domain::meeting::{ActionInput, DecisionInput, Meeting, MeetingInput};
use concord_domain::{Classification, Dissemination, Distribution, HandlingCode, StateCode, Use};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

const TAG: &str = "meetings";

/// A meeting to schedule.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingNew {
    /// A body of the registry (`/api/v1/registry/bodies`).
    pub body: String,
    /// regular or emergency.
    pub kind: String,
    /// YYYY-MM-DD.
    pub date: String,
    pub place: String,
    pub chair: String,
    pub participants: Vec<String>,
    #[serde(default)]
    pub agenda: Vec<String>,
    /// `unclassified`, `restricted`, `confidential` or `secret`.
    pub classification: String,
}

/// A follow-up action of a decision.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionNew {
    pub state: String,
    pub task: String,
    /// YYYY-MM-DD.
    pub due: String,
}

/// A decision to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionNew {
    pub number: String,
    /// YYYY-MM-DD.
    pub date: String,
    pub text: String,
    #[serde(default)]
    pub instruments: Vec<String>,
    #[serde(default)]
    pub actions: Vec<ActionNew>,
    /// The meeting's version read.
    pub version: i64,
}

/// A report that an action is done.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionDone {
    #[serde(default)]
    pub report: String,
}

/// A follow-up action.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionView {
    pub position: i64,
    pub state: String,
    pub task: String,
    pub due: String,
    pub done_at: Option<String>,
    pub report: String,
    pub overdue: bool,
}

/// A decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    pub number: String,
    pub date: String,
    pub text: String,
    pub instruments: Vec<String>,
    pub actions: Vec<ActionView>,
}

/// A meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingView {
    pub id: String,
    pub body: String,
    pub kind: String,
    pub date: String,
    pub place: String,
    pub chair: String,
    pub participants: Vec<String>,
    pub agenda: Vec<String>,
    pub decisions: Vec<DecisionView>,
    pub handling: HandlingView,
    pub originator: String,
    pub version: i64,
}

fn view(m: &Meeting, today: time::Date) -> MeetingView {
    MeetingView {
        id: m.id.clone(),
        body: m.body.clone(),
        kind: m.kind.to_string(),
        date: m.date.to_string(),
        place: m.place.clone(),
        chair: m.chair.to_string(),
        participants: m.participants.iter().map(|s| s.to_string()).collect(),
        agenda: m.agenda.clone(),
        decisions: m
            .decisions
            .iter()
            .map(|d| DecisionView {
                number: d.number.clone(),
                date: d.date.to_string(),
                text: d.text.clone(),
                instruments: d.instruments.clone(),
                actions: d
                    .actions
                    .iter()
                    .map(|a| ActionView {
                        position: a.position,
                        state: a.state.to_string(),
                        task: a.task.clone(),
                        due: a.due.to_string(),
                        done_at: a.done_at.clone(),
                        report: a.report.clone(),
                        overdue: a.overdue(today),
                    })
                    .collect(),
            })
            .collect(),
        handling: HandlingView::from(&m.handling),
        originator: m.originator.to_string(),
        version: m.version,
    }
}

fn state(field: &str, text: &str) -> Result<StateCode, ApiError> {
    if text.trim().is_empty() {
        return Err(concord_app::Refusal::invalid(field, "a state code is needed").into());
    }
    Ok(StateCode::from(text.trim().to_ascii_uppercase().as_str()))
}

/// Schedules a meeting the caller's state takes part in; the others are told.
#[utoipa::path(post, path = "/api/v1/meetings", tag = TAG, request_body = MeetingNew,
    responses((status = 201, body = MeetingView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn schedule(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<MeetingNew>,
) -> Result<(StatusCode, axum::Json<MeetingView>), ApiError> {
    let participants = req
        .participants
        .iter()
        .enumerate()
        .map(|(i, p)| state(&format!("participants[{i}]"), p))
        .collect::<Result<Vec<_>, _>>()?;
    let input = MeetingInput {
        body: req.body,
        kind: field("kind", &req.kind)?,
        date: date("date", &req.date)?,
        place: req.place,
        chair: state("chair", &req.chair)?,
        participants,
        agenda: req.agenda,
        handling: HandlingCode {
            distribution: Distribution::OriginatorOnly,
            dissemination: Dissemination::Free,
            use_: Use::Evidence,
            classification: field::<Classification>("classification", &req.classification)?,
        },
    };
    let m = concord_app::meetings::schedule(&s.store, &caller.ctx(), input).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&m, s.store.clock().today()))))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MeetingQuery {
    /// 1 to 1000, default 100.
    limit: Option<usize>,
}

/// The meetings the caller may read, latest first.
#[utoipa::path(get, path = "/api/v1/meetings", tag = TAG, params(MeetingQuery),
    responses((status = 200, body = [MeetingView]), (status = 422, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<MeetingQuery>,
) -> Result<axum::Json<Vec<MeetingView>>, ApiError> {
    let ms = concord_app::meetings::list(&s.store, &caller.ctx(), q.limit.unwrap_or(100)).await?;
    let today = s.store.clock().today();
    Ok(axum::Json(ms.iter().map(|m| view(m, today)).collect()))
}

/// One meeting with its decisions and actions.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = TAG,
    params(("id" = String, Path, description = "meeting id")),
    responses((status = 200, body = MeetingView), (status = 404, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<MeetingView>, ApiError> {
    let m = concord_app::meetings::get(&s.store, &caller.ctx(), &id).await?;
    Ok(axum::Json(view(&m, s.store.clock().today())))
}

/// Records a decision of the meeting (the chair, or the scheduling office).
#[utoipa::path(post, path = "/api/v1/meetings/{id}/decisions", tag = TAG, request_body = DecisionNew,
    params(("id" = String, Path, description = "meeting id")),
    responses((status = 201, body = MeetingView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn decide(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<DecisionNew>,
) -> Result<(StatusCode, axum::Json<MeetingView>), ApiError> {
    let actions = req
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            Ok(ActionInput {
                state: state(&format!("actions[{i}].state"), &a.state)?,
                task: a.task.clone(),
                due: date(&format!("actions[{i}].due"), &a.due)?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let d = DecisionInput {
        number: req.number,
        date: date("date", &req.date)?,
        text: req.text,
        instruments: req.instruments,
        actions,
    };
    let m = concord_app::meetings::decide(&s.store, &caller.ctx(), &id, d, req.version).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&m, s.store.clock().today()))))
}

/// The responsible state reports a follow-up action done.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/decisions/{number}/actions/{position}", tag = TAG,
    request_body = ActionDone,
    params(("id" = String, Path, description = "meeting id"), ("number" = String, Path, description = "decision number"),
        ("position" = i64, Path, description = "the action's position in the decision, from 0")),
    responses((status = 200, body = MeetingView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn complete(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, number, position)): Path<(String, String, String)>,
    Json(req): Json<ActionDone>,
) -> Result<axum::Json<MeetingView>, ApiError> {
    let position: i64 = position
        .parse()
        .map_err(|_| concord_app::Refusal::invalid("position", format!("{position:?} is not a position")))?;
    let m = concord_app::meetings::complete(&s.store, &caller.ctx(), &id, &number, position, &req.report).await?;
    Ok(axum::Json(view(&m, s.store.clock().today())))
}
