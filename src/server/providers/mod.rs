//! Provider clients, hand-written on reqwest: one module per provider speaking its wire
//! contract (`shared/PROVIDERS.md`), shared HTTP/error plumbing, and the retry policy.
//! No Leptos types here.

mod classify;
mod error;
mod gemini;
mod http;
mod hub;
mod narration;
mod openai;
mod retry;
mod stream;
mod xai;

pub use error::{AccountProblem, ProviderError};
pub use hub::{ProviderHub, Retries, DEMO_API_KEY};
pub use narration::{PcmStream, SpeechRequest};
pub use retry::{RetryObserver, RetryPolicy, ON_RETRY};
pub use xai::VideoPoll;

use serde_json::Value;

use crate::domain::aspect::AspectRatio;
use crate::domain::{ImageModelSpec, Provider};

/// Pages of a model listing read at most (1000 models a page).
const MAX_LIST_PAGES: usize = 20;

/// A page token as a query value (tokens are opaque; some hold `=` or `/`).
fn query_value(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Longest wait for the key check's model listing.
const KEY_CHECK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// Where a provider answers and the key it expects. The key never leaves the server.
#[derive(Clone)]
pub struct Endpoint {
    pub base_url: String,
    pub api_key: String,
}

impl Endpoint {
    /// Provider `p` as the simulator serving at `sim_base_url` speaks it (demo mode, tests).
    pub fn simulated(sim_base_url: &str, p: Provider, api_key: &str) -> Endpoint {
        Endpoint {
            base_url: format!("{sim_base_url}{}", simulated(p).path()),
            api_key: api_key.to_owned(),
        }
    }
}

/// The simulator's name for provider `p`.
pub fn simulated(p: Provider) -> provider_sim::Provider {
    match p {
        Provider::OpenAi => provider_sim::Provider::OpenAi,
        Provider::Anthropic => provider_sim::Provider::Anthropic,
        Provider::Xai => provider_sim::Provider::Xai,
        Provider::Gemini => provider_sim::Provider::Gemini,
    }
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

/// A client for one provider, with the retry policy applied to every call.
#[derive(Clone)]
pub struct ProviderClient {
    http: reqwest::Client,
    provider: Provider,
    endpoint: Endpoint,
    retry: RetryPolicy,
}

impl ProviderClient {
    pub fn new(
        http: reqwest::Client,
        provider: Provider,
        endpoint: Endpoint,
        retry: RetryPolicy,
    ) -> ProviderClient {
        ProviderClient {
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
        self.stream_json(req, &|_| {}).await
    }

    /// The model's answer text, streamed: `on_text` sees the text so far after every piece
    /// (from the start again when an attempt is retried).
    pub async fn stream_json(
        &self,
        req: &TextRequest<'_>,
        on_text: &(dyn Fn(&str) + Send + Sync),
    ) -> Result<String, ProviderError> {
        let call = self.call();
        let what = format!("{} text ({})", self.provider.key(), req.model);
        self.retry
            .run(&what, || async {
                on_text("");
                stream::answer(&call, req, on_text).await
            })
            .await
    }

    /// One illustration for `prompt` in the given shape, as image file bytes (PNG or JPEG).
    /// With reference photos it goes through the provider's editing path (OpenAI images
    /// edits, xAI image edits, Gemini inline image parts); the caller keeps their number
    /// within the model's limit.
    /// The model ids the key can see: the free call the key check makes (`GET /models`).
    pub async fn list_models(&self) -> Result<Vec<String>, ProviderError> {
        let auth = match self.provider {
            Provider::Anthropic => http::Auth::AnthropicKey,
            Provider::Gemini => http::Auth::GoogleKey,
            Provider::OpenAi | Provider::Xai => http::Auth::Bearer,
        };
        // A listing is quick: a provider that hangs must not hold the status page for the
        // minutes a reasoning model's text call is allowed.
        let call = http::Call {
            timeout: KEY_CHECK_TIMEOUT,
            ..self.call()
        };
        // Gemini pages by `pageToken` (50 a page unless `pageSize`, at most 1000),
        // Anthropic by `after_id` while `has_more` (20 unless `limit`, at most 1000); OpenAI
        // and xAI answer the whole list at once.
        let mut ids = Vec::new();
        let mut next: Option<String> = None;
        for _ in 0..MAX_LIST_PAGES {
            let path = match (self.provider, &next) {
                (Provider::Gemini, None) => "/models?pageSize=1000".to_owned(),
                (Provider::Gemini, Some(token)) => {
                    format!("/models?pageSize=1000&pageToken={}", query_value(token))
                }
                (Provider::Anthropic, None) => "/models?limit=1000".to_owned(),
                (Provider::Anthropic, Some(after)) => {
                    format!("/models?limit=1000&after_id={}", query_value(after))
                }
                _ => "/models".to_owned(),
            };
            let answer = call.get_json(&path, auth).await?;
            ids.extend(
                answer
                    .get("data")
                    .or_else(|| answer.get("models"))
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|m| {
                        m.get("id")
                            .or_else(|| m.get("name"))
                            .and_then(Value::as_str)
                    })
                    .map(|id| id.trim_start_matches("models/").to_owned()),
            );
            next = match self.provider {
                Provider::Gemini => answer
                    .get("nextPageToken")
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned),
                Provider::Anthropic if answer.get("has_more") == Some(&Value::Bool(true)) => answer
                    .get("last_id")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                _ => None,
            };
            if next.is_none() {
                break;
            }
        }
        Ok(ids)
    }

    /// A picture from the model. An answer whose picture is cut off or unreadable is asked
    /// for once more (that buys it twice, so only once); other failures are retried by the
    /// policy.
    pub async fn generate_image(
        &self,
        model: &ImageModelSpec,
        prompt: &str,
        aspect: AspectRatio,
        references: &[ReferenceImage],
    ) -> Result<GeneratedImage, ProviderError> {
        match self
            .generate_image_once(model, prompt, aspect, references)
            .await
        {
            Err(e @ ProviderError::BadResponse { .. }) => {
                tracing::warn!(error = %e, "unreadable picture; asking once more");
                self.generate_image_once(model, prompt, aspect, references)
                    .await
            }
            other => other,
        }
    }

    async fn generate_image_once(
        &self,
        model: &ImageModelSpec,
        prompt: &str,
        aspect: AspectRatio,
        references: &[ReferenceImage],
    ) -> Result<GeneratedImage, ProviderError> {
        let call = http::Call {
            http: &self.http,
            provider: self.provider,
            endpoint: &self.endpoint,
            timeout: self.retry.request_timeout,
        };
        let what = format!("{} image ({})", self.provider.key(), model.key);
        self.retry
            .run(&what, || async {
                let bytes = match self.provider {
                    Provider::OpenAi if references.is_empty() => {
                        openai::generate_image(&call, model, prompt, aspect).await?
                    }
                    Provider::OpenAi => {
                        openai::edit_image(&call, model, prompt, aspect, references).await?
                    }
                    Provider::Xai => {
                        xai::generate_image(&call, model.api_model, prompt, aspect, references)
                            .await?
                    }
                    Provider::Gemini => {
                        gemini::generate_image(&call, model.api_model, prompt, aspect, references)
                            .await?
                    }
                    Provider::Anthropic => {
                        return Err(call.bad_response("Anthropic has no image model"))
                    }
                };
                GeneratedImage::from_bytes(bytes).ok_or_else(|| {
                    call.bad_response("the image data is not a whole PNG, JPEG or WebP file")
                })
            })
            .await
    }
}

/// Recorded speech to transcribe, as the browser sent it (never stored).
#[derive(Clone)]
pub struct SpeechAudio {
    pub bytes: Vec<u8>,
    /// `speech.webm`, `speech.ogg`, …: the extension names the format for the provider.
    pub file_name: String,
    pub mime: &'static str,
}

impl ProviderClient {
    /// The words spoken in `audio` (OpenAI only), retried like every text call.
    pub async fn transcribe(
        &self,
        model: &str,
        audio: &SpeechAudio,
    ) -> Result<String, ProviderError> {
        let call = self.call();
        match self.provider {
            Provider::OpenAi => {
                self.retry
                    .run("openai transcription", || {
                        openai::transcribe(&call, model, audio)
                    })
                    .await
            }
            other => Err(call.bad_response(format!("{} has no transcription", other.key()))),
        }
    }

    fn call(&self) -> http::Call<'_> {
        http::Call {
            http: &self.http,
            provider: self.provider,
            endpoint: &self.endpoint,
            timeout: self.retry.request_timeout,
        }
    }

    /// Submits a clip (retried like every media call); answers the request id.
    pub async fn submit_video(&self, req: &VideoRequest<'_>) -> Result<String, ProviderError> {
        let call = self.call();
        match self.provider {
            Provider::Xai => {
                self.retry
                    .run("xai video submit", || xai::submit_video(&call, req))
                    .await
            }
            _ => Err(call.bad_response("only xAI makes videos")),
        }
    }

    /// One status poll of a submitted clip (transient errors retried).
    pub async fn poll_video(&self, request_id: &str) -> Result<VideoPoll, ProviderError> {
        let call = self.call();
        self.retry
            .run("xai video status", || xai::poll_video(&call, request_id))
            .await
    }

    /// Opens the download of a finished clip's temporary URL.
    pub async fn open_download(&self, url: &str) -> Result<reqwest::Response, ProviderError> {
        self.call().open_download(url).await
    }
}

