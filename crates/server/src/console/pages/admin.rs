//! The registry (states, authorities, instruments) for everyone, and user
//! administration for administrators. User changes go through the API's own
//! handlers, so the rules (scope, clearance ceiling, password policy) live
//! in one place.

use crate::AppState;
use crate::console::session::Posted;
use crate::console::{Console, Page, PageResult, render, see_other};
use crate::json::Json;
use crate::routes::users;
use crate::views::{NewUserRequest, UserPatch, UserView};
use askama::Template;
use axum::extract::{Path, State};
use concord_domain::Role;
use serde::Deserialize;

/// A state as the registry page shows it.
pub struct StateRow {
    pub code: String,
    pub name: String,
    pub status: String,
    pub authorities: Vec<(String, String, String)>,
}

/// An instrument and its articles.
pub struct InstrumentRow {
    pub id: String,
    pub title: String,
    pub adopted: String,
    pub articles: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "registry.html")]
struct RegistryPage {
    page: Page,
    organization: String,
    states: Vec<StateRow>,
    structure: Vec<(String, String, String)>,
    instruments: Vec<InstrumentRow>,
}

pub async fn registry(State(s): State<AppState>, c: Console) -> PageResult {
    let snap = s.store.snapshot();
    let lang = c.tr.lang.code();
    let today = s.store.clock().today();
    let authorities_of = |state: Option<&concord_domain::StateCode>| {
        snap.registry
            .authorities
            .values()
            .filter(|a| a.state.as_ref() == state)
            .map(|a| (a.id.to_string(), a.name.get(lang).to_owned(), a.kind.to_string()))
            .collect::<Vec<_>>()
    };
    let states = snap
        .registry
        .states
        .values()
        .map(|st| StateRow {
            code: st.code.to_string(),
            name: st.name.get(lang).to_owned(),
            status: st
                .status_on(today)
                .map_or_else(String::new, |m| c.tr.t(&format!("membership-{m}"))),
            authorities: authorities_of(Some(&st.code)),
        })
        .collect();
    let instruments = snap
        .registry
        .instruments
        .values()
        .map(|i| InstrumentRow {
            id: i.id.clone(),
            title: i.title.get(lang).to_owned(),
            adopted: i.adopted.to_string(),
            articles: i.articles.iter().map(|a| (a.number.clone(), a.title.clone())).collect(),
        })
        .collect();
    Ok(render(&RegistryPage {
        page: c.page("registry-title", "registry"),
        organization: snap.registry.organization.get(lang).to_owned(),
        states,
        structure: authorities_of(None),
        instruments,
    }))
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    page: Page,
    users: Vec<UserView>,
    authorities: Vec<(String, String)>,
}

async fn users_page(s: &AppState, c: &Console) -> PageResult {
    let axum::Json(list) = users::list(State(s.clone()), c.caller.clone())
        .await
        .map_err(|e| c.fail(e))?;
    let authorities = c.authority_choices(s, c.caller.viewer.state.as_ref());
    Ok(render(&UsersPage {
        page: c.page("users-title", "users"),
        users: list,
        authorities,
    }))
}

pub async fn list(State(s): State<AppState>, c: Console) -> PageResult {
    users_page(&s, &c).await
}

#[derive(Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    authority: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    clearance: String,
    #[serde(default)]
    password: String,
}

pub async fn create(State(s): State<AppState>, Posted(c, f): Posted<NewUserForm>) -> PageResult {
    let req = NewUserRequest {
        username: f.username,
        display_name: f.display_name,
        authority: f.authority,
        roles: vec![f.role],
        clearance: f.clearance,
        password: f.password,
    };
    // The created user is shown by the list the browser goes back to.
    let _created = users::create(State(s.clone()), c.caller.clone(), Json(req))
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other("/console/admin/users"))
}

#[derive(Deserialize)]
pub struct ToggleForm {
    /// `true` or `false`; absent when the form changes something else.
    #[serde(default)]
    disabled: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    clearance: String,
    #[serde(default)]
    password: String,
}

pub async fn toggle(State(s): State<AppState>, Path(id): Path<String>, Posted(c, f): Posted<ToggleForm>) -> PageResult {
    if !c.caller.viewer.roles.has(Role::Administrator) {
        return Err(c.fail(crate::error::ApiError::forbidden(
            "changing users needs the administrator role",
        )));
    }
    let some = |v: String| Some(v).filter(|v| !v.trim().is_empty());
    let patch = UserPatch {
        display_name: None,
        roles: some(f.role).map(|r| vec![r]),
        clearance: some(f.clearance),
        disabled: some(f.disabled).map(|d| d == "true"),
        password: some(f.password),
    };
    let _changed = users::update(State(s.clone()), c.caller.clone(), Path(id), Json(patch))
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other("/console/admin/users"))
}

#[derive(Template)]
#[template(path = "webhook.html")]
struct WebhookPage {
    page: Page,
    hook: Option<concord_store::Webhook>,
}

/// The state's webhook, for its administrators.
pub async fn webhook(State(s): State<AppState>, c: Console) -> PageResult {
    let hook = s.store.webhook(&c.ctx()).await.map_err(|e| c.fail(e))?;
    Ok(render(&WebhookPage {
        page: c.page("webhook-title", "users"),
        hook,
    }))
}

#[derive(Deserialize)]
pub struct WebhookForm {
    #[serde(default)]
    url: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    remove: Option<String>,
}

pub async fn set_webhook(State(s): State<AppState>, Posted(c, f): Posted<WebhookForm>) -> PageResult {
    let ctx = c.ctx();
    if f.remove.is_some() {
        s.store.delete_webhook(&ctx).await.map_err(|e| c.fail(e))?;
    } else {
        s.store
            .set_webhook(&ctx, f.url.trim(), &f.secret)
            .await
            .map_err(|e| c.fail(e))?;
    }
    Ok(see_other("/console/admin/webhook"))
}
