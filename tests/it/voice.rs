//! Voice input's server side: the OpenAI transcription client against the
//! simulator (success, a 429 then success, a 400 for what is not audio, a 401), and the
//! transcribe server function over HTTP (text back, size cap, missing service, locked or
//! unknown tier).

use cyoa::domain::Provider;
use cyoa::server::providers::{ProviderError, SpeechAudio};
use provider_sim::speech::SIM_TRANSCRIPT;
use reqwest::multipart::{Form, Part};

use crate::helpers::{app_error, TestApp};
use crate::text_providers::{attempts, client, fault, sim, KEY};

/// A mono 16-bit WAV of `samples` samples at 16 kHz (silence is still audio).
fn wav(samples: usize) -> Vec<u8> {
    let data = samples * 2;
    let mut out = Vec::new();
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&((36 + data) as u32).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    for v in [1u16, 1] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for v in [16_000u32, 32_000] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for v in [2u16, 16] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(data as u32).to_le_bytes());
    out.resize(out.len() + data, 0);
    out
}

fn speech(bytes: Vec<u8>) -> SpeechAudio {
    SpeechAudio {
        bytes,
        file_name: "speech.wav".into(),
        mime: "audio/wav",
    }
}

/// The built-in speech-to-text model the simulator serves.
const STT_MODEL: &str = "gpt-transcribe";

#[tokio::test]
async fn the_transcription_client_follows_the_openai_contract() {
    let sim = sim().await;
    let openai = client(&sim, Provider::OpenAi, KEY);
    let text = openai
        .transcribe(STT_MODEL, &speech(wav(16_000)))
        .await
        .expect("text");
    assert_eq!(text, SIM_TRANSCRIPT);

    // A 429 is retried, then the words come.
    fault(&sim, Provider::OpenAi, "rate_limit", 1, 0).await;
    let before = attempts(&sim, Provider::OpenAi).await;
    let text = openai
        .transcribe(STT_MODEL, &speech(wav(16_000)))
        .await
        .expect("text after a 429");
    assert_eq!(text, SIM_TRANSCRIPT);
    assert_eq!(attempts(&sim, Provider::OpenAi).await - before, 2);

    // What is not audio is a 400, not retried.
    let before = attempts(&sim, Provider::OpenAi).await;
    let refused = openai
        .transcribe(STT_MODEL, &speech(b"RIFF....WAVE but no samples".to_vec()))
        .await
        .expect_err("not audio");
    assert!(!refused.is_retryable(), "{refused:?}");
    assert!(
        refused.to_string().contains("corrupted or unsupported"),
        "{refused}"
    );
    assert_eq!(attempts(&sim, Provider::OpenAi).await - before, 1);

    // A refused key is a 401 and says so.
    let wrong = client(&sim, Provider::OpenAi, "wrong-key");
    let refused = wrong
        .transcribe(STT_MODEL, &speech(wav(16_000)))
        .await
        .expect_err("bad key");
    assert!(
        matches!(refused, ProviderError::Unauthorized { .. }),
        "{refused:?}"
    );
}

async fn post_speech(app: &TestApp, tier: &str, audio: Vec<u8>, name: &str) -> reqwest::Response {
    let form = Form::new()
        .text("tier", tier.to_owned())
        .part("audio", Part::bytes(audio).file_name(name.to_owned()));
    app.http
        .post(app.url("/api/transcribe"))
        .multipart(form)
        .send()
        .await
        .expect("post")
}

#[tokio::test]
async fn speech_becomes_text_in_demo_mode_and_bad_recordings_are_refused() {
    let app = TestApp::spawn().await;
    let res = post_speech(&app, "kids", wav(16_000), "speech.wav").await;
    assert_eq!(res.status(), 200);
    let text: String = res.json().await.expect("json");
    assert_eq!(text, SIM_TRANSCRIPT);

    // Over the cap: refused while it is read, in plain words.
    let res = post_speech(&app, "kids", vec![0; 10 * 1024 * 1024 + 1], "speech.webm").await;
    let (status, error) = app_error(res).await;
    assert!(status == 413 || status == 422, "{status}");
    assert!(error.to_string().contains("too long"), "{error}");
    // Not audio at all: the provider's 400 becomes a message with a way forward.
    let (status, error) =
        app_error(post_speech(&app, "kids", b"hello".to_vec(), "speech.webm").await).await;
    assert_eq!(status, 422);
    assert!(
        error.to_string().contains("Nothing you typed is lost"),
        "{error}"
    );
    // An unknown tier is not found.
    let (status, _) =
        app_error(post_speech(&app, "grownups", wav(16_000), "speech.wav").await).await;
    assert_eq!(status, 404);
    // The audio was never written anywhere.
    let files: Vec<_> = walk(&app.state.config.data_dir);
    assert!(
        files
            .iter()
            .all(|f| !f.ends_with(".wav") && !f.ends_with(".webm")),
        "{files:?}"
    );
}

#[tokio::test]
async fn without_openai_there_is_no_server_transcription() {
    let sim = sim().await;
    let app = TestApp::builder()
        .providers(&sim, KEY, &[Provider::Anthropic])
        .spawn()
        .await;
    let (status, error) =
        app_error(post_speech(&app, "kids", wav(16_000), "speech.wav").await).await;
    assert_eq!(status, 422);
    assert!(
        error.to_string().contains("not available on this server"),
        "{error}"
    );
    // The home page offers no recording to send, then.
    let home = app.server_fn("home", &[("tier", "kids")]).await;
    let home: serde_json::Value = home.json().await.expect("json");
    assert_eq!(home["speech_to_text"], false);
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path.display().to_string());
            }
        }
    }
    out
}
