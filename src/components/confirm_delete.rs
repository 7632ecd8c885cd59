//! A delete button that asks first: "Delete" opens the question with "Yes, delete" and
//! "Keep it", so nothing is deleted by one stray click.
//!
//! It is a [`Disclosure`], so asking works before the app has started (or with
//! JavaScript off) too, and "Yes, delete" is a [`PostButton`].

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::Serialize;

use super::disclosure::Disclosure;
use super::post_button::PostButton;

#[component]
pub fn ConfirmDelete<S>(
    /// The first button's label, e.g. "Delete profile".
    label: &'static str,
    /// Extra class on the first button, for tests and styling.
    #[prop(optional)]
    class: &'static str,
    /// What will be lost, said as a question.
    question: String,
    /// The deleting server function's arguments.
    input: S,
    /// True while the deletion runs (the confirm button is disabled).
    #[prop(into)]
    pending: Signal<bool>,
    on_confirm: Callback<S>,
) -> impl IntoView
where
    S: ServerFn + Serialize + Clone + Send + Sync + 'static,
{
    let open = RwSignal::new(false);
    view! {
        <Disclosure label class=format!("button danger {class}") open>
            <div class="confirm" role="alert">
                {question}
                " "
                <PostButton
                    input
                    label="Yes, delete"
                    class="button danger confirm-delete"
                    pending
                    on_press=on_confirm
                />
                <button type="button" class="button keep-it" on:click=move |_| open.set(false)>
                    "Keep it"
                </button>
            </div>
        </Disclosure>
    }
    .into_any()
}
