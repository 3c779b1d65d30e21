//! What a call cost: a price table per model family, in integer
//! micro-dollars so budgets add up exactly.
//!
//! The built-in prices are the providers' list prices per million tokens
//! as of late 2025. They are approximate — providers change them, and
//! batch or regional pricing differs — so the config file can override any
//! family or add new ones. A model is priced by the longest family name it
//! starts with (`claude-opus-4-5-20251101` is `claude-opus-4-5`, not
//! `claude-opus-4`); a model with no family (a local Ollama model) has no
//! price and its calls cost `None`.

use crate::response::Usage;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Micro-dollars per million tokens of each kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PriceUsd", into = "PriceUsd")]
pub struct Price {
    pub input: u64,
    pub output: u64,
    pub cache_write: u64,
    pub cache_read: u64,
}

/// A price as people write it: US dollars per million tokens.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceUsd {
    input: f64,
    output: f64,
    /// Defaults to the input price (OpenAI does not charge for writes).
    cache_write: Option<f64>,
    /// Defaults to the input price (no discount known).
    cache_read: Option<f64>,
}

impl TryFrom<PriceUsd> for Price {
    type Error = String;

    fn try_from(p: PriceUsd) -> Result<Price, String> {
        let micro = |usd: f64| {
            if (0.0..1e9).contains(&usd) {
                Ok((usd * 1e6).round() as u64)
            } else {
                Err(format!(
                    "{usd} is not a price in dollars per million tokens"
                ))
            }
        };
        Ok(Price {
            input: micro(p.input)?,
            output: micro(p.output)?,
            cache_write: micro(p.cache_write.unwrap_or(p.input))?,
            cache_read: micro(p.cache_read.unwrap_or(p.input))?,
        })
    }
}

impl From<Price> for PriceUsd {
    fn from(p: Price) -> PriceUsd {
        let usd = |micro: u64| micro as f64 / 1e6;
        PriceUsd {
            input: usd(p.input),
            output: usd(p.output),
            cache_write: Some(usd(p.cache_write)),
            cache_read: Some(usd(p.cache_read)),
        }
    }
}

impl Price {
    /// A price in thousandths of a dollar per million tokens, exact for
    /// every list price: `Price::thousandths(3_000, 15_000, 3_750, 300)` is
    /// $3 in, $15 out, $3.75 cache write, $0.30 cache read.
    pub const fn thousandths(input: u64, output: u64, cache_write: u64, cache_read: u64) -> Price {
        Price {
            input: input * 1_000,
            output: output * 1_000,
            cache_write: cache_write * 1_000,
            cache_read: cache_read * 1_000,
        }
    }

    /// What `usage` costs at this price, in micro-dollars, rounded to the
    /// nearest.
    pub fn cost(&self, usage: &Usage) -> u64 {
        let scaled = u128::from(usage.input_tokens) * u128::from(self.input)
            + u128::from(usage.output_tokens) * u128::from(self.output)
            + u128::from(usage.cache_creation_input_tokens) * u128::from(self.cache_write)
            + u128::from(usage.cache_read_input_tokens) * u128::from(self.cache_read);
        u64::try_from((scaled + 500_000) / 1_000_000).unwrap_or(u64::MAX)
    }
}

/// Prices by model family (a model-name prefix).
#[derive(Clone, Debug, PartialEq)]
pub struct PriceTable {
    families: BTreeMap<String, Price>,
}

/// The built-in families and their list prices (OpenAI bills cache writes
/// as plain input).
const BUILT_IN: &[(&str, Price)] = &[
    (
        "claude-opus-4-5",
        Price::thousandths(5_000, 25_000, 6_250, 500),
    ),
    (
        "claude-opus-4",
        Price::thousandths(15_000, 75_000, 18_750, 1_500),
    ),
    (
        "claude-sonnet-4",
        Price::thousandths(3_000, 15_000, 3_750, 300),
    ),
    (
        "claude-3-7-sonnet",
        Price::thousandths(3_000, 15_000, 3_750, 300),
    ),
    (
        "claude-3-5-sonnet",
        Price::thousandths(3_000, 15_000, 3_750, 300),
    ),
    (
        "claude-haiku-4-5",
        Price::thousandths(1_000, 5_000, 1_250, 100),
    ),
    (
        "claude-3-5-haiku",
        Price::thousandths(800, 4_000, 1_000, 80),
    ),
    ("gpt-5", Price::thousandths(1_250, 10_000, 1_250, 125)),
    ("gpt-5-mini", Price::thousandths(250, 2_000, 250, 25)),
    ("gpt-4.1", Price::thousandths(2_000, 8_000, 2_000, 500)),
    ("gpt-4.1-mini", Price::thousandths(400, 1_600, 400, 100)),
    ("gpt-4o", Price::thousandths(2_500, 10_000, 2_500, 1_250)),
    ("gpt-4o-mini", Price::thousandths(150, 600, 150, 75)),
    ("o4-mini", Price::thousandths(1_100, 4_400, 1_100, 275)),
];

