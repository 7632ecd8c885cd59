//! How fast the simulated storytellers write, and their streaming protocols: OpenAI and
//! xAI `stream:true` server-sent events (`choices[].delta.content`, then `[DONE]`),
//! Anthropic's `message_start … content_block_delta … message_stop` events, and Gemini's
//! `:streamGenerateContent?alt=sse` (each event a whole response with the next piece; no
//! end marker). An answer is cut into tokens of about four characters that come at the
//! pace's rate after its time to first token; a non-streamed answer waits the same time.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use tokio::sync::mpsc;

/// Time to first token and tokens per second of the simulated text models.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize, serde::Serialize)]
pub struct TextPace {
    #[serde(rename = "first_token_ms", with = "millis")]
    pub first_token: Duration,
    pub tokens_per_second: f64,
}

impl TextPace {
    /// Tests: the whole answer at once.
    pub const INSTANT: TextPace = TextPace {
        first_token: Duration::ZERO,
        tokens_per_second: 0.0,
    };

    /// Demo mode: what a real storyteller feels like (GPT-4.1, Claude, Grok, Gemini write a
    /// scene in 5–20 s; their first words come after about half a second).
    pub const REALISTIC: TextPace = TextPace {
        first_token: Duration::from_millis(600),
        tokens_per_second: 60.0,
    };

    /// The gap between two tokens; zero when the pace is instant.
    fn per_token(&self) -> Duration {
        if self.tokens_per_second > 0.0 && self.tokens_per_second.is_finite() {
            Duration::from_secs_f64(1.0 / self.tokens_per_second)
        } else {
            Duration::ZERO
        }
    }

    /// How long a whole answer of `text` takes.
    pub fn whole(&self, text: &str) -> Duration {
        self.first_token + self.per_token() * tokens(text).len() as u32
    }
}

mod millis {
    use std::time::Duration;

    pub fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let ms: u64 = serde::Deserialize::deserialize(d)?;
        Ok(Duration::from_millis(ms))
    }
}

/// `text` in tokens of about four characters (never splitting a character).
pub(crate) fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut count = 0;
    for (i, _) in text.char_indices() {
        if count == 4 {
            out.push(&text[start..i]);
            start = i;
            count = 0;
        }
        count += 1;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Whose protocol a stream speaks.
pub(crate) enum Protocol {
    /// OpenAI and xAI chat completions.
    Chat {
        id: String,
        model: Value,
    },
    Anthropic {
        model: Value,
    },
    Gemini {
        model: String,
    },
}

/// A stream that goes wrong on purpose (fault injection).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Break {
    None,
    /// The connection ends halfway, without the protocol's end.
    CutOff,
    /// Halfway, an event whose data is not JSON.
    BadChunk,
    /// Halfway, the model stops and says it refuses (Anthropic `stop_reason: refusal`,
    /// OpenAI `finish_reason: content_filter`, Gemini `finishReason: SAFETY`).
    Refusal,
    /// Halfway, the answer reaches its token limit (`max_tokens`, `length`, `MAX_TOKENS`).
    MaxTokens,
    /// Every chat chunk carries `"error": null`, as some gateways send.
    NullError,
}

/// How a stream ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Done,
    Refusal,
    MaxTokens,
}

/// The answer `content` as a server-sent event stream in `protocol`, paced.
pub(crate) fn sse(protocol: Protocol, content: String, pace: TextPace, fault: Break) -> Response {
    let (tx, mut rx) = mpsc::channel::<Bytes>(16);
    tokio::spawn(async move {
        let pieces: Vec<String> = tokens(&content).into_iter().map(str::to_owned).collect();
        let half = pieces.len() / 2;
        let send = |event: String| {
            let tx = tx.clone();
            async move { tx.send(Bytes::from(event)).await.is_ok() }
        };
        for opening in opening_events(&protocol) {
            if !send(opening).await {
                return;
            }
        }
        // Each piece is due at a time counted from the start, so the small sleeps' rounding
        // does not add up over a scene.
        let start = tokio::time::Instant::now() + pace.first_token;
        let per_token = pace.per_token();
        let null_error = fault == Break::NullError;
        let mut stop = Stop::Done;
        for (i, piece) in pieces.iter().enumerate() {
            let due = start + per_token * i as u32;
            if due > tokio::time::Instant::now() {
                tokio::time::sleep_until(due).await;
            }
            match fault {
                Break::CutOff if i == half => return,
                Break::BadChunk if i == half => {
                    let _ = send("data: {\"choices\":[{\"delta\":{\"content\n\n".to_owned()).await;
                    return;
                }
                Break::Refusal if i == half => {
                    stop = Stop::Refusal;
                    break;
                }
                Break::MaxTokens if i == half => {
                    stop = Stop::MaxTokens;
                    break;
                }
                _ => {}
            }
            let last = i + 1 == pieces.len();
            if !send(piece_event(&protocol, piece, last, null_error)).await {
                return;
            }
        }
        let end = start + per_token * pieces.len() as u32;
        if stop == Stop::Done && end > tokio::time::Instant::now() {
            tokio::time::sleep_until(end).await;
        }
        for closing in closing_events(&protocol, pieces.len(), stop) {
            if !send(closing).await {
                return;
            }
        }
    });
    (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(futures::stream::poll_fn(move |cx| {
            rx.poll_recv(cx)
                .map(|piece| piece.map(Ok::<_, std::convert::Infallible>))
        })),
    )
        .into_response()
}

