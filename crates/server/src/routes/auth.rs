use crate::AppState;
use crate::auth::{COOKIE_NAME, Caller, new_token, verify_password};
use crate::error::{ApiError, ErrorBody};
use crate::json::Json;
use crate::routes::users::user_view;
use crate::views::{LoginRequest, LoginResponse, UserView};
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, IntoResponse};
use concord_store::Actor;

/// Logs in: returns a bearer token and sets the session cookie.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn login(State(s): State<AppState>, Json(req): Json<LoginRequest>) -> Result<impl IntoResponse, ApiError> {
    let opened = open_session(&s, &req.username, &req.password).await?;
    let body = LoginResponse {
        token: opened.token,
        expires_at: opened.expires_at,
        user: user_view(&opened.user, opened.state.as_ref()),
    };
    Ok((AppendHeaders([(SET_COOKIE, opened.cookie)]), axum::Json(body)))
}

/// A session just opened.
pub(crate) struct Opened {
    pub token: String,
    pub expires_at: i64,
    pub user: concord_domain::User,
    pub state: Option<concord_domain::StateCode>,
    /// The `Set-Cookie` value that carries the session.
    pub cookie: String,
}

/// Checks a password and opens a session; audited either way.
pub(crate) async fn open_session(s: &AppState, username: &str, password: &str) -> Result<Opened, ApiError> {
    let found = s.store.user_for_login(username).await?;
    // Hash even for an unknown user so that timing does not tell names apart.
    let (user, ok) = match found {
        Some((user, hash)) => {
            let ok = verify_password(password, &hash) && !user.disabled;
            (Some(user), ok)
        }
        None => {
            verify_password(
                password,
                "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0000000000000000000000000000000000000000000",
            );
            (None, false)
        }
    };
    let (user, true) = (user, ok) else {
        let name: String = username.chars().take(64).collect();
        s.store
            .audit(&Actor::system("login"), "auth.login.failed", name)
            .await?;
        return Err(ApiError::new(
            crate::error::Code::Unauthenticated,
            "unknown user or wrong password",
        ));
    };
    let Some(user) = user else {
        return Err(ApiError::unauthenticated());
    };
    let (token, hash) = new_token()?;
    let ttl = s.settings.session_ttl_seconds;
    let session = s.store.create_session(&user.id, &hash, "login", ttl).await?;
    let viewer = s.store.viewer(&user)?;
    let actor = Actor {
        id: user.id.to_string(),
        authority: user.authority.to_string(),
        purpose: "login".into(),
    };
    s.store.audit(&actor, "auth.login", user.username.clone()).await?;
    let secure = if s.settings.secure_cookies { "; Secure" } else { "" };
    let cookie = format!("{COOKIE_NAME}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={ttl}{secure}");
    Ok(Opened {
        token,
        expires_at: session.expires_at,
        user,
        state: viewer.state,
        cookie,
    })
}

/// Ends the session used for this request.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn logout(State(s): State<AppState>, caller: Caller) -> Result<impl IntoResponse, ApiError> {
    s.store.delete_session(&caller.token_hash).await?;
    s.store
        .audit(&caller.actor(), "auth.logout", caller.user.username.clone())
        .await?;
    let clear = format!("{COOKIE_NAME}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    Ok((StatusCode::NO_CONTENT, AppendHeaders([(SET_COOKIE, clear)])))
}

/// The logged-in user: state, authority, roles, clearance.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = UserView), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn me(caller: Caller) -> axum::Json<UserView> {
    axum::Json(user_view(&caller.user, caller.viewer.state.as_ref()))
}
