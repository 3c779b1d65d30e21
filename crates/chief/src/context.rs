//! What every command needs: the open store, the workspace and user it acts
//! as, their timezone, and the output mode.

use crate::cli::Cli;
use anyhow::{Context as _, Result, anyhow, bail};
use chief_domain::tenant::{Tenant, User};
use chief_store::short_id::Kind;
use chief_store::{Db, Location, OpenOptions, Scope, tenancy};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::path::PathBuf;

/// The store's location from the flags and environment.
pub fn location(cli: &Cli) -> Result<Location> {
    if let Some(url) = &cli.database_url {
        return Ok(Location::parse(url)?);
    }
    let dir = match &cli.data_dir {
        Some(dir) => dir.clone(),
        None => dirs::data_dir().map(|d| d.join("chief")).ok_or_else(|| {
            anyhow!("cannot find a data directory: set --data-dir or CHIEF_DATA_DIR")
        })?,
    };
    Ok(Location::Sqlite(dir.join("chief.db")))
}

/// Opens the store, which must already exist.
pub async fn open_existing(cli: &Cli) -> Result<Db> {
    let location = location(cli)?;
    // One connection: a command runs one statement at a time, and opening
    // a second SQLite connection costs more than it saves.
    let opts = OpenOptions {
        create: false,
        max_connections: 1,
        ..Default::default()
    };
    Ok(Db::open(&location, &opts).await?)
}

/// A command's working context.
pub struct Ctx {
    pub db: Db,
    pub tenant: Tenant,
    pub user: User,
    pub tz: Tz,
    pub json: bool,
    pub now: DateTime<Utc>,
    /// `--data-dir`, where the secret key file lives for PostgreSQL.
    pub data_dir: Option<PathBuf>,
}

impl Ctx {
    /// Opens the store and picks the workspace and user to act as.
    pub async fn open(cli: &Cli) -> Result<Ctx> {
        let db = open_existing(cli).await?;
        let tenants = tenancy::list_tenants(&db).await?;
        let tenant = match (&cli.tenant, tenants.len()) {
            (Some(slug), _) => tenants
                .into_iter()
                .find(|t| &t.slug == slug)
                .ok_or_else(|| anyhow!("no workspace {slug:?}: see `chief tenants list`"))?,
            (None, 0) => bail!("the store has no workspace yet: run `chief init`"),
            (None, 1) => tenants.into_iter().next().expect("one tenant"),
            (None, _) => bail!(
                "the store has several workspaces: choose one with --tenant SLUG or CHIEF_TENANT"
            ),
        };
        let users = tenancy::list_users(&db, tenant.id).await?;
        let user = match &cli.as_user {
            Some(email) => users
                .into_iter()
                .find(|u| u.email.eq_ignore_ascii_case(email))
                .ok_or_else(|| anyhow!("no user {email} in workspace {}", tenant.slug))?,
            None => {
                let owner = users
                    .iter()
                    .position(|u| u.role == chief_domain::tenant::Role::Owner)
                    .unwrap_or(0);
                users
                    .into_iter()
                    .nth(owner)
                    .ok_or_else(|| anyhow!("workspace {} has no users", tenant.slug))?
            }
        };
        let tz: Tz = user.timezone.parse().unwrap_or(chrono_tz::UTC);
        Ok(Ctx {
            db,
            tenant,
            user,
            tz,
            json: cli.json,
            now: now()?,
            data_dir: cli.data_dir.clone(),
        })
    }

    /// A write scope for the acting user.
    pub fn scope(&self) -> Scope {
        Scope {
            now: Some(self.now),
            ..Scope::user(self.tenant.id, self.user.id)
        }
    }

    /// Resolves a task id or a short id.
    pub async fn task_id(&self, text: &str) -> Result<uuid::Uuid> {
        self.id(Kind::Task, text).await
    }

    /// Resolves any kind of id or short id.
    pub async fn id(&self, kind: Kind, text: &str) -> Result<uuid::Uuid> {
        Ok(chief_store::short_id::resolve(&self.db, self.tenant.id, kind, text).await?)
    }
}

/// The current time, or `CHIEF_NOW` (RFC 3339) so scripts and tests can pin
/// the clock.
pub fn now() -> Result<DateTime<Utc>> {
    match std::env::var("CHIEF_NOW") {
        Ok(text) => Ok(DateTime::parse_from_rfc3339(&text)
            .with_context(|| format!("CHIEF_NOW={text:?} is not an RFC 3339 time"))?
            .with_timezone(&Utc)),
        Err(_) => Ok(Utc::now()),
    }
}

/// The default data directory, for messages and the default embedding
/// model's folder.
pub fn default_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("chief"))
}
