//! A finished story taken out of the app as one web page that works offline or as a
//! printable book, made by the `book` crate from a [`Book`] read here: the story's facts,
//! its explored tree and its scenes, with its pictures and clips from the tier's media
//! store. Another tier's story is "not found", like all media.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::body::Bytes;
use book::{Book, BookChapter, BookChoice, BookScene, Media, TreeScene};
use sqlx::FromRow;

pub use book::CLIPS_MAX_BYTES;

use super::engine::{image_model_of, story_title, text_model_label};
use super::map::map;
use super::StoryError;
use crate::domain::media::{MediaKind, VideoMode};
use crate::domain::read_aloud::WAV_HEADER_BYTES;
use crate::domain::story::ChapterCard;
use crate::domain::story_map::{render_svg, MapLinks};
use crate::domain::TierSpec;
use crate::server::db::{self, stories};
use crate::server::media_store::{FileKey, MediaStore};
use crate::server::state::AppState;

/// An export on its way: the download's name and the page's pieces, in order.
pub struct HtmlExport {
    pub file_name: String,
    pub pieces: tokio::sync::mpsc::Receiver<Bytes>,
}

/// A finished book: the download's name and the PDF.
pub struct PdfExport {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// The story as one self-contained HTML file, written while it is sent; "not found" for
/// another tier's story (checked before the first byte).
pub async fn html(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    options: book::HtmlOptions,
) -> Result<HtmlExport, StoryError> {
    let (book, media) = load(state, tier, story_id).await?;
    Ok(HtmlExport {
        file_name: book.file_name("html"),
        pieces: book::html(book, media, options),
    })
}

/// The story as a PDF book; "not found" for another tier's story.
pub async fn pdf(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
) -> Result<PdfExport, StoryError> {
    let (book, media) = load(state, tier, story_id).await?;
    let file_name = book.file_name("pdf");
    let bytes = book::pdf(book, &media)
        .await
        .map_err(|e| StoryError::Export(e.to_string()))?;
    Ok(PdfExport { file_name, bytes })
}

/// A story's media files as a book reads them: through the tier's store, checked whole.
pub struct StoryMedia {
    store: MediaStore,
    tier: &'static TierSpec,
    story_id: String,
}

impl StoryMedia {
    fn key(&self, file: &str) -> FileKey {
        FileKey::media(self.tier.name, &self.story_id, file)
    }

    async fn whole(&self, file: &str, kind: MediaKind) -> Option<Vec<u8>> {
        let key = self.key(file);
        if !self.store.is_intact(&key, kind).await {
            return None;
        }
        self.store.get(&key).await.ok()
    }
}

impl Media for StoryMedia {
    async fn picture(&self, file: &str) -> Option<Vec<u8>> {
        self.whole(file, MediaKind::Image).await
    }

    async fn clip_size(&self, file: &str) -> Option<u64> {
        self.store.size(&self.key(file)).await.ok()
    }

    async fn clip(&self, file: &str) -> Option<Vec<u8>> {
        self.whole(file, MediaKind::Video).await
    }

