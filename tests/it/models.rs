//! The model catalogue against the simulated providers: the owner's settings reach the
//! request, a model the provider no longer lists is hidden and explained, a retired model is
//! final at call time, and an old story continues with the successor and says so.

use cyoa::domain::media::{MediaKind, MediaStatus};
use cyoa::domain::{Provider, StoryLength};
use cyoa::server::key_check;
use cyoa::server::providers::Endpoint;
use cyoa::server::providers::{ProviderClient, ProviderError};
use cyoa::server::story::{self, StoryError};
use provider_sim::{self as sim, RunningSim, SimConfig};
use serde_json::Value;

use crate::helpers::{final_image, start_input, tier, TestApp};
use crate::image_providers::{self, KEY};

async fn image_requests(sim: &RunningSim) -> Vec<Value> {
    reqwest::get(format!("{}/__control/image_requests", sim.base_url()))
        .await
        .expect("log")
        .json()
        .await
        .expect("json")
}

/// The story's models set as an earlier release stored them (`models`: SQL assignments),
/// and its scene `scene_id` as the reader sees it then.
async fn as_stored_before(
    app: &TestApp,
    story_id: &str,
    scene_id: &str,
    models: &str,
) -> cyoa::domain::story::SceneView {
    cyoa::server::db::query(format!("UPDATE stories SET {models} WHERE id = ?"))
        .bind(story_id)
        .execute(&app.state.db)
        .await
        .expect("update");
    story::scene_view(&app.state, tier("kids"), story_id, scene_id)
        .await
        .expect("scene")
}

/// An app with every provider pointed at `sim` (as with real keys), with `changes` to the
/// built-in models.
async fn app_with(sim: &RunningSim, changes: &str) -> TestApp {
    TestApp::builder()
        .providers(sim, KEY, &Provider::ALL)
        .models(changes)
        .spawn()
        .await
}

