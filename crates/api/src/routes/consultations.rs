//! Emergency consultations: proposals, convening, agenda, the joint
//! statement in versions, and the timeline.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::json::Json;
use crate::routes::records::field;
use crate::views::*;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use concord_domain::workflow::consultation::Verdict;
use concord_store::{Consultation, StatementVersion};

fn statement_view(s: &StatementVersion) -> StatementView {
    StatementView {
        version: s.version,
        text: s.text.clone(),
        state: s.state.clone(),
        at: s.at.clone(),
    }
}

fn consultation_view(c: &Consultation) -> ConsultationView {
    ConsultationView {
        id: c.id.clone(),
        stage: c.stage.to_string(),
        summary: c.summary.clone(),
        window_ends: c.window_ends.clone(),
        members: c.members.clone(),
        meeting_at: c.meeting_at.clone(),
        agenda: c.agenda.clone(),
        version: c.version,
        proposals: c
            .proposals
            .iter()
            .map(|(state, at)| ProposerView {
                state: state.clone(),
                at: at.clone(),
            })
            .collect(),
        statements: c.statements.iter().map(statement_view).collect(),
        verdicts: c
            .verdicts
            .iter()
            .map(|v| VerdictView {
                version: v.version,
                state: v.state.clone(),
                verdict: v.verdict.to_string(),
                reasons: v.reasons.clone(),
                at: v.at.clone(),
            })
            .collect(),
        adopted_statement: c.adopted_statement().map(statement_view),
        timeline: c
            .timeline
            .iter()
            .map(|t| ConsultationStepView {
                seq: t.seq,
                at: t.at.clone(),
                actor: t.actor.clone(),
                state: t.state.clone(),
                action: t.action.clone(),
                statement_version: t.statement_version,
                detail: t.detail.clone(),
            })
            .collect(),
        created_at: c.created_at.clone(),
        updated_at: c.updated_at.clone(),
    }
}

/// A member state (through the authority the configuration names) proposes
/// an emergency consultation with a situation summary.
#[utoipa::path(post, path = "/api/v1/consultations", tag = "emergency consultation", request_body = ConsultationProposal,
    responses((status = 201, body = ConsultationView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn propose(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<ConsultationProposal>,
) -> Result<(StatusCode, axum::Json<ConsultationView>), ApiError> {
    let c = concord_app::consultations::propose(&s.store, &caller.ctx(), &req.summary).await?;
    Ok((StatusCode::CREATED, axum::Json(consultation_view(&c))))
}

/// Consultations the caller may see, newest first.
#[utoipa::path(get, path = "/api/v1/consultations", tag = "emergency consultation",
    responses((status = 200, body = [ConsultationView])), security(("bearer" = []), ("cookie" = [])))]
pub async fn list(State(s): State<AppState>, caller: Caller) -> Result<axum::Json<Vec<ConsultationView>>, ApiError> {
    let cs = s.store.consultations(&caller.ctx()).await?;
    Ok(axum::Json(cs.iter().map(consultation_view).collect()))
}

/// One consultation: proposers, members, meeting, agenda, statements, timeline.
#[utoipa::path(get, path = "/api/v1/consultations/{id}", tag = "emergency consultation",
    params(("id" = String, Path, description = "consultation id")),
    responses((status = 200, body = ConsultationView), (status = 404, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<ConsultationView>, ApiError> {
    Ok(axum::Json(consultation_view(
        &s.store.consultation(&caller.ctx(), &id).await?,
    )))
}

/// A second member state proposes the same consultation within the window:
/// it is convened, every member notified, the meeting set.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/proposals", tag = "emergency consultation", request_body = ConsultationProposal,
    params(("id" = String, Path, description = "consultation id")),
    responses((status = 200, body = ConsultationView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn second(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<ConsultationProposal>,
) -> Result<axum::Json<ConsultationView>, ApiError> {
    let c = concord_app::consultations::second(&s.store, &caller.ctx(), &id, &req.summary).await?;
    Ok(axum::Json(consultation_view(&c)))
}

/// Sets the agenda of a convened consultation.
#[utoipa::path(put, path = "/api/v1/consultations/{id}/agenda", tag = "emergency consultation", request_body = AgendaNew,
    params(("id" = String, Path, description = "consultation id")),
    responses((status = 200, body = ConsultationView), (status = 409, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn agenda(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<AgendaNew>,
) -> Result<axum::Json<ConsultationView>, ApiError> {
    let c = concord_app::consultations::set_agenda(&s.store, &caller.ctx(), &id, &req.agenda).await?;
    Ok(axum::Json(consultation_view(&c)))
}

/// Drafts a new version of the joint statement; earlier answers no longer count.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/statements", tag = "emergency consultation", request_body = StatementNew,
    params(("id" = String, Path, description = "consultation id")),
    responses((status = 201, body = ConsultationView), (status = 409, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn draft(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<StatementNew>,
) -> Result<(StatusCode, axum::Json<ConsultationView>), ApiError> {
    let c = concord_app::consultations::draft_statement(&s.store, &caller.ctx(), &id, &req.text).await?;
    Ok((StatusCode::CREATED, axum::Json(consultation_view(&c))))
}

/// A member approves the current version or asks for changes; when every
/// member has approved it, the statement is adopted and published.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/statements/{version}/verdicts", tag = "emergency consultation",
    request_body = VerdictNew,
    params(("id" = String, Path, description = "consultation id"), ("version" = i64, Path, description = "statement version")),
    responses((status = 200, body = ConsultationView), (status = 409, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn answer(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(String, i64)>,
    Json(req): Json<VerdictNew>,
) -> Result<axum::Json<ConsultationView>, ApiError> {
    let verdict = field::<Verdict>("verdict", &req.verdict)?;
    let c = concord_app::consultations::answer_statement(&s.store, &caller.ctx(), &id, version, verdict, &req.reasons)
        .await?;
    Ok(axum::Json(consultation_view(&c)))
}
