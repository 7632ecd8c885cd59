//! Text to speech, as OpenAI's `POST /audio/speech` and Gemini's TTS models on
//! `:generateContent` / `:streamGenerateContent?alt=sse` answer it: real audio (a voice of
//! tones, a blip per syllable and a pause per sentence, so its length follows the text as
//! speech does) in the provider's format, streamed at the pace of a real model — the first
//! sound after [`FIRST_AUDIO`], then four times faster than it plays.
//!
//! OpenAI: `response_format` `pcm` (raw 24 kHz 16-bit little-endian mono) or `wav`;
//! `stream_format` `audio` (the bytes, chunked) or `sse` (`speech.audio.delta` events with
//! base64 audio, then `speech.audio.done` with usage). The encoded formats (`mp3`, `opus`,
//! `aac`, `flac`) are refused with a 400 that says the simulator does not make them.
//! Gemini: `inlineData` parts of `audio/L16;codec=pcm;rate=24000`, base64.

use std::f32::consts::TAU;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::control::FaultKind;
use super::gate::{gate, SimCall};
use super::image_apis::bearer;
use super::SimState;
use crate::{ModelKind, Provider};

const RATE: usize = 24_000;
/// When a paced model's first audio comes (OpenAI's streamed speech starts in a few hundred
/// milliseconds).
pub const FIRST_AUDIO: Duration = Duration::from_millis(350);
/// How much faster than real time a paced model makes audio.
const SPEED_UP: f64 = 4.0;
/// The audio of one chunk sent: a tenth of a second.
const CHUNK_BYTES: usize = RATE * 2 / 10;
/// Characters spoken per second at speed 1 (about 150 words a minute).
pub const CHARS_PER_SECOND: f32 = 15.0;
/// The pause after each sentence.
const SENTENCE_PAUSE_S: f32 = 0.3;
/// OpenAI's `input` limit.
const OPENAI_MAX_INPUT: usize = 4096;

/// The samples of `text` spoken by `voice` at `speed`: 24 kHz, 16-bit little-endian, mono.
pub fn speak(text: &str, voice: &str, speed: f32) -> Vec<u8> {
    let speed = if speed.is_finite() && speed > 0.0 {
        speed
    } else {
        1.0
    };
    // Each voice its own pitch, so two voices' audio differs.
    let base = 160.0 + (voice.bytes().map(u32::from).sum::<u32>() % 120) as f32;
    let mut out: Vec<u8> = Vec::new();
    let mut push = |sample: f32| {
        let v = (sample.clamp(-1.0, 1.0) * 12_000.0) as i16;
        out.extend_from_slice(&v.to_le_bytes());
    };
    let silence = |s: f32, push: &mut dyn FnMut(f32)| {
        for _ in 0..(s * RATE as f32) as usize {
            push(0.0);
        }
    };
    for sentence in split_sentences(text) {
        for (n, word) in sentence.split_whitespace().enumerate() {
            let seconds = (word.chars().count() as f32 + 1.0) / CHARS_PER_SECOND / speed;
            let samples = (seconds * RATE as f32) as usize;
            let pitch = base * (1.0 + 0.06 * ((n % 5) as f32 - 2.0));
            for i in 0..samples {
                let t = i as f32 / RATE as f32;
                // A soft rise and fall over the word: no clicks at its edges.
                let envelope = (std::f32::consts::PI * i as f32 / samples as f32).sin();
                push(0.5 * envelope * (TAU * pitch * t).sin());
            }
        }
        silence(SENTENCE_PAUSE_S / speed, &mut push);
    }
    out
}

fn split_sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, '.' | '!' | '?' | '\n') {
            let end = i + c.len_utf8();
            if !text[start..end].trim().is_empty() {
                out.push(text[start..end].trim());
            }
            start = end;
        }
    }
    if !text[start..].trim().is_empty() {
        out.push(text[start..].trim());
    }
    out
}

