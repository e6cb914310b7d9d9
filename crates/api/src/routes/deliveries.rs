//! Controlled deliveries: the plan, every state's answer, custody along the
//! route, loss of control, the outcome, and the trail.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::json::{Json, Query};
use crate::routes::records::{date, field};
use crate::views::HandlingView;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use concord_domain::delivery::{ControlledDelivery, Leg, PlanInput};
use concord_domain::workflow::controlled_delivery::{Answer, Outcome, Step};
use concord_domain::{Classification, Dissemination, Distribution, HandlingCode, StateCode, Use};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

const TAG: &str = "controlled delivery";

/// A state on the route.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegView {
    pub state: String,
    /// Where custody passes to the state (for the origin, where it starts).
    pub handover_point: String,
    /// A contact available at all hours.
    pub contact: String,
}

/// A plan the caller's state leads.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanNew {
    pub consignment: String,
    /// intact, removed or replaced.
    pub method: String,
    /// Origin first, destination last; the caller's state on it.
    pub route: Vec<LegView>,
    /// YYYY-MM-DD, not past.
    pub planned_start: String,
    /// YYYY-MM-DD, not before the start.
    pub planned_end: String,
    /// `unclassified`, `restricted`, `confidential` or `secret`.
    pub classification: String,
    /// `free` or `originator-consent`.
    #[serde(default = "default_dissemination")]
    pub dissemination: String,
    /// `intelligence-only` or `evidence`.
    #[serde(default = "default_use", rename = "use")]
    pub use_: String,
}

fn default_dissemination() -> String {
    "originator-consent".into()
}
fn default_use() -> String {
    "intelligence-only".into()
}

/// A state's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerView {
    pub state: String,
    /// authorized or refused.
    pub answer: String,
    /// The conditions, or the reasons.
    pub text: String,
    pub by: String,
    pub at: String,
}

/// A step of the trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryStepView {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub state: Option<String>,
    pub action: String,
    pub detail: String,
}

/// A controlled delivery as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: String,
    pub originator: String,
    pub lead: String,
    pub consignment: String,
    pub method: String,
    pub route: Vec<LegView>,
    pub planned_start: String,
    pub planned_end: String,
    /// proposed, authorized, refused, withdrawn, underway, control-lost or concluded.
    pub stage: String,
    /// The state holding custody, once underway.
    pub custodian: Option<String>,
    pub answers: Vec<AnswerView>,
    /// The states whose answer the plan still waits for.
    pub awaiting: Vec<String>,
    /// delivered, seized, aborted or lost.
    pub outcome: Option<String>,
    pub outcome_detail: String,
    pub handling: HandlingView,
    pub timeline: Vec<DeliveryStepView>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A step on a delivery.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryStepNew {
    /// authorize, refuse, withdraw, start, handover, lose-control or conclude.
    pub step: String,
    /// Conditions (authorize), reasons (refuse, lose-control), the outcome's
    /// account (conclude) or a note.
    #[serde(default)]
    pub text: String,
    /// To conclude: delivered, seized, aborted or lost.
    pub outcome: Option<String>,
    /// The version answered; a stale one is a 409.
    pub version: i64,
}

fn view(d: &ControlledDelivery) -> DeliveryView {
    DeliveryView {
        id: d.id.clone(),
        originator: d.originator.to_string(),
        lead: d.lead.to_string(),
        consignment: d.consignment.clone(),
        method: d.method.to_string(),
        route: d
            .route
            .iter()
            .map(|l| LegView {
                state: l.state.to_string(),
                handover_point: l.handover_point.clone(),
                contact: l.contact.clone(),
            })
            .collect(),
        planned_start: d.planned_start.to_string(),
        planned_end: d.planned_end.to_string(),
        stage: d.stage.to_string(),
        custodian: d.custodian_state().map(|s| s.to_string()),
        answers: d
            .answers
            .iter()
            .map(|(state, (answer, by, at))| {
                let (kind, text) = match answer {
                    Answer::Authorized { conditions } => ("authorized", conditions),
                    Answer::Refused { reasons } => ("refused", reasons),
                };
                AnswerView {
                    state: state.to_string(),
                    answer: kind.into(),
                    text: text.clone(),
                    by: by.clone(),
                    at: at.clone(),
                }
            })
            .collect(),
        awaiting: d.awaiting().iter().map(|s| s.to_string()).collect(),
        outcome: d.outcome.map(|o| o.to_string()),
        outcome_detail: d.outcome_detail.clone(),
        handling: HandlingView::from(&d.handling),
        timeline: d
            .timeline
            .iter()
            .map(|t| DeliveryStepView {
                seq: t.seq,
                at: t.at.clone(),
                actor: t.actor.clone(),
                state: t.state.clone(),
                action: t.action.clone(),
                detail: t.detail.clone(),
            })
            .collect(),
        version: d.version,
        created_at: d.created_at.clone(),
        updated_at: d.updated_at.clone(),
    }
}

