//! The error every server function returns, in words a person can act on.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What went wrong, said so the reader knows what to do next. Details stay in the server log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The input was refused; the message says how to fix it.
    #[error("{0}")]
    Invalid(String),
    #[error("We couldn't find that. It may have been deleted, or the link is wrong.")]
    NotFound,
    /// It costs money or deletes something, and the tier's parent controls are locked.
    #[error("Ask a grown-up: this needs the parent controls to be unlocked.")]
    ParentOnly,
    /// The input is fine but clashes with what is stored (e.g. a full profile).
    #[error("{0}")]
    Conflict(String),
    /// A spending limit of the tier is reached; the message says when more is possible.
    #[error("{0}")]
    Limited(String),
    /// A provider failed after retries; the message names it and suggests a retry.
    #[error("{0}")]
    Unavailable(String),
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    #[error("We couldn't reach the app server ({0}). Check your connection and try again.")]
    Transport(String),
}

impl AppError {
    /// The server's disk is full or cannot be written: a 503 that says what happened.
    pub fn storage_unavailable() -> AppError {
        AppError::Unavailable(
            "The server's storage is full or cannot be written right now, so nothing was saved. Everything you already have is safe; please try again once space is freed.".into(),
        )
    }

    /// The HTTP status a server function answers with: a reader's mistake is a 4xx, a
    /// provider or storage outage a 503, only our own faults a 500.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Invalid(_) => 422,
            AppError::NotFound => 404,
            AppError::ParentOnly => 403,
            AppError::Conflict(_) => 409,
            AppError::Limited(_) => 429,
            AppError::Unavailable(_) => 503,
            AppError::Internal => 500,
            // Made in the browser when the server could not be reached; never sent.
            AppError::Transport(_) => 502,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                unreadable_request(detail)
            }
            // On the server these come from reading the request's body (not UTF-8, over the
            // size limit); in the browser from reading an answer, which is a transport fault.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(detail) | ServerFnErrorErr::Request(detail) => {
                unreadable_request(detail)
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

/// The server could not read the request (a page from an older version, or a hand-made
/// request): the sender's mistake, so a 422, not our fault.
fn unreadable_request(detail: String) -> AppError {
    let error = AppError::Invalid(format!(
        "The request could not be read ({detail}). Please reload the page and try again."
    ));
    #[cfg(feature = "ssr")]
    let error = crate::api::refuse_unreadable(error);
    error
}

#[cfg(test)]
mod tests {
    use super::AppError;

    #[test]
    fn only_our_own_faults_are_5xx() {
        assert_eq!(AppError::Invalid("x".into()).status_code(), 422);
        assert_eq!(AppError::NotFound.status_code(), 404);
        assert_eq!(AppError::ParentOnly.status_code(), 403);
        assert_eq!(AppError::Conflict("x".into()).status_code(), 409);
        assert_eq!(AppError::Unavailable("x".into()).status_code(), 503);
        assert_eq!(AppError::Internal.status_code(), 500);
    }
}
