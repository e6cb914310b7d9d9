use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::json::{Json, Query};
use crate::views::*;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use concord_app::text::{HandlingText, RecordText};
use concord_domain::{Category, Checklist, Compliance, RecordKind, RecordStatus, RelationKind, StateCode};
use concord_store::codec::{facts_to_dto, legal_basis_to_dto};
use concord_store::{Record, RecordInput, RecordQuery, Relationship};
use serde::Deserialize;
use time::Date;
use utoipa::IntoParams;

pub fn record_view(r: &Record) -> RecordView {
    let h = &r.protected.handling;
    RecordView {
        id: r.id.clone(),
        kind: r.kind.to_string(),
        title: r.title.clone(),
        facts: facts_to_dto(&r.facts),
        legal_basis: legal_basis_to_dto(&r.legal_basis),
        evidence: r.evidence.clone(),
        originator: r.protected.originator.to_string(),
        originator_state: r.protected.originator_state.as_ref().map(|s| s.to_string()),
        handling: HandlingView::from(h),
        compliance: r.protected.compliance.to_string(),
        compliance_note: r.compliance_note.clone(),
        review_date: r.protected.review_date.map(|d| d.to_string()),
        status: r.status.to_string(),
        source_id: r.source_id.clone(),
        version: r.version,
        created_at: r.created_at.clone(),
        updated_at: r.updated_at.clone(),
    }
}

pub fn field<T: std::str::FromStr<Err = concord_domain::ParseError>>(name: &str, text: &str) -> Result<T, ApiError> {
    Ok(concord_app::text::field(name, text)?)
}

pub fn date(name: &str, text: &str) -> Result<Date, ApiError> {
    Ok(concord_app::text::date(name, text)?)
}

/// The handling code's texts as the use cases read them.
pub fn handling_text(h: &HandlingView) -> HandlingText {
    HandlingText {
        distribution: h.distribution.clone(),
        dissemination: h.dissemination.clone(),
        use_: h.use_.clone(),
        classification: h.classification.clone(),
    }
}

pub(crate) fn record_input(req: &RecordRequest) -> Result<RecordInput, ApiError> {
    let handling = handling_text(&req.handling);
    Ok(concord_app::text::record_input(&RecordText {
        kind: &req.kind,
        facts: &req.facts,
        legal_basis: &req.legal_basis,
        evidence: &req.evidence,
        handling: &handling,
        review_date: &req.review_date,
    })?)
}

/// An error about a field of a record nested in a larger request, with the
/// field's path from the request's root.
pub(crate) fn nested(prefix: &str, mut e: ApiError) -> ApiError {
    if let Some(f) = &e.field {
        let f = format!("{prefix}.{f}");
        e.message = e.message.replacen(e.field.as_deref().unwrap_or(""), &f, 1);
        e.field = Some(f);
    }
    e
}

/// Field errors from the rules about facts carry the facts prefix in the API.
pub(crate) fn store_err(e: concord_app::Refusal) -> ApiError {
    concord_app::text::from_record_root(e).into()
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Case-insensitive text in any name, in any script.
    q: Option<String>,
    /// person, organization, document, vehicle or event.
    kind: Option<String>,
    /// Contributing state (code).
    state: Option<String>,
    /// Offence category.
    category: Option<String>,
    /// pending, approved or returned.
    compliance: Option<String>,
    /// active (default), archived.
    status: Option<String>,
    /// Only records whose review date has come.
    review_due: Option<bool>,
    /// Default 0.
    offset: Option<i64>,
    /// 1 to 500, default 50.
    limit: Option<i64>,
}

impl ListQuery {
    fn query(self) -> Result<RecordQuery, ApiError> {
        Ok(RecordQuery {
            text: self.q.filter(|t| !t.is_empty()),
            kind: self
                .kind
                .as_deref()
                .map(|k| field::<RecordKind>("kind", k))
                .transpose()?,
            state: self.state.map(StateCode::new),
            category: self
                .category
                .as_deref()
                .map(|c| field::<Category>("category", c))
                .transpose()?,
            compliance: self
                .compliance
                .as_deref()
                .map(|c| field::<Compliance>("compliance", c))
                .transpose()?,
            status: match self
                .status
                .as_deref()
                .map(|s| field::<RecordStatus>("status", s))
                .transpose()?
            {
                Some(RecordStatus::Deleted) => return Err(ApiError::field("status", "erased records are not listed")),
                s => s,
            },
            review_due: self.review_due.unwrap_or(false),
            offset: self.offset.unwrap_or(0),
            limit: self.limit.unwrap_or(50),
        })
    }
}

