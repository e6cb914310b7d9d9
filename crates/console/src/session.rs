//! Who is asking and in which language: the console's extractors.

use super::{Lang, Page, PageError, Tr, UserBar};
use crate::AppState;
use crate::auth::Caller;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;

/// The cookie that remembers the language.
pub const LANG_COOKIE: &str = "concord_lang";
/// The cookie that pairs the login form with its browser.
pub const LOGIN_CSRF_COOKIE: &str = "concord_login_csrf";
/// The largest form the console reads.
pub const FORM_LIMIT: usize = 256 * 1024;

/// `?lang=xx` in a query string, and the query without it.
fn lang_param(query: &str) -> Option<(Option<Lang>, String)> {
    let mut found = None;
    let rest: Vec<&str> = query
        .split('&')
        .filter(|kv| match kv.strip_prefix("lang=") {
            Some(code) => {
                found = Some(Lang::parse(code));
                false
            }
            None => !kv.is_empty(),
        })
        .collect();
    found.map(|l| (l, rest.join("&")))
}

/// The language of a request: the cookie, else the browser's preference,
/// else English. `?lang=xx` sets the cookie and comes back without it.
pub struct LangPref(pub Lang);

impl FromRequestParts<AppState> for LangPref {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        if let Some((lang, rest)) = parts.uri.query().and_then(lang_param) {
            let path = parts.uri.path();
            let back = if rest.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{rest}")
            };
            let mut res = Redirect::to(&back).into_response();
            if let Some(l) = lang {
                let secure = if state.settings.secure_cookies { "; Secure" } else { "" };
                let c = format!(
                    "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
                    l.code()
                );
                if let Ok(v) = c.parse() {
                    res.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            return Err(res);
        }
        let lang = crate::auth::cookie(&parts.headers, LANG_COOKIE)
            .as_deref()
            .and_then(Lang::parse)
            .or_else(|| {
                parts
                    .headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or(Lang::En);
        Ok(LangPref(lang))
    }
}

/// A logged-in console user: the caller as the API knows it, the language,
/// and the CSRF token its forms carry. Without a session: to the login page.
pub struct Console {
    pub caller: Caller,
    pub tr: Tr,
    pub csrf: String,
    /// The path and query of this request.
    pub path: String,
}

pub use concord_app::passwords::csrf_for;

/// Compares without stopping at the first difference (`subtle`, through
/// the use-case layer's one constant-time comparison).
pub fn same(a: &str, b: &str) -> bool {
    concord_app::passwords::same_secret(a.as_bytes(), b.as_bytes())
}

impl FromRequestParts<AppState> for Console {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let LangPref(lang) = LangPref::from_request_parts(parts, state).await?;
        let path = parts
            .uri
            .path_and_query()
            .map_or_else(|| "/console".to_owned(), |p| p.as_str().to_owned());
        // The console authenticates by its cookie only.
        parts.headers.remove(header::AUTHORIZATION);
        let mut caller = match Caller::from_request_parts(parts, state).await {
            Ok(c) => c,
            Err(_) => {
                let next = form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>();
                return Err(Redirect::to(&format!("/console/login?next={next}")).into_response());
            }
        };
        if caller.purpose == "not stated" {
            caller.purpose = "web console".into();
        }
        // A password an administrator set is changed before anything else.
        let changing = matches!(parts.uri.path(), "/console/password" | "/console/logout");
        if caller.user.must_change_password && !changing {
            return Err(Redirect::to("/console/password").into_response());
        }
        let csrf = csrf_for(&caller.token_hash);
        Ok(Console {
            caller,
            tr: Tr { lang },
            csrf,
            path,
        })
    }
}

impl Console {
    /// The bar that says who is logged in.
    pub fn user_bar(&self) -> UserBar {
        let v = &self.caller.viewer;
        let u = &self.caller.user;
        UserBar {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            state: v
                .state
                .as_ref()
                .map_or_else(|| self.tr.t("user-structure"), |s| s.to_string()),
            authority: v.authority.to_string(),
            roles: v
                .roles
                .iter()
                .map(|r| self.tr.t(&format!("role-{}", r.as_str())))
                .collect::<Vec<_>>()
                .join(", "),
            clearance: self.tr.t(&format!("class-{}", v.clearance.as_str())),
        }
    }

