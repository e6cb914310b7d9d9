//! Webhooks: a state's notifications are posted to its URL, signed, in
//! order, at least once; failures back off and are retried.

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use concord_domain::{Classification, Role, Roles};
use concord_server::webhooks::{client, deliver_due, signature};
use concord_stories::{ctx, officer, story};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use time::Duration;

#[derive(Default)]
struct Receiver {
    failing: AtomicBool,
    got: Mutex<Vec<(String, Vec<u8>)>>,
}

async fn receiver(tls: bool) -> (String, Arc<Receiver>) {
    let state = Arc::new(Receiver::default());
    let s = state.clone();
    let app = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: Bytes| {
            let s = s.clone();
            async move {
                if s.failing.load(Ordering::SeqCst) {
                    return StatusCode::INTERNAL_SERVER_ERROR;
                }
                let sig = headers
                    .get("x-concord-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                s.got
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((sig, body.to_vec()));
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    if tls {
        let acceptor = tls_acceptor();
        tokio::spawn(async move {
            axum::serve(
                TlsListener {
                    tcp: listener,
                    acceptor,
                },
                app,
            )
            .await
        });
        (format!("https://{addr}/hook"), state)
    } else {
        tokio::spawn(async move { axum::serve(listener, app).await });
        (format!("http://{addr}/hook"), state)
    }
}

fn tls_file(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/tls")
        .join(name)
}

/// A TLS acceptor with the synthetic receiver certificate for 127.0.0.1.
fn tls_acceptor() -> tokio_rustls::TlsAcceptor {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_file_iter(tls_file("receiver.pem"))
        .expect("receiver.pem")
        .collect::<Result<Vec<_>, _>>()
        .expect("certificate");
    let key = PrivateKeyDer::from_pem_file(tls_file("receiver.key")).expect("receiver.key");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server config");
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// A TLS listener for `axum::serve`; failed handshakes are dropped.
struct TlsListener {
    tcp: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((tcp, addr)) = self.tcp.accept().await else {
                continue;
            };
            if let Ok(tls) = self.acceptor.accept(tcp).await {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

fn ru_admin(f: &concord_stories::Fixture) -> concord_store::Ctx {
    ctx(
        &f.store,
        "ru-admin",
        "ru-police",
        Roles::of([Role::Administrator]),
        Classification::Restricted,
    )
}

/// Russia's users: a webhook receives what one of them could read.
async fn russian_users(f: &concord_stories::Fixture) {
    for (name, authority, clearance) in [
        ("ru.police", "ru-police", Classification::Confidential),
        ("ru.fsb", "ru-security-service", Classification::Restricted),
    ] {
        let new = concord_store::NewUser {
            username: name.into(),
            display_name: name.into(),
            authority: authority.into(),
            roles: Roles::of([Role::Officer]),
            clearance,
            password_hash: "not used to log in".into(),
            disabled: false,
            must_change_password: false,
        };
        f.store
            .create_user(new, &concord_store::Actor::system("test"))
            .await
            .expect("user");
    }
}

fn message(to: &str) -> concord_store::MessageInput {
    concord_store::MessageInput {
        kind: concord_domain::workflow::exchange::MessageKind::Message,
        priority: concord_domain::workflow::exchange::Priority::Urgent,
        subject: "Secret subject never leaves in a notice".into(),
        body: "Body (synthetic).".into(),
        recipients: vec![to.into()],
        handling: concord_domain::HandlingCode::open(),
        deadline: None,
        links: vec![],
        attachments: vec![],
    }
}

story!(notifications_reach_the_state_webhook_signed_and_in_order, |f| {
    let (url, rx) = receiver(false).await;
    russian_users(&f).await;
    let admin = ru_admin(&f);
    let officer_ru = officer(&f, "ru-police");
    assert!(matches!(
        concord_app::webhooks::set(&f.store, &officer_ru, &url, "0123456789abcdef").await,
        Err(concord_app::Refusal::Forbidden(_))
    ));
    assert!(matches!(
        concord_app::webhooks::set(&f.store, &admin, "ftp://example", "0123456789abcdef").await,
        Err(concord_app::Refusal::Invalid { field, .. }) if field == "url"
    ));
    assert!(matches!(
        concord_app::webhooks::set(&f.store, &admin, &url, "short").await,
        Err(concord_app::Refusal::Invalid { field, .. }) if field == "secret"
    ));
    let secret = "a shared secret of some length";
    concord_app::webhooks::set(&f.store, &admin, &url, secret)
        .await
        .expect("set");

    let kz = officer(&f, "kz-security-service");
    f.clock.advance(Duration::seconds(1));
    let first = concord_app::messages::send(&f.store, &kz, None, message("ru-police"))
        .await
        .expect("send");
    f.clock.advance(Duration::seconds(1));
    let second = concord_app::messages::send(&f.store, &kz, None, message("state:RU"))
        .await
        .expect("send");
    concord_app::messages::send(&f.store, &kz, None, message("cn-police"))
        .await
        .expect("not Russia's");

    let http = client(None).expect("client");
    assert_eq!(deliver_due(&f.store, &http).await.expect("deliver"), 2);
    {
        let got = rx.got.lock().unwrap_or_else(|e| e.into_inner());
        assert_eq!(got.len(), 1, "one batch");
        let (sig, body) = &got[0];
        assert_eq!(*sig, signature(secret, body), "signed with the secret");
        let items: serde_json::Value = serde_json::from_slice(body).expect("json");
        let subjects: Vec<&str> = items
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|i| i["subject_id"].as_str())
            .collect();
        assert_eq!(subjects, [first.id.as_str(), second.id.as_str()], "in order");
        assert!(
            !String::from_utf8_lossy(body).contains("Secret subject"),
            "notices carry no content"
        );
    }
    assert_eq!(deliver_due(&f.store, &http).await.expect("again"), 0, "delivered once");

    // The receiver fails: the batch waits, backs off, and goes out later.
    rx.failing.store(true, Ordering::SeqCst);
    concord_app::messages::send(&f.store, &kz, None, message("ru-police"))
        .await
        .expect("send");
    assert_eq!(deliver_due(&f.store, &http).await.expect("deliver"), 0);
    let hook = concord_app::webhooks::get(&f.store, &admin)
        .await
        .expect("read")
        .expect("set");
    assert_eq!(hook.attempts, 1);
    assert!(
        hook.last_error.as_deref().is_some_and(|e| e.contains("500")),
        "{hook:?}"
    );
    rx.failing.store(false, Ordering::SeqCst);
    assert_eq!(deliver_due(&f.store, &http).await.expect("too early"), 0, "backing off");
    f.clock.advance(Duration::seconds(5));
    assert_eq!(deliver_due(&f.store, &http).await.expect("retry"), 1);
    let hook = concord_app::webhooks::get(&f.store, &admin)
        .await
        .expect("read")
        .expect("set");
    assert_eq!((hook.attempts, hook.delivered), (0, 3));

    // A secret message to the police: no Russian user is cleared for it, so
    // its notice stays home, and the watermark moves past it.
    let mut secret_message = message("ru-police");
    secret_message.handling.classification = Classification::Secret;
    let withheld = concord_app::messages::send(&f.store, &kz, None, secret_message)
        .await
        .expect("send");
    let later = concord_app::messages::send(&f.store, &kz, None, message("state:RU"))
        .await
        .expect("send");
    assert_eq!(deliver_due(&f.store, &http).await.expect("deliver"), 1);
    {
        let got = rx.got.lock().unwrap_or_else(|e| e.into_inner());
        let body = String::from_utf8_lossy(&got.last().expect("a batch").1).into_owned();
        assert!(body.contains(&later.id) && !body.contains(&withheld.id), "{body}");
    }
    assert_eq!(deliver_due(&f.store, &http).await.expect("again"), 0, "nothing waits");

    // Russia is suspended from tomorrow: nothing goes out from then on.
    f.suspend_from_tomorrow("RU").await;
    // A notice of today, still a member's, is due when the suspension begins.
    concord_app::messages::send(&f.store, &kz, None, message("ru-police"))
        .await
        .expect("send");
    f.clock.advance(Duration::days(1));
    assert_eq!(deliver_due(&f.store, &http).await.expect("suspended"), 0);
    let before = rx.got.lock().unwrap_or_else(|e| e.into_inner()).len();
    f.clock.advance(Duration::hours(2));
    assert_eq!(deliver_due(&f.store, &http).await.expect("still suspended"), 0);
    assert_eq!(
        rx.got.lock().unwrap_or_else(|e| e.into_inner()).len(),
        before,
        "no post at all"
    );

    concord_app::webhooks::delete(&f.store, &admin).await.expect("delete");
    assert!(
        concord_app::webhooks::get(&f.store, &admin)
            .await
            .expect("read")
            .is_none()
    );
});

story!(https_receivers_are_verified_against_the_configured_authorities, |f| {
    let (url, rx) = receiver(true).await;
    russian_users(&f).await;
    assert!(url.starts_with("https://"));
    let admin = ru_admin(&f);
    let secret = "a shared secret of some length";
    concord_app::webhooks::set(&f.store, &admin, &url, secret)
        .await
        .expect("set");
    let kz = officer(&f, "kz-security-service");
    concord_app::messages::send(&f.store, &kz, None, message("ru-police"))
        .await
        .expect("send");

    // The system's authorities do not vouch for the receiver: nothing goes
    // out, the error says why, and the notice waits.
    let untrusting = client(None).expect("client");
    assert_eq!(deliver_due(&f.store, &untrusting).await.expect("deliver"), 0);
    let hook = concord_app::webhooks::get(&f.store, &admin)
        .await
        .expect("read")
        .expect("set");
    assert!(
        hook.last_error
            .as_deref()
            .is_some_and(|e| e.contains("cannot reach") && e.contains("https://")),
        "{hook:?}"
    );
    assert!(rx.got.lock().unwrap_or_else(|e| e.into_inner()).is_empty());

    // With the receiver's authority configured, it goes out, signed.
    let trusting = client(Some(&tls_file("ca.pem"))).expect("client");
    f.clock.advance(Duration::minutes(5));
    assert_eq!(deliver_due(&f.store, &trusting).await.expect("deliver"), 1);
    let got = rx.got.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, signature(secret, &got[0].1));

    // A bad authorities file is refused when the client is built.
    let dir = tempfile::tempdir().expect("temp");
    let empty = dir.path().join("none.pem");
    std::fs::write(&empty, "not a certificate").expect("write");
    let refused = client(Some(&empty)).err().map(|e| e.to_string());
    assert!(
        refused
            .as_deref()
            .is_some_and(|e| e.contains("none.pem") && e.contains("no PEM certificate")),
        "{refused:?}"
    );
    assert!(client(Some(&dir.path().join("missing.pem"))).is_err());
});
