//! The unified list by consensus: proposals, compliance review, positions,
//! the common list (JSON, CSV, FtM) and national lists.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::json::{Json, Query};
use crate::routes::records::{date, field, nested, record_input, store_err};
use crate::views::*;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use concord_app::text::ProposalText;
use concord_domain::workflow::designation::{Criteria, Position, Stage};
use concord_domain::{Checklist, StateCode};
use concord_store::{ListEntry, Proposal, TimelineEntry};
use serde::Deserialize;
use utoipa::IntoParams;

fn timeline_view(t: &TimelineEntry) -> TimelineView {
    TimelineView {
        seq: t.seq,
        at: t.at.clone(),
        actor: t.actor.clone(),
        authority: t.authority.clone(),
        action: t.action.clone(),
        stage: t.stage.to_string(),
        detail: t.detail.clone(),
    }
}

fn criteria_view(c: &Criteria) -> CriteriaView {
    CriteriaView {
        act_kind: c.act_kind.map(|k| k.to_string()),
        acts: c.acts.clone(),
        when: c.when.clone(),
        place: c.place.clone(),
        attribution: c.attribution.clone(),
    }
}

fn proposal_view(p: &Proposal) -> ProposalView {
    ProposalView {
        id: p.id.clone(),
        direction: p.direction.to_string(),
        record_id: p.record_id.clone(),
        organization: p.organization.clone(),
        proposer_state: p.proposer_state.clone(),
        proposer_authority: p.proposer_authority.clone(),
        instrument: p.legal_basis.instrument.clone(),
        article: p.legal_basis.article.clone(),
        evidence: p.evidence.clone(),
        criteria: criteria_view(&p.criteria),
        stage: p.stage.to_string(),
        electorate: p.electorate.clone(),
        positions: p
            .positions
            .iter()
            .map(|x| PositionView {
                state: x.state.clone(),
                position: x.position.to_string(),
                reasons: x.reasons.clone(),
                at: x.at.clone(),
            })
            .collect(),
        silence_ends: p.silence_ends.clone(),
        version: p.version,
        created_at: p.created_at.clone(),
        updated_at: p.updated_at.clone(),
        timeline: p.timeline.iter().map(timeline_view).collect(),
    }
}

fn list_entry_view(e: &ListEntry) -> ListEntryView {
    ListEntryView {
        record_id: e.record_id.clone(),
        organization: e.organization.clone(),
        designation_id: e.designation_id.clone(),
        listed_at: e.listed_at.clone(),
        history: e
            .history
            .iter()
            .map(|(id, step)| HistoryView {
                proposal_id: id.clone(),
                step: timeline_view(step),
            })
            .collect(),
    }
}

