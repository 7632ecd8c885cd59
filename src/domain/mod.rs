//! Types shared by the server and the browser: no I/O here, so both targets compile them.

pub mod aspect;
pub mod catalogue;
pub mod character_traits;
pub mod error;
pub mod family;
pub mod form;
pub mod gallery;
pub mod html;
pub mod image_model;
pub(crate) mod keyed;
pub mod media;
pub mod profile;
pub mod provider;
pub mod read_aloud;
pub mod status;
pub mod story;
pub mod story_map;
pub mod template;
pub mod text_model;
pub mod tier;
pub mod urls;
pub mod video_model;
pub mod voice;

pub use catalogue::{Catalogue, ModelKind, NarrationModelSpec, Resolved, SpeechModelSpec};
pub use error::AppError;
pub use image_model::ImageModelSpec;
pub use provider::Provider;
pub use story::{Prompt, PromptError, StoryLength};
pub use text_model::TextModelSpec;
pub use tier::TierSpec;
pub use video_model::VideoModelSpec;
