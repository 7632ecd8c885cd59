//! Read aloud over HTTP against the simulator: a scene's words come back as WAV audio that
//! streams while it is made, are stored once per scene and voice and replayed without
//! another model call (also for two listeners at once), go through OpenAI or Gemini by the
//! keys configured, count against the spending limit, and every refusal is a 4xx/5xx in
//! words that loses nothing: an unknown voice, another tier's scene, a failing model (its
//! claim given back), no narration model at all, a claim left by a dead instance.

use std::time::Duration;

use cyoa::domain::read_aloud::{SAMPLE_RATE, WAV_HEADER_BYTES};
use cyoa::domain::Provider;
use cyoa::server::config::SpendingLimits;
use cyoa::server::story;
use serde_json::json;

use crate::helpers::{queue_fault, request_counts, start_input, tier, TestApp};
use crate::text_providers::{sim, KEY};

/// A story's first scene in the kids tier.
async fn first_scene(app: &TestApp, tier_name: &str) -> (String, String) {
    story::start(&app.state, tier(tier_name), start_input("a fox who sings"))
        .await
        .expect("start")
}

async fn listen(app: &TestApp, tier: &str, scene: &str, voice: &str) -> reqwest::Response {
    app.http
        .get(app.url(&format!("/{tier}/read-aloud/{scene}/{voice}")))
        .send()
        .await
        .expect("read aloud")
}

/// The samples of a WAV answer, checked to be ours: 24 kHz, 16-bit, mono, not silent.
fn samples(wav: &[u8]) -> &[u8] {
    assert!(wav.len() > WAV_HEADER_BYTES, "{} bytes", wav.len());
    assert_eq!(&wav[0..4], b"RIFF");
    assert_eq!(&wav[8..16], b"WAVEfmt ");
    let rate = u32::from_le_bytes([wav[24], wav[25], wav[26], wav[27]]);
    assert_eq!(rate, SAMPLE_RATE);
    assert_eq!(u16::from_le_bytes([wav[22], wav[23]]), 1, "mono");
    assert_eq!(u16::from_le_bytes([wav[34], wav[35]]), 16, "16-bit");
    let data = &wav[WAV_HEADER_BYTES..];
    assert!(data.iter().any(|&b| b != 0), "not silence");
    data
}

async fn row_status(app: &TestApp, scene: &str, voice: &str) -> Option<String> {
    cyoa::server::db::query_scalar(
        "SELECT status FROM scene_audio WHERE scene_id = ? AND voice = ?",
    )
    .bind(scene)
    .bind(voice)
    .fetch_optional(&app.state.db)
    .await
    .expect("row")
}

async fn until_complete(app: &TestApp, scene: &str, voice: &str) {
    for _ in 0..200 {
        if row_status(app, scene, voice).await.as_deref() == Some("complete") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the reading was never kept");
}

fn speech_calls(counts: &serde_json::Value, route: &str) -> u64 {
    counts[route].as_u64().unwrap_or(0)
}

#[tokio::test]
async fn a_scene_is_read_once_and_replayed_from_the_store() {
    let app = TestApp::spawn().await;
    let sim = app.url("/sim");
    let (_, scene) = first_scene(&app, "kids").await;
    // Demo mode has every provider: Gemini's narration model comes first.
    let route = "gemini/generateContent";
    let before = speech_calls(&request_counts(&sim).await, route);
    let (a, b) = tokio::join!(
        listen(&app, "kids", &scene, "warm"),
        listen(&app, "kids", &scene, "warm")
    );
    for res in [&a, &b] {
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "audio/wav");
    }
    let (a, b) = (a.bytes().await.expect("a"), b.bytes().await.expect("b"));
    assert_eq!(samples(&a), samples(&b), "two listeners, one reading");
    let seconds = samples(&a).len() as f64 / f64::from(SAMPLE_RATE * 2);
    assert!(seconds > 2.0, "as long as the words take: {seconds} s");
    until_complete(&app, &scene, "warm").await;
    let once = speech_calls(&request_counts(&sim).await, route);
    assert_eq!(once - before, 1, "two listeners at once paid once");

    // Replayed from the store: the same audio, a real WAV length, no call.
    let again = listen(&app, "kids", &scene, "warm").await;
    assert_eq!(again.status(), 200);
    assert!(again.headers()["cache-control"]
        .to_str()
        .is_ok_and(|v| v.contains("private")));
    let again = again.bytes().await.expect("again");
    assert_eq!(samples(&again), samples(&a));
    let size = u32::from_le_bytes([again[40], again[41], again[42], again[43]]) as usize;
    assert_eq!(
        size,
        again.len() - WAV_HEADER_BYTES,
        "the stored header says its size"
    );
    assert_eq!(speech_calls(&request_counts(&sim).await, route), once);

    // Another voice is another reading, and sounds different.
    let gentle = listen(&app, "kids", &scene, "gentle").await;
    assert_eq!(gentle.status(), 200);
    assert_ne!(samples(&gentle.bytes().await.expect("gentle")), samples(&a));
}

#[tokio::test]
async fn refusals_are_plain_and_tier_bound() {
    let app = TestApp::spawn().await;
    let (_, scene) = first_scene(&app, "kids").await;
    // Not a voice; a grown-ups' voice in the kids tier; another tier's scene; no scene.
    for (tier, voice, scene) in [
        ("kids", "robot", scene.as_str()),
        ("kids", "deep", scene.as_str()),
        ("adult", "warm", scene.as_str()),
        ("kids", "warm", "no-such-scene"),
        ("nope", "warm", scene.as_str()),
    ] {
        let res = listen(&app, tier, scene, voice).await;
        assert_eq!(res.status(), 404, "{tier} {voice} {scene}");
    }
    let (_, adult_scene) = first_scene(&app, "adult").await;
    assert_eq!(
        listen(&app, "adult", &adult_scene, "deep").await.status(),
        200
    );
}

