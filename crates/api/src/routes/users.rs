use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::json::Json;
use crate::views::{NewUserRequest, UserPatch, UserView};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use concord_app::users::{AddUser, ChangeUser, state_of};
use concord_domain::{AuthorityId, Classification, Role, Roles, StateCode, User, UserId};

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
    Ok(axum::Json(
        users
            .iter()
            .map(|u| user_view(u, state_of(&s.store, &u.authority).as_ref()))
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
    let user = concord_app::users::create(&s.store, &caller, new).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(user_view(&user, state_of(&s.store, &user.authority).as_ref())),
    ))
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
    };
    let user = concord_app::users::update(&s.store, &caller, &UserId::new(id), change).await?;
    Ok(axum::Json(user_view(
        &user,
        state_of(&s.store, &user.authority).as_ref(),
    )))
}
