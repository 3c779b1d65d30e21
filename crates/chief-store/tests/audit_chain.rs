//! The audit chain: every change appends a hashed `logs` row and an outbox
//! event with the same sequence number, in the change's own transaction, and
//! `audit::verify` names the first row that was altered or removed.

use chief_domain::TenantId;
use chief_domain::log::LogEntry;
use chief_domain::project::NewProject;
use chief_domain::task::{TaskOp, TaskPatch};
use chief_store::{Db, Value, audit, events, task};
use chief_testkit as common;
use chrono::SecondsFormat;
use common::{both_backends, count_rows, in_tx, p, scope, workspace};
use uuid::Uuid;

/// Makes a workspace and five audited changes in it; returns the tenant, its
/// owner and how many log rows it has (three come with the workspace).
async fn busy_workspace(db: &Db, slug: &str) -> anyhow::Result<(TenantId, Uuid, i64)> {
    let (tenant, user) = workspace(db, slug).await;
    let s = scope(tenant, user);
    let project = common::add_project(
        db,
        &s,
        NewProject {
            name: "Audit".into(),
            ..Default::default()
        },
    )
    .await?;
    let t = common::add_task(db, &s, common::task("Reconcile the ledger")).await?;
    let patch = TaskPatch {
        priority: Some(p(1)),
        project_id: Some(Some(project.id)),
        ..Default::default()
    };
    in_tx(db, &s, async |tx| task::update(tx, t.id, patch).await).await?;
    in_tx(db, &s, async |tx| {
        task::transition(tx, t.id, TaskOp::Start, None).await
    })
    .await?;
    in_tx(db, &s, async |tx| {
        task::transition(tx, t.id, TaskOp::Complete, None).await
    })
    .await?;
    Ok((tenant, user, 3 + 5))
}

async fn seq_of(db: &Db, tenant: TenantId, action: &str) -> anyhow::Result<(i64, Uuid)> {
    let log = audit::list(db, tenant, None, 1000).await?;
    let row = log
        .iter()
        .find(|l| l.action == action)
        .ok_or_else(|| anyhow::anyhow!("no {action} row"))?;
    Ok((row.seq, row.id))
}

both_backends! {
    async fn an_untouched_chain_verifies_intact_and_counts_every_row(db: Db) -> anyhow::Result<()> {
        let (a, _, a_rows) = busy_workspace(&db, "a").await?;
        let (_, _, b_rows) = busy_workspace(&db, "b").await?;

        let one = audit::verify(&db, Some(a)).await?;
        assert_eq!(one.broken, None);
        assert_eq!((one.tenants, one.rows), (1, a_rows as u64));
        assert_eq!(count_rows(&db, "logs", a).await, a_rows);

        let all = audit::verify(&db, None).await?;
        assert_eq!(all.broken, None);
        assert_eq!((all.tenants, all.rows), (2, (a_rows + b_rows) as u64));
        Ok(())
    }
}

both_backends! {
    async fn altering_a_rows_details_is_reported_at_that_seq(db: Db) -> anyhow::Result<()> {
        let (tenant, _, _) = busy_workspace(&db, "a").await?;
        let (other, _, _) = busy_workspace(&db, "b").await?;
        let (seq, log_id) = seq_of(&db, tenant, "task.updated").await?;

        let forged = Value::json(&serde_json::json!({"priority": {"before": 3, "after": 5}}));
        let touched = chief_store::testing::execute(
            &db,
            "UPDATE logs SET details = $3 WHERE tenant_id = $1 AND seq = $2",
            &[tenant.into(), seq.into(), forged],
        )
        .await?;
        assert_eq!(touched, 1);

        let check = audit::verify(&db, Some(tenant)).await?;
        let broken = check.broken.expect("the altered row is found");
        assert_eq!(
            (broken.tenant_id, broken.seq, broken.log_id),
            (tenant, seq, Some(log_id))
        );
        assert!(broken.reason.contains("altered"), "{}", broken.reason);
        assert_eq!(
            audit::verify(&db, Some(other)).await?.broken,
            None,
            "other chains are unaffected"
        );
        assert_eq!(
            audit::verify(&db, None).await?.broken.map(|b| b.seq),
            Some(seq)
        );
        Ok(())
    }
}

