//! Routing a task to a persona (seed 004), in this order:
//! 1. the persona asked for (`--persona`);
//! 2. keyword rules: the workspace's personas first, then the built-in ones;
//! 3. embedding similarity, only with a local embedding model — none ships
//!    yet, so the trail records this step as skipped;
//! 4. LLM classification: a small model call asked to name the persona
//!    that fits as `{"persona": NAME, "confidence": 0-100}`, parsed
//!    strictly (anything else falls through);
//! 5. General.
//!
//! The decision, its confidence and the trail of every step go into the
//! run's journal.

use super::journal::Routing;
use super::persona::{self, Persona};
use chief_llm::{Provider, Request, Response, SystemPrompt};
use serde_json::{Value, json};

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
    trail.push(json!({"step": "embedding", "result": "skipped",
        "why": "no local embedding model is configured"}));
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
