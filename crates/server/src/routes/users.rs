use crate::AppState;
use crate::auth::{Caller, check_password, hash_password};
use crate::error::{ApiError, ErrorBody};
use crate::json::Json;
use crate::views::{NewUserRequest, UserPatch, UserView};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use concord_domain::{AuthorityId, Classification, Role, Roles, StateCode, User, UserId};
use concord_store::{NewUser, UserUpdate};

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
    if parsed.is_empty() {
        return Err(ApiError::field("roles", "at least one role is required"));
    }
    Ok(Roles::of(parsed))
}

fn parse_clearance(text: &str, caller: &Caller) -> Result<Classification, ApiError> {
    let c: Classification = text
        .parse()
        .map_err(|e: concord_domain::ParseError| ApiError::field("clearance", e.to_string()))?;
    if c > caller.viewer.clearance {
        return Err(ApiError::field(
            "clearance",
            format!(
                "cannot grant more than your own clearance ({})",
                caller.viewer.clearance
            ),
        ));
    }
    Ok(c)
}

/// Administrators of a state manage its authorities' users; the regional
/// structure's administrators manage everyone.
fn in_scope(s: &AppState, caller: &Caller, authority: &AuthorityId) -> bool {
    match &caller.viewer.state {
        None => true,
        Some(state) => {
            s.store
                .snapshot()
                .registry
                .authority(authority)
                .and_then(|a| a.state.as_ref())
                == Some(state)
        }
    }
}

fn state_of(s: &AppState, authority: &AuthorityId) -> Option<StateCode> {
    s.store
        .snapshot()
        .registry
        .authority(authority)
        .and_then(|a| a.state.clone())
}

/// Users the caller administers.
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    responses((status = 200, body = [UserView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn list(State(s): State<AppState>, caller: Caller) -> Result<axum::Json<Vec<UserView>>, ApiError> {
    caller.require(&[Role::Administrator], "listing users")?;
    let users = s.store.users().await?;
    let views: Vec<UserView> = users
        .iter()
        .filter(|u| in_scope(&s, &caller, &u.authority))
        .map(|u| user_view(u, state_of(&s, &u.authority).as_ref()))
        .collect();
    let names: Vec<&str> = views.iter().map(|u| u.username.as_str()).collect();
    s.store.audit(&caller.actor(), "user.list", names.join(",")).await?;
    Ok(axum::Json(views))
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
    caller.require(&[Role::Administrator], "creating users")?;
    let authority = AuthorityId::new(req.authority);
    if s.store.snapshot().registry.authority(&authority).is_none() {
        return Err(ApiError::field(
            "authority",
            format!("unknown authority {:?}", authority.as_str()),
        ));
    }
    if !in_scope(&s, &caller, &authority) {
        return Err(ApiError::forbidden(
            "you administer the users of your own state's authorities only",
        ));
    }
    let roles = parse_roles(&req.roles)?;
    let clearance = parse_clearance(&req.clearance, &caller)?;
    check_password("password", &req.password)?;
    let new = NewUser {
        username: req.username,
        display_name: req.display_name,
        authority,
        roles,
        clearance,
        password_hash: hash_password(&req.password)?,
    };
    let user = s.store.create_user(new, &caller.actor()).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(user_view(&user, state_of(&s, &user.authority).as_ref())),
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
    caller.require(&[Role::Administrator], "changing users")?;
    let id = UserId::new(id);
    let current = s.store.user(&id).await?;
    if !in_scope(&s, &caller, &current.authority) {
        return Err(ApiError::new(
            crate::error::Code::NotFound,
            format!("user {id} not found"),
        ));
    }
    let update = UserUpdate {
        display_name: req.display_name,
        roles: req.roles.as_deref().map(parse_roles).transpose()?,
        clearance: req
            .clearance
            .as_deref()
            .map(|c| parse_clearance(c, &caller))
            .transpose()?,
        disabled: req.disabled,
        password_hash: match req.password.as_deref() {
            Some(p) => {
                check_password("password", p)?;
                Some(hash_password(p)?)
            }
            None => None,
        },
    };
    let user = s.store.update_user(&id, update, &caller.actor()).await?;
    Ok(axum::Json(user_view(&user, state_of(&s, &user.authority).as_ref())))
}
