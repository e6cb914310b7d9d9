use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::json::{Json, Query};
use crate::views::{
    ComplianceRequest, CountView, HandlingView, NewRecordRequest, RecordPage, RecordView,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use concord_domain::{Classification, Dissemination, Distribution, HandlingCode, Use};
use concord_store::{NewRecord, Record, RecordQuery};
use serde::Deserialize;
use time::Date;
use time::macros::format_description;
use utoipa::IntoParams;

pub fn record_view(r: &Record) -> RecordView {
    let h = &r.protected.handling;
    RecordView {
        id: r.id.clone(),
        kind: r.kind.clone(),
        title: r.title.clone(),
        originator: r.protected.originator.to_string(),
        originator_state: r.protected.originator_state.as_ref().map(|s| s.to_string()),
        handling: HandlingView {
            distribution: h.distribution.to_string(),
            dissemination: h.dissemination.to_string(),
            use_: h.use_.to_string(),
            classification: h.classification.to_string(),
        },
        compliance: r.protected.compliance.to_string(),
        compliance_note: r.compliance_note.clone(),
        review_date: r.protected.review_date.map(|d| d.to_string()),
        body: serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null),
        version: r.version,
        created_at: r.created_at.clone(),
        updated_at: r.updated_at.clone(),
    }
}

fn field<T: std::str::FromStr<Err = concord_domain::ParseError>>(
    name: &str,
    text: &str,
) -> Result<T, ApiError> {
    text.parse()
        .map_err(|e: concord_domain::ParseError| ApiError::field(name, e.to_string()))
}

fn handling(s: &AppState, h: &HandlingView) -> Result<HandlingCode, ApiError> {
    let distribution: Distribution = field("handling.distribution", &h.distribution)?;
    if let Distribution::States(states) = &distribution {
        let snap = s.store.snapshot();
        if let Some(unknown) = states
            .iter()
            .find(|c| !snap.registry.states.contains_key(*c))
        {
            return Err(ApiError::field(
                "handling.distribution",
                format!("unknown state {:?}", unknown.as_str()),
            ));
        }
    }
    Ok(HandlingCode {
        distribution,
        dissemination: field::<Dissemination>("handling.dissemination", &h.dissemination)?,
        use_: field::<Use>("handling.use", &h.use_)?,
        classification: field::<Classification>("handling.classification", &h.classification)?,
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Case-insensitive text to find in titles.
    q: Option<String>,
    /// Default 0.
    offset: Option<i64>,
    /// 1 to 500, default 50.
    limit: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CountQuery {
    /// Case-insensitive text to find in titles.
    q: Option<String>,
}

/// Contributes a record; it stays with the contributing authority until a
/// supervisor there approves it.
#[utoipa::path(post, path = "/api/v1/records", tag = "records", request_body = NewRecordRequest,
    responses((status = 201, body = RecordView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<NewRecordRequest>,
) -> Result<(StatusCode, axum::Json<RecordView>), ApiError> {
    let handling = handling(&s, &req.handling)?;
    let review_date = req
        .review_date
        .as_deref()
        .map(|d| {
            Date::parse(d, format_description!("[year]-[month]-[day]")).map_err(|_| {
                ApiError::field(
                    "review_date",
                    format!("{d:?} is not a date in the form YYYY-MM-DD"),
                )
            })
        })
        .transpose()?;
    let body = match req.body {
        serde_json::Value::Null => serde_json::json!({}),
        v @ serde_json::Value::Object(_) => v,
        _ => return Err(ApiError::field("body", "must be a JSON object")),
    };
    let new = NewRecord {
        kind: req.kind,
        title: req.title,
        handling,
        review_date,
        body: body.to_string(),
    };
    let r = s.store.create_record(&caller.ctx(), new).await?;
    Ok((StatusCode::CREATED, axum::Json(record_view(&r))))
}

/// Records the caller may read, optionally matching text.
#[utoipa::path(get, path = "/api/v1/records", tag = "records", params(ListQuery),
    responses((status = 200, body = RecordPage), (status = 422, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> Result<axum::Json<RecordPage>, ApiError> {
    let query = RecordQuery {
        text: q.q.filter(|t| !t.is_empty()),
        offset: q.offset.unwrap_or(0),
        limit: q.limit.unwrap_or(50),
    };
    let records = s.store.list_records(&caller.ctx(), &query).await?;
    Ok(axum::Json(RecordPage {
        records: records.iter().map(record_view).collect(),
        offset: query.offset,
        limit: query.limit,
    }))
}

/// How many records the caller may read: hidden records are never counted.
#[utoipa::path(get, path = "/api/v1/records/count", tag = "records", params(CountQuery),
    responses((status = 200, body = CountView)), security(("bearer" = []), ("cookie" = [])))]
pub async fn count(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<CountQuery>,
) -> Result<axum::Json<CountView>, ApiError> {
    let text = q.q.filter(|t| !t.is_empty());
    Ok(axum::Json(CountView {
        count: s
            .store
            .count_records(&caller.ctx(), text.as_deref())
            .await?,
    }))
}

/// The records the caller may pass on, as JSON lines.
#[utoipa::path(get, path = "/api/v1/records/export", tag = "records",
    responses((status = 200, description = "one RecordView per line", content_type = "application/x-ndjson")),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn export(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<impl IntoResponse, ApiError> {
    let records = s.store.export_records(&caller.ctx()).await?;
    let mut out = String::new();
    for r in &records {
        out.push_str(
            &serde_json::to_string(&record_view(r))
                .map_err(|e| ApiError::new(crate::error::Code::Internal, e.to_string()))?,
        );
        out.push('\n');
    }
    Ok(([(CONTENT_TYPE, "application/x-ndjson")], out))
}

/// One record; "not found" also when the caller may not see it.
#[utoipa::path(get, path = "/api/v1/records/{id}", tag = "records", params(("id" = String, Path, description = "record id")),
    responses((status = 200, body = RecordView), (status = 404, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<RecordView>, ApiError> {
    Ok(axum::Json(record_view(
        &s.store.get_record(&caller.ctx(), &id).await?,
    )))
}

/// The compliance decision by a supervisor of the originating authority.
#[utoipa::path(post, path = "/api/v1/records/{id}/compliance", tag = "records", request_body = ComplianceRequest,
    params(("id" = String, Path, description = "record id")),
    responses((status = 200, body = RecordView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn compliance(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<ComplianceRequest>,
) -> Result<axum::Json<RecordView>, ApiError> {
    let r = s
        .store
        .decide_compliance(&caller.ctx(), &id, req.approve, &req.note, req.version)
        .await?;
    Ok(axum::Json(record_view(&r)))
}
