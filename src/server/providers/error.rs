//! Provider failures, sorted by what to do about them: retry, or tell the reader.

use std::time::Duration;

use crate::domain::Provider;

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("{provider:?} rate limited: {message}")]
    RateLimited {
        provider: Provider,
        retry_after: Option<Duration>,
        message: String,
    },
    #[error("{provider:?} unavailable (HTTP {status}): {message}")]
    Unavailable {
        provider: Provider,
        status: u16,
        message: String,
    },
    #[error("{provider:?} timed out")]
    Timeout { provider: Provider },
    #[error("{provider:?} unreachable: {message}")]
    Network { provider: Provider, message: String },
    /// 400 (incl. content policy), 404, 422: the same request would fail again.
    #[error("{provider:?} rejected the request (HTTP {status}): {message}")]
    Rejected {
        provider: Provider,
        status: u16,
        message: String,
    },
    #[error("{provider:?} refused the API key: {message}")]
    Unauthorized { provider: Provider, message: String },
    #[error("{provider:?} answered something we could not read: {message}")]
    BadResponse { provider: Provider, message: String },
    /// A failure the provider said not to retry (`x-should-retry: false`).
    #[error("{provider:?} failed and said not to retry (HTTP {status}): {message}")]
    NoRetry {
        provider: Provider,
        status: u16,
        message: String,
    },
    /// The answer stopped at its length limit (`max_tokens`, `length`, `MAX_TOKENS`): cut
    /// short, not malformed, so it is not silently asked for (and paid for) again.
    #[error("{provider:?} stopped at its length limit")]
    CutShort { provider: Provider },
    /// The model does not exist (any more): a 404 "model not found", or an answer that it
    /// was retired. Final: the catalogue's successor takes over, the same call never works.
    #[error("{provider:?} does not offer the model: {message}")]
    ModelGone { provider: Provider, message: String },
    /// The account behind the key cannot do this yet (billing, verification, quota, API
    /// access): final until the family fixes it, so never retried.
    #[error("{provider:?} account: {problem:?}: {message}")]
    Account {
        provider: Provider,
        problem: AccountProblem,
        message: String,
    },
}

/// What is wrong with the provider account, each with its own way forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountProblem {
    /// No billing or credits yet (OpenAI's `insufficient_quota`, an xAI team without credits).
    NoCredits,
    /// OpenAI needs the organisation verified for GPT Image 1 / 1.5.
    OrganizationNotVerified,
    /// A Gemini key without quota for this model (a free key on the image model, or the
    /// day's quota used up).
    NoQuota,
    /// Google refused the project: the API is not enabled, or not offered in the region.
    ApiNotEnabled,
}

impl ProviderError {
    pub fn provider(&self) -> Provider {
        match self {
            ProviderError::RateLimited { provider, .. }
            | ProviderError::Unavailable { provider, .. }
            | ProviderError::Timeout { provider }
            | ProviderError::Network { provider, .. }
            | ProviderError::Rejected { provider, .. }
            | ProviderError::Unauthorized { provider, .. }
            | ProviderError::BadResponse { provider, .. }
            | ProviderError::ModelGone { provider, .. }
            | ProviderError::NoRetry { provider, .. }
            | ProviderError::CutShort { provider }
            | ProviderError::Account { provider, .. } => *provider,
        }
    }

    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ProviderError::RateLimited { .. }
                | ProviderError::Unavailable { .. }
                | ProviderError::Timeout { .. }
                | ProviderError::Network { .. }
        )
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ProviderError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Plain words for the reader; never contains the key.
    pub fn user_message(&self) -> String {
        let name = self.provider().display_name();
        match self {
            ProviderError::RateLimited { .. } => {
                format!("{name} is busy right now (too many requests).")
            }
            ProviderError::Unavailable { .. } | ProviderError::Network { .. } => {
                format!("{name} is not responding right now.")
            }
            ProviderError::Timeout { .. } => format!("{name} took too long to answer."),
            ProviderError::Rejected { message, .. } => {
                // The provider's own sentence keeps its own full stop, not a second one.
                let message = message.trim().trim_end_matches('.');
                format!("{name} refused this request: {message}.")
            }
            ProviderError::Unauthorized { .. } => format!(
                "{name} refused our API key. Ask whoever runs this app to check {}.",
                self.provider().api_key_env()
            ),
            ProviderError::BadResponse { .. } => {
                format!("{name} answered something we could not read.")
            }
            ProviderError::NoRetry { .. } => {
                format!("{name} is not responding right now.")
            }
            ProviderError::CutShort { .. } => {
                format!("{name} stopped before it had finished (it ran out of room).")
            }
            ProviderError::ModelGone { .. } => {
                format!("{name} no longer offers the model this needed.")
            }
            ProviderError::Account {
                problem, message, ..
            } => {
                let key = self.provider().api_key_env();
                let what_to_do = match problem {
                    AccountProblem::NoCredits => format!(
                        "The {name} account of {key} has no billing or credits yet: add them in {name}'s console, then press Retry."
                    ),
                    AccountProblem::OrganizationNotVerified => format!(
                        "{name} wants the organisation verified before it makes these pictures: verify it in {name}'s settings (it can take a few minutes), or choose another image model for new stories."
                    ),
                    AccountProblem::NoQuota => format!(
                        "This {name} key has no quota left for this model (a free key cannot make pictures, or today's quota is used up): use a paid key, or choose another model."
                    ),
                    AccountProblem::ApiNotEnabled => format!(
                        "{name} refused this key's project: enable the Generative Language API for it (or check that it is offered in your region), then press Retry."
                    ),
                };
                format!("{what_to_do} ({name} said: \"{message}\")")
            }
        }
    }
}

