//! Cooperation programmes: the list with the overdue actions and the adopt
//! form, and a programme's page with each action's progress by state and
//! the progress form for a responsible state.

use crate::AppState;
use crate::session::Posted;
use crate::{Console, Page, PageError, PageResult, form_error, render, render_refused, see_other};
use askama::Template;
use axum::extract::{Path, State};
use concord_app::Refusal;
use concord_domain::programme::{ActionInput, Programme, ProgrammeAction, ProgrammeInput};
use concord_domain::{Distribution, HandlingCode, StateCode};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct AdoptForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    first_year: String,
    #[serde(default)]
    last_year: String,
    #[serde(default)]
    participants: String,
    #[serde(default)]
    title_0: String,
    #[serde(default)]
    responsible_0: String,
    #[serde(default)]
    indicator_0: String,
    #[serde(default)]
    deadline_0: String,
    #[serde(default)]
    title_1: String,
    #[serde(default)]
    responsible_1: String,
    #[serde(default)]
    indicator_1: String,
    #[serde(default)]
    deadline_1: String,
    #[serde(default)]
    classification: String,
}

impl AdoptForm {
    fn rows(&self) -> [(usize, &str, &str, &str, &str); 2] {
        [
            (
                0,
                &self.title_0,
                &self.responsible_0,
                &self.indicator_0,
                &self.deadline_0,
            ),
            (
                1,
                &self.title_1,
                &self.responsible_1,
                &self.indicator_1,
                &self.deadline_1,
            ),
        ]
    }

    fn input(&self) -> Result<ProgrammeInput, Refusal> {
        let year = |field: &str, v: &str| {
            v.trim()
                .parse::<i32>()
                .map_err(|_| Refusal::invalid(field, format!("{v:?} is not a year")))
        };
        let mut actions = Vec::new();
        for (i, title, responsible, indicator, deadline) in self.rows() {
            if [title, responsible, indicator, deadline]
                .iter()
                .all(|v| v.trim().is_empty())
            {
                continue;
            }
            actions.push(ActionInput {
                title: title.to_owned(),
                responsible: crate::split_states(responsible),
                indicator: indicator.to_owned(),
                deadline: concord_app::text::date(&format!("actions[{i}].deadline"), deadline)?,
            });
        }
        Ok(ProgrammeInput {
            name: self.name.clone(),
            first_year: year("first_year", &self.first_year)?,
            last_year: year("last_year", &self.last_year)?,
            participants: crate::split_states(&self.participants),
            actions,
            handling: HandlingCode {
                distribution: Distribution::OriginatorOnly,
                dissemination: concord_domain::Dissemination::Free,
                use_: concord_domain::Use::Evidence,
                classification: concord_app::text::field("classification", &self.classification)?,
            },
        })
    }
}

#[derive(Template)]
#[template(path = "programmes.html")]
struct ProgrammeList {
    page: Page,
    programmes: Vec<Programme>,
    overdue: Vec<(Programme, ProgrammeAction)>,
    form: Option<AdoptForm>,
    error: Option<(String, String)>,
}

async fn list_page(
    s: &AppState,
    c: &Console,
    form: Option<AdoptForm>,
    error: Option<(String, String)>,
) -> Result<ProgrammeList, PageError> {
    let ctx = c.ctx();
    let programmes = concord_app::programmes::list(&s.store, &ctx, 200)
        .await
        .map_err(|e| c.fail(e))?;
    let overdue = concord_app::programmes::overdue(&s.store, &ctx)
        .await
        .map_err(|e| c.fail(e))?;
    let works = ctx
        .viewer
        .roles
        .any(&[concord_domain::Role::Officer, concord_domain::Role::Supervisor]);
    let year = s.store.clock().today().year();
    let form = works.then(|| {
        form.unwrap_or_else(|| AdoptForm {
            first_year: year.to_string(),
            last_year: (year + 2).to_string(),
            participants: ctx.viewer.state.as_ref().map(|s| s.to_string()).unwrap_or_default(),
            classification: "restricted".into(),
            ..AdoptForm::default()
        })
    });
    Ok(ProgrammeList {
        page: c.page("prg-title", "programmes"),
        programmes,
        overdue,
        form,
        error,
    })
}

pub async fn list(State(s): State<AppState>, c: Console) -> PageResult {
    Ok(render(&list_page(&s, &c, None, None).await?))
}

pub async fn adopt(State(s): State<AppState>, Posted(c, f): Posted<AdoptForm>) -> PageResult {
    let done = match f.input() {
        Ok(input) => concord_app::programmes::adopt(&s.store, &c.ctx(), input).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(p) => Ok(see_other(&format!("/console/programmes/{}", p.id))),
        Err(e @ Refusal::Invalid { .. }) => Ok(render_refused(&list_page(&s, &c, Some(f), Some(form_error(e))).await?)),
        Err(e) => Err(c.fail(e)),
    }
}

#[derive(Template)]
#[template(path = "programme.html")]
struct ProgrammePage {
    page: Page,
    p: Programme,
    own: Option<StateCode>,
    today: time::Date,
}

impl ProgrammePage {
    fn reports(&self, a: &ProgrammeAction) -> bool {
        self.own.as_ref().is_some_and(|s| a.responsible.contains(s))
    }
    fn percent(&self, a: &ProgrammeAction, s: &StateCode) -> String {
        a.progress
            .get(s)
            .map_or_else(|| "–".to_owned(), |g| format!("{} %", g.percent))
    }
    fn note(&self, a: &ProgrammeAction, s: &StateCode) -> String {
        a.progress.get(s).map(|g| g.note.clone()).unwrap_or_default()
    }
}

pub async fn show(State(s): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let ctx = c.ctx();
    let p = concord_app::programmes::get(&s.store, &ctx, &id)
        .await
        .map_err(|e| c.fail(e))?;
    let works = ctx
        .viewer
        .roles
        .any(&[concord_domain::Role::Officer, concord_domain::Role::Supervisor]);
    Ok(render(&ProgrammePage {
        page: c.page_titled(format!("{} · {}", c.tr.t("prg-one"), p.name), "programmes"),
        own: ctx.viewer.state.clone().filter(|_| works),
        today: s.store.clock().today(),
        p,
    }))
}

#[derive(Deserialize)]
pub struct ProgressForm {
    #[serde(default)]
    position: i64,
    #[serde(default)]
    percent: String,
    #[serde(default)]
    note: String,
}

pub async fn progress(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted(c, f): Posted<ProgressForm>,
) -> PageResult {
    let percent: i64 = f.percent.trim().trim_end_matches('%').trim().parse().map_err(|_| {
        c.fail(Refusal::invalid(
            "percent",
            format!("{:?} is not a whole number", f.percent),
        ))
    })?;
    concord_app::programmes::report(&s.store, &c.ctx(), &id, f.position, percent, &f.note)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/programmes/{id}")))
}
