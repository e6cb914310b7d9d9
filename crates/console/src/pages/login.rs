//! Logging in and out.

use crate::AppState;
use crate::auth::COOKIE_NAME;
use crate::auth::open_session;
use crate::session::{LOGIN_CSRF_COOKIE, LangPref, Posted, login_cookie, login_token, same};
use crate::{Page, Tr, render, see_other};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    token: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
    /// Set after a password change.
    changed: Option<String>,
}

/// Only a path on this console: never an absolute URL elsewhere.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/console") && !n.starts_with("//") && !n.contains("\\") => n.to_owned(),
        _ => "/console".to_owned(),
    }
}

fn login_page(
    tr: Tr,
    state: &AppState,
    next: String,
    username: String,
    error: Option<String>,
    flash: Option<String>,
) -> Response {
    let token = login_token();
    let page = Page {
        tr,
        title: tr.t("login-title"),
        nav: "",
        user: None,
        csrf: String::new(),
        path: format!(
            "/console/login?next={}",
            form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        ),
        flash,
        admin: false,
        dpo: false,
    };
    let mut res = render(&LoginPage {
        page,
        token: token.clone(),
        next,
        username,
        error,
    });
    let secure = if state.settings.secure_cookies { "; Secure" } else { "" };
    if let Ok(v) =
        format!("{LOGIN_CSRF_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/console/login{secure}").parse()
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

pub async fn form(State(s): State<AppState>, LangPref(lang): LangPref, Query(q): Query<Next>) -> Response {
    let tr = Tr { lang };
    let flash = q.changed.map(|_| tr.t("password-changed"));
    login_page(tr, &s, safe_next(q.next.as_deref()), String::new(), None, flash)
}

#[derive(Deserialize)]
pub struct Credentials {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub async fn submit(
    State(s): State<AppState>,
    LangPref(lang): LangPref,
    crate::auth::ClientAddress(address): crate::auth::ClientAddress,
    headers: HeaderMap,
    Form(c): Form<Credentials>,
) -> Response {
    let tr = Tr { lang };
    let next = safe_next(Some(&c.next));
    let paired = login_cookie(&headers).is_some_and(|t| !t.is_empty() && same(&t, &c.csrf));
    if !paired {
        return login_page(tr, &s, next, c.username, Some(tr.t("error-csrf")), None);
    }
    match open_session(&s, address, &c.username, &c.password).await {
        Ok((_, cookie)) => {
            let mut res = see_other(&next);
            if let Ok(v) = cookie.parse() {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            res
        }
        Err(e) => {
            let message = match (e.code, e.retry_after) {
                (concord_web::error::Code::TooManyRequests, Some(wait)) => tr.tn("login-throttled", wait),
                (concord_web::error::Code::TooManyRequests, None) => tr.t("login-locked"),
                _ => tr.t("login-failed"),
            };
            login_page(tr, &s, next, c.username, Some(message), None)
        }
    }
}

pub async fn logout(State(s): State<AppState>, Posted(c, _): Posted<Empty>) -> Response {
    // The browser is sent to the login page and its cookie cleared even if
    // the store fails; the failure is logged.
    if let Err(e) = concord_app::sessions::logout(&s.store, &c.caller).await {
        tracing::warn!(error = %e, "logout");
    }
    let mut res = see_other("/console/login").into_response();
    if let Ok(v) = format!("{COOKIE_NAME}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0").parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// A form with nothing but its CSRF token.
#[derive(Deserialize)]
pub struct Empty {}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn login_only_returns_to_console_paths() {
        assert_eq!(safe_next(Some("/console/records?q=x")), "/console/records?q=x");
        assert_eq!(safe_next(Some("https://evil.example/")), "/console");
        assert_eq!(safe_next(Some("//evil.example/console")), "/console");
        assert_eq!(safe_next(None), "/console");
    }
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    page: Page,
    must: bool,
    error: Option<(String, String)>,
}

fn password_page(c: &crate::Console, error: Option<(String, String)>) -> Response {
    let refused = error.is_some();
    let page = PasswordPage {
        page: c.page("password-title", ""),
        must: c.caller.user.must_change_password,
        error,
    };
    if refused {
        crate::render_refused(&page)
    } else {
        render(&page)
    }
}

/// The form to change one's own password; where a user whose password an
/// administrator set is sent first.
pub async fn password_form(c: crate::Console) -> Response {
    password_page(&c, None)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    repeat_password: String,
}

/// Changes the password; every session ends, so the user logs in again.
pub async fn change_password(State(s): State<AppState>, Posted(c, f): Posted<PasswordForm>) -> Response {
    if f.new_password != f.repeat_password {
        let m = c.tr.t("password-mismatch");
        return password_page(&c, Some(("repeat_password".into(), m)));
    }
    match concord_app::users::change_own_password(&s.store, &c.caller, &f.current_password, &f.new_password).await {
        Ok(_) => {
            let mut res = see_other("/console/login?changed=1").into_response();
            if let Ok(v) = format!("{COOKIE_NAME}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0").parse() {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            res
        }
        Err(concord_app::Refusal::Invalid { field, message }) => password_page(&c, Some((field, message))),
        Err(e) => c.fail(e).into_response(),
    }
}