#[tokio::test]
async fn openai_reads_with_real_keys_and_a_failure_gives_the_claim_back() {
    let sim = sim().await;
    let app = TestApp::builder()
        .providers(&sim, KEY, &[Provider::OpenAi, Provider::Anthropic])
        .spawn()
        .await;
    let (story_id, scene) = first_scene(&app, "kids").await;
    let view = story::scene_view(&app.state, tier("kids"), &story_id, &scene)
        .await
        .expect("view");
    assert!(view.read_aloud.server && view.read_aloud.autoplay);
    assert_eq!(view.read_aloud.voices[0].0, "warm");
    // The scene's picture is an OpenAI call too: done before faults are queued for speech.
    crate::helpers::final_image(&app.state, tier("kids"), &story_id, &scene).await;

    // The model fails every try: a 502 in words, and the claim is given back.
    queue_fault(
        &sim.base_url(),
        json!({"api": "openai", "kind": "server_error", "count": 5}),
    )
    .await;
    let failed = listen(&app, "kids", &scene, "warm").await;
    assert_eq!(failed.status(), 502);
    let words = failed.text().await.expect("words");
    assert!(words.contains("Press play to try again"), "{words}");
    assert_eq!(row_status(&app, &scene, "warm").await, None);
    crate::helpers::clear_faults(&sim.base_url()).await;

    // A rate limit is waited out; then the audio comes.
    queue_fault(
        &sim.base_url(),
        json!({"api": "openai", "kind": "rate_limit", "count": 1}),
    )
    .await;
    let res = listen(&app, "kids", &scene, "warm").await;
    assert_eq!(res.status(), 200);
    samples(&res.bytes().await.expect("audio"));
    until_complete(&app, &scene, "warm").await;
    let counts = request_counts(&sim.base_url()).await;
    assert!(speech_calls(&counts, "openai/audio/speech") >= 2);
}

#[tokio::test]
async fn a_reading_counts_against_the_hourly_limit_and_a_replay_does_not() {
    let app = TestApp::builder()
        .limits(SpendingLimits {
            speech_per_hour: 1,
            ..SpendingLimits::unlimited()
        })
        .spawn()
        .await;
    let (_, scene) = first_scene(&app, "kids").await;
    let (_, other) = first_scene(&app, "kids").await;
    assert_eq!(listen(&app, "kids", &scene, "warm").await.status(), 200);
    until_complete(&app, &scene, "warm").await;
    assert_eq!(listen(&app, "kids", &scene, "warm").await.status(), 200);
    let over = listen(&app, "kids", &other, "warm").await;
    assert_eq!(over.status(), 429);
    let words = over.text().await.expect("words");
    assert!(words.contains("scenes read aloud"), "{words}");
    assert_eq!(row_status(&app, &other, "warm").await, None);
}

#[tokio::test]
async fn without_a_narration_model_the_server_says_so_and_the_page_knows() {
    let sim = sim().await;
    let app = TestApp::builder()
        .providers(&sim, KEY, &[Provider::Anthropic])
        .spawn()
        .await;
    let (story_id, scene) = first_scene(&app, "kids").await;
    let view = story::scene_view(&app.state, tier("kids"), &story_id, &scene)
        .await
        .expect("view");
    assert!(!view.read_aloud.server, "the browser's own speech reads");
    assert!(view.read_aloud.voices.len() >= 4);
    assert_eq!(listen(&app, "kids", &scene, "warm").await.status(), 501);
}

#[tokio::test]
async fn a_claim_left_by_a_dead_instance_is_taken_over_after_its_lease() {
    let app = TestApp::spawn().await;
    let (story_id, scene) = first_scene(&app, "kids").await;
    // An instance claimed it and died before storing anything: its lease ran out.
    cyoa::server::db::query(
        "INSERT INTO scene_audio (scene_id, voice, story_id, tier, model, status, lease_until, created_at)
         VALUES (?, 'warm', ?, 'kids', 'gemini-tts', 'generating', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
    )
    .bind(&scene)
    .bind(&story_id)
    .execute(&app.state.db)
    .await
    .expect("stale claim");
    let res = listen(&app, "kids", &scene, "warm").await;
    assert_eq!(res.status(), 200);
    samples(&res.bytes().await.expect("audio"));
    until_complete(&app, &scene, "warm").await;
}

#[tokio::test]
async fn the_html_export_carries_the_readings_only_when_asked() {
    let app = TestApp::spawn().await;
    let (story_id, scene) = first_scene(&app, "kids").await;
    assert_eq!(listen(&app, "kids", &scene, "warm").await.status(), 200);
    until_complete(&app, &scene, "warm").await;
    let export = |query: &'static str| {
        let url = app.url(&format!("/kids/gallery/{story_id}/export.html{query}"));
        let http = app.http.clone();
        async move {
            let res = http.get(url).send().await.expect("export");
            assert_eq!(res.status(), 200);
            res.text().await.expect("page")
        }
    };
    let with = export("?audio=yes").await;
    // "RIFF" in base64: the kept WAV itself, in a player labelled for what it is.
    assert!(with.contains("<audio controls preload=\"none\" aria-label=\"Listen to this scene\" src=\"data:audio/wav;base64,UklGR"));
    assert_eq!(
        with.matches("data:audio/wav").count(),
        1,
        "only the scene that was read"
    );
    assert!(
        !export("").await.contains("data:audio/wav"),
        "off by default"
    );
    let reader = story::gallery::reader(&app.state, tier("kids"), &story_id, None)
        .await
        .expect("reader");
    assert!(reader.has_audio);
}
