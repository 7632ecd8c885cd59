//! xAI: the chat API is OpenAI-compatible (JSON-schema output included).

use super::http::Call;
use super::{openai, ProviderError, TextRequest};

pub(crate) async fn chat_json(
    call: &Call<'_>,
    req: &TextRequest<'_>,
) -> Result<String, ProviderError> {
    openai::chat_json(call, req).await
}
