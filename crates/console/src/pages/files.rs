//! Importing and exporting files from the console: FollowTheMoney JSON
//! lines, CSV, the UN consolidated list XML. The settings are read as the
//! API reads its query (`concord_app::text`), and the file goes to the same
//! use case. An import is all or nothing; its error names the line and field.

use crate::AppState;
use crate::session::same;
use crate::{Console, Page, PageResult, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use concord_app::Refusal;
use concord_app::records::FileFormat;
use concord_app::text::ImportText;
use concord_store::ImportReport;
use std::collections::BTreeMap;

/// Largest file the console imports.
pub const UPLOAD_LIMIT: usize = concord_app::records::MAX_IMPORT_BYTES;

#[derive(Template)]
#[template(path = "files.html")]
struct FilesPage {
    page: Page,
    instruments: Vec<(String, String)>,
    report: Option<ImportReport>,
    error: Option<(String, String)>,
}

fn page(
    s: &AppState,
    c: &Console,
    report: Option<ImportReport>,
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
    let mut settings: BTreeMap<String, String> = BTreeMap::new();
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
                let value = field
                    .text()
                    .await
                    .map_err(|e| c.refuse(e.status(), &name, e.body_text()))?;
                if name == "csrf" {
                    csrf = value;
                } else if !value.trim().is_empty() {
                    settings.insert(name, value.trim().to_owned());
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
    match import(&s, &c, &settings, file).await {
        Ok(report) => Ok(page(&s, &c, Some(report), None)),
        Err(e @ (Refusal::Invalid { .. } | Refusal::Conflict(_))) => Ok(page(&s, &c, None, Some(crate::form_error(e)))),
        Err(e) => Err(c.fail(e)),
    }
}

/// The settings the form may carry; any other is refused by name.
const SETTINGS: &[&str] = &[
    "format",
    "instrument",
    "article",
    "category",
    "distribution",
    "dissemination",
    "use",
    "classification",
    "review_date",
    "evidence",
];

async fn import(
    s: &AppState,
    c: &Console,
    settings: &BTreeMap<String, String>,
    file: Bytes,
) -> Result<ImportReport, Refusal> {
    if let Some(other) = settings.keys().find(|k| !SETTINGS.contains(&k.as_str())) {
        return Err(Refusal::invalid(other.clone(), "not a setting of an import"));
    }
    let get = |k: &str| settings.get(k).map(String::as_str);
    let format: FileFormat = get("format").unwrap_or("").parse()?;
    let d = concord_app::text::import_defaults(
        ImportText {
            instrument: get("instrument").unwrap_or(""),
            article: get("article").unwrap_or(""),
            category: get("category").unwrap_or(""),
            distribution: get("distribution"),
            dissemination: get("dissemination"),
            use_: get("use"),
            classification: get("classification"),
            review_date: get("review_date"),
            evidence: get("evidence").map(str::to_owned),
        },
        s.store.clock().today(),
    )?;
    concord_app::records::import_file(&s.store, &c.ctx(), format, file.as_ref(), &d, |_| {})
        .await
        .map_err(concord_app::text::import_refusal)
}
