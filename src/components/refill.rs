//! A plain form the server refused comes back to its page with what was typed in the
//! address (`server::web::plain_forms`); its page starts from those values, not empty fields.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::domain::form::Refill;

/// The fields this page's address carries back from a refused plain post to the server
/// function at `fn_url`, if it carries any.
pub fn use_refill(fn_url: &str) -> Option<Refill> {
    use_query_map().with_untracked(|params| {
        Refill::from_params(
            fn_url,
            params
                .latest_values()
                .map(|(name, value)| (name.as_ref(), value)),
        )
    })
}
