//! The dashboard's review pages over HTTP, on SQLite and PostgreSQL:
//! projects and goals with their progress, people and clients with their
//! context, tasks and knowledge, playbook approval and must-consult, and the
//! knowledge review queue. Actions change state and are audited as the
//! signed-in user; a form without the CSRF token is refused; another
//! workspace's ids are 404s; a refused form keeps what was typed.

use axum::http::StatusCode;
use chief_app::knowledge_routing::{self, Capture};
use chief_domain::client::NewClient;
use chief_domain::knowledge::{KnowledgeCategory, KnowledgeStatus};
use chief_domain::person::{NewPerson, TaskPersonRole};
use chief_domain::playbook::{NewPlaybook, PlaybookStatus};
use chief_domain::project::{NewProject, ProjectType};
use chief_domain::task::{NewTask, TaskOp};
use chief_domain::tenant::User;
use chief_store::{
    Db, Scope, Tx, audit, client, knowledge, person, playbook, project, task, task_people,
};
use uuid::Uuid;

mod common;

use chief_testkit::both_backends;
use common::browser::signed_in;

async fn write(db: &Db, owner: &User) -> Tx {
    db.write(&Scope::user(owner.tenant_id, owner.id))
        .await
        .unwrap()
}

async fn new_task(tx: &mut Tx, owner: &User, title: &str, project: Option<Uuid>) -> Uuid {
    let t = NewTask {
        title: title.into(),
        project_id: project,
        ..Default::default()
    };
    task::create(tx, owner.id, t).await.unwrap().id
}

async fn new_project(
    tx: &mut Tx,
    owner: &User,
    name: &str,
    kind: ProjectType,
    parent: Option<Uuid>,
) -> Uuid {
    let p = NewProject {
        name: name.into(),
        project_type: Some(kind),
        parent_id: parent,
        ..Default::default()
    };
    project::create(tx, owner.id, p).await.unwrap().id
}

async fn capture(
    db: &Db,
    owner: &User,
    content: &str,
    category: Option<KnowledgeCategory>,
) -> Uuid {
    let mut tx = write(db, owner).await;
    let c = Capture {
        content: content.into(),
        category,
        ..Default::default()
    };
    let routed = knowledge_routing::capture(&mut tx, owner.id, c)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    routed.knowledge.id
}

/// The part of a page from `start` up to the end of that list item.
fn item<'a>(body: &'a str, start: &str) -> &'a str {
    let at = body
        .find(start)
        .unwrap_or_else(|| panic!("{start} is on the page: {body}"));
    let rest = &body[at..];
    &rest[..rest.find("</li>").unwrap_or(rest.len())]
}

/// The latest audit entry about `id`, with the user who made it.
async fn last_change(db: &Db, owner: &User, id: Uuid) -> (String, Option<Uuid>, serde_json::Value) {
    let e = audit::list(db, owner.tenant_id, Some(id), 1)
        .await
        .unwrap()
        .remove(0);
    (e.action, e.user_id, e.details)
}

