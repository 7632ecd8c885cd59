//! A scene while the storyteller writes it: its words as they come, shown where the eye is
//! (in place of the scene or the start form that asked for it), for the first scene and for
//! every scene behind a choice.

use leptos::prelude::*;

use super::live_events::{self, Slot};
use super::narrative::Narrative;
use crate::domain::story::PartialScene;

/// The words of a scene being written, from the stream at `url`, into `words`; the stream
/// is kept in `slot` and closed once the scene is done or failed.
pub fn follow(url: &str, words: RwSignal<Option<PartialScene>>, slot: Slot) {
    words.set(None);
    let events = live_events::open(url, &["words", "done", "failed"], move |name, data| {
        if name == "words" {
            if let Ok(scene) = serde_json::from_str::<PartialScene>(&data) {
                words.set(Some(scene));
            }
        } else {
            // Closed after this event is handled (not from inside its own listener).
            leptos::task::spawn_local(async move { slot.set_value(None) });
        }
    });
    slot.set_value(events);
}

/// What the reader waits for: what was chosen, that the storyteller is writing, and the
/// words so far. Scrolled into view when it appears, so a phone shows it under the thumb.
#[component]
pub fn WritingNow(
    words: RwSignal<Option<PartialScene>>,
    /// "You chose: …", when a choice led here.
    #[prop(into)]
    chosen: Signal<Option<String>>,
    /// What is being written, e.g. "The storyteller is writing the next scene…".
    waiting: &'static str,
) -> impl IntoView {
    let panel = NodeRef::<leptos::html::Div>::new();
    Effect::new(move || {
        if let Some(panel) = panel.get() {
            panel.scroll_into_view();
        }
    });
    view! {
        <div class="writing" role="status" aria-live="polite" node_ref=panel>
            {move || chosen.get().map(|label| view! { <p class="chosen">"You chose: " {label}</p> })}
            <p class="progress">
                <span class="spinner"></span>
                {waiting}
            </p>
            {move || {
                words
                    .get()
                    .map(|scene| {
                        view! {
                            <div class="words-so-far">
                                {scene.title.map(|t| view! { <h2 class="scene-title">{t}</h2> })}
                                <Narrative text=scene.narrative/>
                            </div>
                        }
                    })
            }}
        </div>
    }
    // Type-erased: the pages that hold it are deep enough already.
    .into_any()
}

/// A key for following a first scene's words: random enough that nobody else guesses it.
pub fn new_key() -> String {
    #[cfg(feature = "hydrate")]
    {
        let mut bytes = [0u8; 16];
        if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
            let _ = crypto.get_random_values_with_u8_array(&mut bytes);
        }
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}