/// A row's hash as `audit.rs` computes it, so a test can play a forger who
/// knows the algorithm.
fn rehash(entry: &LogEntry) -> String {
    use sha2::Digest as _;
    let canonical = serde_json::json!({
        "id": entry.id,
        "tenant_id": entry.tenant_id,
        "seq": entry.seq,
        "user_id": entry.user_id,
        "timestamp": entry.timestamp.to_rfc3339_opts(SecondsFormat::Micros, true),
        "actor": entry.actor.as_str(),
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "details": entry.details,
        "trace_id": entry.trace_id,
    });
    hex::encode(sha2::Sha256::digest(format!(
        "{}\n{canonical}",
        entry.prev_hash
    )))
}

both_backends! {
    async fn an_altered_row_with_a_recomputed_hash_breaks_the_next_link(db: Db) -> anyhow::Result<()> {
        let (tenant, _, _) = busy_workspace(&db, "a").await?;
        let (seq, _) = seq_of(&db, tenant, "task.created").await?;
        let log = audit::list(&db, tenant, None, 1000).await?;
        let original = log.iter().find(|l| l.seq == seq).expect("the row exists");
        assert_eq!(
            rehash(original),
            original.hash,
            "the test's copy of the hash matches the store's"
        );

        let forged = LogEntry {
            details: serde_json::json!({"title": {"before": null, "after": "Something else"}}),
            ..original.clone()
        };
        chief_store::testing::execute(
            &db,
            "UPDATE logs SET details = $3, hash = $4 WHERE tenant_id = $1 AND seq = $2",
            &[
                tenant.into(),
                seq.into(),
                Value::json(&forged.details),
                rehash(&forged).into(),
            ],
        )
        .await?;

        let broken = audit::verify(&db, Some(tenant))
            .await?
            .broken
            .expect("the forgery is found");
        assert_eq!(
            broken.seq,
            seq + 1,
            "the forged row hashes correctly, but the next row points at the old hash"
        );
        assert!(broken.reason.contains("prev_hash"), "{}", broken.reason);
        Ok(())
    }
}

both_backends! {
    async fn deleting_a_row_in_the_middle_is_reported_as_a_gap(db: Db) -> anyhow::Result<()> {
        let (tenant, _, _) = busy_workspace(&db, "a").await?;
        let (seq, _) = seq_of(&db, tenant, "task.created").await?;
        chief_store::testing::execute(
            &db,
            "DELETE FROM logs WHERE tenant_id = $1 AND seq = $2",
            &[tenant.into(), seq.into()],
        )
        .await?;

        let broken = audit::verify(&db, Some(tenant))
            .await?
            .broken
            .expect("the gap is found");
        assert_eq!(broken.seq, seq + 1, "reported at the row after the gap");
        assert!(
            broken.reason.contains(&format!("row {seq} is missing")),
            "{}",
            broken.reason
        );
        Ok(())
    }
}

both_backends! {
    async fn deleting_the_last_row_is_detected_through_the_chain_head(db: Db) -> anyhow::Result<()> {
        let (tenant, _, rows) = busy_workspace(&db, "a").await?;
        let deleted = chief_store::testing::execute(
            &db,
            "DELETE FROM logs WHERE tenant_id = $1 AND seq = $2",
            &[tenant.into(), rows.into()],
        )
        .await?;
        assert_eq!(deleted, 1);

        let check = audit::verify(&db, Some(tenant)).await?;
        assert_eq!(
            check.rows,
            (rows - 1) as u64,
            "every remaining row still links"
        );
        let broken = check.broken.expect("the missing tail is found");
        assert_eq!((broken.seq, broken.log_id), (rows, None));
        assert!(broken.reason.contains("deleted"), "{}", broken.reason);
        Ok(())
    }
}