/// The lead state proposes a controlled delivery; every other state on the
/// route is asked to authorize it.
#[utoipa::path(post, path = "/api/v1/deliveries", tag = TAG, request_body = PlanNew,
    responses((status = 201, body = DeliveryView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn propose(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<PlanNew>,
) -> Result<(StatusCode, axum::Json<DeliveryView>), ApiError> {
    let route = req
        .route
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            if l.state.trim().is_empty() {
                return Err(concord_app::Refusal::invalid(
                    format!("route[{i}].state"),
                    "a state code is needed",
                ));
            }
            Ok(Leg {
                state: StateCode::from(l.state.trim().to_ascii_uppercase().as_str()),
                handover_point: l.handover_point,
                contact: l.contact,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let input = PlanInput {
        consignment: req.consignment,
        method: field("method", &req.method)?,
        route,
        planned_start: date("planned_start", &req.planned_start)?,
        planned_end: date("planned_end", &req.planned_end)?,
        handling: HandlingCode {
            // The route's states, set by the rules.
            distribution: Distribution::OriginatorOnly,
            dissemination: field::<Dissemination>("dissemination", &req.dissemination)?,
            use_: field::<Use>("use", &req.use_)?,
            classification: field::<Classification>("classification", &req.classification)?,
        },
    };
    let d = concord_app::deliveries::propose(&s.store, &caller.ctx(), input).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&d))))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    /// 1 to 1000, default 100.
    limit: Option<usize>,
}

/// The deliveries the caller may read, newest first.
#[utoipa::path(get, path = "/api/v1/deliveries", tag = TAG, params(DeliveryQuery),
    responses((status = 200, body = [DeliveryView]), (status = 422, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<DeliveryQuery>,
) -> Result<axum::Json<Vec<DeliveryView>>, ApiError> {
    let ds = concord_app::deliveries::list(&s.store, &caller.ctx(), q.limit.unwrap_or(100)).await?;
    Ok(axum::Json(ds.iter().map(view).collect()))
}

/// One delivery with its answers and trail.
#[utoipa::path(get, path = "/api/v1/deliveries/{id}", tag = TAG,
    params(("id" = String, Path, description = "delivery id")),
    responses((status = 200, body = DeliveryView), (status = 404, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<DeliveryView>, ApiError> {
    Ok(axum::Json(view(
        &concord_app::deliveries::get(&s.store, &caller.ctx(), &id).await?,
    )))
}

/// A step by a state on the route: authorize (with conditions) or refuse,
/// start or withdraw (the lead), take custody (the next state on the
/// route), report a loss of control, conclude with the outcome (the lead).
#[utoipa::path(post, path = "/api/v1/deliveries/{id}/steps", tag = TAG, request_body = DeliveryStepNew,
    params(("id" = String, Path, description = "delivery id")),
    responses((status = 200, body = DeliveryView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn step(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<DeliveryStepNew>,
) -> Result<axum::Json<DeliveryView>, ApiError> {
    let step: Step = field("step", &req.step)?;
    let outcome = req
        .outcome
        .as_deref()
        .filter(|o| !o.trim().is_empty())
        .map(|o| field::<Outcome>("outcome", o))
        .transpose()?;
    let d = concord_app::deliveries::step(&s.store, &caller.ctx(), &id, step, &req.text, outcome, req.version).await?;
    Ok(axum::Json(view(&d)))
}