both_backends! {
    async fn the_navigation_lists_every_section_in_order(db: &Db) {
        let (mut b, _) = signed_in(db, "acme").await;
        let page = b.get("/projects").await.body;
        let nav = &page[page.find("<nav aria-label=\"Sections\">").unwrap()..page.find("</nav>").unwrap()];
        let labels = ["Dashboard", "Tasks", "Questions", "Drafts", "Projects", "People", "Playbooks", "Knowledge", "Calendar", "Sales", "Activity", "Briefings", "Settings"];
        let at: Vec<usize> = labels.iter().map(|l| nav.find(&format!(">{l}</a>")).unwrap_or_else(|| panic!("{l}: {nav}"))).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "in order: {nav}");
        assert!(nav.contains(r#"<a href="/projects" aria-current="page">Projects</a>"#), "{nav}");
    }

    async fn projects_show_the_goal_hierarchy_with_progress_and_link_to_their_tasks(db: &Db) {
        let (mut b, owner) = signed_in(db, "acme").await;
        let mut tx = write(db, &owner).await;
        let loose = new_project(&mut tx, &owner, "Alpha cleanup", ProjectType::Project, None).await;
        let goal = new_project(&mut tx, &owner, "Grow revenue", ProjectType::Goal, None).await;
        let renewal = new_project(&mut tx, &owner, "Liberty renewal", ProjectType::Project, Some(goal)).await;
        let pricing = new_project(&mut tx, &owner, "Pricing review", ProjectType::Project, Some(renewal)).await;
        let done = new_task(&mut tx, &owner, "Draft the terms", Some(renewal)).await;
        task::transition(&mut tx, done, TaskOp::Complete, None).await.unwrap();
        let dropped = new_task(&mut tx, &owner, "Old idea", Some(renewal)).await;
        task::transition(&mut tx, dropped, TaskOp::Cancel, None).await.unwrap();
        new_task(&mut tx, &owner, "Call legal", Some(renewal)).await;
        new_task(&mut tx, &owner, "Build the price sheet", Some(pricing)).await;
        new_task(&mut tx, &owner, "Unfiled chore", None).await;
        tx.commit().await.unwrap();

        let page = b.get("/projects").await;
        assert_eq!(page.status, StatusCode::OK);
        let body = &page.body;
        let order: Vec<usize> = [goal, renewal, pricing, loose].iter().map(|id| body.find(&format!("id=\"project-{id}\"")).unwrap()).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "goal, its project, its sub-project, then the rest");
        // Cancelled tasks do not count; a goal counts everything under it.
        assert!(item(body, &format!("project-{goal}")).contains("1 of 3 done (33%)"), "{body}");
        assert!(item(body, &format!("project-{renewal}")).contains("1 of 3 done (33%)"));
        assert!(item(body, &format!("project-{pricing}")).contains("0 of 1 done (0%)"));
        assert!(item(body, &format!("project-{loose}")).contains("no tasks yet"));
        assert!(item(body, &format!("project-{goal}")).contains(r#"<progress max="100" value="33""#));

        let tasks = b.get(&format!("/tasks?project={renewal}")).await.body;
        assert!(tasks.contains("Project: Liberty renewal") && tasks.contains("Call legal"), "{tasks}");
        assert!(!tasks.contains("Build the price sheet") && !tasks.contains("Unfiled chore") && !tasks.contains("Draft the terms"));

        let (_, them) = signed_in(db, "other").await;
        let mut tx = write(db, &them).await;
        let theirs = new_project(&mut tx, &them, "Their secret plan", ProjectType::Goal, None).await;
        tx.commit().await.unwrap();
        assert!(!b.get("/projects").await.body.contains("Their secret plan"));
        assert_eq!(b.get(&format!("/tasks?project={theirs}")).await.status, StatusCode::NOT_FOUND);
    }

    async fn a_person_and_a_client_show_their_context_open_tasks_and_knowledge(db: &Db) {
        let (mut b, owner) = signed_in(db, "acme").await;
        let mut tx = write(db, &owner).await;
        let liberty = client::create(&mut tx, owner.id, NewClient { name: "Liberty Mutual Aid".into(), notes: Some("Renews every January".into()), ..Default::default() }).await.unwrap();
        let patrick = person::create(&mut tx, owner.id, NewPerson {
            name: "Patrick Fields".into(),
            client_id: Some(liberty.id),
            title: Some("VP Operations".into()),
            relationship_to_user: Some("Decides on the renewal budget".into()),
            communication_notes: Some("Prefers short emails".into()),
            ..Default::default()
        }).await.unwrap();
        let open = new_task(&mut tx, &owner, "Prepare the Liberty meeting", None).await;
        let closed = new_task(&mut tx, &owner, "Send the Liberty recap", None).await;
        task::transition(&mut tx, closed, TaskOp::Complete, None).await.unwrap();
        new_task(&mut tx, &owner, "Someone else's errand", None).await;
        for t in [open, closed] {
            task_people::link(&mut tx, t, patrick.id, Some(TaskPersonRole::Subject)).await.unwrap();
        }
        tx.commit().await.unwrap();
        capture(db, &owner, "Patrick Fields wants numbers before any pricing talk", None).await;

        let list = b.get("/people").await.body;
        assert!(list.contains(&format!(r#"<a href="/people/{}">Patrick Fields</a>"#, patrick.id)), "{list}");
        assert!(list.contains(&format!(r#"<a href="/clients/{}">Liberty Mutual Aid</a>"#, liberty.id)));
        assert!(list.contains("Decides on the renewal budget"));
        let none = b.get("/people?q=zzz").await.body;
        assert!(!none.contains("Patrick Fields") && none.contains(r#"value="zzz""#));

        let page = b.get(&format!("/people/{}", patrick.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        for needle in ["Decides on the renewal budget", "Prefers short emails", "VP Operations", "Prepare the Liberty meeting", "wants numbers before any pricing talk", "Liberty Mutual Aid"] {
            assert!(page.body.contains(needle), "{needle}: {}", page.body);
        }
        assert!(!page.body.contains("Send the Liberty recap"), "only open tasks");
        assert!(!page.body.contains("Someone else's errand"));

        let page = b.get(&format!("/clients/{}", liberty.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        for needle in ["Renews every January", "Patrick Fields", "Prepare the Liberty meeting"] {
            assert!(page.body.contains(needle), "{needle}: {}", page.body);
        }

        let (_, them) = signed_in(db, "other").await;
        let mut tx = write(db, &them).await;
        let their_client = client::create(&mut tx, them.id, NewClient { name: "Rival Corp".into(), ..Default::default() }).await.unwrap();
        let their_person = person::create(&mut tx, them.id, NewPerson { name: "Secret Contact".into(), ..Default::default() }).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(b.get(&format!("/people/{}", their_person.id)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(b.get(&format!("/clients/{}", their_client.id)).await.status, StatusCode::NOT_FOUND);
        assert!(!b.get("/people").await.body.contains("Secret Contact"));
    }

    async fn proposed_playbooks_are_approved_or_rejected_and_any_marked_must_consult(db: &Db) {
        let (mut b, owner) = signed_in(db, "acme").await;
        let mut tx = write(db, &owner).await;
        let new = |name: &str| NewPlaybook { name: name.into(), description: format!("About {name}"), content: format!("How to {name}"), ..Default::default() };
        let prep = playbook::propose(&mut tx, owner.id, new("Renewal prep"), Some("the Liberty renewal"), None).await.unwrap();
        let spam = playbook::propose(&mut tx, owner.id, new("Reply to spam"), None, None).await.unwrap();
        let guide = playbook::create(&mut tx, owner.id, new("Email guide")).await.unwrap();
        tx.commit().await.unwrap();

        let page = b.get("/playbooks").await.body;
        let proposed = &page[page.find("id=\"shelf-proposed\"").unwrap()..page.find("id=\"shelf-active\"").unwrap()];
        assert!(proposed.contains("Renewal prep") && proposed.contains("Reply to spam") && !proposed.contains("Email guide"), "{proposed}");
        assert!(proposed.contains("source: the Liberty renewal"));

        let approve = b.post(&format!("/playbooks/{}", prep.id), &[("action", "approve")]).await;
        assert_eq!((approve.status, approve.location()), (StatusCode::SEE_OTHER, format!("/playbooks#playbook-{}", prep.id).as_str()));
        assert_eq!(playbook::get(db, owner.tenant_id, prep.id).await.unwrap().status, PlaybookStatus::Active);
        let (action, user, details) = last_change(db, &owner, prep.id).await;
        assert_eq!((action.as_str(), user, details["to"].as_str()), ("playbook.status_changed", Some(owner.id), Some("active")));

        assert_eq!(b.post(&format!("/playbooks/{}", spam.id), &[("action", "reject")]).await.status, StatusCode::SEE_OTHER);
        assert_eq!(playbook::get(db, owner.tenant_id, spam.id).await.unwrap().status, PlaybookStatus::Rejected);
        assert!(!b.get("/playbooks").await.body.contains("Reply to spam"), "rejected playbooks leave the page");

        let marked = b.post(&format!("/playbooks/{}", guide.id), &[("action", "must_consult"), ("must_consult", "true")]).await;
        assert_eq!(marked.status, StatusCode::SEE_OTHER);
        assert!(playbook::get(db, owner.tenant_id, guide.id).await.unwrap().must_consult);
        let (_, user, details) = last_change(db, &owner, guide.id).await;
        assert_eq!((user, details["must_consult"]["after"].as_bool()), (Some(owner.id), Some(true)), "{details}");
        let page = b.get("/playbooks").await.body;
        let card = item(&page, &format!("id=\"playbook-{}\"", guide.id));
        assert!(card.contains("must consult") && card.contains(r#"aria-pressed="true""#), "{card}");

        // A second approval is refused on the card, as the API's 409.
        let again = b.post(&format!("/playbooks/{}", prep.id), &[("action", "approve")]).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        let card = item(&again.body, &format!("id=\"playbook-{}\"", prep.id));
        assert!(card.contains("role=\"alert\"") && card.contains("already active"), "{card}");

        // Without the CSRF token nothing changes.
        let forged = b.post_raw(&format!("/playbooks/{}", guide.id), &[("action", "must_consult"), ("must_consult", "false")]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        assert!(playbook::get(db, owner.tenant_id, guide.id).await.unwrap().must_consult);
        assert_eq!(b.post(&format!("/playbooks/{}", guide.id), &[("action", "explode")]).await.status, StatusCode::BAD_REQUEST);

        let (_, them) = signed_in(db, "other").await;
        let mut tx = write(db, &them).await;
        let theirs = playbook::propose(&mut tx, them.id, new("Their secret"), None, None).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(b.post(&format!("/playbooks/{}", theirs.id), &[("action", "approve")]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(playbook::get(db, them.tenant_id, theirs.id).await.unwrap().status, PlaybookStatus::Proposed);
        assert!(!b.get("/playbooks").await.body.contains("Their secret"));
    }

    async fn the_knowledge_queue_routes_to_a_candidate_or_a_name_and_dismisses(db: &Db) {
        let (mut b, owner) = signed_in(db, "acme").await;
        let mut tx = write(db, &owner).await;
        let mut sarahs = vec![];
        for name in ["Sarah Connor", "Sarah Lee"] {
            sarahs.push(person::create(&mut tx, owner.id, NewPerson { name: name.into(), ..Default::default() }).await.unwrap());
        }
        tx.commit().await.unwrap();
        let numbers = capture(db, &owner, "remember that Sarah wants numbers before the meeting", None).await;
        let zed = capture(db, &owner, "Zed likes detail", Some(KnowledgeCategory::Person)).await;
        let rumour = capture(db, &owner, "The coffee machine is broken", None).await;
        let t = owner.tenant_id;
        for id in [numbers, zed, rumour] {
            assert_eq!(knowledge::get(db, t, id).await.unwrap().status, KnowledgeStatus::PendingReview);
        }

        let page = b.get("/knowledge").await.body;
        let card = item(&page, &format!("id=\"learning-{numbers}\""));
        assert!(card.contains(&format!(r#"value="person:{}""#, sarahs[0].id)) && card.contains("Sarah Connor (person)"), "{card}");
        assert!(page.contains("Zed likes detail") && page.contains("The coffee machine is broken"));

        // To a candidate it named.
        let routed = b.post(&format!("/knowledge/{numbers}/route"), &[("target", &format!("person:{}", sarahs[0].id))]).await;
        assert_eq!((routed.status, routed.location()), (StatusCode::SEE_OTHER, "/knowledge"));
        let k = knowledge::get(db, t, numbers).await.unwrap();
        assert_eq!((k.status, k.routed_to_id), (KnowledgeStatus::Routed, Some(sarahs[0].id)));
        let (action, user, _) = last_change(db, &owner, numbers).await;
        assert_eq!((action.as_str(), user), ("knowledge.routed", Some(owner.id)));
        assert!(b.get(&format!("/people/{}", sarahs[0].id)).await.body.contains("Sarah wants numbers before the meeting"));
        let recent = b.get("/knowledge").await.body;
        let row = item(&recent, &format!("id=\"knowledge-{numbers}\""));
        assert!(row.contains(&format!(r#"<a href="/people/{}">Sarah Connor</a>"#, sarahs[0].id)), "{row}");

        // A name that fits nobody, or several, is refused next to the form with the text kept.
        let nobody = b.post(&format!("/knowledge/{zed}/route"), &[("kind", "person"), ("name", "Zed Nobody")]).await;
        assert_eq!(nobody.status, StatusCode::UNPROCESSABLE_ENTITY);
        let card = item(&nobody.body, &format!("id=\"learning-{zed}\""));
        assert!(card.contains("No person named “Zed Nobody” in this workspace.") && card.contains(r#"value="Zed Nobody""#), "{card}");
        let several = b.post(&format!("/knowledge/{zed}/route"), &[("kind", "person"), ("name", "Sarah")]).await;
        assert_eq!(several.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(several.body.contains("2 match “Sarah”: Sarah Connor, Sarah Lee."), "{}", several.body);
        let unchosen = b.post(&format!("/knowledge/{zed}/route"), &[("target", ""), ("name", "")]).await;
        assert_eq!(unchosen.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unchosen.body.contains("Choose where it goes"));
        assert_eq!(knowledge::get(db, t, zed).await.unwrap().status, KnowledgeStatus::PendingReview);

        // By name.
        let named = b.post(&format!("/knowledge/{zed}/route"), &[("kind", "person"), ("name", "sarah lee")]).await;
        assert_eq!(named.status, StatusCode::SEE_OTHER, "{}", named.body);
        assert_eq!(knowledge::get(db, t, zed).await.unwrap().routed_to_id, Some(sarahs[1].id));

        // Dismissed, with the reason in the audit log.
        let dismissed = b.post(&format!("/knowledge/{rumour}/dismiss"), &[("reason", "Just gossip")]).await;
        assert_eq!(dismissed.status, StatusCode::SEE_OTHER);
        assert_eq!(knowledge::get(db, t, rumour).await.unwrap().status, KnowledgeStatus::Dismissed);
        let (_, user, details) = last_change(db, &owner, rumour).await;
        assert_eq!(user, Some(owner.id));
        assert!(details.to_string().contains("Just gossip"), "{details}");
        let page = b.get("/knowledge").await.body;
        assert!(page.contains("Nothing waiting") && page.contains("dismissed"), "{page}");

        // Routed is final: the page says so.
        let again = b.post(&format!("/knowledge/{numbers}/route"), &[("target", "rule")]).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(again.body.contains("final"), "{}", again.body);

        let forged = b.post_raw(&format!("/knowledge/{zed}/dismiss"), &[]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);

        let (_, them) = signed_in(db, "other").await;
        let theirs = capture(db, &them, "Their Yuri likes detail", Some(KnowledgeCategory::Person)).await;
        assert_eq!(b.post(&format!("/knowledge/{theirs}/route"), &[("target", "rule")]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(b.post(&format!("/knowledge/{theirs}/dismiss"), &[]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(knowledge::get(db, them.tenant_id, theirs).await.unwrap().status, KnowledgeStatus::PendingReview);
        assert!(!b.get("/knowledge").await.body.contains("Their Yuri"));
    }
}
