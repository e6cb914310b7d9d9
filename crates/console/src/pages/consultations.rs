//! Emergency consultations and their timeline.

use crate::AppState;
use crate::{Console, Page, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use concord_domain::workflow::consultation::Stage;
use concord_store::Consultation;

#[derive(Template)]
#[template(path = "consultations.html")]
struct ConsultationList {
    page: Page,
    consultations: Vec<Consultation>,
    can_propose: bool,
}

/// The viewer's state when it speaks for it in consultations (the store's rule).
fn consulting(s: &AppState, c: &Console) -> Option<String> {
    concord_app::consultations::speaking_for(&s.store, &c.ctx())
        .ok()
        .map(|st| st.to_string())
}

pub async fn list(State(s): State<AppState>, c: Console) -> PageResult {
    let consultations = s.store.consultations(&c.ctx()).await.map_err(|e| c.fail(e))?;
    Ok(render(&ConsultationList {
        can_propose: consulting(&s, &c).is_some(),
        page: c.page("cons-title", "consultations"),
        consultations,
    }))
}

#[derive(Template)]
#[template(path = "consultation.html")]
struct ConsultationPage {
    page: Page,
    k: Consultation,
    /// The viewer's state when it speaks for it.
    state: Option<String>,
}

impl ConsultationPage {
    fn can_second(&self) -> bool {
        self.k.stage == Stage::Proposed
            && self
                .state
                .as_ref()
                .is_some_and(|st| !self.k.proposals.iter().any(|(p, _)| p == st))
    }
    fn member(&self) -> bool {
        self.k.stage == Stage::Convened && self.state.as_ref().is_some_and(|st| self.k.members.contains(st))
    }
    fn can_answer(&self) -> bool {
        self.member()
            && self.k.version > 0
            && self.state.as_ref().is_some_and(|st| {
                !self
                    .k
                    .verdicts
                    .iter()
                    .any(|v| v.version == self.k.version && &v.state == st)
            })
    }
}

pub async fn show(State(s): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let k = s.store.consultation(&c.ctx(), &id).await.map_err(|e| c.fail(e))?;
    Ok(render(&ConsultationPage {
        state: consulting(&s, &c),
        page: c.page("cons-one", "consultations"),
        k,
    }))
}
