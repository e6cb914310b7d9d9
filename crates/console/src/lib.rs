//! The web console: server-rendered pages (askama templates, escaped by
//! default) in English, Russian and Chinese. A page reads its form into a
//! use case's command (`concord_app`, the same reading of texts as the API's)
//! and renders the result or the refusal; it never calls the API. Every form carries a CSRF token; every page goes
//! out with a strict Content-Security-Policy.
//!
//! Adding a page: a template in `templates/` that extends `base.html`, a
//! struct with `page: Page` deriving `Template`, a handler taking `Console`
//! (the logged-in user, language and CSRF token), a route in [`router`], a
//! nav entry in `base.html` if it is a destination, and its strings in all
//! three `locales/*.ftl` (a test fails on a missing key).

pub mod i18n;
pub mod jobs;
mod pages;
pub mod report;
mod session;

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use concord_app::Refusal;
pub use concord_web::{AppState, auth};
pub use i18n::{Lang, Tr};
pub use session::{Console, LangPref};

/// The policy every console response carries: no inline script or style,
/// nothing from elsewhere, no framing.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A number to choose a plural form by, however many references templates
/// put around it.
pub trait Count {
    fn count(&self) -> i64;
}

impl Count for i64 {
    fn count(&self) -> i64 {
        *self
    }
}

impl<T: Count + ?Sized> Count for &T {
    fn count(&self) -> i64 {
        (**self).count()
    }
}

/// What every page's frame shows: the user, the language, the CSRF token.
pub struct Page {
    pub tr: Tr,
    pub title: String,
    /// The nav entry to mark as current.
    pub nav: &'static str,
    pub user: Option<UserBar>,
    pub csrf: String,
    /// The path of this page, for the language switcher.
    pub path: String,
    /// A one-line notice after an action (already translated).
    pub flash: Option<String>,
    /// Whether the user administers users (shows the entry in the nav).
    pub admin: bool,
    /// Whether the user reads the audit log.
    pub dpo: bool,
}

/// Who is logged in, always visible.
pub struct UserBar {
    pub username: String,
    pub display_name: String,
    pub state: String,
    pub authority: String,
    pub roles: String,
    pub clearance: String,
}

impl Page {
    /// The text of `key` in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }

    /// The text of `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        self.tr.t1(key, name, value)
    }

    /// The text of `key` for a count.
    pub fn tn(&self, key: &str, count: impl Count) -> String {
        self.tr.tn(key, count.count())
    }

    /// The text of the key `{family}-{value}`: enum values shown in the
    /// reader's language (`kind-person`, `class-secret`).
    pub fn tk(&self, family: &str, value: impl std::fmt::Display) -> String {
        self.tr.t(&format!("{family}-{value}"))
    }

    /// A stored date or timestamp, as the language writes it.
    pub fn date(&self, stamp: &str) -> String {
        self.tr.date(stamp)
    }

    /// The language links: `(code, own name, href, current)`.
    pub fn languages(&self) -> Vec<(&'static str, &'static str, String, bool)> {
        Lang::ALL
            .iter()
            .map(|l| {
                let sep = if self.path.contains('?') { '&' } else { '?' };
                (
                    l.code(),
                    l.own_name(),
                    format!("{}{sep}lang={}", self.path, l.code()),
                    *l == self.tr.lang,
                )
            })
            .collect()
    }
}

/// Renders a template into a response with the console's headers.
/// [`render`] for a form shown again with what was wrong in it: the same
/// page, answered 422 as a refusal of input is.
pub fn render_refused<T: Template>(t: &T) -> Response {
    let mut res = render(t);
    if res.status() == StatusCode::OK {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}

pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => html_response(StatusCode::OK, html),
        Err(e) => html_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!(
                "<!doctype html><title>Error</title><p>{}</p>",
                escape_text(&e.to_string())
            ),
        ),
    }
}

fn html_response(status: StatusCode, html: String) -> Response {
    let mut res = (status, html).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An error shown as a page in the user's language: the status of the API
/// error, its message, and a way back.
pub struct PageError {
    pub status: StatusCode,
    pub message: String,
    pub field: Option<String>,
    pub tr: Tr,
    pub user: Option<UserBar>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    page: Page,
    status: u16,
    message: &'a str,
    field: Option<&'a str>,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let page = Page {
            tr: self.tr,
            title: self.tr.t("error-title"),
            nav: "",
            user: self.user,
            csrf: String::new(),
            path: "/console".into(),
            flash: None,
            admin: false,
            dpo: false,
        };
        let body = ErrorPage {
            page,
            status: self.status.as_u16(),
            message: &self.message,
            field: self.field.as_deref(),
        };
        let html = body.render().unwrap_or_else(|e| escape_text(&e.to_string()));
        html_response(self.status, html)
    }
}

