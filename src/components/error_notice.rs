//! A failure told in plain words, with the way forward as a button.

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
    view! {
        <div class="error-notice" role="alert">
            <p>{error.to_string()}</p>
            {retry}
        </div>
    }
}
