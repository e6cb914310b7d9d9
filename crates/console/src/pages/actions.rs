//! The decisions taken from the console: compliance, review, data-subject
//! requests, emergency consultations. Each is a form (`Posted`, so its CSRF
//! token is checked), calls the same store function as the API, and leads
//! back to the page it came from.

use crate::AppState;
use crate::session::Posted;
use crate::{Console, PageResult, see_other};
use axum::extract::{Path, State};
use concord_domain::Checklist;
use concord_domain::workflow::consultation::Verdict;
use concord_store::RequestKind;
use serde::Deserialize;

fn field(c: &Console, name: &str, message: &str) -> crate::PageError {
    c.fail(concord_app::Refusal::invalid(name, message))
}

#[derive(Deserialize)]
pub struct ComplianceForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    version: i64,
    criminal_act_described: Option<String>,
    legal_basis_cites_article: Option<String>,
    not_on_protected_grounds_alone: Option<String>,
}

pub async fn compliance(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted(c, f): Posted<ComplianceForm>,
) -> PageResult {
    let checklist = Checklist {
        criminal_act_described: f.criminal_act_described.is_some(),
        legal_basis_cites_article: f.legal_basis_cites_article.is_some(),
        not_on_protected_grounds_alone: f.not_on_protected_grounds_alone.is_some(),
    };
    concord_app::records::decide_compliance(
        &s.store,
        &c.ctx(),
        &id,
        f.decision == "approve",
        checklist,
        &f.note,
        f.version,
    )
    .await
    .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/records/{id}")))
}

#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    new_date: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    version: i64,
}

pub async fn review(State(s): State<AppState>, Path(id): Path<String>, Posted(c, f): Posted<ReviewForm>) -> PageResult {
    let ctx = c.ctx();
    if f.decision == "archive" {
        concord_app::records::archive(&s.store, &ctx, &id, f.version, &f.reason)
            .await
            .map_err(|e| c.fail(e))?;
        return Ok(see_other("/console/queues"));
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date =
        time::Date::parse(f.new_date.trim(), &format).map_err(|_| field(&c, "new_date", "a date as YYYY-MM-DD"))?;
    concord_app::records::extend_review(&s.store, &ctx, &id, f.version, date, &f.reason)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/records/{id}")))
}

#[derive(Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    requester: String,
    #[serde(default)]
    details: String,
}

pub async fn register_request(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted(c, f): Posted<RequestForm>,
) -> PageResult {
    let kind: RequestKind = f
        .kind
        .parse()
        .map_err(|_| field(&c, "kind", "access, correction or deletion"))?;
    concord_app::requests::register(&s.store, &c.ctx(), &id, kind, &f.requester, &f.details)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other("/console/queues"))
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    grant: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reply: String,
}

pub async fn decide_request(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted(c, f): Posted<DecisionForm>,
) -> PageResult {
    concord_app::requests::decide(&s.store, &c.ctx(), &id, f.grant == "grant", &f.decision, &f.reply)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other("/console/queues"))
}

#[derive(Deserialize)]
pub struct TextForm {
    #[serde(default)]
    text: String,
}

pub async fn propose_consultation(State(s): State<AppState>, Posted(c, f): Posted<TextForm>) -> PageResult {
    let k = concord_app::consultations::propose(&s.store, &c.ctx(), &f.text)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/consultations/{}", k.id)))
}

/// `second`, `agenda` or `statement` on a consultation.
pub async fn consultation_step(
    State(s): State<AppState>,
    Path((id, step)): Path<(String, String)>,
    Posted(c, f): Posted<TextForm>,
) -> PageResult {
    let ctx = c.ctx();
    let done = match step.as_str() {
        "second" => concord_app::consultations::second(&s.store, &ctx, &id, &f.text).await,
        "agenda" => concord_app::consultations::set_agenda(&s.store, &ctx, &id, &f.text).await,
        "statement" => concord_app::consultations::draft_statement(&s.store, &ctx, &id, &f.text).await,
        _ => return Err(field(&c, "step", "second, agenda or statement")),
    };
    done.map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/consultations/{id}")))
}

#[derive(Deserialize)]
pub struct VerdictForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    verdict: String,
    #[serde(default)]
    reasons: String,
}

pub async fn verdict(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted(c, f): Posted<VerdictForm>,
) -> PageResult {
    let verdict: Verdict = f
        .verdict
        .parse()
        .map_err(|_| field(&c, "verdict", "approve or changes-requested"))?;
    concord_app::consultations::answer_statement(&s.store, &c.ctx(), &id, f.version, verdict, &f.reasons)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/consultations/{id}")))
}

#[derive(Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    decision: String,
}

/// Erases a record by a recorded data-protection decision: a tombstone
/// stays, with the decision, and the audit log says who and why.
pub async fn erase(State(s): State<AppState>, Path(id): Path<String>, Posted(c, f): Posted<EraseForm>) -> PageResult {
    concord_app::records::erase(&s.store, &c.ctx(), &id, &f.decision)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/records/{id}")))
}
