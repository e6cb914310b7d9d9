//! Joint operations: the plan, start and close, each state's results, and
//! the statistics over them.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::json::{Json, Query};
use crate::routes::records::{date, field};
use crate::views::HandlingView;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use concord_domain::operation::{Operation, OperationInput, SeizureText, Step, Totals};
use concord_domain::precursor::{Measure, format_quantity};
use concord_domain::{Classification, Dissemination, Distribution, HandlingCode, StateCode, Use};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

const TAG: &str = "joint operations";

/// An operation the caller's state leads.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationNew {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// State codes, the caller's among them.
    pub participants: Vec<String>,
    /// YYYY-MM-DD.
    pub starts: String,
    /// YYYY-MM-DD, not before the start.
    pub ends: String,
    /// `unclassified`, `restricted`, `confidential` or `secret`.
    pub classification: String,
}

/// A step by the lead.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationStepNew {
    /// start or close.
    pub step: String,
    pub version: i64,
}

/// A seizure: a substance, an amount and a unit of mass.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeizureNew {
    pub substance: String,
    pub quantity: String,
    /// g, kg or t.
    pub unit: String,
}

/// The caller's state's results.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultsNew {
    #[serde(default)]
    pub seizures: Vec<SeizureNew>,
    pub arrests: i64,
    pub cases_opened: i64,
}

/// A seizure as reported.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeizureView {
    pub substance: String,
    pub grams: i64,
    pub quantity_text: String,
}

/// One state's results.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultsView {
    pub state: String,
    pub seizures: Vec<SeizureView>,
    pub arrests: i64,
    pub cases_opened: i64,
    pub reported_by: String,
    pub reported_at: String,
}

/// Results added up.
#[derive(Debug, Serialize, ToSchema)]
pub struct TotalsView {
    pub arrests: i64,
    pub cases_opened: i64,
    pub seized: Vec<SeizureView>,
}

/// A joint operation.
#[derive(Debug, Serialize, ToSchema)]
pub struct OperationView {
    pub id: String,
    pub originator: String,
    pub lead: String,
    pub name: String,
    pub description: String,
    pub participants: Vec<String>,
    pub starts: String,
    pub ends: String,
    /// planned, active or closed.
    pub stage: String,
    pub results: Vec<ResultsView>,
    pub totals: TotalsView,
    pub handling: HandlingView,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// Joint operations in figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct OperationStatisticsView {
    pub operations: usize,
    pub by_stage: Vec<(String, usize)>,
    pub by_state: Vec<(String, TotalsView)>,
    pub overall: TotalsView,
}

fn seizure(substance: &str, grams: i64) -> SeizureView {
    SeizureView {
        substance: substance.to_owned(),
        grams,
        quantity_text: format_quantity(grams, Measure::Mass),
    }
}

fn totals_view(t: &Totals) -> TotalsView {
    TotalsView {
        arrests: t.arrests,
        cases_opened: t.cases_opened,
        seized: t.seized.iter().map(|(s, g)| seizure(s, *g)).collect(),
    }
}

fn view(o: &Operation) -> OperationView {
    OperationView {
        id: o.id.clone(),
        originator: o.originator.to_string(),
        lead: o.lead.to_string(),
        name: o.name.clone(),
        description: o.description.clone(),
        participants: o.participants.iter().map(|s| s.to_string()).collect(),
        starts: o.starts.to_string(),
        ends: o.ends.to_string(),
        stage: o.stage.to_string(),
        results: o
            .results
            .iter()
            .map(|r| ResultsView {
                state: r.state.to_string(),
                seizures: r.seizures.iter().map(|z| seizure(&z.substance, z.grams)).collect(),
                arrests: r.arrests,
                cases_opened: r.cases_opened,
                reported_by: r.reported_by.clone(),
                reported_at: r.reported_at.clone(),
            })
            .collect(),
        totals: totals_view(&o.totals()),
        handling: HandlingView::from(&o.handling),
        version: o.version,
        created_at: o.created_at.clone(),
        updated_at: o.updated_at.clone(),
    }
}