/// Contributes a record; it stays with the contributing authority until a
/// supervisor there approves it against the compliance checklist.
#[utoipa::path(post, path = "/api/v1/records", tag = "records", request_body = RecordRequest,
    responses((status = 201, body = RecordView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<RecordRequest>,
) -> Result<(StatusCode, axum::Json<RecordView>), ApiError> {
    let input = record_input(&req)?;
    let r = concord_app::records::create(&s.store, &caller.ctx(), input)
        .await
        .map_err(store_err)?;
    Ok((StatusCode::CREATED, axum::Json(record_view(&r))))
}

/// Replaces a record's content: the originating authority only, with the
/// version it changes and a reason. The record returns to compliance review.
#[utoipa::path(put, path = "/api/v1/records/{id}", tag = "records", request_body = RecordUpdate,
    params(("id" = String, Path, description = "record id")),
    responses((status = 200, body = RecordView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn update(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<RecordUpdate>,
) -> Result<axum::Json<RecordView>, ApiError> {
    let input = record_input(&req.record).map_err(|e| nested("record", e))?;
    let r = concord_app::records::update(&s.store, &caller.ctx(), &id, req.version, input, &req.reason)
        .await
        .map_err(store_err)?;
    Ok(axum::Json(record_view(&r)))
}

/// Records the caller may read, with filters.
#[utoipa::path(get, path = "/api/v1/records", tag = "records", params(ListQuery),
    responses((status = 200, body = RecordPage), (status = 422, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> Result<axum::Json<RecordPage>, ApiError> {
    let query = q.query()?;
    let records = s.store.list_records(&caller.ctx(), &query).await?;
    Ok(axum::Json(RecordPage {
        records: records.iter().map(record_view).collect(),
        offset: query.offset,
        limit: query.limit,
    }))
}

/// How many records the caller may read: hidden records are never counted.
#[utoipa::path(get, path = "/api/v1/records/count", tag = "records", params(ListQuery),
    responses((status = 200, body = CountView)), security(("bearer" = []), ("cookie" = [])))]
pub async fn count(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> Result<axum::Json<CountView>, ApiError> {
    let mut query = q.query()?;
    query.limit = 1;
    Ok(axum::Json(CountView {
        count: s.store.count_records(&caller.ctx(), &query).await?,
    }))
}

/// One record; "not found" also when the caller may not see it.
#[utoipa::path(get, path = "/api/v1/records/{id}", tag = "records", params(("id" = String, Path, description = "record id")),
    responses((status = 200, body = RecordView), (status = 404, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<RecordView>, ApiError> {
    Ok(axum::Json(record_view(&s.store.get_record(&caller.ctx(), &id).await?)))
}

/// Every version of a record, with author, reason and content.
#[utoipa::path(get, path = "/api/v1/records/{id}/history", tag = "records", params(("id" = String, Path, description = "record id")),
    responses((status = 200, body = [VersionView]), (status = 404, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn history(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<VersionView>>, ApiError> {
    let versions = s.store.history(&caller.ctx(), &id).await?;
    Ok(axum::Json(
        versions
            .into_iter()
            .map(|v| VersionView {
                version: v.version,
                at: v.at,
                author: v.author,
                authority: v.authority,
                action: v.action,
                reason: v.reason,
                snapshot: v.snapshot.and_then(|s| serde_json::from_str(&s).ok()),
            })
            .collect(),
    ))
}

/// The compliance decision by a supervisor of the originating authority.
#[utoipa::path(post, path = "/api/v1/records/{id}/compliance", tag = "records", request_body = ComplianceRequest,
    params(("id" = String, Path, description = "record id")),
    responses((status = 200, body = RecordView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn compliance(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<ComplianceRequest>,
) -> Result<axum::Json<RecordView>, ApiError> {
    let checklist = Checklist {
        criminal_act_described: req.checklist.criminal_act_described,
        legal_basis_cites_article: req.checklist.legal_basis_cites_article,
        not_on_protected_grounds_alone: req.checklist.not_on_protected_grounds_alone,
    };
    let r = concord_app::records::decide_compliance(
        &s.store,
        &caller.ctx(),
        &id,
        req.approve,
        checklist,
        &req.note,
        req.version,
    )
    .await?;
    Ok(axum::Json(record_view(&r)))
}

/// The caller's authority's records due for review, oldest first.
#[utoipa::path(get, path = "/api/v1/review-queue", tag = "records",
    responses((status = 200, body = [ReviewItemView])), security(("bearer" = []), ("cookie" = [])))]
pub async fn review_queue(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<ReviewItemView>>, ApiError> {
    let items = s.store.review_queue(&caller.ctx()).await?;
    Ok(axum::Json(
        items
            .iter()
            .map(|i| ReviewItemView {
                record: record_view(&i.record),
                overdue_days: i.overdue_days,
                hidden_from_other_states: i.hidden_from_other_states,
            })
            .collect(),
    ))
}

/// A review decision: extend with a reason and a new date, or archive.
#[utoipa::path(post, path = "/api/v1/records/{id}/review", tag = "records", request_body = ReviewRequest,
    params(("id" = String, Path, description = "record id")),
    responses((status = 200, body = RecordView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn review(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<ReviewRequest>,
) -> Result<axum::Json<RecordView>, ApiError> {
    let r = match req {
        ReviewRequest::Extend {
            version,
            reason,
            review_date,
        } => {
            let d = date("review_date", &review_date)?;
            concord_app::records::extend_review(&s.store, &caller.ctx(), &id, version, d, &reason).await?
        }
        ReviewRequest::Archive { version, reason } => {
            concord_app::records::archive(&s.store, &caller.ctx(), &id, version, &reason).await?
        }
    };
    Ok(axum::Json(record_view(&r)))
}

/// Erases a record's personal data by a recorded data-protection decision,
/// leaving a tombstone (the originating authority's data-protection officer).
#[utoipa::path(post, path = "/api/v1/records/{id}/erase", tag = "records", request_body = EraseRequest,
    params(("id" = String, Path, description = "record id")),
    responses((status = 200, body = RecordView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn erase(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<EraseRequest>,
) -> Result<axum::Json<RecordView>, ApiError> {
    Ok(axum::Json(record_view(
        &concord_app::records::erase(&s.store, &caller.ctx(), &id, &req.decision).await?,
    )))
}

fn relationship_view(r: &Relationship) -> RelationshipView {
    RelationshipView {
        id: r.id.clone(),
        from: r.from.clone(),
        to: r.to.clone(),
        kind: r.kind.to_string(),
        since: r.since.map(|d| d.to_string()),
        until: r.until.map(|d| d.to_string()),
        source: r.source.clone(),
        originator: r.originator.clone(),
    }
}

/// Records a typed relationship between two records the caller may read.
#[utoipa::path(post, path = "/api/v1/relationships", tag = "records", request_body = RelationshipRequest,
    responses((status = 201, body = RelationshipView), (status = 422, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn relate(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<RelationshipRequest>,
) -> Result<(StatusCode, axum::Json<RelationshipView>), ApiError> {
    let kind: RelationKind = field("kind", &req.kind)?;
    let since = req.since.as_deref().map(|d| date("since", d)).transpose()?;
    let until = req.until.as_deref().map(|d| date("until", d)).transpose()?;
    let r = concord_app::records::relate(
        &s.store,
        &caller.ctx(),
        concord_store::Link {
            from: &req.from,
            to: &req.to,
            kind,
            since,
            until,
            source: &req.source,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(relationship_view(&r))))
}

/// A record's relationships whose other end the caller may also read.
#[utoipa::path(get, path = "/api/v1/records/{id}/relationships", tag = "records", params(("id" = String, Path, description = "record id")),
    responses((status = 200, body = [RelationshipView]), (status = 404, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn relationships(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<RelationshipView>>, ApiError> {
    Ok(axum::Json(
        s.store
            .relationships(&caller.ctx(), &id)
            .await?
            .iter()
            .map(relationship_view)
            .collect(),
    ))
}
