//! A story as one web page: a single file that works from `file://`
//! with the network off: title, date, idea, models, the story map (inline SVG whose nodes
//! are plain anchors), and every scene in reading order with its choices as links, pictures
//! re-encoded as JPEG and embedded, clips embedded when the file stays under 50 MB (or left
//! out on request), and, when asked for, each scene's reading aloud as an audio player (the
//! WAV the app kept; about 3 MB a minute, so off by default). Missing media become labelled
//! placeholders.
//!
//! The page is written scene by scene into a small channel that the response body drains,
//! so a story with big clips never sits in memory whole: a clip is read and base64-encoded
//! a slice at a time, and a slow download slows the writer instead of filling memory.

use std::fmt::Write as _;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use bytes::Bytes;
use tokio::sync::mpsc;

use crate::{escape, Book, BookScene, Media, Part};

/// Clips are left out when they would make the file larger than this.
pub const CLIPS_MAX_BYTES: u64 = 50 * 1024 * 1024;
/// The writer hands the body a piece once it holds this much.
const PIECE: usize = 256 * 1024;
/// Bytes of a clip read per slice: a multiple of 3, so slices encode to base64 alone.
const CLIP_SLICE: usize = 3 * 128 * 1024;

/// The book as one self-contained HTML file, written while it is read: its pieces, in
/// order, from a task on the current runtime. Dropping the receiver stops the writing.
pub fn html<M: Media>(book: Book, media: M, options: HtmlOptions) -> mpsc::Receiver<Bytes> {
    let (tx, pieces) = mpsc::channel(4);
    tokio::spawn(async move {
        let mut page = Page {
            tx,
            buf: String::with_capacity(PIECE * 2),
        };
        // `Closed` only means the reader went away: nothing left to do.
        let _ = write_page(&book, &media, options, &mut page).await;
    });
    pieces
}

/// What the page embeds besides its pictures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HtmlOptions {
    /// The clips (when they all fit under [`CLIPS_MAX_BYTES`]).
    pub clips: bool,
    /// Each scene's reading aloud, where the app has kept one.
    pub audio: bool,
}

/// The reader hung up.
struct Closed;

/// The page being written: text gathers here and goes out in pieces.
struct Page {
    tx: mpsc::Sender<Bytes>,
    buf: String,
}

impl Page {
    async fn flush(&mut self) -> Result<(), Closed> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let piece = Bytes::from(std::mem::take(&mut self.buf));
        self.tx.send(piece).await.map_err(|_| Closed)
    }

    async fn flush_if_full(&mut self) -> Result<(), Closed> {
        if self.buf.len() >= PIECE {
            self.flush().await?;
        }
        Ok(())
    }
}

async fn write_page(
    book: &Book,
    media: &impl Media,
    options: HtmlOptions,
    page: &mut Page,
) -> Result<(), Closed> {
    let with_clips = options.clips;
    // Clips go in only if they all fit under the limit.
    let mut clip_bytes = 0u64;
    if with_clips {
        for clip in book.scenes.values().filter_map(|s| s.clip.as_deref()) {
            clip_bytes += media.clip_size(clip).await.unwrap_or(0);
        }
    }
    let embed_clips = with_clips && clip_bytes * 4 / 3 <= CLIPS_MAX_BYTES;

    let _ = write!(
        page.buf,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t}</title><style>{STYLE}</style></head><body><main id=\"top\">\
         <h1>{t}</h1><p class=\"meta\">{date} · {models}</p>\
         <p class=\"idea\"><strong>The idea:</strong> {idea}</p>\
         <h2>Story map</h2><div class=\"map\">{svg}</div>",
        t = escape(&book.title),
        date = escape(&book.date),
        models = escape(&book.models),
        idea = escape(&book.prompt),
        svg = book.map_svg,
    );
    if with_clips && !embed_clips {
        page.buf.push_str("<p class=\"note\">The video clips are left out: with them this file would be larger than 50 MB.</p>");
    }
    for (scene, opens) in book.in_reading_order() {
        if let Some(part) = opens {
            fork_note(book, part, &mut page.buf);
        }
        write_scene(book, media, scene, embed_clips, options.audio, page).await?;
        page.flush_if_full().await?;
    }
    page.buf.push_str("</main></body></html>\n");
    page.flush().await
}

/// "Another way the story went: at “The Bakery”, the reader chose “Follow the smell”."
fn fork_note(book: &Book, part: &Part, out: &mut String) {
    let Some(fork) = &part.fork else { return };
    let at = book
        .scenes
        .get(&fork.at)
        .map(BookScene::heading)
        .unwrap_or_default();
    let _ = write!(
        out,
        "<p class=\"fork\">Another way the story went: at <a href=\"#scene-{id}\">“{at}”</a>, the reader chose “{choice}”.</p>",
        id = escape(&fork.at),
        at = escape(&at),
        choice = escape(&fork.choice),
    );
}

