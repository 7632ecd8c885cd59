//! The story engine: builds each scene's prompt from the path so far, asks the story's
//! text model for strict scene JSON, and stores the tree of scenes and choices.

mod engine;
mod error;
pub mod export;
pub mod gallery;
pub mod ideas;
pub mod length;
pub mod map;
pub mod partial;
pub mod prompt;
pub mod recap;
pub mod scene_json;
pub mod sequel;
pub mod writing;

pub(crate) use engine::story_title;
pub use engine::{abandon, choose, home, scene_view, start, start_followed};
pub use error::StoryError;
