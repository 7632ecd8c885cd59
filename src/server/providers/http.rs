//! The HTTP plumbing every provider shares: auth headers, timeouts, status mapping and
//! reading the error message out of the provider's error body.

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;

use super::classify::classify;
use super::error::with_retry_hint;
use super::{Endpoint, ProviderError};
use crate::domain::Provider;

/// How a provider wants its key.
#[derive(Debug, Clone, Copy)]
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
        let should_retry = should_retry(response.headers());
        let text = response.text().await.unwrap_or_default();
        Err(with_retry_hint(
            classify(self.provider, status, &text, retry_after),
            should_retry,
        ))
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

/// `retry-after-ms` (OpenAI) wins over `retry-after`, in seconds or as an HTTP date (as both
/// official SDKs read it).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let seconds = |v: &str| v.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
    if let Some(ms) = text("retry-after-ms").and_then(seconds) {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = text("retry-after")?;
    seconds(value)
        .map(Duration::from_secs_f64)
        .or_else(|| until_http_date(value, time::OffsetDateTime::now_utc()))
}

/// How long until an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`); a date past is no wait.
fn until_http_date(value: &str, now: time::OffsetDateTime) -> Option<Duration> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let at = time::PrimitiveDateTime::parse(value, &format)
        .ok()?
        .assume_utc();
    Some(Duration::try_from(at - now).unwrap_or(Duration::ZERO))
}

/// `x-should-retry: true|false`, the providers' word on whether to try again.
fn should_retry(headers: &HeaderMap) -> Option<bool> {
    match headers.get("x-should-retry")?.to_str().ok()?.trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
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

    #[test]
    fn retry_after_may_be_an_http_date_and_should_retry_is_read() {
        let now = time::macros::datetime!(2026-12-07 10:00:00 UTC);
        assert_eq!(
            until_http_date("Mon, 07 Dec 2026 10:00:03 GMT", now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            until_http_date("Mon, 07 Dec 2026 09:59:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(until_http_date("soon", now), None);
        let mut h = HeaderMap::new();
        h.insert("x-should-retry", "false".parse().expect("header"));
        assert_eq!(should_retry(&h), Some(false));
        h.insert("x-should-retry", "true".parse().expect("header"));
        assert_eq!(should_retry(&h), Some(true));
    }
}
