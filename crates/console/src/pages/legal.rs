//! Legal assistance and extradition: the requests list with the draft form,
//! a request's page (what it lacks, the revise form while drafted, the
//! steps open to the reader's state, the trail), and the statistics.

use crate::AppState;
use crate::session::Posted;
use crate::{Console, Page, PageResult, form_error, render, render_refused, see_other};
use askama::Template;
use axum::extract::{Path, State};
use concord_app::Refusal;
use concord_app::legal::Statistics;
use concord_domain::legal::{LegalRequest, LegalRequestInput, Offence, RequestKind};
use concord_domain::workflow::legal_assistance::{Ground, Step};
use concord_domain::{Distribution, HandlingCode, StateCode};
use serde::Deserialize;

/// How many offences the form offers.
const OFFENCE_ROWS: usize = 3;
const KINDS: [&str; 6] = [
    "investigation",
    "evidence-collection",
    "service-of-documents",
    "arrest",
    "extradition",
    "transfer-of-proceeds",
];
const GROUNDS: [&str; 8] = [
    "political-offence",
    "persecution-risk",
    "double-jeopardy",
    "lapse-of-time",
    "no-dual-criminality",
    "own-national",
    "death-penalty",
    "sovereignty-or-public-order",
];

#[derive(Deserialize, Default)]
pub struct DraftForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    requested_state: String,
    /// A border-area partner office, or empty for the central authority.
    #[serde(default)]
    requested_office: String,
    #[serde(default)]
    facts: String,
    #[serde(default)]
    request: String,
    #[serde(default)]
    offence_0: String,
    #[serde(default)]
    requesting_law_0: String,
    #[serde(default)]
    requested_law_0: String,
    #[serde(default)]
    offence_1: String,
    #[serde(default)]
    requesting_law_1: String,
    #[serde(default)]
    requested_law_1: String,
    #[serde(default)]
    offence_2: String,
    #[serde(default)]
    requesting_law_2: String,
    #[serde(default)]
    requested_law_2: String,
    #[serde(default)]
    persons: String,
    #[serde(default)]
    records: String,
    #[serde(default)]
    messages: String,
    urgent: Option<String>,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    classification: String,
    #[serde(default)]
    version: i64,
}

impl DraftForm {
    /// The offence rows: `(index, name, requesting law, requested law)`.
    fn offence_rows(&self) -> Vec<(usize, &str, &str, &str)> {
        [
            (&self.offence_0, &self.requesting_law_0, &self.requested_law_0),
            (&self.offence_1, &self.requesting_law_1, &self.requested_law_1),
            (&self.offence_2, &self.requesting_law_2, &self.requested_law_2),
        ]
        .into_iter()
        .take(OFFENCE_ROWS)
        .enumerate()
        .map(|(i, (n, a, b))| (i, n.as_str(), a.as_str(), b.as_str()))
        .collect()
    }

    fn is_urgent(&self) -> bool {
        self.urgent.is_some()
    }

    fn of(r: &LegalRequest) -> DraftForm {
        let o = |i: usize| {
            r.offences.get(i).cloned().unwrap_or(Offence {
                name: String::new(),
                requesting_law: String::new(),
                requested_law: String::new(),
            })
        };
        let (a, b, c) = (o(0), o(1), o(2));
        DraftForm {
            kind: r.kind.to_string(),
            requested_state: r.requested_state.to_string(),
            requested_office: r.requested_office.as_ref().map(|o| o.to_string()).unwrap_or_default(),
            facts: r.facts.clone(),
            request: r.request.clone(),
            offence_0: a.name,
            requesting_law_0: a.requesting_law,
            requested_law_0: a.requested_law,
            offence_1: b.name,
            requesting_law_1: b.requesting_law,
            requested_law_1: b.requested_law,
            offence_2: c.name,
            requesting_law_2: c.requesting_law,
            requested_law_2: c.requested_law,
            persons: r.persons.join("\n"),
            records: r.records.join(", "),
            messages: r.messages.join(", "),
            urgent: r.urgent.then(|| "on".to_owned()),
            deadline: r.deadline.map(|d| d.to_string()).unwrap_or_default(),
            classification: r.handling.classification.to_string(),
            version: r.version,
        }
    }

