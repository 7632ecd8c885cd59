//! A finished branching story made into a book: one web page that works offline (`html`) or
//! a printable PDF gamebook (`pdf`). Both read the same [`Book`], a plain value: the story's
//! facts, its explored tree and its scenes, and get pictures and clips from a [`Media`] the
//! caller provides. Nothing here knows a database, a tier or the web; the reading order
//! (`order`) and the typesetting (`typeset`) are pure.

mod html;
mod order;
mod pdf;
mod typeset;

use std::collections::HashMap;
use std::future::Future;

pub use html::{html, HtmlOptions, CLIPS_MAX_BYTES};
pub use order::{reading_order, Fork, Part, TreeScene};
pub use pdf::pdf;

/// Pictures are embedded at most this large (longest side, pixels).
const PICTURE_SIDE: usize = 1024;
/// JPEG quality of embedded pictures: small files, no visible loss at print size.
const PICTURE_QUALITY: u8 = 82;

/// Why a book could not be made.
#[derive(Debug, thiserror::Error)]
pub enum BookError {
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// Where a book's pictures and clips come from, by the file names its scenes carry. Each
/// answers `None` for a file that is gone, damaged or unreadable: the book shows a
/// placeholder in its place.
pub trait Media: Send + Sync + 'static {
    /// The picture's bytes as stored (PNG, JPEG or WebP), checked whole.
    fn picture(&self, file: &str) -> impl Future<Output = Option<Vec<u8>>> + Send;
    /// The clip's size in bytes, without reading it.
    fn clip_size(&self, file: &str) -> impl Future<Output = Option<u64>> + Send;
    /// The clip's bytes (MP4), checked whole.
    fn clip(&self, file: &str) -> impl Future<Output = Option<Vec<u8>>> + Send;
    /// The scene read aloud (WAV), checked to be one.
    fn audio(&self, file: &str) -> impl Future<Output = Option<Vec<u8>>> + Send;
}

/// One explored scene as a book tells it.
#[derive(Debug, Clone)]
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
    /// The scene read aloud, if it has been (a WAV file).
    pub audio: Option<String>,
    pub choices: Vec<BookChoice>,
    /// The chapter this scene opens, in a story told in chapters: its card comes first.
    pub chapter: Option<BookChapter>,
}

/// A chapter's card: its number and, when its writer gave one, its name.
#[derive(Debug, Clone)]
pub struct BookChapter {
    pub number: u32,
    pub title: Option<String>,
}

impl BookChapter {
    /// "Chapter 2".
    pub fn number_line(&self) -> String {
        format!("Chapter {}", self.number)
    }
}

impl BookScene {
    /// The scene's title, or "Scene N" for a scene written without one.
    pub fn heading(&self) -> String {
        self.title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| format!("Scene {}", self.depth))
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
#[derive(Debug, Clone)]
pub struct BookChoice {
    pub label: String,
    /// The scene it led to; `None` while nobody has taken it.
    pub next_scene_id: Option<String>,
}

/// Everything a book shows of a story.
#[derive(Debug, Clone)]
pub struct Book {
    pub title: String,
    /// `2026-11-26`.
    pub date: String,
    pub prompt: String,
    /// "Written by … · Illustrated by … · Clips by …".
    pub models: String,
    /// The story was meant to have pictures: a scene without one shows a placeholder.
    pub illustrated: bool,
    /// The story's book cover's file, if it has one (the PDF's first page shows it, else the
    /// first scene's picture).
    pub cover: Option<String>,
    /// The story map as inline SVG whose nodes link to `#scene-{id}` (the web page shows it).
    pub map_svg: String,
    pub scenes: HashMap<String, BookScene>,
    /// The scenes in reading order: main path, then each branch.
    pub parts: Vec<Part>,
}

impl Book {
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
}

/// A picture ready to embed.
pub struct Picture {
    pub bytes: Vec<u8>,
    pub mime: &'static str,
}

/// The picture of `file` re-encoded as a JPEG of at most 1024 px (a WebP, which we do not
/// decode, as it is); `None` when it is gone, damaged or unreadable.
async fn picture(media: &impl Media, file: &str) -> Option<Picture> {
    let bytes = media.picture(file).await?;
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

/// `text` safe inside HTML text and double-quoted attributes (`&` first, so the others'
/// entities are not escaped again).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
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
    use super::{escape, safe_file_name};

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

    #[test]
    fn text_is_escaped_for_html() {
        assert_eq!(
            escape(r#"<b>"Tom" & 'Jo'</b>"#),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jo&#39;&lt;/b&gt;"
        );
    }
}
