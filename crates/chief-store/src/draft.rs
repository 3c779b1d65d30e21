//! The draft repository: external content the agent prepared, waiting for a
//! person to approve, reject or revise it.
//!
//! A new draft with a recipient captures the `relationship_context` of the
//! person it is for (matched by email or name), so the review sees what the
//! agent knew when it wrote.
//!
//! Every move goes through [`DraftStatus::apply`], so a wrong step (sending a
//! pending draft, editing an approved one) is a typed transition error.
//! [`mark_sent`] is the single gate a sender passes through: only an approved
//! draft becomes sent. Every change is audited (`draft.created`,
//! `draft.updated`, `draft.status_changed`) in the same transaction.

use crate::conn::{Conn, by_id};
use crate::fields::{check_text, snapshot};
use crate::new_id;
use crate::value::Row;
use crate::{Change, Db, Listing, Page, StoreError, Tx, Value};
use chief_domain::TenantId;
use chief_domain::draft::{Draft, DraftOp, DraftPatch, DraftStatus, DraftType, NewDraft};
use chief_domain::event::{action, verb};
use chief_domain::person::Person;
use uuid::Uuid;

pub(crate) const COLUMNS: &str = "id, tenant_id, user_id, task_id, type, recipient, subject, body, status, feedback, revision_of, relationship_context, created_at, updated_at, approved_at, sent_at";

pub(crate) fn from_row(r: &Row) -> Result<Draft, StoreError> {
    Ok(Draft {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.uuid("user_id")?,
        task_id: r.opt_uuid("task_id")?,
        draft_type: r.parse("type")?,
        recipient: r.opt_text("recipient")?,
        subject: r.opt_text("subject")?,
        body: r.text("body")?,
        status: r.parse("status")?,
        feedback: r.opt_text("feedback")?,
        revision_of: r.opt_uuid("revision_of")?,
        relationship_context: r.opt_json("relationship_context")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
        approved_at: r.opt_ts("approved_at")?,
        sent_at: r.opt_ts("sent_at")?,
    })
}

fn clean_body(body: &str) -> Result<String, StoreError> {
    if body.trim().is_empty() {
        return Err(StoreError::invalid("body", "must not be empty"));
    }
    if body.contains('\0') {
        return Err(StoreError::invalid(
            "body",
            "must not contain NUL characters",
        ));
    }
    Ok(body.to_string())
}

/// Which drafts a list shows; `None` matches any.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DraftFilter {
    pub status: Option<DraftStatus>,
    pub draft_type: Option<DraftType>,
}

/// Adds a pending draft for `user_id`. Without a given
/// `relationship_context`, the recipient's person record supplies it.
pub async fn create(tx: &mut Tx, user_id: Uuid, mut new: NewDraft) -> Result<Draft, StoreError> {
    if new.relationship_context.is_none()
        && let Some(recipient) = new.recipient.as_deref()
    {
        let tenant = tx.tenant();
        new.relationship_context = recipient_person(&mut *tx, tenant, recipient)
            .await?
            .map(|p| relationship_context(&p));
    }
    insert(tx, user_id, new, None).await
}

/// The tenant's person a recipient names: by email (also inside
/// `Name <email>`), else by name, ignoring case.
pub async fn recipient_person<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    recipient: &str,
) -> Result<Option<Person>, StoreError> {
    let address = match (recipient.find('<'), recipient.rfind('>')) {
        (Some(open), Some(close)) if open < close => &recipient[open + 1..close],
        _ => recipient,
    }
    .trim();
    let name = recipient.split('<').next().unwrap_or("").trim();
    if address.is_empty() && name.is_empty() {
        return Ok(None);
    }
    let mut conn = conn.into();
    let found = conn
        .fetch_optional(
            // Two indexed lookups (idx_people_lower_email, _name), an
            // email first; one OR would scan the tenant's people.
            "SELECT id FROM (\
             SELECT id, 0 AS pref, name FROM people WHERE tenant_id = $1 AND LOWER(email) = LOWER($2) \
             UNION ALL SELECT id, 1 AS pref, name FROM people WHERE tenant_id = $1 AND LOWER(name) = LOWER($3)\
             ) AS found ORDER BY pref, name, id LIMIT 1",
            &[tenant.into(), address.into(), name.into()],
        )
        .await?;
    match found {
        Some(row) => Ok(Some(
            crate::person::get(conn, tenant, row.uuid("id")?).await?,
        )),
        None => Ok(None),
    }
}

