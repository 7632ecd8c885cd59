//! xAI: the chat API is OpenAI-compatible (JSON-schema output included); Grok Imagine
//! images answer a temporary URL, downloaded at once before it expires (FR-008).

use serde_json::{json, Value};

use super::http::{Auth, Call};
use super::{openai, ProviderError, ReferenceImage, TextRequest};
use crate::domain::aspect::AspectRatio;

pub(crate) async fn chat_json(
    call: &Call<'_>,
    req: &TextRequest<'_>,
) -> Result<String, ProviderError> {
    openai::chat_json(call, req).await
}

/// With reference photos this is xAI's image editing (`/images/edits`, JSON): one photo as
/// `image: {url}`, several (up to 3) as `images: [{url}]`, each a `data:` URI (FR-011).
pub(crate) async fn generate_image(
    call: &Call<'_>,
    model: &str,
    prompt: &str,
    aspect: AspectRatio,
    references: &[ReferenceImage],
) -> Result<Vec<u8>, ProviderError> {
    let mut body = json!({
        "model": model,
        "prompt": prompt,
        "n": 1,
        "response_format": "url",
        "aspect_ratio": aspect.ratio(),
    });
    let path = match references {
        [] => "/images/generations",
        [one] => {
            body["image"] = json!({ "url": one.data_uri() });
            "/images/edits"
        }
        many => {
            body["images"] = many
                .iter()
                .map(|r| json!({ "url": r.data_uri() }))
                .collect();
            "/images/edits"
        }
    };
    let answer = call.post_json(path, Auth::Bearer, &body).await?;
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
