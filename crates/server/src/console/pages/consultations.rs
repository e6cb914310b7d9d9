//! Emergency consultations and their timeline.

use crate::AppState;
use crate::console::{Console, Page, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use concord_store::Consultation;

#[derive(Template)]
#[template(path = "consultations.html")]
struct ConsultationList {
    page: Page,
    consultations: Vec<Consultation>,
}

pub async fn list(State(s): State<AppState>, c: Console) -> PageResult {
    let consultations = s.store.consultations(&c.ctx()).await.map_err(|e| c.fail(e))?;
    Ok(render(&ConsultationList {
        page: c.page("cons-title", "consultations"),
        consultations,
    }))
}

#[derive(Template)]
#[template(path = "consultation.html")]
struct ConsultationPage {
    page: Page,
    k: Consultation,
}

pub async fn show(State(s): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let k = s.store.consultation(&c.ctx(), &id).await.map_err(|e| c.fail(e))?;
    Ok(render(&ConsultationPage {
        page: c.page("cons-one", "consultations"),
        k,
    }))
}
