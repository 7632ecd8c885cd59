//! Reusable view pieces.

pub mod demo_banner;
pub mod error_notice;
pub mod model_picker;
pub mod scene_image;
pub mod tier_frame;
