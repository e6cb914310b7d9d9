//! `concord`: the command line. Parses flags, then calls the library crates;
//! the only place that uses `anyhow`.

mod backup;
mod bench;
mod bench_exchange;
mod bench_precursors;
mod cooperation;
mod demo;
mod demo_cooperation;
mod demo_exercises;
mod demo_legal;
mod demo_meetings;
mod demo_precursors;
mod demo_programmes;
mod demo_statistics;
mod evaluate;
mod exchange;
mod node;
mod precursors;
mod records;
mod report;
mod screening;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use concord_domain::{AuthorityId, Classification, Roles};
use concord_store::{Actor, UserUpdate};
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;

/// mimalloc for Rust and, through `override`, for the bundled SQLite too:
/// glibc's malloc and free took a quarter of a 1 M import (page cache and
/// statement journal churn).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Concord: security cooperation between member states — shared records
/// under handling codes, a registry of states and authorities, and a
/// tamper-evident audit log.
#[derive(Parser)]
#[command(name = "concord", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the node keeps its data.
#[derive(clap::Args, Clone)]
pub struct NodeArgs {
    /// Folder for the SQLite file and the node key.
    #[arg(long, env = "CONCORD_DATA_DIR", default_value = "concord-data")]
    pub data_dir: PathBuf,
    /// Database URL: `sqlite:PATH` or `postgres://USER@HOST/DB`. Default: `sqlite:DATA_DIR/concord.db`.
    #[arg(long, env = "CONCORD_DATABASE_URL")]
    pub database: Option<String>,
    /// The ed25519 key that signs audit checkpoints, created if missing.
    /// Default: `DATA_DIR/node.key`, except for `serve`, which needs it named
    /// (away from the database) and readable by its owner only.
    #[arg(long = "node-key", env = "CONCORD_NODE_KEY")]
    pub key: Option<PathBuf>,
    /// A file outside the database that keeps a copy of every audit
    /// checkpoint, so that checkpoints cut from the database are missed.
    /// Default: `DATA_DIR/audit.witness`; put it on other storage (or an
    /// append-only file) in production.
    #[arg(long, env = "CONCORD_AUDIT_WITNESS")]
    pub audit_witness: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (API at /api/v1, OpenAPI at /openapi.json).
    ///
    /// On first start with an empty database the shipped SCO configuration is
    /// loaded; `--config DIR` loads (and replaces the registry with) a folder.
    Serve {
        #[command(flatten)]
        node: NodeArgs,
        /// Configuration folder to load before serving.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Address to listen on.
        #[arg(long, env = "CONCORD_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Log format.
        #[arg(long, value_enum, default_value = "text")]
        log_format: LogFormat,
        /// Mark session cookies Secure (when served behind TLS).
        #[arg(long)]
        secure_cookies: bool,
        /// Extra certificate authorities (PEM file) for https webhook
        /// receivers, besides the system's.
        #[arg(long, env = "CONCORD_WEBHOOK_CA")]
        webhook_ca: Option<PathBuf>,
    },
    /// Start a demonstration node: a SQLite file in DIR (created or reused),
    /// the SCO configuration, demo users of several states and roles, a few
    /// synthetic records; prints the URL and the logins, then serves.
    Demo {
        /// Folder for the demo's database and key.
        #[arg(long, default_value = "concord-demo")]
        dir: PathBuf,
        /// Address to listen on; if the port is taken, a free one is used.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Set up and print, then exit without serving.
        #[arg(long)]
        no_serve: bool,
        /// Synthetic persons to load on first start.
        #[arg(long, default_value_t = 45_000)]
        persons: u64,
        /// Synthetic organizations to load on first start.
        #[arg(long, default_value_t = 2_000)]
        orgs: u64,
    },
    /// Configuration folders.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// User accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Write a backup of the node (every table, read in one transaction,
    /// consistent while the node serves) to a file.
    Backup {
        #[command(flatten)]
        node: NodeArgs,
        /// The backup file to write (refused if it exists).
        #[arg(long)]
        to: PathBuf,
    },
    /// Restore a backup into a stopped node: the file's trailer, node key
    /// and audit chain are checked before anything is written.
    Restore {
        #[command(flatten)]
        node: NodeArgs,
        /// The backup file to read.
        #[arg(long)]
        from: PathBuf,
        /// Replace a node that already holds an audit log (its witness file
        /// is kept aside, beside it).
        #[arg(long)]
        force: bool,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Import a file of records (FtM JSON lines, CSV, UN consolidated list
    /// XML) as a user's authority: all of it or nothing; re-importing updates.
    Import(exchange::ImportArgs),
    /// Export the records a user may pass on (FtM JSON lines or CSV).
    Export {
        #[command(flatten)]
        node: NodeArgs,
        /// ftm or csv.
        format: exchange::ExportFormat,
        /// The exporting user: the access model decides what they may pass on.
        #[arg(long)]
        user: String,
        /// Where to write.
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Write deterministic synthetic persons and organizations of every
    /// member state as FtM JSON lines, with ground truth for screening.
    Generate {
        #[arg(long, default_value_t = 1000)]
        persons: u64,
        #[arg(long, default_value_t = 50)]
        orgs: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The FtM file to write.
        #[arg(long, short)]
        output: PathBuf,
        /// Also write the query variants of each record (JSON lines).
        #[arg(long)]
        truth: Option<PathBuf>,
    },
    /// Score two names (or every `A<TAB>B` line of --pairs FILE) and explain the score as JSON.
    Compare(screening::CompareArgs),
    /// Build a screening index from an FtM JSON-lines file and save it.
    Index {
        /// The FtM file.
        input: PathBuf,
        /// The index file to write.
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Screen a batch of names (CSV or JSON lines) against an index or an FtM file; resumable.
    Screen(screening::ScreenArgs),
    /// Measure the matcher's recall and precision on synthetic ground truth.
    Evaluate(evaluate::EvaluateArgs),
    /// Cooperation workflows as a user: overdue requests, the common list,
    /// STIX export of a thread, settling deadlines.
    Cooperation {
        #[command(subcommand)]
        command: cooperation::CooperationCommand,
    },
    /// Precursor control as a user: import notifications from CSV, list, flows.
    Precursors {
        #[command(subcommand)]
        command: precursors::PrecursorsCommand,
    },
    /// Records of the shared database, as a user (the access model applies).
    Record {
        #[command(subcommand)]
        command: records::RecordCommand,
    },
    /// Reports as a user (the access model applies): the annual report.
    Report {
        #[command(subcommand)]
        command: report::ReportCommand,
    },
    /// Measurements whose figures go into BENCHMARKS.md.
    Bench {
        #[command(subcommand)]
        command: bench::BenchCommand,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Validate a configuration folder; every error is printed with file, line and field.
    Check {
        /// The folder (organization.toml, states.toml, authorities.toml, bodies.toml, instruments.toml).
        dir: PathBuf,
    },
    /// Write the shipped SCO configuration into a folder, to start your own from.
    Export {
        /// The folder to write (created if missing).
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user.
    Add {
        #[command(flatten)]
        node: NodeArgs,
        /// Login name (a-z, 0-9, '.', '_', '-').
        username: String,
        /// The user's authority id (see `GET /api/v1/registry/authorities`).
        #[arg(long)]
        authority: String,
        /// Comma-separated: analyst, officer, supervisor, data-protection-officer, administrator.
        #[arg(long)]
        roles: String,
        /// unclassified, restricted, confidential or secret.
        #[arg(long, default_value = "restricted")]
        clearance: String,
        /// Display name (default: the login name).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// The password (visible in the process list: prefer --password-stdin).
        #[arg(long, conflicts_with = "password_stdin")]
        password: Option<String>,
    },
    /// List users.
    List {
        #[command(flatten)]
        node: NodeArgs,
    },
    /// Set a user's password (read from standard input's first line).
    Passwd {
        #[command(flatten)]
        node: NodeArgs,
        username: String,
    },
    /// Disable a user and end their sessions.
    Disable {
        #[command(flatten)]
        node: NodeArgs,
        username: String,
    },
    /// Enable a disabled user.
    Enable {
        #[command(flatten)]
        node: NodeArgs,
        username: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the whole chain against the latest signed checkpoint; exits 1 on tampering.
    Verify {
        #[command(flatten)]
        node: NodeArgs,
    },
    /// Sign a checkpoint of the current chain head.
    Checkpoint {
        #[command(flatten)]
        node: NodeArgs,
    },
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> Result<std::process::ExitCode> {
    use std::process::ExitCode;
    match cli.command {
        Command::Serve {
            node,
            config,
            listen,
            log_format,
            secure_cookies,
            webhook_ca,
        } => {
            init_logs(log_format);
            let Some(key) = &node.key else {
                anyhow::bail!(
                    "serve needs the node key named, away from the database: --node-key PATH (or CONCORD_NODE_KEY); \
                     it is created there if missing"
                );
            };
            let n = node::Node::open(&node).await?;
            node::check_key_private(key)?;
            n.load_config(config.as_deref()).await?;
            let settings = concord_server::Settings {
                secure_cookies,
                webhook_authorities: webhook_ca,
                ..Default::default()
            };
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            println!("Concord listening on http://{}", listener.local_addr()?);
            n.serve(listener, settings).await?;
        }
        Command::Demo {
            dir,
            listen,
            no_serve,
            persons,
            orgs,
        } => {
            if !no_serve {
                init_logs(LogFormat::Text);
            }
            demo::run(&dir, listen, no_serve, persons, orgs).await?;
        }
        Command::Config {
            command: ConfigCommand::Check { dir },
        } => match concord_config::load_dir(&dir) {
            Ok(c) => {
                let r = &c.registry;
                println!(
                    "{}: valid: {} states, {} authorities, {} bodies, {} instruments",
                    dir.display(),
                    r.states.len(),
                    r.authorities.len(),
                    r.bodies.len(),
                    r.instruments.len()
                );
            }
            Err(errors) => {
                for e in &errors.0 {
                    eprintln!("{}", node::with_dir(&dir, e));
                }
                eprintln!("{} error(s); nothing was loaded", errors.0.len());
                return Ok(ExitCode::from(1));
            }
        },
        Command::Config {
            command: ConfigCommand::Export { dir },
        } => {
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            for (name, text) in concord_config::SCO {
                std::fs::write(dir.join(name), text).with_context(|| format!("writing {name}"))?;
            }
            println!("wrote the SCO configuration to {}", dir.display());
        }
        Command::User { command } => user(command).await?,
        Command::Audit {
            command: AuditCommand::Verify { node },
        } => {
            let n = node::Node::open(&node).await?;
            match n.store.verify_audit(&n.key.public()).await {
                Ok(v) => println!(
                    "audit log intact: {} entries, latest checkpoint at entry {}",
                    v.entries,
                    v.checkpoint.map_or("none".into(), |c| c.to_string())
                ),
                Err(concord_store::StoreError::Tampered(t)) => {
                    eprintln!("AUDIT LOG TAMPERED: {t}");
                    return Ok(ExitCode::from(1));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Command::Audit {
            command: AuditCommand::Checkpoint { node },
        } => {
            let n = node::Node::open(&node).await?;
            match n.store.checkpoint().await? {
                Some(cp) => println!("checkpoint signed at entry {}", cp.seq),
                None => println!("the log is empty: nothing to sign"),
            }
            n.store.witness_checkpoints().await?;
        }
        Command::Bench { command } => bench::run(command).await?,
        Command::Backup { node, to } => backup::backup(&node, &to).await?,
        Command::Restore { node, from, force } => return backup::restore(&node, &from, force).await,
        Command::Import(args) => return exchange::import(args).await,
        Command::Record { command } => records::run(command).await?,
        Command::Cooperation { command } => cooperation::run(command).await?,
        Command::Report { command } => report::run(command).await?,
        Command::Precursors { command } => precursors::run(command).await?,
        Command::Export {
            node,
            format,
            user,
            output,
        } => exchange::export(&node, format, &user, &output).await?,
        Command::Compare(args) => return screening::compare(args),
        Command::Index { input, output } => screening::build_index(&input, &output)?,
        Command::Screen(args) => return screening::screen(args).await,
        Command::Evaluate(args) => evaluate::evaluate(args)?,
        Command::Generate {
            persons,
            orgs,
            seed,
            output,
            truth,
        } => {
            exchange::generate(persons, orgs, seed, &output, truth.as_deref(), false)?;
            println!(
                "wrote {persons} persons and {orgs} organizations to {}",
                output.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn user(command: UserCommand) -> Result<()> {
    let system = Actor::system("command line");
    match command {
        UserCommand::Add {
            node,
            username,
            authority,
            roles,
            clearance,
            name,
            password_stdin,
            password,
        } => {
            let roles: Roles = roles.parse().context("--roles")?;
            let clearance: Classification = clearance.parse().context("--clearance")?;
            let password = match (password, password_stdin) {
                (Some(p), _) => p,
                (None, true) => read_password()?,
                (None, false) => bail!("give the password with --password-stdin (or --password)"),
            };
            // The policy first, so a bad password is refused before the node opens.
            concord_app::passwords::check_password("password", &password)?;
            let n = node::Node::open(&node).await?;
            n.load_config(None).await?;
            let new = concord_app::users::AddUser {
                display_name: name.unwrap_or_else(|| username.clone()),
                username,
                authority: AuthorityId::new(authority),
                roles,
                clearance,
                password,
            };
            let u = concord_app::users::add(&n.store, &system, new).await?;
            println!("created {} ({}, {}, {})", u.username, u.authority, u.roles, u.clearance);
        }
        UserCommand::List { node } => {
            let n = node::Node::open(&node).await?;
            for u in n.store.users().await? {
                let status = if u.disabled { " [disabled]" } else { "" };
                println!(
                    "{:<24} {:<28} {:<40} {}{}",
                    u.username,
                    u.authority,
                    u.roles.to_string(),
                    u.clearance,
                    status
                );
            }
        }
        UserCommand::Passwd { node, username } => {
            let password = read_password()?;
            concord_app::passwords::check_password("password", &password)?;
            let n = node::Node::open(&node).await?;
            let u = n.store.user_by_name(&username).await?;
            concord_app::users::set_password(&n.store, &system, &u.id, &password).await?;
            println!("password changed for {username}; their sessions have ended");
        }
        UserCommand::Disable { node, username } => set_disabled(&node, &username, true, &system).await?,
        UserCommand::Enable { node, username } => set_disabled(&node, &username, false, &system).await?,
    }
    Ok(())
}

async fn set_disabled(node: &NodeArgs, username: &str, disabled: bool, actor: &Actor) -> Result<()> {
    let n = node::Node::open(node).await?;
    let u = n.store.user_by_name(username).await?;
    n.store
        .update_user(
            &u.id,
            UserUpdate {
                disabled: Some(disabled),
                ..Default::default()
            },
            actor,
        )
        .await?;
    println!("{username} is now {}", if disabled { "disabled" } else { "enabled" });
    Ok(())
}
