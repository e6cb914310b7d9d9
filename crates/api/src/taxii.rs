//! TAXII 2.1 (`/taxii2/`): discovery, one API root, a collection per
//! sharing group, objects with `added_after`, `match[...]` and paging,
//! manifests, versions, and the status of every POST. Authentication is the
//! API's (a bearer token or the session cookie); every object served has
//! passed the access decision in the store.

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use concord_store::{Collection, MAX_TAXII_PAGE, ObjectQuery, StoreError, VersionMatch};
use serde_json::{Value, json};

/// The TAXII media type.
pub const TAXII: &str = "application/taxii+json;version=2.1";
/// The largest POST accepted.
pub const MAX_CONTENT_LENGTH: usize = 10 * 1024 * 1024;

/// An error in TAXII's shape, with the API's status code.
struct TaxiiError(StatusCode, String);

impl From<ApiError> for TaxiiError {
    fn from(e: ApiError) -> Self {
        TaxiiError(e.status(), e.public_message())
    }
}

impl From<StoreError> for TaxiiError {
    fn from(e: StoreError) -> Self {
        ApiError::from(e).into()
    }
}

impl IntoResponse for TaxiiError {
    fn into_response(self) -> Response {
        let body = json!({
            "title": self.0.canonical_reason().unwrap_or("error"),
            "description": self.1,
            "http_status": self.0.as_u16().to_string(),
        });
        (self.0, [(header::CONTENT_TYPE, TAXII)], body.to_string()).into_response()
    }
}

type Result<T> = std::result::Result<T, TaxiiError>;

fn taxii(status: StatusCode, body: Value) -> Response {
    (status, [(header::CONTENT_TYPE, TAXII)], body.to_string()).into_response()
}

fn bad(message: impl Into<String>) -> TaxiiError {
    TaxiiError(StatusCode::BAD_REQUEST, message.into())
}

/// The routes, with their body limit.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/taxii2/", get(discovery))
        .route("/taxii2/api/", get(api_root))
        .route("/taxii2/api/status/{id}/", get(status))
        .route("/taxii2/api/collections/", get(collections))
        .route("/taxii2/api/collections/{id}/", get(collection))
        .route("/taxii2/api/collections/{id}/objects/", get(objects).post(add_objects))
        .route(
            "/taxii2/api/collections/{id}/objects/{object_id}/",
            get(object).delete(delete_object),
        )
        .route(
            "/taxii2/api/collections/{id}/objects/{object_id}/versions/",
            get(versions),
        )
        .route("/taxii2/api/collections/{id}/manifest/", get(manifest))
        .layer(DefaultBodyLimit::max(MAX_CONTENT_LENGTH))
        .layer(axum::middleware::from_fn(accept_taxii_21))
}

/// Whether an `Accept` header lets this server answer in TAXII 2.1: absent,
/// a wildcard, plain JSON, or `application/taxii+json` without a version or
/// with version 2.1.
fn accepts_taxii_21(accept: &str) -> bool {
    accept.split(',').any(|range| {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or("").to_ascii_lowercase();
        let version = parts
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("version"))
            .map(|(_, v)| v.trim().trim_matches('"').to_owned());
        match media.as_str() {
            "*/*" | "application/*" | "application/json" => true,
            "application/taxii+json" => version.is_none_or(|v| v == "2.1"),
            _ => false,
        }
    })
}

/// TAXII answers 406 to a client that accepts only another version.
async fn accept_taxii_21(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match accept {
        Some(a) if !accepts_taxii_21(&a) => TaxiiError(
            StatusCode::NOT_ACCEPTABLE,
            format!("this server speaks TAXII 2.1 ({TAXII}); the request accepts only {a:?}"),
        )
        .into_response(),
        _ => {
            let res = next.run(req).await;
            if res.status() != StatusCode::UNAUTHORIZED {
                return res;
            }
            // TAXII's error shape, and how to authenticate: Basic (a user's
            // password or API token) or a bearer token.
            let mut res = TaxiiError(
                StatusCode::UNAUTHORIZED,
                "log in: HTTP Basic with your user name and password (or an API token as the password), \
                 or a bearer token"
                    .into(),
            )
            .into_response();
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"Concord TAXII\", Bearer realm=\"Concord TAXII\""),
            );
            res
        }
    }
}

fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

async fn discovery(_caller: Caller, headers: HeaderMap) -> Result<Response> {
    let root = format!("{}/taxii2/api/", base_url(&headers));
    Ok(taxii(
        StatusCode::OK,
        json!({
            "title": "Concord TAXII 2.1",
            "description": "Intelligence shared between member states and the regional structure, by sharing group.",
            "default": root,
            "api_roots": [root],
        }),
    ))
}

async fn api_root(State(s): State<AppState>, _caller: Caller) -> Result<Response> {
    Ok(taxii(
        StatusCode::OK,
        json!({
            "title": format!("{}: shared intelligence", s.store.snapshot().registry.organization.en),
            "versions": [TAXII],
            "max_content_length": MAX_CONTENT_LENGTH,
        }),
    ))
}

fn collection_json(c: &Collection) -> Value {
    json!({
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "alias": c.key,
        "can_read": c.can_read,
        "can_write": c.can_write,
        "media_types": ["application/stix+json;version=2.1"],
    })
}

async fn collections(State(s): State<AppState>, caller: Caller) -> Result<Response> {
    let cs: Vec<Value> = s
        .store
        .taxii_collections(&caller.ctx())
        .iter()
        .filter(|c| c.can_read || c.can_write)
        .map(collection_json)
        .collect();
    Ok(taxii(StatusCode::OK, json!({ "collections": cs })))
}

async fn collection(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response> {
    let c = s.store.taxii_collection(&caller.ctx(), &id)?;
    Ok(taxii(StatusCode::OK, collection_json(&c)))
}

/// Reads the TAXII query parameters; unknown ones are refused by name.
fn query(raw: Option<String>, allow_id: bool) -> Result<ObjectQuery> {
    let mut q = ObjectQuery {
        limit: 100,
        ..ObjectQuery::default()
    };
    let list = |v: &str| {
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "added_after" => q.added_after = Some(v.into_owned()),
            "limit" => {
                // More than the server gives is capped, as TAXII 2.1 asks.
                q.limit = v
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .map(|n| n.min(MAX_TAXII_PAGE))
                    .ok_or_else(|| {
                        bad(format!(
                            "limit {v:?}: a whole number from 1 (at most {MAX_TAXII_PAGE} are given)"
                        ))
                    })?;
            }
            "next" => q.next = Some(v.into_owned()),
            "match[id]" if allow_id => q.ids = list(&v),
            "match[type]" => q.types = list(&v),
            "match[spec_version]" => q.spec_versions = list(&v),
            "match[version]" => {
                let vs = list(&v);
                q.versions = if vs.iter().any(|x| x == "all") {
                    VersionMatch::All
                } else {
                    let mut at = Vec::new();
                    for x in vs.iter().filter(|x| *x != "first" && *x != "last") {
                        let t = time::OffsetDateTime::parse(x, &time::format_description::well_known::Rfc3339)
                            .map_err(|_| bad(format!("match[version] {x:?}: last, first, all or a timestamp")))?;
                        at.push(concord_store::stamp(t));
                    }
                    VersionMatch::Picked {
                        first: vs.iter().any(|x| x == "first"),
                        last: vs.iter().any(|x| x == "last"),
                        at,
                    }
                };
            }
            other => return Err(bad(format!("unknown query parameter {other:?}"))),
        }
    }
    Ok(q)
}

fn page_headers(page: &concord_store::ObjectPage) -> Vec<(header::HeaderName, HeaderValue)> {
    let mut h = Vec::new();
    let first = page.objects.iter().map(|o| o.added_at.as_str()).min();
    let last = page.objects.iter().map(|o| o.added_at.as_str()).max();
    for (name, value) in [("x-taxii-date-added-first", first), ("x-taxii-date-added-last", last)] {
        if let Some(v) = value.and_then(|v| HeaderValue::from_str(v).ok()) {
            h.push((header::HeaderName::from_static(name), v));
        }
    }
    h
}

