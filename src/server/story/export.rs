//! Story export as one web page (seed feature 009, HTML part): a single file that works
//! from `file://` with the network off: title, date, idea, models, the story map (inline
//! SVG whose nodes are plain anchors), and every scene of every explored branch with its
//! choices as links, pictures re-encoded as JPEG and embedded, clips embedded when the file
//! stays under 50 MB (or left out on request). Missing media become labelled placeholders.

use std::fmt::Write as _;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sqlx::FromRow;

use super::engine::{image_model_of, story_title};
use super::map::map;
use super::StoryError;
use crate::domain::html::escape;
use crate::domain::media::VideoMode;
use crate::domain::story_map::{render_svg, MapLinks};
use crate::domain::{TextModelSpec, TierSpec, VideoModelSpec};
use crate::server::db::stories;
use crate::server::imaging;
use crate::server::state::AppState;
use crate::server::storage;

/// Pictures are embedded at most this large (longest side, pixels).
const PICTURE_SIDE: usize = 1024;
/// Clips are left out when they would make the file larger than this.
pub const CLIPS_MAX_BYTES: u64 = 50 * 1024 * 1024;

/// One scene with what the export shows of it.
#[derive(Debug, FromRow)]
struct ExportScene {
    id: String,
    depth: i64,
    title: Option<String>,
    narrative: String,
    is_ending: bool,
    picture: Option<String>,
    clip: Option<String>,
}

#[derive(Debug, FromRow)]
struct ExportChoice {
    scene_id: String,
    label: String,
    next_scene_id: Option<String>,
}

/// A finished export: the file name (safe characters only) and the page.
pub struct Exported {
    pub file_name: String,
    pub html: String,
}

struct Anchors;

impl MapLinks for Anchors {
    fn href(&self, scene_id: &str) -> String {
        format!("#scene-{scene_id}")
    }
}

/// The story as one self-contained HTML file; "not found" for another tier's story.
pub async fn html(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    with_clips: bool,
) -> Result<Exported, StoryError> {
    let story = stories::find_story(&state.db, tier.name, story_id)
        .await?
        .ok_or(StoryError::NotFound)?;
    let created: String = sqlx::query_scalar("SELECT created_at FROM stories WHERE id = ?")
        .bind(story_id)
        .fetch_one(&state.db)
        .await?;
    let mut tree = map(state, tier, story_id).await?;
    // The map's thumbnails would be URLs of this server: the file must stand alone.
    for scene in &mut tree.scenes {
        scene.picture_url = None;
    }
    let scenes: Vec<ExportScene> = sqlx::query_as(
        "SELECT s.id, s.depth, s.title, s.narrative, s.is_ending,
                (SELECT file_name FROM media m WHERE m.scene_id = s.id AND m.kind = 'image' AND m.status = 'complete') AS picture,
                (SELECT file_name FROM media m WHERE m.scene_id = s.id AND m.kind = 'video' AND m.status = 'complete') AS clip
           FROM scenes s WHERE s.story_id = ? AND s.tier = ? ORDER BY s.depth, s.created_at",
    )
    .bind(story_id)
    .bind(tier.name)
    .fetch_all(&state.db)
    .await?;
    let choices: Vec<ExportChoice> = sqlx::query_as(
        "SELECT c.scene_id, c.label, k.id AS next_scene_id
           FROM choices c LEFT JOIN scenes k ON k.parent_choice_id = c.id
          WHERE c.story_id = ? AND c.tier = ? ORDER BY c.scene_id, c.position",
    )
    .bind(story_id)
    .bind(tier.name)
    .fetch_all(&state.db)
    .await?;

    // Clips go in only if they all fit under the limit.
    let mut clip_bytes = 0u64;
    if with_clips {
        for clip in scenes.iter().filter_map(|s| s.clip.as_deref()) {
            let path = storage::media_path(&state.config.data_dir, tier.name, story_id, clip);
            clip_bytes += tokio::fs::metadata(&path).await.map_or(0, |m| m.len());
        }
    }
    let embed_clips = with_clips && clip_bytes * 4 / 3 <= CLIPS_MAX_BYTES;

    let title = story_title(&story);
    let models = models_line(&story);
    let mut page = String::with_capacity(64 * 1024);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t}</title><style>{STYLE}</style></head><body><main>\
         <h1>{t}</h1><p class=\"meta\">{date} · {models}</p>\
         <p class=\"idea\"><strong>The idea:</strong> {idea}</p>\
         <h2>Story map</h2><div class=\"map\">{svg}</div>",
        t = escape(&title),
        date = escape(created.get(..10).unwrap_or(&created)),
        models = escape(&models),
        idea = escape(&story.prompt),
        svg = render_svg(&tree, tree.last_scene_id.as_deref(), &Anchors),
    );
    if with_clips && !embed_clips {
        page.push_str("<p class=\"note\">The video clips are left out: with them this file would be larger than 50 MB.</p>");
    }
    for scene in &scenes {
        let heading = scene
            .title
            .clone()
            .unwrap_or_else(|| format!("Scene {}", scene.depth));
        let _ = write!(
            page,
            "<section class=\"scene\" id=\"scene-{id}\"><h2>{h}</h2>",
            id = escape(&scene.id),
            h = escape(&heading)
        );
        let picture = match &scene.picture {
            Some(file) => embedded_picture(state, tier.name, story_id, file).await,
            None => None,
        };
        match (&picture, story.image_model.as_deref()) {
            (Some(uri), _) => {
                let _ = write!(
                    page,
                    "<img src=\"{uri}\" alt=\"Illustration of this scene\">"
                );
            }
            (None, Some(model)) if image_model_of(Some(model)).is_some() => {
                page.push_str("<div class=\"missing\">Picture not available</div>");
            }
            _ => {}
        }
        if let Some(clip) = scene.clip.as_deref().filter(|_| embed_clips) {
            let path = storage::media_path(&state.config.data_dir, tier.name, story_id, clip);
            match tokio::fs::read(&path).await {
                Ok(bytes)
                    if storage::is_intact(&path, crate::domain::media::MediaKind::Video).await =>
                {
                    let _ = write!(
                        page,
                        "<video controls playsinline src=\"data:video/mp4;base64,{}\"{}></video>",
                        STANDARD.encode(bytes),
                        picture
                            .as_deref()
                            .map(|p| format!(" poster=\"{p}\""))
                            .unwrap_or_default()
                    );
                }
                _ => page.push_str("<div class=\"missing\">Clip not available</div>"),
            }
        }
        for paragraph in scene
            .narrative
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
        {
            let _ = write!(page, "<p>{}</p>", escape(paragraph.trim()));
        }
        if scene.is_ending {
            page.push_str("<p class=\"end\">The End</p>");
        }
        let own: Vec<&ExportChoice> = choices.iter().filter(|c| c.scene_id == scene.id).collect();
        if !own.is_empty() {
            page.push_str("<ul class=\"choices\">");
            for choice in own {
                match &choice.next_scene_id {
                    Some(next) => {
                        let _ = write!(
                            page,
                            "<li><a href=\"#scene-{}\">{}</a></li>",
                            escape(next),
                            escape(&choice.label)
                        );
                    }
                    None => {
                        let _ = write!(
                            page,
                            "<li class=\"untried\">{} <small>(not explored)</small></li>",
                            escape(&choice.label)
                        );
                    }
                }
            }
            page.push_str("</ul>");
        }
        page.push_str("<p class=\"top\"><a href=\"#top\">Back to the story map</a></p></section>");
    }
    page.push_str("</main></body></html>\n");
    Ok(Exported {
        file_name: format!("{}.html", safe_file_name(&title)),
        html: page.replacen("<main>", "<main id=\"top\">", 1),
    })
}

