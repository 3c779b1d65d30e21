//! `chief init`: creates the store, the first workspace and its owner, and
//! prints the owner's API key once. It asks nothing; flags and defaults
//! supply every value, so it works the same in scripts.

use crate::cli::Cli;
use crate::context::location;
use anyhow::{Result, bail};
use chief_domain::tenant::{Role, slugify};
use chief_store::tenancy::{self, NewUser, Workspace};
use chief_store::{Db, OpenOptions, Scope, password};
use clap::Args;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The workspace name.
    #[arg(long, default_value = "Personal")]
    pub name: String,
    /// The owner's email.
    #[arg(long, default_value = "me@localhost")]
    pub email: String,
    /// The owner's display name.
    #[arg(long = "user-name")]
    pub user_name: Option<String>,
    /// The owner's IANA timezone (default: $TZ, or UTC).
    #[arg(long)]
    pub timezone: Option<String>,
    /// The owner's password for the web dashboard (at least 8 characters).
    #[arg(long, env = "CHIEF_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
}

pub async fn run(cli: &Cli, args: &InitArgs) -> Result<()> {
    let location = location(cli)?;
    let timezone = timezone(args.timezone.clone())?;
    let db = Db::open(
        &location,
        &OpenOptions {
            max_connections: 2,
            ..Default::default()
        },
    )
    .await?;
    let existing = tenancy::list_tenants(&db).await?;
    if let Some(first) = existing.first() {
        db.close().await;
        bail!(
            "the store at {} already exists (workspace {:?}); nothing was changed",
            location.describe(),
            first.slug
        );
    }
    let ws = first_workspace(&db, args, timezone).await?;
    db.close().await;
    if cli.json {
        return crate::output::json(&serde_json::json!({
            "store": location.describe(),
            "tenant": ws.tenant,
            "user": ws.owner,
            "api_key": ws.api_key,
        }));
    }
    outln!("Created the store at {}", location.describe());
    outln!("Workspace: {} ({})", ws.tenant.name, ws.tenant.slug);
    outln!(
        "Owner:     {} (timezone {})",
        ws.owner.email,
        ws.owner.timezone
    );
    outln!();
    outln!("API key (shown once; store it somewhere safe):");
    outln!("  {}", ws.api_key);
    outln!();
    match &args.password {
        Some(_) => outln!(
            "Dashboard: log in as {} with the password you gave.",
            ws.owner.email
        ),
        None => outln!(
            "Dashboard: set a password with `chief users passwd {}` (or pass --password / CHIEF_PASSWORD to init).",
            ws.owner.email
        ),
    }
    outln!("Next: chief add \"(A) Plan the week +admin due:tomorrow\", then chief next");
    Ok(())
}

/// The owner's timezone: the flag, else `$TZ` when it names a zone, else UTC.
pub fn timezone(flag: Option<String>) -> Result<String> {
    let timezone = flag
        .or_else(|| {
            std::env::var("TZ")
                .ok()
                .filter(|tz| tz.parse::<chrono_tz::Tz>().is_ok())
        })
        .unwrap_or_else(|| "UTC".to_string());
    if timezone.parse::<chrono_tz::Tz>().is_err() {
        bail!(
            "{timezone:?} is not an IANA timezone (for example Europe/Berlin or America/New_York)"
        );
    }
    Ok(timezone)
}

/// Creates the store's first workspace and its owner, with an API key and,
/// when one is given, the owner's dashboard password.
pub async fn first_workspace(db: &Db, args: &InitArgs, timezone: String) -> Result<Workspace> {
    if let Some(p) = &args.password {
        check_password(p)?;
    }
    let ws = tenancy::create_workspace(
        db,
        args.name.trim(),
        &slugify(&args.name),
        NewUser {
            email: args.email.clone(),
            name: args.user_name.clone(),
            role: Role::Owner,
            timezone,
        },
    )
    .await?;
    if let Some(p) = &args.password {
        let scope = Scope::user(ws.tenant.id, ws.owner.id);
        chief_app::user::set_password(db, &scope, ws.owner.id, p).await?;
    }
    Ok(ws)
}

/// Refuses a password the store would refuse, before anything is created.
pub fn check_password(p: &str) -> Result<()> {
    if p.chars().count() < password::MIN_LENGTH {
        bail!(
            "the password is too short: use at least {} characters",
            password::MIN_LENGTH
        );
    }
    Ok(())
}
