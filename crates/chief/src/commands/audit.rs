//! `chief audit verify` and `chief audit log`.

use crate::cli::Cli;
use crate::context::{Ctx, open_existing};
use crate::output::{Style, Table, short};
use anyhow::{Result, bail};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain; names the first broken link.
    Verify,
    /// Show recent audit entries.
    Log {
        #[arg(long, short = 'n', default_value_t = 20)]
        limit: i64,
    },
}

pub async fn run(cli: &Cli, cmd: &AuditCommand) -> Result<()> {
    match cmd {
        AuditCommand::Verify => {
            let db = open_existing(cli).await?;
            let report = chief_store::audit::verify(&db, None).await?;
            db.close().await;
            if cli.json {
                crate::output::json(&report)?;
            }
            match report.broken {
                None => {
                    if !cli.json {
                        outln!(
                            "audit chain intact: {} rows across {} workspace(s)",
                            report.rows,
                            report.tenants
                        );
                    }
                    Ok(())
                }
                Some(b) => bail!(
                    "audit chain broken at row {} of workspace {}{}: {}",
                    b.seq,
                    b.tenant_id,
                    b.log_id
                        .map(|id| format!(" (log {id})"))
                        .unwrap_or_default(),
                    b.reason
                ),
            }
        }
        AuditCommand::Log { limit } => {
            let ctx = Ctx::open(cli).await?;
            let entries =
                chief_store::audit::list(&ctx.db, ctx.tenant.id, None, (*limit).clamp(1, 1000))
                    .await?;
            ctx.db.close().await;
            if ctx.json {
                return crate::output::json(&entries);
            }
            let mut table = Table::new(&["seq", "when", "actor", "action", "entity"]);
            for e in &entries {
                table.row(vec![
                    (e.seq.to_string(), Style::Dim),
                    (crate::dates::ago(e.timestamp, ctx.now), Style::Plain),
                    (e.actor.to_string(), Style::Plain),
                    (e.action.clone(), Style::Cyan),
                    (
                        e.entity_id.as_ref().map(short).unwrap_or_default(),
                        Style::Dim,
                    ),
                ]);
            }
            table.print();
            Ok(())
        }
    }
}
