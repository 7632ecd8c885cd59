//! When the app itself moves the reader on (Begin, a tap on a choice), the tapped button
//! goes with its page and the focus would fall back to the page's start. The new scene's
//! heading takes it instead: a screen reader reads on from there, and Tab goes on to the
//! choices. A page opened any other way keeps the browser's focus.

use std::cell::Cell;

use leptos::prelude::*;

thread_local! {
    /// Set by the move, taken by the next scene that appears. Browser-only in effect: the
    /// server never moves a reader.
    static ARRIVING: Cell<bool> = const { Cell::new(false) };
}

/// Called just before the app moves to a scene.
pub fn announce_arrival() {
    ARRIVING.with(|arriving| arriving.set(true));
}

/// Focuses `heading` once it is in the document, if the app just moved here.
pub fn focus_on_arrival(heading: NodeRef<leptos::html::H1>) {
    Effect::new(move || {
        let Some(heading) = heading.get() else {
            return;
        };
        if ARRIVING.with(|arriving| arriving.replace(false)) {
            // Once the scene is laid out: an element not shown yet takes no focus.
            request_animation_frame(move || {
                let _ = heading.focus();
            });
        }
    });
}
