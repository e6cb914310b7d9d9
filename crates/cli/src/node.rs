//! Opening a node: data folder, node key, store, configuration.

use crate::NodeArgs;
use anyhow::{Context, Result};
use concord_audit::NodeKey;
use concord_domain::SystemClock;
use concord_store::{Actor, Options, Store};
use std::path::Path;
use std::sync::Arc;

/// An open node.
pub struct Node {
    pub store: Store,
    pub key: NodeKey,
}

/// A configuration error with the folder in front of the file name.
pub fn with_dir(dir: &Path, e: &concord_config::ConfigError) -> String {
    let mut e = e.clone();
    e.file = dir.join(&e.file).display().to_string();
    e.to_string()
}

/// Reads the node key, or creates it (readable by the owner only).
pub fn node_key(path: &Path) -> Result<NodeKey> {
    if path.exists() {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading node key {}", path.display()))?;
        return NodeKey::from_hex(&text).with_context(|| format!("node key {}", path.display()));
    }
    let key = NodeKey::generate().context("generating a node key")?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, key.to_hex() + "\n").with_context(|| format!("writing node key {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).ok();
    }
    tracing::info!(path = %path.display(), "created a new node key");
    Ok(key)
}

impl Node {
    /// Opens the store and key that `args` name, creating what is missing.
    pub async fn open(args: &NodeArgs) -> Result<Node> {
        std::fs::create_dir_all(&args.data_dir).with_context(|| format!("creating {}", args.data_dir.display()))?;
        let key_path = args.key.clone().unwrap_or_else(|| args.data_dir.join("node.key"));
        let key = node_key(&key_path)?;
        let url = match &args.database {
            Some(url) => url.clone(),
            None => format!("sqlite:{}", args.data_dir.join("concord.db").display()),
        };
        let store = Store::open(&url, Options::new(Arc::new(SystemClock), Some(key.clone())))
            .await
            .with_context(|| format!("opening the database {}", redact(&url)))?;
        Ok(Node { store, key })
    }

    /// Loads `dir` if given; otherwise the shipped SCO configuration if the
    /// database has no registry yet.
    pub async fn load_config(&self, dir: Option<&Path>) -> Result<()> {
        let actor = Actor::system("configuration");
        match dir {
            Some(dir) => {
                let config = concord_config::load_dir(dir).map_err(|errors| {
                    let lines: Vec<String> = errors.0.iter().map(|e| with_dir(dir, e)).collect();
                    anyhow::anyhow!("invalid configuration; nothing was loaded:\n{}", lines.join("\n"))
                })?;
                self.store.apply_config(&config, &actor).await?;
            }
            None if self.store.snapshot().registry.states.is_empty() => {
                let config =
                    concord_config::sco().map_err(|e| anyhow::anyhow!("the shipped configuration is invalid: {e}"))?;
                self.store.apply_config(&config, &actor).await?;
            }
            None => {}
        }
        Ok(())
    }

    /// Serves until Ctrl-C, then signs a final audit checkpoint.
    pub async fn serve(self, listener: tokio::net::TcpListener, settings: concord_server::Settings) -> Result<()> {
        let client =
            concord_server::webhooks::client(settings.webhook_authorities.as_deref()).context("webhook deliveries")?;
        let state = concord_server::AppState {
            store: self.store.clone(),
            node_public_key: Some(self.key.public()),
            settings: Arc::new(settings),
            screening: Default::default(),
            batches: Default::default(),
        };
        let app = concord_server::router(state);
        let deliveries =
            concord_server::webhooks::spawn_worker(self.store.clone(), client, std::time::Duration::from_secs(2));
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                tokio::signal::ctrl_c().await.ok();
            })
            .await
            .context("serving");
        deliveries.abort();
        served?;
        if let Some(cp) = self.store.checkpoint().await? {
            tracing::info!(seq = cp.seq, "signed the audit checkpoint at shutdown");
        }
        self.store.close().await;
        Ok(())
    }
}

/// A database URL without its password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
