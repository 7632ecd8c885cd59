//! What a family with a fresh key meets, as each provider says it: no billing, an
//! unverified organisation, a key without image quota, an API not enabled, a bad key. Each
//! is final (asked once, never retried), named for what it is, and quoted with the
//! provider's own words; Gemini's rate limit waits as long as its body says.

use cyoa::domain::media::MediaStatus;
use cyoa::domain::Provider;
use cyoa::server::providers::Endpoint;
use cyoa::server::providers::{AccountProblem, ProviderError};
use cyoa::server::story;

use crate::helpers::{final_image, tier, TestApp};
use crate::{image_providers, text_providers};

fn account_problem(result: Result<impl std::fmt::Debug, ProviderError>) -> AccountProblem {
    match result {
        Err(ProviderError::Account { problem, .. }) => problem,
        other => panic!("expected an account problem, got {other:?}"),
    }
}

#[tokio::test]
async fn account_states_of_text_models_are_final_and_named() {
    let sim = text_providers::sim().await;
    for (p, fault, want) in [
        (
            Provider::OpenAi,
            "insufficient_quota",
            AccountProblem::NoCredits,
        ),
        (
            Provider::Xai,
            "insufficient_quota",
            AccountProblem::NoCredits,
        ),
        (
            Provider::Anthropic,
            "insufficient_quota",
            AccountProblem::NoCredits,
        ),
        (
            Provider::Gemini,
            "insufficient_quota",
            AccountProblem::NoQuota,
        ),
        (
            Provider::Gemini,
            "api_not_enabled",
            AccountProblem::ApiNotEnabled,
        ),
    ] {
        let before = text_providers::attempts(&sim, p).await;
        text_providers::fault(&sim, p, fault, 3, 0).await;
        let client = text_providers::client(&sim, p, text_providers::KEY);
        let result = text_providers::generate(&client, "Story idea: a kite").await;
        let message = match &result {
            Err(e) => e.user_message(),
            Ok(_) => String::new(),
        };
        assert_eq!(account_problem(result), want, "{p:?} {fault}");
        assert_eq!(
            text_providers::attempts(&sim, p).await - before,
            1,
            "{p:?} {fault}: asked once, never retried"
        );
        assert!(
            message.contains("said: \""),
            "{p:?}: the provider is quoted: {message}"
        );
        assert!(!message.contains('{'), "{p:?}: no raw JSON: {message}");
        // Clear what is left of the queued faults for the next case.
        crate::helpers::clear_faults(&sim.base_url()).await;
    }
}

#[tokio::test]
async fn account_states_of_image_models_are_final_and_named() {
    let sim = image_providers::sim().await;
    let model = |key| crate::helpers::image_model(key);
    for (key, fault, want) in [
        ("gpt-image", "insufficient_quota", AccountProblem::NoCredits),
        (
            "gpt-image",
            "org_not_verified",
            AccountProblem::OrganizationNotVerified,
        ),
        (
            "grok-imagine",
            "insufficient_quota",
            AccountProblem::NoCredits,
        ),
        ("gemini", "no_image_quota", AccountProblem::NoQuota),
        ("gemini", "api_not_enabled", AccountProblem::ApiNotEnabled),
    ] {
        let spec = model(key);
        let before = image_providers::attempts(&sim, spec.provider).await;
        image_providers::fault(&sim, spec.provider, fault, 3).await;
        let result = image_providers::generate(&sim, spec, "a kite over the sea").await;
        assert_eq!(account_problem(result), want, "{key} {fault}");
        assert_eq!(
            image_providers::attempts(&sim, spec.provider).await - before,
            1,
            "{key} {fault}: asked once (a retry would not help and might cost)"
        );
        crate::helpers::clear_faults(&sim.base_url()).await;
    }
}

#[tokio::test]
async fn bad_keys_are_named_as_bad_keys_in_each_providers_shape() {
    let sim = text_providers::sim().await;
    for p in Provider::ALL {
        let client = text_providers::client(&sim, p, "wrong-key");
        let result = text_providers::generate(&client, "Story idea: a kite").await;
        assert!(
            matches!(result, Err(ProviderError::Unauthorized { .. })),
            "{p:?}: {result:?}"
        );
    }
}

#[tokio::test]
async fn geminis_rate_limit_waits_as_its_body_says_then_succeeds() {
    let sim = text_providers::sim().await;
    text_providers::fault(&sim, Provider::Gemini, "rate_limit", 1, 0).await;
    let client = text_providers::client(&sim, Provider::Gemini, text_providers::KEY);
    let started = std::time::Instant::now();
    text_providers::generate(&client, "Story idea: a kite")
        .await
        .expect("the second try works");
    // The policy's own backoff is milliseconds; the 0.2 s came from `RetryInfo`.
    assert!(started.elapsed() >= std::time::Duration::from_millis(200));
    assert_eq!(text_providers::attempts(&sim, Provider::Gemini).await, 2);
}

