//! The unified list: proposals, every state's position, the timeline, and
//! the forms to take a position or review one.

use crate::AppState;
use crate::session::Posted;
use crate::{Console, Page, PageResult, render, see_other};
use askama::Template;
use axum::extract::{Path, State};
use concord_app::text::ProposalText;
use concord_domain::workflow::designation::{Position, Stage};
use concord_domain::{Checklist, Role};
use concord_store::Proposal;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "designations.html")]
struct ProposalList {
    page: Page,
    proposals: Vec<Proposal>,
    /// Organizations the viewer may propose: `(id, title)`.
    organizations: Option<Vec<(String, String)>>,
    instruments: Vec<(String, String)>,
}

pub async fn list(State(s): State<AppState>, c: Console) -> PageResult {
    let ctx = c.ctx();
    let proposals = s.store.designations(&ctx, None).await.map_err(|e| c.fail(e))?;
    let v = &c.caller.viewer;
    let organizations = if v.state.is_some() && v.roles.any(&[Role::Officer, Role::Supervisor]) {
        let q = concord_store::RecordQuery {
            kind: Some(concord_domain::RecordKind::Organization),
            compliance: Some(concord_domain::Compliance::Approved),
            ..concord_store::RecordQuery::first(200)
        };
        let orgs = s.store.list_records(&ctx, &q).await.map_err(|e| c.fail(e))?;
        Some(orgs.into_iter().map(|r| (r.id, r.title)).collect())
    } else {
        None
    };
    let instruments = c.instrument_choices(&s);
    Ok(render(&ProposalList {
        page: c.page("dsg-title", "designations"),
        proposals,
        organizations,
        instruments,
    }))
}

#[derive(Deserialize)]
pub struct ProposeForm {
    #[serde(default)]
    direction: String,
    #[serde(default)]
    record_id: String,
    #[serde(default)]
    instrument: String,
    #[serde(default)]
    article: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    act_kind: String,
    #[serde(default)]
    acts: String,
    #[serde(default)]
    when: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    attribution: String,
}

/// Read as the API reads its body (`concord_app::text`), so that the rules
/// and the field names of its errors are the same.
pub async fn propose(State(s): State<AppState>, Posted(c, f): Posted<ProposeForm>) -> PageResult {
    let input = concord_app::text::proposal_input(ProposalText {
        direction: &f.direction,
        record_id: f.record_id,
        new_organization: None,
        instrument: f.instrument,
        article: f.article,
        evidence: f.evidence,
        act_kind: Some(f.act_kind.as_str()),
        acts: f.acts,
        when: f.when,
        place: f.place,
        attribution: f.attribution,
    })
    .map_err(|e| c.fail(e))?;
    let p = concord_app::designations::propose(&s.store, &c.ctx(), input)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/designations/{}", p.id)))
}

#[derive(Template)]
#[template(path = "designation.html")]
struct ProposalPage {
    page: Page,
    p: Proposal,
    can_vote: bool,
    can_review: bool,
    /// The proposing authority, before an outcome.
    can_step: bool,
}

pub async fn show(State(s): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let p = s.store.designation(&c.ctx(), &id).await.map_err(|e| c.fail(e))?;
    let v = &c.caller.viewer;
    let can_vote = p.stage == Stage::SilencePeriod
        && v.roles.any(&[Role::Officer, Role::Supervisor])
        && v.state.as_ref().is_some_and(|st| {
            p.electorate.iter().any(|e| e == st.as_str()) && !p.positions.iter().any(|x| x.state == st.as_str())
        });
    let can_review = p.stage == Stage::ComplianceReview && v.is_structure() && v.roles.has(Role::Supervisor);
    let can_step = !p.stage.is_final()
        && p.proposer_authority == v.authority.as_str()
        && v.roles.any(&[Role::Officer, Role::Supervisor]);
    Ok(render(&ProposalPage {
        can_step,
        page: c.page_titled(p.organization.clone(), "designations"),
        p,
        can_vote,
        can_review,
    }))
}

#[derive(Deserialize)]
pub struct Vote {
    #[serde(default)]
    position: String,
    #[serde(default)]
    reasons: String,
}

pub async fn vote(State(s): State<AppState>, Path(id): Path<String>, Posted(c, f): Posted<Vote>) -> PageResult {
    let position = match f.position.as_str() {
        "accept" => Position::Accept,
        "object" => Position::Object,
        _ => {
            return Err(c.fail(concord_app::Refusal::invalid("position", "choose accept or object")));
        }
    };
    concord_app::designations::vote(&s.store, &c.ctx(), &id, position, f.reasons.trim())
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/designations/{id}")))
}

#[derive(Deserialize)]
pub struct Review {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reasons: String,
    criminal_act_described: Option<String>,
    legal_basis_cites_article: Option<String>,
    not_on_protected_grounds_alone: Option<String>,
}

pub async fn review(State(s): State<AppState>, Path(id): Path<String>, Posted(c, f): Posted<Review>) -> PageResult {
    let checklist = Checklist {
        criminal_act_described: f.criminal_act_described.is_some(),
        legal_basis_cites_article: f.legal_basis_cites_article.is_some(),
        not_on_protected_grounds_alone: f.not_on_protected_grounds_alone.is_some(),
    };
    concord_app::designations::review(
        &s.store,
        &c.ctx(),
        &id,
        f.decision == "pass",
        checklist,
        f.reasons.trim(),
    )
    .await
    .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/designations/{id}")))
}

#[derive(Template)]
#[template(path = "lists.html")]
struct ListsPage {
    page: Page,
    common: Vec<concord_store::ListEntry>,
    /// The viewer's state's list and its differences, for a member state.
    national: Option<(String, Vec<concord_store::NationalEntry>, concord_store::ListDifference)>,
}

/// The common list beside the viewer's state's list, and where they differ.
pub async fn lists(State(s): State<AppState>, c: Console) -> PageResult {
    let ctx = c.ctx();
    let common = s.store.common_list(&ctx).await.map_err(|e| c.fail(e))?;
    let national = match c.caller.viewer.state.clone() {
        Some(st) => {
            let list = s.store.national_list(&ctx, &st).await.map_err(|e| c.fail(e))?;
            let diff = s.store.list_differences(&ctx, &st).await.map_err(|e| c.fail(e))?;
            Some((st.to_string(), list, diff))
        }
        None => None,
    };
    Ok(render(&ListsPage {
        page: c.page("lists-title", "designations"),
        common,
        national,
    }))
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    note: String,
}

/// The proposer resubmits a returned proposal or withdraws one.
pub async fn proposer_step(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted(c, f): Posted<StepForm>,
) -> PageResult {
    concord_app::designations::proposer_step(&s.store, &c.ctx(), &id, f.step == "withdraw", &f.note)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/designations/{id}")))
}

#[derive(Deserialize)]
pub struct NationalForm {
    #[serde(default)]
    record_id: String,
    #[serde(default)]
    listed_on: String,
    #[serde(default)]
    note: String,
}

/// Adds an organization to the viewer's state's national list (with a date)
/// or takes it off (without one).
pub async fn set_national(State(s): State<AppState>, Posted(c, f): Posted<NationalForm>) -> PageResult {
    let day = Some(f.listed_on.trim())
        .filter(|d| !d.is_empty())
        .map(|d| concord_app::text::date("listed_on", d))
        .transpose()
        .map_err(|e| c.fail(e))?;
    let _entry = concord_app::designations::set_national_entry(&s.store, &c.ctx(), f.record_id.trim(), day, &f.note)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other("/console/designations/lists"))
}
