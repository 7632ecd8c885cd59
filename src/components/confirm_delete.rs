//! A delete button that asks first: "Delete" becomes the question with "Yes, delete" and
//! "Keep it", so nothing is deleted by one stray click.

use leptos::prelude::*;

#[component]
pub fn ConfirmDelete(
    /// The first button's label, e.g. "Delete profile".
    label: &'static str,
    /// Extra class on the first button, for tests and styling.
    #[prop(optional)]
    class: &'static str,
    /// What will be lost, said as a question.
    question: String,
    /// True while the deletion runs (the confirm button is disabled).
    #[prop(into)]
    pending: Signal<bool>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    view! {
        <Show
            when=move || confirming.get()
            fallback=move || {
                view! {
                    <button
                        type="button"
                        class=format!("button danger {class}")
                        on:click=move |_| confirming.set(true)
                    >
                        {label}
                    </button>
                }
            }
        >
            <span class="confirm" role="alert">
                {question.clone()}
                " "
                <button
                    type="button"
                    class="button danger confirm-delete"
                    disabled=move || pending.get()
                    on:click=move |_| on_confirm.run(())
                >
                    "Yes, delete"
                </button>
                <button type="button" class="button" on:click=move |_| confirming.set(false)>
                    "Keep it"
                </button>
            </span>
        </Show>
    }
    .into_any()
}
