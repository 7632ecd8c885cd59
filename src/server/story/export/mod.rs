//! Story export (seed feature 009): a finished story taken out of the app as one web page
//! that works offline (`html`) or as a printable book (`pdf`). Both read the same [`Book`]:
//! the story's facts, its explored tree and its scenes in reading order (`order`).
//! Missing or damaged media become labelled placeholders; another tier's story is "not
//! found", like all media.

mod html;
mod order;
mod pdf;
mod typeset;

use std::collections::HashMap;
use std::fmt::Write as _;

use sqlx::FromRow;

pub use html::{html, HtmlExport, CLIPS_MAX_BYTES};
pub use order::{reading_order, Fork, Part};
pub use pdf::{pdf, PdfExport};

use super::engine::{image_model_of, story_title, text_model_label};
use super::map::map;
use super::StoryError;
use crate::domain::media::{MediaKind, VideoMode};
use crate::domain::story_map::StoryMap;
use crate::domain::TierSpec;
use crate::server::db::{self, stories};
use crate::server::media_store::{FileKey, MediaStore};
use crate::server::state::AppState;
use imaging;

/// Pictures are embedded at most this large (longest side, pixels).
const PICTURE_SIDE: usize = 1024;
/// JPEG quality of embedded pictures: small files, no visible loss at print size.
const PICTURE_QUALITY: u8 = 82;

/// One explored scene as an export tells it.
#[derive(Debug, FromRow)]
pub struct BookScene {
    pub id: String,
    pub depth: i64,
    pub title: Option<String>,
    pub narrative: String,
    pub is_ending: bool,
    /// The finished picture's file, if any.
    pub picture: Option<String>,
    /// The finished clip's file, if any.
    pub clip: Option<String>,
    #[sqlx(skip)]
    pub choices: Vec<BookChoice>,
}

impl BookScene {
    /// The scene's title, or "Chapter N" for a scene written without one.
    pub fn heading(&self) -> String {
        self.title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| format!("Chapter {}", self.depth))
    }

    /// The narrative's paragraphs, trimmed, without empty ones.
    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        self.narrative
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
    }
}

/// A choice offered at the end of a scene.
#[derive(Debug, FromRow)]
pub struct BookChoice {
    pub scene_id: String,
    pub label: String,
    /// The scene it led to; `None` while nobody has taken it.
    pub next_scene_id: Option<String>,
}

/// Everything an export shows of a story.
pub struct Book {
    pub tier: &'static TierSpec,
    store: MediaStore,
    pub story_id: String,
    pub title: String,
    /// `2026-11-26`.
    pub date: String,
    pub prompt: String,
    /// "Written by … · Illustrated by … · Clips by …".
    pub models: String,
    /// The story was meant to have pictures: a scene without one shows a placeholder.
    pub illustrated: bool,
    /// The explored tree, without this server's thumbnail URLs.
    pub map: StoryMap,
    pub scenes: HashMap<String, BookScene>,
    /// The scenes in reading order: main path, then each branch.
    pub parts: Vec<Part>,
}

impl Book {
    /// The story of `story_id` in `tier`; "not found" for an unknown id or another tier's.
    pub async fn load(
        state: &AppState,
        tier: &'static TierSpec,
        story_id: &str,
    ) -> Result<Book, StoryError> {
        let story = stories::find_story(&state.db, tier.name, story_id)
            .await?
            .ok_or(StoryError::NotFound)?;
        let created: String = db::query_scalar("SELECT created_at FROM stories WHERE id = ?")
            .bind(story_id)
            .fetch_one(&state.db)
            .await?;
        let mut tree = map(state, tier, story_id).await?;
        // Thumbnails would be URLs of this server: an export must stand alone.
        for scene in &mut tree.scenes {
            scene.picture_url = None;
        }
        let rows: Vec<BookScene> = db::query_as(
            "SELECT s.id, s.depth, s.title, s.narrative, s.is_ending,
                    (SELECT file_name FROM media m WHERE m.scene_id = s.id AND m.kind = 'image' AND m.status = 'complete') AS picture,
                    (SELECT file_name FROM media m WHERE m.scene_id = s.id AND m.kind = 'video' AND m.status = 'complete') AS clip
               FROM scenes s WHERE s.story_id = ? AND s.tier = ?",
        )
        .bind(story_id)
        .bind(tier.name)
        .fetch_all(&state.db)
        .await?;
        let choices: Vec<BookChoice> = db::query_as(
            "SELECT c.scene_id, c.label, k.id AS next_scene_id
               FROM choices c LEFT JOIN scenes k ON k.parent_choice_id = c.id
              WHERE c.story_id = ? AND c.tier = ? ORDER BY c.scene_id, c.position",
        )
        .bind(story_id)
        .bind(tier.name)
        .fetch_all(&state.db)
        .await?;
        let mut scenes: HashMap<String, BookScene> =
            rows.into_iter().map(|s| (s.id.clone(), s)).collect();
        for choice in choices {
            if let Some(scene) = scenes.get_mut(&choice.scene_id) {
                scene.choices.push(choice);
            }
        }
        let mut parts = reading_order(&tree);
        // Only scenes the tree and the table agree on (both read the same rows).
        for part in &mut parts {
            part.scenes.retain(|id| scenes.contains_key(id));
        }
        parts.retain(|p| !p.scenes.is_empty());
        Ok(Book {
            tier,
            store: state.store.clone(),
            story_id: story_id.to_owned(),
            title: story_title(&story),
            date: created.get(..10).unwrap_or(&created).to_owned(),
            prompt: story.prompt.clone(),
            models: models_line(state, &story),
            illustrated: image_model_of(story.image_model.as_deref()).is_some(),
            map: tree,
            scenes,
            parts,
        })
    }

