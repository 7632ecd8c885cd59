//! What a provider's error answer means, read from its status and body in every shape the
//! providers send (`shared/PROVIDERS.md`): OpenAI's and Gemini's `{error:{message}}`, xAI's
//! `{code, error:"…"}` (a plain string), Anthropic's `{type:"error", error:{…}}`. Account
//! states that look like other errors — no billing, an unverified organisation, a key without
//! image quota, an API not enabled — are told apart here: they are final, never retried,
//! and never called "busy" or "bad key".

use std::time::Duration;

use serde_json::Value;

use super::error::{from_status, AccountProblem, ProviderError};
use crate::domain::Provider;

/// The error an answer with HTTP `status` and `body` stands for. `retry_after` is what the
/// headers said; Gemini says it in the body instead.
pub(crate) fn classify(
    provider: Provider,
    status: u16,
    body: &str,
    retry_after: Option<Duration>,
) -> ProviderError {
    let json: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let message = error_text(&json, body);
    let account = |problem| ProviderError::Account {
        provider,
        problem,
        message: message.clone(),
    };
    let code = json
        .pointer("/error/code")
        .or_else(|| json.get("code"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let lower = message.to_lowercase();
    if is_model_gone(status, code, &lower) {
        return ProviderError::ModelGone { provider, message };
    }
    match (provider, status) {
        (Provider::OpenAi, 429)
            if code == "insufficient_quota"
                || json.pointer("/error/type").and_then(Value::as_str)
                    == Some("insufficient_quota") =>
        {
            account(AccountProblem::NoCredits)
        }
        (Provider::OpenAi, 403) if lower.contains("must be verified") => {
            account(AccountProblem::OrganizationNotVerified)
        }
        // xAI answers a bad key with 400 and a team without credits with 403.
        (Provider::Xai, 400) if lower.contains("api key") => {
            ProviderError::Unauthorized { provider, message }
        }
        (Provider::Xai, 403) => account(AccountProblem::NoCredits),
        (Provider::Anthropic, 400) if lower.contains("credit balance") => {
            account(AccountProblem::NoCredits)
        }
        // Gemini answers a bad key with 400 INVALID_ARGUMENT (sometimes 403).
        (Provider::Gemini, 400 | 403) if is_gemini_bad_key(&json, &lower) => {
            ProviderError::Unauthorized { provider, message }
        }
        (Provider::Gemini, 403) => account(AccountProblem::ApiNotEnabled),
        (Provider::Gemini, 429) if is_gemini_quota_exhausted(&json, &lower) => {
            account(AccountProblem::NoQuota)
        }
        (Provider::Gemini, 429) => from_status(
            provider,
            status,
            message,
            retry_after.or_else(|| gemini_retry_delay(&json)),
        ),
        _ => from_status(provider, status, message, retry_after),
    }
}

/// A model that does not exist (any more), in each provider's words: OpenAI's
/// `model_not_found`, Anthropic's 404 `model: …`, Gemini's 404 `models/… is not found`,
/// xAI's "The model … does not exist", and the "deprecated"/"retired" answers some give a
/// shut-down model. A 404 about anything else (a clip's request id) is not one.
fn is_model_gone(status: u16, code: &str, lower_message: &str) -> bool {
    let about_a_model = lower_message.contains("model");
    let gone_words = [
        "does not exist",
        "not found",
        "deprecated",
        "retired",
        "no longer available",
        "has been shut down",
        "been discontinued",
    ];
    code == "model_not_found"
        || (status == 404 && about_a_model)
        || (matches!(status, 400 | 410)
            && about_a_model
            && gone_words.iter().any(|w| lower_message.contains(w)))
}

/// The provider's own words: `error.message`, `error` as a string, or `message`; a body
/// that is not JSON is cut short; JSON without any of those never reaches a page raw.
pub(crate) fn error_text(json: &Value, body: &str) -> String {
    let text = json
        .pointer("/error/message")
        .or_else(|| json.get("error").filter(|e| e.is_string()))
        .or_else(|| json.get("message"))
        .and_then(Value::as_str);
    match text {
        Some(text) => text.trim().to_owned(),
        None if json.is_null() && !body.trim().is_empty() => body.chars().take(200).collect(),
        None => "no details given".to_owned(),
    }
}

fn is_gemini_bad_key(json: &Value, lower_message: &str) -> bool {
    lower_message.contains("api key not valid")
        || details(json).any(|d| d.get("reason").and_then(Value::as_str) == Some("API_KEY_INVALID"))
}

/// A quota of `limit: 0` (a free key on an image model) or a per-day quota: waiting a few
/// seconds will not help.
fn is_gemini_quota_exhausted(json: &Value, lower_message: &str) -> bool {
    let per_day_or_zero = |v: &Value| {
        v.get("quotaId")
            .and_then(Value::as_str)
            .is_some_and(|id| id.contains("PerDay"))
            || v.get("quotaValue").and_then(Value::as_str) == Some("0")
    };
    lower_message.contains("limit: 0")
        || details(json).any(|d| {
            d.get("violations")
                .and_then(Value::as_array)
                .is_some_and(|vs| vs.iter().any(per_day_or_zero))
        })
}

/// Gemini's wait before a retry, from `google.rpc.RetryInfo` (`"retryDelay": "37s"`).
fn gemini_retry_delay(json: &Value) -> Option<Duration> {
    details(json)
        .filter(|d| {
            d.get("@type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.ends_with("google.rpc.RetryInfo"))
        })
        .find_map(|d| d.get("retryDelay").and_then(Value::as_str))
        .and_then(|s| s.trim().strip_suffix('s'))
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

fn details(json: &Value) -> impl Iterator<Item = &Value> {
    json.pointer("/error/details")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_account(e: &ProviderError, want: AccountProblem) -> bool {
        matches!(e, ProviderError::Account { problem, .. } if *problem == want)
    }

    #[test]
    fn account_states_are_final_and_named() {
        let openai_quota = r#"{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#;
        let e = classify(
            Provider::OpenAi,
            429,
            openai_quota,
            Some(Duration::from_secs(1)),
        );
        assert!(is_account(&e, AccountProblem::NoCredits), "{e:?}");
        assert!(!e.is_retryable());
        assert!(e.user_message().contains("You exceeded your current quota"));

        let verify = r#"{"error":{"message":"Your organization must be verified to use the model `gpt-image-1`.","type":"invalid_request_error","param":null,"code":null}}"#;
        let e = classify(Provider::OpenAi, 403, verify, None);
        assert!(
            is_account(&e, AccountProblem::OrganizationNotVerified),
            "{e:?}"
        );

        let xai_credits = r#"{"code":"The caller does not have permission","error":"Your team has no credits left."}"#;
        let e = classify(Provider::Xai, 403, xai_credits, None);
        assert!(is_account(&e, AccountProblem::NoCredits), "{e:?}");
        assert!(e.user_message().contains("Your team has no credits left."));

        let zero = r#"{"error":{"code":429,"message":"Quota exceeded for metric: generate_content_free_tier_requests, limit: 0","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"37s"}]}}"#;
        let e = classify(Provider::Gemini, 429, zero, None);
        assert!(is_account(&e, AccountProblem::NoQuota), "{e:?}");
        assert!(!e.is_retryable());

        let disabled = r#"{"error":{"code":403,"message":"Generative Language API has not been used in project 1 before or it is disabled.","status":"PERMISSION_DENIED"}}"#;
        let e = classify(Provider::Gemini, 403, disabled, None);
        assert!(is_account(&e, AccountProblem::ApiNotEnabled), "{e:?}");
    }

    #[test]
    fn bad_keys_are_told_as_bad_keys_in_each_providers_shape() {
        let xai = r#"{"code":"Client specified an invalid argument","error":"Incorrect API key provided: xa***yz. You can obtain an API key from https://console.x.ai."}"#;
        assert!(matches!(
            classify(Provider::Xai, 400, xai, None),
            ProviderError::Unauthorized { .. }
        ));
        let gemini = r#"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}"#;
        assert!(matches!(
            classify(Provider::Gemini, 400, gemini, None),
            ProviderError::Unauthorized { .. }
        ));
        // Other 400s stay refusals of the request.
        let bad = r#"{"error":{"code":400,"message":"Invalid JSON payload","status":"INVALID_ARGUMENT"}}"#;
        assert!(matches!(
            classify(Provider::Gemini, 400, bad, None),
            ProviderError::Rejected { .. }
        ));
    }

    #[test]
    fn geminis_wait_comes_from_the_body_and_other_limits_stay_retryable() {
        let busy = r#"{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"37s"}]}}"#;
        let e = classify(Provider::Gemini, 429, busy, None);
        assert!(e.is_retryable());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(37)));
        // OpenAI's ordinary rate limit is still a rate limit.
        let rate = r#"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#;
        assert!(classify(Provider::OpenAi, 429, rate, None).is_retryable());
    }

    #[test]
    fn a_retired_model_is_final_in_each_providers_shape_and_a_missing_clip_is_not() {
        let gone = [
            (
                Provider::OpenAi,
                404,
                r#"{"error":{"message":"The model `gpt-image-1` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}"#,
            ),
            (
                Provider::Anthropic,
                404,
                r#"{"type":"error","error":{"type":"not_found_error","message":"model: claude-sonnet-4-5"},"request_id":"req_1"}"#,
            ),
            (
                Provider::Gemini,
                404,
                r#"{"error":{"code":404,"message":"models/gemini-2.5-flash is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.","status":"NOT_FOUND"}}"#,
            ),
            (
                Provider::Xai,
                404,
                r#"{"code":"Some requested entity was not found","error":"The model grok-4 does not exist or your team 5f0c does not have access to it."}"#,
            ),
            (
                Provider::OpenAi,
                400,
                r#"{"error":{"message":"The model `gpt-4-32k` has been deprecated.","type":"invalid_request_error","code":null}}"#,
            ),
        ];
        for (p, status, body) in gone {
            let e = classify(p, status, body, None);
            assert!(matches!(e, ProviderError::ModelGone { .. }), "{p:?}: {e:?}");
            assert!(!e.is_retryable());
            assert!(e.user_message().contains("no longer offers"), "{e:?}");
        }
        let clip = classify(
            Provider::Xai,
            404,
            r#"{"code":"Some requested entity was not found","error":"No request with id 123"}"#,
            None,
        );
        assert!(matches!(clip, ProviderError::Rejected { .. }), "{clip:?}");
        let temperature = classify(
            Provider::OpenAi,
            400,
            r#"{"error":{"message":"Unsupported value: 'temperature' does not support 0.2 with this model.","code":"unsupported_value"}}"#,
            None,
        );
        assert!(matches!(temperature, ProviderError::Rejected { .. }));
    }

    #[test]
    fn the_message_is_read_from_every_shape_and_never_raw_json() {
        let text =
            |body: &str| error_text(&serde_json::from_str(body).unwrap_or(Value::Null), body);
        assert_eq!(text(r#"{"error":{"message":"m1","type":"x"}}"#), "m1");
        assert_eq!(
            text(r#"{"type":"error","error":{"type":"overloaded_error","message":"m2"}}"#),
            "m2"
        );
        assert_eq!(text(r#"{"code":"c","error":"m3"}"#), "m3");
        assert_eq!(text(r#"{"message":"m4"}"#), "m4");
        assert_eq!(text(r#"{"weird":{"shape":1}}"#), "no details given");
        assert_eq!(text("plain words"), "plain words");
    }
}