/// A member state proposes to list or delist an organization of the shared
/// database, with evidence, legal basis and the unified criteria.
#[utoipa::path(post, path = "/api/v1/designations", tag = "unified list", request_body = ProposalNew,
    responses((status = 201, body = ProposalView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn propose(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<ProposalNew>,
) -> Result<(StatusCode, axum::Json<ProposalView>), ApiError> {
    let new_organization = req
        .organization
        .as_ref()
        .map(|o| record_input(o).map_err(|e| nested("organization", e)))
        .transpose()?;
    let input = concord_app::text::proposal_input(ProposalText {
        direction: &req.direction,
        record_id: req.record_id,
        new_organization,
        instrument: req.instrument,
        article: req.article,
        evidence: req.evidence,
        act_kind: req.criteria.act_kind.as_deref(),
        acts: req.criteria.acts,
        when: req.criteria.when,
        place: req.criteria.place,
        attribution: req.criteria.attribution,
    })?;
    let p = concord_app::designations::propose(&s.store, &caller.ctx(), input)
        .await
        .map_err(|e| match e {
            concord_app::Refusal::Invalid { field, message } if field.starts_with("organization.") => {
                let field = field.trim_start_matches("organization.").to_owned();
                nested(
                    "organization",
                    store_err(concord_app::Refusal::Invalid { field, message }),
                )
            }
            other => store_err(other),
        })?;
    Ok((StatusCode::CREATED, axum::Json(proposal_view(&p))))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProposalQuery {
    /// Only proposals in this stage.
    stage: Option<String>,
}

/// Proposals the caller may see, newest first.
#[utoipa::path(get, path = "/api/v1/designations", tag = "unified list", params(ProposalQuery),
    responses((status = 200, body = [ProposalView]), (status = 422, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ProposalQuery>,
) -> Result<axum::Json<Vec<ProposalView>>, ApiError> {
    let stage = q.stage.as_deref().map(|x| field::<Stage>("stage", x)).transpose()?;
    let ps = s.store.designations(&caller.ctx(), stage).await?;
    Ok(axum::Json(ps.iter().map(proposal_view).collect()))
}

/// One proposal, with every state's position and the whole timeline.
#[utoipa::path(get, path = "/api/v1/designations/{id}", tag = "unified list",
    params(("id" = String, Path, description = "proposal id")),
    responses((status = 200, body = ProposalView), (status = 404, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<ProposalView>, ApiError> {
    Ok(axum::Json(proposal_view(
        &s.store.designation(&caller.ctx(), &id).await?,
    )))
}

/// The regional structure's compliance review: pass it on to the silence
/// period (every checklist item ticked) or return it with reasons.
#[utoipa::path(post, path = "/api/v1/designations/{id}/review", tag = "unified list", request_body = ProposalReview,
    params(("id" = String, Path, description = "proposal id")),
    responses((status = 200, body = ProposalView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn review(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<ProposalReview>,
) -> Result<axum::Json<ProposalView>, ApiError> {
    let checklist = Checklist {
        criminal_act_described: req.checklist.criminal_act_described,
        legal_basis_cites_article: req.checklist.legal_basis_cites_article,
        not_on_protected_grounds_alone: req.checklist.not_on_protected_grounds_alone,
    };
    let p = concord_app::designations::review(&s.store, &caller.ctx(), &id, req.pass, checklist, &req.reasons).await?;
    Ok(axum::Json(proposal_view(&p)))
}

/// A member state's position in the silence period: one objection blocks.
#[utoipa::path(post, path = "/api/v1/designations/{id}/positions", tag = "unified list", request_body = VoteNew,
    params(("id" = String, Path, description = "proposal id")),
    responses((status = 200, body = ProposalView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn vote(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<VoteNew>,
) -> Result<axum::Json<ProposalView>, ApiError> {
    let position = field::<Position>("position", &req.position)?;
    let p = concord_app::designations::vote(&s.store, &caller.ctx(), &id, position, &req.reasons).await?;
    Ok(axum::Json(proposal_view(&p)))
}

/// The proposer sends a returned proposal back to review.
#[utoipa::path(post, path = "/api/v1/designations/{id}/resubmission", tag = "unified list", request_body = ProposerStep,
    params(("id" = String, Path, description = "proposal id")),
    responses((status = 200, body = ProposalView), (status = 409, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn resubmit(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<ProposerStep>,
) -> Result<axum::Json<ProposalView>, ApiError> {
    let p = concord_app::designations::proposer_step(&s.store, &caller.ctx(), &id, false, &req.note).await?;
    Ok(axum::Json(proposal_view(&p)))
}

/// The proposer withdraws the proposal before an outcome.
#[utoipa::path(post, path = "/api/v1/designations/{id}/withdrawal", tag = "unified list", request_body = ProposerStep,
    params(("id" = String, Path, description = "proposal id")),
    responses((status = 200, body = ProposalView), (status = 409, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn withdraw(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<ProposerStep>,
) -> Result<axum::Json<ProposalView>, ApiError> {
    let p = concord_app::designations::proposer_step(&s.store, &caller.ctx(), &id, true, &req.note).await?;
    Ok(axum::Json(proposal_view(&p)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListFormat {
    /// `json` (default), `csv` or `ftm` (FollowTheMoney JSON lines).
    format: Option<String>,
}

/// The common list, each entry with its whole history; as JSON, CSV or FtM.
#[utoipa::path(get, path = "/api/v1/common-list", tag = "unified list", params(ListFormat),
    responses((status = 200, body = [ListEntryView]), (status = 422, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn common_list(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ListFormat>,
) -> Result<Response, ApiError> {
    let entries = s.store.common_list(&caller.ctx()).await?;
    let (ty, body) = match q.format.as_deref().unwrap_or("json") {
        "json" => {
            let views: Vec<ListEntryView> = entries.iter().map(list_entry_view).collect();
            return Ok(axum::Json(views).into_response());
        }
        "csv" => (
            "text/csv; charset=utf-8",
            concord_exchange::unified_list::to_csv(&entries),
        ),
        "ftm" => ("application/x-ndjson", concord_exchange::unified_list::to_ftm(&entries)),
        other => {
            return Err(ApiError::field(
                "format",
                format!("{other:?}: expected json, csv or ftm"),
            ));
        }
    };
    let body = body.map_err(|e| ApiError::new(crate::error::Code::Internal, e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, ty)], body).into_response())
}

/// A state's national list (only organizations the caller may read).
#[utoipa::path(get, path = "/api/v1/national-lists/{state}", tag = "unified list",
    params(("state" = String, Path, description = "state code")),
    responses((status = 200, body = [NationalEntryView])), security(("bearer" = []), ("cookie" = [])))]
pub async fn national_list(
    State(s): State<AppState>,
    caller: Caller,
    Path(state): Path<String>,
) -> Result<axum::Json<Vec<NationalEntryView>>, ApiError> {
    let entries = s
        .store
        .national_list(&caller.ctx(), &StateCode::from(state.as_str()))
        .await?;
    Ok(axum::Json(
        entries
            .into_iter()
            .map(|e| NationalEntryView {
                state: e.state,
                record_id: e.record_id,
                organization: e.organization,
                listed_on: e.listed_on,
                note: e.note,
            })
            .collect(),
    ))
}

/// Adds an organization to the caller's state's national list, or removes it.
#[utoipa::path(post, path = "/api/v1/national-lists/mine", tag = "unified list", request_body = NationalEntryNew,
    responses((status = 200, body = Option<NationalEntryView>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn set_national(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<NationalEntryNew>,
) -> Result<axum::Json<Option<NationalEntryView>>, ApiError> {
    let day = req.listed_on.as_deref().map(|d| date("listed_on", d)).transpose()?;
    let e =
        concord_app::designations::set_national_entry(&s.store, &caller.ctx(), &req.record_id, day, &req.note).await?;
    Ok(axum::Json(e.map(|e| NationalEntryView {
        state: e.state,
        record_id: e.record_id,
        organization: e.organization,
        listed_on: e.listed_on,
        note: e.note,
    })))
}

/// Where a state's national list and the common list differ.
#[utoipa::path(get, path = "/api/v1/national-lists/{state}/differences", tag = "unified list",
    params(("state" = String, Path, description = "state code")),
    responses((status = 200, body = ListDifferenceView)), security(("bearer" = []), ("cookie" = [])))]
pub async fn differences(
    State(s): State<AppState>,
    caller: Caller,
    Path(state): Path<String>,
) -> Result<axum::Json<ListDifferenceView>, ApiError> {
    let d = s
        .store
        .list_differences(&caller.ctx(), &StateCode::from(state.as_str()))
        .await?;
    let refs = |v: Vec<(String, String)>| {
        v.into_iter()
            .map(|(record_id, organization)| OrganizationRef {
                record_id,
                organization,
            })
            .collect()
    };
    Ok(axum::Json(ListDifferenceView {
        state,
        only_common: refs(d.only_common),
        only_national: refs(d.only_national),
    }))
}
