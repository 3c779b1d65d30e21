//! Which model chief uses, from the environment or chief's config file.
//!
//! `CHIEF_MODEL` names the model, optionally with the provider in front:
//! - `claude-sonnet-4-5`, `gpt-4o-mini`: the provider is told by the name
//!   (`claude…` is Anthropic; `gpt-…`, `o1…`, `o3…`, `o4…` are OpenAI);
//! - `anthropic:NAME`, `openai:NAME`: said outright, for any other name;
//! - `ollama:llama3.1`: an OpenAI-compatible server, by default Ollama's
//!   `http://localhost:11434/v1`, with no key;
//! - any other name goes to `OPENAI_BASE_URL` when that is set (a LiteLLM or
//!   vLLM server).
//!
//! With no `CHIEF_MODEL`, a key picks a default (`claude-sonnet-4-5` for
//! `ANTHROPIC_API_KEY`, else `gpt-4o-mini` for `OPENAI_API_KEY`); with
//! neither, no model is configured, which is a normal state: chief works
//! without one.

use crate::error::{ConfigError, ProviderKind};
use crate::http::ClientOptions;
use crate::openai::OFFICIAL_BASE_URL;
use crate::price::{Price, PriceTable};
use crate::provider::{Endpoint, Provider};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// Anthropic's own API.
pub const ANTHROPIC_BASE_URL: &str = "https://api.anthropic.com";
/// Ollama's OpenAI-compatible endpoint on this machine.
pub const OLLAMA_BASE_URL: &str = "http://localhost:11434/v1";
/// The model a bare `ANTHROPIC_API_KEY` selects.
pub const DEFAULT_ANTHROPIC_MODEL: &str = "claude-sonnet-4-5";
/// The model a bare `OPENAI_API_KEY` selects.
pub const DEFAULT_OPENAI_MODEL: &str = "gpt-4o-mini";

/// An API key. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(key.into())
    }

    /// The key itself, for the request header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(redacted)")
    }
}

/// The model settings, as chief's config file holds them; environment
/// variables override them (see [`ModelConfig::with_env`]).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelConfig {
    /// `CHIEF_MODEL`.
    pub model: Option<String>,
    /// `ANTHROPIC_API_KEY`.
    pub anthropic_api_key: Option<ApiKey>,
    /// `ANTHROPIC_BASE_URL`; Anthropic's own API when unset.
    pub anthropic_base_url: Option<String>,
    /// `OPENAI_API_KEY`.
    pub openai_api_key: Option<ApiKey>,
    /// `OPENAI_BASE_URL`; OpenAI's own API when unset.
    pub openai_base_url: Option<String>,
    /// Seconds to establish a connection (10).
    pub connect_timeout_secs: Option<u64>,
    /// Seconds for a whole call, streams included (300).
    pub timeout_secs: Option<u64>,
    /// Attempts per call, retries included (4).
    pub max_attempts: Option<u32>,
    /// Prices per model family in dollars per million tokens, over the
    /// built-in table: `{"llama3.1": {"input": 0, "output": 0}}`.
    pub prices: BTreeMap<String, Price>,
}

/// The provider and model the configuration selects, before a client is
/// built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelChoice {
    pub kind: ProviderKind,
    pub model: String,
    pub endpoint: Endpoint,
}

impl ModelConfig {
    /// The settings from the process environment alone.
    pub fn from_env() -> ModelConfig {
        ModelConfig::default().with_env(|var| std::env::var(var).ok())
    }

