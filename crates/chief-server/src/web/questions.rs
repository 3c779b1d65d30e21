//! `/questions`: every open question, answered inline. Answering calls
//! `chief_app::question::answer`, as `POST /api/questions/{id}/answer`
//! does, which also unblocks the tasks that waited for it.

use crate::AppState;
use crate::web::page::{Nav, WebError, render, render_status};
use crate::web::rows::QuestionRow;
use crate::web::session::{Posted, Viewer};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chief_app::question::Answer;
use chief_domain::question::QuestionStatus;
use chief_store::{StoreError, question};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "web/questions.html")]
struct QuestionsPage {
    nav: Nav,
    questions: Vec<QuestionRow>,
}

#[derive(Template)]
#[template(path = "web/question_item.html")]
struct QuestionItem {
    nav: Nav,
    q: QuestionRow,
}

#[derive(Template)]
#[template(path = "web/question_answered.html")]
struct Answered {
    id: Uuid,
    answer: String,
    unblocked: Vec<String>,
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, WebError> {
    let open = question::list_filtered(
        &state.db,
        viewer.tenant(),
        Some(QuestionStatus::Unanswered),
        None,
        chief_store::Page::default(),
    )
    .await?;
    render(&QuestionsPage {
        nav: Nav::new(&viewer, "/questions"),
        questions: open.items.iter().map(QuestionRow::new).collect(),
    })
}

#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

pub async fn answer(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    Posted { viewer, form }: Posted<AnswerForm>,
) -> Result<Response, WebError> {
    let htmx = headers.contains_key("hx-request");
    let answer = Answer {
        answer: form.answer.clone(),
    };
    match chief_app::question::answer(&state.db, &viewer.scope(), id, answer).await {
        Ok((q, unblocked)) => {
            if !htmx {
                return Ok(Redirect::to("/questions").into_response());
            }
            render(&Answered {
                id: q.id,
                answer: q.answer.unwrap_or_default(),
                unblocked: unblocked.into_iter().map(|t| t.title).collect(),
            })
        }
        Err(StoreError::Domain(e)) => {
            // Shown next to the field, with what the user typed kept.
            let q = question::get(&state.db, viewer.tenant(), id).await?;
            let mut row = QuestionRow::new(&q);
            row.typed = form.answer;
            row.error = e.to_string();
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &QuestionItem {
                    nav: Nav::new(&viewer, "/questions"),
                    q: row,
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}
