//! Access: API keys, users and workspaces. Keys are printed once, when
//! created; only their SHA-256 is stored.

use crate::cli::Cli;
use crate::context::{Ctx, open_existing};
use crate::output::{Style, Table, json, paint};
use anyhow::{Result, bail};
use chief_app::api_key::KeyCreate;
use chief_app::user::UserCreate;
use chief_domain::tenant::{Role, slugify};
use chief_store::tenancy::{self, NewUser};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key for a user (default: you); the key is shown once.
    Create {
        /// A name to tell the key apart, such as "laptop" or
        /// "claude-desktop" (default: cli).
        #[arg(value_name = "NAME", conflicts_with = "name_flag")]
        name: Option<String>,
        /// The same name, given as a flag.
        #[arg(long = "name", id = "name_flag", value_name = "NAME")]
        name_flag: Option<String>,
        /// The user's email (default: the acting user).
        #[arg(long)]
        user: Option<String>,
    },
    /// List keys (never their secrets).
    List,
    /// Revoke a key by its prefix or id.
    Revoke { prefix_or_id: String },
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add a user to this workspace.
    Add {
        email: String,
        #[arg(long)]
        name: Option<String>,
        /// owner, admin or member.
        #[arg(long, default_value = "member")]
        role: String,
        /// IANA timezone (default: the acting user's).
        #[arg(long)]
        timezone: Option<String>,
    },
    /// List this workspace's users.
    List,
    /// Set a user's web dashboard password, read from stdin (or a prompt).
    Passwd { email: String },
}

#[derive(Debug, Subcommand)]
pub enum TenantsCommand {
    /// Create another workspace with its owner; prints the owner's key once.
    Create {
        name: String,
        /// The owner's email.
        #[arg(long)]
        owner: String,
        /// A slug (default: from the name).
        #[arg(long)]
        slug: Option<String>,
        /// The owner's IANA timezone.
        #[arg(long, default_value = "UTC")]
        timezone: String,
    },
    /// List every workspace in the store.
    List,
}

fn check_timezone(tz: &str) -> Result<()> {
    if tz.parse::<chrono_tz::Tz>().is_err() {
        bail!("{tz:?} is not an IANA timezone (for example Europe/Berlin or America/New_York)");
    }
    Ok(())
}

pub async fn keys(ctx: &Ctx, cmd: &KeysCommand) -> Result<()> {
    match cmd {
        KeysCommand::Create {
            name,
            name_flag,
            user,
        } => {
            let name = name.as_deref().or(name_flag.as_deref()).unwrap_or("cli");
            let user_id = match user {
                None => ctx.user.id,
                Some(email) => tenancy::list_users(&ctx.db, ctx.tenant.id)
                    .await?
                    .into_iter()
                    .find(|u| u.email.eq_ignore_ascii_case(email))
                    .map(|u| u.id)
                    .ok_or_else(|| anyhow::anyhow!("no user {email} in this workspace"))?,
            };
            if chief_app::api_key::check_name(name).is_err() {
                bail!("a key's name must be 1 to 100 characters, such as laptop");
            }
            let new = KeyCreate {
                name: name.to_string(),
                user_id: Some(user_id),
            };
            let (key, record) = chief_app::api_key::create(&ctx.db, &ctx.scope(), new).await?;
            if ctx.json {
                return json(&serde_json::json!({"api_key": key, "key": record}));
            }
            outln!(
                "Created key {} ({}). It is shown once; store it somewhere safe:",
                record.prefix,
                record.name
            );
            outln!("  {key}");
        }
        KeysCommand::List => {
            let keys = tenancy::list_keys(&ctx.db, ctx.tenant.id).await?;
            if ctx.json {
                return json(&keys);
            }
            let users: std::collections::HashMap<_, _> =
                tenancy::list_users(&ctx.db, ctx.tenant.id)
                    .await?
                    .into_iter()
                    .map(|u| (u.id, u.email))
                    .collect();
            let mut table = Table::new(&["prefix", "name", "user", "created", "status"]);
            for k in &keys {
                let (status, style) = match k.revoked_at {
                    Some(_) => ("revoked".to_string(), Style::Dim),
                    None => ("active".to_string(), Style::Green),
                };
                table.row(vec![
                    (k.prefix.clone(), Style::Cyan),
                    (k.name.clone(), Style::Plain),
                    (
                        users.get(&k.user_id).cloned().unwrap_or_default(),
                        Style::Plain,
                    ),
                    (crate::dates::ago(k.created_at, ctx.now), Style::Dim),
                    (status, style),
                ]);
            }
            table.print();
        }
        KeysCommand::Revoke { prefix_or_id } => {
            let key =
                chief_app::api_key::revoke_by_ref(&ctx.db, &ctx.scope(), prefix_or_id).await?;
            if ctx.json {
                return json(&key);
            }
            outln!(
                "Revoked key {} ({})",
                paint(&key.prefix, Style::Cyan),
                key.name
            );
        }
    }
    Ok(())
}

