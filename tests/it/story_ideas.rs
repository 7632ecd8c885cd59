//! Story ideas and "Surprise me", over HTTP: each tier offers its own pool of ideas in a new
//! order each visit; a surprise starts a clean story (no profile, characters, family or
//! video) from the tier's ideas with a drawn length and picture style, and different taps
//! give different starts; a story's picture style is told to its illustrator, and a style
//! the tier does not list is refused in words.

use std::collections::HashSet;

use cyoa::api::story::StartedStory;
use cyoa::domain::form::Picked;
use cyoa::domain::story::HomeData;
use cyoa::domain::AppError;

use crate::helpers::{add_character, app_error, final_image, tier, TestApp};
use crate::same_faces::image_log;

async fn home(app: &TestApp, tier_name: &str) -> HomeData {
    let res = app.server_fn("home", &[("tier", tier_name)]).await;
    assert!(res.status().is_success(), "{}", res.status());
    res.json().await.expect("home data")
}

/// A surprise as the button sends it: the form's models, whatever else the form held
/// (`extra`: a ticked character, say).
async fn surprise(app: &TestApp, tier_name: &str, extra: &[(&str, &str)]) -> StartedStory {
    let form = [
        ("tier", tier_name),
        ("input[prompt]", ""),
        ("input[length]", "short"),
        ("input[text_model]", "gpt-6-luna"),
        ("input[image_model]", "gpt-image-quick"),
        ("input[video_mode]", "on"),
        ("input[surprise]", "on"),
    ];
    let res = app
        .server_fn("start_story", &[&form[..], extra].concat())
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    res.json().await.expect("started story")
}

async fn story_row(
    app: &TestApp,
    story_id: &str,
) -> (String, String, String, Option<String>, String) {
    cyoa::server::db::query_as(
        "SELECT prompt, length, video_mode, memory_context, picture_style FROM stories WHERE id = ?",
    )
    .bind(story_id)
    .fetch_one(&app.state.db)
    .await
    .expect("story row")
}

/// The prompts of the picture requests the simulator received, oldest first.
async fn picture_prompts(app: &TestApp) -> Vec<String> {
    image_log(app)
        .await
        .iter()
        .filter_map(|r| r["prompt"].as_str().map(str::to_owned))
        .collect()
}

/// The prompt the illustrator got for a story's first picture, once it is made.
async fn first_picture_prompt(app: &TestApp, started: &StartedStory) -> String {
    final_image(
        &app.state,
        tier("kids"),
        &started.story_id,
        &started.scene_id,
    )
    .await;
    picture_prompts(app).await.pop().expect("a picture request")
}

#[tokio::test]
async fn each_tier_offers_its_own_ideas_in_a_new_order_each_visit() {
    let app = TestApp::spawn().await;
    let kids = home(&app, "kids").await;
    let adult = home(&app, "adult").await;
    assert!(kids.templates.len() >= 12, "{}", kids.templates.len());
    assert!(adult.templates.len() >= 12, "{}", adult.templates.len());
    assert!(kids.styles.len() >= 3 && adult.styles.len() >= 3);
    let kid_ids: HashSet<&str> = kids.templates.iter().map(|t| t.id.as_str()).collect();
    assert!(adult
        .templates
        .iter()
        .all(|t| !kid_ids.contains(t.id.as_str())));
    // Five more visits: the pool is the same, the order is not always (14! orders).
    let mut orders = HashSet::new();
    for _ in 0..5 {
        let again = home(&app, "kids").await;
        let ids: Vec<String> = again.templates.iter().map(|t| t.id.clone()).collect();
        assert_eq!(
            ids.iter().map(String::as_str).collect::<HashSet<_>>(),
            kid_ids
        );
        orders.insert(ids);
    }
    assert!(orders.len() > 1, "the same order five times");
}

#[tokio::test]
async fn a_surprise_starts_a_clean_story_from_the_tiers_ideas_with_a_style() {
    let app = TestApp::spawn().await;
    let kids = home(&app, "kids").await;
    let mia = add_character(&app.state, "kids", "Mia", "A girl with red boots").await;
    let ticked = Picked::field("input[characters]", &mia);
    let started = surprise(&app, "kids", &[(ticked.as_str(), "on")]).await;
    let (prompt, _, video_mode, memory, picture_style) = story_row(&app, &started.story_id).await;
    assert!(
        kids.templates.iter().any(|t| t.idea == prompt),
        "not a kids idea: {prompt}"
    );
    assert_eq!(video_mode, "off", "a surprise never orders clips");
    assert_eq!(
        memory, None,
        "no profile, characters or family, though Mia was ticked"
    );
    assert!(!picture_style.is_empty(), "a style was drawn");
    // The illustrator is told the style with the scene.
    let sent = first_picture_prompt(&app, &started).await;
    assert!(
        sent.ends_with(&format!("Draw it as {picture_style}.")),
        "{sent}"
    );
}

#[tokio::test]
async fn repeated_surprises_give_different_starts() {
    let app = TestApp::spawn().await;
    let mut starts = HashSet::new();
    for _ in 0..6 {
        let started = surprise(&app, "adult", &[]).await;
        let (prompt, length, _, _, style) = story_row(&app, &started.story_id).await;
        starts.insert((prompt, length, style));
    }
    // Six draws of about 12 ideas × 3 lengths × 5 styles all alike: about 1 in 10^14.
    assert!(starts.len() > 1, "six surprises, one start: {starts:?}");
}

#[tokio::test]
async fn a_picked_style_draws_the_pictures_and_another_tiers_is_refused() {
    let app = TestApp::spawn().await;
    let form = |style: &'static str| {
        [
            ("tier", "kids"),
            ("input[prompt]", "A hedgehog who bakes bread"),
            ("input[length]", "short"),
            ("input[text_model]", "gpt-6-luna"),
            ("input[image_model]", "gpt-image-quick"),
            ("input[style]", style),
        ]
    };
    let res = app.server_fn("start_story", &form("crayon")).await;
    assert!(res.status().is_success(), "{}", res.status());
    let started: StartedStory = res.json().await.expect("started");
    let sent = first_picture_prompt(&app, &started).await;
    assert!(sent.contains("crayon drawing"), "{sent}");

    // The grown-ups' oil painting is not a kids style: refused, nothing started.
    let before = picture_prompts(&app).await.len();
    let (status, error) = app_error(app.server_fn("start_story", &form("oil")).await).await;
    assert_eq!(status, 422);
    assert!(
        matches!(&error, AppError::Invalid(words) if words.contains("picture styles")),
        "{error:?}"
    );
    assert_eq!(picture_prompts(&app).await.len(), before);
}

#[tokio::test]
async fn a_surprise_is_in_video_mode_only_where_the_owner_turned_it_on() {
    let app = TestApp::builder()
        .limits(cyoa::server::config::SpendingLimits {
            surprise_video: true,
            ..cyoa::server::config::SpendingLimits::unlimited()
        })
        .spawn()
        .await;
    let started = surprise(&app, "kids", &[]).await;
    let (_, _, video_mode, _, _) = story_row(&app, &started.story_id).await;
    assert_eq!(video_mode, "on");
}
