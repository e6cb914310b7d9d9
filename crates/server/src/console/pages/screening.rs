//! Screening one name, with every result's explanation.

use crate::AppState;
use crate::console::session::Posted;
use crate::console::{Console, Page, PageResult, render};
use crate::routes::screening::find;
use crate::screening::prepare;
use askama::Template;
use axum::extract::State;
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
    indexed: usize,
}

impl ScreeningPage {
    fn score(&self, s: impl std::fmt::Display) -> String {
        format!("{s:.3}")
    }
    fn effect(&self, e: impl std::fmt::Display) -> String {
        format!("{e:+.3}")
    }
}

pub async fn form(c: Console) -> PageResult {
    Ok(render(&ScreeningPage {
        page: c.page("screening-title", "screening"),
        form: ScreenForm::default(),
        error: None,
        hits: None,
        indexed: 0,
    }))
}

pub async fn run(State(s): State<AppState>, Posted(mut c, f): Posted<ScreenForm>) -> PageResult {
    let show_error = |c: &Console, f: ScreenForm, field: &str, message: String| {
        render(&ScreeningPage {
            page: c.page("screening-title", "screening"),
            form: f,
            error: Some((field.to_owned(), message)),
            hits: None,
            indexed: 0,
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
    let found = find(&s, &c.caller, &prepared, &opts).await.map_err(|e| c.fail(e))?;
    Ok(render(&ScreeningPage {
        page: c.page("screening-title", "screening"),
        form: f,
        error: None,
        hits: Some(found.hits),
        indexed: found.indexed,
    }))
}