pub async fn users(ctx: &Ctx, cmd: &UsersCommand) -> Result<()> {
    match cmd {
        UsersCommand::Add {
            email,
            name,
            role,
            timezone,
        } => {
            let role: Role = role.parse()?;
            let timezone = timezone
                .clone()
                .unwrap_or_else(|| ctx.user.timezone.clone());
            check_timezone(&timezone)?;
            let new = UserCreate {
                email: email.clone(),
                name: name.clone(),
                role: Some(role),
                timezone: Some(timezone),
            };
            let user = chief_app::user::create(&ctx.db, &ctx.scope(), new).await?;
            if ctx.json {
                return json(&user);
            }
            outln!("Added {} ({})", user.email, user.role);
        }
        UsersCommand::Passwd { email } => {
            let user = tenancy::list_users(&ctx.db, ctx.tenant.id)
                .await?
                .into_iter()
                .find(|u| u.email.eq_ignore_ascii_case(email))
                .ok_or_else(|| {
                    anyhow::anyhow!("no user {email} in workspace {}", ctx.tenant.slug)
                })?;
            let new = crate::commands::password_input::read(&format!(
                "New password for {}: ",
                user.email
            ))?;
            crate::commands::init::check_password(&new)?;
            chief_app::user::set_password(&ctx.db, &ctx.scope(), user.id, &new).await?;
            outln!(
                "Set the dashboard password of {}; their open sessions have ended.",
                user.email
            );
        }
        UsersCommand::List => {
            let users = tenancy::list_users(&ctx.db, ctx.tenant.id).await?;
            if ctx.json {
                return json(&users);
            }
            let mut table = Table::new(&["email", "name", "role", "timezone"]);
            for u in &users {
                table.row(vec![
                    (u.email.clone(), Style::Plain),
                    (u.name.clone().unwrap_or_default(), Style::Plain),
                    (u.role.to_string(), Style::Dim),
                    (u.timezone.clone(), Style::Dim),
                ]);
            }
            table.print();
        }
    }
    Ok(())
}

pub async fn tenants(cli: &Cli, cmd: &TenantsCommand) -> Result<()> {
    let db = open_existing(cli).await?;
    let result = match cmd {
        TenantsCommand::Create {
            name,
            owner,
            slug,
            timezone,
        } => {
            check_timezone(timezone)?;
            let slug = slug.clone().unwrap_or_else(|| slugify(name));
            let ws = tenancy::create_workspace(
                &db,
                name.trim(),
                &slug,
                NewUser {
                    email: owner.clone(),
                    name: None,
                    role: Role::Owner,
                    timezone: timezone.clone(),
                },
            )
            .await?;
            if cli.json {
                json(
                    &serde_json::json!({"tenant": ws.tenant, "user": ws.owner, "api_key": ws.api_key}),
                )
            } else {
                outln!(
                    "Created workspace {} ({}) owned by {}",
                    ws.tenant.name,
                    ws.tenant.slug,
                    ws.owner.email
                );
                outln!("Owner's API key (shown once):\n  {}", ws.api_key);
                Ok(())
            }
        }
        TenantsCommand::List => {
            let tenants = tenancy::list_tenants(&db).await?;
            if cli.json {
                json(&tenants)
            } else {
                let mut table = Table::new(&["slug", "name", "mode", "created"]);
                for t in &tenants {
                    table.row(vec![
                        (t.slug.clone(), Style::Cyan),
                        (t.name.clone(), Style::Plain),
                        (t.database_mode.to_string(), Style::Dim),
                        (t.created_at.format("%Y-%m-%d").to_string(), Style::Dim),
                    ]);
                }
                table.print();
                Ok(())
            }
        }
    };
    db.close().await;
    result
}
