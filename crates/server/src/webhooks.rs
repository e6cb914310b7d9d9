//! Delivers notifications to the webhooks states configure: one POST per
//! webhook and batch, a JSON array, signed with HMAC-SHA256 of the body under
//! the webhook's secret (`X-Concord-Signature: sha256=HEX`). A non-2xx
//! answer, a timeout or a refused connection leaves the batch for a later
//! attempt.

use axum::body::Bytes;
use concord_store::{DueDelivery, Store, StoreError};
use hmac::{Hmac, Mac};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::json;
use sha2::Sha256;
use std::time::Duration;

/// How long one delivery may take.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// The HTTP client deliveries go through.
pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// A client for deliveries (plain HTTP; put a TLS-terminating gateway in
/// front of an https receiver).
pub fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

/// The signature header value for `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    // HMAC takes keys of any length, so this cannot fail.
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

async fn post(client: &HttpClient, d: &DueDelivery) -> Result<(), String> {
    let items: Vec<serde_json::Value> = d
        .notifications
        .iter()
        .map(|(authority, n)| {
            json!({
                "id": n.id,
                "authority": authority,
                "kind": n.kind,
                "subject_id": n.subject_id,
                "text": n.text,
                "created_at": n.created_at,
            })
        })
        .collect();
    let body = serde_json::to_vec(&items).map_err(|e| e.to_string())?;
    if !d.url.starts_with("http://") {
        return Err("this node delivers over http:// only; use a TLS gateway".into());
    }
    let req = axum::http::Request::post(&d.url)
        .header("content-type", "application/json")
        .header("x-concord-signature", signature(&d.secret, &body))
        .header(
            "x-concord-delivery",
            d.notifications.first().map_or("", |(_, n)| n.id.as_str()),
        )
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| format!("bad request: {e}"))?;
    match tokio::time::timeout(TIMEOUT, client.request(req)).await {
        Err(_) => Err(format!("no answer within {} s", TIMEOUT.as_secs())),
        Ok(Err(e)) => Err(format!("cannot reach {}: {e}", d.url)),
        Ok(Ok(res)) if res.status().is_success() => Ok(()),
        Ok(Ok(res)) => Err(format!("the receiver answered {}", res.status())),
    }
}

/// Delivers every due batch once; returns the notifications delivered.
pub async fn deliver_due(store: &Store, client: &HttpClient) -> Result<usize, StoreError> {
    let mut delivered = 0;
    for d in store.due_deliveries(100).await? {
        let outcome = post(client, &d).await;
        if outcome.is_ok() {
            delivered += d.notifications.len();
        } else if let Err(e) = &outcome {
            tracing::warn!(owner = %d.owner, url = %d.url, error = %e, "webhook delivery failed");
        }
        store.delivery_done(&d, outcome.err()).await?;
    }
    Ok(delivered)
}

/// Runs deliveries every `every` until the process ends.
pub fn spawn_worker(store: Store, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let client = client();
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = deliver_due(&store, &client).await {
                tracing::warn!(error = %e, "webhook deliveries");
            }
        }
    })
}
