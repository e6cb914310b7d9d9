//! Links between the objects of one case: the section every detail page
//! of the anti-drug and judicial workflows shows, and the page that adds a
//! link (keeping what was typed when it is refused).

use crate::AppState;
use crate::session::Posted;
use crate::{Console, Page, PageError, PageResult, form_error, render, render_refused, see_other};
use askama::Template;
use axum::extract::{Path, State};
use concord_app::Refusal;
use concord_app::case_links::Linked;
use concord_domain::case_link::{CaseKind, CaseRef};
use serde::Deserialize;

/// The console page of an object.
pub fn href(end: &CaseRef) -> String {
    let section = match end.kind {
        CaseKind::Notification => "precursors",
        CaseKind::Incident => "precursors/incidents",
        CaseKind::Delivery => "deliveries",
        CaseKind::Operation => "operations",
        CaseKind::LegalRequest => "legal",
    };
    format!("/console/{section}/{}", end.id)
}

/// A link as a detail page lists it.
pub struct LinkRow {
    pub kind: CaseKind,
    pub href: String,
    pub title: String,
    pub note: String,
    pub authority: String,
    pub at: String,
}

impl From<Linked> for LinkRow {
    fn from(l: Linked) -> Self {
        LinkRow {
            kind: l.other.kind,
            href: href(&l.other),
            title: l.title,
            note: l.link.note,
            authority: l.link.authority,
            at: l.link.created_at,
        }
    }
}

/// The links of `id` its reader may follow, for a detail page.
pub async fn of(s: &AppState, c: &Console, id: &str) -> Result<Vec<LinkRow>, PageError> {
    Ok(concord_app::case_links::of(&s.store, &c.ctx(), id)
        .await
        .map_err(|e| c.fail(e))?
        .into_iter()
        .map(LinkRow::from)
        .collect())
}

/// A detail page's links, and the id to link from when its reader may
/// add links (an officer or supervisor).
pub async fn section(s: &AppState, c: &Console, id: &str) -> Result<(Vec<LinkRow>, Option<String>), PageError> {
    let may_link = c
        .caller
        .viewer
        .roles
        .any(&[concord_domain::Role::Officer, concord_domain::Role::Supervisor]);
    Ok((of(s, c, id).await?, may_link.then(|| id.to_owned())))
}

#[derive(Deserialize, Default)]
pub struct LinkForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "links.html")]
struct LinksPage {
    page: Page,
    case_id: String,
    back: String,
    title: String,
    links: Vec<LinkRow>,
    link_from: Option<String>,
    form: LinkForm,
    error: Option<(String, String)>,
}

async fn links_page(
    s: &AppState,
    c: &Console,
    id: &str,
    form: LinkForm,
    error: Option<(String, String)>,
) -> Result<LinksPage, PageError> {
    let ctx = c.ctx();
    let end = CaseRef::parse("id", id).map_err(|e| c.fail(Refusal::from(e)))?;
    let title = concord_app::case_links::title(&s.store, &ctx, &end)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(LinksPage {
        page: c.page_titled(format!("{} · {title}", c.tr.t("link-title")), "precursors"),
        case_id: end.id.clone(),
        back: href(&end),
        title,
        links: of(s, c, id).await?,
        link_from: None,
        form,
        error,
    })
}

pub async fn show(State(s): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    Ok(render(&links_page(&s, &c, &id, LinkForm::default(), None).await?))
}

pub async fn add(State(s): State<AppState>, Path(id): Path<String>, Posted(c, f): Posted<LinkForm>) -> PageResult {
    match concord_app::case_links::link(&s.store, &c.ctx(), &id, &f.to, &f.note).await {
        Ok(_) => Ok(see_other(&format!("/console/links/{id}"))),
        Err(e @ (Refusal::Invalid { .. } | Refusal::Conflict(_))) => {
            let error = Some(form_error(e));
            Ok(render_refused(&links_page(&s, &c, &id, f, error).await?))
        }
        Err(e) => Err(c.fail(e)),
    }
}
