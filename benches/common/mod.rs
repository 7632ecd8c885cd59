//! What the benchmarks share: played stories, a filled gallery, settled media.

// Each benchmark compiles this module and uses a part of it.
#![allow(dead_code)]

use std::time::Duration;

use cyoa::domain::story::StartInput;
use cyoa::domain::{StoryLength, TierSpec};
use cyoa::server::state::AppState;
use cyoa::server::story;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Plays one story to its end along the first choices; answers its scenes in order.
pub async fn play(
    state: &AppState,
    tier: &'static TierSpec,
    prompt: &str,
    length: StoryLength,
    video: bool,
) -> Result<(String, Vec<String>), BoxError> {
    let input = StartInput {
        prompt: prompt.into(),
        length,
        text_model: "gpt-6-luna".into(),
        image_model: Some("gpt-image-quick".into()),
        memory_profile: None,
        video_mode: video,
        family_mode: false,
        characters: Vec::new(),
        style: String::new(),
        surprise: false,
        bedtime: false,
        sequel_of: None,
    };
    let (story_id, mut scene) = story::start(state, tier, input).await?;
    let mut scenes = vec![scene.clone()];
    loop {
        let view = story::scene_view(state, tier, &story_id, &scene).await?;
        let Some(choice) = view.choices.first() else {
            return Ok((story_id, scenes));
        };
        scene = story::choose(state, tier, &story_id, &choice.id).await?;
        scenes.push(scene.clone());
    }
}

/// Waits until every picture and clip is final.
pub async fn settle(state: &AppState) -> Result<(), BoxError> {
    for _ in 0..2400 {
        let open: i64 = cyoa::server::db::query_scalar(
            "SELECT COUNT(*) FROM media WHERE status NOT IN ('complete', 'failed')",
        )
        .fetch_one(&state.db)
        .await?;
        if open == 0 {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err("the pictures and clips never finished".into())
}

/// The kids' tier's gallery as the benchmarks fill it: one five-scene story with pictures and
/// clips (answered with its scenes), then 23 short ones with pictures, all media made.
pub async fn fill_gallery(state: &AppState) -> Result<(String, Vec<String>), BoxError> {
    let kids = TierSpec::find("kids").ok_or("kids tier")?;
    let played = play(
        state,
        kids,
        "A lighthouse keeper's daughter finds a map of the sea",
        StoryLength::Medium,
        true,
    )
    .await?;
    for i in 0..23 {
        play(
            state,
            kids,
            &format!("Story number {i}: a fox and a kite"),
            StoryLength::Short,
            false,
        )
        .await?;
    }
    settle(state).await?;
    Ok(played)
}