fn envelope(page: &concord_store::ObjectPage) -> Value {
    let mut e = json!({
        "more": page.more,
        "objects": page.objects.iter().map(|o| o.body.clone()).collect::<Vec<_>>(),
    });
    if let Some(n) = &page.next {
        e["next"] = json!(n);
    }
    e
}

async fn objects(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    let q = query(raw, true)?;
    let page = s.store.taxii_objects(&caller.ctx(), &id, &q).await?;
    let mut res = taxii(StatusCode::OK, envelope(&page));
    res.headers_mut().extend(page_headers(&page));
    Ok(res)
}

async fn object(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, object_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    let mut q = query(raw, false)?;
    q.ids = vec![object_id.clone()];
    let page = s.store.taxii_objects(&caller.ctx(), &id, &q).await?;
    if page.objects.is_empty() && q.next.is_none() {
        return Err(TaxiiError(
            StatusCode::NOT_FOUND,
            format!("no object {object_id} you may read"),
        ));
    }
    let mut res = taxii(StatusCode::OK, envelope(&page));
    res.headers_mut().extend(page_headers(&page));
    Ok(res)
}

/// The poster of an object deletes it, every version (TAXII 2.1, 5.7).
async fn delete_object(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, object_id)): Path<(String, String)>,
) -> Result<Response> {
    s.store.taxii_delete(&caller.ctx(), &id, &object_id).await?;
    Ok(StatusCode::OK.into_response())
}

async fn versions(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, object_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    let mut q = query(raw, false)?;
    q.ids = vec![object_id.clone()];
    q.versions = VersionMatch::All;
    let page = s.store.taxii_objects(&caller.ctx(), &id, &q).await?;
    if page.objects.is_empty() && q.next.is_none() {
        return Err(TaxiiError(
            StatusCode::NOT_FOUND,
            format!("no object {object_id} you may read"),
        ));
    }
    let mut body = json!({
        "more": page.more,
        "versions": page.objects.iter().map(|o| o.version.clone()).collect::<Vec<_>>(),
    });
    if let Some(n) = &page.next {
        body["next"] = json!(n);
    }
    let mut res = taxii(StatusCode::OK, body);
    res.headers_mut().extend(page_headers(&page));
    Ok(res)
}

async fn manifest(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    let q = query(raw, true)?;
    let page = s.store.taxii_objects(&caller.ctx(), &id, &q).await?;
    let mut body = json!({
        "more": page.more,
        "objects": page.objects.iter().map(|o| json!({
            "id": o.id,
            "date_added": o.added_at,
            "version": o.version,
            "media_type": format!("application/stix+json;version={}", o.spec_version),
        })).collect::<Vec<_>>(),
    });
    if let Some(n) = &page.next {
        body["next"] = json!(n);
    }
    let mut res = taxii(StatusCode::OK, body);
    res.headers_mut().extend(page_headers(&page));
    Ok(res)
}

async fn add_objects(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let ty = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = ty.split(';').next().unwrap_or("").trim();
    if media != "application/taxii+json" {
        return Err(TaxiiError(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("send an envelope as {TAXII}, not {ty:?}"),
        ));
    }
    let envelope: Value = serde_json::from_slice(&body).map_err(|e| bad(format!("the envelope is not JSON: {e}")))?;
    let Some(map) = envelope.as_object() else {
        return Err(bad("the envelope must be a JSON object"));
    };
    if let Some(k) = map.keys().find(|k| !matches!(k.as_str(), "objects" | "more" | "next")) {
        return Err(bad(format!("unknown envelope property {k:?}")));
    }
    let objects = map
        .get("objects")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("the envelope needs an objects list"))?;
    let status = s.store.taxii_add(&caller.ctx(), &id, objects).await?;
    Ok(taxii(StatusCode::ACCEPTED, status))
}

async fn status(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response> {
    let st = s.store.taxii_status(&caller.ctx(), &id).await?;
    Ok(taxii(StatusCode::OK, st))
}
