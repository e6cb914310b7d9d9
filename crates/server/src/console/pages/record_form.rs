//! Contributing a record from the console: the form becomes the API's
//! record body and goes through the API's handler, so the checks, and the
//! field each error names, are the same.

use crate::AppState;
use crate::console::session::Posted;
use crate::console::{Console, Page, PageResult, render, see_other};
use crate::json::Json;
use crate::views::{HandlingView, RecordRequest, RecordUpdate, RelationshipRequest};
use askama::Template;
use axum::extract::{Path, State};
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
    /// Editing: the version changed and why.
    #[serde(default)]
    version: i64,
    #[serde(default)]
    reason: String,
}

#[derive(Template)]
#[template(path = "record_form.html")]
struct RecordFormPage {
    page: Page,
    form: RecordForm,
    error: Option<(String, String)>,
    instruments: Vec<(String, String)>,
    /// Editing this record (the form posts to its edit address).
    editing: Option<String>,
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
        instruments: c.instrument_choices(&s),
        page: c.page("record-new", "records"),
        form,
        error: None,
        editing: None,
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
                instruments: c.instrument_choices(&s),
                page: c.page("record-new", "records"),
                error: Some((e.field.clone().unwrap_or_default(), e.message)),
                form: f,
                editing: None,
            }))
        }
        Err(e) => Err(c.fail(e)),
    }
}

/// The form filled from a record, to change it.
fn from_record(r: &concord_store::Record) -> RecordForm {
    let h = &r.protected.handling;
    RecordForm {
        kind: r.kind.to_string(),
        names: r
            .facts
            .names
            .iter()
            .map(|n| n.full.clone())
            .collect::<Vec<_>>()
            .join("\n"),
        birth_dates: r
            .facts
            .birth_dates
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        nationalities: r
            .facts
            .nationalities
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        identifiers: r
            .facts
            .identifiers
            .iter()
            .map(|i| match &i.state {
                Some(st) => format!("{}: {} ({st})", i.scheme, i.value),
                None => format!("{}: {}", i.scheme, i.value),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        places: r.facts.places.join("\n"),
        instrument: r.legal_basis.instrument.clone(),
        article: r.legal_basis.article.clone(),
        category: r.legal_basis.category.to_string(),
        evidence: r.evidence.clone(),
        distribution: h.distribution.to_string(),
        dissemination: h.dissemination.to_string(),
        use_: h.use_.to_string(),
        classification: h.classification.to_string(),
        review_date: r.protected.review_date.map(|d| d.to_string()).unwrap_or_default(),
        version: r.version,
        reason: String::new(),
    }
}

pub async fn edit_form(State(s): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let r = s.store.get_record(&c.ctx(), &id).await.map_err(|e| c.fail(e))?;
    Ok(render(&RecordFormPage {
        instruments: c.instrument_choices(&s),
        page: c.page_titled(r.title.clone(), "records"),
        form: from_record(&r),
        error: None,
        editing: Some(id),
    }))
}

/// A new version through the API's handler: a stale version is a conflict,
/// and the record goes back to its compliance review.
pub async fn update(State(s): State<AppState>, Path(id): Path<String>, Posted(c, f): Posted<RecordForm>) -> PageResult {
    let req = RecordUpdate {
        version: f.version,
        reason: f.reason.clone(),
        record: request(&f),
    };
    match crate::routes::records::update(State(s.clone()), c.caller.clone(), Path(id.clone()), Json(req)).await {
        Ok(_) => Ok(see_other(&format!("/console/records/{id}"))),
        Err(e) if e.status() == axum::http::StatusCode::UNPROCESSABLE_ENTITY => Ok(render(&RecordFormPage {
            instruments: c.instrument_choices(&s),
            page: c.page("record-edit", "records"),
            error: Some((e.field.clone().unwrap_or_default(), e.message)),
            form: f,
            editing: Some(id),
        })),
        Err(e) => Err(c.fail(e)),
    }
}

#[derive(Deserialize)]
pub struct RelateForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    source: String,
    /// Whether this record is the subject (`from`) of the relationship.
    #[serde(default)]
    direction: String,
}

pub async fn relate(State(s): State<AppState>, Path(id): Path<String>, Posted(c, f): Posted<RelateForm>) -> PageResult {
    let (from, to) = if f.direction == "to" {
        (f.to.trim().to_owned(), id.clone())
    } else {
        (id.clone(), f.to.trim().to_owned())
    };
    let req = RelationshipRequest {
        from,
        to,
        kind: f.kind,
        since: Some(f.since.trim().to_owned()).filter(|x| !x.is_empty()),
        until: None,
        source: f.source,
    };
    // The relationship shows on the record page the browser goes back to.
    let _recorded = crate::routes::records::relate(State(s.clone()), c.caller.clone(), Json(req))
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/records/{id}")))
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
