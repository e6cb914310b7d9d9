use crate::AppState;
use crate::auth::{COOKIE_NAME, Caller, ClientAddress, open_session};
use crate::error::{ApiError, ErrorBody};
use crate::json::Json;
use crate::routes::users::user_view;
use crate::views::{LoginRequest, LoginResponse, UserView};
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, IntoResponse};
use concord_app::sessions;

/// Logs in: returns a bearer token and sets the session cookie.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, description = "too many failed logins for this name or from this address; Retry-After says how long to wait", body = ErrorBody)))]
pub async fn login(
    State(s): State<AppState>,
    ClientAddress(address): ClientAddress,
    Json(req): Json<LoginRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let (opened, cookie) = open_session(&s, address, &req.username, &req.password).await?;
    let body = LoginResponse {
        token: opened.token,
        expires_at: opened.expires_at,
        user: user_view(&opened.user, opened.state.as_ref()),
    };
    Ok((AppendHeaders([(SET_COOKIE, cookie)]), axum::Json(body)))
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn logout(State(s): State<AppState>, caller: Caller) -> Result<impl IntoResponse, ApiError> {
    sessions::logout(&s.store, &caller).await?;
    let clear = format!("{COOKIE_NAME}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    Ok((StatusCode::NO_CONTENT, AppendHeaders([(SET_COOKIE, clear)])))
}

/// The logged-in user: state, authority, roles, clearance.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = UserView), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn me(caller: Caller) -> axum::Json<UserView> {
    axum::Json(user_view(&caller.user, caller.viewer.state.as_ref()))
}
