use crate::AppState;
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::views::*;
use axum::Json;
use axum::extract::State;

/// States with their membership history and today's status.
#[utoipa::path(get, path = "/api/v1/registry/states", tag = "registry",
    responses((status = 200, body = [StateView]), (status = 401, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn states(State(s): State<AppState>, _: Caller) -> Json<Vec<StateView>> {
    let snap = s.store.snapshot();
    let today = s.store.clock().today();
    Json(
        snap.registry
            .states
            .values()
            .map(|st| StateView {
                code: st.code.to_string(),
                name: (&st.name).into(),
                status_today: st.status_on(today).map(|x| x.to_string()),
                membership: st
                    .membership
                    .iter()
                    .map(|m| MembershipView {
                        since: m.since.to_string(),
                        status: m.status.to_string(),
                    })
                    .collect(),
            })
            .collect(),
    )
}

/// Competent authorities and the regional structure.
#[utoipa::path(get, path = "/api/v1/registry/authorities", tag = "registry",
    responses((status = 200, body = [AuthorityView]), (status = 401, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn authorities(State(s): State<AppState>, _: Caller) -> Json<Vec<AuthorityView>> {
    let snap = s.store.snapshot();
    Json(
        snap.registry
            .authorities
            .values()
            .map(|a| AuthorityView {
                id: a.id.to_string(),
                state: a.state.as_ref().map(|s| s.to_string()),
                kind: a.kind.to_string(),
                name: (&a.name).into(),
            })
            .collect(),
    )
}

/// Bodies and meeting mechanisms.
#[utoipa::path(get, path = "/api/v1/registry/bodies", tag = "registry",
    responses((status = 200, body = [BodyView]), (status = 401, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn bodies(State(s): State<AppState>, _: Caller) -> Json<Vec<BodyView>> {
    let snap = s.store.snapshot();
    Json(
        snap.registry
            .bodies
            .values()
            .map(|b| BodyView {
                id: b.id.clone(),
                kind: b.kind.to_string(),
                name: (&b.name).into(),
                parent: b.parent.clone(),
                level: b.level,
            })
            .collect(),
    )
}

/// Legal instruments with their articles, signatures and ratifications.
#[utoipa::path(get, path = "/api/v1/registry/instruments", tag = "registry",
    responses((status = 200, body = [InstrumentView]), (status = 401, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn instruments(State(s): State<AppState>, _: Caller) -> Json<Vec<InstrumentView>> {
    let snap = s.store.snapshot();
    Json(
        snap.registry
            .instruments
            .values()
            .map(|i| InstrumentView {
                id: i.id.clone(),
                kind: i.kind.to_string(),
                title: (&i.title).into(),
                adopted: i.adopted.to_string(),
                articles: i
                    .articles
                    .iter()
                    .map(|a| ArticleView {
                        number: a.number.clone(),
                        title: a.title.clone(),
                    })
                    .collect(),
                parties: i
                    .parties
                    .iter()
                    .map(|p| PartyView {
                        state: p.state.to_string(),
                        signed: p.signed.to_string(),
                        ratified: p.ratified.map(|d| d.to_string()),
                    })
                    .collect(),
            })
            .collect(),
    )
}

/// Who chairs in a year, and hosts its summit.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ChairView {
    pub year: i32,
    /// The chairing state; absent before the rotation began or without one.
    pub chair: Option<String>,
    /// The state that hosts the summit ending the year: the chair.
    pub summit_host: Option<String>,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChairQuery {
    /// First year (default: three years ago).
    from: Option<i32>,
    /// Last year (default: three years ahead); at most 100 years at once.
    to: Option<i32>,
}

/// The chairmanship year by year, from the configured rotation.
#[utoipa::path(get, path = "/api/v1/registry/chairmanship", tag = "registry", params(ChairQuery),
    responses((status = 200, body = [ChairView]), (status = 422, body = ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn chairmanship(
    State(s): State<AppState>,
    _: Caller,
    crate::json::Query(q): crate::json::Query<ChairQuery>,
) -> Result<Json<Vec<ChairView>>, crate::error::ApiError> {
    let this = s.store.clock().today().year();
    let (from, to) = (q.from.unwrap_or(this - 3), q.to.unwrap_or(this + 3));
    if from > to {
        return Err(concord_app::Refusal::invalid("from", format!("{from} is after {to}")).into());
    }
    if to - from >= 100 {
        return Err(concord_app::Refusal::invalid("to", "at most 100 years at once").into());
    }
    let snap = s.store.snapshot();
    Ok(Json(
        (from..=to)
            .map(|year| {
                let chair = snap.registry.chair(year).map(|c| c.to_string());
                ChairView {
                    year,
                    summit_host: chair.clone(),
                    chair,
                }
            })
            .collect(),
    ))
}
