//! One file per page.

pub mod gallery;
pub mod home;
pub mod landing;
pub mod not_found;
pub mod profiles;
pub mod reader;
pub mod scene;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::domain::TierSpec;

/// The tier named by the `:tier` route segment, if it exists.
pub(crate) fn route_tier() -> impl Fn() -> Option<&'static TierSpec> + Copy {
    let params = use_params_map();
    move || params.with(|p| p.get("tier").and_then(|t| TierSpec::find(&t)))
}