/// A refusal shown above a form that stays filled in: the field at fault
/// (empty when none) and why.
pub fn form_error(e: Refusal) -> (String, String) {
    match e {
        Refusal::Invalid { field, message } => (field, message),
        other => (String::new(), other.to_string()),
    }
}

/// Page handlers' result.
pub type PageResult = Result<Response, PageError>;

impl Console {
    /// A use case's refusal as a page for this user. What failed inside is
    /// logged, not shown.
    pub fn fail(&self, e: impl Into<Refusal>) -> PageError {
        let (status, field, message) = match e.into() {
            Refusal::Invalid { field, message } => {
                let message = format!("{field}: {message}");
                (StatusCode::UNPROCESSABLE_ENTITY, Some(field), message)
            }
            e @ Refusal::NotFound(_) => (StatusCode::NOT_FOUND, None, e.to_string()),
            Refusal::Forbidden(m) => (StatusCode::FORBIDDEN, None, m),
            Refusal::Conflict(m) => (StatusCode::CONFLICT, None, m),
            e @ Refusal::Unauthenticated => (StatusCode::UNAUTHORIZED, None, e.to_string()),
            Refusal::Throttled { message, .. } => (StatusCode::TOO_MANY_REQUESTS, None, message),
            Refusal::Internal(m) => {
                tracing::error!(error = %m, "console page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    None,
                    "something failed on the server; it is logged".to_owned(),
                )
            }
        };
        PageError {
            status,
            message,
            field,
            tr: self.tr,
            user: Some(self.user_bar()),
        }
    }
}

impl Console {
    /// A refusal shown as a page: the status, the field at fault, why.
    pub fn refuse(&self, status: StatusCode, field: &str, message: impl Into<String>) -> PageError {
        PageError {
            status,
            message: message.into(),
            field: Some(field.to_owned()),
            tr: self.tr,
            user: Some(self.user_bar()),
        }
    }

    /// The registry's instruments for a select: `(id, title)` in the
    /// reader's language.
    pub fn instrument_choices(&self, s: &AppState) -> Vec<(String, String)> {
        let lang = self.tr.lang.code();
        s.store
            .snapshot()
            .registry
            .instruments
            .values()
            .map(|i| (i.id.clone(), i.title.get(lang).to_owned()))
            .collect()
    }

    /// The registry's states for a select: `(code, name)` in the reader's language.
    pub fn state_choices(&self, s: &AppState) -> Vec<(String, String)> {
        let lang = self.tr.lang.code();
        s.store
            .snapshot()
            .registry
            .states
            .values()
            .map(|st| (st.code.to_string(), st.name.get(lang).to_owned()))
            .collect()
    }

    /// The border-area offices the viewer's office asks directly, `(id,
    /// name)`; empty for a central authority.
    pub fn direct_partner_choices(&self, s: &AppState) -> Vec<(String, String)> {
        let lang = self.tr.lang.code();
        let snap = s.store.snapshot();
        snap.registry
            .direct_partners(&self.caller.viewer.authority)
            .into_iter()
            .filter_map(|id| snap.registry.authority(id))
            .map(|a| (a.id.to_string(), a.name.get(lang).to_owned()))
            .collect()
    }

    /// Authorities for a select, `(id, name)`, those of `state` only when given.
    pub fn authority_choices(&self, s: &AppState, state: Option<&concord_domain::StateCode>) -> Vec<(String, String)> {
        let lang = self.tr.lang.code();
        s.store
            .snapshot()
            .registry
            .authorities
            .values()
            .filter(|a| state.is_none() || a.state.as_ref() == state)
            .map(|a| (a.id.to_string(), a.name.get(lang).to_owned()))
            .collect()
    }
}

