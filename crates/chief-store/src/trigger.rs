//! The triggers repository: a person's automations, checked and audited.
//!
//! A scheduled trigger owns a job of kind `trigger` (named `trigger-NAME`),
//! so the scheduler's leases, misfire grace and DST handling apply to it
//! unchanged; pausing, resuming or re-timing the trigger does the same to
//! its job in the same transaction. An event trigger starts with its cursor
//! at the tenant's latest event, so it fires only on what happens after it
//! was made. A `webhook.received` trigger gets a secret token for its
//! inbound URL, shown once; only its SHA-256 is kept.

use crate::conn::{Conn, Owned, by_id};
use crate::job::{self, NewJob, Timing};
use crate::new_id;
use crate::tenancy::{hash_key, random_base62};
use crate::trigger_rules::{
    MAX_TEXT, check_action, check_channels, check_name, check_text, with_template,
};
use crate::value::Row;
use crate::{Change, Db, StoreError, Tx, Value, events};
use chief_domain::TenantId;
use chief_domain::event::{action, verb};
use chief_domain::job::JobPatch;
use chief_domain::job::{DEFAULT_GRACE_SECONDS, JobKind, MisfirePolicy};
use chief_domain::trigger::{Trigger, TriggerAction, TriggerEvent};
use uuid::Uuid;

pub(crate) const COLUMNS: &str = "id, tenant_id, user_id, name, description, template, schedule, timezone, event, action, channels, enabled, paused_reason, job_id, cursor, fire_count, last_fired_at, created_at, updated_at";

const OWNED: Owned<'static, Trigger> = Owned {
    table: "triggers",
    columns: COLUMNS,
    entity: "trigger",
    from_row,
};

pub(crate) fn from_row(r: &Row) -> Result<Trigger, StoreError> {
    Ok(Trigger {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.uuid("user_id")?,
        name: r.text("name")?,
        description: r.opt_text("description")?,
        template: r.opt_text("template")?,
        schedule: r.opt_text("schedule")?,
        timezone: r.text("timezone")?,
        event: r.opt_text("event")?.map(|e| e.parse()).transpose()?,
        action: r.json_as("action")?,
        channels: r.json_as("channels")?,
        enabled: r.bool("enabled")?,
        paused_reason: r.opt_text("paused_reason")?,
        job_id: r.opt_uuid("job_id")?,
        cursor: r.int("cursor")?,
        fire_count: r.int("fire_count")?,
        last_fired_at: r.opt_ts("last_fired_at")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

/// A new trigger (`POST /api/triggers`, `chief triggers add`): exactly one
/// of `schedule` and `event`, or a template that gives what is left out.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "TriggerCreate")]
pub struct NewTrigger {
    /// 1 to 48 lower-case letters, digits, `-` or `_`; the template's name
    /// by default.
    #[serde(default, deserialize_with = "null_as_empty")]
    #[schemars(with = "Option<String>")]
    pub name: String,
    pub description: Option<String>,
    /// Start from this template of the library; fields given here win.
    pub template: Option<String>,
    /// Cron: `0 16 * * 5`, `*/30 * * * *`, `@daily`…
    pub schedule: Option<String>,
    /// IANA time zone the schedule is read in; the owner's by default.
    pub timezone: Option<String>,
    pub event: Option<TriggerEvent>,
    pub action: Option<TriggerAction>,
    /// Channel ids; every channel of the owner's that takes the topic when
    /// empty.
    #[serde(default)]
    pub channels: Vec<Uuid>,
}

/// Reads an absent or `null` name as empty: the template's name is used.
fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(<Option<String> as serde::Deserialize>::deserialize(d)?.unwrap_or_default())
}

/// A trigger just made, with its inbound webhook token when it has one:
/// the only time the token is shown.
#[derive(Clone, Debug, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Created {
    #[serde(flatten)]
    pub trigger: Trigger,
    /// The secret for `POST /hooks/{token}`; kept only as a hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_token: Option<String>,
}

async fn owner_timezone(tx: &mut Tx, user_id: Uuid) -> Result<String, StoreError> {
    tx.fetch_optional(
        "SELECT timezone FROM users WHERE tenant_id = $1 AND id = $2",
        &[tx.tenant().into(), user_id.into()],
    )
    .await?
    .ok_or_else(|| StoreError::not_found("user", user_id))?
    .text("timezone")
}

fn job_name(trigger: &str) -> String {
    format!("trigger-{trigger}")
}

/// Creates a trigger for `user_id`, from its template if it names one,
/// audited as `trigger.created`. A name the user already has is a
/// conflict.
pub async fn create(tx: &mut Tx, user_id: Uuid, new: NewTrigger) -> Result<Created, StoreError> {
    let new = with_template(new)?;
    check_name(&new.name)?;
    if let Some(d) = &new.description {
        check_text("description", d, MAX_TEXT)?;
    }
    let action = new
        .action
        .ok_or_else(|| StoreError::invalid("action", "say what the trigger does"))?;
    check_action(tx, user_id, &action).await?;
    check_channels(tx, user_id, &new.channels).await?;
    let timezone = match new.timezone {
        Some(tz) => tz,
        None => owner_timezone(tx, user_id).await?,
    };
    let (tenant, now, id) = (tx.tenant(), tx.now(), new_id());
    let exists = tx
        .fetch_optional(
            "SELECT id FROM triggers WHERE tenant_id = $1 AND user_id = $2 AND name = $3",
            &[tenant.into(), user_id.into(), new.name.as_str().into()],
        )
        .await?;
    if exists.is_some() {
        return Err(StoreError::Conflict(format!(
            "you already have a trigger named {}",
            new.name
        )));
    }
    let (job_id, cursor) = match (&new.schedule, new.event) {
        (Some(schedule), None) => {
            Timing::parse(schedule, &timezone)?;
            let j = job::create(
                tx,
                user_id,
                NewJob {
                    name: job_name(&new.name),
                    kind: JobKind::Trigger,
                    schedule: schedule.clone(),
                    timezone: timezone.clone(),
                    misfire_policy: MisfirePolicy::CatchUpOnce,
                    grace_seconds: DEFAULT_GRACE_SECONDS,
                },
            )
            .await?;
            (Some(j.id), 0)
        }
        (None, Some(_)) => {
            crate::tenancy::check_timezone(&timezone)?;
            (None, events::head(&mut *tx, tenant).await?)
        }
        (Some(_), Some(_)) => {
            return Err(StoreError::invalid(
                "event",
                "a trigger has a schedule or an event, not both",
            ));
        }
        (None, None) => {
            return Err(StoreError::invalid(
                "schedule",
                "give a cron schedule or an event to wait for",
            ));
        }
    };
    let token = (new.event == Some(TriggerEvent::WebhookReceived))
        .then(|| format!("chwh_{}", random_base62(40)));
    tx.execute(
        "INSERT INTO triggers (id, tenant_id, user_id, name, description, template, schedule, timezone, event, action, channels, enabled, job_id, webhook_token_hash, cursor, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)",
        &[
            id.into(),
            tenant.into(),
            user_id.into(),
            new.name.as_str().into(),
            new.description.into(),
            new.template.into(),
            new.schedule.as_deref().map(str::trim).into(),
            timezone.as_str().into(),
            new.event.map(|e| e.as_str()).into(),
            Value::json(&action),
            Value::json(&new.channels),
            true.into(),
            job_id.into(),
            token.as_deref().map(hash_key).into(),
            cursor.into(),
            now.into(),
        ],
    )
    .await?;
    let trigger = get(&mut *tx, tenant, id).await?;
    tx.audit_new("trigger", verb::CREATED, "trigger", &trigger, id)
        .await?;
    Ok(Created {
        trigger,
        webhook_token: token,
    })
}

/// A trigger of the tenant.
pub async fn get<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    id: Uuid,
) -> Result<Trigger, StoreError> {
    from_row(&by_id(conn.into(), "triggers", COLUMNS, "", "trigger", tenant, id).await?)
}