/// The snapshot of a person a draft keeps: who they are to the user and how
/// to write to them.
pub fn relationship_context(person: &Person) -> serde_json::Value {
    serde_json::json!({
        "person_id": person.id,
        "name": person.name,
        "email": person.email,
        "company": person.company,
        "relationship": person.relationship,
        "relationship_to_user": person.relationship_to_user,
        "communication_notes": person.communication_notes,
        "political_context": person.political_context,
        "context_notes": person.context_notes,
    })
}

/// What sending an approved draft would do. chief never sends by itself:
/// a person (or a sender they configured) acts on this.
#[derive(Clone, Debug, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct SendAction {
    /// `email`, `slack` or `message`; `none` for documents and notes, which
    /// are filed rather than sent.
    pub channel: &'static str,
    pub recipient: Option<String>,
    pub subject: Option<String>,
    /// Always false: approval records a decision and sends nothing.
    pub sent: bool,
}

/// What sending `draft` would do.
pub fn send_action(draft: &Draft) -> SendAction {
    SendAction {
        channel: match draft.draft_type {
            DraftType::Email => "email",
            DraftType::Slack => "slack",
            DraftType::Message => "message",
            DraftType::Document | DraftType::Note => "none",
        },
        recipient: draft.recipient.clone(),
        subject: draft.subject.clone(),
        sent: false,
    }
}

async fn insert(
    tx: &mut Tx,
    user_id: Uuid,
    new: NewDraft,
    revision_of: Option<Uuid>,
) -> Result<Draft, StoreError> {
    let body = clean_body(&new.body)?;
    check_text("recipient", &new.recipient)?;
    check_text("subject", &new.subject)?;
    if let Some(task) = new.task_id {
        crate::task::ensure_in_tenant(tx, "tasks", "task", task).await?;
    }
    let id = new_id();
    let now = tx.now();
    let tenant = tx.tenant();
    tx.execute(
        "INSERT INTO drafts (id, tenant_id, user_id, task_id, type, recipient, subject, body, status, revision_of, relationship_context, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10, $11, $11)",
        &[
            id.into(),
            tenant.into(),
            user_id.into(),
            new.task_id.into(),
            new.draft_type.as_str().into(),
            new.recipient.clone().into(),
            new.subject.clone().into(),
            body.into(),
            revision_of.into(),
            Value::Json(new.relationship_context.clone()),
            now.into(),
        ],
    )
    .await?;
    let draft = get(&mut *tx, tenant, id).await?;
    tx.audit_new("draft", verb::CREATED, "draft", &draft, id)
        .await?;
    Ok(draft)
}

/// A draft of the tenant.
pub async fn get<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    id: Uuid,
) -> Result<Draft, StoreError> {
    from_row(&by_id(conn.into(), "drafts", COLUMNS, "", "draft", tenant, id).await?)
}

/// Drafts matching `filter`, newest first, one page at a time.
pub async fn list(
    db: &Db,
    tenant: TenantId,
    filter: &DraftFilter,
    page: Page,
) -> Result<Listing<Draft>, StoreError> {
    let status = filter.status.map(|s| s.as_str());
    let kind = filter.draft_type.map(|t| t.as_str());
    let matches = "tenant_id = $1 AND ($2 IS NULL OR status = $2) AND ($3 IS NULL OR type = $3)";
    crate::conn::page_of(
        db,
        "drafts",
        COLUMNS,
        matches,
        vec![tenant.into(), status.into(), kind.into()],
        "created_at DESC, id",
        page,
        from_row,
    )
    .await
}

