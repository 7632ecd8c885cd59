//! The story engine against the simulator over real HTTP and a real SQLite file.

use crate::helpers::{final_image, tier, TestApp};
use cyoa::domain::media::MediaKind;
use cyoa::domain::story::{StartInput, StoryLength};
use cyoa::server::story::{self, StoryError};

fn start_input(prompt: &str, length: StoryLength) -> StartInput {
    StartInput {
        prompt: prompt.into(),
        length,
        text_model: "claude-sonnet-5-5".into(),
        image_model: None,
        memory_profile: None,
        video_mode: false,
        family_mode: false,
        characters: Vec::new(),
        style: String::new(),
        surprise: false,
        bedtime: false,
        sequel_of: None,
    }
}

#[tokio::test]
async fn a_short_story_reaches_an_ending_at_its_length_and_completes() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (story_id, mut scene_id) = story::start(
        &app.state,
        kids,
        start_input("a shy dragon", StoryLength::Short),
    )
    .await
    .expect("started");
    let first = story::scene_view(&app.state, kids, &story_id, &scene_id)
        .await
        .expect("scene");
    assert!(first.title.is_some(), "the first scene has a title");
    assert!(first.narrative.to_lowercase().contains("dragon"));
    for depth in 2..=3 {
        let view = story::scene_view(&app.state, kids, &story_id, &scene_id)
            .await
            .expect("scene");
        assert!(!view.is_ending);
        assert!((2..=4).contains(&view.choices.len()));
        scene_id = story::choose(&app.state, kids, &story_id, &view.choices[0].id)
            .await
            .expect("next scene");
        let next = story::scene_view(&app.state, kids, &story_id, &scene_id)
            .await
            .expect("scene");
        assert_eq!(next.depth, depth);
        assert_eq!(
            next.chosen_label.as_deref(),
            Some(view.choices[0].label.as_str())
        );
    }
    let ending = story::scene_view(&app.state, kids, &story_id, &scene_id)
        .await
        .expect("scene");
    assert!(ending.is_ending);
    assert!(ending.choices.is_empty());
    let home = story::home(&app.state, kids, None).await.expect("home");
    assert!(
        home.resumable.is_none(),
        "a completed story is not offered for resume"
    );
}

#[tokio::test]
async fn an_explored_branch_is_reused_and_siblings_are_kept() {
    let app = TestApp::spawn().await;
    let adult = tier("adult");
    let (story_id, root) = story::start(
        &app.state,
        adult,
        start_input("a heist", StoryLength::Medium),
    )
    .await
    .expect("started");
    let view = story::scene_view(&app.state, adult, &story_id, &root)
        .await
        .expect("scene");
    let a = story::choose(&app.state, adult, &story_id, &view.choices[0].id)
        .await
        .expect("a");
    let b = story::choose(&app.state, adult, &story_id, &view.choices[1].id)
        .await
        .expect("b");
    let again = story::choose(&app.state, adult, &story_id, &view.choices[0].id)
        .await
        .expect("a again");
    assert_ne!(a, b);
    assert_eq!(a, again);
    let view = story::scene_view(&app.state, adult, &story_id, &root)
        .await
        .expect("scene");
    assert!(view.choices[0].explored && view.choices[1].explored);
    let b_view = story::scene_view(&app.state, adult, &story_id, &b)
        .await
        .expect("b");
    assert_eq!(b_view.previous_scene_id.as_deref(), Some(root.as_str()));
}

#[tokio::test]
async fn resume_offers_the_last_scene_and_start_fresh_abandons_it() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (story_id, root) = story::start(
        &app.state,
        kids,
        start_input("a lost teddy", StoryLength::Long),
    )
    .await
    .expect("started");
    let view = story::scene_view(&app.state, kids, &story_id, &root)
        .await
        .expect("scene");
    let next = story::choose(&app.state, kids, &story_id, &view.choices[0].id)
        .await
        .expect("next");
    story::scene_view(&app.state, kids, &story_id, &next)
        .await
        .expect("view");
    let resumable = story::home(&app.state, kids, None)
        .await
        .expect("home")
        .resumable
        .expect("resumable");
    assert_eq!(resumable.scene_id, next);
    assert_eq!(resumable.depth, 2);
    assert!(story::home(&app.state, tier("adult"), None)
        .await
        .expect("home")
        .resumable
        .is_none());
    story::abandon(&app.state, kids, &story_id)
        .await
        .expect("abandoned");
    assert!(story::home(&app.state, kids, None)
        .await
        .expect("home")
        .resumable
        .is_none());
}