/// Ids typed into one field, separated by commas, semicolons, spaces or lines.
pub fn split_ids(list: &str) -> Vec<String> {
    list.split([',', ';', '\n', ' '])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

/// State codes typed in a form field, as [`split_ids`] splits them, upper-cased.
pub fn split_states(list: &str) -> Vec<concord_domain::StateCode> {
    split_ids(list)
        .iter()
        .map(|s| concord_domain::StateCode::from(s.to_ascii_uppercase().as_str()))
        .collect()
}

/// See other: where a form's action leads.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// The console's routes, under `/console`.
pub fn router() -> Router<AppState> {
    use pages::*;
    Router::new()
        .route("/console", get(home::show))
        .route("/console/login", get(login::form).post(login::submit))
        .route("/console/logout", post(login::logout))
        .route(
            "/console/password",
            get(login::password_form).post(login::change_password),
        )
        .route("/console/admin/grants/{id}", post(admin::decide_grant))
        .route("/console/static/{file}", get(assets::file))
        .route("/console/records", get(records::list).post(record_form::create))
        .route("/console/records/new", get(record_form::form))
        .route(
            "/console/files",
            get(files::show)
                .post(files::upload)
                .layer(axum::extract::DefaultBodyLimit::max(files::UPLOAD_LIMIT)),
        )
        .route("/console/records/{id}", get(records::show))
        .route("/console/records/{id}/compliance", post(actions::compliance))
        .route("/console/records/{id}/review", post(actions::review))
        .route("/console/records/{id}/requests", post(actions::register_request))
        .route("/console/requests/{id}/decision", post(actions::decide_request))
        .route("/console/screening", get(screening::form).post(screening::run))
        .route(
            "/console/screening/batch",
            post(screening::upload).layer(axum::extract::DefaultBodyLimit::max(screening::UPLOAD_LIMIT)),
        )
        .route("/console/screening/batch/{id}", get(screening::job))
        .route("/console/screening/batch/{id}/{file}", get(screening::download))
        .route("/console/messages", get(messages::list))
        .route(
            "/console/messages/new",
            get(messages::compose)
                .post(messages::send)
                .layer(axum::extract::DefaultBodyLimit::max(messages::COMPOSE_LIMIT)),
        )
        .route("/console/messages/forwards", get(messages::forwards))
        .route("/console/messages/forwards/{id}", post(messages::decide_forward))
        .route("/console/messages/{id}/forward", post(messages::forward))
        .route("/console/messages/{id}", get(messages::show))
        .route("/console/messages/{id}/acknowledge", post(messages::acknowledge))
        .route("/console/messages/{id}/reply", post(messages::reply))
        .route(
            "/console/designations",
            get(designations::list).post(designations::propose),
        )
        .route(
            "/console/designations/lists",
            get(designations::lists).post(designations::set_national),
        )
        .route("/console/designations/{id}", get(designations::show))
        .route("/console/designations/{id}/step", post(designations::proposer_step))
        .route("/console/designations/{id}/vote", post(designations::vote))
        .route("/console/designations/{id}/review", post(designations::review))
        .route(
            "/console/consultations",
            get(consultations::list).post(actions::propose_consultation),
        )
        .route("/console/consultations/{id}", get(consultations::show))
        .route("/console/consultations/{id}/verdict", post(actions::verdict))
        .route("/console/consultations/{id}/{step}", post(actions::consultation_step))
        .route("/console/operations", get(operations::list).post(operations::plan))
        .route("/console/operations/{id}", get(operations::show))
        .route("/console/operations/{id}/step", post(operations::step))
        .route("/console/operations/{id}/results", post(operations::report))
        .route("/console/legal", get(legal::list).post(legal::draft))
        .route("/console/legal/statistics", get(legal::statistics))
        .route("/console/legal/{id}", get(legal::show))
        .route("/console/legal/{id}/revise", post(legal::revise))
        .route("/console/legal/{id}/step", post(legal::step))
        .route("/console/deliveries", get(deliveries::list).post(deliveries::propose))
        .route("/console/deliveries/{id}", get(deliveries::show))
        .route("/console/deliveries/{id}/step", post(deliveries::step))
        .route("/console/precursors", get(precursors::list).post(precursors::notify))
        .route(
            "/console/precursors/requirements",
            get(precursors::requirements).post(precursors::declare),
        )
        .route(
            "/console/precursors/incidents",
            get(precursors::incidents).post(precursors::report),
        )
        .route("/console/precursors/incidents/{id}", get(precursors::incident))
        .route("/console/precursors/{id}", get(precursors::show))
        .route("/console/precursors/{id}/step", post(precursors::step))
        .route("/console/links/{id}", get(links::show).post(links::add))
        .route("/console/statistics", get(statistics::show).post(statistics::report))
        .route("/console/meetings", get(meetings::list).post(meetings::schedule))
        .route("/console/exercises", get(exercises::list).post(exercises::plan))
        .route("/console/programmes", get(programmes::list).post(programmes::adopt))
        .route("/console/programmes/{id}", get(programmes::show))
        .route("/console/programmes/{id}/progress", post(programmes::progress))
        .route("/console/exercises/{id}", get(exercises::show))
        .route("/console/exercises/{id}/confirm", post(exercises::confirm))
        .route("/console/exercises/{id}/report", post(exercises::report))
        .route("/console/meetings/{id}", get(meetings::show))
        .route("/console/meetings/{id}/decisions", post(meetings::decide))
        .route("/console/meetings/{id}/actions", post(meetings::complete))
        .route("/console/queues", get(queues::show))
        .route("/console/map", get(map::show))
        .route("/console/registry", get(admin::registry))
        .route("/console/audit", get(audit::show))
        .route("/console/records/{id}/erase", post(actions::erase))
        .route(
            "/console/records/{id}/edit",
            get(record_form::edit_form).post(record_form::update),
        )
        .route("/console/records/{id}/relationships", post(record_form::relate))
        .route("/console/admin/users", get(admin::list).post(admin::create))
        .route("/console/admin/users/{id}", post(admin::toggle))
        .route("/console/admin/webhook", get(admin::webhook).post(admin::set_webhook))
}
