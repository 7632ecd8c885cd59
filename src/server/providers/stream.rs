//! Streamed text answers: every text client asks for server-sent events and reads the
//! answer as it is written, handing the text so far to an observer (the scene page shows
//! the words as they come). One reader of the event framing, one small decoder per
//! protocol:
//! - OpenAI and xAI chat completions (`stream: true`): `data: {choices:[{delta:{content}}]}`
//!   events, a `finish_reason`, then `data: [DONE]`; a refusal comes as `delta.refusal`.
//! - Anthropic messages (`stream: true`): `message_start`, `content_block_delta` with
//!   `text_delta`s, …, `message_stop`; an `error` event (e.g. `overloaded_error`) mid-stream.
//! - Gemini `:streamGenerateContent?alt=sse`: each event a whole response carrying the next
//!   piece in `candidates[0].content.parts[].text`; no end marker, the last has a
//!   `finishReason`.
//!
//! A stream that ends before its protocol's end is cut off: a network failure, retried by
//! the policy like any other. An event that is not JSON is a bad answer. A plain JSON body
//! where events were asked for is read as one event.

use serde_json::{json, Value};

use super::http::{Auth, Call};
use super::{ProviderError, TextRequest};
use crate::domain::Provider;

/// One server-sent event.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Event {
    pub name: Option<String>,
    pub data: String,
}

/// Splits a byte stream into events (`\n\n` or `\r\n\r\n` between events; `data:` lines
/// joined by newlines; comments and other fields ignored).
#[derive(Default)]
pub(crate) struct EventReader {
    pending: Vec<u8>,
}

impl EventReader {
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        self.pending.extend_from_slice(bytes);
        let mut events = Vec::new();
        while let Some((end, gap)) = event_end(&self.pending) {
            let block: Vec<u8> = self.pending.drain(..end + gap).take(end).collect();
            let text = String::from_utf8_lossy(&block);
            let mut event = Event::default();
            let mut lines = Vec::new();
            for line in text.lines() {
                if let Some(value) = line.strip_prefix("data:") {
                    lines.push(value.strip_prefix(' ').unwrap_or(value).to_owned());
                } else if let Some(value) = line.strip_prefix("event:") {
                    event.name = Some(value.trim().to_owned());
                }
            }
            if !lines.is_empty() {
                event.data = lines.join("\n");
                events.push(event);
            }
        }
        events
    }
}

/// Where the first event ends and how long the blank line after it is.
fn event_end(bytes: &[u8]) -> Option<(usize, usize)> {
    let lf = bytes.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2));
    let crlf = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4));
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// What one event means for the answer.
#[derive(Debug, PartialEq)]
pub(crate) enum Step {
    /// More of the answer.
    Text(String),
    /// The last of the answer (Gemini's final event carries text).
    Last(String),
    /// The answer is complete.
    Done,
    /// Nothing for us (a ping, the opening, usage).
    Skip,
}

/// The path and body that ask `provider` for a streamed answer.
pub(crate) fn request(provider: Provider, req: &TextRequest<'_>) -> (String, Value, Auth) {
    match provider {
        Provider::OpenAi | Provider::Xai => (
            "/chat/completions".into(),
            json!({
                "model": req.model,
                "messages": [
                    { "role": "system", "content": req.system },
                    { "role": "user", "content": req.user },
                ],
                "response_format": {
                    "type": "json_schema",
                    "json_schema": { "name": req.schema_name, "strict": true, "schema": req.schema },
                },
                "stream": true,
            }),
            Auth::Bearer,
        ),
        Provider::Anthropic => (
            "/messages".into(),
            json!({
                "model": req.model,
                // Newer Claude models think before they answer (adaptive thinking, on by
                // default) and count it against this limit: room for both.
                "max_tokens": 16_000,
                // No schema parameter: the schema goes into the system prompt and the
                // caller validates the JSON it gets back.
                "system": format!(
                    "{}\n\nAnswer with a single JSON object only (no prose, no code fence) that follows this JSON schema:\n{}",
                    req.system, req.schema
                ),
                "messages": [{ "role": "user", "content": req.user }],
                "stream": true,
            }),
            Auth::AnthropicKey,
        ),
        Provider::Gemini => (
            format!("/models/{}:streamGenerateContent?alt=sse", req.model),
            json!({
                "systemInstruction": { "parts": [{ "text": req.system }] },
                "contents": [{ "role": "user", "parts": [{ "text": req.user }] }],
                "generationConfig": {
                    "responseMimeType": "application/json",
                    "responseSchema": super::gemini::to_gemini_schema(req.schema),
                },
            }),
            Auth::GoogleKey,
        ),
    }
}

