//! A finished story's book cover: one picture per story, ordered when its first ending is
//! stored (queued in that transaction, on the row of the story's first scene, so there is
//! never a second), drawn by the story's image model in the story's picture style, and
//! shown as its gallery card and on the PDF's first page. The title is set by the page in
//! type, never drawn by the model (models letter badly): the prompt asks for no text and
//! for quiet room where the title goes. A cover that fails leaves the first scene's
//! picture on the card; nothing waits for it.

use super::queue::file_name_in;
use super::workers::record_outcome;
use super::MediaJobError;
use crate::domain::TierSpec;
use crate::server::db::media::MediaJob;
use crate::server::db::stories;
use crate::server::media_store::FileKey;
use crate::server::spending::{self, Spend};
use crate::server::state::AppState;

/// The start of a cover's file name (`cover.png`, `cover-1a2b3c4d.png` when made again).
pub const COVER_FILE: &str = "cover";

pub(super) async fn run(state: &AppState, job: MediaJob) {
    let outcome = super::reporting_retries(state, &job, make(state, &job)).await;
    record_outcome(state, &job, "cover", outcome, None).await;
}

async fn make(state: &AppState, job: &MediaJob) -> Result<String, MediaJobError> {
    let (model, tier) = super::painter(state, job)?;
    let story = stories::find_story(&state.db, tier.name, &job.story_id)
        .await
        .map_err(MediaJobError::Record)?
        .ok_or(MediaJobError::StoryDeleted)?;
    let title = crate::server::story::story_title(&story);
    let prompt = prompt(tier, &title, &story.prompt, &job.picture_style);
    super::still_ours(state, job).await?;
    // Charged just before the order, like any picture: over the limit, no cover.
    spending::charge(&state.db, &state.config.limits, tier, Spend::Picture).await?;
    tracing::info!("cover ordered");
    let image = super::draw(state, model, &prompt, &[]).await?;
    super::still_ours(state, job).await?;
    let file_name = file_name_in(COVER_FILE, job.previous_file.is_some(), image.extension);
    let key = FileKey::media(&job.tier, &job.story_id, &file_name);
    state
        .store
        .put(&key, &image.bytes)
        .await
        .map_err(MediaJobError::Storage)?;
    super::renditions::make(&state.store, &key).await;
    Ok(file_name)
}

/// What the illustrator is told: a book cover of the story (its title and idea, the tier's
/// look, the story's picture style), with no lettering and calm room for the title.
pub fn prompt(tier: &TierSpec, title: &str, idea: &str, picture_style: &str) -> String {
    let look = match tier.name {
        "kids" => "a bright, warm, friendly children's picture-book cover",
        _ => "a striking, atmospheric, stylised novel cover for grown-ups",
    };
    let mut prompt = format!(
        "The front cover illustration of a book called \"{title}\": {look}. The story: {idea}. \
         Show its main characters and its world in one inviting image. Do not write any text, \
         letters, numbers or words anywhere in the picture; leave a calm, plain area across \
         the top third where the title will be printed.",
        title = title.trim(),
        idea = idea.trim().trim_end_matches('.'),
    );
    if !picture_style.trim().is_empty() {
        prompt.push_str(&format!(" Draw it as {}.", picture_style.trim()));
    }
    prompt
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cover_prompt_names_the_story_asks_for_no_lettering_and_keeps_the_style() {
        let kids = TierSpec::find("kids").expect("kids");
        let p = prompt(
            kids,
            "The Brave Fox",
            "a fox who bakes bread.",
            "soft watercolours",
        );
        assert!(p.contains("\"The Brave Fox\"") && p.contains("a fox who bakes bread."));
        assert!(p.contains("children's picture-book cover"));
        assert!(p.contains("Do not write any text"));
        assert!(p.ends_with("Draw it as soft watercolours."));
        let adult = TierSpec::find("adult").expect("adult");
        let p = prompt(adult, "Night Train", "a heist", "");
        assert!(p.contains("novel cover") && !p.contains("Draw it as"));
    }
}
