//! The parent route `/:tier` of every tier page: resolves the tier once, answers an unknown
//! tier with "not found", and frames the page in the tier's header and theme.

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_params_map;

use super::not_found::NotFound;
use crate::components::tier_frame::TierFrame;
use crate::domain::TierSpec;

#[component]
pub fn TierLayout() -> impl IntoView {
    let params = use_params_map();
    let tier = move || params.with(|p| p.get("tier").and_then(|t| TierSpec::find(&t)));
    move || match tier() {
        Some(tier) => {
            // Pages read it with `use_tier()`.
            provide_context(tier);
            view! {
                <TierFrame tier>
                    <Outlet/>
                </TierFrame>
            }
            .into_any()
        }
        None => view! { <NotFound/> }.into_any(),
    }
}
