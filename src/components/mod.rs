//! Reusable view pieces.

pub mod about_picture;
pub mod arrival;
pub mod chapter_card;
pub mod confirm;
pub mod demo_banner;
pub mod disclosure;
pub mod error_notice;
pub mod live_events;
pub mod media_pane;
pub mod media_status;
pub mod model_picker;
pub mod narrative;
pub mod network;
pub mod parent_mode;
pub mod post_button;
pub mod read_aloud;
pub mod read_aloud_player;
pub mod refill;
pub mod resource_view;
pub mod start_fresh;
pub mod tier_frame;
pub mod voice_capture;
pub mod voice_input;
pub mod writing_now;
