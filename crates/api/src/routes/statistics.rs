//! Statistics: each state's reported yearly figures, the table of reported
//! and derived figures side by side, and the transparency figures; all
//! over what the caller may read.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::json::{Json, Query};
use crate::routes::records::field;
use axum::extract::State;
use axum::http::StatusCode;
use concord_domain::statistics::{Figure, FigureInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

const TAG: &str = "statistics";

/// A figure of the caller's state.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FigureNew {
    pub year: i32,
    /// terrorist-crimes-prevented, attacks-prevented,
    /// training-bases-dismantled, arrests, banned-members-detained,
    /// weapons-seized or seizures.
    pub category: String,
    /// For seizures: the substance; the value is then in grams.
    #[serde(default)]
    pub substance: Option<String>,
    pub value: i64,
    #[serde(default)]
    pub source: String,
    /// 0 for a new figure; the version read, to correct one.
    #[serde(default)]
    pub version: i64,
}

/// A reported figure.
#[derive(Debug, Serialize, ToSchema)]
pub struct FigureView {
    pub state: String,
    pub year: i32,
    pub category: String,
    pub substance: Option<String>,
    pub value: i64,
    pub source: String,
    pub reported_by: String,
    pub reported_at: String,
    pub version: i64,
}

fn view(f: &Figure) -> FigureView {
    FigureView {
        state: f.state.to_string(),
        year: f.year,
        category: f.category.to_string(),
        substance: f.substance.clone(),
        value: f.value,
        source: f.source.clone(),
        reported_by: f.reported_by.clone(),
        reported_at: f.reported_at.clone(),
        version: f.version,
    }
}

/// A cell of the table.
#[derive(Debug, Serialize, ToSchema)]
pub struct CellView {
    pub state: String,
    pub year: i32,
    pub category: String,
    pub substance: Option<String>,
    /// As the state reported it.
    pub reported: Option<i64>,
    /// As counted from the operations and incidents the caller may read;
    /// absent when nothing counted or when suppressed.
    pub derived: Option<i64>,
    /// A small count of persons outside the caller's state: not shown.
    pub suppressed: bool,
}

/// The safeguards in figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransparencyView {
    pub listings_proposed: usize,
    pub listings_adopted: usize,
    pub listings_blocked: usize,
    pub listings_in_progress: usize,
    pub delisted: usize,
    pub compliance_passed: i64,
    pub compliance_returned: i64,
    pub archived_at_review: i64,
    pub subject_requests: usize,
    pub subject_requests_answered: usize,
    pub subject_requests_answered_in_time: usize,
    pub subject_requests_overdue: usize,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct YearsQuery {
    /// First year (default: ten years before this one).
    from: Option<i32>,
    /// Last year (default: this one).
    to: Option<i32>,
}

fn years(s: &AppState, q: &YearsQuery) -> (i32, i32) {
    let this = s.store.clock().today().year();
    (q.from.unwrap_or(this - 10), q.to.unwrap_or(this))
}

/// Reports (version 0) or corrects (the version read) a figure of the
/// caller's state; a supervisor's step.
#[utoipa::path(post, path = "/api/v1/statistics/figures", tag = TAG, request_body = FigureNew,
    responses((status = 201, body = FigureView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn report(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<FigureNew>,
) -> Result<(StatusCode, axum::Json<FigureView>), ApiError> {
    let input = FigureInput {
        year: req.year,
        category: field("category", &req.category)?,
        substance: req.substance.filter(|x| !x.trim().is_empty()),
        value: req.value,
        source: req.source,
    };
    let f = concord_app::statistics::report(&s.store, &caller.ctx(), input, req.version).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&f))))
}

/// The reported figures the caller may read.
#[utoipa::path(get, path = "/api/v1/statistics/figures", tag = TAG, params(YearsQuery),
    responses((status = 200, body = [FigureView]), (status = 422, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn figures(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<YearsQuery>,
) -> Result<axum::Json<Vec<FigureView>>, ApiError> {
    let (from, to) = years(&s, &q);
    let fs = concord_app::statistics::reported(&s.store, &caller.ctx(), from, to).await?;
    Ok(axum::Json(fs.iter().map(view).collect()))
}

/// Reported and derived figures side by side.
#[utoipa::path(get, path = "/api/v1/statistics/table", tag = TAG, params(YearsQuery),
    responses((status = 200, body = [CellView]), (status = 422, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn table(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<YearsQuery>,
) -> Result<axum::Json<Vec<CellView>>, ApiError> {
    let (from, to) = years(&s, &q);
    let cells = concord_app::statistics::table(&s.store, &caller.ctx(), from, to).await?;
    Ok(axum::Json(
        cells
            .iter()
            .map(|c| CellView {
                state: c.state.to_string(),
                year: c.year,
                category: c.category.to_string(),
                substance: c.substance.clone(),
                reported: c.reported.as_ref().map(|f| f.value),
                derived: c.derived,
                suppressed: c.suppressed,
            })
            .collect(),
    ))
}

/// Designations, compliance reviews, archiving at review and data-subject
/// requests in figures.
#[utoipa::path(get, path = "/api/v1/statistics/transparency", tag = TAG,
    responses((status = 200, body = TransparencyView)), security(("bearer" = []), ("cookie" = [])))]
pub async fn transparency(State(s): State<AppState>, caller: Caller) -> Result<axum::Json<TransparencyView>, ApiError> {
    let t = concord_app::statistics::transparency(&s.store, &caller.ctx()).await?;
    Ok(axum::Json(TransparencyView {
        listings_proposed: t.listings_proposed,
        listings_adopted: t.listings_adopted,
        listings_blocked: t.listings_blocked,
        listings_in_progress: t.listings_in_progress,
        delisted: t.delisted,
        compliance_passed: t.compliance_passed,
        compliance_returned: t.compliance_returned,
        archived_at_review: t.archived_at_review,
        subject_requests: t.subject_requests,
        subject_requests_answered: t.subject_requests_answered,
        subject_requests_answered_in_time: t.subject_requests_answered_in_time,
        subject_requests_overdue: t.subject_requests_overdue,
    }))
}
