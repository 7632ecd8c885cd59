//! "Keep going" and "Wrap it up": a story's length changed in play. The new target depth
//! counts from the next scene written. Scenes written ahead for the old length are dropped
//! (the idle drafts stopped, the kept ones deleted) and written anew when their choice is
//! taken; a scene a reader already tapped goes on as it was asked for.

use super::StoryError;
use crate::domain::story::{LengthChange, StoryStatus};
use crate::domain::TierSpec;
use crate::server::db::stories as repo;
use crate::server::db::written_ahead;
use crate::server::state::AppState;

/// Makes `change` from `scene_id` of an in-progress story; answers what the reader is told.
pub async fn change(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    scene_id: &str,
    change: LengthChange,
) -> Result<String, StoryError> {
    let story = repo::find_story(&state.db, tier.name, story_id)
        .await?
        .ok_or(StoryError::NotFound)?;
    let scene = repo::find_scene(&state.db, tier.name, story_id, scene_id)
        .await?
        .ok_or(StoryError::NotFound)?;
    let depth = u32::try_from(scene.depth).unwrap_or(0);
    let was = u32::try_from(story.target_depth).unwrap_or(0);
    let offered =
        story.status != StoryStatus::Abandoned && change.offered(depth, was, scene.is_ending);
    let target = change
        .target_after(depth, was)
        .filter(|_| offered)
        .ok_or(StoryError::LengthNotHere(change))?;
    if !repo::set_target_depth(&state.db, tier.name, story_id, was, target).await? {
        // Another tap changed it first: this one is told to look again, not applied twice.
        return Err(StoryError::LengthChangedMeanwhile);
    }
    let stopped = state.drafts.stop_ahead_of(story_id);
    let dropped = written_ahead::forget_story(&state.db, tier.name, story_id).await?;
    tracing::info!(
        tier = tier.name,
        story_id,
        change = change.key(),
        was,
        target,
        stopped,
        dropped,
        "story length changed"
    );
    Ok(change.done(depth, target))
}