both_backends! {
    async fn deleting_a_tenants_chain_head_is_detected(db: Db) -> anyhow::Result<()> {
        let (tenant, _, _) = busy_workspace(&db, "a").await?;
        chief_store::testing::execute(
            &db,
            "DELETE FROM audit_heads WHERE tenant_id = $1",
            &[tenant.into()],
        )
        .await?;

        let check = audit::verify(&db, Some(tenant)).await?;
        assert!(
            check.broken.is_some(),
            "logs without a chain head verified as {check:?}"
        );
        Ok(())
    }
}

both_backends! {
    async fn every_change_writes_a_log_row_and_an_event_with_the_same_seq(db: Db) -> anyhow::Result<()> {
        let (tenant, _, rows) = busy_workspace(&db, "a").await?;

        let mut log = audit::list(&db, tenant, None, 1000).await?;
        log.reverse();
        let outbox = events::since(&db, tenant, 0, 1000).await?;
        assert_eq!(log.len() as i64, rows);
        assert_eq!(outbox.len(), log.len());
        for (entry, event) in log.iter().zip(&outbox) {
            assert_eq!(entry.seq, event.seq);
            assert_eq!(entry.action, event.event_type, "seq {}", entry.seq);
            assert_eq!(entry.entity_id, event.entity_id, "seq {}", entry.seq);
            assert_eq!(entry.timestamp, event.created_at, "seq {}", entry.seq);
            assert_eq!(event.payload["changes"], entry.details, "seq {}", entry.seq);
        }
        assert_eq!(
            log.iter().map(|l| l.seq).collect::<Vec<_>>(),
            (1..=rows).collect::<Vec<_>>()
        );
        Ok(())
    }
}

both_backends! {
    async fn a_transaction_dropped_without_commit_leaves_no_log_row_and_no_event(db: Db) -> anyhow::Result<()> {
        let (tenant, user, rows) = busy_workspace(&db, "a").await?;
        let s = scope(tenant, user);

        let mut tx = db.write(&s).await?;
        let abandoned = task::create(&mut tx, user, common::task("Never happened")).await?;
        task::transition(&mut tx, abandoned.id, TaskOp::Start, None).await?;
        drop(tx);

        assert_eq!(count_rows(&db, "logs", tenant).await, rows);
        assert_eq!(count_rows(&db, "events", tenant).await, rows);
        common::assert_not_found(task::get(&db, tenant, abandoned.id).await);
        let check = audit::verify(&db, Some(tenant)).await?;
        assert_eq!((check.rows, check.broken), (rows as u64, None));

        // The next committed change continues the chain without a gap.
        let kept = common::add_task(&db, &s, common::task("Did happen")).await?;
        let latest = audit::list(&db, tenant, None, 1).await?;
        assert_eq!(
            (latest[0].seq, latest[0].entity_id),
            (rows + 1, Some(kept.id))
        );
        assert_eq!(events::since(&db, tenant, rows, 10).await?.len(), 1);
        assert_eq!(audit::verify(&db, Some(tenant)).await?.broken, None);
        Ok(())
    }
}

both_backends! {
    async fn a_relaxed_write_is_audited_like_any_and_relaxes_only_itself(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        async fn commit_wait(tx: &mut chief_store::Tx) -> anyhow::Result<String> {
            let row = chief_store::testing::fetch_optional_in(
                tx,
                "SELECT current_setting('synchronous_commit') AS v",
                &[],
            )
            .await?
            .expect("one row");
            Ok(row.text("v")?)
        }
        let postgres = db.backend() == chief_store::Backend::Postgres;
        let mut tx = db.write_relaxed(&s).await?;
        if postgres {
            assert_eq!(commit_wait(&mut tx).await?, "off");
        }
        tx.audit(chief_store::Change {
            action: "task.noted".into(),
            entity_type: "task",
            entity_id: Uuid::nil(),
            details: serde_json::json!({"relaxed": true}),
        })
        .await?;
        tx.commit().await?;
        assert_eq!(count_rows(&db, "logs", tenant).await, 4);
        assert_eq!(audit::verify(&db, Some(tenant)).await?.broken, None);
        // The setting ended with its transaction: the next write waits.
        let mut tx = db.write(&s).await?;
        if postgres {
            assert_eq!(commit_wait(&mut tx).await?, "on");
        }
        tx.commit().await?;
        Ok(())
    }
}