/// A user's trigger by name.
pub async fn by_name(
    db: &Db,
    tenant: TenantId,
    user_id: Uuid,
    name: &str,
) -> Result<Trigger, StoreError> {
    OWNED.by_name(db, tenant, user_id, name).await
}

/// The trigger a scheduled job fires.
pub async fn of_job(db: &Db, tenant: TenantId, job_id: Uuid) -> Result<Trigger, StoreError> {
    db.fetch_optional(
        &format!("SELECT {COLUMNS} FROM triggers WHERE tenant_id = $1 AND job_id = $2"),
        &[tenant.into(), job_id.into()],
    )
    .await?
    .map(|r| from_row(&r))
    .transpose()?
    .ok_or_else(|| StoreError::not_found("trigger of job", job_id))
}

/// The trigger whose inbound webhook token is `token`, across tenants: the
/// token is the credential, as an API key is.
pub async fn by_webhook_token(db: &Db, token: &str) -> Result<Option<Trigger>, StoreError> {
    if !token.starts_with("chwh_") || token.len() > 100 {
        return Ok(None);
    }
    db.fetch_optional(
        &format!("SELECT {COLUMNS} FROM triggers WHERE webhook_token_hash = $1"),
        &[hash_key(token).into()],
    )
    .await?
    .map(|r| from_row(&r))
    .transpose()
}

/// The tenant's triggers (one user's when given), by user and name.
pub async fn list(
    db: &Db,
    tenant: TenantId,
    user_id: Option<Uuid>,
) -> Result<Vec<Trigger>, StoreError> {
    OWNED.list(db, tenant, user_id, "user_id, name").await
}

