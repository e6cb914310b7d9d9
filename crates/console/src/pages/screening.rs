//! Screening one name, with every result's explanation.

use crate::AppState;
use crate::jobs::{self, Progress, progress};
use crate::see_other;
use crate::session::Posted;
use crate::session::same;
use crate::{Console, Page, PageResult, render};
use askama::Template;
use axum::extract::State;
use axum::extract::{Multipart, Path};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use concord_exchange::subjects::prepare;
use concord_matcher::Explanation;
use concord_store::Record;
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Deserialize, Default)]
pub struct ScreenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    nationality: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    threshold: String,
    #[serde(default)]
    purpose: String,
}

#[derive(Template)]
#[template(path = "screening.html")]
struct ScreeningPage {
    page: Page,
    form: ScreenForm,
    error: Option<(String, String)>,
    hits: Option<Vec<(Record, f64, Explanation)>>,
    jobs: Vec<Progress>,
}

impl ScreeningPage {
    fn score(&self, s: impl std::fmt::Display) -> String {
        format!("{s:.3}")
    }
    fn effect(&self, e: impl std::fmt::Display) -> String {
        format!("{e:+.3}")
    }
}

pub async fn form(State(s): State<AppState>, c: Console) -> PageResult {
    Ok(render(&ScreeningPage {
        page: c.page("screening-title", "screening"),
        form: ScreenForm::default(),
        error: None,
        hits: None,
        jobs: s.batches.of(c.caller.user.id.as_str()),
    }))
}

pub async fn run(State(s): State<AppState>, Posted(mut c, f): Posted<ScreenForm>) -> PageResult {
    let show_error = |c: &Console, f: ScreenForm, field: &str, message: String| {
        crate::render_refused(&ScreeningPage {
            page: c.page("screening-title", "screening"),
            form: f,
            error: Some((field.to_owned(), message)),
            hits: None,
            jobs: vec![],
        })
    };
    if f.purpose.trim().is_empty() {
        let m = c.tr.t("screening-purpose-needed");
        return Ok(show_error(&c, f, "purpose", m));
    }
    let mut o = Map::new();
    o.insert("name".into(), Value::String(f.name.clone()));
    for (key, value) in [
        ("birth_date", &f.birth_date),
        ("nationality", &f.nationality),
        ("kind", &f.kind),
    ] {
        if !value.trim().is_empty() {
            o.insert(key.into(), Value::String(value.trim().to_owned()));
        }
    }
    if !f.threshold.trim().is_empty() {
        match f.threshold.trim().parse::<f64>() {
            Ok(t) => {
                o.insert("threshold".into(), Value::from(t));
            }
            Err(_) => {
                let m = c.tr.t("screening-threshold-invalid");
                return Ok(show_error(&c, f, "threshold", m));
            }
        }
    }
    let (_, prepared, opts) = match prepare(&Value::Object(o)) {
        Ok(p) => p,
        Err((field, message)) => {
            return Ok(show_error(&c, f, field.as_deref().unwrap_or("name"), message));
        }
    };
    c.caller.purpose = f.purpose.trim().chars().take(200).collect();
    let found = concord_app::screening::find(&s.screening, &s.store, &c.ctx(), &prepared, &opts)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(render(&ScreeningPage {
        page: c.page("screening-title", "screening"),
        form: f,
        error: None,
        hits: Some(found.hits),
        jobs: vec![],
    }))
}

/// Largest batch file, in bytes.
pub const UPLOAD_LIMIT: usize = 16 * 1024 * 1024;

/// A batch file: multipart with `csrf`, `purpose` and `file`; the token is
/// checked before anything is read into a job.
pub async fn upload(State(s): State<AppState>, mut c: Console, mut form: Multipart) -> PageResult {
    let (mut csrf, mut purpose, mut file) = (String::new(), String::new(), None);
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(c.refuse(StatusCode::BAD_REQUEST, "file", e.body_text())),
        };
        match field.name().unwrap_or("") {
            "csrf" => {
                csrf = field
                    .text()
                    .await
                    .map_err(|e| c.refuse(e.status(), "csrf", e.body_text()))?
            }
            "purpose" => {
                purpose = field
                    .text()
                    .await
                    .map_err(|e| c.refuse(e.status(), "purpose", e.body_text()))?
            }
            "file" => {
                let name = field.file_name().unwrap_or("batch").to_owned();
                match field.bytes().await {
                    Ok(b) => file = Some((name, b)),
                    Err(e) => return Err(c.refuse(e.status(), "file", e.body_text())),
                }
            }
            _ => {}
        }
    }
    if !same(&csrf, &c.csrf) {
        return Err(c.refuse(StatusCode::FORBIDDEN, "csrf", c.tr.t("error-csrf")));
    }
    if purpose.trim().is_empty() {
        return Err(c.refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "purpose",
            c.tr.t("screening-purpose-needed"),
        ));
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(c.refuse(StatusCode::UNPROCESSABLE_ENTITY, "file", c.tr.t("batch-no-file")));
    };
    let lines = jobs::subjects(&name, &bytes).map_err(|e| c.refuse(StatusCode::UNPROCESSABLE_ENTITY, "file", e))?;
    c.caller.purpose = purpose.trim().chars().take(200).collect();
    let id = concord_app::batches::start(&s.batches, &s.screening, &s.store, c.caller.clone(), name, lines)
        .map_err(|e| c.refuse(StatusCode::INTERNAL_SERVER_ERROR, "file", e))?;
    Ok(see_other(&format!("/console/screening/batch/{id}")))
}

#[derive(Template)]
#[template(path = "batch.html")]
struct BatchPage {
    page: Page,
    p: Progress,
    /// Lines with hits or errors, the first hundred.
    lines: Vec<jobs::LineResult>,
}

impl BatchPage {
    fn score(&self, s: impl std::fmt::Display) -> String {
        format!("{s:.3}")
    }
}

pub async fn job(State(s): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let Some(job) = s.batches.get(&id, c.caller.user.id.as_str()) else {
        return Err(c.fail(concord_app::Refusal::NotFound(format!("batch {id}"))));
    };
    let (p, lines) = {
        let j = job.lock().unwrap_or_else(|e| e.into_inner());
        let lines = j
            .results
            .iter()
            .filter(|r| !r.hits.is_empty() || r.error.is_some())
            .take(100)
            .cloned()
            .collect();
        (progress(&j), lines)
    };
    Ok(render(&BatchPage {
        page: c.page("batch-title", "screening"),
        p,
        lines,
    }))
}

pub async fn download(State(s): State<AppState>, c: Console, Path((id, file)): Path<(String, String)>) -> PageResult {
    let Some(job) = s.batches.get(&id, c.caller.user.id.as_str()) else {
        return Err(c.fail(concord_app::Refusal::NotFound(format!("batch {id}"))));
    };
    let (body, kind) = {
        let j = job.lock().unwrap_or_else(|e| e.into_inner());
        match file.as_str() {
            "results.jsonl" => (jobs::to_jsonl(&j), "application/x-ndjson; charset=utf-8"),
            "results.csv" => (
                jobs::to_csv(&j).map_err(|e| c.refuse(StatusCode::INTERNAL_SERVER_ERROR, "file", e))?,
                "text/csv; charset=utf-8",
            ),
            _ => {
                return Err(c.fail(concord_app::Refusal::NotFound(format!("file {file}"))));
            }
        }
    };
    let mut res = body.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{id}-{file}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
