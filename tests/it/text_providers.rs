//! Every text client against the simulator over real HTTP: success, rate limits, outages,
//! timeouts, malformed answers, policy refusals and bad keys.

use std::time::Duration;

use cyoa::domain::Provider;
use cyoa::server::providers::{ProviderClient, ProviderError, RetryPolicy, TextRequest};
use cyoa::server::sim::{self, RunningSim, SimConfig};
use serde_json::{json, Value};

pub(crate) const KEY: &str = "right-key";
const USER: &str = "Story idea: a brave snail\nScene 1 of about 3.\n";

pub(crate) fn policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        request_timeout: Duration::from_millis(500),
    }
}

pub(crate) async fn sim() -> RunningSim {
    sim::spawn(SimConfig {
        api_key: Some(KEY.into()),
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts")
}

pub(crate) fn client(sim: &RunningSim, p: Provider, key: &str) -> ProviderClient {
    ProviderClient::new(reqwest::Client::new(), p, sim.endpoint(p, key), policy())
}

pub(crate) async fn generate(client: &ProviderClient, user: &str) -> Result<String, ProviderError> {
    let schema = cyoa::server::story::scene_json::schema();
    client
        .generate_json(&TextRequest {
            model: "sim-model",
            system: "You write stories.",
            user,
            schema_name: "story_scene",
            schema: &schema,
        })
        .await
}

pub(crate) async fn fault(sim: &RunningSim, p: Provider, kind: &str, count: u32, delay_ms: u64) {
    let fault = json!({"api": p.key(), "kind": kind, "count": count, "delay_ms": delay_ms});
    crate::helpers::queue_fault(&sim.base_url(), fault).await;
}

pub(crate) async fn attempts(sim: &RunningSim, p: Provider) -> u64 {
    crate::helpers::request_counts(&sim.base_url()).await[p.key()]
        .as_u64()
        .unwrap_or(0)
}

#[tokio::test]
async fn every_provider_returns_a_scene_that_follows_the_idea() {
    let sim = sim().await;
    for p in Provider::ALL {
        let text = generate(&client(&sim, p, KEY), USER).await.expect("scene");
        let scene: Value = serde_json::from_str(&text).expect("scene JSON");
        assert!(
            scene["narrative"]
                .as_str()
                .is_some_and(|n| n.contains("brave snail")),
            "{p:?}: {text}"
        );
        assert_eq!(attempts(&sim, p).await, 1, "{p:?}");
    }
}

#[tokio::test]
async fn a_rate_limit_is_retried_after_its_retry_after_then_succeeds() {
    let sim = sim().await;
    for p in Provider::ALL {
        fault(&sim, p, "rate_limit", 1, 0).await;
        generate(&client(&sim, p, KEY), USER)
            .await
            .expect("second attempt succeeds");
        assert_eq!(attempts(&sim, p).await, 2, "{p:?}");
    }
}

#[tokio::test]
async fn an_outage_is_retried_until_attempts_run_out() {
    let sim = sim().await;
    for p in Provider::ALL {
        fault(&sim, p, "server_error", 5, 0).await;
        let err = generate(&client(&sim, p, KEY), USER)
            .await
            .expect_err("outage");
        assert!(
            matches!(err, ProviderError::Unavailable { status: 500, .. }),
            "{p:?}: {err}"
        );
        assert_eq!(attempts(&sim, p).await, 3, "{p:?}");
    }
}

#[tokio::test]
async fn overload_is_retried_then_succeeds() {
    let sim = sim().await;
    for p in Provider::ALL {
        fault(&sim, p, "overloaded", 2, 0).await;
        generate(&client(&sim, p, KEY), USER)
            .await
            .expect("third attempt succeeds");
        assert_eq!(attempts(&sim, p).await, 3, "{p:?}");
    }
}

#[tokio::test]
async fn a_slow_answer_times_out_and_is_retried() {
    let sim = sim().await;
    for p in Provider::ALL {
        fault(&sim, p, "slow", 1, 2_000).await;
        generate(&client(&sim, p, KEY), USER)
            .await
            .expect("retry after the timeout succeeds");
        assert_eq!(attempts(&sim, p).await, 2, "{p:?}");
        fault(&sim, p, "slow", 3, 2_000).await;
        let err = generate(&client(&sim, p, KEY), USER)
            .await
            .expect_err("always slow");
        assert!(matches!(err, ProviderError::Timeout { .. }), "{p:?}: {err}");
    }
}

#[tokio::test]
async fn a_malformed_answer_is_handed_to_the_caller_unretried() {
    let sim = sim().await;
    for p in Provider::ALL {
        fault(&sim, p, "malformed", 1, 0).await;
        let text = generate(&client(&sim, p, KEY), USER)
            .await
            .expect("an answer");
        assert!(serde_json::from_str::<Value>(&text).is_err(), "{p:?}");
        assert_eq!(attempts(&sim, p).await, 1, "{p:?}");
    }
}

#[tokio::test]
async fn a_content_policy_refusal_fails_at_once() {
    let sim = sim().await;
    for p in Provider::ALL {
        let err = generate(&client(&sim, p, KEY), &format!("{USER}[sim:policy]"))
            .await
            .expect_err("refused");
        assert!(
            matches!(err, ProviderError::Rejected { .. }),
            "{p:?}: {err}"
        );
        assert!(!err.is_retryable());
        assert_eq!(attempts(&sim, p).await, 1, "{p:?}");
    }
}

#[tokio::test]
async fn a_wrong_key_fails_at_once_without_showing_the_key() {
    let sim = sim().await;
    for p in Provider::ALL {
        let err = generate(&client(&sim, p, "wrong-key-123"), USER)
            .await
            .expect_err("refused");
        assert!(
            matches!(err, ProviderError::Unauthorized { .. }),
            "{p:?}: {err}"
        );
        assert_eq!(attempts(&sim, p).await, 1, "{p:?}");
        let message = err.user_message();
        assert!(message.contains(p.api_key_env()), "{message}");
        assert!(!message.contains("wrong-key-123"));
    }
}

#[tokio::test]
async fn requests_missing_required_fields_are_rejected_like_the_real_apis() {
    let sim = sim().await;
    let http = reqwest::Client::new();
    let openai = http
        .post(format!("{}/openai/v1/chat/completions", sim.base_url()))
        .bearer_auth(KEY)
        .json(&json!({"messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .expect("send");
    assert_eq!(openai.status(), 400);
    let body: Value = openai.json().await.expect("json");
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("model")));
    let anthropic = http
        .post(format!("{}/anthropic/v1/messages", sim.base_url()))
        .header("x-api-key", KEY)
        .json(&json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        anthropic.status(),
        400,
        "anthropic-version header is required"
    );
    let gemini = http
        .post(format!(
            "{}/gemini/v1beta/models/m:countTokens",
            sim.base_url()
        ))
        .header("x-goog-api-key", KEY)
        .json(&json!({}))
        .send()
        .await
        .expect("send");
    assert_eq!(gemini.status(), 404);
}
