//! "Story so far" over HTTP against the simulator (which answers a recap by naming the idea
//! and each choice taken): none on a first scene; the path's choices taken and never the
//! ones not taken; written once per scene and then kept; a failing model is a 503 in words
//! (the page, which never waits for it, shows nothing); another tier's scene is a 404.

use cyoa::domain::story::SceneView;
use cyoa::server::story;
use serde_json::json;

use crate::helpers::{app_error, clear_faults, queue_fault, start_input, tier, TestApp};
use crate::instant_scenes::text_calls;

async fn so_far(
    app: &TestApp,
    tier_name: &str,
    story_id: &str,
    scene_id: &str,
) -> reqwest::Response {
    app.server_fn(
        "recap",
        &[
            ("tier", tier_name),
            ("story_id", story_id),
            ("scene_id", scene_id),
        ],
    )
    .await
}

async fn view(app: &TestApp, story_id: &str, scene_id: &str) -> SceneView {
    story::scene_view(&app.state, tier("kids"), story_id, scene_id)
        .await
        .expect("scene")
}

#[tokio::test]
async fn the_recap_tells_the_path_taken_once_and_nothing_else() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let mut input = start_input("a lamb who wants to sail");
    input.length = cyoa::domain::story::StoryLength::Long;
    let (story_id, first) = story::start(&app.state, kids, input).await.expect("start");
    let res = so_far(&app, "kids", &story_id, &first).await;
    assert!(res.status().is_success());
    assert_eq!(
        res.json::<Option<String>>().await.expect("json"),
        None,
        "nothing to recap yet"
    );

    let one = view(&app, &story_id, &first).await;
    let second = story::choose(&app.state, kids, &story_id, &one.choices[1].id)
        .await
        .expect("chosen");
    let two = view(&app, &story_id, &second).await;
    let third = story::choose(&app.state, kids, &story_id, &two.choices[0].id)
        .await
        .expect("chosen");
    let three = view(&app, &story_id, &third).await;

    let calls = text_calls(&app).await;
    let res = so_far(&app, "kids", &story_id, &third).await;
    assert!(res.status().is_success(), "{}", res.status());
    let recap = res
        .json::<Option<String>>()
        .await
        .expect("json")
        .expect("a recap");
    assert_eq!(text_calls(&app).await, calls + 1);
    for taken in [&one.choices[1].label, &two.choices[0].label] {
        assert!(
            recap.to_lowercase().contains(&taken.to_lowercase()),
            "{taken} in {recap}"
        );
    }
    // The choices not taken (by their words: two scenes may offer the same one).
    let taken = [&one.choices[1].label, &two.choices[0].label];
    let untaken = one
        .choices
        .iter()
        .chain(&two.choices)
        .chain(&three.choices)
        .filter(|c| !taken.contains(&&c.label));
    for choice in untaken {
        assert!(
            !recap.to_lowercase().contains(&choice.label.to_lowercase()),
            "{} spoiled in {recap}",
            choice.label
        );
    }
    // Kept: the next visit pays nothing.
    let again = so_far(&app, "kids", &story_id, &third).await;
    assert_eq!(
        again.json::<Option<String>>().await.expect("json"),
        Some(recap)
    );
    assert_eq!(text_calls(&app).await, calls + 1);
    // Another tier's story is not there.
    let res = so_far(&app, "adult", &story_id, &third).await;
    assert!(res.status().is_client_error(), "{}", res.status());
}

#[tokio::test]
async fn a_failing_model_is_told_in_words_and_nothing_is_kept() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (story_id, first) = story::start(&app.state, kids, start_input("a goat who paints"))
        .await
        .expect("start");
    let one = view(&app, &story_id, &first).await;
    let second = story::choose(&app.state, kids, &story_id, &one.choices[0].id)
        .await
        .expect("chosen");
    let sim = app.url("/sim");
    queue_fault(
        &sim,
        json!({ "api": "anthropic", "kind": "server_error", "count": 10 }),
    )
    .await;
    let (status, _) = app_error(so_far(&app, "kids", &story_id, &second).await).await;
    assert_eq!(status, 503);
    clear_faults(&sim).await;
    let res = so_far(&app, "kids", &story_id, &second).await;
    assert!(
        res.json::<Option<String>>().await.expect("json").is_some(),
        "written when the model is back"
    );
}
