//! Every text client against the simulator over real HTTP: success, rate limits, outages,
//! timeouts, malformed answers, policy refusals and bad keys; every answer streamed in its
//! provider's protocol (normal, cut off mid-stream, a bad event, paced).

use std::time::Duration;

use cyoa::domain::Provider;
use cyoa::server::providers::Endpoint;
use cyoa::server::providers::{ProviderClient, ProviderError, RetryPolicy, TextRequest};
use provider_sim::{self as sim, RunningSim, SimConfig};
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
    ProviderClient::new(
        reqwest::Client::new(),
        p,
        Endpoint::simulated(&sim.base_url(), p, key),
        policy(),
    )
}

pub(crate) async fn generate(client: &ProviderClient, user: &str) -> Result<String, ProviderError> {
    let schema = cyoa::server::story::scene_json::schema();
    client
        .generate_json(&TextRequest {
            model: model_of(client),
            system: "You write stories.",
            user,
            schema_name: "story_scene",
            schema: &schema,
        })
        .await
}

/// A text model the provider serves today (the built-in row of that provider).
pub(crate) fn model_of(client: &ProviderClient) -> &'static str {
    cyoa::domain::text_model::TEXT_MODELS
        .iter()
        .find(|m| m.provider == client.provider() && m.life.retires.is_none())
        .expect("a current text model")
        .api_model
}

pub(crate) async fn fault(sim: &RunningSim, p: Provider, kind: &str, count: u32, delay_ms: u64) {
    let fault = json!({"api": p.key(), "kind": kind, "count": count, "delay_ms": delay_ms});
    crate::helpers::queue_fault(&sim.base_url(), fault).await;
}

/// Calls to `p` other than its model listing (which the app makes at start).
pub(crate) async fn attempts(sim: &RunningSim, p: Provider) -> u64 {
    let counts = crate::helpers::request_counts(&sim.base_url()).await;
    let all = counts[p.key()].as_u64().unwrap_or(0);
    all - counts[format!("{}/models", p.key())].as_u64().unwrap_or(0)
}

/// Streams an answer and returns it with every "text so far" the observer saw.
async fn stream(
    client: &ProviderClient,
    user: &str,
) -> (Result<String, ProviderError>, Vec<String>) {
    let schema = cyoa::server::story::scene_json::schema();
    let seen = std::sync::Mutex::new(Vec::new());
    let result = client
        .stream_json(
            &TextRequest {
                model: model_of(client),
                system: "You write stories.",
                user,
                schema_name: "story_scene",
                schema: &schema,
            },
            &|text: &str| {
                if let Ok(mut seen) = seen.lock() {
                    seen.push(text.to_owned());
                }
            },
        )
        .await;
    (result, seen.into_inner().unwrap_or_default())
}

#[tokio::test]
async fn every_provider_streams_its_answer_piece_by_piece() {
    let sim = sim().await;
    for p in Provider::ALL {
        let (answer, seen) = stream(&client(&sim, p, KEY), USER).await;
        let answer = answer.unwrap_or_else(|e| panic!("{p:?}: {e}"));
        let scene: Value = serde_json::from_str(&answer).expect("JSON");
        assert!(scene["narrative"]
            .as_str()
            .is_some_and(|n| n.contains("brave snail")));
        // Growing text, each step a prefix of the next, ending with the answer; the title
        // and the narrative come before the choices (the schema's order).
        let lengths: std::collections::BTreeSet<usize> = seen.iter().map(String::len).collect();
        assert!(
            lengths.len() > 10,
            "{p:?}: {} distinct lengths",
            lengths.len()
        );
        assert!(seen.windows(2).all(|w| w[1].starts_with(&w[0])), "{p:?}");
        assert_eq!(seen.last(), Some(&answer));
        assert!(
            answer.find("\"narrative\"") < answer.find("\"choices\""),
            "{p:?}"
        );
    }
}

#[tokio::test]
async fn a_stream_cut_off_midway_is_asked_for_again_from_the_start() {
    let sim = sim().await;
    for p in Provider::ALL {
        fault(&sim, p, "cut_off", 1, 0).await;
        let (answer, seen) = stream(&client(&sim, p, KEY), USER).await;
        let answer = answer.unwrap_or_else(|e| panic!("{p:?}: {e}"));
        assert_eq!(attempts(&sim, p).await, 2, "{p:?}");
        // The observer starts over: the second attempt's text begins from nothing.
        assert!(seen.iter().any(String::is_empty), "{p:?}");
        assert_eq!(seen.last(), Some(&answer));
    }
}

#[tokio::test]
async fn a_stream_with_a_broken_event_is_a_bad_answer_not_retried() {
    let sim = sim().await;
    for p in Provider::ALL {
        fault(&sim, p, "bad_chunk", 1, 0).await;
        let (answer, _) = stream(&client(&sim, p, KEY), USER).await;
        let err = answer.expect_err("broken");
        assert!(
            matches!(err, ProviderError::BadResponse { .. }),
            "{p:?}: {err}"
        );
        assert_eq!(attempts(&sim, p).await, 1, "{p:?}");
    }
}

#[tokio::test]
async fn a_rate_limit_before_the_stream_is_retried_then_streams() {
    let sim = sim().await;
    for p in Provider::ALL {
        fault(&sim, p, "rate_limit", 1, 0).await;
        let (answer, seen) = stream(&client(&sim, p, KEY), USER).await;
        assert!(answer.is_ok(), "{p:?}: {answer:?}");
        assert_eq!(attempts(&sim, p).await, 2, "{p:?}");
        assert!(seen.len() > 10, "{p:?}");
    }
}

