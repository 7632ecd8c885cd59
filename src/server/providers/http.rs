//! The HTTP plumbing every provider shares: auth headers, timeouts, status mapping and
//! reading the error message out of the provider's error body.

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;

use super::classify::classify;
use super::{Endpoint, ProviderError};
use crate::domain::Provider;

/// How a provider wants its key.
pub(crate) enum Auth {
    Bearer,
    /// Anthropic: `x-api-key` plus the API version header.
    AnthropicKey,
    /// Gemini: `x-goog-api-key`.
    GoogleKey,
}

pub(crate) struct Call<'a> {
    pub http: &'a reqwest::Client,
    pub provider: Provider,
    pub endpoint: &'a Endpoint,
    pub timeout: Duration,
}

impl Call<'_> {
    /// POSTs JSON to `{base_url}{path}` and returns the JSON answer of a 2xx response.
    pub async fn post_json(
        &self,
        path: &str,
        auth: Auth,
        body: &Value,
    ) -> Result<Value, ProviderError> {
        let url = format!("{}{path}", self.endpoint.base_url);
        self.send(path, auth, self.http.post(&url).json(body)).await
    }

    /// POSTs a multipart form (OpenAI image edits) and returns the JSON answer.
    pub async fn post_multipart(
        &self,
        path: &str,
        auth: Auth,
        form: reqwest::multipart::Form,
    ) -> Result<Value, ProviderError> {
        let url = format!("{}{path}", self.endpoint.base_url);
        self.send(path, auth, self.http.post(&url).multipart(form))
            .await
    }

    /// GETs `{base_url}{path}` and returns the JSON answer of a 2xx response.
    pub async fn get_json(&self, path: &str, auth: Auth) -> Result<Value, ProviderError> {
        let url = format!("{}{path}", self.endpoint.base_url);
        self.send(path, auth, self.http.get(&url)).await
    }

    /// POSTs JSON asking for a streamed answer; the caller reads the body as it comes.
    /// An error status is classified like any other (before the stream starts).
    pub async fn post_stream(
        &self,
        path: &str,
        auth: Auth,
        body: &Value,
    ) -> Result<reqwest::Response, ProviderError> {
        let url = format!("{}{path}", self.endpoint.base_url);
        self.respond(path, auth, self.http.post(&url).json(body))
            .await
    }

    async fn send(
        &self,
        path: &str,
        auth: Auth,
        request: reqwest::RequestBuilder,
    ) -> Result<Value, ProviderError> {
        let response = self.respond(path, auth, request).await?;
        response.json::<Value>().await.map_err(|e| {
            if e.is_timeout() {
                ProviderError::Timeout {
                    provider: self.provider,
                }
            } else {
                ProviderError::BadResponse {
                    provider: self.provider,
                    message: e.to_string(),
                }
            }
        })
    }

    /// Sends with the provider's auth and the timeout; a 2xx response, or its error.
    async fn respond(
        &self,
        path: &str,
        auth: Auth,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ProviderError> {
        let key = &self.endpoint.api_key;
        let request = request.timeout(self.timeout);
        let request = match auth {
            Auth::Bearer => request.bearer_auth(key),
            Auth::AnthropicKey => request
                .header("x-api-key", key)
                .header("anthropic-version", "2023-06-01"),
            Auth::GoogleKey => request.header("x-goog-api-key", key),
        };
        let started = std::time::Instant::now();
        let response = request.send().await.map_err(|e| self.transport_error(e))?;
        let status = response.status().as_u16();
        tracing::info!(
            provider = self.provider.key(),
            path,
            status,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "provider call"
        );
        if response.status().is_success() {
            return Ok(response);
        }
        let retry_after = retry_after(response.headers());
        let text = response.text().await.unwrap_or_default();
        Err(classify(self.provider, status, &text, retry_after))
    }

    pub fn transport_error(&self, e: reqwest::Error) -> ProviderError {
        if e.is_timeout() {
            ProviderError::Timeout {
                provider: self.provider,
            }
        } else {
            ProviderError::Network {
                provider: self.provider,
                message: e.to_string(),
            }
        }
    }

    /// Downloads a file the provider handed out by URL (e.g. a temporary image URL).
    /// An expired URL fails as retryable: a new generation gives a new URL.
    pub async fn download(&self, url: &str) -> Result<Vec<u8>, ProviderError> {
        let response = self.open_download(url).await.map_err(|e| match e {
            ProviderError::Rejected {
                provider,
                status,
                message,
            } => ProviderError::Unavailable {
                provider,
                status,
                message,
            },
            other => other,
        })?;
        let bytes = response
            .bytes()
            .await
            .map_err(|e| self.transport_error(e))?;
        Ok(bytes.to_vec())
    }

    /// Starts downloading a file the provider handed out by URL; the caller streams the
    /// body. A URL that is no longer there is a plain failure (not retried here).
    pub async fn open_download(&self, url: &str) -> Result<reqwest::Response, ProviderError> {
        let response = self
            .http
            .get(url)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| self.transport_error(e))?;
        let status = response.status().as_u16();
        if !response.status().is_success() {
            return Err(ProviderError::Rejected {
                provider: self.provider,
                status,
                message: "the temporary file URL had expired or could not be downloaded".into(),
            });
        }
        Ok(response)
    }

    pub fn bad_response(&self, message: impl Into<String>) -> ProviderError {
        ProviderError::BadResponse {
            provider: self.provider,
            message: message.into(),
        }
    }
}

/// `retry-after-ms` (OpenAI) wins over `retry-after` in seconds.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let number = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0)
    };
    number("retry-after-ms")
        .map(|ms| Duration::from_secs_f64(ms / 1000.0))
        .or_else(|| number("retry-after").map(Duration::from_secs_f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_prefers_milliseconds() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "2".parse().expect("header"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert("retry-after-ms", "250".parse().expect("header"));
        assert_eq!(retry_after(&h), Some(Duration::from_millis(250)));
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }
}