    /// The scenes in reading order, each with the part it opens (if it does).
    pub fn in_reading_order(&self) -> impl Iterator<Item = (&BookScene, Option<&Part>)> {
        self.parts.iter().flat_map(move |part| {
            part.scenes.iter().enumerate().filter_map(move |(i, id)| {
                self.scenes
                    .get(id)
                    .map(|scene| (scene, (i == 0).then_some(part)))
            })
        })
    }

    /// The file's name: the title in safe characters and `extension`.
    pub fn file_name(&self, extension: &str) -> String {
        format!("{}.{extension}", safe_file_name(&self.title))
    }

    /// The key of one of the story's media files.
    pub fn media_key(&self, file: &str) -> FileKey {
        FileKey::media(self.tier.name, &self.story_id, file)
    }

    /// The scene's picture re-encoded as a JPEG of at most 1024 px (a WebP, which we do
    /// not decode, as it is); `None` when the file is gone, damaged or unreadable.
    pub async fn picture(&self, file: &str) -> Option<Picture> {
        let key = self.media_key(file);
        if !self.store.is_intact(&key, MediaKind::Image).await {
            return None;
        }
        let bytes = self.store.get(&key).await.ok()?;
        tokio::task::spawn_blocking(move || match imaging::photo::decode(&bytes) {
            Ok(photo) => {
                let jpeg = photo
                    .pixels
                    .fit_within(PICTURE_SIDE)
                    .to_jpeg(PICTURE_QUALITY);
                (!jpeg.is_empty()).then_some(Picture {
                    bytes: jpeg,
                    mime: "image/jpeg",
                })
            }
            Err(_) if bytes.starts_with(b"RIFF") => Some(Picture {
                bytes,
                mime: "image/webp",
            }),
            Err(_) => None,
        })
        .await
        .ok()
        .flatten()
    }
}

/// A picture ready to embed.
pub struct Picture {
    pub bytes: Vec<u8>,
    pub mime: &'static str,
}

fn models_line(state: &AppState, story: &stories::StoryRow) -> String {
    let mut line = format!("Written by {}", text_model_label(state, &story.text_model));
    if let Some(key) = image_model_of(story.image_model.as_deref()) {
        let _ = write!(
            line,
            " · Illustrated by {}",
            state.models.image(Some(key)).label()
        );
    }
    if story.video_mode == VideoMode::On {
        let _ = write!(
            line,
            " · Clips by {}",
            state.models.default_video().display_name
        );
    }
    line
}

/// "The Lighthouse Keeper's Secret" → "The-Lighthouse-Keeper-s-Secret": ASCII letters,
/// digits and dashes only (safe in any file system and header), never empty, at most 80.
pub fn safe_file_name(title: &str) -> String {
    let mut name = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
    }
    let name: String = name.trim_end_matches('-').chars().take(80).collect();
    if name.is_empty() {
        "story".to_owned()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::safe_file_name;

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(
            safe_file_name("The Lighthouse Keeper's Secret"),
            "The-Lighthouse-Keeper-s-Secret"
        );
        assert_eq!(safe_file_name("../../etc/passwd"), "etc-passwd");
        assert_eq!(safe_file_name("  ?? "), "story");
        assert_eq!(safe_file_name("Élodie et le dragon"), "lodie-et-le-dragon");
    }
}
