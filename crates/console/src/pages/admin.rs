//! The registry (states, authorities, instruments) for everyone, and user
//! administration for administrators. User changes go through the use cases
//! of `concord_app::users`, as the API's do, so the rules (scope, clearance
//! ceiling, password policy) live in one place.

use crate::AppState;
use crate::session::Posted;
use crate::{Console, Page, PageResult, render, see_other};
use askama::Template;
use axum::extract::{Path, Query, State};
use concord_app::Refusal;
use concord_app::users::{self, AddUser, ChangeUser};
use concord_domain::{AuthorityId, Classification, Role, Roles, UserId};
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
    /// `(year, chair's name, this year)`.
    chairs: Vec<(i32, String, bool)>,
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
    let this = today.year();
    let chairs = (this - 3..=this + 3)
        .filter_map(|y| {
            let chair = snap.registry.chair(y)?;
            let name = snap
                .registry
                .states
                .get(chair)
                .map_or(chair.as_str(), |st| st.name.get(lang));
            Some((y, name.to_owned(), y == this))
        })
        .collect();
    Ok(render(&RegistryPage {
        chairs,
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
    users: Vec<UserRow>,
    grants: Vec<GrantRow>,
    authorities: Vec<(String, String)>,
}

/// A grant waiting for a second administrator.
struct GrantRow {
    id: String,
    username: String,
    requested_by: String,
    roles: Vec<String>,
    clearance: Option<String>,
    activates: bool,
}

/// What the users page says after a change.
#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// A user as the users page lists them.
struct UserRow {
    id: String,
    username: String,
    display_name: String,
    authority: String,
    roles: Vec<String>,
    clearance: String,
    disabled: bool,
    locked: bool,
}

fn user_row(u: &concord_domain::User) -> UserRow {
    UserRow {
        id: u.id.to_string(),
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        authority: u.authority.to_string(),
        roles: u.roles.iter().map(|r| r.to_string()).collect(),
        clearance: u.clearance.to_string(),
        disabled: u.disabled,
        locked: false,
    }
}

/// A role named in a form, or the refusal that names the field.
fn form_role(field: &str, text: &str) -> Result<Roles, Refusal> {
    text.parse::<Role>()
        .map(|r| Roles::of([r]))
        .map_err(|e| Refusal::invalid(field, e.to_string()))
}

fn form_clearance(text: &str) -> Result<Classification, Refusal> {
    text.parse::<Classification>()
        .map_err(|e| Refusal::invalid("clearance", e.to_string()))
}

async fn users_page(s: &AppState, c: &Console, done: Option<&str>) -> PageResult {
    let found = users::list(&s.store, &c.caller).await.map_err(|e| c.fail(e))?;
    let locked = users::locked(&s.store, &c.caller).await.map_err(|e| c.fail(e))?;
    let list: Vec<UserRow> = found
        .iter()
        .map(|u| UserRow {
            locked: locked.contains(&u.username),
            ..user_row(u)
        })
        .collect();
    let names: std::collections::HashMap<&str, &str> =
        found.iter().map(|u| (u.id.as_str(), u.username.as_str())).collect();
    let grants = users::pending_grants(&s.store, &c.caller)
        .await
        .map_err(|e| c.fail(e))?
        .into_iter()
        .map(|(g, u)| GrantRow {
            id: g.id.clone(),
            username: u.username.clone(),
            requested_by: names
                .get(g.requested_by.as_str())
                .map_or_else(|| g.requested_by.to_string(), |n| (*n).to_owned()),
            roles: g.roles.iter().flat_map(|r| r.iter()).map(|r| r.to_string()).collect(),
            clearance: g.clearance.map(|cl| cl.to_string()),
            activates: g.disabled == Some(false),
        })
        .collect();
    let authorities = c.authority_choices(s, c.caller.viewer.state.as_ref());
    let mut page = c.page("users-title", "users");
    page.flash = match done {
        Some("pending") => Some(c.tr.t("users-pending")),
        Some("decided") => Some(c.tr.t("users-grant-decided")),
        _ => None,
    };
    Ok(render(&UsersPage {
        page,
        users: list,
        grants,
        authorities,
    }))
}

pub async fn list(State(s): State<AppState>, c: Console, Query(q): Query<Done>) -> PageResult {
    users_page(&s, &c, q.done.as_deref()).await
}

/// Where the users page goes after a change: it says when one waits.
fn after(done: &users::Administered) -> axum::response::Response {
    see_other(if done.pending.is_some() {
        "/console/admin/users?done=pending"
    } else {
        "/console/admin/users"
    })
}

#[derive(Deserialize)]
pub struct GrantForm {
    #[serde(default)]
    decision: String,
}

/// A second administrator approves or refuses a grant.
pub async fn decide_grant(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted(c, f): Posted<GrantForm>,
) -> PageResult {
    let approve = match f.decision.as_str() {
        "approve" => true,
        "refuse" => false,
        other => return Err(c.fail(Refusal::invalid("decision", format!("{other:?}: approve or refuse")))),
    };
    users::decide_grant(&s.store, &c.caller, &id, approve)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(see_other("/console/admin/users?done=decided"))
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
    let new = AddUser {
        username: f.username,
        display_name: f.display_name,
        authority: AuthorityId::new(f.authority),
        roles: form_role("roles[0]", &f.role).map_err(|e| c.fail(e))?,
        clearance: form_clearance(&f.clearance).map_err(|e| c.fail(e))?,
        password: f.password,
    };
    // The created user is shown by the list the browser goes back to.
    let created = users::create(&s.store, &c.caller, new).await.map_err(|e| c.fail(e))?;
    Ok(after(&created))
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
    #[serde(default)]
    unlock: String,
}

pub async fn toggle(State(s): State<AppState>, Path(id): Path<String>, Posted(c, f): Posted<ToggleForm>) -> PageResult {
    let some = |v: String| Some(v).filter(|v| !v.trim().is_empty());
    let change = ChangeUser {
        display_name: None,
        roles: some(f.role)
            .map(|r| form_role("roles[0]", &r))
            .transpose()
            .map_err(|e| c.fail(e))?,
        clearance: some(f.clearance)
            .map(|t| form_clearance(&t))
            .transpose()
            .map_err(|e| c.fail(e))?,
        disabled: some(f.disabled).map(|d| d == "true"),
        password: some(f.password),
        unlock: f.unlock == "true",
    };
    let changed = users::update(&s.store, &c.caller, &UserId::new(id), change)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(after(&changed))
}

#[derive(Template)]
#[template(path = "webhook.html")]
struct WebhookPage {
    page: Page,
    hook: Option<concord_store::Webhook>,
}

/// The state's webhook, for its administrators.
pub async fn webhook(State(s): State<AppState>, c: Console) -> PageResult {
    let hook = concord_app::webhooks::get(&s.store, &c.ctx())
        .await
        .map_err(|e| c.fail(e))?;
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
        concord_app::webhooks::delete(&s.store, &ctx)
            .await
            .map_err(|e| c.fail(e))?;
    } else {
        concord_app::webhooks::set(&s.store, &ctx, f.url.trim(), &f.secret)
            .await
            .map_err(|e| c.fail(e))?;
    }
    Ok(see_other("/console/admin/webhook"))
}
