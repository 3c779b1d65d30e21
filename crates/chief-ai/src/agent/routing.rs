//! Routing a task to a persona (seed 004), in this order:
//! 1. the persona asked for (`--persona`);
//! 2. keyword rules: the workspace's personas first, then the built-in ones;
//! 3. embedding similarity, with a local embedding model
//!    ([`EmbeddingModel`], e.g. all-MiniLM-L6-v2): the task is compared
//!    with each text of each persona's [`Persona::profile`] (General
//!    aside), a persona scoring the mean of its two closest texts, and the
//!    closest persona is taken when it is close enough
//!    ([`EMBEDDING_MIN_SIMILARITY`]) and clearly closer than the next
//!    ([`EMBEDDING_MIN_MARGIN`]). Without a model the step is skipped; with
//!    one that cannot be loaded it is recorded as failed. Either way routing
//!    goes on;
//! 4. LLM classification: a small model call asked to name the persona
//!    that fits as `{"persona": NAME, "confidence": 0-100}`, parsed
//!    strictly (anything else falls through);
//! 5. General.
//!
//! The decision, its confidence and the trail of every step go into the
//! run's journal.

use super::journal::Routing;
use super::persona::{self, Persona};
pub use chief_embed::{Embedder, EmbeddingError, cosine};
use chief_llm::{Provider, Request, Response, SystemPrompt};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;

/// The lowest cosine similarity between a task and a persona's profile
/// that routes the task there (measured on `tests/agent_routing.rs`'s
/// labelled tasks).
pub const EMBEDDING_MIN_SIMILARITY: f32 = 0.25;
/// How much closer the chosen persona must be than the runner-up.
pub const EMBEDDING_MIN_MARGIN: f32 = 0.04;

/// The local embedding model for routing's third step.
#[derive(Clone, Debug, Default)]
pub enum EmbeddingModel {
    /// None is configured: the step is skipped.
    #[default]
    Absent,
    Loaded(Arc<Embedder>),
    /// One is configured but could not be loaded (why): the step is
    /// recorded as failed.
    Broken(String),
}

impl EmbeddingModel {
    /// The model folder `dir`, loaded once per process (see
    /// [`Embedder::shared`]); no folder is [`EmbeddingModel::Absent`].
    pub fn load(dir: Option<&Path>) -> EmbeddingModel {
        match dir.map(Embedder::shared) {
            None => EmbeddingModel::Absent,
            Some(Ok(embedder)) => EmbeddingModel::Loaded(embedder),
            Some(Err(e)) => EmbeddingModel::Broken(e.to_string()),
        }
    }
}

/// A routing decision and how it was reached.
pub struct Routed {
    pub persona: Persona,
    pub routing: Routing,
    /// Each step tried, in order: `{step, result, ...}`.
    pub trail: Vec<Value>,
    /// The classification call's answer, to journal (tokens count).
    pub classified_by: Option<Response>,
}

/// How the model may be asked to classify.
pub struct Classifier<'a> {
    pub provider: &'a Provider,
    /// A cheaper model than the run's, when configured.
    pub model: Option<String>,
}

