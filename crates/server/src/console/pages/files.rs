//! Importing and exporting files from the console, through the API's
//! handlers: FollowTheMoney JSON lines, CSV, the UN consolidated list XML.
//! An import is all or nothing; its error names the line and field.

use crate::AppState;
use crate::console::session::same;
use crate::console::{Console, Page, PageResult, render};
use crate::routes::exchange::{ImportQuery, ImportReportView, import};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;

/// Largest file the console imports.
pub const UPLOAD_LIMIT: usize = crate::routes::exchange::IMPORT_LIMIT;

#[derive(Template)]
#[template(path = "files.html")]
struct FilesPage {
    page: Page,
    instruments: Vec<(String, String)>,
    report: Option<ImportReportView>,
    error: Option<(String, String)>,
}

fn page(
    s: &AppState,
    c: &Console,
    report: Option<ImportReportView>,
    error: Option<(String, String)>,
) -> axum::response::Response {
    let instruments = c.instrument_choices(s);
    render(&FilesPage {
        page: c.page("files-title", "records"),
        instruments,
        report,
        error,
    })
}

pub async fn show(State(s): State<AppState>, c: Console) -> PageResult {
    Ok(page(&s, &c, None, None))
}

/// The settings of an import as the API's query, the file as its body.
pub async fn upload(State(s): State<AppState>, c: Console, mut form: Multipart) -> PageResult {
    let mut settings: Vec<(String, String)> = vec![];
    let mut csrf = String::new();
    let mut file = Bytes::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(c.refuse(e.status(), "file", e.body_text())),
        };
        let name = field.name().unwrap_or("").to_owned();
        match name.as_str() {
            "file" => {
                file = field
                    .bytes()
                    .await
                    .map_err(|e| c.refuse(e.status(), "file", e.body_text()))?
            }
            _ => {
                let value = field.text().await.unwrap_or_default();
                if name == "csrf" {
                    csrf = value;
                } else if !value.trim().is_empty() {
                    settings.push((name, value.trim().to_owned()));
                }
            }
        }
    }
    if !same(&csrf, &c.csrf) {
        return Err(c.refuse(StatusCode::FORBIDDEN, "csrf", c.tr.t("error-csrf")));
    }
    if file.is_empty() {
        return Ok(page(&s, &c, None, Some(("file".into(), c.tr.t("batch-no-file")))));
    }
    let query = serde_urlencoded::to_string(&settings).unwrap_or_default();
    let q: ImportQuery = match serde_urlencoded::from_str(&query) {
        Ok(q) => q,
        Err(e) => return Ok(page(&s, &c, None, Some((String::new(), e.to_string())))),
    };
    match import(State(s.clone()), c.caller.clone(), crate::json::Query(q), file).await {
        Ok(axum::Json(report)) => Ok(page(&s, &c, Some(report), None)),
        Err(e) if e.status().is_client_error() && e.status() != StatusCode::FORBIDDEN => Ok(page(
            &s,
            &c,
            None,
            Some((e.field.clone().unwrap_or_default(), e.message)),
        )),
        Err(e) => Err(c.fail(e)),
    }
}