/// The error as the provider's `x-should-retry` header has it: `false` makes a retryable
/// failure final, `true` makes a refused request worth another try (never a bad key, an
/// account state or a gone model).
pub(crate) fn with_retry_hint(error: ProviderError, should_retry: Option<bool>) -> ProviderError {
    match (should_retry, error) {
        (Some(false), e) if e.is_retryable() => ProviderError::NoRetry {
            provider: e.provider(),
            status: match &e {
                ProviderError::Unavailable { status, .. } => *status,
                ProviderError::RateLimited { .. } => 429,
                _ => 0,
            },
            message: e.to_string(),
        },
        (
            Some(true),
            ProviderError::Rejected {
                provider,
                status,
                message,
            },
        ) => ProviderError::Unavailable {
            provider,
            status,
            message,
        },
        (_, e) => e,
    }
}

/// Sorts an HTTP error status into the error to act on.
pub(crate) fn from_status(
    provider: Provider,
    status: u16,
    message: String,
    retry_after: Option<Duration>,
) -> ProviderError {
    match status {
        429 => ProviderError::RateLimited {
            provider,
            retry_after,
            message,
        },
        401 | 403 => ProviderError::Unauthorized { provider, message },
        408 | 409 | 500..=599 => ProviderError::Unavailable {
            provider,
            status,
            message,
        },
        _ => ProviderError::Rejected {
            provider,
            status,
            message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_retryable_or_final_errors() {
        let p = Provider::OpenAi;
        let e = |s| from_status(p, s, "m".into(), None);
        for s in [408, 409, 429, 500, 502, 503, 504, 529] {
            assert!(e(s).is_retryable(), "{s}");
        }
        for s in [400, 401, 403, 404, 422] {
            assert!(!e(s).is_retryable(), "{s}");
        }
        assert!(matches!(e(401), ProviderError::Unauthorized { .. }));
        assert!(matches!(e(400), ProviderError::Rejected { .. }));
    }

    #[test]
    fn a_refusal_ends_with_one_full_stop() {
        let e = from_status(
            Provider::OpenAi,
            400,
            "Your request was rejected as a result of our safety system.".into(),
            None,
        );
        assert_eq!(
            e.user_message(),
            "OpenAI refused this request: Your request was rejected as a result of our safety system."
        );
    }

    #[test]
    fn the_providers_retry_hint_wins_over_the_status() {
        let p = Provider::OpenAi;
        let e = |s| from_status(p, s, "m".into(), None);
        assert!(!with_retry_hint(e(500), Some(false)).is_retryable());
        assert!(!with_retry_hint(e(429), Some(false)).is_retryable());
        assert!(with_retry_hint(e(400), Some(true)).is_retryable());
        assert!(!with_retry_hint(e(401), Some(true)).is_retryable());
        assert!(with_retry_hint(e(503), None).is_retryable());
    }

    #[test]
    fn user_messages_name_the_provider_in_plain_words() {
        let e = from_status(Provider::Anthropic, 401, "bad key sk-123".into(), None);
        let msg = e.user_message();
        assert!(msg.contains("Anthropic") && msg.contains("ANTHROPIC_API_KEY"));
        assert!(!msg.contains("sk-123"));
    }
}
