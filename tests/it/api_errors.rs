//! Server functions over HTTP as the browser calls them: the answer decodes, and every
//! refusal carries the status of its cause (422 invalid, 404 not found or another tier's,
//! 409 conflict) and plain words, never a 500.

use cyoa::domain::AppError;
use serde_json::Value;

use crate::helpers::{app_error, TestApp};

/// Starts a kids story over HTTP; answers `(story_id, scene_id)`.
pub(crate) async fn started(app: &TestApp) -> (String, String) {
    let res = app
        .start_story("kids", "a fox who bakes bread", "gpt-6-luna")
        .await;
    assert_eq!(res.status(), 200);
    let started: Value = res.json().await.expect("StartedStory JSON");
    let id = |k: &str| started[k].as_str().expect("id").to_owned();
    (id("story_id"), id("scene_id"))
}

#[tokio::test]
async fn a_story_is_started_read_and_continued_over_http() {
    let app = TestApp::spawn().await;
    let (story_id, scene_id) = started(&app).await;
    let res = app
        .server_fn(
            "scene",
            &[
                ("tier", "kids"),
                ("story_id", &story_id),
                ("scene_id", &scene_id),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let scene: Value = res.json().await.expect("SceneView JSON");
    let choice = scene["choices"][0]["id"].as_str().expect("a choice");
    let res = app
        .server_fn(
            "choose",
            &[
                ("tier", "kids"),
                ("story_id", &story_id),
                ("choice_id", choice),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let next: String = res.json().await.expect("scene id");
    assert_ne!(next, scene_id);
}

#[tokio::test]
async fn a_blank_idea_or_an_unknown_model_is_a_422_in_plain_words() {
    let app = TestApp::spawn().await;
    let (status, error) = app_error(app.start_story("kids", "   ", "gpt-6-luna").await).await;
    assert_eq!(status, 422);
    assert!(
        matches!(&error, AppError::Invalid(m) if m.contains("Please write a story idea")),
        "{error:?}"
    );
    let (status, error) = app_error(app.start_story("kids", "a kite", "no-such-model").await).await;
    assert_eq!(status, 422);
    assert_eq!(
        error,
        AppError::Invalid("Please pick one of the listed models.".into())
    );
}

#[tokio::test]
async fn an_unreadable_request_is_a_422_not_a_500() {
    let app = TestApp::spawn().await;
    let res = app
        .server_fn(
            "start_story",
            &[("tier", "kids"), ("input[prompt]", "a kite")],
        )
        .await;
    let (status, error) = app_error(res).await;
    assert_eq!(status, 422);
    assert!(
        matches!(&error, AppError::Invalid(m) if m.contains("reload the page")),
        "{error:?}"
    );
}

/// Every URL-encoded server function (the multipart ones have their own guard).
const URL_ENCODED: &[&str] = &[
    "profiles",
    "save_profile",
    "delete_profile",
    "save_character",
    "delete_character",
    "remove_photo",
    "status",
    "tier_doors",
    "tier_lock",
    "home",
    "start_story",
    "scene",
    "choose",
    "media_status",
    "retry_media",
    "regenerate_media",
    "abandon_story",
    "gallery",
    "reader",
    "delete_story",
    "story_map",
];

#[tokio::test]
async fn a_body_that_is_not_utf8_too_large_or_undecodable_is_a_4xx_for_every_server_function() {
    let app = TestApp::spawn().await;
    let http = reqwest::Client::new();
    let bodies: [(&str, Vec<u8>); 3] = [
        (
            "not UTF-8",
            b"tier=kids&input%5Bprompt%5D=\xff\xfe\xfd".to_vec(),
        ),
        (
            "too large",
            format!("tier=kids&x={}", "a".repeat(3 * 1024 * 1024)).into_bytes(),
        ),
        ("undecodable", b"%%%=&&&tier".to_vec()),
    ];
    // These take no arguments: there is nothing in a body to misread.
    let argless = ["status", "tier_doors"];
    for endpoint in URL_ENCODED {
        for (what, body) in &bodies {
            if *what == "undecodable" && argless.contains(endpoint) {
                continue;
            }
            let res = http
                .post(app.url(&format!("/api/{endpoint}")))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.clone())
                .send()
                .await
                .expect("request");
            let status = res.status().as_u16();
            assert!(
                (400..500).contains(&status),
                "{endpoint}, {what}: {status} {}",
                res.text().await.unwrap_or_default()
            );
        }
    }
}

#[tokio::test]
async fn another_tiers_or_unknown_ids_are_a_404() {
    let app = TestApp::spawn().await;
    let (story_id, scene_id) = started(&app).await;
    for (endpoint, form) in [
        (
            "scene",
            vec![
                ("tier", "adult"),
                ("story_id", story_id.as_str()),
                ("scene_id", scene_id.as_str()),
            ],
        ),
        (
            "choose",
            vec![
                ("tier", "kids"),
                ("story_id", story_id.as_str()),
                ("choice_id", "nope"),
            ],
        ),
        (
            "reader",
            vec![("tier", "teens"), ("story_id", story_id.as_str())],
        ),
        (
            "delete_story",
            vec![("tier", "adult"), ("story_id", story_id.as_str())],
        ),
        (
            "retry_media",
            vec![
                ("tier", "kids"),
                ("story_id", story_id.as_str()),
                ("scene_id", scene_id.as_str()),
                ("kind", "video"),
            ],
        ),
    ] {
        let (status, error) = app_error(app.server_fn(endpoint, &form).await).await;
        assert_eq!((status, &error), (404, &AppError::NotFound), "{endpoint}");
    }
}

#[tokio::test]
async fn a_twenty_first_character_or_a_second_mia_is_a_409_conflict() {
    let app = TestApp::spawn().await;
    let add = |name: String| {
        let app = &app;
        async move {
            app.server_fn(
                "save_character",
                &[
                    ("tier", "kids"),
                    ("input[name]", &name),
                    ("input[description]", "small and brave"),
                ],
            )
            .await
        }
    };
    assert_eq!(add("Mia".into()).await.status(), 200);
    let (status, error) = app_error(add("mIA".into()).await).await;
    assert_eq!(status, 409);
    assert!(
        matches!(&error, AppError::Conflict(m) if m.contains("already a character called Mia")),
        "{error:?}"
    );
    for i in 1..20 {
        assert_eq!(add(format!("Child {i}")).await.status(), 200);
    }
    let (status, error) = app_error(add("One too many".into()).await).await;
    assert_eq!(status, 409);
    assert!(
        matches!(&error, AppError::Conflict(m) if m.contains("20 characters, the most")),
        "{error:?}"
    );
}
