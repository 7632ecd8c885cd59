//! A failure told in plain words, with the way forward as a button.

use leptos::prelude::*;

use crate::domain::AppError;

#[component]
pub fn ErrorNotice(
    error: AppError,
    /// Label and handler of the button that retries, if the failure is worth retrying.
    #[prop(optional, into)]
    retry_label: Option<String>,
    #[prop(optional)] on_retry: Option<Callback<()>>,
) -> impl IntoView {
    let retry = on_retry.map(|cb| {
        let label = retry_label.unwrap_or_else(|| "Retry".into());
        view! {
            <button type="button" class="retry" on:click=move |_| cb.run(())>
                {label}
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
