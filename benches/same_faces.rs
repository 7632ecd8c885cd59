//! The same faces: what gathering a picture's reference images costs per scene — finding the
//! picture above it on the reader's path, reading that picture and the photos of the
//! characters in the scene from the media store, and writing the prompt. Thirty scenes of
//! memory-mode stories whose family has three characters with photos, every picture already
//! made (so nothing waits). Prints median and p95; the target is ≤ 50 ms at the median.
//!
//! Run: `cargo bench --features ssr --bench same_faces` (BENCH_SCENES, default 30).

mod common;

use std::time::{Duration, Instant};

use common::{env_number, settle, BoxError};
use cyoa::domain::form::Picked;
use cyoa::domain::profile::{CharacterInput, ProfileInput};
use cyoa::domain::story::{StartInput, StoryLength};
use cyoa::domain::TierSpec;
use cyoa::server::config::Config;
use cyoa::server::db::media;
use cyoa::server::memory::{characters, photos, profiles};
use cyoa::server::providers::Retries;
use cyoa::server::story;
use cyoa::server::web::startup;

/// A photo as a phone takes it, shrunk: 1024 px, a JPEG.
fn photo(rgb: [u8; 3]) -> Vec<u8> {
    let mut canvas = imaging::Canvas::new(1024, 1024);
    canvas.fill_rect(0, 0, 1024, 1024, rgb);
    canvas.fill_rect(300, 200, 400, 500, [rgb[2], rgb[0], rgb[1]]);
    canvas.to_jpeg(85)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let wanted = env_number("BENCH_SCENES", 30).max(1);
    let dir = tempfile::tempdir()?;
    let (_, state) = startup::spawn(Config::for_tests(dir.path()), &Retries::default()).await?;
    let kids = TierSpec::find("kids").ok_or("kids tier")?;
    let mut brought = Vec::new();
    for (name, rgb) in [
        ("Mia", [200, 40, 40]),
        ("Leo", [40, 160, 60]),
        ("Ada", [40, 60, 200]),
    ] {
        let input = CharacterInput {
            name: name.into(),
            description: format!("{name}, who loves kites"),
            ..Default::default()
        };
        let id = characters::save(&state, kids, None, &input).await?;
        photos::store(&state, kids, &id, photo(rgb)).await?;
        brought.push(id);
    }
    let profile = ProfileInput {
        display_name: "The Lees".into(),
        art_style: "soft watercolour".into(),
        characters: Picked(brought),
        ..Default::default()
    };
    let profile = profiles::save_profile(&state, kids, None, &profile).await?;
    // Long stories along their first choices until there are enough scenes.
    let mut scenes = Vec::new();
    while scenes.len() < wanted {
        let input = StartInput {
            prompt: format!("A picnic on a windy hill, number {}", scenes.len()),
            length: StoryLength::Long,
            text_model: "claude-sonnet-5-5".into(),
            image_model: Some("gpt-image".into()),
            memory_profile: Some(profile.clone()),
            video_mode: false,
            family_mode: false,
            characters: Vec::new(),
            style: String::new(),
            surprise: false,
            bedtime: false,
            sequel_of: None,
        };
        let (story_id, mut scene) = story::start(&state, kids, input).await?;
        scenes.push((story_id.clone(), scene.clone()));
        loop {
            let view = story::scene_view(&state, kids, &story_id, &scene).await?;
            let Some(choice) = view.choices.first() else {
                break;
            };
            scene = story::choose(&state, kids, &story_id, &choice.id).await?;
            scenes.push((story_id.clone(), scene.clone()));
        }
    }
    scenes.truncate(wanted);
    settle(&state).await?;
    let model = state.models.image(Some("gpt-image")).model;
    let mut took = Vec::new();
    let mut sent = 0;
    for (_, scene) in &scenes {
        let id: String = cyoa::server::db::query_scalar(
            "SELECT id FROM media WHERE scene_id = ? AND kind = 'image'",
        )
        .bind(scene)
        .fetch_one(&state.db)
        .await?;
        let job = media::job(&state.db, &id)
            .await?
            .ok_or("the picture's job")?;
        let started = Instant::now();
        let gathered = cyoa::server::media::references::gather(&state, &job, model).await;
        took.push(started.elapsed());
        sent += gathered.images.len();
    }
    took.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "gathering the references of {} scenes (3 characters with 1024-px photos; {:.1} images per scene on average):",
        took.len(),
        sent as f64 / took.len() as f64
    );
    println!(
        "  median {:.2} ms, p95 {:.2} ms, max {:.2} ms (target: ≤ 50 ms at the median)",
        ms(percentile(&took, 0.5)),
        ms(percentile(&took, 0.95)),
        ms(took[took.len() - 1])
    );
    Ok(())
}
