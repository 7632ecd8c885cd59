//! "Keep going" and "Wrap it up" over HTTP against the simulator (whose scenes end when the
//! prompt says the scene must be an ending): the new length counts from the next scene
//! written; the buttons' rules hold on the server (409 in words elsewhere); scenes written
//! ahead for the old length are dropped and their choices written anew, also when a
//! change races a scene kept aside.

use cyoa::domain::story::{SceneView, StoryLength};
use cyoa::domain::AppError;
use cyoa::server::story;

use crate::helpers::{app_error, start_input, tier, TestApp};
use crate::instant_scenes::{read_events, text_calls, wait_for, written_ahead};

/// A story of `length` played along its first choices down to `depth`.
async fn played(app: &TestApp, length: StoryLength, depth: u32) -> (String, SceneView) {
    let kids = tier("kids");
    let mut input = start_input("a tortoise who wants to fly");
    input.length = length;
    let (story_id, mut scene_id) = story::start(&app.state, kids, input).await.expect("start");
    for _ in 1..depth {
        let view = scene_view(app, &story_id, &scene_id).await;
        scene_id = story::choose(&app.state, kids, &story_id, &view.choices[0].id)
            .await
            .expect("chosen");
    }
    let view = scene_view(app, &story_id, &scene_id).await;
    (story_id, view)
}

async fn scene_view(app: &TestApp, story_id: &str, scene_id: &str) -> SceneView {
    story::scene_view(&app.state, tier("kids"), story_id, scene_id)
        .await
        .expect("scene")
}

/// The next scene along the first choice.
async fn next(app: &TestApp, story_id: &str, view: &SceneView) -> SceneView {
    let scene_id = story::choose(&app.state, tier("kids"), story_id, &view.choices[0].id)
        .await
        .expect("chosen");
    scene_view(app, story_id, &scene_id).await
}

/// Presses a button as the page's form posts it.
async fn press(app: &TestApp, story_id: &str, scene_id: &str, change: &str) -> reqwest::Response {
    app.server_fn(
        "story_length",
        &[
            ("tier", "kids"),
            ("story_id", story_id),
            ("scene_id", scene_id),
            ("change", change),
        ],
    )
    .await
}

/// The reader on `scene`: its choices' scenes are written ahead; the open stream, once
/// every one of them is ready (dropping it is leaving the scene).
async fn read_ahead(app: &TestApp, story_id: &str, scene: &SceneView) -> reqwest::Response {
    let mut ahead = app
        .http
        .get(app.url(&format!(
            "/kids/story/{story_id}/scene/{}/ahead",
            scene.scene_id
        )))
        .send()
        .await
        .expect("ahead");
    let ready = std::cell::Cell::new(0);
    read_events(&mut ahead, &|e| {
        ready.set(ready.get() + usize::from(e.name == "ready"));
        ready.get() == scene.choices.len()
    })
    .await;
    ahead
}

async fn told(res: reqwest::Response) -> String {
    assert!(res.status().is_success(), "{}", res.status());
    res.json().await.expect("the words told")
}

#[tokio::test]
async fn keep_going_adds_three_scenes_from_the_next_one_each_time() {
    let app = TestApp::spawn().await;
    // A short story (3 scenes): scene 3 would be its ending.
    let (story_id, second) = played(&app, StoryLength::Short, 2).await;
    assert_eq!(second.target_depth, 3);
    let words = told(press(&app, &story_id, &second.scene_id, "longer").await).await;
    assert_eq!(words, "The story goes on: about 4 more scenes.");
    let third = next(&app, &story_id, &second).await;
    assert_eq!(third.target_depth, 6);
    assert!(!third.is_ending, "scene 3 is no longer the end");
    // Far from the new end, Keep going is not offered; near it again, it adds three more.
    let (status, error) = app_error(press(&app, &story_id, &third.scene_id, "longer").await).await;
    assert_eq!(status, 409);
    assert!(
        matches!(&error, AppError::Conflict(w) if w.contains("near its end")),
        "{error:?}"
    );
    let fourth = next(&app, &story_id, &third).await;
    told(press(&app, &story_id, &fourth.scene_id, "longer").await).await;
    assert_eq!(
        scene_view(&app, &story_id, &fourth.scene_id)
            .await
            .target_depth,
        9
    );
}

