//! Mutual legal assistance and extradition: drafts, sending, answers with
//! coded refusal grounds, the trail, evidence consents and statistics.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::json::{Json, Query};
use crate::routes::records::{date, field};
use crate::views::HandlingView;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use concord_domain::legal::{LegalRequest, LegalRequestInput, Offence};
use concord_domain::workflow::legal_assistance::{Ground, Step};
use concord_domain::{AuthorityId, Classification, Dissemination, Distribution, HandlingCode, StateCode, Use};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

const TAG: &str = "legal assistance";

/// An offence with the legal text of both states.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OffenceView {
    pub name: String,
    #[serde(default)]
    pub requesting_law: String,
    #[serde(default)]
    pub requested_law: String,
}

/// A request's content, to draft or revise; it may be incomplete while drafted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalRequestNew {
    /// investigation, evidence-collection, service-of-documents, arrest,
    /// extradition or transfer-of-proceeds.
    pub kind: String,
    pub requested_state: String,
    /// A border-area office of the requested state that the registry joins
    /// to the caller's by a direct channel; absent for the central authority.
    #[serde(default)]
    pub requested_office: Option<String>,
    #[serde(default)]
    pub facts: String,
    /// What is asked, clearly.
    #[serde(default)]
    pub request: String,
    #[serde(default)]
    pub offences: Vec<OffenceView>,
    #[serde(default)]
    pub persons: Vec<String>,
    /// Record ids attached as evidence.
    #[serde(default)]
    pub records: Vec<String>,
    /// Message ids attached as evidence.
    #[serde(default)]
    pub messages: Vec<String>,
    #[serde(default)]
    pub urgent: bool,
    /// YYYY-MM-DD.
    pub deadline: Option<String>,
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
    "evidence".into()
}

/// A revision of a draft.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalRequestRevision {
    pub version: i64,
    pub request: LegalRequestNew,
}

/// A step of the trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct LegalStepView {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub state: Option<String>,
    pub action: String,
    pub detail: String,
}

/// A request as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LegalRequestView {
    pub id: String,
    pub originator: String,
    pub requesting_state: String,
    pub requested_state: String,
    /// The border-area office asked directly, if any.
    pub requested_office: Option<String>,
    pub kind: String,
    pub facts: String,
    pub request: String,
    pub offences: Vec<OffenceView>,
    pub persons: Vec<String>,
    /// Attachments the caller may follow.
    pub records: Vec<String>,
    pub messages: Vec<String>,
    pub urgent: bool,
    pub deadline: Option<String>,
    /// drafted, sent, received, in-execution, partially-executed, executed, refused or withdrawn.
    pub status: String,
    /// The grounds of a refusal.
    pub grounds: Vec<String>,
    /// What the requested state needs that the request lacks (sending needs none).
    pub missing: Vec<String>,
    /// Past its deadline without an answer.
    pub overdue: bool,
    pub handling: HandlingView,
    pub sent_at: Option<String>,
    pub answered_at: Option<String>,
    pub timeline: Vec<LegalStepView>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A step on a request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalStepNew {
    /// send, receive, begin, partially-execute, execute, refuse or withdraw.
    pub step: String,
    #[serde(default)]
    pub reasons: String,
    /// With refuse: political-offence, persecution-risk, double-jeopardy,
    /// lapse-of-time, no-dual-criminality, own-national, death-penalty,
    /// sovereignty-or-public-order.
    #[serde(default)]
    pub grounds: Vec<String>,
    pub version: i64,
}

/// The originator's consent that an authority uses a record or message as evidence.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceConsentNew {
    /// A record or message id the caller's authority originated.
    pub object: String,
    /// The authority that may use it as evidence.
    pub authority: String,
    #[serde(default)]
    pub note: String,
}

