//! OpenAI: chat completions with strict JSON-schema output.

use serde_json::{json, Value};

use super::http::{Auth, Call};
use super::{ProviderError, TextRequest};
use crate::domain::aspect::AspectRatio;

/// GPT image models always answer base64 (they take no `response_format`).
pub(crate) async fn generate_image(
    call: &Call<'_>,
    model: &str,
    prompt: &str,
    aspect: AspectRatio,
) -> Result<Vec<u8>, ProviderError> {
    let body = json!({ "model": model, "prompt": prompt, "n": 1, "size": aspect.openai_size(), "quality": "medium" });
    let answer = call
        .post_json("/images/generations", Auth::Bearer, &body)
        .await?;
    let data = answer
        .pointer("/data/0/b64_json")
        .and_then(Value::as_str)
        .ok_or_else(|| call.bad_response("no data[0].b64_json in the answer"))?;
    super::decode_base64(call, data)
}

/// Also used by xAI, whose chat API is OpenAI-compatible.
pub(crate) async fn chat_json(
    call: &Call<'_>,
    req: &TextRequest<'_>,
) -> Result<String, ProviderError> {
    let body = json!({
        "model": req.model,
        "messages": [
            { "role": "system", "content": req.system },
            { "role": "user", "content": req.user },
        ],
        "response_format": {
            "type": "json_schema",
            "json_schema": { "name": req.schema_name, "strict": true, "schema": req.schema },
        },
    });
    let answer = call
        .post_json("/chat/completions", Auth::Bearer, &body)
        .await?;
    let message = answer.pointer("/choices/0/message");
    if let Some(refusal) = message
        .and_then(|m| m.get("refusal"))
        .and_then(Value::as_str)
    {
        return Err(ProviderError::Rejected {
            provider: call.provider,
            status: 200,
            message: refusal.to_owned(),
        });
    }
    message
        .and_then(|m| m.get("content"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| call.bad_response("no choices[0].message.content in the answer"))
}
