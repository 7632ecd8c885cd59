//! xAI: the chat API is OpenAI-compatible (JSON-schema output included); Grok Imagine
//! images answer a temporary URL, downloaded at once before it expires (FR-008).

use serde_json::{json, Value};

use super::http::{Auth, Call};
use super::{openai, ProviderError, TextRequest};
use crate::domain::aspect::AspectRatio;

pub(crate) async fn chat_json(
    call: &Call<'_>,
    req: &TextRequest<'_>,
) -> Result<String, ProviderError> {
    openai::chat_json(call, req).await
}

pub(crate) async fn generate_image(
    call: &Call<'_>,
    model: &str,
    prompt: &str,
    aspect: AspectRatio,
) -> Result<Vec<u8>, ProviderError> {
    let body = json!({
        "model": model,
        "prompt": prompt,
        "n": 1,
        "response_format": "url",
        "aspect_ratio": aspect.ratio(),
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
