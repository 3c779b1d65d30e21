//! A configured model: one provider's client with its model, prices and
//! retry behaviour, and the one call flow both wire formats share —
//! build the body, POST, retry what is worth retrying, read the answer
//! whole or as a stream, and count its tokens and cost.

use crate::config::ApiKey;
use crate::error::{ConfigError, LlmError, ProviderKind};
use crate::http::{ClientOptions, Transport};
use crate::message::{Block, Request};
use crate::price::PriceTable;
use crate::response::{Response, StopReason, StreamEvent, Usage};
use crate::retry::{Attempts, Backoff};
use crate::sse::{SseDecoder, SseEvent};
use crate::{anthropic, anthropic_stream, openai, openai_stream};
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::time::{Duration, Instant};

/// Where a provider is reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// `https://api.anthropic.com`, `https://api.openai.com/v1`,
    /// `http://localhost:11434/v1` (Ollama), …
    pub base_url: String,
    /// `None` for local servers that take no key.
    pub api_key: Option<ApiKey>,
}

/// An answer as read off the wire, before timing and cost.
pub(crate) struct Parsed {
    pub(crate) model: String,
    pub(crate) content: Vec<Block>,
    pub(crate) stop_reason: StopReason,
    pub(crate) usage: Usage,
}

/// Builds an answer from a provider's stream events.
pub(crate) trait StreamAssembler: Send {
    /// Takes one event, reporting what it adds; true once the stream's
    /// final event has arrived.
    fn feed(
        &mut self,
        event: SseEvent,
        emit: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<bool, LlmError>;

    /// The whole answer, once the final event has come.
    fn finish(self: Box<Self>) -> Result<Parsed, LlmError>;

    /// The event that ends a complete stream, for the cut-off error.
    fn final_event(&self) -> &'static str;
}

/// A model chief can call.
#[derive(Clone, Debug)]
pub struct Provider {
    model: String,
    endpoint: Endpoint,
    transport: Transport,
    backoff: Backoff,
    prices: PriceTable,
}

impl Provider {
    /// A client for `model` at `endpoint`, speaking `kind`'s API, with the
    /// built-in prices and real backoff.
    pub fn new(
        kind: ProviderKind,
        endpoint: Endpoint,
        model: impl Into<String>,
        options: ClientOptions,
    ) -> Result<Provider, ConfigError> {
        Ok(Provider {
            model: model.into(),
            endpoint,
            transport: Transport::new(kind, options)?,
            backoff: Backoff::default(),
            prices: PriceTable::default(),
        })
    }

    /// Prices calls with `prices` instead of the built-in table.
    pub fn with_prices(mut self, prices: PriceTable) -> Provider {
        self.prices = prices;
        self
    }

    /// Waits between attempts with `backoff` (tests inject one that does
    /// not sleep).
    pub fn with_backoff(mut self, backoff: Backoff) -> Provider {
        self.backoff = backoff;
        self
    }

    /// Which API it speaks.
    pub fn kind(&self) -> ProviderKind {
        self.transport.kind
    }

    /// The model used when a request names none.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Where it is reached.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Asks the model and waits for the whole answer.
    pub async fn complete(&self, req: &Request) -> Result<Response, LlmError> {
        self.call(req, None).await
    }

    /// Asks the model for a streamed answer, reporting text and tool calls
    /// to `on_event` as they arrive, and returns the whole answer. Failures
    /// before the first event are retried like [`Provider::complete`];
    /// after it, a retry would repeat what the caller has shown, so the
    /// error is returned (a dropped stream is [`LlmError::CutOff`]).
    pub async fn stream(
        &self,
        req: &Request,
        on_event: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<Response, LlmError> {
        self.call(req, Some(on_event)).await
    }

    async fn call(
        &self,
        req: &Request,
        mut on_event: Option<&mut (dyn FnMut(StreamEvent) + Send)>,
    ) -> Result<Response, LlmError> {
        let model = req.model.as_deref().unwrap_or(&self.model);
        let (url, headers, body) = self.wire(req, model, on_event.is_some());
        let mut attempts = Attempts::new(&self.transport.options.retry, &self.backoff);
        loop {
            attempts.start();
            let started = Instant::now();
            let mut emitted = false;
            let result = match on_event.as_deref_mut() {
                None => self.read_whole(&url, headers.clone(), &body).await,
                Some(report) => {
                    let mut emit = |e: StreamEvent| {
                        emitted = true;
                        report(e);
                    };
                    self.read_stream(&url, headers.clone(), &body, &mut emit)
                        .await
                }
            };
            match result {
                Ok(parsed) => {
                    return Ok(self.answer(parsed, model, started.elapsed(), attempts.made()));
                }
                Err(error) => attempts.after_failure(error, !emitted).await?,
            }
        }
    }

    /// The URL, headers and body of a call.
    fn wire(&self, req: &Request, model: &str, stream: bool) -> (String, HeaderMap, Value) {
        let base = &self.endpoint.base_url;
        let key = self.endpoint.api_key.as_ref();
        match self.kind() {
            ProviderKind::Anthropic => (
                anthropic::url(base),
                anthropic::headers(key),
                anthropic::request_body(req, model, stream),
            ),
            ProviderKind::OpenAi => {
                let official = base.trim_end_matches('/') == openai::OFFICIAL_BASE_URL;
                (
                    openai::url(base),
                    openai::headers(key),
                    openai::request_body(req, model, stream, official),
                )
            }
        }
    }

    async fn read_whole(
        &self,
        url: &str,
        headers: HeaderMap,
        body: &Value,
    ) -> Result<Parsed, LlmError> {
        let resp = self.transport.post(url, headers, body).await?;
        let bytes = self.transport.read_all(resp).await?;
        match self.kind() {
            ProviderKind::Anthropic => anthropic::parse_response(&bytes),
            ProviderKind::OpenAi => openai::parse_response(&bytes),
        }
    }

    async fn read_stream(
        &self,
        url: &str,
        headers: HeaderMap,
        body: &Value,
        emit: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<Parsed, LlmError> {
        let mut resp = self.transport.post(url, headers, body).await?;
        let mut assembler: Box<dyn StreamAssembler> = match self.kind() {
            ProviderKind::Anthropic => Box::<anthropic_stream::Assembler>::default(),
            ProviderKind::OpenAi => Box::<openai_stream::Assembler>::default(),
        };
        let mut decoder = SseDecoder::default();
        while let Some(chunk) = self.transport.next_chunk(&mut resp).await? {
            for event in decoder.push(&chunk) {
                if assembler.feed(event, emit)? {
                    return assembler.finish();
                }
            }
        }
        Err(LlmError::CutOff {
            provider: self.kind(),
            detail: format!("the stream ended before {}", assembler.final_event()),
        })
    }

    fn answer(&self, parsed: Parsed, asked: &str, latency: Duration, attempts: u32) -> Response {
        let model = if parsed.model.is_empty() {
            asked.to_string()
        } else {
            parsed.model
        };
        Response {
            cost_micro_usd: self.prices.cost(&model, &parsed.usage),
            model,
            content: parsed.content,
            stop_reason: parsed.stop_reason,
            usage: parsed.usage,
            latency,
            attempts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The agent loop and the chat endpoint run calls on spawned tasks,
    /// which needs their futures to be `Send`; this fails to compile if not.
    #[allow(dead_code)]
    fn calls_can_run_on_spawned_tasks(p: &Provider, r: &Request) {
        fn send<T: Send>(_: T) {}
        send(p.complete(r));
        send(p.stream(r, &mut |_| {}));
    }
}