#[tokio::test]
async fn wrap_it_up_ends_the_story_within_two_scenes() {
    let app = TestApp::spawn().await;
    let (story_id, second) = played(&app, StoryLength::Long, 2).await;
    assert_eq!(second.target_depth, 7);
    let words = told(press(&app, &story_id, &second.scene_id, "sooner").await).await;
    assert_eq!(words, "The story ends within the next 2 scenes.");
    let third = next(&app, &story_id, &second).await;
    assert!(!third.is_ending);
    let fourth = next(&app, &story_id, &third).await;
    assert!(fourth.is_ending, "the ending came at scene 4, not 7");
    // Once the next scene is the ending, wrapping up has nothing left to change.
    let (status, _) = app_error(press(&app, &story_id, &third.scene_id, "sooner").await).await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn the_buttons_rules_hold_on_the_server_and_bad_input_is_a_4xx() {
    let app = TestApp::spawn().await;
    let (story_id, first) = played(&app, StoryLength::Medium, 1).await;
    for change in ["longer", "sooner"] {
        let (status, error) =
            app_error(press(&app, &story_id, &first.scene_id, change).await).await;
        assert_eq!(status, 409, "{change} on the first scene: {error:?}");
    }
    let (story_id, ending) = played(&app, StoryLength::Short, 3).await;
    assert!(ending.is_ending);
    let (status, _) = app_error(press(&app, &story_id, &ending.scene_id, "longer").await).await;
    assert_eq!(status, 409, "not on an ending");
    let res = press(&app, &story_id, &ending.scene_id, "faster").await;
    assert!(res.status().is_client_error(), "{}", res.status());
    let res = press(&app, &story_id, "nope", "longer").await;
    assert_eq!(res.status(), 404);
    // Another tier's story is not there.
    let res = app
        .server_fn(
            "story_length",
            &[
                ("tier", "adult"),
                ("story_id", &story_id),
                ("scene_id", &ending.scene_id),
                ("change", "longer"),
            ],
        )
        .await;
    assert!(res.status().is_client_error(), "{}", res.status());
}

#[tokio::test]
async fn scenes_written_ahead_for_the_old_length_are_written_anew() {
    let app = TestApp::spawn().await;
    let (story_id, second) = played(&app, StoryLength::Short, 2).await;
    // The reader reads scene 2: its choices' scenes (endings, at the old length) are
    // written ahead and kept aside.
    let ahead = read_ahead(&app, &story_id, &second).await;
    assert_eq!(
        written_ahead(&app, &story_id).await,
        second.choices.len() as i64
    );

    told(press(&app, &story_id, &second.scene_id, "longer").await).await;
    assert_eq!(
        written_ahead(&app, &story_id).await,
        0,
        "the old length's scenes are dropped"
    );
    wait_for("the idle drafts to stop", async || {
        app.state.drafts.is_empty()
    })
    .await;
    let calls = text_calls(&app).await;
    let third = next(&app, &story_id, &second).await;
    assert_eq!(text_calls(&app).await, calls + 1, "written anew, once");
    assert!(!third.is_ending, "written for the new length");
    drop(ahead);
}

#[tokio::test]
async fn a_scene_kept_aside_while_the_length_changed_is_written_anew_when_taken() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (story_id, second) = played(&app, StoryLength::Short, 2).await;
    let ahead = read_ahead(&app, &story_id, &second).await;
    // The length changes under the drafts waiting for their tap (as when the change
    // lands between a draft's writing and its stop): the stored story says 6 now.
    assert!(
        cyoa::server::db::stories::set_target_depth(&app.state.db, "kids", &story_id, 3, 6)
            .await
            .expect("update")
    );
    let calls = text_calls(&app).await;
    let third = story::choose(&app.state, kids, &story_id, &second.choices[0].id)
        .await
        .expect("chosen");
    let third = scene_view(&app, &story_id, &third).await;
    assert_eq!(
        text_calls(&app).await,
        calls + 1,
        "the kept scene was not used"
    );
    assert!(!third.is_ending);
    drop(ahead);
}
