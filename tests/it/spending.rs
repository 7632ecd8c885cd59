//! Spending limits: over a tier's hourly limit, starting a story or retrying a
//! picture is a 429 in plain words and orders nothing; a picture due over the limit is not
//! ordered and its scene says when more is possible. The other tier is not affected.

use std::time::Duration;

use cyoa::domain::AppError;
use cyoa::server::config::SpendingLimits;
use serde_json::Value;

use crate::helpers::{app_error, TestApp};

async fn media_row(app: &TestApp, scene_id: &str) -> Option<(String, Option<String>)> {
    cyoa::server::db::query_as(
        "SELECT status, error FROM media WHERE scene_id = ? AND kind = 'image'",
    )
    .bind(scene_id)
    .fetch_optional(&app.state.db)
    .await
    .expect("media row")
}

/// Waits until the scene's picture job has ended; its status and error.
async fn picture_outcome(app: &TestApp, scene_id: &str) -> (String, Option<String>) {
    for _ in 0..400 {
        if let Some((status, error)) = media_row(app, scene_id).await {
            if status == "complete" || status == "failed" {
                return (status, error);
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the picture job of {scene_id} never ended");
}

#[tokio::test]
async fn over_the_hourly_limit_nothing_is_ordered_and_the_reader_is_told_why() {
    let app = TestApp::builder()
        .limits(SpendingLimits {
            stories_per_hour: 2,
            pictures_per_hour: 1,
            clips_per_hour: 0,
            speech_per_hour: 0,
            surprise_video: false,
        })
        .spawn()
        .await;
    let res = app
        .start_story("kids", "a fox who bakes bread", "gpt-6-luna")
        .await;
    assert_eq!(res.status(), 200);
    let started: Value = res.json().await.expect("json");
    let first_scene = started["scene_id"].as_str().expect("scene").to_owned();
    assert_eq!(picture_outcome(&app, &first_scene).await.0, "complete");

    // The second story is allowed, but its picture is over the picture limit: not ordered.
    let res = app
        .start_story("kids", "a kite in the rain", "gpt-6-luna")
        .await;
    assert_eq!(res.status(), 200);
    let started: Value = res.json().await.expect("json");
    let story = started["story_id"].as_str().expect("story").to_owned();
    let scene = started["scene_id"].as_str().expect("scene").to_owned();
    let (status, error) = picture_outcome(&app, &scene).await;
    assert_eq!(status, "failed");
    let error = error.unwrap_or_default();
    assert!(
        error.contains("1 pictures for this hour") && error.contains("Nothing was ordered"),
        "{error}"
    );

    // Retry is refused before anything is queued.
    let res = app
        .server_fn(
            "retry_media",
            &[
                ("tier", "kids"),
                ("story_id", &story),
                ("scene_id", &scene),
                ("kind", "image"),
            ],
        )
        .await;
    let (status, refused) = app_error(res).await;
    assert_eq!(status, 429);
    assert!(
        matches!(&refused, AppError::Limited(m) if m.contains("try again in")),
        "{refused:?}"
    );
    assert_eq!(
        media_row(&app, &scene).await.map(|r| r.0).as_deref(),
        Some("failed")
    );

    // A third story is over the story limit: refused, and no story is stored.
    let (status, refused) =
        app_error(app.start_story("kids", "a third one", "gpt-6-luna").await).await;
    assert_eq!(status, 429);
    assert!(
        matches!(&refused, AppError::Limited(m) if m.contains("2 new stories")),
        "{refused:?}"
    );
    let stories: i64 =
        cyoa::server::db::query_scalar("SELECT COUNT(*) FROM stories WHERE tier = 'kids'")
            .fetch_one(&app.state.db)
            .await
            .expect("count");
    assert_eq!(stories, 2);

    // The other tier has its own budget.
    let res = app
        .start_story("adult", "a heist on a starship", "gpt-6-luna")
        .await;
    assert_eq!(res.status(), 200);
}