/// Legal assistance in figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct LegalStatisticsView {
    pub by_kind: Vec<(String, usize)>,
    pub by_status: Vec<(String, usize)>,
    /// Requesting state, requested state, status, count.
    pub by_pair: Vec<(String, String, String, usize)>,
    pub answered: usize,
    pub mean_days_to_answer: Option<f64>,
    pub longest_days_to_answer: Option<i64>,
}

pub(crate) fn input(req: LegalRequestNew) -> Result<LegalRequestInput, ApiError> {
    if req.requested_state.trim().is_empty() {
        return Err(concord_app::Refusal::invalid("requested_state", "a state code is needed").into());
    }
    Ok(LegalRequestInput {
        kind: field("kind", &req.kind)?,
        requested_state: StateCode::from(req.requested_state.trim().to_ascii_uppercase().as_str()),
        requested_office: req
            .requested_office
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty())
            .map(AuthorityId::new),
        facts: req.facts,
        request: req.request,
        offences: req
            .offences
            .into_iter()
            .map(|o| Offence {
                name: o.name,
                requesting_law: o.requesting_law,
                requested_law: o.requested_law,
            })
            .collect(),
        persons: req.persons,
        records: req.records,
        messages: req.messages,
        urgent: req.urgent,
        deadline: req.deadline.as_deref().map(|d| date("deadline", d)).transpose()?,
        handling: HandlingCode {
            distribution: Distribution::OriginatorOnly,
            dissemination: field::<Dissemination>("dissemination", &req.dissemination)?,
            use_: field::<Use>("use", &req.use_)?,
            classification: field::<Classification>("classification", &req.classification)?,
        },
    })
}

fn view(r: &LegalRequest, today: time::Date) -> LegalRequestView {
    LegalRequestView {
        id: r.id.clone(),
        originator: r.originator.to_string(),
        requesting_state: r.requesting_state.to_string(),
        requested_state: r.requested_state.to_string(),
        requested_office: r.requested_office.as_ref().map(|o| o.to_string()),
        kind: r.kind.to_string(),
        facts: r.facts.clone(),
        request: r.request.clone(),
        offences: r
            .offences
            .iter()
            .map(|o| OffenceView {
                name: o.name.clone(),
                requesting_law: o.requesting_law.clone(),
                requested_law: o.requested_law.clone(),
            })
            .collect(),
        persons: r.persons.clone(),
        records: r.records.clone(),
        messages: r.messages.clone(),
        urgent: r.urgent,
        deadline: r.deadline.map(|d| d.to_string()),
        status: r.status.to_string(),
        grounds: r.grounds.iter().map(|g| g.to_string()).collect(),
        missing: concord_app::legal::missing(r),
        overdue: r.overdue(today),
        handling: HandlingView::from(&r.handling),
        sent_at: r.sent_at.clone(),
        answered_at: r.answered_at.clone(),
        timeline: r
            .timeline
            .iter()
            .map(|t| LegalStepView {
                seq: t.seq,
                at: t.at.clone(),
                actor: t.actor.clone(),
                state: t.state.clone(),
                action: t.action.clone(),
                detail: t.detail.clone(),
            })
            .collect(),
        version: r.version,
        created_at: r.created_at.clone(),
        updated_at: r.updated_at.clone(),
    }
}

/// The requesting state's central authority drafts a request (it may be
/// incomplete; `missing` says what sending needs).
#[utoipa::path(post, path = "/api/v1/legal-requests", tag = TAG, request_body = LegalRequestNew,
    responses((status = 201, body = LegalRequestView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn draft(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<LegalRequestNew>,
) -> Result<(StatusCode, axum::Json<LegalRequestView>), ApiError> {
    let r = concord_app::legal::draft(&s.store, &caller.ctx(), input(req)?).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&r, s.store.clock().today()))))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LegalQuery {
    /// 1 to 1000, default 100.
    limit: Option<usize>,
}