/// Routes `text` (a task's title and description) among `all` personas.
/// `requested` must name one of them.
pub async fn route(
    all: &[Persona],
    requested: Option<&str>,
    text: &str,
    embedding: &EmbeddingModel,
    classifier: Option<Classifier<'_>>,
) -> Routed {
    let mut trail = Vec::new();
    if let Some(p) = requested.and_then(|name| persona::by_name(all, name)) {
        trail.push(json!({"step": "requested", "result": p.name}));
        return decided(p, "requested".into(), 100, trail, None);
    }
    let lower = text.to_lowercase();
    for p in all {
        if let Some(word) = p.keyword_in(&lower) {
            trail.push(json!({"step": "keywords", "result": p.name, "keyword": word}));
            return decided(p, format!("keyword:{word}"), 80, trail, None);
        }
    }
    trail.push(json!({"step": "keywords", "result": "no match"}));
    match embedding {
        EmbeddingModel::Absent => trail.push(json!({"step": "embedding", "result": "skipped",
            "why": "no local embedding model (set CHIEF_EMBEDDING_MODEL to a sentence-transformers folder)"})),
        EmbeddingModel::Broken(error) => {
            trail.push(json!({"step": "embedding", "result": "failed", "error": error}));
        }
        EmbeddingModel::Loaded(embedder) => match ranked_off_thread(all, text, embedder).await {
            Err(e) => {
                trail.push(json!({"step": "embedding", "result": "failed", "error": e.to_string()}));
            }
            Ok(ranked) => {
                let scores: Vec<Value> = ranked
                    .iter()
                    .take(3)
                    .map(|(p, s)| json!({"persona": p.name, "similarity": rounded(*s)}))
                    .collect();
                if let Some((p, confidence)) = embedding_choice(&ranked) {
                    trail.push(json!({"step": "embedding", "result": p.name,
                        "confidence": confidence, "scores": scores}));
                    let decision = format!("embedding:{}", p.name);
                    return decided(p, decision, confidence, trail, None);
                }
                trail.push(json!({"step": "embedding", "result": "not close enough",
                    "scores": scores}));
            }
        },
    }
    let general = persona::by_name(all, "general")
        .cloned()
        .unwrap_or_else(persona::general);
    let Some(classifier) = classifier else {
        trail.push(json!({"step": "llm", "result": "skipped", "why": "model routing is off"}));
        return decided(&general, "default".into(), 50, trail, None);
    };
    let request = classification(all, text, classifier.model);
    match classifier.provider.complete(&request).await {
        Err(e) => {
            trail.push(json!({"step": "llm", "result": "failed", "error": e.to_string()}));
            decided(&general, "default".into(), 50, trail, None)
        }
        Ok(resp) => {
            let answer = resp.text();
            match parse_choice(&answer, all) {
                Some((p, confidence)) => {
                    trail.push(json!({"step": "llm", "result": p.name, "confidence": confidence}));
                    let decision = format!("llm:{}", p.name);
                    decided(p, decision, confidence, trail, Some(resp))
                }
                None => {
                    trail.push(json!({"step": "llm", "result": "unparseable", "answer": answer}));
                    decided(&general, "default".into(), 50, trail, Some(resp))
                }
            }
        }
    }
}

/// [`similarities`] on a blocking thread: a model run takes milliseconds
/// of CPU that must not hold up the async workers.
async fn ranked_off_thread<'a>(
    all: &'a [Persona],
    text: &str,
    embedder: &Arc<Embedder>,
) -> Result<Vec<(&'a Persona, f32)>, EmbeddingError> {
    let (embedder, personas, text) = (embedder.clone(), all.to_vec(), text.to_string());
    let scored = tokio::task::spawn_blocking(move || {
        similarities(&personas, &text, &embedder).map(|ranked| {
            ranked
                .into_iter()
                .map(|(p, score)| (p.name.clone(), score))
                .collect::<Vec<_>>()
        })
    })
    .await
    .map_err(|e| EmbeddingError::Inference(format!("the embedding thread stopped: {e}")))??;
    Ok(scored
        .into_iter()
        .filter_map(|(name, score)| persona::by_name(all, &name).map(|p| (p, score)))
        .collect())
}

/// Each persona but General with its similarity to `text`: the mean cosine
/// of the two texts of its profile closest to `text` (one text counts
/// twice), most similar first. Profiles are embedded once per process.
pub fn similarities<'a>(
    all: &'a [Persona],
    text: &str,
    embedder: &Embedder,
) -> Result<Vec<(&'a Persona, f32)>, EmbeddingError> {
    let task = embedder.embed(&[text])?;
    let task = task.first().map(Vec::as_slice).unwrap_or_default();
    let mut ranked = Vec::new();
    for p in all.iter().filter(|p| p.name != "general") {
        let profile = p.profile();
        let texts: Vec<&str> = profile.iter().map(String::as_str).collect();
        let mut scores: Vec<f32> = embedder
            .embed_remembered(&texts)?
            .iter()
            .map(|v| cosine(task, v))
            .collect();
        scores.sort_by(|a, b| b.total_cmp(a));
        let best = scores.first().copied().unwrap_or_default();
        // Two close texts say more than one: a single keyword or phrase
        // near the task is weaker evidence than a persona near it twice.
        let second = scores.get(1).copied().unwrap_or(best);
        ranked.push((p, (best + second) / 2.0));
    }
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    Ok(ranked)
}

