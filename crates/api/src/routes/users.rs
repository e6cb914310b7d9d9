use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::json::Json;
use crate::views::{GrantDecision, GrantView, NewUserRequest, PasswordChange, UserPatch, UserView};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use concord_app::users::{AddUser, Administered, ChangeUser, state_of};
use concord_domain::{AuthorityId, Classification, Role, Roles, StateCode, User, UserId};
use concord_store::UserGrant;

pub fn user_view(u: &User, state: Option<&StateCode>) -> UserView {
    UserView {
        id: u.id.to_string(),
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        authority: u.authority.to_string(),
        state: state.map(|s| s.to_string()),
        roles: u.roles.iter().map(|r| r.to_string()).collect(),
        clearance: u.clearance.to_string(),
        disabled: u.disabled,
        must_change_password: u.must_change_password,
        locked: false,
        pending_grant: None,
    }
}

fn administered_view(s: &AppState, a: &Administered) -> UserView {
    UserView {
        pending_grant: a.pending.as_ref().map(|g| g.id.clone()),
        ..user_view(&a.user, state_of(&s.store, &a.user.authority).as_ref())
    }
}

fn grant_view(g: &UserGrant, u: &User) -> GrantView {
    GrantView {
        id: g.id.clone(),
        user_id: g.user_id.to_string(),
        username: u.username.clone(),
        requested_by: g.requested_by.to_string(),
        roles: g.roles.as_ref().map(|r| r.iter().map(|r| r.to_string()).collect()),
        clearance: g.clearance.map(|c| c.to_string()),
        disabled: g.disabled,
        status: g.status.clone(),
        created_at: g.created_at.clone(),
    }
}

fn parse_roles(roles: &[String]) -> Result<Roles, ApiError> {
    let parsed = roles
        .iter()
        .enumerate()
        .map(|(i, r)| {
            r.parse::<Role>()
                .map_err(|e| ApiError::field(format!("roles[{i}]"), e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Roles::of(parsed))
}

fn parse_clearance(text: &str) -> Result<Classification, ApiError> {
    text.parse()
        .map_err(|e: concord_domain::ParseError| ApiError::field("clearance", e.to_string()))
}

/// Users the caller administers.
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    responses((status = 200, body = [UserView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn list(State(s): State<AppState>, caller: Caller) -> Result<axum::Json<Vec<UserView>>, ApiError> {
    let users = concord_app::users::list(&s.store, &caller).await?;
    let locked = concord_app::users::locked(&s.store, &caller).await?;
    Ok(axum::Json(
        users
            .iter()
            .map(|u| UserView {
                locked: locked.contains(&u.username),
                ..user_view(u, state_of(&s.store, &u.authority).as_ref())
            })
            .collect(),
    ))
}

/// Creates a user in an authority the caller administers.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUserRequest,
    responses((status = 201, body = UserView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<NewUserRequest>,
) -> Result<(StatusCode, axum::Json<UserView>), ApiError> {
    let new = AddUser {
        username: req.username,
        display_name: req.display_name,
        authority: AuthorityId::new(req.authority),
        roles: parse_roles(&req.roles)?,
        clearance: parse_clearance(&req.clearance)?,
        password: req.password,
    };
    let done = concord_app::users::create(&s.store, &caller, new).await?;
    Ok((StatusCode::CREATED, axum::Json(administered_view(&s, &done))))
}

/// Changes a user: name, roles, clearance, password, or disables them.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", request_body = UserPatch,
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = UserView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn update(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<UserPatch>,
) -> Result<axum::Json<UserView>, ApiError> {
    let change = ChangeUser {
        display_name: req.display_name,
        roles: req.roles.as_deref().map(parse_roles).transpose()?,
        clearance: req.clearance.as_deref().map(parse_clearance).transpose()?,
        disabled: req.disabled,
        password: req.password,
        unlock: req.unlock == Some(true),
    };
    let done = concord_app::users::update(&s.store, &caller, &UserId::new(id), change).await?;
    Ok(axum::Json(administered_view(&s, &done)))
}

/// Grants that wait for a second administrator, among the users the caller administers.
#[utoipa::path(get, path = "/api/v1/user-grants", tag = "users",
    responses((status = 200, body = [GrantView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn grants(State(s): State<AppState>, caller: Caller) -> Result<axum::Json<Vec<GrantView>>, ApiError> {
    let pending = concord_app::users::pending_grants(&s.store, &caller).await?;
    Ok(axum::Json(pending.iter().map(|(g, u)| grant_view(g, u)).collect()))
}

/// A second administrator approves or refuses a grant.
#[utoipa::path(post, path = "/api/v1/user-grants/{id}/decision", tag = "users", request_body = GrantDecision,
    params(("id" = String, Path, description = "grant id")),
    responses((status = 200, body = GrantView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn decide_grant(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<GrantDecision>,
) -> Result<axum::Json<GrantView>, ApiError> {
    let g = concord_app::users::decide_grant(&s.store, &caller, &id, req.approve).await?;
    let u = s.store.user(&g.user_id).await?;
    Ok(axum::Json(grant_view(&g, &u)))
}

/// Changes the caller's own password; every session ends, log in again.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth", request_body = PasswordChange,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn change_password(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    concord_app::users::change_own_password(&s.store, &caller, &req.current_password, &req.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}
