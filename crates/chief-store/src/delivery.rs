//! The deliveries outbox. [`enqueue`] writes a notice once for the
//! dashboard and once for each of the person's enabled channels that takes
//! its topic, in the caller's transaction, audited as `delivery.created`.
//! A dedupe key makes a notice idempotent: enqueuing it again writes
//! nothing, which is how "each deadline notice is sent once" holds across
//! restarts, instances and re-runs.

use crate::conn::{Conn, Where, by_id, page_of};
use crate::new_id;
use crate::value::Row;
use crate::{Db, Listing, Page, StoreError, Tx, Value};
use chief_domain::TenantId;
use chief_domain::delivery::{Delivery, DeliveryStatus, Notice};
use chief_domain::event::verb;
use uuid::Uuid;

pub(crate) const COLUMNS: &str = "id, tenant_id, user_id, channel_id, topic, dedupe_key, payload, status, attempts, next_attempt_at, last_error, created_at, delivered_at";

/// The longest topic or dedupe key accepted.
const MAX_KEY: usize = 200;

pub(crate) fn from_row(r: &Row) -> Result<Delivery, StoreError> {
    Ok(Delivery {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.uuid("user_id")?,
        channel_id: r.opt_uuid("channel_id")?,
        topic: r.text("topic")?,
        dedupe_key: r.opt_text("dedupe_key")?,
        payload: r.json_as("payload")?,
        status: r.parse("status")?,
        attempts: r.int("attempts")?,
        next_attempt_at: r.opt_ts("next_attempt_at")?,
        last_error: r.opt_text("last_error")?,
        created_at: r.ts("created_at")?,
        delivered_at: r.opt_ts("delivered_at")?,
    })
}

/// Whether a channel subscribed to `topics` takes `topic`: all when the
/// list is empty, else a topic equal to one or under it (`deadline` takes
/// `deadline.overdue`).
pub fn takes(topics: &[String], topic: &str) -> bool {
    topics.is_empty()
        || topics.iter().any(|t| {
            topic == t || (topic.starts_with(t.as_str()) && topic[t.len()..].starts_with('.'))
        })
}

/// Writes `notice` for `user_id`: the dashboard's copy, delivered at once,
/// and a pending copy for each enabled channel of theirs that takes
/// `topic`. Returns the copies written; none when `dedupe_key` was seen
/// before.
pub async fn enqueue(
    tx: &mut Tx,
    user_id: Uuid,
    topic: &str,
    dedupe_key: Option<&str>,
    notice: &Notice,
) -> Result<Vec<Delivery>, StoreError> {
    enqueue_to(tx, user_id, topic, dedupe_key, notice, Targets::Subscribed).await
}

/// Where a notice goes besides nowhere.
#[derive(Clone, Copy, Debug)]
pub enum Targets<'a> {
    /// The dashboard and every enabled channel of the person's that takes
    /// the topic.
    Subscribed,
    /// The dashboard and these channels of the person's (enabled ones),
    /// whatever topics they take.
    Channels(&'a [Uuid]),
    /// This one channel of the person's, and not the dashboard.
    Only(Uuid),
}