    /// These settings with every variable `lookup` finds (and is not
    /// empty) laid over them.
    pub fn with_env(mut self, lookup: impl Fn(&str) -> Option<String>) -> ModelConfig {
        let get = |var: &str| {
            lookup(var)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let set = |to: &mut Option<String>, var: &str| {
            if let Some(v) = get(var) {
                *to = Some(v);
            }
        };
        set(&mut self.model, "CHIEF_MODEL");
        set(&mut self.anthropic_base_url, "ANTHROPIC_BASE_URL");
        set(&mut self.openai_base_url, "OPENAI_BASE_URL");
        if let Some(k) = get("ANTHROPIC_API_KEY") {
            self.anthropic_api_key = Some(ApiKey::new(k));
        }
        if let Some(k) = get("OPENAI_API_KEY") {
            self.openai_api_key = Some(ApiKey::new(k));
        }
        self
    }

    /// The timeouts and retries these settings ask for.
    pub fn options(&self) -> ClientOptions {
        let mut o = ClientOptions::default();
        if let Some(s) = self.connect_timeout_secs {
            o.connect_timeout = Duration::from_secs(s);
        }
        if let Some(s) = self.timeout_secs {
            o.timeout = Duration::from_secs(s);
        }
        if let Some(n) = self.max_attempts {
            o.retry.max_attempts = n.max(1);
        }
        o
    }

    /// Which provider and model to use; `None` when no model is
    /// configured.
    pub fn choice(&self) -> Result<Option<ModelChoice>, ConfigError> {
        let spec = match self
            .model
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            Some(spec) => spec.to_string(),
            None if self.anthropic_api_key.is_some() => {
                format!("anthropic:{DEFAULT_ANTHROPIC_MODEL}")
            }
            None if self.openai_api_key.is_some() => format!("openai:{DEFAULT_OPENAI_MODEL}"),
            None => return Ok(None),
        };
        let (kind, model, local) = match spec.split_once(':') {
            Some(("anthropic", m)) => (ProviderKind::Anthropic, m, false),
            Some(("openai", m)) => (ProviderKind::OpenAi, m, false),
            Some(("ollama", m)) => (ProviderKind::OpenAi, m, true),
            // Other colons belong to the name (`llama3.1:8b`).
            _ => (self.infer(&spec)?, spec.as_str(), false),
        };
        let (base_url, official, key) = match kind {
            ProviderKind::Anthropic => {
                let base = self
                    .anthropic_base_url
                    .as_deref()
                    .unwrap_or(ANTHROPIC_BASE_URL);
                (base, base == ANTHROPIC_BASE_URL, &self.anthropic_api_key)
            }
            ProviderKind::OpenAi => {
                let fallback = if local {
                    OLLAMA_BASE_URL
                } else {
                    OFFICIAL_BASE_URL
                };
                let base = self.openai_base_url.as_deref().unwrap_or(fallback);
                (base, base == OFFICIAL_BASE_URL, &self.openai_api_key)
            }
        };
        let base_url = base_url.trim_end_matches('/').to_string();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            let var = match kind {
                ProviderKind::Anthropic => "ANTHROPIC_BASE_URL",
                ProviderKind::OpenAi => "OPENAI_BASE_URL",
            };
            return Err(ConfigError::BadUrl {
                var,
                value: base_url,
            });
        }
        // A provider's own API needs a key; a local or proxy server may not.
        if official && key.is_none() {
            return Err(ConfigError::MissingKey {
                model: spec.clone(),
                var: kind.key_var(),
            });
        }
        Ok(Some(ModelChoice {
            kind,
            model: model.to_string(),
            endpoint: Endpoint {
                base_url,
                api_key: key.clone(),
            },
        }))
    }

    /// The configured model's client, or `None` when no model is
    /// configured.
    pub fn provider(&self) -> Result<Option<Provider>, ConfigError> {
        let Some(choice) = self.choice()? else {
            return Ok(None);
        };
        let prices = PriceTable::default().merged(self.prices.clone());
        let provider = Provider::new(choice.kind, choice.endpoint, choice.model, self.options())?;
        Ok(Some(provider.with_prices(prices)))
    }

    /// The provider a bare model name belongs to.
    fn infer(&self, model: &str) -> Result<ProviderKind, ConfigError> {
        let openai = ["gpt-", "o1", "o3", "o4", "chatgpt"];
        if model.starts_with("claude") {
            Ok(ProviderKind::Anthropic)
        } else if openai.iter().any(|p| model.starts_with(p)) || self.openai_base_url.is_some() {
            Ok(ProviderKind::OpenAi)
        } else {
            Err(ConfigError::UnknownProvider {
                model: model.to_string(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> ModelConfig {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ModelConfig::default()
            .with_env(move |var| vars.iter().find(|(k, _)| k == var).map(|(_, v)| v.clone()))
    }

    fn chosen(vars: &[(&str, &str)]) -> (ProviderKind, String, String) {
        let c = config(vars)
            .choice()
            .unwrap()
            .expect("a model is configured");
        (c.kind, c.model, c.endpoint.base_url)
    }

    #[test]
    fn no_model_and_no_key_is_no_provider() {
        assert!(config(&[]).provider().unwrap().is_none());
        assert!(config(&[("CHIEF_MODEL", " ")]).choice().unwrap().is_none());
    }

    #[test]
    fn chief_model_picks_the_provider_by_name_or_prefix() {
        use ProviderKind::*;
        let a = ("ANTHROPIC_API_KEY", "sk-ant");
        let o = ("OPENAI_API_KEY", "sk-oa");
        assert_eq!(
            chosen(&[a, ("CHIEF_MODEL", "claude-sonnet-4-5")]),
            (
                Anthropic,
                "claude-sonnet-4-5".into(),
                ANTHROPIC_BASE_URL.into()
            )
        );
        assert_eq!(
            chosen(&[o, ("CHIEF_MODEL", "gpt-4o-mini")]),
            (OpenAi, "gpt-4o-mini".into(), OFFICIAL_BASE_URL.into())
        );
        assert_eq!(
            chosen(&[("CHIEF_MODEL", "ollama:llama3.1:8b")]),
            (OpenAi, "llama3.1:8b".into(), OLLAMA_BASE_URL.into())
        );
        assert_eq!(
            chosen(&[
                ("CHIEF_MODEL", "qwen2.5"),
                ("OPENAI_BASE_URL", "http://vllm:8000/v1/")
            ]),
            (OpenAi, "qwen2.5".into(), "http://vllm:8000/v1".into())
        );
        assert_eq!(
            chosen(&[a, ("CHIEF_MODEL", "anthropic:my-finetune")]).0,
            Anthropic
        );
        assert_eq!(
            chosen(&[a, o]).1,
            DEFAULT_ANTHROPIC_MODEL,
            "a bare key picks a default"
        );
        assert_eq!(chosen(&[o]).1, DEFAULT_OPENAI_MODEL);
    }

    #[test]
    fn a_model_without_what_it_needs_says_what_to_set() {
        let e = config(&[("CHIEF_MODEL", "claude-sonnet-4-5")])
            .choice()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "CHIEF_MODEL=claude-sonnet-4-5 needs ANTHROPIC_API_KEY; set it (or choose another model)"
        );
        let e = config(&[("CHIEF_MODEL", "mistral")]).choice().unwrap_err();
        assert!(
            e.to_string()
                .contains("write anthropic:mistral or openai:mistral"),
            "{e}"
        );
        let e = config(&[
            ("CHIEF_MODEL", "qwen"),
            ("OPENAI_BASE_URL", "localhost:8000"),
        ])
        .choice()
        .unwrap_err();
        assert!(matches!(
            e,
            ConfigError::BadUrl {
                var: "OPENAI_BASE_URL",
                ..
            }
        ));
    }

    #[test]
    fn the_environment_overrides_the_config_file_and_debug_hides_keys() {
        let file: ModelConfig = serde_json::from_str(
            r#"{"model": "gpt-4o", "openai_api_key": "sk-from-file-123", "max_attempts": 2,
                "prices": {"gpt-4o": {"input": 1, "output": 2}}}"#,
        )
        .unwrap();
        let merged = file
            .clone()
            .with_env(|v| (v == "CHIEF_MODEL").then(|| "gpt-4.1".to_string()));
        assert_eq!(merged.model.as_deref(), Some("gpt-4.1"));
        assert_eq!(merged.options().retry.max_attempts, 2);
        let provider = merged.provider().unwrap().unwrap();
        let shown = format!("{file:?} {provider:?}");
        assert!(!shown.contains("sk-from-file"), "{shown}");
        assert!(shown.contains("ApiKey(redacted)"));
    }
}
