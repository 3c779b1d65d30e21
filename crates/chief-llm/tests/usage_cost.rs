//! Every answer counts its tokens as the provider reported them, split by
//! how they are billed, and prices them: cache reads cost a tenth of input.

mod common;

use chief_llm::testing::{FakeModel, Reply, Turn};
use chief_llm::{Price, PriceTable, ProviderKind, Usage};
use common::request;

fn cached_call() -> Usage {
    Usage {
        input_tokens: 300,
        output_tokens: 150,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 9_000,
    }
}

#[tokio::test]
async fn anthropic_usage_includes_cache_tokens_and_cache_reads_are_priced_lower() {
    let fake = FakeModel::start(ProviderKind::Anthropic).await;
    let first = Usage {
        input_tokens: 300,
        output_tokens: 150,
        cache_creation_input_tokens: 9_000,
        cache_read_input_tokens: 0,
    };
    fake.script([
        Reply::Answer(Turn::text("first").with_usage(first)),
        Reply::Answer(Turn::text("second").with_usage(cached_call())),
        Reply::Answer(Turn::text("streamed").with_usage(cached_call())),
    ]);
    let (provider, _) = fake.provider("claude-sonnet-4-5");
    let writes = provider.complete(&request("hi")).await.unwrap();
    let reads = provider.complete(&request("hi")).await.unwrap();
    let streamed = provider.stream(&request("hi"), &mut |_| {}).await.unwrap();

    assert_eq!(writes.usage, first);
    assert_eq!(reads.usage, cached_call());
    assert_eq!(streamed.usage, cached_call(), "a stream counts the same");
    assert_eq!(reads.usage.total_input(), 9_300);
    // $3/M input, $15/M output, $3.75/M cache write, $0.30/M cache read.
    assert_eq!(
        writes.cost_micro_usd,
        Some(300 * 3 + 150 * 15 + 9_000 * 15 / 4)
    );
    assert_eq!(
        reads.cost_micro_usd,
        Some(300 * 3 + 150 * 15 + 9_000 * 3 / 10)
    );
    assert_eq!(streamed.cost_micro_usd, reads.cost_micro_usd);
    let uncached = PriceTable::default().cost(
        "claude-sonnet-4-5",
        &Usage {
            input_tokens: 9_300,
            output_tokens: 150,
            ..Usage::default()
        },
    );
    assert!(
        reads.cost_micro_usd.unwrap() * 5 < uncached.unwrap(),
        "the cache pays"
    );
    assert!(writes.latency > std::time::Duration::ZERO);
}

#[tokio::test]
async fn openai_cached_prompt_tokens_are_split_out_of_the_prompt() {
    let fake = FakeModel::start(ProviderKind::OpenAi).await;
    fake.script([
        Reply::Answer(Turn::text("whole").with_usage(cached_call())),
        Reply::Answer(Turn::text("streamed").with_usage(cached_call())),
    ]);
    let (provider, _) = fake.provider("gpt-4o-mini");
    let whole = provider.complete(&request("hi")).await.unwrap();
    let streamed = provider.stream(&request("hi"), &mut |_| {}).await.unwrap();
    // The fake reports prompt_tokens 9300 with cached_tokens 9000.
    let body = &fake.received()[1].body;
    assert_eq!(body["stream_options"]["include_usage"], true);
    assert_eq!(whole.usage, cached_call());
    assert_eq!(
        streamed.usage,
        cached_call(),
        "the final usage chunk is read"
    );
    // $0.15/M input, $0.60/M output, $0.075/M cached: 45 + 90 + 675 µ$.
    assert_eq!(whole.cost_micro_usd, Some(810));
}

#[tokio::test]
async fn a_model_without_a_price_has_no_cost_until_the_config_gives_one() {
    let fake = FakeModel::start(ProviderKind::OpenAi).await;
    fake.script([
        Reply::Answer(Turn::text("local").with_usage(cached_call())),
        Reply::Answer(Turn::text("local").with_usage(cached_call())),
    ]);
    let (provider, _) = fake.provider("llama3.1:8b");
    let answer = provider.complete(&request("hi")).await.unwrap();
    assert_eq!(answer.model, "llama3.1:8b");
    assert_eq!(answer.cost_micro_usd, None, "unknown, not free");
    let priced = provider.with_prices(
        PriceTable::empty().merged([("llama3.1".to_string(), Price::thousandths(0, 0, 0, 0))]),
    );
    let answer = priced.complete(&request("hi")).await.unwrap();
    assert_eq!(answer.cost_micro_usd, Some(0));
}