#[tokio::test]
async fn every_picture_account_state_fails_the_scene_picture_once_with_its_words() {
    let app = TestApp::spawn().await;
    let sim = app.url("/sim");
    let kids = tier("kids");
    for (model, api, kind, words, route) in [
        (
            "gpt-image-detailed",
            "openai",
            "org_not_verified",
            "organisation verified",
            "openai/images/generations",
        ),
        (
            "grok-imagine",
            "xai",
            "insufficient_quota",
            "no billing or credits",
            "xai/images/generations",
        ),
        (
            "gemini",
            "gemini",
            "no_image_quota",
            "no quota left",
            "gemini/generateContent",
        ),
        (
            "gemini",
            "gemini",
            "api_not_enabled",
            "Generative Language API",
            "gemini/generateContent",
        ),
    ] {
        crate::helpers::queue_fault(
            &sim,
            serde_json::json!({"api": api, "kind": kind, "count": 5}),
        )
        .await;
        let before = crate::helpers::request_counts(&sim).await[route]
            .as_u64()
            .unwrap_or(0);
        let mut input = crate::helpers::start_input("a picture for an account test");
        input.image_model = Some(model.into());
        // The story's text comes from another provider, so only the picture meets the fault.
        input.text_model = if api == "openai" {
            "claude-sonnet-5-5"
        } else {
            "gpt-6-luna"
        }
        .into();
        let (story_id, scene_id) = story::start(&app.state, kids, input)
            .await
            .expect("started");
        let view = final_image(&app.state, kids, &story_id, &scene_id).await;
        assert_eq!(view.status, MediaStatus::Failed, "{model} {kind}");
        let error = view.error.unwrap_or_default();
        assert!(error.contains(words), "{model} {kind}: {error}");
        let after = crate::helpers::request_counts(&sim).await[route]
            .as_u64()
            .unwrap_or(0);
        assert_eq!(after - before, 1, "{model} {kind}: asked once");
        crate::helpers::clear_faults(&sim).await;
    }
}

#[tokio::test]
async fn a_scene_picture_on_an_account_without_billing_says_so_and_is_not_retried() {
    let app = TestApp::spawn().await;
    let sim = app.url("/sim");
    crate::helpers::queue_fault(
        &sim,
        serde_json::json!({"api": "openai", "kind": "insufficient_quota", "count": 5}),
    )
    .await;
    let mut input = crate::helpers::start_input("a snail who wants to see the sea");
    input.image_model = Some("gpt-image".into());
    let kids = tier("kids");
    let (story_id, scene_id) = story::start(&app.state, kids, input)
        .await
        .expect("started");
    let view = final_image(&app.state, kids, &story_id, &scene_id).await;
    assert_eq!(view.status, MediaStatus::Failed);
    let error = view.error.unwrap_or_default();
    assert!(error.contains("no billing or credits"), "{error}");
    assert!(error.contains("You exceeded your current quota"), "{error}");
    let counts = crate::helpers::request_counts(&sim).await;
    assert_eq!(
        counts["openai/images/generations"], 1,
        "never retried: {counts}"
    );
    crate::helpers::clear_faults(&sim).await;
}

#[tokio::test]
async fn grok_imagine_edits_with_one_photo_leave_the_aspect_ratio_out() {
    let sim = image_providers::sim().await;
    let spec = crate::helpers::image_model("grok-imagine");
    let photo = cyoa::server::providers::ReferenceImage {
        bytes: imaging::Canvas::new(8, 8).to_png(),
        mime: "image/png",
        file_name: "photo.png".into(),
    };
    let client = cyoa::server::providers::ProviderClient::new(
        reqwest::Client::new(),
        spec.provider,
        Endpoint::simulated(&sim.base_url(), spec.provider, image_providers::KEY),
        image_providers::policy(),
    );
    client
        .generate_image(
            spec,
            "a kite",
            cyoa::domain::aspect::AspectRatio::Square,
            std::slice::from_ref(&photo),
        )
        .await
        .expect("picture");
    let log: Vec<serde_json::Value> =
        reqwest::get(format!("{}/__control/image_requests", sim.base_url()))
            .await
            .expect("log")
            .json()
            .await
            .expect("json");
    let sent = log.last().expect("the request");
    let fields = sent["fields"].to_string();
    assert!(fields.contains("image"), "{sent}");
    assert!(!fields.contains("aspect_ratio"), "{sent}");
}

