//! The model polish of a delivered briefing (`chief_app::polish::Polish`). With a model
//! configured (`CHIEF_MODEL`, or a key), the briefing gains a short
//! plain-language summary written by the model above the composed details;
//! the details themselves, and the structured briefing, stay exactly as the
//! brain composed them. Without a model, or when the model fails, nothing
//! changes: a briefing never waits on a model.

use chief_app::polish::Polish;
use chief_llm::{ModelConfig, Provider, Request, SystemPrompt};
use chief_store::briefing::Composed;
use std::future::Future;
use std::pin::Pin;

/// The instructions the summary is written under; stable, so a provider
/// can cache them.
const INSTRUCTIONS: &str = "You are the user's chief of staff. Below is a briefing composed from their task system. \
Write a short, warm note (at most 120 words, plain Markdown, no headings) that tells them what matters most and what to do first. \
Use only facts in the briefing: never invent tasks, people, dates or numbers, and keep names and dates exactly as written. \
If the briefing is nearly empty, say so in one sentence.";

/// The most tokens the summary may take.
const MAX_TOKENS: u32 = 400;

/// Whether and how briefings are polished by a model.
#[derive(Clone, Debug, Default)]
pub struct ModelPolish {
    provider: Option<Provider>,
}

impl ModelPolish {
    /// No polish: briefings are delivered as composed.
    pub fn none() -> ModelPolish {
        ModelPolish::default()
    }

    /// Polish with `provider`.
    pub fn with(provider: Provider) -> ModelPolish {
        ModelPolish {
            provider: Some(provider),
        }
    }

    /// Polish with the model the environment configures, if any; a
    /// configuration error is logged and means no polish.
    pub fn from_env() -> ModelPolish {
        match ModelConfig::from_env().provider() {
            Ok(provider) => ModelPolish { provider },
            Err(e) => {
                tracing::warn!(error = %e, "the model configuration is not usable; briefings are not polished");
                ModelPolish::none()
            }
        }
    }

    /// Adds the model's summary above the composed briefing; leaves it as
    /// it is when there is no model or the model fails.
    pub async fn summarize(&self, composed: &mut Composed) {
        let Some(provider) = &self.provider else {
            return;
        };
        let req = Request {
            temperature: Some(0.3),
            ..Request::new(
                SystemPrompt::stable(INSTRUCTIONS),
                composed.markdown.clone(),
                MAX_TOKENS,
            )
        };
        match provider.complete(&req).await {
            Ok(answer) => {
                let summary = answer.text();
                let summary = summary.trim();
                if summary.is_empty() {
                    return;
                }
                composed.markdown = format!(
                    "{summary}\n\n_Summary by {}; the details below come straight from your data._\n\n---\n\n{}",
                    provider.model(),
                    composed.markdown
                );
                composed.text = format!("{summary}\n\n---\n\n{}", composed.text);
            }
            Err(e) => {
                tracing::warn!(error = %e, model = provider.model(), "briefing polish failed; delivering it as composed");
            }
        }
    }
}

impl Polish for ModelPolish {
    fn briefing<'a>(
        &'a self,
        composed: &'a mut Composed,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        Box::pin(self.summarize(composed))
    }
}
