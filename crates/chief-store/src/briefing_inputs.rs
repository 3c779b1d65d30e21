//! The reads behind a briefing: for one user and one kind, the few bounded
//! queries that gather what the brain composes from
//! ([`chief_brain::briefing::Inputs`]).
//!
//! Every query filters by tenant and user, reads through an index and stops
//! at a `LIMIT`, so composing stays fast for a user with tens of thousands
//! of tasks; where a section may hold more rows than are fetched, a `COUNT`
//! over the same index gives the exact total.

use crate::task::{TASK_COLUMNS, task_from_row};
use crate::value::Row;
use crate::{Backend, Db, StoreError, Value};
use chief_brain::briefing::clock::Days;
use chief_brain::briefing::{BriefingKind, Counts, DueMove, Inputs, ProjectActivity};
use chief_domain::TenantId;
use chief_domain::calendar::CalendarEvent;
use chief_domain::draft::Draft;
use chief_domain::project::Project;
use chief_domain::question::Question;
use chief_domain::task::Task;
use chief_domain::waiting::WaitingItem;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashSet;
use uuid::Uuid;

/// Rows fetched for a list section, in the order the brain lists them;
/// a section shows 10, and the rest are counted, not loaded.
const FETCH: i64 = 50;
/// Candidates for the top priorities, ranked by the database first.
const RANKED: i64 = 20;
/// How far back a calendar event may start and still run into the day.
const LONG_EVENT_DAYS: i64 = 31;

/// What a briefing is composed from, owned; [`Gathered::inputs`] lends it
/// to the brain.
#[derive(Debug, Default)]
pub struct Gathered {
    pub tasks: Vec<Task>,
    pub events: Vec<CalendarEvent>,
    pub questions: Vec<Question>,
    pub drafts: Vec<Draft>,
    pub waiting: Vec<WaitingItem>,
    pub projects: Vec<Project>,
    pub moves: Vec<DueMove>,
    pub activity: Vec<ProjectActivity>,
    pub counts: Counts,
}

impl Gathered {
    /// The brain's view of the gathered rows.
    pub fn inputs(&self) -> Inputs<'_> {
        Inputs {
            tasks: &self.tasks,
            events: &self.events,
            questions: &self.questions,
            drafts: &self.drafts,
            waiting: &self.waiting,
            projects: &self.projects,
            moves: &self.moves,
            activity: &self.activity,
            counts: self.counts,
        }
    }

    fn add_tasks(&mut self, tasks: Vec<Task>) {
        let seen: HashSet<Uuid> = self.tasks.iter().map(|t| t.id).collect();
        self.tasks
            .extend(tasks.into_iter().filter(|t| !seen.contains(&t.id)));
    }
}

/// A user's reads, with the tenant and user bound as `$1` and `$2`.
struct Reader<'a> {
    db: &'a Db,
    tenant: TenantId,
    user: Uuid,
}