#[tokio::test]
async fn a_new_api_id_in_the_settings_reaches_the_provider_and_the_key_stays() {
    let sim = image_providers::sim().await;
    let app = app_with(&sim, r#"image.gpt-image.api_model = "gpt-image-2""#).await;
    let kids = tier("kids");
    let mut input = start_input("a fox");
    input.image_model = Some("gpt-image".into());
    let (story_id, scene_id) = story::start(&app.state, kids, input)
        .await
        .expect("started");
    let view = final_image(&app.state, kids, &story_id, &scene_id).await;
    assert_eq!(view.status, MediaStatus::Complete, "{view:?}");
    let sent = image_requests(&sim).await;
    let last = sent.last().expect("a picture was ordered");
    assert_eq!(last["model"], "gpt-image-2", "{last}");
    let scene = story::scene_view(&app.state, kids, &story_id, &scene_id)
        .await
        .expect("scene");
    assert_eq!(scene.image_model_name.as_deref(), Some("GPT Image"));
}

#[tokio::test]
async fn a_model_the_provider_does_not_list_is_not_offered_and_the_status_says_why() {
    let sim = image_providers::sim().await;
    // The owner points a slot at an id OpenAI retired (and names no successor).
    let app = app_with(
        &sim,
        r#"image.gpt-image-detailed.api_model = "gpt-image-1.5""#,
    )
    .await;
    let kids = tier("kids");
    let home = story::home(&app.state, kids, None).await.expect("home");
    let offered: Vec<_> = home.image_models.iter().map(|m| m.key.as_str()).collect();
    assert!(!offered.contains(&"gpt-image-detailed"), "{offered:?}");
    assert!(offered.contains(&"gpt-image"), "{offered:?}");
    // Retired built-in rows are never offered either.
    assert!(!offered.contains(&"gpt-image-1"), "{offered:?}");
    let texts: Vec<_> = home.text_models.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(
        texts,
        [
            "claude-sonnet-5-5",
            "gpt-6-luna",
            "grok-4-3",
            "gemini-flash"
        ]
    );

    let status = key_check::site_status(&app.state).await;
    let openai = status
        .providers
        .iter()
        .find(|p| p.provider == "OpenAI")
        .expect("OpenAI");
    let detailed = openai
        .models
        .iter()
        .find(|m| m.name == "GPT Image Detailed")
        .expect("listed on the status page");
    assert!(!detailed.usable);
    assert!(
        detailed
            .verdict
            .contains("OpenAI does not list gpt-image-1.5"),
        "{detailed:?}"
    );
    let old = openai
        .models
        .iter()
        .find(|m| m.name == "GPT Image 1")
        .expect("the retired model");
    assert!(
        old.verdict.contains("retired") && old.verdict.contains("continue with GPT Image"),
        "{old:?}"
    );

    // Picked anyway (an old form): refused in plain words, nothing ordered.
    let mut input = start_input("a fox");
    input.image_model = Some("gpt-image-detailed".into());
    let refused = story::start(&app.state, kids, input).await;
    assert!(
        matches!(
            refused,
            Err(StoryError::ModelNotOffered("GPT Image Detailed"))
        ),
        "{refused:?}"
    );
    let res = app
        .server_fn(
            "start_story",
            &[
                ("tier", "kids"),
                ("input[prompt]", "a fox"),
                ("input[length]", "short"),
                ("input[text_model]", "claude-sonnet-5-5"),
                ("input[image_model]", "gpt-image-detailed"),
                ("input[video_mode]", "false"),
            ],
        )
        .await;
    let (code, error) = crate::helpers::app_error(res).await;
    assert_eq!(code, 422);
    assert!(error.to_string().contains("no longer offered"), "{error}");
}

#[tokio::test]
async fn a_retired_model_is_final_at_call_time_in_each_providers_shape() {
    let sim = image_providers::sim().await;
    let client = |p| {
        ProviderClient::new(
            reqwest::Client::new(),
            p,
            Endpoint::simulated(&sim.base_url(), p, KEY),
            image_providers::policy(),
        )
    };
    let retired = crate::helpers::image_model("gpt-image-1");
    let before = image_providers::attempts(&sim, Provider::OpenAi).await;
    let err = client(Provider::OpenAi)
        .generate_image(
            retired,
            "a fox",
            cyoa::domain::aspect::AspectRatio::Square,
            &[],
        )
        .await
        .expect_err("gone");
    assert!(matches!(err, ProviderError::ModelGone { .. }), "{err:?}");
    assert_eq!(
        image_providers::attempts(&sim, Provider::OpenAi).await - before,
        1,
        "never retried"
    );
    for (p, model) in [
        (Provider::Anthropic, "claude-sonnet-4-5"),
        (Provider::Xai, "grok-4"),
        (Provider::Gemini, "gemini-2.5-flash"),
        (Provider::OpenAi, "gpt-5-mini"),
    ] {
        let schema = cyoa::server::story::scene_json::schema();
        let request = cyoa::server::providers::TextRequest {
            model,
            system: "s",
            user: "u",
            schema_name: "story_scene",
            schema: &schema,
        };
        let err = client(p).generate_json(&request).await.expect_err("gone");
        assert!(
            matches!(err, ProviderError::ModelGone { .. }),
            "{p:?}: {err:?}"
        );
        assert!(!err.is_retryable());
    }
}

#[tokio::test]
async fn a_text_model_found_gone_at_call_time_names_its_successor_and_is_no_longer_sent() {
    let sim = image_providers::sim().await;
    // Anthropic's list cannot be read at start, so only a call can find the id gone.
    crate::helpers::queue_fault(
        &sim.base_url(),
        serde_json::json!({"api": "anthropic", "kind": "server_error", "count": 1}),
    )
    .await;
    let app = app_with(
        &sim,
        r#"text.claude-sonnet-5-5.api_model = "claude-sonnet-4-5"
           text.claude-sonnet-5-5.successor = "opus"
           text.opus.provider = "anthropic"
           text.opus.api_model = "claude-opus-5-5"
           text.opus.display_name = "Claude Opus 5.5""#,
    )
    .await;
    let kids = tier("kids");
    let home = story::home(&app.state, kids, None).await.expect("home");
    assert!(home
        .text_models
        .iter()
        .any(|m| m.key == "claude-sonnet-5-5"));
    let before = crate::text_providers::attempts(&sim, Provider::Anthropic).await;
    let failed = story::start(&app.state, kids, start_input("a fox")).await;
    assert!(
        matches!(
            failed,
            Err(StoryError::ModelRetired {
                name: "Claude Sonnet 5.5",
                successor: Some("Claude Opus 5.5")
            })
        ),
        "{failed:?}"
    );
    let words = cyoa::domain::AppError::from(failed.expect_err("failed")).to_string();
    assert!(
        words.contains("retired") && words.contains("continue it with Claude Opus 5.5"),
        "{words}"
    );
    assert_eq!(
        crate::text_providers::attempts(&sim, Provider::Anthropic).await - before,
        1,
        "final: never retried"
    );
    // From now on it is not offered, and a story made with it continues with the successor.
    let home = story::home(&app.state, kids, None).await.expect("home");
    assert!(home
        .text_models
        .iter()
        .all(|m| m.key != "claude-sonnet-5-5"));
    let mut input = start_input("an owl");
    input.text_model = "opus".into();
    let (story_id, root) = story::start(&app.state, kids, input)
        .await
        .expect("started");
    let view = as_stored_before(&app, &story_id, &root, "text_model = 'claude-sonnet-5-5'").await;
    assert_eq!(
        view.text_model_name,
        "Claude Sonnet 5.5, continued with Claude Opus 5.5"
    );
    story::choose(&app.state, kids, &story_id, &view.choices[0].id)
        .await
        .expect("written by the successor");
}

#[tokio::test]
async fn an_old_story_continues_with_the_successors_and_says_so() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let mut input = start_input("a lighthouse");
    input.length = StoryLength::Medium;
    input.image_model = Some("gpt-image".into());
    let (story_id, root) = story::start(&app.state, kids, input)
        .await
        .expect("started");
    final_image(&app.state, kids, &story_id, &root).await;
    let view = as_stored_before(
        &app,
        &story_id,
        &root,
        "text_model = 'claude-sonnet-4-5', image_model = 'gpt-image-1'",
    )
    .await;
    assert_eq!(
        view.text_model_name,
        "Claude Sonnet 4.5, continued with Claude Sonnet 5.5"
    );
    assert_eq!(
        view.image_model_name.as_deref(),
        Some("GPT Image 1, continued with GPT Image")
    );
    // The next scene is written and drawn by the successors (the simulator answers the old
    // ids 404, as the providers do).
    let next = story::choose(&app.state, kids, &story_id, &view.choices[0].id)
        .await
        .expect("written by the successor");
    let picture = final_image(&app.state, kids, &story_id, &next).await;
    assert_eq!(picture.status, MediaStatus::Complete, "{picture:?}");
    // Regenerate on an old scene uses the successor too.
    cyoa::server::media::regenerate(&app.state, kids, &story_id, &root, MediaKind::Image)
        .await
        .expect("regenerate");
    let again = final_image(&app.state, kids, &story_id, &root).await;
    assert_eq!(again.status, MediaStatus::Complete, "{again:?}");
}

