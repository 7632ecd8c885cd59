//! A button that asks first: "Delete" opens the question with "Yes, delete" and "Keep it",
//! "New picture" says what a new one costs with "Yes, make a new one" and "Keep this one",
//! so nothing is deleted or bought by one stray tap.
//!
//! It is a [`Disclosure`], so asking works before the app has started (or with
//! JavaScript off) too, and the yes button is a [`PostButton`].

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::Serialize;

use super::disclosure::Disclosure;
use super::post_button::PostButton;

#[component]
pub fn Confirm<S>(
    /// The first button's label, e.g. "Delete profile".
    label: &'static str,
    /// Extra class on the first button, for tests and styling.
    #[prop(optional)]
    class: &'static str,
    /// What will be lost or bought, said as a question.
    question: String,
    /// The button that does it.
    #[prop(default = "Yes, delete")]
    yes: &'static str,
    #[prop(default = "button danger confirm-delete")] yes_class: &'static str,
    /// The button that changes nothing.
    #[prop(default = "Keep it")]
    no: &'static str,
    /// The first button's look: `danger` for what destroys, `paid` for what costs.
    #[prop(default = "danger")]
    tone: &'static str,
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
        <Disclosure label class=format!("button {tone} {class}") open>
            <div class="confirm" role="alert">
                {question}
                " "
                <PostButton input label=yes class=yes_class pending on_press=on_confirm/>
                <button type="button" class="button keep-it" on:click=move |_| open.set(false)>
                    {no}
                </button>
            </div>
        </Disclosure>
    }
    .into_any()
}
