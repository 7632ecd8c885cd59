//! The story map's data: the whole explored tree of a story, from one query.

use super::scene_json::first_sentence;
use super::StoryError;
use crate::domain::story::ChapterCard;
use crate::domain::story_map::{focus_of, render_svg, MapLinks, MapScene, MapView, StoryMap};
use crate::domain::{urls, TierSpec};
use crate::server::db::stories;
use crate::server::state::AppState;

/// Words of a scene's opening that label a node without a title.
const OPENING_WORDS: usize = 6;

/// The explored tree of `story_id`; "not found" for an unknown story or another tier's.
pub async fn map(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
) -> Result<StoryMap, StoryError> {
    let rows = stories::tree_of(&state.db, tier.name, story_id).await?;
    let Some(first) = rows.first() else {
        return Err(StoryError::NotFound);
    };
    let title = if first.story_title.is_empty() {
        first_sentence(&first.story_prompt).to_owned()
    } else {
        first.story_title.clone()
    };
    let last_scene_id = first.current_scene_id.clone();
    let length = first.story_length;
    let scenes = rows
        .into_iter()
        .map(|row| MapScene {
            label: row
                .title
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| opening_words(&row.opening)),
            // The smallest light copy: the node shows a 48-px thumbnail.
            picture_url: row
                .picture
                .map(|file| urls::light_picture(&urls::media(tier.name, story_id, &file), 384)),
            parent_id: row.parent_id,
            choice_label: row.choice_label,
            choice_position: u32::try_from(row.choice_position.unwrap_or(0)).unwrap_or(0),
            is_ending: row.is_ending,
            unexplored: u32::try_from(row.unexplored).unwrap_or(0),
            chapter: ChapterCard::opening(
                length,
                u32::try_from(row.depth).unwrap_or(1),
                row.chapter_title,
            ),
            id: row.id,
        })
        .collect();
    Ok(StoryMap {
        story_id: story_id.to_owned(),
        title,
        scenes,
        last_scene_id,
        chapters: length.has_chapters(),
    })
}

/// Where a map's nodes lead: the scene in play, or the saved story read along that branch.
struct Links {
    tier: &'static str,
    story_id: String,
    reader: bool,
}

impl MapLinks for Links {
    fn href(&self, scene_id: &str) -> String {
        match self.reader {
            false => urls::scene(self.tier, &self.story_id, scene_id),
            true => urls::reader_branch(self.tier, &self.story_id, scene_id),
        }
    }
}

/// The map of `story_id` drawn for a page: `at` highlighted when it is one of its scenes,
/// else where the reader last was; nodes lead to play, or with `reader` to the reader.
pub async fn drawn(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    at: Option<String>,
    reader: bool,
) -> Result<MapView, StoryError> {
    let map = map(state, tier, story_id).await?;
    let current = at
        .filter(|id| map.scenes.iter().any(|s| &s.id == id))
        .or_else(|| map.last_scene_id.clone());
    let links = Links {
        tier: tier.name,
        story_id: map.story_id.clone(),
        reader,
    };
    let svg = render_svg(&map, current.as_deref(), &links);
    let (middle, width) = focus_of(&map, current.as_deref());
    Ok(MapView {
        count: map.scenes.len(),
        story_id: map.story_id,
        title: map.title,
        svg,
        current,
        middle,
        width,
    })
}

/// "The fox opened the bakery door…": the first few words of a scene.
fn opening_words(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().take(OPENING_WORDS + 1).collect();
    if words.len() > OPENING_WORDS {
        format!("{}…", words[..OPENING_WORDS].join(" "))
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::opening_words;

    #[test]
    fn untitled_scenes_are_named_by_their_first_words() {
        assert_eq!(
            opening_words("The fox opened the bakery door and sniffed."),
            "The fox opened the bakery door…"
        );
        assert_eq!(opening_words("Short one."), "Short one.");
    }
}