/// Edits a pending draft in place; approved or rejected drafts are revised
/// instead.
pub async fn update(tx: &mut Tx, id: Uuid, patch: DraftPatch) -> Result<Draft, StoreError> {
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    before.status.apply(DraftOp::Edit)?;
    let mut after = before.clone();
    if let Some(body) = patch.body {
        after.body = clean_body(&body)?;
    }
    if let Some(recipient) = patch.recipient {
        check_text("recipient", &recipient)?;
        after.recipient = recipient;
    }
    if let Some(subject) = patch.subject {
        check_text("subject", &subject)?;
        after.subject = subject;
    }
    let changes = chief_domain::log::diff(&snapshot(&before), &snapshot(&after));
    if changes.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(before);
    }
    after.updated_at = tx.now();
    tx.execute(
        "UPDATE drafts SET recipient = $3, subject = $4, body = $5, updated_at = $6 WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(),
            id.into(),
            after.recipient.clone().into(),
            after.subject.clone().into(),
            after.body.as_str().into(),
            after.updated_at.into(),
        ],
    )
    .await?;
    tx.audit(Change {
        action: action("draft", verb::UPDATED),
        entity_type: "draft",
        entity_id: id,
        details: changes,
    })
    .await?;
    Ok(after)
}

/// Approves a pending draft, so it may be sent.
pub async fn approve(tx: &mut Tx, id: Uuid) -> Result<Draft, StoreError> {
    transition(tx, id, DraftOp::Approve, None).await
}

/// Rejects a pending draft, keeping the reviewer's feedback for a revision.
pub async fn reject(tx: &mut Tx, id: Uuid, feedback: Option<&str>) -> Result<Draft, StoreError> {
    let feedback = feedback.map(str::trim).filter(|f| !f.is_empty());
    check_text("feedback", &feedback.map(str::to_string))?;
    transition(tx, id, DraftOp::Reject, feedback).await
}

/// Marks an approved draft sent. This is the one gate to the outside: a
/// draft that is not approved cannot pass it.
pub async fn mark_sent(tx: &mut Tx, id: Uuid) -> Result<Draft, StoreError> {
    transition(tx, id, DraftOp::Send, None).await
}

/// Replaces a draft with a new pending revision carrying `body` (and
/// `subject`, when given); the old draft becomes `revised`. Returns the new
/// draft, whose `revision_of` is the old one.
pub async fn revise(
    tx: &mut Tx,
    id: Uuid,
    body: &str,
    subject: Option<String>,
) -> Result<Draft, StoreError> {
    let body = clean_body(body)?;
    let tenant = tx.tenant();
    let old = get(&mut *tx, tenant, id).await?;
    let new = NewDraft {
        task_id: old.task_id,
        draft_type: old.draft_type,
        recipient: old.recipient.clone(),
        subject: subject.or_else(|| old.subject.clone()),
        body,
        relationship_context: old.relationship_context.clone(),
    };
    transition(tx, id, DraftOp::Revise, None).await?;
    insert(tx, old.user_id, new, Some(old.id)).await
}

async fn transition(
    tx: &mut Tx,
    id: Uuid,
    op: DraftOp,
    feedback: Option<&str>,
) -> Result<Draft, StoreError> {
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    let next = before.status.apply(op)?;
    let now = tx.now();
    let mut after = before.clone();
    after.status = next;
    after.updated_at = now;
    match next {
        DraftStatus::Approved => after.approved_at = Some(now),
        DraftStatus::Sent => after.sent_at = Some(now),
        DraftStatus::Rejected => after.feedback = feedback.map(str::to_string),
        DraftStatus::Pending | DraftStatus::Revised => {}
    }
    tx.execute(
        "UPDATE drafts SET status = $3, feedback = $4, approved_at = $5, sent_at = $6, updated_at = $7 WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(),
            id.into(),
            next.as_str().into(),
            after.feedback.clone().into(),
            after.approved_at.into(),
            after.sent_at.into(),
            now.into(),
        ],
    )
    .await?;
    let mut details = chief_domain::log::diff(&snapshot(&before), &snapshot(&after));
    details["from"] = before.status.as_str().into();
    details["to"] = next.as_str().into();
    tx.audit(Change {
        action: action("draft", verb::STATUS_CHANGED),
        entity_type: "draft",
        entity_id: id,
        details,
    })
    .await?;
    Ok(after)
}