async fn write_scene(
    book: &Book,
    media: &impl Media,
    scene: &BookScene,
    embed_clips: bool,
    embed_audio: bool,
    page: &mut Page,
) -> Result<(), Closed> {
    if let Some(chapter) = &scene.chapter {
        let _ = write!(
            page.buf,
            "<header class=\"chapter-card\"><p class=\"chapter-number\">{n}</p>{name}</header>",
            n = escape(&chapter.number_line()),
            name = chapter
                .title
                .as_deref()
                .map(|t| format!("<p class=\"chapter-name\">{}</p>", escape(t)))
                .unwrap_or_default(),
        );
    }
    let _ = write!(
        page.buf,
        "<section class=\"scene\" id=\"scene-{id}\"><h2>{h}</h2>",
        id = escape(&scene.id),
        h = escape(&scene.heading())
    );
    let picture = match &scene.picture {
        Some(file) => crate::picture(media, file)
            .await
            .map(|p| format!("data:{};base64,{}", p.mime, STANDARD.encode(p.bytes))),
        None => None,
    };
    match &picture {
        Some(uri) => {
            let _ = write!(
                page.buf,
                "<img src=\"{uri}\" alt=\"Illustration of this scene\">"
            );
        }
        None if book.illustrated => {
            page.buf
                .push_str("<div class=\"missing\">Picture not available</div>");
        }
        None => {}
    }
    if let Some(clip) = scene.clip.as_deref().filter(|_| embed_clips) {
        write_clip(media, clip, picture.as_deref(), page).await?;
    }
    if let Some(audio) = scene.audio.as_deref().filter(|_| embed_audio) {
        if let Some(bytes) = media.audio(audio).await {
            page.buf.push_str(
                "<p class=\"listen\"><audio controls preload=\"none\" aria-label=\"Listen to this scene\" src=\"data:audio/wav;base64,",
            );
            embed(&bytes, page).await?;
            page.buf.push_str("\"></audio></p>");
        }
    }
    for paragraph in scene.paragraphs() {
        let _ = write!(page.buf, "<p>{}</p>", escape(paragraph));
    }
    if scene.is_ending {
        page.buf.push_str("<p class=\"end\">The End</p>");
    }
    if !scene.choices.is_empty() {
        page.buf.push_str("<ul class=\"choices\">");
        for choice in &scene.choices {
            match &choice.next_scene_id {
                Some(next) => {
                    let _ = write!(
                        page.buf,
                        "<li><a href=\"#scene-{}\">{}</a></li>",
                        escape(next),
                        escape(&choice.label)
                    );
                }
                None => {
                    let _ = write!(
                        page.buf,
                        "<li class=\"untried\">{} <small>(not explored)</small></li>",
                        escape(&choice.label)
                    );
                }
            }
        }
        page.buf.push_str("</ul>");
    }
    page.buf
        .push_str("<p class=\"top\"><a href=\"#top\">Back to the story map</a></p></section>");
    Ok(())
}

/// The clip as an inline `<video>`, its bytes base64-encoded a slice at a time; a lost or
/// damaged clip becomes a placeholder.
async fn write_clip(
    media: &impl Media,
    clip: &str,
    poster: Option<&str>,
    page: &mut Page,
) -> Result<(), Closed> {
    let Some(bytes) = media.clip(clip).await else {
        page.buf
            .push_str("<div class=\"missing\">Clip not available</div>");
        return Ok(());
    };
    page.buf
        .push_str("<video controls playsinline src=\"data:video/mp4;base64,");
    embed(&bytes, page).await?;
    page.buf.push('"');
    if let Some(poster) = poster {
        let _ = write!(page.buf, " poster=\"{poster}\"");
    }
    page.buf.push_str("></video>");
    Ok(())
}

/// `bytes` as base64, in slices, each sent before the next is encoded: the page never holds
/// a whole clip twice over.
async fn embed(bytes: &[u8], page: &mut Page) -> Result<(), Closed> {
    for slice in bytes.chunks(CLIP_SLICE) {
        STANDARD.encode_string(slice, &mut page.buf);
        page.flush_if_full().await?;
    }
    Ok(())
}

/// The page's own look: inline, so nothing is fetched.
const STYLE: &str = "body{font-family:Georgia,serif;margin:0;background:#faf8f3;color:#1b1e28}\
main{max-width:46rem;margin:0 auto;padding:1rem 1.25rem 4rem}\
h1{font-size:2rem}.meta,.note{color:#5f6577}.idea{font-style:italic}\
.map{overflow:auto;border:1px solid #d9dbe3;border-radius:12px;background:#fff}\
.story-map .edge{fill:none;stroke:#b8bccb;stroke-width:2}.story-map .edge.on-path{stroke:#3d5a80;stroke-width:4}\
.story-map .untried{stroke:#5f6577;stroke-width:2;stroke-dasharray:3 4}\
.story-map .node rect{fill:#fff;stroke:#b8bccb;stroke-width:1.5}.story-map .node.current rect{stroke:#3d5a80;stroke-width:4}\
.story-map .node-label{font:700 13px sans-serif;fill:#1b1e28}.story-map .node-meta{font:12px sans-serif;fill:#4b5060}\
.story-map .node-choice{display:none;font:italic 12px sans-serif}.story-map .node:hover .node-choice,.story-map .node:focus .node-choice{display:inline}\
.scene{border-top:1px solid #d9dbe3;margin-top:2rem;padding-top:1rem}\
.chapter-card{text-align:center;margin:3rem 0 0;padding:1.2rem 1rem;border-block:3px double #3d5a80;background:#eef1f7;font-family:Georgia,serif}\
.chapter-number{margin:0;letter-spacing:.14em;text-transform:uppercase;color:#5f6577}.chapter-name{margin:.3rem 0 0;font-size:1.6rem}\
.story-map .chapter-band{fill:#f6f7fb}.story-map .map-chapters rect:nth-of-type(even){fill:#eef1f7}.story-map .chapter-label{font:700 14px Georgia,serif;fill:#3c4152}\
.scene img,.scene video{width:100%;aspect-ratio:1/1;object-fit:cover;border-radius:12px;background:#eee}\
.missing{aspect-ratio:1/1;display:flex;align-items:center;justify-content:center;background:#eee;border-radius:12px;color:#5f6577}\
.listen audio{width:100%}.choices li{margin:.3rem 0}.untried{color:#5f6577}.end{font-weight:700;text-align:center}.top{font-size:.85rem}\
.fork{background:#eef1f7;border-radius:8px;padding:.5rem .75rem;margin-top:2.5rem;font-style:italic}";
