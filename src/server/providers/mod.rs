//! Provider clients, hand-written on reqwest: one module per provider speaking its wire
//! contract (`shared/PROVIDERS.md`), shared HTTP/error plumbing, and the retry policy.
//! No Leptos types here.

mod anthropic;
mod error;
mod gemini;
mod http;
mod openai;
mod retry;
mod xai;

pub use error::ProviderError;
pub use retry::RetryPolicy;

use serde_json::Value;

use crate::domain::Provider;

/// Where a provider answers and the key it expects. The key never leaves the server.
#[derive(Clone)]
pub struct Endpoint {
    pub base_url: String,
    pub api_key: String,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .finish()
    }
}

/// A text generation: system and user prompts and the JSON schema the answer must follow.
pub struct TextRequest<'a> {
    pub model: &'a str,
    pub system: &'a str,
    pub user: &'a str,
    pub schema_name: &'a str,
    pub schema: &'a Value,
}

/// A text client for one provider, with the retry policy applied to every call.
#[derive(Clone)]
pub struct TextClient {
    http: reqwest::Client,
    provider: Provider,
    endpoint: Endpoint,
    retry: RetryPolicy,
}

impl TextClient {
    pub fn new(
        http: reqwest::Client,
        provider: Provider,
        endpoint: Endpoint,
        retry: RetryPolicy,
    ) -> TextClient {
        TextClient {
            http,
            provider,
            endpoint,
            retry,
        }
    }

    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The model's answer text; the caller parses it (and decides about malformed JSON).
    pub async fn generate_json(&self, req: &TextRequest<'_>) -> Result<String, ProviderError> {
        let call = http::Call {
            http: &self.http,
            provider: self.provider,
            endpoint: &self.endpoint,
            timeout: self.retry.request_timeout,
        };
        let what = format!("{} text ({})", self.provider.key(), req.model);
        self.retry
            .run(&what, || async {
                match self.provider {
                    Provider::OpenAi => openai::chat_json(&call, req).await,
                    Provider::Xai => xai::chat_json(&call, req).await,
                    Provider::Anthropic => anthropic::messages_json(&call, req).await,
                    Provider::Gemini => gemini::generate_json(&call, req).await,
                }
            })
            .await
    }
}
