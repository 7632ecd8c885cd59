//! A button that opens a part of the page (a form, a question) in place: a `<details>`
//! disclosure, so it opens before the app has started, or with JavaScript off, too. Once
//! the app runs, `open` follows it both ways (a saved form closes it).

use leptos::prelude::*;

#[component]
pub fn Disclosure(
    /// The button's words.
    label: &'static str,
    /// The button's class.
    class: String,
    open: RwSignal<bool>,
    children: Children,
) -> impl IntoView {
    // The content first: a form that comes back from a plain post with an error opens its
    // disclosure while it is made, and the server renders it open.
    let content = children();
    let open_now = open.get_untracked();
    view! {
        <details
            class="disclosure"
            open=open_now
            prop:open=move || open.get()
            on:toggle=move |ev| open.set(is_open(&ev))
        >
            <summary class=class>{label}</summary>
            {content}
        </details>
    }
}

/// Whether the `<details>` a toggle event comes from is open now.
fn is_open(ev: &leptos::ev::Event) -> bool {
    use leptos::wasm_bindgen::JsCast;
    ev.target()
        .and_then(|target| target.dyn_into::<leptos::web_sys::Element>().ok())
        .is_some_and(|details| details.has_attribute("open"))
}
