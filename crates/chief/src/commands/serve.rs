//! `chief serve`: the HTTP API on the same store the CLI uses, with the
//! scheduler and the delivery worker running beside it. It prints
//! the URL it serves and stops gracefully on Ctrl-C or SIGTERM. On a new
//! store it first creates the workspace `chief init` would, and prints its
//! API key once. With `--demo` it seeds the demo workspace instead (see
//! `chief_app::demo`) and prints how to log in to the dashboard.

use crate::cli::Cli;
use crate::commands::init::{self, InitArgs};
use crate::context::location;
use anyhow::{Context as _, Result};
use chief_app::demo;
use chief_store::tenancy::{self, Workspace};
use chief_store::{Db, OpenOptions};
use chrono::Utc;
use clap::Args;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Seed a demo workspace (once) and print how to log in to it.
    #[arg(long)]
    pub demo: bool,
    /// The address to listen on.
    #[arg(long, env = "CHIEF_BIND", default_value = "127.0.0.1:7878")]
    pub bind: std::net::SocketAddr,
    /// Requests per minute allowed per API key (0 turns the limit off).
    #[arg(long, env = "CHIEF_RATE_LIMIT", default_value_t = 1200)]
    pub rate_limit: u32,
    /// Origins allowed to call the API from a browser, comma-separated;
    /// `*` allows any. None by default.
    #[arg(long, env = "CHIEF_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origin: Vec<String>,
    /// The largest request body accepted, in bytes.
    #[arg(long, env = "CHIEF_MAX_BODY", default_value_t = 1024 * 1024)]
    pub max_body: usize,
    /// Do not run scheduled jobs or fire triggers in this instance (another
    /// instance, or a system cron calling `chief run-job`, runs them).
    #[arg(long, env = "CHIEF_NO_SCHEDULER")]
    pub no_scheduler: bool,
    /// Do not send deliveries (webhooks) from this instance; another
    /// instance's worker sends them.
    #[arg(long, env = "CHIEF_NO_DELIVERY")]
    pub no_delivery: bool,
    /// Host names `/mcp` answers to, comma-separated (`*` for any); other
    /// `Host` headers get 403, against DNS rebinding.
    #[arg(
        long,
        env = "CHIEF_MCP_ALLOWED_HOSTS",
        value_delimiter = ',',
        default_value = "localhost,127.0.0.1,[::1]"
    )]
    pub mcp_allowed_hosts: Vec<String>,
    /// Browser origins allowed to call `/mcp`, comma-separated (`*` for
    /// any); by default an origin on an allowed host.
    #[arg(long, env = "CHIEF_MCP_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub mcp_allowed_origins: Vec<String>,
    /// A secret that `/metrics` then asks for as `Authorization: Bearer
    /// TOKEN` (a 401 without it); give the same token to Prometheus as its
    /// `bearer_token`. Unset, `/metrics` is open to whoever reaches the
    /// port.
    #[arg(
        long,
        env = "CHIEF_METRICS_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,
}