/// The persona `ranked` (from [`similarities`]) routes to, with a
/// confidence: the closest, when it clears [`EMBEDDING_MIN_SIMILARITY`]
/// and leads the runner-up by [`EMBEDDING_MIN_MARGIN`].
pub fn embedding_choice<'a>(ranked: &[(&'a Persona, f32)]) -> Option<(&'a Persona, u8)> {
    let (best, similarity) = *ranked.first()?;
    let runner_up = ranked.get(1).map_or(0.0, |r| r.1);
    if similarity < EMBEDDING_MIN_SIMILARITY || similarity - runner_up < EMBEDDING_MIN_MARGIN {
        return None;
    }
    Some((best, embedding_confidence(similarity)))
}

/// A similarity as a confidence from 0 to 100: the similarity in percent.
fn embedding_confidence(similarity: f32) -> u8 {
    // Clamped first, so the cast cannot wrap.
    (similarity.clamp(0.0, 1.0) * 100.0).round() as u8
}

/// A similarity to three decimals, for the trail.
fn rounded(similarity: f32) -> f64 {
    (f64::from(similarity) * 1000.0).round() / 1000.0
}

fn decided(
    p: &Persona,
    decision: String,
    confidence: u8,
    mut trail: Vec<Value>,
    classified_by: Option<Response>,
) -> Routed {
    trail.push(json!({"decision": decision, "persona": p.name, "confidence": confidence}));
    Routed {
        persona: p.clone(),
        routing: Routing {
            persona: p.name.clone(),
            decision,
            confidence,
        },
        trail,
        classified_by,
    }
}

/// The classification request: the personas and the task, and the one
/// answer shape accepted.
fn classification(all: &[Persona], text: &str, model: Option<String>) -> Request {
    let menu: Vec<String> = all
        .iter()
        .map(|p| {
            format!(
                "- {}: {}",
                p.name,
                p.prompt.lines().next().unwrap_or_default()
            )
        })
        .collect();
    let system = SystemPrompt {
        stable: format!(
            "You route a task to the persona best suited to do it. The personas:\n{}\n\nAnswer with only a JSON object: {{\"persona\": NAME, \"confidence\": 0-100}}.",
            menu.join("\n")
        ),
        dynamic: String::new(),
    };
    let mut req = Request::new(system, format!("Task: {text}"), 64);
    req.model = model;
    req.temperature = Some(0.0);
    req
}

/// Parses `{"persona": NAME, "confidence": N}` and nothing else: NAME must
/// be one of `all`, N an integer from 0 to 100.
fn parse_choice<'a>(answer: &str, all: &'a [Persona]) -> Option<(&'a Persona, u8)> {
    let v: Value = serde_json::from_str(answer.trim()).ok()?;
    let obj = v.as_object()?;
    if obj.len() != 2 {
        return None;
    }
    let p = persona::by_name(all, obj.get("persona")?.as_str()?)?;
    let confidence = obj.get("confidence")?.as_u64().filter(|c| *c <= 100)?;
    Some((p, u8::try_from(confidence).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_answer_shape_is_accepted() {
        let all = persona::built_in();
        let ok = parse_choice(r#" {"persona": "strategy", "confidence": 72} "#, &all);
        assert_eq!(
            ok.map(|(p, c)| (p.name.as_str(), c)),
            Some(("strategy", 72))
        );
        for bad in [
            "strategy",
            r#"{"persona": "poet", "confidence": 90}"#,
            r#"{"persona": "strategy", "confidence": 140}"#,
            r#"{"persona": "strategy", "confidence": 0.5}"#,
            r#"{"persona": "strategy", "confidence": 50, "why": "x"}"#,
            r#"Sure! {"persona": "strategy", "confidence": 50}"#,
        ] {
            assert!(parse_choice(bad, &all).is_none(), "{bad}");
        }
    }
}