/// Reads one event of `provider`'s protocol.
pub(crate) fn step(call: &Call<'_>, event: &Event) -> Result<Step, ProviderError> {
    if call.provider == Provider::Gemini {
        return gemini_step(call, event);
    }
    if matches!(call.provider, Provider::OpenAi | Provider::Xai) && event.data.trim() == "[DONE]" {
        return Ok(Step::Done);
    }
    let value: Value = serde_json::from_str(&event.data)
        .map_err(|e| call.bad_response(format!("a streamed event is not JSON: {e}")))?;
    match call.provider {
        Provider::Anthropic => anthropic_step(call, event.name.as_deref(), &value),
        _ => chat_step(call, &value),
    }
}

fn chat_step(call: &Call<'_>, value: &Value) -> Result<Step, ProviderError> {
    // Some gateways send `"error": null` on every chunk: only an error that is there counts.
    if let Some(error) = value.get("error").filter(|e| !e.is_null()) {
        return Err(ProviderError::Unavailable {
            provider: call.provider,
            status: 200,
            message: error
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("the stream reported an error")
                .to_owned(),
        });
    }
    let delta = value.pointer("/choices/0/delta");
    if let Some(refusal) = delta
        .and_then(|d| d.get("refusal"))
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty())
    {
        return Err(ProviderError::Rejected {
            provider: call.provider,
            status: 200,
            message: refusal.to_owned(),
        });
    }
    match value
        .pointer("/choices/0/finish_reason")
        .and_then(Value::as_str)
    {
        Some("length") => {
            return Err(ProviderError::CutShort {
                provider: call.provider,
            })
        }
        Some("content_filter") => {
            return Err(ProviderError::Rejected {
                provider: call.provider,
                status: 200,
                message: "its content filter stopped the answer".into(),
            })
        }
        _ => {}
    }
    Ok(
        match delta.and_then(|d| d.get("content")).and_then(Value::as_str) {
            Some(text) if !text.is_empty() => Step::Text(text.to_owned()),
            _ => Step::Skip,
        },
    )
}

fn anthropic_step(
    call: &Call<'_>,
    name: Option<&str>,
    value: &Value,
) -> Result<Step, ProviderError> {
    let kind = name.or_else(|| value.get("type").and_then(Value::as_str));
    match kind {
        Some("content_block_delta") => Ok(value
            .pointer("/delta/text")
            .and_then(Value::as_str)
            .map_or(Step::Skip, |t| Step::Text(t.to_owned()))),
        // The stop reason comes before `message_stop`; a stream that stopped for a refusal
        // or at its limit otherwise looks whole.
        Some("message_delta") => {
            match value.pointer("/delta/stop_reason").and_then(Value::as_str) {
                Some("refusal") => Err(ProviderError::Rejected {
                    provider: call.provider,
                    status: 200,
                    message: "the model declined to write this".into(),
                }),
                Some("max_tokens" | "model_context_window_exceeded") => {
                    Err(ProviderError::CutShort {
                        provider: call.provider,
                    })
                }
                _ => Ok(Step::Skip),
            }
        }
        Some("message_stop") => Ok(Step::Done),
        Some("error") => {
            let message = value
                .pointer("/error/message")
                .and_then(Value::as_str)
                .unwrap_or("the stream reported an error")
                .to_owned();
            // `overloaded_error` and `api_error` mid-stream are worth another try.
            Err(ProviderError::Unavailable {
                provider: call.provider,
                status: 529,
                message,
            })
        }
        _ => Ok(Step::Skip),
    }
}

