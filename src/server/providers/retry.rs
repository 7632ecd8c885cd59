//! Retry with exponential backoff and jitter, honouring Retry-After.

use std::future::Future;
use std::time::Duration;

use rand::Rng;

use super::ProviderError;

/// Longest Retry-After we are willing to wait for in one step.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

#[derive(Clone, Debug)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    pub request_timeout: Duration,
}

/// Told `(next attempt, max attempts)` before a retry of a provider call made in this task.
pub type RetryObserver = std::sync::Arc<dyn Fn(u32, u32) + Send + Sync>;

tokio::task_local! {
    /// The observer of the provider calls made within a media job (set with `scope`).
    pub static ON_RETRY: RetryObserver;
}

impl RetryPolicy {
    /// Text: three attempts, 1 s then 2 s apart (plus jitter). A reasoning model (Grok 4.3)
    /// can think for minutes on a scene: the timeout lets a slow but healthy call finish
    /// rather than cutting it off and paying for it again.
    pub fn text() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(8),
            request_timeout: Duration::from_secs(300),
        }
    }

    /// Media is slower and worth more patience.
    pub fn media() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(30),
            request_timeout: Duration::from_secs(180),
        }
    }

    /// Wait before the retry that follows failed attempt `attempt` (1-based).
    pub fn delay_for(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(MAX_RETRY_AFTER);
        }
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(self.max_delay);
        // Up to 25 % jitter, so many clients do not retry in lockstep.
        let jitter_ms = (exp.as_millis() as u64 / 4).max(1);
        exp + Duration::from_millis(rand::thread_rng().gen_range(0..jitter_ms))
    }

    /// Runs `op`, retrying what is worth retrying. Before each retry the task's
    /// [`ON_RETRY`] observer (if any) hears which attempt comes next, so the page can say
    /// "Trying again — 2 of 4" instead of the same words for half a minute.
    pub async fn run<T, F, Fut>(&self, what: &str, mut op: F) -> Result<T, ProviderError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ProviderError>>,
    {
        let mut attempt = 1;
        loop {
            match op().await {
                Ok(value) => return Ok(value),
                Err(err) if err.is_retryable() && attempt < self.max_attempts => {
                    let wait = self.delay_for(attempt, err.retry_after());
                    tracing::warn!(%what, attempt, ?wait, error = %err, "provider call failed; retrying");
                    let _ = ON_RETRY.try_with(|observe| observe(attempt + 1, self.max_attempts));
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err(err) => {
                    tracing::warn!(%what, attempt, error = %err, "provider call failed");
                    return Err(err);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
            request_timeout: Duration::from_secs(1),
        }
    }

    #[test]
    fn delays_grow_exponentially_with_bounded_jitter_and_cap() {
        let p = policy();
        for _ in 0..50 {
            let d1 = p.delay_for(1, None).as_millis();
            let d2 = p.delay_for(2, None).as_millis();
            let d5 = p.delay_for(5, None).as_millis();
            assert!((100..125).contains(&d1), "{d1}");
            assert!((200..250).contains(&d2), "{d2}");
            assert!((300..375).contains(&d5), "{d5}");
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_a_minute() {
        let p = policy();
        assert_eq!(
            p.delay_for(1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            p.delay_for(1, Some(Duration::from_secs(600))),
            MAX_RETRY_AFTER
        );
    }

    #[tokio::test]
    async fn only_retryable_errors_are_retried_up_to_max_attempts() {
        let p = RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            ..policy()
        };
        let mut calls = 0;
        let out: Result<(), _> = p
            .run("t", || {
                calls += 1;
                async {
                    Err(super::super::error::from_status(
                        crate::domain::Provider::OpenAi,
                        500,
                        "x".into(),
                        None,
                    ))
                }
            })
            .await;
        assert!(out.is_err());
        assert_eq!(calls, 4);
        let mut calls = 0;
        let out: Result<(), _> = p
            .run("t", || {
                calls += 1;
                async {
                    Err(super::super::error::from_status(
                        crate::domain::Provider::OpenAi,
                        400,
                        "x".into(),
                        None,
                    ))
                }
            })
            .await;
        assert!(out.is_err());
        assert_eq!(calls, 1);
    }
}
