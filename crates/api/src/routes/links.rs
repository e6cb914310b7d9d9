//! Links between the objects of one case: notifications, incidents,
//! controlled deliveries, joint operations and legal-assistance requests.
//! An id's prefix tells its kind. A link is shown only to a reader of both
//! ends.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::json::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use concord_app::case_links::Linked;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

const TAG: &str = "case links";

/// A link between two objects the caller may read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkNew {
    /// An id beginning with pen-, inc-, cd-, op- or mla-.
    pub from: String,
    /// Another such id.
    pub to: String,
    /// Why they belong together.
    #[serde(default)]
    pub note: String,
}

/// A link seen from one end.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkView {
    pub id: String,
    /// notification, incident, delivery, operation or legal-request.
    pub kind: String,
    /// The other end's id.
    pub other: String,
    /// What the other end is.
    pub title: String,
    pub note: String,
    pub authority: String,
    pub state: Option<String>,
    pub created_at: String,
}

fn view(l: &Linked) -> LinkView {
    LinkView {
        id: l.link.id.clone(),
        kind: l.other.kind.to_string(),
        other: l.other.id.clone(),
        title: l.title.clone(),
        note: l.link.note.clone(),
        authority: l.link.authority.clone(),
        state: l.link.state.clone(),
        created_at: l.link.created_at.clone(),
    }
}

/// Links two objects of one case; the caller must be able to read both.
#[utoipa::path(post, path = "/api/v1/links", tag = TAG, request_body = LinkNew,
    responses((status = 201, body = LinkView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn link(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<LinkNew>,
) -> Result<(StatusCode, axum::Json<LinkView>), ApiError> {
    let l = concord_app::case_links::link(&s.store, &caller.ctx(), &req.from, &req.to, &req.note).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&l))))
}

/// The links of an object whose other end the caller may read.
#[utoipa::path(get, path = "/api/v1/links/{id}", tag = TAG,
    params(("id" = String, Path, description = "a notification, incident, delivery, operation or request id")),
    responses((status = 200, body = [LinkView]), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn of(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<LinkView>>, ApiError> {
    let links = concord_app::case_links::of(&s.store, &caller.ctx(), &id).await?;
    Ok(axum::Json(links.iter().map(view).collect()))
}
