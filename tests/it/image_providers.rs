//! Every image model against the simulator over real HTTP: success, rate limit, outage,
//! policy refusal, and Grok Imagine's temporary URLs.

use std::time::Duration;

use cyoa::domain::aspect::AspectRatio;
use cyoa::domain::{ImageModelSpec, Provider};
use cyoa::server::providers::Endpoint;
use cyoa::server::providers::{ProviderClient, ProviderError, RetryPolicy};
use provider_sim::{self as sim, RunningSim, SimConfig};
use serde_json::{json, Value};

pub(crate) const KEY: &str = "k";

pub(crate) fn policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        request_timeout: Duration::from_secs(5),
    }
}

pub(crate) async fn sim() -> RunningSim {
    sim::spawn(SimConfig::default())
        .await
        .expect("simulator starts")
}

pub(crate) async fn generate(
    sim: &RunningSim,
    model: &ImageModelSpec,
    prompt: &str,
) -> Result<Vec<u8>, ProviderError> {
    let p = model.provider;
    let client = ProviderClient::new(
        reqwest::Client::new(),
        p,
        Endpoint::simulated(&sim.base_url(), p, KEY),
        policy(),
    );
    client
        .generate_image(model, prompt, AspectRatio::Square, &[])
        .await
        .map(|i| i.bytes)
}

pub(crate) async fn fault(sim: &RunningSim, p: Provider, kind: &str, count: u32) {
    crate::helpers::queue_fault(
        &sim.base_url(),
        json!({"api": p.key(), "kind": kind, "count": count}),
    )
    .await;
}

/// Image requests of a provider: its images endpoint, or Gemini's generateContent.
pub(crate) async fn attempts(sim: &RunningSim, p: Provider) -> u64 {
    let counts = crate::helpers::request_counts(&sim.base_url()).await;
    counts[format!("{}/images/generations", p.key())]
        .as_u64()
        .or(counts[format!("{}/generateContent", p.key())].as_u64())
        .unwrap_or(0)
}

#[tokio::test]
async fn every_image_model_returns_a_picture_that_differs_by_prompt() {
    let sim = sim().await;
    for model in crate::helpers::current_image_models() {
        let a = generate(&sim, model, "a fox in the snow")
            .await
            .expect("image");
        let b = generate(&sim, model, "a bear by the sea")
            .await
            .expect("image");
        // OpenAI is asked for a compact JPEG (`output_format`); the others send PNG.
        if model.provider == Provider::OpenAi {
            assert!(a.starts_with(&[0xFF, 0xD8, 0xFF]), "{}", model.key);
        } else {
            assert!(a.starts_with(b"\x89PNG\r\n\x1a\n"), "{}", model.key);
        }
        assert_ne!(a, b, "{}", model.key);
    }
}

#[tokio::test]
async fn a_rate_limit_is_retried_then_the_image_arrives() {
    for model in crate::helpers::current_image_models() {
        let sim = sim().await;
        fault(&sim, model.provider, "rate_limit", 1).await;
        generate(&sim, model, "a fox")
            .await
            .expect("second attempt");
        assert_eq!(attempts(&sim, model.provider).await, 2, "{}", model.key);
    }
}

#[tokio::test]
async fn an_outage_fails_after_the_attempts_run_out() {
    for model in crate::helpers::current_image_models() {
        let sim = sim().await;
        fault(&sim, model.provider, "server_error", 10).await;
        let err = generate(&sim, model, "a fox").await.expect_err("outage");
        assert!(
            matches!(err, ProviderError::Unavailable { .. }),
            "{}: {err}",
            model.key
        );
        assert_eq!(attempts(&sim, model.provider).await, 3, "{}", model.key);
    }
}

#[tokio::test]
async fn a_content_policy_refusal_fails_at_once_with_a_reason() {
    for model in crate::helpers::current_image_models() {
        let sim = sim().await;
        let err = generate(&sim, model, "a fox [sim:policy]")
            .await
            .expect_err("refused");
        assert!(
            matches!(err, ProviderError::Rejected { .. }),
            "{}: {err}",
            model.key
        );
        assert_eq!(attempts(&sim, model.provider).await, 1, "{}", model.key);
        assert!(
            err.user_message().contains("refused"),
            "{}",
            err.user_message()
        );
    }
}

#[tokio::test]
async fn grok_imagine_downloads_the_temporary_url_before_it_expires() {
    let sim = sim().await;
    let grok = crate::helpers::image_model("grok-imagine");
    // One expired URL: the download fails and a new generation brings a fresh URL.
    fault(&sim, Provider::Xai, "expired_url", 1).await;
    generate(&sim, grok, "a fox").await.expect("retried");
    assert_eq!(attempts(&sim, Provider::Xai).await, 2);
    // URLs that are always expired end in a clear failure.
    fault(&sim, Provider::Xai, "expired_url", 3).await;
    let err = generate(&sim, grok, "a fox").await.expect_err("expired");
    assert!(err.to_string().contains("expired"), "{err}");
}

#[tokio::test]
async fn a_late_download_of_an_xai_url_fails() {
    let sim = sim::spawn(SimConfig {
        url_ttl: Some(Duration::from_millis(50)),
        ..SimConfig::default()
    })
    .await
    .expect("sim");
    let answer: Value = reqwest::Client::new()
        .post(format!("{}/xai/v1/images/generations", sim.base_url()))
        .bearer_auth(KEY)
        .json(&json!({"model": "grok-imagine-image-2.0", "prompt": "a fox", "response_format": "url"}))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let url = answer["data"][0]["url"].as_str().expect("url").to_owned();
    assert_eq!(reqwest::get(&url).await.expect("get").status(), 200);
    tokio::time::sleep(Duration::from_millis(80)).await;
    assert_eq!(reqwest::get(&url).await.expect("get").status(), 404);
}