pub async fn run(cli: &Cli, args: &ServeArgs) -> Result<()> {
    init_logging();
    let location = location(cli)?;
    let db = Db::open(&location, &OpenOptions::default()).await?;
    // The demo brings its own workspace, so it does not create the default.
    let demo = if args.demo {
        Some(demo::ensure(&db, Utc::now()).await?)
    } else {
        None
    };
    let created = if args.demo {
        None
    } else {
        first_run(&db).await?
    };
    // Found (or created) before serving, so a bad CHIEF_SECRET_KEY stops the
    // start instead of the first channel.
    let secrets = chief_store::SecretBox::locate(&db, cli.data_dir.as_deref())?;
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let addr = listener.local_addr()?;
    outln!(
        "chief is serving {} on {}",
        location.describe(),
        chief_server::url(addr)
    );
    if let Some(ws) = &created {
        outln!(
            "Created workspace {:?} for {}. API key (shown once; store it somewhere safe):",
            ws.tenant.name,
            ws.owner.email
        );
        outln!("  {}", ws.api_key);
    }
    let url = chief_server::url(addr);
    outln!("Dashboard: {url}/");
    if demo.is_some() {
        outln!(
            "Demo workspace: log in as {} with the password {}",
            demo::EMAIL,
            demo::PASSWORD
        );
    }
    outln!(
        "Try: curl -H \"X-API-Key: $CHIEF_API_KEY\" {url}/api/tasks/next   (docs: {url}/api/docs, MCP: {url}/mcp)"
    );
    let config = chief_server::ServerConfig {
        rate_limit_per_minute: args.rate_limit,
        cors_origins: args.cors_origin.clone(),
        max_body_bytes: args.max_body,
        secrets: Some(secrets.clone()),
        mcp_guard: chief_mcp::http::HostGuard {
            allowed_hosts: args.mcp_allowed_hosts.clone(),
            allowed_origins: args.mcp_allowed_origins.clone(),
        },
        model: chat_model(),
        metrics_token: args.metrics_token.clone(),
    };
    let stop = std::sync::Arc::new(tokio::sync::Notify::new());
    let scheduler = (!args.no_scheduler).then(|| {
        let polish: std::sync::Arc<dyn chief_app::polish::Polish> =
            std::sync::Arc::new(chief_ai::briefing_polish::ModelPolish::from_env());
        let scheduler = chief_scheduler::Scheduler::new(db.clone(), instance_name())
            .with_polish(polish.clone());
        let triggers =
            chief_scheduler::trigger_dispatch::Dispatcher::new(db.clone(), instance_name())
                .with_polish(polish);
        let stop = stop.clone();
        tokio::spawn(async move {
            tokio::join!(
                scheduler.run(stop.notified()),
                triggers.run(stop.notified())
            )
        })
    });
    let delivery = if args.no_delivery {
        None
    } else {
        let worker = chief_channels::Worker::new(db.clone(), secrets, instance_name())?;
        let stop = stop.clone();
        Some(tokio::spawn(
            async move { worker.run(stop.notified()).await },
        ))
    };
    let served = chief_server::serve(db.clone(), &config, listener, shutdown_signal()).await;
    // Both loops hold their `notified()` future from the start, so
    // `notify_waiters` reaches each of them.
    stop.notify_waiters();
    if let Some(handle) = scheduler {
        let _ = handle.await;
    }
    if let Some(handle) = delivery {
        let _ = handle.await;
    }
    served?;
    db.close().await;
    outln!("chief stopped");
    Ok(())
}

/// How this instance names itself in job leases and runs: host and process.
fn instance_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    let host = if host.is_empty() {
        "chief".to_string()
    } else {
        host
    };
    format!("{host}:{}", std::process::id())
}

/// A store without a workspace gets the one `chief init` would create.
async fn first_run(db: &Db) -> Result<Option<Workspace>> {
    if !tenancy::list_tenants(db).await?.is_empty() {
        return Ok(None);
    }
    // `chief init`'s defaults, as its flags define them.
    let matches = <InitArgs as clap::Args>::augment_args(clap::Command::new("init"))
        .get_matches_from(["init"]);
    let args = <InitArgs as clap::FromArgMatches>::from_arg_matches(&matches)?;
    let timezone = init::timezone(None)?;
    Ok(Some(init::first_workspace(db, &args, timezone).await?))
}

/// Request logs go to stderr: JSON lines when `CHIEF_LOG_FORMAT=json`,
/// readable lines otherwise. `CHIEF_LOG` filters them (`info` by default).
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("CHIEF_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if std::env::var("CHIEF_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

/// The model `/api/chat` talks through, from the environment; chat answers
/// 503 without one, and a configuration that cannot work is reported.
fn chat_model() -> Option<chief_llm::Provider> {
    match chief_llm::ModelConfig::from_env().provider() {
        Ok(provider) => provider,
        Err(e) => {
            eoutln!("warning: the model configuration is not usable, so chat is off: {e}");
            None
        }
    }
}
