//! Text to speech, streamed: every model's answer becomes one stream of 24 kHz 16-bit mono
//! PCM chunks, handed on as they arrive (the first sentence plays while the rest is made).
//!
//! - OpenAI: `POST /audio/speech` with `response_format: "pcm"` (raw samples, no header)
//!   and `stream_format: "audio"` (the bytes, chunked). `instructions` and `speed` make a
//!   bedtime story's reading slower and softer. (openai-openapi `CreateSpeechRequest`,
//!   openai-python `types/audio/speech_create_params.py`, read 2026-12-08.)
//! - Gemini: a TTS model's `:streamGenerateContent?alt=sse`, `responseModalities: ["AUDIO"]`
//!   and a prebuilt voice; each event carries base64 samples in `inlineData`
//!   (`audio/L16;codec=pcm;rate=24000`), and an error can come inside the stream. Its text is
//!   read verbatim, so it has no slower, softer setting we rely on. (ai.google.dev speech
//!   generation guide, read 2026-12-08.)

use std::pin::Pin;

use axum::body::Bytes;
use futures::{Stream, StreamExt};
use serde_json::{json, Value};

use super::http::Auth;
use super::stream::EventReader;
use super::{ProviderClient, ProviderError};
use crate::domain::Provider;

/// Samples as they come; an error ends the stream.
pub type PcmStream = Pin<Box<dyn Stream<Item = Result<Bytes, ProviderError>> + Send>>;

/// One piece of a scene to be read.
#[derive(Debug, Clone, Copy)]
pub struct SpeechRequest<'a> {
    pub model: &'a str,
    pub text: &'a str,
    /// The provider's own name of the voice.
    pub voice: &'a str,
    pub bedtime: bool,
}

/// How OpenAI is asked to read a bedtime story (`instructions`, gpt-4o-mini-tts and later).
const BEDTIME_INSTRUCTIONS: &str =
    "Read slowly and softly, in a calm, warm, sleepy bedtime voice, with gentle pauses.";
const BEDTIME_SPEED: f64 = 0.9;

impl ProviderClient {
    /// Starts reading `req` aloud; the call (not the stream) is retried like every media
    /// call, so no audio is ever heard twice.
    pub async fn speak(&self, req: SpeechRequest<'_>) -> Result<PcmStream, ProviderError> {
        let call = self.call();
        let provider = self.provider;
        match provider {
            Provider::OpenAi => {
                let body = openai_body(&req);
                let response = self
                    .retry
                    .run("openai speech", || {
                        call.post_stream("/audio/speech", Auth::Bearer, &body)
                    })
                    .await?;
                let transport = move |e: reqwest::Error| transport_error(provider, e);
                Ok(Box::pin(
                    response.bytes_stream().map(move |r| r.map_err(transport)),
                ))
            }
            Provider::Gemini => {
                let body = json!({
                    "contents": [{ "role": "user", "parts": [{ "text": req.text }] }],
                    "generationConfig": {
                        "responseModalities": ["AUDIO"],
                        "speechConfig": { "voiceConfig": { "prebuiltVoiceConfig": { "voiceName": req.voice } } },
                    },
                });
                let path = format!("/models/{}:streamGenerateContent?alt=sse", req.model);
                let response = self
                    .retry
                    .run("gemini speech", || {
                        call.post_stream(&path, Auth::GoogleKey, &body)
                    })
                    .await?;
                Ok(gemini_samples(provider, response))
            }
            Provider::Anthropic | Provider::Xai => {
                Err(call.bad_response(format!("{} has no text to speech here", provider.key())))
            }
        }
    }
}

/// OpenAI's request: raw samples, streamed; a bedtime story slower and softer.
fn openai_body(req: &SpeechRequest<'_>) -> Value {
    let mut body = json!({
        "model": req.model,
        "input": req.text,
        "voice": req.voice,
        "response_format": "pcm",
        "stream_format": "audio",
    });
    if req.bedtime {
        body["instructions"] = json!(BEDTIME_INSTRUCTIONS);
        body["speed"] = json!(BEDTIME_SPEED);
    }
    body
}

