use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, Code, ErrorBody};
use crate::json::Query;
use crate::routes::records::{date, field};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use concord_domain::{Category, Classification, Dissemination, Distribution, HandlingCode, LegalBasis, StateCode, Use};
use concord_exchange::ImportDefaults;
use concord_store::{ImportFailure, ImportReport};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use utoipa::{IntoParams, ToSchema};

/// Largest import body, in bytes.
pub const IMPORT_LIMIT: usize = 64 * 1024 * 1024;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// ftm (JSON lines), csv, or unsc (UN consolidated list XML).
    format: String,
    /// Legal basis: instrument id.
    instrument: String,
    /// Legal basis: article.
    article: String,
    /// Offence category.
    category: String,
    /// Default all-members.
    distribution: Option<String>,
    /// Default free.
    dissemination: Option<String>,
    /// Default intelligence-only.
    #[serde(rename = "use")]
    use_: Option<String>,
    /// Default restricted.
    classification: Option<String>,
    /// YYYY-MM-DD; default one year from today.
    review_date: Option<String>,
    /// Evidence summary for records whose file gives none.
    evidence: Option<String>,
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportView {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub identifiers: u64,
    pub links: u64,
}

impl From<ImportReport> for ImportReportView {
    fn from(r: ImportReport) -> Self {
        ImportReportView {
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            identifiers: r.identifiers,
            links: r.links,
        }
    }
}

/// Imports a file as the caller's authority, all or nothing: a bad line
/// rolls everything back and the error names line and field.
#[utoipa::path(post, path = "/api/v1/import", tag = "records", params(ImportQuery),
    request_body(content = String, description = "the file", content_type = "application/octet-stream"),
    responses((status = 200, body = ImportReportView), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn import(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<axum::Json<ImportReportView>, ApiError> {
    let today = s.store.clock().today();
    let d = ImportDefaults {
        legal_basis: LegalBasis {
            instrument: q.instrument,
            article: q.article,
            category: field::<Category>("category", &q.category)?,
        },
        handling: HandlingCode {
            distribution: field::<Distribution>("distribution", q.distribution.as_deref().unwrap_or("all-members"))?,
            dissemination: field::<Dissemination>("dissemination", q.dissemination.as_deref().unwrap_or("free"))?,
            use_: field::<Use>("use", q.use_.as_deref().unwrap_or("intelligence-only"))?,
            classification: field::<Classification>(
                "classification",
                q.classification.as_deref().unwrap_or("restricted"),
            )?,
        },
        review_date: match &q.review_date {
            Some(t) => date("review_date", t)?,
            None => today + time::Duration::days(365),
        },
        evidence: q.evidence,
    };
    let ctx = caller.ctx();
    let cursor = std::io::Cursor::new(body.as_ref());
    let result = match q.format.as_str() {
        "ftm" => concord_app::records::import(&s.store, &ctx, concord_exchange::ftm::read(cursor, &d), |_| {}).await,
        "csv" => concord_app::records::import(&s.store, &ctx, concord_exchange::csv::read(cursor, &d), |_| {}).await,
        "unsc" => {
            let text = std::str::from_utf8(&body).map_err(|e| {
                ApiError::new(
                    Code::MalformedJson,
                    format!("the file is not UTF-8 (byte {})", e.valid_up_to()),
                )
            })?;
            let countries: HashMap<String, StateCode> = s
                .store
                .snapshot()
                .registry
                .states
                .values()
                .map(|st| (st.name.en.to_lowercase(), st.code.clone()))
                .collect();
            match concord_exchange::unsc::read(text, &d, &countries) {
                Ok(items) => concord_app::records::import(&s.store, &ctx, items.into_iter().map(Ok), |_| {}).await,
                Err(e) => Err(ImportFailure::Input(e)),
            }
        }
        other => {
            return Err(ApiError::field(
                "format",
                format!("unknown format {other:?}: expected ftm, csv or unsc"),
            ));
        }
    };
    match result {
        Ok(report) => Ok(axum::Json(report.into())),
        Err(ImportFailure::Input(e)) => Err(ApiError::field(
            e.field.clone(),
            format!("line {}: {}; nothing was imported", e.line, e.message),
        )),
        Err(ImportFailure::Store(e)) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// jsonl (default: the API's record shape), ftm or csv.
    format: Option<String>,
}

/// The records the caller may pass on (read, and dissemination allows).
#[utoipa::path(get, path = "/api/v1/records/export", tag = "records", params(ExportQuery),
    responses((status = 200, description = "JSON lines, FtM JSON lines or CSV"), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn export(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ExportQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let format = q.format.unwrap_or_else(|| "jsonl".into());
    if !["jsonl", "ftm", "csv"].contains(&format.as_str()) {
        return Err(ApiError::field(
            "format",
            format!("unknown format {format:?}: expected jsonl, ftm or csv"),
        ));
    }
    let records = s.store.export_records(&caller.ctx()).await?;
    let internal = |e: std::io::Error| ApiError::new(Code::Internal, e.to_string());
    let mut out = Vec::new();
    let content_type = match format.as_str() {
        "ftm" => {
            let ids: HashSet<String> = records.iter().map(|r| r.id.clone()).collect();
            let links = s.store.links_between(&ids).await?;
            concord_exchange::ftm::write_all(&mut out, &records, &links).map_err(internal)?;
            "application/x-ndjson"
        }
        "csv" => {
            concord_exchange::csv::write(&mut out, &records)
                .map_err(|e| ApiError::new(Code::Internal, e.to_string()))?;
            "text/csv; charset=utf-8"
        }
        _ => {
            for r in &records {
                let line = serde_json::to_string(&crate::routes::records::record_view(r))
                    .map_err(|e| ApiError::new(Code::Internal, e.to_string()))?;
                out.extend_from_slice(line.as_bytes());
                out.push(b'\n');
            }
            "application/x-ndjson"
        }
    };
    Ok(([(CONTENT_TYPE, content_type)], out))
}