    async fn audio(&self, file: &str) -> Option<Vec<u8>> {
        let bytes = self.store.get(&self.key(file)).await.ok()?;
        let is_wav =
            bytes.len() > WAV_HEADER_BYTES && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WAVE";
        is_wav.then_some(bytes)
    }
}

/// A scene's row as the book reads it.
#[derive(FromRow)]
struct SceneRow {
    id: String,
    depth: i64,
    title: Option<String>,
    narrative: String,
    is_ending: bool,
    chapter_title: Option<String>,
    picture: Option<String>,
    clip: Option<String>,
    audio: Option<String>,
}

/// A choice's row: the scene it ends and the scene it led to.
#[derive(FromRow)]
struct ChoiceRow {
    scene_id: String,
    label: String,
    next_scene_id: Option<String>,
}

/// The map's nodes link to the scenes' anchors on the page.
struct Anchors;

impl MapLinks for Anchors {
    fn href(&self, scene_id: &str) -> String {
        format!("#scene-{scene_id}")
    }
}

/// The story of `story_id` in `tier` as a book, with its media; "not found" for an unknown
/// id or another tier's.
pub async fn load(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
) -> Result<(Book, StoryMedia), StoryError> {
    let story = stories::find_story(&state.db, tier.name, story_id)
        .await?
        .ok_or(StoryError::NotFound)?;
    let created: String = db::query_scalar("SELECT created_at FROM stories WHERE id = ?")
        .bind(story_id)
        .fetch_one(&state.db)
        .await?;
    let mut tree = map(state, tier, story_id).await?;
    // Thumbnails would be URLs of this server: a book must stand alone.
    for scene in &mut tree.scenes {
        scene.picture_url = None;
    }
    let rows: Vec<SceneRow> = db::query_as(
        "SELECT s.id, s.depth, s.title, s.narrative, s.is_ending, s.chapter_title,
                (SELECT file_name FROM media m WHERE m.scene_id = s.id AND m.kind = 'image' AND m.status = 'complete') AS picture,
                (SELECT file_name FROM media m WHERE m.scene_id = s.id AND m.kind = 'video' AND m.status = 'complete') AS clip,
                (SELECT file_name FROM scene_audio a WHERE a.scene_id = s.id AND a.status = 'complete'
                  ORDER BY a.created_at LIMIT 1) AS audio
           FROM scenes s WHERE s.story_id = ? AND s.tier = ?",
    )
    .bind(story_id)
    .bind(tier.name)
    .fetch_all(&state.db)
    .await?;
    let choices: Vec<ChoiceRow> = db::query_as(
        "SELECT c.scene_id, c.label, k.id AS next_scene_id
           FROM choices c LEFT JOIN scenes k ON k.parent_choice_id = c.id
          WHERE c.story_id = ? AND c.tier = ? ORDER BY c.scene_id, c.position",
    )
    .bind(story_id)
    .bind(tier.name)
    .fetch_all(&state.db)
    .await?;
    let mut scenes: HashMap<String, BookScene> = rows
        .into_iter()
        .map(|s| {
            let chapter = ChapterCard::opening(
                story.length,
                u32::try_from(s.depth).unwrap_or(1),
                s.chapter_title,
            )
            .map(|card| BookChapter {
                number: card.number,
                title: card.title,
            });
            let scene = BookScene {
                id: s.id.clone(),
                depth: s.depth,
                title: s.title,
                narrative: s.narrative,
                is_ending: s.is_ending,
                picture: s.picture,
                clip: s.clip,
                audio: s.audio,
                choices: Vec::new(),
                chapter,
            };
            (s.id, scene)
        })
        .collect();
    for choice in choices {
        if let Some(scene) = scenes.get_mut(&choice.scene_id) {
            scene.choices.push(BookChoice {
                label: choice.label,
                next_scene_id: choice.next_scene_id,
            });
        }
    }
    let branches: Vec<TreeScene> = tree
        .scenes
        .iter()
        .map(|s| TreeScene {
            id: s.id.clone(),
            parent_id: s.parent_id.clone(),
            choice_label: s.choice_label.clone(),
            choice_position: s.choice_position,
        })
        .collect();
    let mut parts = book::reading_order(&branches, tree.last_scene_id.as_deref());
    // Only scenes the tree and the table agree on (both read the same rows).
    for part in &mut parts {
        part.scenes.retain(|id| scenes.contains_key(id));
    }
    parts.retain(|p| !p.scenes.is_empty());
    let cover: Option<String> = db::query_scalar(
        "SELECT file_name FROM media
          WHERE story_id = ? AND tier = ? AND kind = 'cover' AND file_name IS NOT NULL",
    )
    .bind(story_id)
    .bind(tier.name)
    .fetch_optional(&state.db)
    .await?;
    let book = Book {
        cover,
        title: story_title(&story),
        date: created.get(..10).unwrap_or(&created).to_owned(),
        prompt: story.prompt.clone(),
        models: models_line(state, &story),
        illustrated: image_model_of(story.image_model.as_deref()).is_some(),
        map_svg: render_svg(&tree, tree.last_scene_id.as_deref(), &Anchors),
        scenes,
        parts,
    };
    let media = StoryMedia {
        store: state.store.clone(),
        tier,
        story_id: story_id.to_owned(),
    };
    Ok((book, media))
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
