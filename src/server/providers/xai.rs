//! xAI: the chat API is OpenAI-compatible (JSON-schema output included); Grok Imagine
//! images answer a temporary URL, downloaded at once before it expires (FR-008).

use serde_json::{json, Value};

use super::http::{Auth, Call};
use super::{openai, ProviderError, TextRequest};

pub(crate) async fn chat_json(
    call: &Call<'_>,
    req: &TextRequest<'_>,
) -> Result<String, ProviderError> {
    openai::chat_json(call, req).await
}

/// Aspect ratio of story illustrations (FR-007).
const ASPECT_RATIO: &str = "1:1";

pub(crate) async fn generate_image(
    call: &Call<'_>,
    model: &str,
    prompt: &str,
) -> Result<Vec<u8>, ProviderError> {
    let body = json!({
        "model": model,
        "prompt": prompt,
        "n": 1,
        "response_format": "url",
        "aspect_ratio": ASPECT_RATIO,
    });
    let answer = call
        .post_json("/images/generations", Auth::Bearer, &body)
        .await?;
    let item = answer
        .pointer("/data/0")
        .ok_or_else(|| call.bad_response("no data[0] in the answer"))?;
    if let Some(data) = item.get("b64_json").and_then(Value::as_str) {
        return super::decode_base64(call, data);
    }
    let url = item
        .get("url")
        .and_then(Value::as_str)
        .ok_or_else(|| call.bad_response("no url or b64_json in data[0]"))?;
    call.download(url).await
}
