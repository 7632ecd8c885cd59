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
    /// A provider failed after retries; the message names it and suggests a retry.
    #[error("{0}")]
    Unavailable(String),
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    #[error("We couldn't reach the app server ({0}). Check your connection and try again.")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