fn transport_error(provider: Provider, e: reqwest::Error) -> ProviderError {
    if e.is_timeout() {
        ProviderError::Timeout { provider }
    } else {
        ProviderError::Network {
            provider,
            message: e.to_string(),
        }
    }
}

/// The samples of a Gemini event stream, event by event.
fn gemini_samples(provider: Provider, response: reqwest::Response) -> PcmStream {
    let chunks = response.bytes_stream();
    let state = (chunks, EventReader::default(), false);
    Box::pin(futures::stream::unfold(
        state,
        move |(mut chunks, mut reader, ended)| async move {
            if ended {
                return None;
            }
            loop {
                let chunk = match chunks.next().await {
                    None => return None,
                    Some(Err(e)) => {
                        return Some((Err(transport_error(provider, e)), (chunks, reader, true)))
                    }
                    Some(Ok(chunk)) => chunk,
                };
                let mut samples = Vec::new();
                for event in reader.feed(&chunk) {
                    match gemini_event(provider, &event.data) {
                        Ok(mut piece) => samples.append(&mut piece),
                        Err(e) => return Some((Err(e), (chunks, reader, true))),
                    }
                }
                if !samples.is_empty() {
                    return Some((Ok(Bytes::from(samples)), (chunks, reader, false)));
                }
            }
        },
    ))
}

/// The samples of one Gemini event, or the error it carries.
fn gemini_event(provider: Provider, data: &str) -> Result<Vec<u8>, ProviderError> {
    use base64::Engine as _;
    let bad = |message: String| ProviderError::BadResponse { provider, message };
    let event: Value =
        serde_json::from_str(data).map_err(|e| bad(format!("unreadable event: {e}")))?;
    if let Some(error) = event.get("error") {
        let status = error["code"].as_u64().unwrap_or(500) as u16;
        return Err(super::classify::classify(
            provider,
            status,
            &json!({ "error": error }).to_string(),
            None,
        ));
    }
    let mut out = Vec::new();
    let parts = event
        .pointer("/candidates/0/content/parts")
        .and_then(Value::as_array);
    for part in parts.into_iter().flatten() {
        let Some(data) = part.pointer("/inlineData/data").and_then(Value::as_str) else {
            continue;
        };
        let mime = part
            .pointer("/inlineData/mimeType")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !(mime.starts_with("audio/l16") || mime.starts_with("audio/pcm")) {
            return Err(bad(format!("audio in an unexpected format: {mime}")));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|e| bad(format!("invalid base64 audio: {e}")))?;
        out.extend_from_slice(&bytes);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bedtime_story_is_asked_to_be_read_slower_and_softer() {
        let req = |bedtime| SpeechRequest {
            model: "gpt-4o-mini-tts",
            text: "The owl slept.",
            voice: "coral",
            bedtime,
        };
        let day = openai_body(&req(false));
        assert_eq!(day["response_format"], "pcm");
        assert_eq!(day["stream_format"], "audio");
        assert!(day.get("instructions").is_none() && day.get("speed").is_none());
        let night = openai_body(&req(true));
        assert!(night["instructions"]
            .as_str()
            .is_some_and(|i| i.contains("slowly and softly")));
        assert!(night["speed"].as_f64().is_some_and(|s| s < 1.0));
    }

    #[test]
    fn a_gemini_event_gives_its_samples_or_its_error() {
        let samples = gemini_event(
            Provider::Gemini,
            r#"{"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"audio/L16;codec=pcm;rate=24000","data":"AQIDBA=="}}]}}]}"#,
        );
        assert_eq!(samples.ok(), Some(vec![1, 2, 3, 4]));
        let error = gemini_event(
            Provider::Gemini,
            r#"{"error":{"code":429,"message":"Resource exhausted","status":"RESOURCE_EXHAUSTED"}}"#,
        );
        assert!(
            matches!(error, Err(ProviderError::RateLimited { .. })),
            "{error:?}"
        );
        let mp3 = gemini_event(
            Provider::Gemini,
            r#"{"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"audio/mpeg","data":"AQ=="}}]}}]}"#,
        );
        assert!(matches!(mp3, Err(ProviderError::BadResponse { .. })));
    }
}