/// A clip to make (Grok Imagine video).
pub struct VideoRequest<'a> {
    pub model: &'a str,
    pub prompt: &'a str,
    /// The scene's image: image-to-video when present.
    pub image: Option<&'a ReferenceImage>,
    pub duration_s: u32,
    pub aspect: AspectRatio,
    pub resolution: &'a str,
    /// `generate_audio`: whether the clip gets a soundtrack; `None` sends nothing.
    pub sound: Option<bool>,
}

/// A reference photo sent with an image request (memory mode).
#[derive(Debug, Clone)]
pub struct ReferenceImage {
    pub bytes: Vec<u8>,
    /// `image/png` or `image/jpeg`.
    pub mime: &'static str,
    /// File name in a multipart upload, e.g. `mia.jpg`.
    pub file_name: String,
}

impl ReferenceImage {
    /// The photo as a `data:` URI (xAI takes images as URLs).
    pub fn data_uri(&self) -> String {
        use base64::Engine as _;
        format!(
            "data:{};base64,{}",
            self.mime,
            base64::engine::general_purpose::STANDARD.encode(&self.bytes)
        )
    }

    pub fn base64(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(&self.bytes)
    }
}

/// An image as a provider returned it, checked to be a PNG or JPEG by its first bytes.
#[derive(Debug, Clone)]
pub struct GeneratedImage {
    pub bytes: Vec<u8>,
    /// File extension for the bytes: `png`, `jpg` or `webp`.
    pub extension: &'static str,
}

