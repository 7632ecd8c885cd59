//! Bedtime mode (spec 026) over HTTP against the simulator, whose endings fall asleep when
//! the prompt says it is a bedtime story: always short whatever length was picked, calm
//! rules and a night-time picture style kept on the story for every scene, the scene view
//! counting the minutes for the wind-down, Surprise me keeping it, the grown-ups' tier
//! refusing it in words.

use cyoa::domain::story::StoryLength;
use cyoa::server::story;
use cyoa::server::story::prompt::BEDTIME_PICTURES;

use crate::helpers::{app_error, start_input, tier, TestApp};

async fn bedtime_row(app: &TestApp, story_id: &str) -> (bool, i64, String) {
    cyoa::server::db::query_as(
        "SELECT bedtime, target_depth, picture_style FROM stories WHERE id = ?",
    )
    .bind(story_id)
    .fetch_one(&app.state.db)
    .await
    .expect("story")
}

#[tokio::test]
async fn a_bedtime_story_is_short_calm_and_ends_asleep() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let mut input = start_input("a sleepy owl who counts the stars");
    input.length = StoryLength::Long;
    input.bedtime = true;
    let (story_id, mut at) = story::start(&app.state, kids, input).await.expect("start");
    let (bedtime, target, style) = bedtime_row(&app, &story_id).await;
    assert!(bedtime);
    assert_eq!(target, 3, "short, whatever length was picked");
    assert_eq!(style, BEDTIME_PICTURES);
    let mut depth = 1;
    loop {
        let view = story::scene_view(&app.state, kids, &story_id, &at)
            .await
            .expect("scene");
        assert_eq!(view.bedtime_minutes, Some(0), "the page dims and counts");
        if view.is_ending {
            assert!(
                view.narrative.contains("fell fast asleep"),
                "{}",
                view.narrative
            );
            break;
        }
        at = story::choose(&app.state, kids, &story_id, &view.choices[0].id)
            .await
            .expect("chosen");
        depth += 1;
    }
    assert_eq!(depth, 3);

    // A story that is not a bedtime story has no night theme.
    let (other, first) = story::start(&app.state, kids, start_input("a busy beaver"))
        .await
        .expect("start");
    let view = story::scene_view(&app.state, kids, &other, &first)
        .await
        .expect("scene");
    assert_eq!(view.bedtime_minutes, None);
}

#[tokio::test]
async fn surprise_me_keeps_bedtime_and_a_picked_style_gets_the_night_look_too() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let mut input = start_input("");
    input.surprise = true;
    input.bedtime = true;
    let (story_id, _) = story::start(&app.state, kids, input)
        .await
        .expect("surprise");
    let (bedtime, target, style) = bedtime_row(&app, &story_id).await;
    assert!(bedtime && target == 3, "{bedtime} {target}");
    assert!(style.ends_with(BEDTIME_PICTURES), "{style}");
}

#[tokio::test]
async fn the_grown_ups_tier_has_no_bedtime_mode() {
    let app = TestApp::spawn().await;
    let res = app
        .server_fn(
            "start_story",
            &[
                ("tier", "adult"),
                ("input[prompt]", "a night train"),
                ("input[length]", "short"),
                ("input[text_model]", "claude-sonnet-5-5"),
                ("input[bedtime]", "on"),
            ],
        )
        .await;
    let (status, error) = app_error(res).await;
    assert_eq!(status, 422);
    assert!(
        error
            .to_string()
            .contains("Bedtime mode is for the children"),
        "{error}"
    );
    let stories: i64 = cyoa::server::db::query_scalar("SELECT COUNT(*) FROM stories")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(stories, 0, "nothing was started");
}