    fn input(&self) -> Result<LegalRequestInput, Refusal> {
        if self.requested_state.trim().is_empty() {
            return Err(Refusal::invalid("requested_state", "a state code is needed"));
        }
        Ok(LegalRequestInput {
            kind: concord_app::text::field::<RequestKind>("kind", &self.kind)?,
            requested_state: StateCode::from(self.requested_state.trim()),
            requested_office: Some(self.requested_office.trim())
                .filter(|o| !o.is_empty())
                .map(concord_domain::AuthorityId::from),
            facts: self.facts.clone(),
            request: self.request.clone(),
            offences: self
                .offence_rows()
                .into_iter()
                .filter(|(_, n, a, b)| ![n, a, b].iter().all(|v| v.trim().is_empty()))
                .map(|(_, n, a, b)| Offence {
                    name: n.to_owned(),
                    requesting_law: a.to_owned(),
                    requested_law: b.to_owned(),
                })
                .collect(),
            persons: self
                .persons
                .lines()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            records: crate::split_ids(&self.records),
            messages: crate::split_ids(&self.messages),
            urgent: self.is_urgent(),
            deadline: if self.deadline.trim().is_empty() {
                None
            } else {
                Some(concord_app::text::date("deadline", &self.deadline)?)
            },
            handling: HandlingCode {
                distribution: Distribution::OriginatorOnly,
                dissemination: concord_domain::Dissemination::OriginatorConsent,
                use_: concord_domain::Use::Evidence,
                classification: concord_app::text::field("classification", &self.classification)?,
            },
        })
    }
}