/// The requests the caller may read, newest first (drafts: its office's only).
#[utoipa::path(get, path = "/api/v1/legal-requests", tag = TAG, params(LegalQuery),
    responses((status = 200, body = [LegalRequestView]), (status = 422, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<LegalQuery>,
) -> Result<axum::Json<Vec<LegalRequestView>>, ApiError> {
    let rs = concord_app::legal::list(&s.store, &caller.ctx(), q.limit.unwrap_or(100)).await?;
    let today = s.store.clock().today();
    Ok(axum::Json(rs.iter().map(|r| view(r, today)).collect()))
}

/// One request with its trail.
#[utoipa::path(get, path = "/api/v1/legal-requests/{id}", tag = TAG,
    params(("id" = String, Path, description = "request id")),
    responses((status = 200, body = LegalRequestView), (status = 404, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<LegalRequestView>, ApiError> {
    let r = concord_app::legal::get(&s.store, &caller.ctx(), &id).await?;
    Ok(axum::Json(view(&r, s.store.clock().today())))
}

/// Replaces a draft's content (its office, while drafted).
#[utoipa::path(put, path = "/api/v1/legal-requests/{id}", tag = TAG, request_body = LegalRequestRevision,
    params(("id" = String, Path, description = "request id")),
    responses((status = 200, body = LegalRequestView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn revise(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<LegalRequestRevision>,
) -> Result<axum::Json<LegalRequestView>, ApiError> {
    let input = input(req.request).map_err(|e| crate::routes::records::nested("request", e))?;
    let r = concord_app::legal::revise(&s.store, &caller.ctx(), &id, input, req.version).await?;
    Ok(axum::Json(view(&r, s.store.clock().today())))
}

/// A step by the side it belongs to: send or withdraw (the requesting
/// office), receive, begin, execute in part or whole, or refuse on coded
/// grounds with reasons (the requested state).
#[utoipa::path(post, path = "/api/v1/legal-requests/{id}/steps", tag = TAG, request_body = LegalStepNew,
    params(("id" = String, Path, description = "request id")),
    responses((status = 200, body = LegalRequestView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn step(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<LegalStepNew>,
) -> Result<axum::Json<LegalRequestView>, ApiError> {
    let step: Step = field("step", &req.step)?;
    let grounds = req
        .grounds
        .iter()
        .enumerate()
        .map(|(i, g)| field::<Ground>(&format!("grounds[{i}]"), g))
        .collect::<Result<Vec<_>, _>>()?;
    let r = concord_app::legal::step(&s.store, &caller.ctx(), &id, step, &req.reasons, &grounds, req.version).await?;
    Ok(axum::Json(view(&r, s.store.clock().today())))
}

/// Legal assistance by kind, pair of states and status, with the days to
/// the answer, among the sent requests the caller may read.
#[utoipa::path(get, path = "/api/v1/legal-requests/statistics", tag = TAG,
    responses((status = 200, body = LegalStatisticsView)), security(("bearer" = []), ("cookie" = [])))]
pub async fn statistics(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<LegalStatisticsView>, ApiError> {
    let st = concord_app::legal::statistics(&s.store, &caller.ctx()).await?;
    Ok(axum::Json(LegalStatisticsView {
        by_kind: st.by_kind.into_iter().collect(),
        by_status: st.by_status.into_iter().collect(),
        by_pair: st
            .by_pair
            .into_iter()
            .flat_map(|((a, b), m)| m.into_iter().map(move |(status, n)| (a.clone(), b.clone(), status, n)))
            .collect(),
        answered: st.answered,
        mean_days_to_answer: st.mean_days_to_answer,
        longest_days_to_answer: st.longest_days_to_answer,
    }))
}

/// The originator of a record or message consents that an authority uses
/// it as evidence (an intelligence-only item needs it to be attached).
#[utoipa::path(post, path = "/api/v1/evidence-consents", tag = TAG, request_body = EvidenceConsentNew,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn consent(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<EvidenceConsentNew>,
) -> Result<StatusCode, ApiError> {
    concord_app::legal::consent_to_evidence(
        &s.store,
        &caller.ctx(),
        req.object.trim(),
        &AuthorityId::from(req.authority.trim()),
        &req.note,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