/// The picture as a `data:` URI, re-encoded as a JPEG of at most 1024 px; `None` when the
/// file is gone or unreadable.
async fn embedded_picture(state: &AppState, tier: &str, story: &str, file: &str) -> Option<String> {
    let path = storage::media_path(&state.config.data_dir, tier, story, file);
    if !storage::is_intact(&path, crate::domain::media::MediaKind::Image).await {
        return None;
    }
    let bytes = tokio::fs::read(&path).await.ok()?;
    tokio::task::spawn_blocking(move || match imaging::photo::decode(&bytes) {
        Ok(photo) => {
            let jpeg = photo.pixels.fit_within(PICTURE_SIDE).to_jpeg(82);
            (!jpeg.is_empty()).then(|| format!("data:image/jpeg;base64,{}", STANDARD.encode(jpeg)))
        }
        // A format we do not decode (WebP): embedded as it is.
        Err(_) if bytes.starts_with(b"RIFF") => Some(format!(
            "data:image/webp;base64,{}",
            STANDARD.encode(&bytes)
        )),
        Err(_) => None,
    })
    .await
    .ok()
    .flatten()
}

fn models_line(story: &stories::StoryRow) -> String {
    let text = TextModelSpec::find(&story.text_model)
        .map_or(story.text_model.as_str(), |m| m.display_name);
    let mut line = format!("Written by {text}");
    if let Some(image) = image_model_of(story.image_model.as_deref()) {
        let _ = write!(line, " · Illustrated by {}", image.display_name);
    }
    if story.video_mode == VideoMode::On {
        let _ = write!(
            line,
            " · Clips by {}",
            VideoModelSpec::default_model().display_name
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
.scene img,.scene video{width:100%;aspect-ratio:1/1;object-fit:cover;border-radius:12px;background:#eee}\
.missing{aspect-ratio:1/1;display:flex;align-items:center;justify-content:center;background:#eee;border-radius:12px;color:#5f6577}\
.choices li{margin:.3rem 0}.untried{color:#5f6577}.end{font-weight:700;text-align:center}.top{font-size:.85rem}";

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
