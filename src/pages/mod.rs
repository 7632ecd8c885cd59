//! One file per page.

pub mod family;
pub mod gallery;
pub mod home;
pub mod landing;
pub mod lazy;
pub mod not_found;
pub mod profiles;
pub mod reader;
pub mod scene;
pub mod status;
pub mod story_map;

pub mod tier_layout;

use leptos::prelude::*;

use crate::domain::TierSpec;

/// The tier of the page, as resolved once by [`tier_layout::TierLayout`] for every page under
/// `/:tier`.
pub(crate) fn use_tier() -> &'static TierSpec {
    expect_context::<&'static TierSpec>()
}