impl GeneratedImage {
    /// The picture when the bytes are a whole one (a cut-off answer is not).
    fn from_bytes(bytes: Vec<u8>) -> Option<GeneratedImage> {
        let extension = crate::server::media_store::whole::image_format(&bytes)?;
        Some(GeneratedImage { bytes, extension })
    }
}

/// Decodes a provider's base64 image field.
pub(crate) fn decode_base64(call: &http::Call<'_>, data: &str) -> Result<Vec<u8>, ProviderError> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|e| call.bad_response(format!("invalid base64 image: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalogue::CatalogueRows;
    use crate::domain::{
        Catalogue, ModelKind, NarrationModelSpec, SpeechModelSpec, TextModelSpec, VideoModelSpec,
    };
    use provider_sim::model_lists::{look_up, Offer};

    fn kind(kind: ModelKind) -> provider_sim::ModelKind {
        match kind {
            ModelKind::Text => provider_sim::ModelKind::Text,
            ModelKind::Image => provider_sim::ModelKind::Image,
            ModelKind::Video => provider_sim::ModelKind::Video,
            ModelKind::SpeechToText => provider_sim::ModelKind::SpeechToText,
            ModelKind::TextToSpeech => provider_sim::ModelKind::TextToSpeech,
        }
    }

    /// Demo mode sends the built-in ids to the simulator: every current one must be offered
    /// (of its kind) and every one past its date retired, or demo mode tells a lie.
    fn agrees<M: CatalogueRows>(c: &Catalogue, today: &str) {
        for m in c.all::<M>() {
            let offer = look_up(simulated(m.provider()), m.api_model());
            if m.life().is_retired(today) {
                assert_eq!(offer, Offer::Retired, "{}", m.api_model());
            } else {
                assert_eq!(offer, Offer::Offered(kind(M::KIND)), "{}", m.api_model());
            }
        }
    }

    #[test]
    fn the_simulated_providers_offer_every_current_built_in_model_and_refuse_the_retired() {
        let c = Catalogue::built_in();
        let today = "2026-12-07";
        agrees::<TextModelSpec>(&c, today);
        agrees::<ImageModelSpec>(&c, today);
        agrees::<VideoModelSpec>(&c, today);
        agrees::<SpeechModelSpec>(&c, today);
        agrees::<NarrationModelSpec>(&c, today);
    }

    #[test]
    fn each_provider_has_its_own_place_on_the_simulator() {
        let paths: std::collections::BTreeSet<_> =
            Provider::ALL.iter().map(|p| simulated(*p).path()).collect();
        assert_eq!(paths.len(), Provider::ALL.len());
        for p in Provider::ALL {
            assert_eq!(
                simulated(p).key(),
                p.key(),
                "the simulator counts calls by the key"
            );
        }
    }
}