/// Plans a joint operation the caller's state leads; the participants are told.
#[utoipa::path(post, path = "/api/v1/operations", tag = TAG, request_body = OperationNew,
    responses((status = 201, body = OperationView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn plan(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<OperationNew>,
) -> Result<(StatusCode, axum::Json<OperationView>), ApiError> {
    let participants = req
        .participants
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if p.trim().is_empty() {
                Err(concord_app::Refusal::invalid(
                    format!("participants[{i}]"),
                    "a state code is needed",
                ))
            } else {
                Ok(StateCode::from(p.trim().to_ascii_uppercase().as_str()))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let input = OperationInput {
        name: req.name,
        description: req.description,
        participants,
        starts: date("starts", &req.starts)?,
        ends: date("ends", &req.ends)?,
        handling: HandlingCode {
            distribution: Distribution::OriginatorOnly,
            dissemination: Dissemination::Free,
            use_: Use::Evidence,
            classification: field::<Classification>("classification", &req.classification)?,
        },
    };
    let o = concord_app::operations::plan(&s.store, &caller.ctx(), input).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&o))))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OperationQuery {
    /// 1 to 1000, default 100.
    limit: Option<usize>,
}

/// The operations the caller may read, newest first.
#[utoipa::path(get, path = "/api/v1/operations", tag = TAG, params(OperationQuery),
    responses((status = 200, body = [OperationView]), (status = 422, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<OperationQuery>,
) -> Result<axum::Json<Vec<OperationView>>, ApiError> {
    let os = concord_app::operations::list(&s.store, &caller.ctx(), q.limit.unwrap_or(100)).await?;
    Ok(axum::Json(os.iter().map(view).collect()))
}

/// One operation with every state's results and their totals.
#[utoipa::path(get, path = "/api/v1/operations/{id}", tag = TAG,
    params(("id" = String, Path, description = "operation id")),
    responses((status = 200, body = OperationView), (status = 404, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<OperationView>, ApiError> {
    Ok(axum::Json(view(
        &concord_app::operations::get(&s.store, &caller.ctx(), &id).await?,
    )))
}

/// The lead starts or closes the operation.
#[utoipa::path(post, path = "/api/v1/operations/{id}/steps", tag = TAG, request_body = OperationStepNew,
    params(("id" = String, Path, description = "operation id")),
    responses((status = 200, body = OperationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn step(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<OperationStepNew>,
) -> Result<axum::Json<OperationView>, ApiError> {
    let step: Step = field("step", &req.step)?;
    let o = concord_app::operations::step(&s.store, &caller.ctx(), &id, step, req.version).await?;
    Ok(axum::Json(view(&o)))
}

/// The caller's state reports (or corrects) its results while the operation is active.
#[utoipa::path(put, path = "/api/v1/operations/{id}/results", tag = TAG, request_body = ResultsNew,
    params(("id" = String, Path, description = "operation id")),
    responses((status = 200, body = OperationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn report(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<ResultsNew>,
) -> Result<axum::Json<OperationView>, ApiError> {
    let seizures: Vec<SeizureText> = req
        .seizures
        .into_iter()
        .map(|z| SeizureText {
            substance: z.substance,
            quantity: z.quantity,
            unit: z.unit,
        })
        .collect();
    let o =
        concord_app::operations::report(&s.store, &caller.ctx(), &id, &seizures, req.arrests, req.cases_opened).await?;
    Ok(axum::Json(view(&o)))
}

/// Every readable operation's results added up, per state and overall.
#[utoipa::path(get, path = "/api/v1/operations/statistics", tag = TAG,
    responses((status = 200, body = OperationStatisticsView)), security(("bearer" = []), ("cookie" = [])))]
pub async fn statistics(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<OperationStatisticsView>, ApiError> {
    let st = concord_app::operations::statistics(&s.store, &caller.ctx()).await?;
    Ok(axum::Json(OperationStatisticsView {
        operations: st.operations,
        by_stage: st.by_stage.iter().map(|(k, n)| (k.to_string(), *n)).collect(),
        by_state: st
            .by_state
            .iter()
            .map(|(k, t)| (k.to_string(), totals_view(t)))
            .collect(),
        overall: totals_view(&st.overall),
    }))
}
