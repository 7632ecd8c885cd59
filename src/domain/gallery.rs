//! What the gallery and the reader show of saved stories.

use serde::{Deserialize, Serialize};

use super::media::MediaView;

/// Completed stories per gallery page.
pub const GALLERY_PAGE_SIZE: u32 = 24;

/// A completed story's card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryCard {
    pub story_id: String,
    pub title: String,
    /// Day it was finished, as a person says it: "today", "3 Dec", "30 Jan 2025".
    pub date: String,
    /// The same day for machines (`<time datetime>`), e.g. "2026-11-25".
    pub date_iso: String,
    pub scenes: u32,
    /// An epic story: the chapters of the path read to its ending ("5 chapters"); 0 for
    /// a story without chapters.
    #[serde(default)]
    pub chapters: u32,
    /// The exact image model; `None` for a text-only story.
    pub image_model_name: Option<String>,
    /// Made in video mode.
    pub has_video: bool,
    /// The story's book cover, else the first scene's picture, when it is there.
    pub cover_url: Option<String>,
    /// `cover_url` is the book cover (made when the story ended): the page sets the title
    /// on it in type.
    #[serde(default)]
    pub is_book_cover: bool,
    /// A sequel: the story it continues.
    #[serde(default)]
    pub sequel_of: Option<super::story::StoryLink>,
    /// Its newest sequel.
    #[serde(default)]
    pub continued_in: Option<super::story::StoryLink>,
}

/// An unfinished story (being read, or put aside with Start fresh), offered to read on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InProgressCard {
    pub story_id: String,
    pub title: String,
    pub scene_id: String,
    pub depth: u32,
    /// An epic story: the chapter the reader is in.
    #[serde(default)]
    pub chapter: Option<u32>,
    pub image_model_name: Option<String>,
    pub has_video: bool,
    /// The first scene's picture, when it is there.
    pub cover_url: Option<String>,
    /// Put aside with Start fresh: no longer offered on the start page.
    pub put_aside: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GalleryPage {
    pub completed: Vec<StoryCard>,
    /// Opaque: pass back to get the next (older) page; `None` on the last page.
    pub next_cursor: Option<String>,
    /// Only on the first page.
    pub in_progress: Vec<InProgressCard>,
    /// Whether this page is shown to a parent (the tier's parent controls are open, or
    /// off): only then does it offer what costs money or destroys something.
    pub parent: bool,
}

/// A saved story in the reader: the scenes of one path, from the first scene down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReaderView {
    pub story_id: String,
    pub title: String,
    pub text_model_name: String,
    pub image_model_name: Option<String>,
    pub has_video: bool,
    pub completed: bool,
    pub scenes: Vec<ReaderScene>,
    /// The scene the reader was opened at (`?end=`, from the map or a branch link), when it
    /// is on this path: marked "you are here", and where the story map opens.
    pub at_scene_id: Option<String>,
    /// How its scenes can be read aloud.
    pub read_aloud: super::read_aloud::ReadAloudOffer,
    /// Some scene of it has been read aloud (so the HTML export can carry the readings).
    pub has_audio: bool,
    /// Whether this page is shown to a parent (the tier's parent controls are open, or
    /// off): only then does it offer what costs money or destroys something.
    pub parent: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReaderScene {
    pub scene_id: String,
    pub depth: u32,
    pub title: Option<String>,
    /// The chapter card heading this scene, when it opens a chapter of an epic story.
    #[serde(default)]
    pub chapter: Option<super::story::ChapterCard>,
    pub narrative: String,
    pub is_ending: bool,
    /// The picture, when the story has images (a lost file has no url).
    pub image: Option<MediaView>,
    /// The clip, in video mode (a lost file has no url; a clip still being made shows so).
    pub video: Option<MediaView>,
    /// The choices of this scene whose branch was explored; `taken` marks the one this
    /// path follows. The others lead to the reader of that branch.
    pub branches: Vec<Branch>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Branch {
    pub label: String,
    pub scene_id: String,
    pub taken: bool,
}