#[tokio::test]
async fn gpt_image_requests_are_checked_like_the_real_api() {
    let sim = sim().await;
    let http = reqwest::Client::new();
    let url = format!("{}/openai/v1/images/generations", sim.base_url());
    for body in [
        json!({"model": "gpt-image-2.6-flare", "prompt": "x", "response_format": "url"}),
        json!({"model": "gpt-image-2.6-flare", "prompt": "x", "size": "10x10"}),
        json!({"model": "gpt-image-2.6-flare", "prompt": ""}),
        json!({"model": "gpt-image-2.6-flare", "prompt": "x", "output_format": "gif"}),
        json!({"model": "gpt-image-2.6-flare", "prompt": "x", "output_compression": 80}),
        json!({"model": "gpt-image-2.6-flare", "prompt": "x", "output_format": "jpeg", "output_compression": 101}),
    ] {
        let res = http
            .post(&url)
            .bearer_auth(KEY)
            .json(&body)
            .send()
            .await
            .expect("send");
        assert_eq!(res.status(), 400, "{body}");
    }
    // A retired or unknown model is a 404 in OpenAI's words.
    for model in ["gpt-image-1", "dall-e-9"] {
        let res = http
            .post(&url)
            .bearer_auth(KEY)
            .json(&json!({"model": model, "prompt": "x"}))
            .send()
            .await
            .expect("send");
        assert_eq!(res.status(), 404, "{model}");
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["error"]["code"], "model_not_found", "{body}");
    }
    let res = http
        .post(&url)
        .json(&json!({"model": "gpt-image-2.6-flare", "prompt": "x"}))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn a_cut_off_picture_is_asked_for_once_more_and_no_more() {
    let sim = sim().await;
    let spec = crate::helpers::image_model("gpt-image");
    fault(&sim, spec.provider, "malformed", 1).await;
    generate(&sim, spec, "a cut-off kite")
        .await
        .expect("the second answer is whole");
    assert_eq!(attempts(&sim, spec.provider).await, 2);
    fault(&sim, spec.provider, "malformed", 2).await;
    let result = generate(&sim, spec, "a kite cut off twice").await;
    assert!(
        matches!(result, Err(ProviderError::BadResponse { .. })),
        "{result:?}"
    );
    assert_eq!(
        attempts(&sim, spec.provider).await,
        4,
        "one more ask, not a loop"
    );
}

#[tokio::test]
async fn gemini_words_without_a_picture_are_asked_once_more() {
    let sim = sim().await;
    let spec = crate::helpers::image_model("gemini");
    fault(&sim, spec.provider, "malformed", 1).await;
    let png = generate(&sim, spec, "a lantern")
        .await
        .expect("the second answer has the picture");
    assert!(png.starts_with(b"\x89PNG"));
    assert_eq!(attempts(&sim, spec.provider).await, 2);
}

/// While a picture's provider call is retried, its status says so ("Trying again — 2 of
/// 3") instead of the same words all along; the note is gone once it is finished.
#[tokio::test]
async fn a_retried_picture_says_which_attempt_is_running() {
    use serde_json::json;
    let app = crate::helpers::TestApp::spawn().await;
    let sim = app.url("/sim");
    let kids = crate::helpers::tier("kids");
    // The first attempt fails; the second one takes a while.
    crate::helpers::queue_fault(
        &sim,
        json!({"api": "openai", "kind": "server_error", "count": 1}),
    )
    .await;
    crate::helpers::queue_fault(
        &sim,
        json!({"api": "openai", "kind": "slow", "count": 1, "delay_ms": 1500}),
    )
    .await;
    let mut input = crate::helpers::start_input("a kite over the sea");
    input.image_model = Some("gpt-image-quick".into());
    let (story, scene) = cyoa::server::story::start(&app.state, kids, input)
        .await
        .expect("start");
    let mut seen = None;
    for _ in 0..100 {
        let view = cyoa::server::media::status(
            &app.state,
            kids,
            &story,
            &scene,
            cyoa::domain::media::MediaKind::Image,
        )
        .await
        .expect("status")
        .expect("view");
        if view.progress.is_some() {
            seen = view.progress;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(seen.as_deref(), Some("Trying again — 2 of 3"));
    let done = crate::helpers::final_image(&app.state, kids, &story, &scene).await;
    assert_eq!(done.status, cyoa::domain::media::MediaStatus::Complete);
    assert_eq!(done.progress, None);
}

#[tokio::test]
async fn geminis_picture_finish_reasons_are_final_not_asked_again() {
    let sim = sim().await;
    let spec = crate::helpers::image_model("gemini");
    for (kind, reason) in [
        ("image_prohibited", "IMAGE_PROHIBITED_CONTENT"),
        ("no_image", "NO_IMAGE"),
    ] {
        fault(&sim, spec.provider, kind, 1).await;
        let before = attempts(&sim, spec.provider).await;
        let err = generate(&sim, spec, "a lantern").await.expect_err(kind);
        assert!(
            matches!(err, ProviderError::Rejected { .. }),
            "{kind}: {err:?}"
        );
        assert!(err.to_string().contains(reason), "{err}");
        assert_eq!(attempts(&sim, spec.provider).await - before, 1, "{kind}");
    }
}
