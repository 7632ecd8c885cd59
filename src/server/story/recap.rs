//! "Story so far": when a reader comes back to an unfinished story, two or three sentences
//! of what happened on their path, written by the story's own model after the page is shown
//! (the page asks for it; nothing waits for it) and kept on the scene. A scene has one path
//! in the story tree, so its recap stays true whatever branch is read later; only scenes
//! the reader has read go into it, never the choices not taken.

use serde::Deserialize;
use serde_json::json;

use super::prompt::{self, PathStep};
use super::StoryError;
use crate::domain::TierSpec;
use crate::server::db::stories as repo;
use crate::server::providers::TextRequest;
use crate::server::state::AppState;

#[derive(Deserialize)]
struct Answer {
    recap: String,
}

/// The recap of the path down to `scene_id`; `None` on the first scene (nothing to recap).
pub async fn so_far(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    scene_id: &str,
) -> Result<Option<String>, StoryError> {
    let story = repo::find_story(&state.db, tier.name, story_id)
        .await?
        .ok_or(StoryError::NotFound)?;
    let scene = repo::find_scene(&state.db, tier.name, story_id, scene_id)
        .await?
        .ok_or(StoryError::NotFound)?;
    if scene.depth < 2 {
        return Ok(None);
    }
    if let Some(kept) = repo::recap_of(&state.db, tier.name, scene_id).await? {
        return Ok(Some(kept));
    }
    let model = state
        .models
        .text(&story.text_model)
        .ok_or_else(|| StoryError::UnknownModel(story.text_model.clone()))?
        .model;
    let client = state
        .providers
        .client_for_text(model.provider)
        .ok_or(StoryError::ModelNotConfigured(model.display_name))?;
    let path = repo::path_to(&state.db, tier.name, scene_id).await?;
    let steps: Vec<PathStep<'_>> = path
        .iter()
        .enumerate()
        .map(|(i, row)| PathStep {
            narrative: &row.scene.narrative,
            chosen_after: path
                .get(i + 1)
                .and_then(|next| next.chosen_label.as_deref()),
        })
        .collect();
    let (system, user) = prompt::recap(tier, &story.prompt, &steps);
    let schema = json!({
        "type": "object",
        "properties": { "recap": { "type": "string" } },
        "required": ["recap"],
        "additionalProperties": false,
    });
    let answer = client
        .generate_json(&TextRequest {
            model: model.api_model,
            system: &system,
            user: &user,
            schema_name: "story_recap",
            schema: &schema,
        })
        .await?;
    let recap = serde_json::from_str::<Answer>(&answer)
        .map_err(|e| StoryError::Unusable(e.to_string()))?
        .recap;
    let recap = recap.trim();
    if recap.is_empty() {
        return Err(StoryError::Unusable("an empty recap".into()));
    }
    repo::set_recap(&state.db, tier.name, scene_id, recap).await?;
    Ok(Some(recap.to_owned()))
}
