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
