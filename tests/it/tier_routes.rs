//! Pages and server functions over real HTTP: tiers are isolated, unknown ones are 404.

use crate::helpers::TestApp;
use cyoa::domain::story::{StartInput, StoryLength};
use cyoa::domain::TierSpec;
use cyoa::server::story;

#[tokio::test]
async fn a_story_of_tier_kids_is_a_404_under_adult() {
    let app = TestApp::spawn().await;
    let kids = TierSpec::find("kids").expect("kids");
    let input = StartInput {
        prompt: "a little dragon".into(),
        length: StoryLength::Short,
        text_model: "gpt-6-luna".into(),
        image_model: Some("gpt-image-quick".into()),
        memory_profile: None,
        video_mode: false,
        family_mode: false,
        characters: Vec::new(),
        style: String::new(),
        surprise: false,
        bedtime: false,
        sequel_of: None,
    };
    let (story_id, scene_id) = story::start(&app.state, kids, input)
        .await
        .expect("started");
    let path = format!("/story/{story_id}/scene/{scene_id}");

    let own = app
        .http
        .get(app.url(&format!("/kids{path}")))
        .send()
        .await
        .expect("get");
    assert_eq!(own.status(), 200);
    let html = own.text().await.expect("body");
    assert!(
        html.contains("scene-narrative"),
        "the scene is rendered on the server"
    );

    let other = app
        .http
        .get(app.url(&format!("/adult{path}")))
        .send()
        .await
        .expect("get");
    assert_eq!(other.status(), 404);
    assert!(!other
        .text()
        .await
        .expect("body")
        .contains("scene-narrative"));

    let via_fn = app
        .server_fn(
            "scene",
            &[
                ("tier", "adult"),
                ("story_id", &story_id),
                ("scene_id", &scene_id),
            ],
        )
        .await;
    assert_eq!(via_fn.status(), 404);
}

#[tokio::test]
async fn unknown_tiers_and_pages_are_404() {
    let app = TestApp::spawn().await;
    for path in [
        "/teens",
        "/teens/story/x/scene/y",
        "/kids/nope/deeper",
        "/KIDS",
    ] {
        let res = app.http.get(app.url(path)).send().await.expect("get");
        assert_eq!(res.status(), 404, "{path}");
    }
    let home = app.http.get(app.url("/kids")).send().await.expect("get");
    assert_eq!(home.status(), 200);
}

#[tokio::test]
async fn the_start_server_function_refuses_an_empty_idea_in_plain_words() {
    let app = TestApp::spawn().await;
    let res = app
        .server_fn(
            "start_story",
            &[
                ("tier", "kids"),
                ("input[prompt]", "  "),
                ("input[length]", "short"),
                ("input[text_model]", "gpt-6-luna"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.expect("body");
    assert!(body.contains("Please write a story idea"), "{body}");
}

#[tokio::test]
async fn the_demo_banner_shows_only_on_simulated_providers() {
    use crate::text_providers::{sim, KEY};
    use cyoa::domain::Provider;

    async fn home_page(app: &TestApp) -> String {
        let res = app.http.get(app.url("/kids")).send().await.expect("get");
        assert_eq!(res.status(), 200);
        res.text().await.expect("html")
    }
    let banner = "class=\"demo-banner\"";
    let demo = TestApp::spawn().await;
    assert!(home_page(&demo).await.contains(banner));

    let sim = sim().await;
    let real = TestApp::builder()
        .providers(&sim, KEY, &[Provider::OpenAi, Provider::Anthropic])
        .spawn()
        .await;
    assert!(!home_page(&real).await.contains(banner));
}
