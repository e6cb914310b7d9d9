use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, Code, ErrorBody};
use crate::json::Query;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use concord_app::records::FileFormat;
use concord_app::text::ImportText;
use concord_store::ImportReport;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use utoipa::{IntoParams, ToSchema};

/// Largest import body, in bytes.
pub const IMPORT_LIMIT: usize = concord_app::records::MAX_IMPORT_BYTES;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
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
    let format: FileFormat = q.format.parse().map_err(concord_app::Refusal::from)?;
    let d = concord_app::text::import_defaults(
        ImportText {
            instrument: &q.instrument,
            article: &q.article,
            category: &q.category,
            distribution: q.distribution.as_deref(),
            dissemination: q.dissemination.as_deref(),
            use_: q.use_.as_deref(),
            classification: q.classification.as_deref(),
            review_date: q.review_date.as_deref(),
            evidence: q.evidence,
        },
        s.store.clock().today(),
    )?;
    let report = concord_app::records::import_file(&s.store, &caller.ctx(), format, body.as_ref(), &d, |_| {})
        .await
        .map_err(concord_app::text::import_refusal)?;
    Ok(axum::Json(report.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
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
