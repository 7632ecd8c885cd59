//! Sequels: a finished story continued as a new one. Its storyteller is told the earlier
//! story's title and the ending the reader reached last (only that: a whole story could be
//! long), with every scene; it keeps the earlier story's characters (the memory snapshot,
//! so their descriptions, roster links and photos), its picture style and, unless the form
//! changes them, its models. The two stories link both ways: `stories.sequel_of`.

use super::{engine::story_title, prompt, StoryError};
use crate::domain::story::{SequelStart, StoryStatus};
use crate::domain::TierSpec;
use crate::server::db::stories::{self as repo, StoryRow};
use crate::server::state::AppState;

/// What a sequel takes from the story it continues.
pub struct Earlier {
    pub story: StoryRow,
    pub title: String,
    /// What its storyteller is told, with every scene.
    pub told: String,
}

/// The finished story `story_id` of the tier, ready to be continued.
pub async fn earlier(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
) -> Result<Earlier, StoryError> {
    let story = repo::find_story(&state.db, tier.name, story_id)
        .await?
        .ok_or(StoryError::NotFound)?;
    if story.status != StoryStatus::Completed {
        return Err(StoryError::NotFinished);
    }
    let ending = repo::ending_read_last(&state.db, tier.name, &story)
        .await?
        .ok_or(StoryError::NotFinished)?;
    let title = story_title(&story);
    let told = prompt::earlier(&title, &ending.narrative);
    Ok(Earlier { story, title, told })
}

/// The start form of a sequel: what it says and preselects.
pub async fn start_form(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
) -> Result<SequelStart, StoryError> {
    let Earlier { story, title, .. } = earlier(state, tier, story_id).await?;
    Ok(SequelStart {
        story_id: story.id,
        title,
        text_model: story.text_model,
        image_model: story.image_model.filter(|m| m != repo::NO_IMAGE_MODEL),
        length: story.length,
    })
}

/// The idea a sequel gets when the form says nothing of what happens next.
pub fn default_idea(title: &str) -> String {
    format!("What happened next, after \"{title}\"")
}
