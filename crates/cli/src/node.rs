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
    /// Where `serve` records its pid.
    pub pid_file: Option<std::path::PathBuf>,
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
    // Created readable by its owner only, never for a moment by others.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(path).and_then(|mut f| {
        use std::io::Write;
        f.write_all((key.to_hex() + "\n").as_bytes())?;
        f.sync_all()
    });
    written.with_context(|| format!("writing node key {}", path.display()))?;
    tracing::info!(path = %path.display(), "created a new node key");
    Ok(key)
}

/// Refuses a node key that others than its owner may read.
pub fn check_key_private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .with_context(|| format!("reading node key {}", path.display()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            anyhow::bail!(
                "the node key {} may be read by others (mode {:o}): `chmod 600 {}` first",
                path.display(),
                mode & 0o777,
                path.display()
            );
        }
    }
    Ok(())
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
        let mut options = Options::new(Arc::new(SystemClock), Some(key.clone()));
        options.witness = Some(
            args.audit_witness
                .clone()
                .unwrap_or_else(|| args.data_dir.join("audit.witness")),
        );
        let store = Store::open(&url, options)
            .await
            .with_context(|| format!("opening the database {}", redact(&url)))?;
        // Checkpoints made since the witness was last written (by a node
        // that stopped before it could) go to it now.
        store.witness_checkpoints().await?;
        Ok(Node {
            store,
            key,
            pid_file: Some(crate::backup::pid_file(args)),
        })
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
            logins: Default::default(),
        };
        let app = concord_server::router(state);
        let deliveries =
            concord_server::webhooks::spawn_worker(self.store.clone(), client, std::time::Duration::from_secs(2));
        let audit = spawn_audit_upkeep(self.store.clone(), std::time::Duration::from_secs(30));
        // A restore refuses to write under a serving node.
        let pid = self.pid_file.clone();
        if let Some(p) = &pid {
            std::fs::write(p, std::process::id().to_string()).with_context(|| format!("writing {}", p.display()))?;
        }
        // Connection info gives the login throttle its source addresses.
        let served = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            tokio::signal::ctrl_c().await.ok();
        })
        .await
        .context("serving");
        deliveries.abort();
        audit.abort();
        served?;
        if let Some(cp) = self.store.checkpoint().await? {
            tracing::info!(seq = cp.seq, "signed the audit checkpoint at shutdown");
        }
        self.store.witness_checkpoints().await?;
        if let Some(p) = &pid {
            std::fs::remove_file(p).ok();
        }
        self.store.close().await;
        Ok(())
    }
}

/// Signs a checkpoint of the audit head every `every` (entries written since
/// the last checkpoint are signed within that time, not only every few
/// hundred entries), copies new checkpoints to the witness file, and flags
/// pre-export notifications whose reply deadline passed.
fn spawn_audit_upkeep(store: Store, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = store.checkpoint().await {
                tracing::warn!(error = %e, "audit checkpoint");
            }
            if let Err(e) = store.witness_checkpoints().await {
                tracing::error!(error = %e, "audit witness");
            }
            // Deadlines that passed since the last turn are flagged to both sides.
            match concord_app::precursors::flag_overdue(&store).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(flagged = n, "pre-export notifications past their deadline"),
                Err(e) => tracing::error!(error = %e, "precursor deadlines"),
            }
            match concord_app::legal::flag_overdue(&store).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(flagged = n, "legal-assistance requests past their deadline"),
                Err(e) => tracing::error!(error = %e, "legal-assistance deadlines"),
            }
        }
    })
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