fn gemini_step(call: &Call<'_>, event: &Event) -> Result<Step, ProviderError> {
    let value: Value = serde_json::from_str(&event.data)
        .map_err(|e| call.bad_response(format!("a streamed event is not JSON: {e}")))?;
    if let Some(reason) = super::gemini::blocked_reason(&value) {
        return Err(ProviderError::Rejected {
            provider: call.provider,
            status: 200,
            message: reason,
        });
    }
    let text: String = value
        .pointer("/candidates/0/content/parts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("text").and_then(Value::as_str))
        .collect();
    let finish = value
        .pointer("/candidates/0/finishReason")
        .and_then(Value::as_str);
    if finish == Some("MAX_TOKENS") {
        return Err(ProviderError::CutShort {
            provider: call.provider,
        });
    }
    let finished = finish.is_some();
    Ok(match (text.is_empty(), finished) {
        (false, false) => Step::Text(text),
        (false, true) => Step::Last(text),
        (true, true) => Step::Done,
        (true, false) => Step::Skip,
    })
}

/// Streams one answer: returns the whole text, and calls `on_text` with the text so far
/// after every piece.
pub(crate) async fn answer(
    call: &Call<'_>,
    req: &TextRequest<'_>,
    on_text: &(dyn Fn(&str) + Send + Sync),
) -> Result<String, ProviderError> {
    let (path, body, auth) = request(call.provider, req);
    let mut response = call.post_stream(&path, auth, &body).await?;
    let is_events = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    if !is_events {
        // A whole JSON answer instead of events (Gemini answers a blocked prompt that way
        // through some gateways): read as one event.
        let data = response.text().await.map_err(|e| call.transport_error(e))?;
        return match step(call, &Event { name: None, data })? {
            Step::Text(text) | Step::Last(text) => {
                on_text(&text);
                Ok(text)
            }
            Step::Done | Step::Skip => Err(call.bad_response("an empty answer")),
        };
    }
    let mut reader = EventReader::default();
    let mut text = String::new();
    let mut done = false;
    while !done {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => return Err(call.transport_error(e)),
        };
        // The observer hears once per chunk read, however many events it held: a stream
        // that arrives faster than it is read costs one look at the text so far, not one
        // per piece.
        let before = text.len();
        for event in reader.feed(&chunk) {
            match step(call, &event)? {
                Step::Text(piece) => text.push_str(&piece),
                Step::Last(piece) => {
                    text.push_str(&piece);
                    done = true;
                }
                Step::Done => done = true,
                Step::Skip => {}
            }
        }
        if text.len() > before {
            on_text(&text);
        }
    }
    if !done {
        return Err(ProviderError::Network {
            provider: call.provider,
            message: "the answer was cut off before its end".into(),
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_across_any_split_of_the_bytes() {
        let wire = "event: content_block_delta\ndata: {\"a\":1}\n\n: a comment\n\ndata: line one\ndata: line two\r\n\r\ndata: [DONE]\n\n";
        for cut in 0..wire.len() {
            let mut reader = EventReader::default();
            let mut events = reader.feed(&wire.as_bytes()[..cut]);
            events.extend(reader.feed(&wire.as_bytes()[cut..]));
            assert_eq!(
                events,
                vec![
                    Event {
                        name: Some("content_block_delta".into()),
                        data: "{\"a\":1}".into()
                    },
                    Event {
                        name: None,
                        data: "line one\nline two".into()
                    },
                    Event {
                        name: None,
                        data: "[DONE]".into()
                    },
                ],
                "cut at {cut}"
            );
        }
    }
}