fn data(value: &Value) -> String {
    format!("data: {value}\n\n")
}

fn named(event: &str, value: &Value) -> String {
    format!("event: {event}\ndata: {value}\n\n")
}

fn opening_events(protocol: &Protocol) -> Vec<String> {
    match protocol {
        Protocol::Chat { id, model } => vec![data(&json!({
            "id": id, "object": "chat.completion.chunk", "created": super::text_apis::unix_now(),
            "model": model,
            "choices": [{ "index": 0, "delta": { "role": "assistant", "content": "" }, "finish_reason": null }],
        }))],
        Protocol::Anthropic { model } => vec![
            named(
                "message_start",
                &json!({ "type": "message_start", "message": {
                    "id": "msg_sim", "type": "message", "role": "assistant", "model": model,
                    "content": [], "stop_reason": null, "stop_sequence": null,
                    "usage": { "input_tokens": 400, "output_tokens": 1 },
                }}),
            ),
            named(
                "content_block_start",
                &json!({ "type": "content_block_start", "index": 0, "content_block": { "type": "text", "text": "" } }),
            ),
            named("ping", &json!({ "type": "ping" })),
        ],
        Protocol::Gemini { .. } => Vec::new(),
    }
}

fn piece_event(protocol: &Protocol, piece: &str, last: bool, null_error: bool) -> String {
    match protocol {
        Protocol::Chat { id, model } => {
            let mut chunk = json!({
                "id": id, "object": "chat.completion.chunk", "created": super::text_apis::unix_now(),
                "model": model,
                "choices": [{ "index": 0, "delta": { "content": piece }, "finish_reason": null }],
            });
            if null_error {
                chunk["error"] = Value::Null;
            }
            data(&chunk)
        }
        Protocol::Anthropic { .. } => named(
            "content_block_delta",
            &json!({ "type": "content_block_delta", "index": 0, "delta": { "type": "text_delta", "text": piece } }),
        ),
        Protocol::Gemini { model } => {
            let mut candidate =
                json!({ "content": { "parts": [{ "text": piece }], "role": "model" }, "index": 0 });
            if last {
                candidate["finishReason"] = json!("STOP");
            }
            data(&json!({
                "candidates": [candidate],
                "usageMetadata": { "promptTokenCount": 400, "candidatesTokenCount": 200, "totalTokenCount": 600 },
                "modelVersion": model,
            }))
        }
    }
}

fn closing_events(protocol: &Protocol, count: usize, stop: Stop) -> Vec<String> {
    let (chat, anthropic, gemini) = match stop {
        Stop::Done => ("stop", "end_turn", None),
        Stop::Refusal => ("content_filter", "refusal", Some("SAFETY")),
        Stop::MaxTokens => ("length", "max_tokens", Some("MAX_TOKENS")),
    };
    match protocol {
        Protocol::Chat { id, model } => vec![
            data(&json!({
                "id": id, "object": "chat.completion.chunk", "created": super::text_apis::unix_now(),
                "model": model,
                "choices": [{ "index": 0, "delta": {}, "finish_reason": chat }],
            })),
            "data: [DONE]\n\n".to_owned(),
        ],
        Protocol::Anthropic { .. } => vec![
            named(
                "content_block_stop",
                &json!({ "type": "content_block_stop", "index": 0 }),
            ),
            named(
                "message_delta",
                &json!({ "type": "message_delta", "delta": { "stop_reason": anthropic, "stop_sequence": null }, "usage": { "output_tokens": count } }),
            ),
            named("message_stop", &json!({ "type": "message_stop" })),
        ],
        // A normal Gemini stream ends with its last piece; a stopped one with an event
        // that has only the reason.
        Protocol::Gemini { model } => gemini
            .map(|reason| {
                data(&json!({
                    "candidates": [{ "content": { "parts": [], "role": "model" }, "finishReason": reason, "index": 0 }],
                    "modelVersion": model,
                }))
            })
            .into_iter()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_cover_the_text_in_small_whole_characters() {
        let text = "Élodie’s “café” — on a boat";
        let pieces = tokens(text);
        assert_eq!(pieces.concat(), text);
        assert!(pieces.iter().all(|p| p.chars().count() <= 4));
        assert!(tokens("").is_empty());
    }

    #[test]
    fn a_whole_answer_takes_first_token_plus_its_tokens() {
        let text = "x".repeat(400);
        assert_eq!(
            TextPace::REALISTIC.whole(&text),
            Duration::from_millis(600) + Duration::from_secs_f64(1.0 / 60.0) * 100
        );
        assert_eq!(TextPace::INSTANT.whole(&text), Duration::ZERO);
    }
}