/// Writes `notice` for `user_id` to `targets`, as [`enqueue`] does.
pub async fn enqueue_to(
    tx: &mut Tx,
    user_id: Uuid,
    topic: &str,
    dedupe_key: Option<&str>,
    notice: &Notice,
    targets: Targets<'_>,
) -> Result<Vec<Delivery>, StoreError> {
    if topic.is_empty() || topic.len() > MAX_KEY {
        return Err(StoreError::invalid(
            "topic",
            format!("must be 1 to {MAX_KEY} characters"),
        ));
    }
    if dedupe_key.is_some_and(|k| k.is_empty() || k.len() > MAX_KEY) {
        return Err(StoreError::invalid(
            "dedupe_key",
            format!("must be 1 to {MAX_KEY} characters"),
        ));
    }
    let (tenant, now) = (tx.tenant(), tx.now());
    let channels = tx
        .fetch_all(
            "SELECT id, topics FROM channels WHERE tenant_id = $1 AND user_id = $2 AND enabled = $3 ORDER BY created_at, id",
            &[tenant.into(), user_id.into(), true.into()],
        )
        .await?;
    let mut to: Vec<Option<Uuid>> = match targets {
        Targets::Only(_) => vec![],
        _ => vec![None],
    };
    for c in &channels {
        let id = c.uuid("id")?;
        let wanted = match targets {
            Targets::Subscribed => takes(&c.json_as::<Vec<String>>("topics")?, topic),
            Targets::Channels(ids) => ids.contains(&id),
            Targets::Only(one) => one == id,
        };
        if wanted {
            to.push(Some(id));
        }
    }
    let mut written = Vec::with_capacity(to.len());
    for channel in to {
        let id = new_id();
        let (status, next, delivered) = match channel {
            None => (DeliveryStatus::Delivered, None, Some(now)),
            Some(_) => (DeliveryStatus::Pending, Some(now), None),
        };
        let inserted = tx.execute(
            &format!("INSERT INTO deliveries ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, NULL, $10, $11) ON CONFLICT DO NOTHING"),
            &[
                id.into(),
                tenant.into(),
                user_id.into(),
                channel.into(),
                topic.into(),
                dedupe_key.into(),
                Value::json(notice),
                status.as_str().into(),
                next.into(),
                now.into(),
                delivered.into(),
            ],
        )
        .await?;
        if inserted == 0 {
            // The dedupe key was seen: the first copy is written first,
            // so nothing of this notice has been written yet.
            return Ok(Vec::new());
        }
        let d = get(&mut *tx, tenant, id).await?;
        tx.audit_new("delivery", verb::CREATED, "delivery", &d, id)
            .await?;
        written.push(d);
    }
    Ok(written)
}

/// Writes `notice` for one channel only, pending and due now, whatever
/// topics it subscribes to and whether it is enabled: what "send a test"
/// does. No dashboard copy and no dedupe key.
pub async fn enqueue_to_channel(
    tx: &mut Tx,
    channel: &chief_domain::channel::Channel,
    topic: &str,
    notice: &Notice,
) -> Result<Delivery, StoreError> {
    let (tenant, now, id) = (tx.tenant(), tx.now(), new_id());
    tx.execute(
        &format!("INSERT INTO deliveries ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, NULL, $6, 'pending', 0, $7, NULL, $7, NULL)"),
        &[
            id.into(),
            tenant.into(),
            channel.user_id.into(),
            channel.id.into(),
            topic.into(),
            Value::json(notice),
            now.into(),
        ],
    )
    .await?;
    let d = get(&mut *tx, tenant, id).await?;
    tx.audit_new("delivery", verb::CREATED, "delivery", &d, id)
        .await?;
    Ok(d)
}

/// One delivery of the tenant.
pub async fn get<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    id: Uuid,
) -> Result<Delivery, StoreError> {
    from_row(
        &by_id(
            conn.into(),
            "deliveries",
            COLUMNS,
            "",
            "delivery",
            tenant,
            id,
        )
        .await?,
    )
}

/// Which deliveries to list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeliveryFilter {
    pub user_id: Option<Uuid>,
    pub status: Option<DeliveryStatus>,
    pub topic: Option<String>,
    /// Only the dashboard's copies (`Some(None)`) or one channel's.
    pub channel_id: Option<Option<Uuid>>,
}

/// The tenant's deliveries, newest first.
pub async fn list(
    db: &Db,
    tenant: TenantId,
    filter: &DeliveryFilter,
    page: Page,
) -> Result<Listing<Delivery>, StoreError> {
    let mut w = Where::new(tenant);
    if let Some(u) = filter.user_id {
        w.push("user_id = ?", u.into());
    }
    if let Some(s) = filter.status {
        w.push("status = ?", s.as_str().into());
    }
    if let Some(t) = &filter.topic {
        w.push("topic = ?", t.as_str().into());
    }
    match filter.channel_id {
        Some(None) => w.clauses.push("channel_id IS NULL".into()),
        Some(Some(c)) => w.push("channel_id = ?", c.into()),
        None => {}
    }
    page_of(
        db,
        "deliveries",
        COLUMNS,
        &w.sql(),
        w.args,
        "created_at DESC, id DESC",
        page,
        from_row,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::takes;

    #[test]
    fn a_channel_takes_its_topics_and_those_under_them() {
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(takes(&[], "anything"));
        assert!(takes(&t(&["deadline"]), "deadline.overdue"));
        assert!(takes(&t(&["deadline.overdue"]), "deadline.overdue"));
        assert!(!takes(&t(&["deadline"]), "deadlines.overdue"));
        assert!(!takes(&t(&["briefing"]), "deadline.overdue"));
    }
}
