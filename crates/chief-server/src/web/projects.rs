//! `/projects`: projects and goals as a hierarchy (goal → projects →
//! sub-projects), each with its status, a progress bar and a link to its
//! tasks. A project's progress counts its own tasks and those of every
//! project under it, as the weekly review counts a goal's
//! (`chief_store::project::task_counts` gives each project's own).

use crate::AppState;
use crate::web::page::{Nav, WebError, render};
use crate::web::session::Viewer;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chief_domain::project::{Project, ProjectType};
use chief_store::project::{self, TaskCounts};
use std::collections::HashMap;
use uuid::Uuid;

/// A project in the hierarchy, as a row indented by its depth.
pub struct ProjectRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub status: String,
    pub depth: usize,
    pub target: String,
    pub success_criteria: String,
    /// Completed tasks, here and below.
    pub completed: i64,
    /// Open and completed tasks, here and below.
    pub total: i64,
    pub percent: i64,
}

#[derive(Template)]
#[template(path = "web/projects.html")]
struct ProjectsPage {
    nav: Nav,
    projects: Vec<ProjectRow>,
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, WebError> {
    let all = project::list(&state.db, viewer.tenant(), None, None).await?;
    let counts = project::task_counts(&state.db, viewer.tenant()).await?;
    render(&ProjectsPage {
        nav: Nav::new(&viewer, "/projects"),
        projects: hierarchy(&all, &counts),
    })
}

/// The projects in tree order: goals first, then the other top-level
/// projects, each followed by what is under it. A project whose parent is
/// missing shows at the top level.
fn hierarchy(all: &[Project], counts: &HashMap<Uuid, TaskCounts>) -> Vec<ProjectRow> {
    let known: HashMap<Uuid, &Project> = all.iter().map(|p| (p.id, p)).collect();
    let mut children: HashMap<Option<Uuid>, Vec<&Project>> = HashMap::new();
    for p in all {
        let parent = p.parent_id.filter(|id| known.contains_key(id));
        children.entry(parent).or_default().push(p);
    }
    if let Some(roots) = children.get_mut(&None) {
        // `all` is by order then name; a stable sort keeps that within each kind.
        roots.sort_by_key(|p| p.project_type != ProjectType::Goal);
    }
    let mut out = Vec::with_capacity(all.len());
    let mut seen = std::collections::HashSet::new();
    walk(None, 0, &children, counts, &mut seen, &mut out);
    out
}

/// Appends the projects under `parent` and returns their rolled-up counts.
fn walk(
    parent: Option<Uuid>,
    depth: usize,
    children: &HashMap<Option<Uuid>, Vec<&Project>>,
    counts: &HashMap<Uuid, TaskCounts>,
    seen: &mut std::collections::HashSet<Uuid>,
    out: &mut Vec<ProjectRow>,
) -> TaskCounts {
    let mut sum = TaskCounts::default();
    for p in children.get(&parent).into_iter().flatten() {
        // The store refuses loops; this only guards the page against one.
        if !seen.insert(p.id) {
            continue;
        }
        let at = out.len();
        out.push(ProjectRow {
            id: p.id.to_string(),
            name: p.name.clone(),
            kind: p.project_type.to_string(),
            status: p.status.to_string().replace('_', " "),
            depth,
            target: p
                .target_date
                .map(|d| d.format("%-d %b %Y").to_string())
                .unwrap_or_default(),
            success_criteria: p.success_criteria.clone().unwrap_or_default(),
            completed: 0,
            total: 0,
            percent: 0,
        });
        let below = walk(Some(p.id), depth + 1, children, counts, seen, out);
        let own = counts.get(&p.id).copied().unwrap_or_default();
        let row = &mut out[at];
        row.completed = own.completed + below.completed;
        row.total = own.total + below.total;
        row.percent = if row.total > 0 {
            (row.completed * 100 + row.total / 2) / row.total
        } else {
            0
        };
        sum.completed += row.completed;
        sum.total += row.total;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;
    use chief_domain::project::ProjectStatus;
    use chrono::Utc;

    fn project(name: &str, kind: ProjectType, parent: Option<Uuid>) -> Project {
        let now = Utc::now();
        Project {
            id: Uuid::now_v7(),
            tenant_id: chief_domain::TenantId(Uuid::nil()),
            user_id: None,
            name: name.into(),
            description: None,
            project_type: kind,
            status: ProjectStatus::Active,
            priority_order: 0,
            success_criteria: None,
            target_date: None,
            parent_id: parent,
            metadata: serde_json::json!({}),
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn goals_lead_and_progress_rolls_up_to_the_goal() {
        let loose = project("Alpha", ProjectType::Project, None);
        let goal = project("Grow", ProjectType::Goal, None);
        let child = project("Renewal", ProjectType::Project, Some(goal.id));
        let sub = project("Pricing", ProjectType::Project, Some(child.id));
        let counts = HashMap::from([
            (
                child.id,
                TaskCounts {
                    completed: 1,
                    total: 2,
                },
            ),
            (
                sub.id,
                TaskCounts {
                    completed: 1,
                    total: 1,
                },
            ),
        ]);
        let rows = hierarchy(&[loose, goal, child, sub], &counts);
        let names: Vec<(&str, usize)> = rows.iter().map(|r| (r.name.as_str(), r.depth)).collect();
        assert_eq!(
            names,
            [("Grow", 0), ("Renewal", 1), ("Pricing", 2), ("Alpha", 0)]
        );
        assert_eq!(
            (rows[0].completed, rows[0].total, rows[0].percent),
            (2, 3, 67)
        );
        assert_eq!((rows[2].completed, rows[2].total), (1, 1));
        assert_eq!((rows[3].total, rows[3].percent), (0, 0));
    }
}
