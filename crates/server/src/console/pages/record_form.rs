//! Contributing a record from the console: the form becomes the API's
//! record body and goes through the API's handler, so the checks, and the
//! field each error names, are the same.

use crate::AppState;
use crate::console::session::Posted;
use crate::console::{Console, Page, PageResult, render, see_other};
use crate::json::Json;
use crate::views::{HandlingView, RecordRequest};
use askama::Template;
use axum::extract::State;
use concord_store::codec::{FactsDto, IdentifierDto, LegalBasisDto, NameDto};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct RecordForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    names: String,
    #[serde(default)]
    birth_dates: String,
    #[serde(default)]
    nationalities: String,
    #[serde(default)]
    identifiers: String,
    #[serde(default)]
    places: String,
    #[serde(default)]
    instrument: String,
    #[serde(default)]
    article: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    distribution: String,
    #[serde(default)]
    dissemination: String,
    #[serde(default)]
    use_: String,
    #[serde(default)]
    classification: String,
    #[serde(default)]
    review_date: String,
}

#[derive(Template)]
#[template(path = "record_form.html")]
struct RecordFormPage {
    page: Page,
    form: RecordForm,
    error: Option<(String, String)>,
    instruments: Vec<(String, String)>,
}

fn instruments(s: &AppState, c: &Console) -> Vec<(String, String)> {
    let lang = c.tr.lang.code();
    s.store
        .snapshot()
        .registry
        .instruments
        .values()
        .map(|i| (i.id.clone(), i.title.get(lang).to_owned()))
        .collect()
}

pub async fn form(State(s): State<AppState>, c: Console) -> PageResult {
    let form = RecordForm {
        kind: "person".into(),
        distribution: "all-members".into(),
        dissemination: "free".into(),
        use_: "intelligence-only".into(),
        classification: "restricted".into(),
        category: "terrorism".into(),
        ..RecordForm::default()
    };
    Ok(render(&RecordFormPage {
        instruments: instruments(&s, &c),
        page: c.page("record-new", "records"),
        form,
        error: None,
    }))
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

fn list(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `scheme: value (STATE)` per line.
fn identifier(line: &str) -> IdentifierDto {
    let (scheme, rest) = line.split_once(':').unwrap_or(("document", line));
    let rest = rest.trim();
    let (value, state) = match rest.rsplit_once('(') {
        Some((v, st)) if st.ends_with(')') => (v.trim(), Some(st.trim_end_matches(')').trim().to_owned())),
        _ => (rest, None),
    };
    IdentifierDto {
        scheme: scheme.trim().to_owned(),
        value: value.to_owned(),
        state,
    }
}

/// The API's body for the form: the first name is the primary one.
fn request(f: &RecordForm) -> RecordRequest {
    RecordRequest {
        kind: f.kind.clone(),
        facts: FactsDto {
            names: lines(&f.names)
                .enumerate()
                .map(|(i, n)| NameDto {
                    full: n.to_owned(),
                    script: None,
                    lang: None,
                    kind: Some(if i == 0 { "primary" } else { "alias" }.to_owned()),
                })
                .collect(),
            identifiers: lines(&f.identifiers).map(identifier).collect(),
            birth_dates: list(&f.birth_dates),
            nationalities: list(&f.nationalities),
            places: lines(&f.places).map(str::to_owned).collect(),
            ..FactsDto::default()
        },
        legal_basis: LegalBasisDto {
            instrument: f.instrument.clone(),
            article: f.article.clone(),
            category: f.category.clone(),
        },
        evidence: f.evidence.clone(),
        handling: HandlingView {
            distribution: f.distribution.clone(),
            dissemination: f.dissemination.clone(),
            use_: f.use_.clone(),
            classification: f.classification.clone(),
        },
        review_date: f.review_date.clone(),
    }
}

pub async fn create(State(s): State<AppState>, Posted(c, f): Posted<RecordForm>) -> PageResult {
    match crate::routes::records::create(State(s.clone()), c.caller.clone(), Json(request(&f))).await {
        Ok((_, axum::Json(r))) => Ok(see_other(&format!("/console/records/{}", r.id))),
        Err(e) if e.status().is_client_error() && e.status() != axum::http::StatusCode::FORBIDDEN => {
            Ok(render(&RecordFormPage {
                instruments: instruments(&s, &c),
                page: c.page("record-new", "records"),
                error: Some((e.field.clone().unwrap_or_default(), e.message)),
                form: f,
            }))
        }
        Err(e) => Err(c.fail(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_read_from_one_line_each() {
        let i = identifier("passport: AB 123456 (KZ)");
        assert_eq!(
            (i.scheme.as_str(), i.value.as_str(), i.state.as_deref()),
            ("passport", "AB 123456", Some("KZ"))
        );
        let i = identifier("N-77");
        assert_eq!(
            (i.scheme.as_str(), i.value.as_str(), i.state),
            ("document", "N-77", None)
        );
    }
}