impl Reader<'_> {
    async fn rows(&self, sql: &str, extra: Vec<Value>) -> Result<Vec<Row>, StoreError> {
        let mut args: Vec<Value> = vec![self.tenant.into(), self.user.into()];
        args.extend(extra);
        self.db.fetch_all(sql, &args).await
    }

    async fn tasks(&self, clause: &str, extra: Vec<Value>) -> Result<Vec<Task>, StoreError> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE tenant_id = $1 AND user_id = $2 AND deleted_at IS NULL AND {clause}"
        );
        self.rows(&sql, extra)
            .await?
            .iter()
            .map(task_from_row)
            .collect()
    }

    async fn count(&self, from_where: &str, extra: Vec<Value>) -> Result<usize, StoreError> {
        let rows = self
            .rows(&format!("SELECT COUNT(*) AS n FROM {from_where}"), extra)
            .await?;
        let n = rows.first().map(|r| r.int("n")).transpose()?.unwrap_or(0);
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Open tasks due before `end` (overdue ones included), and how many.
    async fn due_before(&self, end: DateTime<Utc>) -> Result<(Vec<Task>, usize), StoreError> {
        const OPEN_DUE: &str =
            "due_date IS NOT NULL AND status IN ('queued', 'working', 'blocked') AND due_date < $3";
        let tasks = self
            .tasks(
                &format!("{OPEN_DUE} ORDER BY due_date, id LIMIT $4"),
                vec![end.into(), FETCH.into()],
            )
            .await?;
        let n = self
            .count(
                &format!("tasks WHERE tenant_id = $1 AND user_id = $2 AND deleted_at IS NULL AND {OPEN_DUE}"),
                vec![end.into()],
            )
            .await?;
        Ok((tasks, n))
    }

    /// Tasks completed in `[start, end)`, latest first, and how many.
    async fn completed(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        limit: i64,
    ) -> Result<(Vec<Task>, usize), StoreError> {
        const DONE: &str = "completed_at IS NOT NULL AND completed_at >= $3 AND completed_at < $4 AND status = 'completed'";
        let tasks = self
            .tasks(
                &format!("{DONE} ORDER BY completed_at DESC, id LIMIT $5"),
                vec![start.into(), end.into(), limit.into()],
            )
            .await?;
        let n = self.completed_count(start, end).await?;
        Ok((tasks, n))
    }

    async fn completed_count(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        self.count(
            "tasks WHERE tenant_id = $1 AND user_id = $2 AND deleted_at IS NULL AND completed_at IS NOT NULL AND completed_at >= $3 AND completed_at < $4 AND status = 'completed'",
            vec![start.into(), end.into()],
        )
        .await
    }

    /// Tasks with status `status` of either assignee (the open-task index
    /// leads with the assignee).
    async fn with_status(&self, status: &str, assignee: &str) -> Result<Vec<Task>, StoreError> {
        self.tasks(
            &format!("assignee IN ({assignee}) AND status = $3 ORDER BY updated_at, id LIMIT $4"),
            vec![status.into(), FETCH.into()],
        )
        .await
    }

    /// Events overlapping `[start, end)`.
    async fn events(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<CalendarEvent>, StoreError> {
        let sql = format!(
            "SELECT {} FROM calendar_events WHERE tenant_id = $1 AND user_id = $2 AND starts_at >= $3 AND starts_at < $4 \
             AND (starts_at >= $5 OR ends_at > $5) ORDER BY starts_at, id LIMIT $6",
            crate::calendar::COLUMNS
        );
        let earliest = start - Duration::days(LONG_EVENT_DAYS);
        self.rows(
            &sql,
            vec![earliest.into(), end.into(), start.into(), FETCH.into()],
        )
        .await?
        .iter()
        .map(crate::calendar::from_row)
        .collect()
    }

    async fn questions(&self) -> Result<Vec<Question>, StoreError> {
        let sql = format!(
            "SELECT {} FROM questions WHERE tenant_id = $1 AND user_id = $2 AND status = 'unanswered' ORDER BY priority, created_at, id LIMIT $3",
            crate::question::COLUMNS
        );
        self.rows(&sql, vec![FETCH.into()])
            .await?
            .iter()
            .map(crate::question::from_row)
            .collect()
    }

    async fn drafts(&self) -> Result<Vec<Draft>, StoreError> {
        let sql = format!(
            "SELECT {} FROM drafts WHERE tenant_id = $1 AND status = 'pending' AND user_id = $2 ORDER BY created_at, id LIMIT $3",
            crate::draft::COLUMNS
        );
        self.rows(&sql, vec![FETCH.into()])
            .await?
            .iter()
            .map(crate::draft::from_row)
            .collect()
    }

    async fn waiting(&self) -> Result<Vec<WaitingItem>, StoreError> {
        let sql = format!(
            "SELECT {} FROM waiting_items WHERE tenant_id = $1 AND status = 'waiting' AND user_id = $2 \
             ORDER BY follow_up_date IS NULL, follow_up_date, since, id LIMIT $3",
            crate::waiting::COLUMNS
        );
        self.rows(&sql, vec![FETCH.into()])
            .await?
            .iter()
            .map(crate::waiting::from_row)
            .collect()
    }

    /// The user's tasks among `ids`.
    async fn tasks_by_id(&self, ids: &[Uuid]) -> Result<Vec<Task>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = (0..ids.len())
            .map(|i| format!("${}", i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        self.tasks(
            &format!("id IN ({list})"),
            ids.iter().map(|&id| id.into()).collect(),
        )
        .await
    }

    /// The projects the tasks belong to, by id.
    async fn projects_of(&self, tasks: &[Task]) -> Result<Vec<Project>, StoreError> {
        let ids: Vec<Uuid> = tasks
            .iter()
            .filter_map(|t| t.project_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = (0..ids.len())
            .map(|i| format!("${}", i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {} FROM projects WHERE tenant_id = $1 AND id IN ({list})",
            crate::project::COLUMNS
        );
        let mut args: Vec<Value> = vec![self.tenant.into()];
        args.extend(ids.into_iter().map(Value::from));
        self.db
            .fetch_all(&sql, &args)
            .await?
            .iter()
            .map(crate::project::from_row)
            .collect()
    }

    /// Due-date changes to the user's tasks recorded in `[start, end)`,
    /// from the audit log's index of task updates.
    async fn moves(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<DueMove>, StoreError> {
        let has_due = match self.db.backend() {
            Backend::Sqlite => "json_extract(details, '$.due_date') IS NOT NULL",
            Backend::Postgres => "details -> 'due_date' IS NOT NULL",
        };
        // The user's own tasks only, before the limit: in a team, others'
        // moves must not crowd theirs out.
        let sql = format!(
            "SELECT entity_id, timestamp, details FROM logs WHERE tenant_id = $1 AND timestamp >= $3 AND timestamp < $4 \
             AND action = 'task.updated' AND entity_type = 'task' AND {has_due} \
             AND EXISTS (SELECT 1 FROM tasks t WHERE t.tenant_id = logs.tenant_id AND t.id = logs.entity_id AND t.user_id = $2) \
             ORDER BY timestamp, seq LIMIT $5"
        );
        let rows = self
            .rows(&sql, vec![start.into(), end.into(), FETCH.into()])
            .await?;
        let when = |v: &serde_json::Value| {
            v.as_str()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|t| t.with_timezone(&Utc))
        };
        let mut out = Vec::new();
        for r in rows {
            let Some(task_id) = r.opt_uuid("entity_id")? else {
                continue;
            };
            let details = r.json("details")?;
            let change = &details["due_date"];
            out.push(DueMove {
                task_id,
                from: when(&change["before"]),
                to: when(&change["after"]),
                at: r.ts("timestamp")?,
            });
        }
        Ok(out)
    }

    /// Active and finished projects of the workspace that are the user's or
    /// nobody's, for the weekly review.
    async fn review_projects(&self) -> Result<Vec<Project>, StoreError> {
        let sql = format!(
            "SELECT {} FROM projects WHERE tenant_id = $1 AND (user_id = $2 OR user_id IS NULL) AND status <> 'archived' \
             ORDER BY priority_order, name, id LIMIT $3",
            crate::project::COLUMNS
        );
        self.rows(&sql, vec![500i64.into()])
            .await?
            .iter()
            .map(crate::project::from_row)
            .collect()
    }

    /// Per-project counts of the user's tasks, from one grouped read of the
    /// project index.
    async fn activity(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<ProjectActivity>, StoreError> {
        let sql = "SELECT project_id, \
                SUM(CASE WHEN status IN ('queued', 'working', 'blocked') THEN 1 ELSE 0 END) AS open_n, \
                SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS done_n, \
                SUM(CASE WHEN status = 'completed' AND completed_at >= $3 AND completed_at < $4 THEN 1 ELSE 0 END) AS week_n, \
                MAX(updated_at) AS last_at \
            FROM tasks WHERE tenant_id = $1 AND user_id = $2 AND deleted_at IS NULL AND project_id IS NOT NULL \
            GROUP BY project_id";
        let n = |r: &Row, c: &str| r.int(c).map(|v| usize::try_from(v).unwrap_or(0));
        self.rows(sql, vec![start.into(), end.into()])
            .await?
            .iter()
            .map(|r| {
                Ok(ProjectActivity {
                    project_id: r.uuid("project_id")?,
                    open: n(r, "open_n")?,
                    completed: n(r, "done_n")?,
                    completed_in_period: n(r, "week_n")?,
                    last_activity: r.opt_ts("last_at")?,
                })
            })
            .collect()
    }
}

/// Gathers what a `kind` briefing for `user` at `now` needs.
pub async fn gather(
    db: &Db,
    tenant: TenantId,
    user: Uuid,
    kind: BriefingKind,
    now: DateTime<Utc>,
    days: &Days,
) -> Result<Gathered, StoreError> {
    let r = Reader { db, tenant, user };
    let mut g = Gathered::default();
    match kind {
        BriefingKind::Morning => {
            g.events = r.events(days.today.start, days.today.end).await?;
            let ranked = crate::task_query::next_for_user(db, tenant, user, now, RANKED).await?;
            g.add_tasks(ranked.into_iter().map(|r| r.task).collect());
            let (due, n) = r.due_before(days.today.end).await?;
            g.add_tasks(due);
            g.counts.due_or_overdue = Some(n);
            g.add_tasks(r.with_status("working", "'agent'").await?);
            g.counts.agent_queued = Some(
                r.count(
                    "tasks WHERE tenant_id = $1 AND user_id = $2 AND assignee = 'agent' AND status = 'queued' AND deleted_at IS NULL",
                    vec![],
                )
                .await?,
            );
            g.questions = r.questions().await?;
            g.drafts = r.drafts().await?;
            g.waiting = r.waiting().await?;
        }
        BriefingKind::Midday => {
            let (done, n) = r
                .completed(days.today.start, now.max(days.today.start), FETCH)
                .await?;
            g.add_tasks(done);
            g.counts.completed = Some(n);
            let (due, n) = r.due_before(days.today.end).await?;
            g.add_tasks(due);
            g.counts.due_or_overdue = Some(n);
            g.add_tasks(r.with_status("blocked", "'agent', 'user'").await?);
            g.questions = r.questions().await?;
        }
        BriefingKind::Evening => {
            let (done, n) = r.completed(days.today.start, days.today.end, FETCH).await?;
            g.add_tasks(done);
            g.counts.completed = Some(n);
            g.moves = r.moves(days.today.start, days.today.end).await?;
            let moved: Vec<Uuid> = g
                .moves
                .iter()
                .map(|m| m.task_id)
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            g.add_tasks(r.tasks_by_id(&moved).await?);
            let due_tomorrow = r
                .tasks(
                    "due_date IS NOT NULL AND status IN ('queued', 'working', 'blocked') AND due_date >= $3 AND due_date < $4 ORDER BY due_date, id LIMIT $5",
                    vec![days.tomorrow.start.into(), days.tomorrow.end.into(), FETCH.into()],
                )
                .await?;
            g.add_tasks(due_tomorrow);
            g.events = r.events(days.tomorrow.start, days.tomorrow.end).await?;
        }
        BriefingKind::Weekly => {
            let (wins, n) = r.completed(days.week.start, days.week.end, FETCH).await?;
            g.add_tasks(wins);
            g.counts.completed = Some(n);
            g.counts.completed_previous = Some(
                r.completed_count(days.previous_week.start, days.previous_week.end)
                    .await?,
            );
            g.projects = r.review_projects().await?;
            g.activity = r.activity(days.week.start, days.week.end).await?;
            g.waiting = r.waiting().await?;
        }
    }
    if kind != BriefingKind::Weekly {
        g.projects = r.projects_of(&g.tasks).await?;
    } else {
        let known: HashSet<Uuid> = g.projects.iter().map(|p| p.id).collect();
        let missing: Vec<Task> = g
            .tasks
            .iter()
            .filter(|t| t.project_id.is_some_and(|p| !known.contains(&p)))
            .cloned()
            .collect();
        let extra = r.projects_of(&missing).await?;
        g.projects.extend(extra);
    }
    Ok(g)
}