#[tokio::test]
async fn ids_of_one_tier_are_not_found_in_another() {
    let app = TestApp::spawn().await;
    let (story_id, root) = story::start(
        &app.state,
        tier("kids"),
        start_input("a picnic", StoryLength::Short),
    )
    .await
    .expect("started");
    let adult = tier("adult");
    let view = story::scene_view(&app.state, tier("kids"), &story_id, &root)
        .await
        .expect("scene");
    assert!(matches!(
        story::scene_view(&app.state, adult, &story_id, &root).await,
        Err(StoryError::NotFound)
    ));
    assert!(matches!(
        story::choose(&app.state, adult, &story_id, &view.choices[0].id).await,
        Err(StoryError::NotFound)
    ));
    assert!(matches!(
        story::abandon(&app.state, adult, &story_id).await,
        Err(StoryError::NotFound)
    ));
}

#[tokio::test]
async fn invalid_input_is_refused_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let empty = story::start(&app.state, kids, start_input("   ", StoryLength::Short)).await;
    assert!(matches!(empty, Err(StoryError::InvalidPrompt(_))));
    let mut unknown = start_input("x", StoryLength::Short);
    unknown.text_model = "dalle".into();
    assert!(matches!(
        story::start(&app.state, kids, unknown).await,
        Err(StoryError::UnknownModel(_))
    ));
    let stories: (i64,) = cyoa::server::db::query_as("SELECT COUNT(*) FROM stories")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(stories.0, 0);
}

#[tokio::test]
async fn the_image_model_is_locked_at_start_and_shown_by_name() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let mut input = start_input("a fox", StoryLength::Short);
    input.image_model = Some("gpt-image-quick".into());
    let (story_id, root) = story::start(&app.state, kids, input)
        .await
        .expect("started");
    let view = story::scene_view(&app.state, kids, &story_id, &root)
        .await
        .expect("scene");
    assert_eq!(view.image_model_name.as_deref(), Some("GPT Image Quick"));
    let next = story::choose(&app.state, kids, &story_id, &view.choices[0].id)
        .await
        .expect("next");
    let next = story::scene_view(&app.state, kids, &story_id, &next)
        .await
        .expect("scene");
    assert_eq!(next.image_model_name.as_deref(), Some("GPT Image Quick"));

    // No model sent: the default. A legacy key shows as GPT Image 1, which
    // OpenAI retired: the story says what continues it.
    let (story_id, root) =
        story::start(&app.state, kids, start_input("an owl", StoryLength::Short))
            .await
            .expect("started");
    let view = story::scene_view(&app.state, kids, &story_id, &root)
        .await
        .expect("scene");
    assert_eq!(view.image_model_name.as_deref(), Some("GPT Image"));
    cyoa::server::db::query("UPDATE stories SET image_model = 'dalle' WHERE id = ?")
        .bind(&story_id)
        .execute(&app.state.db)
        .await
        .expect("update");
    let view = story::scene_view(&app.state, kids, &story_id, &root)
        .await
        .expect("scene");
    assert_eq!(
        view.image_model_name.as_deref(),
        Some("GPT Image 1, continued with GPT Image")
    );

    let mut unknown = start_input("x", StoryLength::Short);
    unknown.image_model = Some("dall-e-9".into());
    assert!(matches!(
        story::start(&app.state, kids, unknown).await,
        Err(StoryError::UnknownModel(_))
    ));
    let home = story::home(&app.state, kids, None).await.expect("home");
    assert_eq!(home.image_models.len(), 5);
    assert_eq!(home.default_image_model.as_deref(), Some("gpt-image"));
}

#[tokio::test]
async fn both_images_of_a_two_scene_story_use_the_story_model_and_are_served_per_tier() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let mut input = start_input("a painted fox", StoryLength::Short);
    input.image_model = Some("gemini".into());
    let (story_id, root) = story::start(&app.state, kids, input)
        .await
        .expect("started");
    let view = story::scene_view(&app.state, kids, &story_id, &root)
        .await
        .expect("scene");
    let second = story::choose(&app.state, kids, &story_id, &view.choices[0].id)
        .await
        .expect("next");
    for scene in [&root, &second] {
        let image = final_image(&app.state, kids, &story_id, scene).await;
        let url = image.url.expect("complete with a URL");
        let res = app.http.get(app.url(&url)).send().await.expect("get");
        assert_eq!(res.status(), 200);
        assert!(res.bytes().await.expect("bytes").starts_with(b"\x89PNG"));
        let other_tier = url.replacen("/kids/", "/adult/", 1);
        assert_eq!(
            app.http
                .get(app.url(&other_tier))
                .send()
                .await
                .expect("get")
                .status(),
            404
        );
        // A file lost on disk degrades to "no image": no URL, and the route is a 404.
        let file = url.rsplit('/').next().expect("file name");
        let key = cyoa::server::media_store::FileKey::media("kids", &story_id, file);
        crate::helpers::lose(&app.state, &key).await;
        let lost =
            cyoa::server::media::status(&app.state, kids, &story_id, scene, MediaKind::Image)
                .await
                .expect("view")
                .expect("job");
        assert_eq!(lost.url, None);
        assert_eq!(
            app.http
                .get(app.url(&url))
                .send()
                .await
                .expect("get")
                .status(),
            404
        );
    }
    let models: Vec<(String,)> =
        cyoa::server::db::query_as("SELECT model FROM media WHERE story_id = ?")
            .bind(&story_id)
            .fetch_all(&app.state.db)
            .await
            .expect("rows");
    assert_eq!(models, vec![("gemini".to_owned(),), ("gemini".to_owned(),)]);
}