#[tokio::test]
async fn the_key_check_says_what_each_key_can_do_without_buying_anything() {
    let sim = text_providers::sim().await;
    let app = TestApp::builder()
        .providers(&sim, text_providers::KEY, &Provider::ALL)
        .spawn()
        .await;
    let statuses = check(&app).await;
    assert_eq!(statuses.len(), 4);
    for s in &statuses {
        assert!(s.ok, "{s:?}");
        assert_eq!(s.key, "Key accepted.");
        // Every current model is usable; the retired ones say what replaced them.
        for m in &s.models {
            assert_eq!(m.usable, m.verdict.starts_with("usable"), "{m:?}");
            if !m.usable {
                assert!(m.verdict.contains("continue with"), "{m:?}");
            }
        }
        assert!(s.models.iter().any(|m| m.usable), "{s:?}");
    }
    let xai = statuses.iter().find(|s| s.provider == "xAI").expect("xAI");
    assert!(
        xai.models
            .iter()
            .any(|m| m.makes == "Clips" && m.name == "Grok Imagine" && m.usable),
        "{xai:?}"
    );
    // Only model listings were asked (at start and now): no picture, no clip, no text.
    let counts = crate::helpers::request_counts(&sim.base_url()).await;
    for p in Provider::ALL {
        assert_eq!(counts[format!("{}/models", p.key())], 2, "{counts}");
        assert_eq!(counts[p.key()], 2, "{p:?}: listings only: {counts}");
    }

    // A refused key and an account without billing, in plain words.
    text_providers::fault(&sim, Provider::OpenAi, "insufficient_quota", 1, 0).await;
    let wrong = TestApp::builder()
        .providers(&sim, "wrong-key", &[Provider::Xai])
        .spawn()
        .await;
    let xai = &check(&wrong).await[0];
    assert!(!xai.ok);
    assert!(
        xai.key.contains("Key refused: check XAI_API_KEY"),
        "{}",
        xai.key
    );
    let openai = check(&app)
        .await
        .into_iter()
        .find(|s| s.provider == "OpenAI")
        .expect("OpenAI");
    assert!(!openai.ok);
    assert!(
        openai.key.contains("no billing or credits"),
        "{}",
        openai.key
    );
}

async fn check(app: &TestApp) -> Vec<cyoa::domain::status::ProviderStatus> {
    cyoa::server::key_check::check_providers(&app.state.providers, app.state.models).await
}

async fn site_status(app: &TestApp) -> serde_json::Value {
    app.server_fn("status", &[])
        .await
        .json()
        .await
        .expect("status JSON")
}

#[tokio::test]
async fn the_status_page_shows_demo_mode_and_a_full_disk_in_plain_words() {
    let app = TestApp::spawn().await;
    let status = site_status(&app).await;
    assert_eq!(status["demo_mode"], true);
    assert_eq!(status["storage_ok"], true, "{status}");
    assert!(status["providers"][0]["key"]
        .as_str()
        .is_some_and(|k| k.starts_with("Simulated")));
    assert!(
        !status.to_string().contains("demo-mode-key"),
        "no key on the page"
    );

    app.state
        .faults
        .storage
        .fail_at(Some(cyoa::server::media_store::atomic::WriteStep::Write));
    let status = site_status(&app).await;
    app.state.faults.storage.fail_at(None);
    assert_eq!(status["storage_ok"], false);
    assert!(status["storage"]
        .as_str()
        .is_some_and(|s| s.starts_with("Storage is full")));
    let page = app.http.get(app.url("/status")).send().await.expect("page");
    assert_eq!(page.status(), 200);
}

#[tokio::test]
async fn check_keys_exits_with_failure_on_a_refused_key() {
    let sim = text_providers::sim().await;
    for (key, ok) in [(text_providers::KEY, true), ("wrong-key", false)] {
        let base_url = Endpoint::simulated(&sim.base_url(), Provider::Xai, key).base_url;
        // Blocking wait off the runtime: the simulator answers on it meanwhile.
        let out = tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_cyoa"))
                .arg("check-keys")
                .env_clear()
                .env("XAI_API_KEY", key)
                .env("XAI_BASE_URL", base_url)
                .env("RUST_LOG", "off")
                .output()
        })
        .await
        .expect("joined")
        .expect("cyoa check-keys runs");
        let printed = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.success(), ok, "{printed}");
        assert!(printed.starts_with("xAI: "), "{printed}");
        assert!(
            !printed.contains("wrong-key"),
            "the key is never printed: {printed}"
        );
    }
}
