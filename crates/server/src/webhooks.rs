//! Delivers notifications to the webhooks states configure: one POST per
//! webhook and batch, a JSON array, signed with HMAC-SHA256 of the body under
//! the webhook's secret (`X-Concord-Signature: sha256=HEX`). A non-2xx
//! answer, a timeout or a refused connection leaves the batch for a later
//! attempt.

use axum::body::Bytes;
use concord_store::{DueDelivery, Store, StoreError};
use hmac::{Hmac, Mac};
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use serde_json::json;
use sha2::Sha256;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// How long one delivery may take.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// The HTTP client deliveries go through: http:// and https://.
pub type HttpClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Why a delivery client cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The extra certificate authorities file is unreadable or holds none.
    #[error("{path}: {message}")]
    Authorities { path: String, message: String },
    /// TLS set-up failed.
    #[error("TLS: {0}")]
    Tls(#[from] rustls::Error),
}

/// A client that trusts the system's certificate authorities and, if given,
/// those in a PEM file (a national PKI the system store lacks).
pub fn client(extra_authorities: Option<&Path>) -> Result<HttpClient, ClientError> {
    let mut roots = rustls::RootCertStore::empty();
    // Unreadable system certificates are skipped: one bad file must not stop
    // deliveries to receivers the rest vouch for.
    let system = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(system.certs);
    if let Some(path) = extra_authorities {
        let bad = |message: String| ClientError::Authorities {
            path: path.display().to_string(),
            message,
        };
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| bad(e.to_string()))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad(e.to_string()))?;
        if certs.is_empty() {
            return Err(bad("no PEM certificate in the file".into()));
        }
        for c in certs {
            roots.add(c).map_err(|e| bad(e.to_string()))?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_http1()
        .build();
    Ok(Client::builder(TokioExecutor::new()).build(https))
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
        // Every notice looked at was withheld: only the watermark moves.
        if d.notifications.is_empty() {
            store.delivery_done(&d, None).await?;
            continue;
        }
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
pub fn spawn_worker(store: Store, client: HttpClient, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = deliver_due(&store, &client).await {
                tracing::warn!(error = %e, "webhook deliveries");
            }
        }
    })
}