#[tokio::test]
async fn paged_model_lists_are_followed_to_their_end() {
    let sim = sim::spawn(SimConfig {
        list_page_max: Some(2),
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let app = TestApp::builder()
        .providers(&sim, KEY, &[Provider::Gemini, Provider::Anthropic])
        .spawn()
        .await;
    let counts = crate::helpers::request_counts(&sim.base_url()).await;
    // Ten Gemini models at two a page, four Anthropic ones: every page was read, and
    // every current model is still offered.
    assert_eq!(counts["gemini/models"], 5, "{counts}");
    assert_eq!(counts["anthropic/models"], 2, "{counts}");
    let home = story::home(&app.state, tier("kids"), None)
        .await
        .expect("home");
    let texts: Vec<_> = home.text_models.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(texts, ["claude-sonnet-5-5", "gemini-flash"]);
    assert_eq!(home.image_models.len(), 1, "Gemini's picture model");
}

#[tokio::test]
async fn without_a_listed_video_model_video_mode_is_not_offered_and_says_why() {
    let sim = image_providers::sim().await;
    let app = app_with(
        &sim,
        r#"video.grok-imagine-video.api_model = "grok-imagine-video-0.9""#,
    )
    .await;
    let kids = tier("kids");
    let home = story::home(&app.state, kids, None).await.expect("home");
    assert!(!home.video_available);
    let mut input = start_input("a comet");
    input.video_mode = true;
    let (story_id, root) = story::start(&app.state, kids, input)
        .await
        .expect("started with pictures only");
    let scene = story::scene_view(&app.state, kids, &story_id, &root)
        .await
        .expect("scene");
    assert!(
        scene
            .video_notice
            .as_deref()
            .is_some_and(|n| n.contains("pictures only")),
        "{:?}",
        scene.video_notice
    );
}
