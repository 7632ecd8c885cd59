//! Anthropic: the messages API. It has no schema parameter, so the schema goes into the
//! system prompt and the caller validates the JSON it gets back.

use serde_json::{json, Value};

use super::http::{Auth, Call};
use super::{ProviderError, TextRequest};

pub(crate) async fn messages_json(
    call: &Call<'_>,
    req: &TextRequest<'_>,
) -> Result<String, ProviderError> {
    let system = format!(
        "{}\n\nAnswer with a single JSON object only (no prose, no code fence) that follows this JSON schema:\n{}",
        req.system, req.schema
    );
    let body = json!({
        "model": req.model,
        "max_tokens": 2048,
        "system": system,
        "messages": [{ "role": "user", "content": req.user }],
    });
    let answer = call
        .post_json("/messages", Auth::AnthropicKey, &body)
        .await?;
    let blocks = answer
        .get("content")
        .and_then(Value::as_array)
        .ok_or_else(|| call.bad_response("no content in the answer"))?;
    let text: String = blocks
        .iter()
        .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
        .filter_map(|b| b.get("text").and_then(Value::as_str))
        .collect();
    Ok(text)
}