#[tokio::test]
async fn a_paced_stream_shows_its_first_words_long_before_its_end() {
    let sim = sim::spawn(SimConfig {
        api_key: Some(KEY.into()),
        text_pace: Some(sim::TextPace {
            first_token: Duration::from_millis(100),
            tokens_per_second: 400.0,
        }),
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts");
    let started = std::time::Instant::now();
    let first = std::sync::Mutex::new(None);
    let schema = cyoa::server::story::scene_json::schema();
    let mut slow = policy();
    slow.request_timeout = Duration::from_secs(10);
    let client = ProviderClient::new(
        reqwest::Client::new(),
        Provider::Anthropic,
        Endpoint::simulated(&sim.base_url(), Provider::Anthropic, KEY),
        slow,
    );
    client
        .stream_json(
            &TextRequest {
                model: model_of(&client),
                system: "You write stories.",
                user: USER,
                schema_name: "story_scene",
                schema: &schema,
            },
            &|text: &str| {
                if let Ok(mut first) = first.lock() {
                    if first.is_none() && !text.is_empty() {
                        *first = Some(started.elapsed());
                    }
                }
            },
        )
        .await
        .expect("answer");
    let whole = started.elapsed();
    let first = first.into_inner().ok().flatten().expect("first words");
    assert!(first >= Duration::from_millis(100), "{first:?}");
    assert!(
        whole > first + Duration::from_millis(100),
        "{first:?} of {whole:?}"
    );
}

#[tokio::test]
async fn a_stream_keeps_its_pace_within_two_percent() {
    let pace = sim::TextPace {
        first_token: Duration::from_millis(100),
        tokens_per_second: 250.0,
    };
    let sim = sim::spawn(SimConfig {
        api_key: Some(KEY.into()),
        text_pace: Some(pace),
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts");
    let mut slow = policy();
    slow.request_timeout = Duration::from_secs(20);
    for p in Provider::ALL {
        let client = ProviderClient::new(
            reqwest::Client::new(),
            p,
            Endpoint::simulated(&sim.base_url(), p, KEY),
            slow.clone(),
        );
        let started = std::time::Instant::now();
        let (answer, _) = stream(&client, USER).await;
        let took = started.elapsed();
        let answer = answer.unwrap_or_else(|e| panic!("{p:?}: {e}"));
        let due = pace.whole(&answer);
        let drift = took.as_secs_f64() / due.as_secs_f64() - 1.0;
        assert!(
            drift.abs() <= 0.02,
            "{p:?}: {took:?} for a pace of {due:?} ({:+.1} %)",
            drift * 100.0
        );
    }
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
        .json(&json!({"model": "claude-sonnet-5-5", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}))
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

#[tokio::test]
async fn a_refusal_stop_reason_is_a_final_refusal_in_every_protocol() {
    let sim = sim().await;
    for p in Provider::ALL {
        fault(&sim, p, "stop_refusal", 1, 0).await;
        let before = attempts(&sim, p).await;
        let (answer, _) = stream(&client(&sim, p, KEY), USER).await;
        let err = answer.expect_err("refused");
        assert!(
            matches!(err, ProviderError::Rejected { .. }),
            "{p:?}: {err:?}"
        );
        assert_eq!(attempts(&sim, p).await - before, 1, "{p:?}: never retried");
        assert!(err.user_message().contains("refused"), "{p:?}: {err}");
    }
}

#[tokio::test]
async fn an_answer_stopped_at_its_length_limit_is_cut_short_not_asked_again() {
    let sim = sim().await;
    for p in Provider::ALL {
        fault(&sim, p, "max_tokens", 1, 0).await;
        let before = attempts(&sim, p).await;
        let (answer, _) = stream(&client(&sim, p, KEY), USER).await;
        let err = answer.expect_err("cut short");
        assert!(
            matches!(err, ProviderError::CutShort { .. }),
            "{p:?}: {err:?}"
        );
        assert_eq!(
            attempts(&sim, p).await - before,
            1,
            "{p:?}: not paid for again"
        );
    }
}

#[tokio::test]
async fn a_chunk_with_error_null_is_not_an_error() {
    let sim = sim().await;
    for p in [Provider::OpenAi, Provider::Xai] {
        fault(&sim, p, "null_error", 1, 0).await;
        let (answer, _) = stream(&client(&sim, p, KEY), USER).await;
        answer.unwrap_or_else(|e| panic!("{p:?}: {e}"));
    }
}

#[tokio::test]
async fn retry_after_as_an_http_date_and_the_providers_should_retry_are_honoured() {
    let sim = sim().await;
    let p = Provider::OpenAi;
    fault(&sim, p, "rate_limit_date", 1, 0).await;
    let started = std::time::Instant::now();
    generate(&client(&sim, p, KEY), USER)
        .await
        .expect("the second attempt");
    // The date is two whole seconds ahead (HTTP dates have no fractions): at least one
    // second was waited, not the policy's few milliseconds.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    let before = attempts(&sim, p).await;
    fault(&sim, p, "no_retry", 1, 0).await;
    let err = generate(&client(&sim, p, KEY), USER)
        .await
        .expect_err("final");
    assert!(matches!(err, ProviderError::NoRetry { .. }), "{err:?}");
    assert_eq!(attempts(&sim, p).await - before, 1);
    let before = attempts(&sim, p).await;
    fault(&sim, p, "retry_anyway", 1, 0).await;
    generate(&client(&sim, p, KEY), USER)
        .await
        .expect("tried again as the provider said");
    assert_eq!(attempts(&sim, p).await - before, 2);
}