#[derive(Template)]
#[template(path = "legal_requests.html")]
struct RequestList {
    page: Page,
    requests: Vec<LegalRequest>,
    form: Option<DraftForm>,
    error: Option<(String, String)>,
    states: Vec<(String, String)>,
    /// The direct partners of a border-area office.
    offices: Vec<(String, String)>,
    kinds: [&'static str; 6],
    today: time::Date,
}

async fn list_page(
    s: &AppState,
    c: &Console,
    form: Option<DraftForm>,
    error: Option<(String, String)>,
) -> Result<RequestList, crate::PageError> {
    let ctx = c.ctx();
    let requests = concord_app::legal::list(&s.store, &ctx, 200)
        .await
        .map_err(|e| c.fail(e))?;
    let form = concord_app::legal::acting_state(&s.store, &ctx).ok().map(|_| {
        form.unwrap_or_else(|| DraftForm {
            kind: "evidence-collection".into(),
            classification: "confidential".into(),
            ..DraftForm::default()
        })
    });
    Ok(RequestList {
        page: c.page("mla-title", "legal"),
        requests,
        form,
        error,
        states: c.state_choices(s),
        offices: c.direct_partner_choices(s),
        kinds: KINDS,
        today: s.store.clock().today(),
    })
}

pub async fn list(State(s): State<AppState>, c: Console) -> PageResult {
    Ok(render(&list_page(&s, &c, None, None).await?))
}

pub async fn draft(State(s): State<AppState>, Posted(c, f): Posted<DraftForm>) -> PageResult {
    let done = match f.input() {
        Ok(input) => concord_app::legal::draft(&s.store, &c.ctx(), input).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(r) => Ok(see_other(&format!("/console/legal/{}", r.id))),
        Err(e @ Refusal::Invalid { .. }) => Ok(render_refused(&list_page(&s, &c, Some(f), Some(form_error(e))).await?)),
        Err(e) => Err(c.fail(e)),
    }
}

#[derive(Template)]
#[template(path = "legal_request.html")]
struct RequestPage {
    page: Page,
    r: LegalRequest,
    missing: Vec<String>,
    steps: Vec<&'static str>,
    /// The revise form, for the drafting office.
    form: Option<DraftForm>,
    error: Option<(String, String)>,
    states: Vec<(String, String)>,
    /// The direct partners of a border-area office.
    offices: Vec<(String, String)>,
    kinds: [&'static str; 6],
    grounds: [&'static str; 8],
    overdue: bool,
    /// The name of the border-area office asked, in the page's language.
    office_name: Option<String>,
    links: Vec<crate::pages::links::LinkRow>,
    link_from: Option<String>,
}

async fn request_page(
    s: &AppState,
    c: &Console,
    id: &str,
    form: Option<DraftForm>,
    error: Option<(String, String)>,
) -> Result<RequestPage, crate::PageError> {
    let ctx = c.ctx();
    let r = concord_app::legal::get(&s.store, &ctx, id)
        .await
        .map_err(|e| c.fail(e))?;
    let editable =
        r.status == concord_domain::workflow::legal_assistance::Status::Drafted && ctx.viewer.authority == r.originator;
    let (links, link_from) = crate::pages::links::section(s, c, id).await?;
    let office_name = r.requested_office.as_ref().map(|o| {
        s.store
            .snapshot()
            .registry
            .authority(o)
            .map_or_else(|| o.to_string(), |a| a.name.get(c.tr.lang.code()).to_owned())
    });
    Ok(RequestPage {
        office_name,
        links,
        link_from,
        page: c.page_titled(format!("{} · {}", c.tr.t("mla-one"), r.id), "legal"),
        missing: concord_app::legal::missing(&r),
        steps: concord_app::legal::open_steps(&s.store, &ctx, &r)
            .into_iter()
            .map(|st| st.as_str())
            .collect(),
        form: editable.then(|| form.unwrap_or_else(|| DraftForm::of(&r))),
        error,
        states: c.state_choices(s),
        offices: c.direct_partner_choices(s),
        kinds: KINDS,
        grounds: GROUNDS,
        overdue: r.overdue(s.store.clock().today()),
        r,
    })
}

pub async fn show(State(s): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    Ok(render(&request_page(&s, &c, &id, None, None).await?))
}

pub async fn revise(State(s): State<AppState>, Path(id): Path<String>, Posted(c, f): Posted<DraftForm>) -> PageResult {
    let done = match f.input() {
        Ok(input) => concord_app::legal::revise(&s.store, &c.ctx(), &id, input, f.version).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(r) => Ok(see_other(&format!("/console/legal/{}", r.id))),
        Err(e @ Refusal::Invalid { .. }) => Ok(render_refused(
            &request_page(&s, &c, &id, Some(f), Some(form_error(e))).await?,
        )),
        Err(e) => Err(c.fail(e)),
    }
}

/// A step form: its grounds come as repeated `grounds` fields.
pub async fn step(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted(c, f): Posted<Vec<(String, String)>>,
) -> PageResult {
    let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()).unwrap_or("");
    let step: Step = concord_app::text::field("step", get("step")).map_err(|e| c.fail(e))?;
    let version: i64 = get("version")
        .parse()
        .map_err(|_| c.fail(Refusal::invalid("version", "not a number")))?;
    let grounds = f
        .iter()
        .filter(|(n, _)| n == "grounds")
        .map(|(_, v)| concord_app::text::field::<Ground>("grounds", v))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| c.fail(e))?;
    concord_app::legal::step(&s.store, &c.ctx(), &id, step, get("reasons"), &grounds, version)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other(&format!("/console/legal/{id}")))
}

#[derive(Template)]
#[template(path = "legal_statistics.html")]
struct StatisticsPage {
    page: Page,
    s: Statistics,
}

impl StatisticsPage {
    fn mean(&self) -> String {
        self.s
            .mean_days_to_answer
            .map(|d| format!("{d:.1}"))
            .unwrap_or_else(|| "—".into())
    }
}

pub async fn statistics(State(s): State<AppState>, c: Console) -> PageResult {
    let st = concord_app::legal::statistics(&s.store, &c.ctx())
        .await
        .map_err(|e| c.fail(e))?;
    Ok(render(&StatisticsPage {
        page: c.page("mla-statistics", "legal"),
        s: st,
    }))
}