/// `pcm` bytes as a WAV file.
fn wav(pcm: &[u8]) -> Vec<u8> {
    let len = pcm.len() as u32;
    let mut out = Vec::with_capacity(pcm.len() + 44);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(len + 36).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&(RATE as u32).to_le_bytes());
    out.extend_from_slice(&(RATE as u32 * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(pcm);
    out
}

/// How the audio leaves: a paced model's chunks are spaced as it makes them.
fn paced(s: &SimState) -> bool {
    s.pace().tokens_per_second > 0.0
}

/// Sends `audio` in chunks, each made into a body item by `frame`, at the model's pace; a
/// `CutOff` fault ends the stream halfway, as a dropped connection does.
fn stream(
    s: &SimState,
    audio: Vec<u8>,
    cut_off: bool,
    frame: impl Fn(&[u8]) -> Bytes + Send + 'static,
    last: Option<Bytes>,
) -> Body {
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    let paced = paced(s);
    tokio::spawn(async move {
        if paced {
            tokio::time::sleep(FIRST_AUDIO).await;
        }
        let per_chunk = Duration::from_secs_f64(CHUNK_BYTES as f64 / (RATE * 2) as f64 / SPEED_UP);
        let end = if cut_off {
            audio.len() / 2
        } else {
            audio.len()
        };
        for chunk in audio[..end].chunks(CHUNK_BYTES) {
            if tx.send(Ok(frame(chunk))).await.is_err() {
                return;
            }
            if paced {
                tokio::time::sleep(per_chunk).await;
            }
        }
        if cut_off {
            let _ = tx
                .send(Err(std::io::Error::other("connection reset")))
                .await;
            return;
        }
        if let Some(last) = last {
            let _ = tx.send(Ok(last)).await;
        }
    });
    Body::from_stream(tokio_stream(rx))
}

fn tokio_stream(
    mut rx: mpsc::Receiver<Result<Bytes, std::io::Error>>,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> {
    futures::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// OpenAI's `POST /audio/speech`.
pub(crate) async fn openai_speech(
    State(s): State<SimState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let p = Provider::OpenAi;
    let body: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return super::gate::invalid_request(
                p,
                &format!("We could not parse the JSON body of your request. ({e})"),
            )
        }
    };
    let input = body["input"].as_str().unwrap_or_default();
    let voice = body["voice"].as_str().unwrap_or_default();
    let format = body["response_format"].as_str().unwrap_or("mp3");
    let stream_format = body["stream_format"].as_str().unwrap_or("audio");
    let speed = body["speed"].as_f64().unwrap_or(1.0);
    let invalid = if input.is_empty() {
        Some("Missing required parameter: 'input'.".to_owned())
    } else if input.chars().count() > OPENAI_MAX_INPUT {
        Some(format!(
            "Invalid 'input': string too long. Expected a string with maximum length {OPENAI_MAX_INPUT}."
        ))
    } else if voice.is_empty() {
        Some("Missing required parameter: 'voice'.".to_owned())
    } else if !OPENAI_VOICES.contains(&voice) {
        Some(format!(
            "Invalid value: '{voice}'. Supported values are: {}.",
            OPENAI_VOICES.join(", ")
        ))
    } else if !(0.25..=4.0).contains(&speed) {
        Some(format!(
            "Invalid 'speed': {speed} is not between 0.25 and 4.0."
        ))
    } else if !matches!(format, "pcm" | "wav") {
        Some(format!(
            "The simulator makes only pcm and wav audio, not '{format}' (the real API makes it)."
        ))
    } else if !matches!(stream_format, "audio" | "sse") {
        Some(format!(
            "Invalid value: '{stream_format}'. Supported values are: 'audio' and 'sse'."
        ))
    } else {
        None
    };
    let model = body["model"].as_str().unwrap_or_default();
    let fault = match gate(
        &s,
        SimCall {
            provider: p,
            route: "/audio/speech",
            headers: &headers,
            key: bearer(&headers),
            model: Some((model, ModelKind::TextToSpeech)),
            invalid: invalid.as_deref(),
            prompt: input,
        },
    )
    .await
    {
        Err(response) => return response,
        Ok(fault) => fault.map(|f| f.kind),
    };
    let cut_off = fault == Some(FaultKind::CutOff);
    let pcm = speak(input, voice, speed as f32);
    let wav_format = format == "wav";
    if stream_format == "sse" {
        let tokens = input.len() / 4;
        let done = format!(
            "data: {}\n\n",
            json!({"type": "speech.audio.done", "usage": {"input_tokens": tokens, "output_tokens": pcm.len() / 480, "total_tokens": tokens + pcm.len() / 480}})
        );
        let audio = if wav_format { wav(&pcm) } else { pcm };
        let body = stream(
            &s,
            audio,
            cut_off,
            |chunk| {
                Bytes::from(format!(
                    "data: {}\n\n",
                    json!({"type": "speech.audio.delta", "audio": b64(chunk)})
                ))
            },
            Some(Bytes::from(done)),
        );
        return ([(header::CONTENT_TYPE, "text/event-stream")], body).into_response();
    }
    let (audio, mime) = match wav_format {
        true => (wav(&pcm), "audio/wav"),
        false => (pcm, "audio/pcm"),
    };
    let body = stream(&s, audio, cut_off, Bytes::copy_from_slice, None);
    (StatusCode::OK, [(header::CONTENT_TYPE, mime)], body).into_response()
}

/// The voices `POST /audio/speech` knows.
const OPENAI_VOICES: &[&str] = &[
    "alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer", "verse",
    "marin", "cedar",
];

/// Gemini's prebuilt voices.
const GEMINI_VOICES: &[&str] = &[
    "Zephyr",
    "Puck",
    "Charon",
    "Kore",
    "Fenrir",
    "Leda",
    "Orus",
    "Aoede",
    "Callirrhoe",
    "Autonoe",
    "Enceladus",
    "Iapetus",
    "Umbriel",
    "Algieba",
    "Despina",
    "Erinome",
    "Algenib",
    "Rasalgethi",
    "Laomedeia",
    "Achernar",
    "Alnilam",
    "Schedar",
    "Gacrux",
    "Pulcherrima",
    "Achird",
    "Zubenelgenubi",
    "Vindemiatrix",
    "Sadachbia",
    "Sadaltager",
    "Sulafat",
];

const GEMINI_MIME: &str = "audio/L16;codec=pcm;rate=24000";

/// A Gemini TTS model on `:generateContent` (`streamed` false) or
/// `:streamGenerateContent?alt=sse`: the text of `contents` read in the prebuilt voice of
/// `generationConfig.speechConfig`.
pub(crate) async fn gemini_speech(
    s: &SimState,
    model: &str,
    headers: &HeaderMap,
    key: Option<&str>,
    text: &str,
    body: &Value,
    streamed: bool,
) -> Response {
    let p = Provider::Gemini;
    let config = &body["generationConfig"]["speechConfig"]["voiceConfig"];
    let voice = config["prebuiltVoiceConfig"]["voiceName"]
        .as_str()
        .or_else(|| config["voice"].as_str())
        .unwrap_or("Kore");
    let invalid = if text.trim().is_empty() {
        Some("* GenerateContentRequest.contents: contents is not specified".to_owned())
    } else if !GEMINI_VOICES.contains(&voice) {
        Some(format!("Voice name {voice} is not supported."))
    } else {
        None
    };
    let fault = match gate(
        s,
        SimCall {
            provider: p,
            route: "/generateContent",
            headers,
            key,
            model: Some((model, ModelKind::TextToSpeech)),
            invalid: invalid.as_deref(),
            prompt: text,
        },
    )
    .await
    {
        Err(response) => return response,
        Ok(fault) => fault.map(|f| f.kind),
    };
    let pcm = speak(text.trim(), voice, 1.0);
    let part = |chunk: &[u8]| {
        json!({
            "candidates": [{ "content": { "role": "model", "parts": [{ "inlineData": { "mimeType": GEMINI_MIME, "data": b64(chunk) } }] }, "index": 0 }],
            "modelVersion": model,
        })
    };
    if !streamed {
        if paced(s) {
            let seconds = pcm.len() as f64 / (RATE * 2) as f64 / SPEED_UP;
            tokio::time::sleep(FIRST_AUDIO + Duration::from_secs_f64(seconds)).await;
        }
        let mut answer = part(&pcm);
        answer["candidates"][0]["finishReason"] = json!("STOP");
        return Json(answer).into_response();
    }
    let model = model.to_owned();
    let last = json!({
        "candidates": [{ "content": { "role": "model", "parts": [] }, "finishReason": "STOP", "index": 0 }],
        "usageMetadata": { "promptTokenCount": text.len() / 4, "candidatesTokenCount": pcm.len() / 480 },
        "modelVersion": model,
    });
    let body = stream(
        s,
        pcm,
        fault == Some(FaultKind::CutOff),
        move |chunk| {
            let event = json!({
                "candidates": [{ "content": { "role": "model", "parts": [{ "inlineData": { "mimeType": GEMINI_MIME, "data": b64(chunk) } }] }, "index": 0 }],
                "modelVersion": model,
            });
            Bytes::from(format!("data: {event}\r\n\r\n"))
        },
        Some(Bytes::from(format!("data: {last}\r\n\r\n"))),
    );
    ([(header::CONTENT_TYPE, "text/event-stream")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speech_lasts_as_long_as_the_text_takes_to_say() {
        let short = speak("Hello there.", "coral", 1.0);
        let long = speak(
            "Hello there. The fox ran all the way home again.",
            "coral",
            1.0,
        );
        assert!(long.len() > 2 * short.len());
        assert_eq!(short.len() % 2, 0);
        let seconds = long.len() as f32 / (RATE * 2) as f32;
        assert!((2.0..6.0).contains(&seconds), "{seconds}");
        // Slower speech is longer; another voice sounds different.
        assert!(speak("Hello there.", "coral", 0.5).len() > short.len());
        assert_ne!(speak("Hello there.", "onyx", 1.0), short);
        assert!(short.iter().any(|&b| b != 0));
    }
}
