//! Regenerate: a finished picture is made anew while the old one stays shown and
//! served; the new one replaces it in one write (file and row) and the old file goes; a
//! failed regeneration keeps the old picture with a note; many concurrent calls make one
//! job; there is nothing to regenerate before the picture is finished.

use std::time::Duration;

use cyoa::domain::media::{MediaKind, MediaStatus};
use serde_json::json;

use crate::helpers::{final_image, queue_fault, request_counts, start_input, tier, TestApp};

const ROUTE: &str = "openai/images/generations";

async fn row(
    app: &TestApp,
    scene: &str,
) -> (String, Option<String>, Option<String>, Option<String>) {
    cyoa::server::db::query_as(
        "SELECT status, file_name, previous_file, error FROM media WHERE scene_id = ? AND kind = 'image'",
    )
    .bind(scene)
    .fetch_one(&app.state.db)
    .await
    .expect("row")
}

async fn regenerate(app: &TestApp, story: &str, scene: &str) -> reqwest::StatusCode {
    app.server_fn(
        "regenerate_media",
        &[
            ("tier", "kids"),
            ("story_id", story),
            ("scene_id", scene),
            ("kind", "image"),
        ],
    )
    .await
    .status()
}

async fn get_status(app: &TestApp, path: &str) -> u16 {
    app.http
        .get(app.url(path))
        .send()
        .await
        .expect("get")
        .status()
        .as_u16()
}

#[tokio::test]
async fn regenerate_replaces_the_picture_once_and_keeps_the_old_one_until_then() {
    let app = TestApp::spawn().await;
    let sim = app.url("/sim");
    let kids = tier("kids");
    let mut input = start_input("a fox who bakes bread");
    input.image_model = Some("gpt-image-quick".into());
    let (story, scene) = cyoa::server::story::start(&app.state, kids, input)
        .await
        .expect("start");
    // Nothing to regenerate before the picture is finished.
    let old = final_image(&app.state, kids, &story, &scene).await;
    assert_eq!(old.status, MediaStatus::Complete);
    let old_url = old.url.expect("old url");
    let before = request_counts(&sim).await[ROUTE].as_u64().unwrap_or(0);

    // The new picture takes a while; meanwhile the old one is still shown and served.
    queue_fault(
        &sim,
        json!({"api": "openai", "kind": "slow", "count": 1, "delay_ms": 800}),
    )
    .await;
    let at_once = tokio::join!(
        regenerate(&app, &story, &scene),
        regenerate(&app, &story, &scene),
        regenerate(&app, &story, &scene),
        regenerate(&app, &story, &scene),
        regenerate(&app, &story, &scene),
    );
    assert_eq!(
        [at_once.0, at_once.1, at_once.2, at_once.3, at_once.4],
        [200; 5]
    );
    let view = cyoa::server::media::status(&app.state, kids, &story, &scene, MediaKind::Image)
        .await
        .expect("status")
        .expect("view");
    assert!(!view.status.is_final());
    assert_eq!(view.url.as_deref(), Some(old_url.as_str()));
    assert_eq!(get_status(&app, &old_url).await, 200);

    let new = final_image(&app.state, kids, &story, &scene).await;
    let new_url = new.url.expect("new url");
    assert_ne!(new_url, old_url);
    assert_eq!(get_status(&app, &new_url).await, 200);
    assert_eq!(
        get_status(&app, &old_url).await,
        404,
        "the old file is gone"
    );
    let old_file = old_url.rsplit('/').next().expect("file");
    let dir = app.state.config.data_dir.join("media/kids").join(&story);
    assert!(!dir.join(old_file).exists());
    // Five calls at once made one job.
    let after = request_counts(&sim).await[ROUTE].as_u64().unwrap_or(0);
    assert_eq!(after - before, 1);
    let (_, _, previous, error) = row(&app, &scene).await;
    assert_eq!((previous, error), (None, None));

    // A regeneration that fails keeps the picture it was to replace, and says so.
    queue_fault(&sim, json!({"api": "openai", "kind": "policy", "count": 5})).await;
    assert_eq!(regenerate(&app, &story, &scene).await, 200);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let kept = final_image(&app.state, kids, &story, &scene).await;
    assert_eq!(kept.status, MediaStatus::Complete);
    assert_eq!(kept.url.as_deref(), Some(new_url.as_str()));
    assert!(
        kept.error
            .as_deref()
            .is_some_and(|e| e.contains("so the old one stays")),
        "{:?}",
        kept.error
    );
    assert_eq!(get_status(&app, &new_url).await, 200);

    // Another tier cannot regenerate it.
    let res = app
        .server_fn(
            "regenerate_media",
            &[
                ("tier", "adult"),
                ("story_id", &story),
                ("scene_id", &scene),
                ("kind", "image"),
            ],
        )
        .await;
    assert_eq!(res.status(), 404);
}