impl Default for PriceTable {
    fn default() -> PriceTable {
        PriceTable {
            families: BUILT_IN.iter().map(|(f, p)| (f.to_string(), *p)).collect(),
        }
    }
}

impl PriceTable {
    /// A table with no prices at all.
    pub fn empty() -> PriceTable {
        PriceTable {
            families: BTreeMap::new(),
        }
    }

    /// Sets (or replaces) a family's price.
    pub fn set(&mut self, family: impl Into<String>, price: Price) {
        self.families.insert(family.into(), price);
    }

    /// This table with `overrides` (family, price) laid over it.
    pub fn merged(mut self, overrides: impl IntoIterator<Item = (String, Price)>) -> PriceTable {
        self.families.extend(overrides);
        self
    }

    /// The price of `model`: its longest matching family. A router prefix
    /// (`openai/gpt-4o` from LiteLLM) is ignored.
    pub fn price(&self, model: &str) -> Option<Price> {
        let model = model.rsplit('/').next().unwrap_or(model);
        self.families
            .iter()
            .filter(|(family, _)| model.starts_with(family.as_str()))
            .max_by_key(|(family, _)| family.len())
            .map(|(_, p)| *p)
    }

    /// What `usage` on `model` cost, if the model has a price.
    pub fn cost(&self, model: &str, usage: &Usage) -> Option<u64> {
        self.price(model).map(|p| p.cost(usage))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_family_prices_a_model() {
        let t = PriceTable::default();
        assert_eq!(
            t.price("claude-opus-4-5-20251101").unwrap().input,
            5_000_000
        );
        assert_eq!(
            t.price("claude-opus-4-1-20250805").unwrap().input,
            15_000_000
        );
        assert_eq!(t.price("gpt-4o-mini-2024-07-18").unwrap().output, 600_000);
        assert_eq!(t.price("openai/gpt-4o").unwrap().input, 2_500_000);
        assert_eq!(t.price("llama3.1:8b"), None);
    }

    #[test]
    fn cost_rounds_to_the_nearest_micro_dollar() {
        let sonnet = PriceTable::default().price("claude-sonnet-4-5").unwrap();
        let usage = Usage {
            input_tokens: 1_000,
            output_tokens: 100,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 10_000,
        };
        // 1000 × $3/M + 100 × $15/M + 10 000 × $0.30/M = 3000 + 1500 + 3000 µ$.
        assert_eq!(sonnet.cost(&usage), 7_500);
        let one = Usage {
            cache_read_input_tokens: 1,
            ..Usage::default()
        };
        assert_eq!(sonnet.cost(&one), 0, "0.3 µ$ rounds down");
    }

    #[test]
    fn overrides_from_config_are_read_in_dollars() {
        let overrides: BTreeMap<String, Price> = serde_json::from_str(
            r#"{"llama3.1": {"input": 0.1, "output": 0.2}, "gpt-4o": {"input": 2, "output": 8, "cache_read": 0.5}}"#,
        )
        .unwrap();
        let t = PriceTable::default().merged(overrides);
        assert_eq!(
            t.price("llama3.1:8b"),
            Some(Price {
                input: 100_000,
                output: 200_000,
                cache_write: 100_000,
                cache_read: 100_000
            })
        );
        assert_eq!(t.price("gpt-4o").unwrap().cache_read, 500_000);
        assert!(serde_json::from_str::<Price>(r#"{"input": -1, "output": 1}"#).is_err());
    }
}
