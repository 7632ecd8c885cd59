//! Whether the page in view is shown to a parent, and the way to the parent controls.
//!
//! What costs money or destroys something (a new picture or clip, Retry after a final
//! failure, Delete, profile and photo changes) is shown only to a parent: the server says
//! so with each page's data (it refuses those calls from anyone else too), and the page
//! provides it here for the pieces that draw those controls.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::domain::urls;

#[derive(Clone, Copy)]
struct ParentMode(bool);

/// Called by a page once its data says who is reading it.
pub fn provide_parent_mode(parent: bool) {
    provide_context(ParentMode(parent));
}

/// Whether the page was shown to a parent; a page that never said so is not.
pub fn is_parent() -> bool {
    use_context::<ParentMode>().is_some_and(|mode| mode.0)
}

/// For everyone else: a quiet way for a grown-up to open the parent controls, coming back
/// to this page.
#[component]
pub fn AskAGrownUp(
    tier: &'static str,
    /// What the parent controls would show here, e.g. "delete stories".
    what: &'static str,
) -> impl IntoView {
    let location = use_location();
    let here = move || location.pathname.get();
    view! {
        <p class="ask-a-grown-up">
            <a href=move || urls::parent_controls(tier, &here()) rel="external">
                "Grown-ups: " {what}
            </a>
        </p>
    }
}
