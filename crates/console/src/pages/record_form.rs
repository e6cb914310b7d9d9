//! Contributing a record from the console: the form's texts are read as the
//! API's are (`concord_app::text`) and go to the same use cases, so the
//! checks, and the field each error names, are the same.

use crate::AppState;
use crate::session::Posted;
use crate::{Console, Page, PageResult, render, see_other};
use askama::Template;
use axum::extract::{Path, State};
use concord_app::Refusal;
use concord_app::text::{self, HandlingText, RecordText};
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

/// The form's facts: the first name is the primary one.
fn facts(f: &RecordForm) -> FactsDto {
    FactsDto {
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
    }
}

/// The record the form describes, or the refusal naming the field at fault.
fn input(f: &RecordForm) -> Result<concord_domain::RecordInput, Refusal> {
    let handling = HandlingText {
        distribution: f.distribution.clone(),
        dissemination: f.dissemination.clone(),
        use_: f.use_.clone(),
        classification: f.classification.clone(),
    };
    let legal_basis = LegalBasisDto {
        instrument: f.instrument.clone(),
        article: f.article.clone(),
        category: f.category.clone(),
    };
    text::record_input(&RecordText {
        kind: &f.kind,
        facts: &facts(f),
        legal_basis: &legal_basis,
        evidence: &f.evidence,
        handling: &handling,
        review_date: &f.review_date,
    })
}

pub async fn create(State(s): State<AppState>, Posted(c, f): Posted<RecordForm>) -> PageResult {
    let created = match input(&f) {
        Ok(i) => concord_app::records::create(&s.store, &c.ctx(), i).await,
        Err(e) => Err(e),
    };
    match created.map_err(text::from_record_root) {
        Ok(r) => Ok(see_other(&format!("/console/records/{}", r.id))),
        Err(e @ (Refusal::Invalid { .. } | Refusal::Conflict(_) | Refusal::NotFound(_))) => {
            Ok(crate::render_refused(&RecordFormPage {
                instruments: c.instrument_choices(&s),
                page: c.page("record-new", "records"),
                error: Some(crate::form_error(e)),
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

/// A new version: a stale version is a conflict, and the record goes back
/// to its compliance review.
pub async fn update(State(s): State<AppState>, Path(id): Path<String>, Posted(c, f): Posted<RecordForm>) -> PageResult {
    let updated = match input(&f) {
        Ok(i) => concord_app::records::update(&s.store, &c.ctx(), &id, f.version, i, &f.reason).await,
        Err(e) => Err(e),
    };
    match updated.map_err(text::from_record_root) {
        Ok(_) => Ok(see_other(&format!("/console/records/{id}"))),
        // A stale version is a conflict page: the form would show old content.
        Err(e @ Refusal::Invalid { .. }) => Ok(crate::render_refused(&RecordFormPage {
            instruments: c.instrument_choices(&s),
            page: c.page("record-edit", "records"),
            error: Some(crate::form_error(e)),
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
    let kind = text::field("kind", &f.kind).map_err(|e| c.fail(e))?;
    let since = Some(f.since.trim())
        .filter(|x| !x.is_empty())
        .map(|d| text::date("since", d))
        .transpose()
        .map_err(|e| c.fail(e))?;
    // The relationship shows on the record page the browser goes back to.
    let link = concord_store::Link {
        from: &from,
        to: &to,
        kind,
        since,
        until: None,
        source: &f.source,
    };
    let _recorded = concord_app::records::relate(&s.store, &c.ctx(), link)
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
