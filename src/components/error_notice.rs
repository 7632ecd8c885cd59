//! A failure told in plain words, with the way forward as a button.
//!
//! What a child may read is one short sentence; when a provider or the server's storage
//! failed, its own account (which names the provider and what it said) waits behind "What
//! happened" for a grown-up.

use leptos::prelude::*;

use crate::domain::AppError;

#[component]
pub fn ErrorNotice(
    error: AppError,
    /// What Retry does, if the failure is worth retrying.
    #[prop(optional)]
    on_retry: Option<Callback<()>>,
) -> impl IntoView {
    let retry = on_retry.map(|cb| {
        view! {
            <button type="button" class="retry" on:click=move |_| cb.run(())>
                "Retry"
            </button>
        }
    });
    let (headline, detail) = match error {
        AppError::Unavailable(detail) => (
            "That did not work this time. Nothing is lost.".to_owned(),
            Some(detail),
        ),
        // The server was not reached: offline, that is said plainly (a new scene or story
        // needs the storyteller; what was read before still opens).
        AppError::Transport(detail) if !super::network::online() => (
            "You are offline, so the storyteller cannot write this now. Connect to the internet and try again; the stories you opened before still read offline.".to_owned(),
            Some(detail),
        ),
        AppError::Transport(detail) => (
            "We couldn't reach the app server. Check your connection and try again.".to_owned(),
            Some(detail),
        ),
        other => (other.to_string(), None),
    };
    view! {
        <div class="error-notice" role="alert">
            <p>{headline}</p>
            <WhatHappened detail/>
            {retry}
        </div>
    }
}

/// For grown-ups: a provider's or the server's own account of a failure, behind a
/// disclosure (a child reads only the short sentence above it).
#[component]
pub fn WhatHappened(detail: Option<String>) -> impl IntoView {
    detail.map(|detail| {
        view! {
            <details class="what-happened">
                <summary>"What happened (for grown-ups)"</summary>
                <p>{detail}</p>
            </details>
        }
    })
}