#[tokio::test]
async fn a_failed_image_keeps_the_story_and_retry_brings_it() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let faults = app.url("/sim/__control/faults");
    let refuse = serde_json::json!({"api": "openai", "kind": "policy", "count": 1});
    app.http
        .post(&faults)
        .json(&refuse)
        .send()
        .await
        .expect("fault");
    let mut input = start_input("a kite", StoryLength::Short);
    input.image_model = Some("gpt-image-detailed".into());
    let (story_id, root) = story::start(&app.state, kids, input)
        .await
        .expect("started");
    let failed = final_image(&app.state, kids, &story_id, &root).await;
    assert_eq!(failed.status, cyoa::domain::media::MediaStatus::Failed);
    assert!(failed.error.is_some_and(|e| e.contains("OpenAI refused")));
    let view = story::scene_view(&app.state, kids, &story_id, &root)
        .await
        .expect("the story goes on");
    story::choose(&app.state, kids, &story_id, &view.choices[0].id)
        .await
        .expect("next scene");
    cyoa::server::media::retry(&app.state, kids, &story_id, &root, MediaKind::Image)
        .await
        .expect("retry");
    let retried = final_image(&app.state, kids, &story_id, &root).await;
    assert_eq!(retried.status, cyoa::domain::media::MediaStatus::Complete);
}

#[tokio::test]
async fn image_jobs_cut_off_by_a_restart_run_again_at_start_up() {
    let data_dir = tempfile::tempdir().expect("tempdir");
    let kids = tier("kids");
    let retries = cyoa::server::providers::Retries::default();
    let no_latency = std::time::Duration::ZERO;
    let (_, first) = cyoa::server::web::startup::spawn_demo(data_dir.path(), no_latency, &retries)
        .await
        .expect("first start");
    let (story_id, root) = story::start(
        &first,
        kids,
        start_input("a sleepy owl", StoryLength::Short),
    )
    .await
    .expect("started");
    final_image(&first, kids, &story_id, &root).await;
    // As if the process died mid-generation: the job is left "generating" with no file.
    cyoa::server::db::query(
        "UPDATE media SET status = 'generating', file_name = NULL WHERE scene_id = ?",
    )
    .bind(&root)
    .execute(&first.db)
    .await
    .expect("update");
    let (addr, second) =
        cyoa::server::web::startup::spawn_demo(data_dir.path(), no_latency, &retries)
            .await
            .expect("restart");
    let mut done = None;
    for _ in 0..400 {
        let view = cyoa::server::media::status(&second, kids, &story_id, &root, MediaKind::Image)
            .await
            .expect("view")
            .expect("job");
        if view.status == cyoa::domain::media::MediaStatus::Complete {
            done = view.url;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let url = done.expect("the interrupted image completed after the restart");
    let res = reqwest::get(format!("http://{addr}{url}"))
        .await
        .expect("get");
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_malformed_answer_is_asked_again_once_then_refused() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let faults = app.url("/sim/__control/faults");
    let queue = serde_json::json!({"api": "anthropic", "kind": "malformed", "count": 1});
    app.http
        .post(&faults)
        .json(&queue)
        .send()
        .await
        .expect("fault");
    story::start(&app.state, kids, start_input("a bunny", StoryLength::Short))
        .await
        .expect("the second answer is used");
    let queue = serde_json::json!({"api": "anthropic", "kind": "malformed", "count": 2});
    app.http
        .post(&faults)
        .json(&queue)
        .send()
        .await
        .expect("fault");
    let refused = story::start(&app.state, kids, start_input("a bunny", StoryLength::Short)).await;
    assert!(matches!(refused, Err(StoryError::Unusable(_))));
}

#[tokio::test]
async fn a_provider_outage_is_retried_then_told_in_plain_words() {
    let app = TestApp::spawn().await;
    let faults = app.url("/sim/__control/faults");
    let queue = serde_json::json!({"api": "anthropic", "kind": "server_error", "count": 3});
    app.http
        .post(&faults)
        .json(&queue)
        .send()
        .await
        .expect("fault");
    let err = story::start(
        &app.state,
        tier("kids"),
        start_input("a moon trip", StoryLength::Short),
    )
    .await
    .expect_err("three failures");
    let message = cyoa::domain::AppError::from(err).to_string();
    assert!(message.contains("Retry"), "{message}");
    assert!(!message.contains(cyoa::server::providers::DEMO_API_KEY));
}