    /// The frame of a page titled by `title_key`.
    pub fn page(&self, title_key: &str, nav: &'static str) -> Page {
        self.page_titled(self.tr.t(title_key), nav)
    }

    /// The frame of a page with a given title.
    pub fn page_titled(&self, title: String, nav: &'static str) -> Page {
        Page {
            tr: self.tr,
            title,
            nav,
            user: Some(self.user_bar()),
            csrf: self.csrf.clone(),
            path: self.path.clone(),
            flash: None,
            admin: self.caller.viewer.roles.has(concord_domain::Role::Administrator),
            dpo: self
                .caller
                .viewer
                .roles
                .has(concord_domain::Role::DataProtectionOfficer),
        }
    }

    /// The store context, with the console as the stated purpose unless the
    /// form stated one.
    pub fn ctx(&self) -> concord_store::Ctx {
        self.caller.ctx()
    }
}

/// A form posted by a logged-in user, its CSRF token checked. Every console
/// POST takes one, so none can forget the check.
pub struct Posted<T>(pub Console, pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Posted<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let c = Console::from_request_parts(&mut parts, state).await?;
        let bytes = match axum::body::to_bytes(body, FORM_LIMIT).await {
            Ok(b) => b,
            Err(_) => {
                return Err(PageError {
                    field: None,
                    ..c.refuse(StatusCode::PAYLOAD_TOO_LARGE, "", c.tr.t("error-too-large"))
                }
                .into_response());
            }
        };
        // The token first, before the form is even read: a forged post
        // learns nothing about the form's rules. (The form structs ignore
        // the `csrf` field; `serde(flatten)` would turn numbers into text.)
        let csrf = form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        if !same(&csrf, &c.csrf) {
            return Err(c
                .refuse(StatusCode::FORBIDDEN, "csrf", c.tr.t("error-csrf"))
                .into_response());
        }
        match serde_urlencoded::from_bytes::<T>(&bytes) {
            Ok(form) => Ok(Posted(c, form)),
            Err(e) => Err(PageError {
                field: None,
                ..c.refuse(StatusCode::UNPROCESSABLE_ENTITY, "", e.to_string())
            }
            .into_response()),
        }
    }
}

/// A fresh random token for the login form's double submit.
pub fn login_token() -> String {
    let mut bytes = [0u8; 16];
    // Without randomness the form gets an empty token, which never matches.
    if getrandom::getrandom(&mut bytes).is_err() {
        return String::new();
    }
    hex::encode(bytes)
}

/// The login form's token from its cookie.
pub fn login_cookie(headers: &HeaderMap) -> Option<String> {
    crate::auth::cookie(headers, LOGIN_CSRF_COOKIE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lang_parameter_is_taken_out_of_the_query() {
        assert_eq!(lang_param("lang=ru"), Some((Some(Lang::Ru), String::new())));
        assert_eq!(
            lang_param("q=x&lang=zh&box=outbox"),
            Some((Some(Lang::Zh), "q=x&box=outbox".into()))
        );
        assert_eq!(lang_param("lang=xx"), Some((None, String::new())));
        assert_eq!(lang_param("q=x"), None);
    }

    #[test]
    fn csrf_tokens_differ_per_session_and_compare_exactly() {
        let a = csrf_for("one");
        assert_eq!(a.len(), 64);
        assert_ne!(a, csrf_for("two"));
        assert!(same(&a, &csrf_for("one")));
        assert!(!same(&a, ""));
    }
}