/// Changes to a trigger (`PUT /api/triggers/{id}`, pause and resume); a
/// field left out stays as it is. Whether it has a schedule or an event
/// cannot change.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "TriggerUpdate")]
pub struct TriggerPatch {
    pub description: Option<String>,
    pub schedule: Option<String>,
    pub timezone: Option<String>,
    pub action: Option<TriggerAction>,
    pub channels: Option<Vec<Uuid>>,
    pub enabled: Option<bool>,
}

/// Changes a trigger, and its job to match, audited as `trigger.updated`.
/// Resuming clears the reason chief paused it for; an event trigger resumes
/// from the latest event, so what happened while it was paused does not
/// fire it.
pub async fn update(tx: &mut Tx, id: Uuid, patch: TriggerPatch) -> Result<Trigger, StoreError> {
    apply(tx, id, patch, None).await
}

/// Pauses a trigger (and its job) for `reason`, as chief does when it
/// stops a loop or a runaway; audited as `trigger.updated`.
pub async fn pause_for(tx: &mut Tx, id: Uuid, reason: &str) -> Result<Trigger, StoreError> {
    let pause = TriggerPatch {
        enabled: Some(false),
        ..TriggerPatch::default()
    };
    apply(tx, id, pause, Some(reason)).await
}

async fn apply(
    tx: &mut Tx,
    id: Uuid,
    patch: TriggerPatch,
    paused_for: Option<&str>,
) -> Result<Trigger, StoreError> {
    let (tenant, now) = (tx.tenant(), tx.now());
    let before = get(&mut *tx, tenant, id).await?;
    if let Some(d) = &patch.description {
        check_text("description", d, MAX_TEXT)?;
    }
    if before.event.is_some() && patch.schedule.is_some() {
        return Err(StoreError::invalid(
            "schedule",
            "an event trigger has no schedule; make a scheduled trigger instead",
        ));
    }
    if let Some(a) = &patch.action {
        check_action(tx, before.user_id, a).await?;
    }
    if let Some(c) = &patch.channels {
        check_channels(tx, before.user_id, c).await?;
    }
    let timezone = patch.timezone.clone().unwrap_or(before.timezone.clone());
    crate::tenancy::check_timezone(&timezone)?;
    let enabled = patch.enabled.unwrap_or(before.enabled);
    if let Some(job_id) = before.job_id {
        job::update_for_trigger(
            tx,
            job_id,
            JobPatch {
                schedule: patch.schedule.clone(),
                timezone: patch.timezone.clone(),
                enabled: patch.enabled,
                ..JobPatch::default()
            },
        )
        .await?;
    }
    let resumed = enabled && !before.enabled;
    let cursor = if resumed && before.event.is_some() {
        events::head(&mut *tx, tenant).await?
    } else {
        before.cursor
    };
    tx.execute(
        "UPDATE triggers SET description = $3, schedule = $4, timezone = $5, action = $6, channels = $7, enabled = $8, paused_reason = $9, cursor = $10, updated_at = $11 WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(),
            id.into(),
            patch.description.or(before.description.clone()).into(),
            patch
                .schedule
                .as_deref()
                .map(str::trim)
                .or(before.schedule.as_deref())
                .into(),
            timezone.as_str().into(),
            Value::json(patch.action.as_ref().unwrap_or(&before.action)),
            Value::json(patch.channels.as_ref().unwrap_or(&before.channels)),
            enabled.into(),
            (if enabled {
                None
            } else {
                paused_for.map(str::to_string).or(before.paused_reason.clone())
            })
            .into(),
            cursor.into(),
            now.into(),
        ],
    )
    .await?;
    let after = get(&mut *tx, tenant, id).await?;
    audit_change(tx, &before, &after).await?;
    Ok(after)
}

async fn audit_change(tx: &mut Tx, before: &Trigger, after: &Trigger) -> Result<(), StoreError> {
    let diff = chief_domain::log::diff(
        &serde_json::to_value(before).expect("triggers serialise"),
        &serde_json::to_value(after).expect("triggers serialise"),
    );
    tx.audit(Change {
        action: action("trigger", verb::UPDATED),
        entity_type: "trigger",
        entity_id: after.id,
        details: diff,
    })
    .await?;
    Ok(())
}

/// Deletes a trigger, its job and its history, audited as
/// `trigger.deleted`.
pub async fn delete(tx: &mut Tx, id: Uuid) -> Result<Trigger, StoreError> {
    let tenant = tx.tenant();
    let t = get(&mut *tx, tenant, id).await?;
    tx.execute(
        "DELETE FROM triggers WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into()],
    )
    .await?;
    if let Some(job_id) = t.job_id {
        tx.execute(
            "DELETE FROM jobs WHERE tenant_id = $1 AND id = $2",
            &[tenant.into(), job_id.into()],
        )
        .await?;
    }
    tx.audit(Change {
        action: action("trigger", verb::DELETED),
        entity_type: "trigger",
        entity_id: id,
        details: serde_json::json!({"name": t.name}),
    })
    .await?;
    Ok(t)
}
