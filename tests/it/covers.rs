//! A finished story's book cover (spec 045) over HTTP against the simulator: queued with the
//! first ending (once per story), drawn by the story's image model without lettering, shown
//! as the gallery card (the first scene's picture until then, and when it fails), served
//! like any picture of the tier, counted against the picture limit.

use std::time::Duration;

use cyoa::domain::media::MediaKind;
use cyoa::server::config::SpendingLimits;
use cyoa::server::story;

use crate::helpers::{final_image, start_input, tier, TestApp};
use crate::same_faces::image_log;

/// A short illustrated story played along its first choices to its ending: its id, and
/// its first scene and its ending.
async fn finished(app: &TestApp) -> (String, String, String) {
    let kids = tier("kids");
    let mut input = start_input("a hedgehog who builds a boat");
    input.image_model = Some("gpt-image-quick".into());
    let (story_id, first) = story::start(&app.state, kids, input).await.expect("start");
    let mut at = first.clone();
    loop {
        final_image(&app.state, kids, &story_id, &at).await;
        let view = story::scene_view(&app.state, kids, &story_id, &at)
            .await
            .expect("scene");
        if view.is_ending {
            return (story_id, first, at);
        }
        at = story::choose(&app.state, kids, &story_id, &view.choices[0].id)
            .await
            .expect("chosen");
    }
}

/// The cover row's status once final (`None`: the story has no cover job).
async fn final_cover(app: &TestApp, story_id: &str) -> Option<String> {
    for _ in 0..400 {
        let status: Option<String> = cyoa::server::db::query_scalar(
            "SELECT status FROM media WHERE story_id = ? AND kind = 'cover'",
        )
        .bind(story_id)
        .fetch_optional(&app.state.db)
        .await
        .expect("row");
        match status.as_deref() {
            Some("complete" | "failed") | None => return status,
            Some(_) => tokio::time::sleep(Duration::from_millis(25)).await,
        }
    }
    panic!("the cover never finished");
}

async fn card(app: &TestApp, story_id: &str) -> cyoa::domain::gallery::StoryCard {
    story::gallery::page(&app.state, tier("kids"), None)
        .await
        .expect("gallery")
        .completed
        .into_iter()
        .find(|c| c.story_id == story_id)
        .expect("in the gallery")
}

#[tokio::test]
async fn an_ended_story_gets_one_book_cover_as_its_gallery_card() {
    let app = TestApp::spawn().await;
    let (story_id, first, _) = finished(&app).await;
    assert_eq!(
        final_cover(&app, &story_id).await.as_deref(),
        Some("complete")
    );

    let card = card(&app, &story_id).await;
    assert!(card.is_book_cover, "the card shows the cover");
    let url = card.cover_url.expect("a cover url");
    assert!(
        url.contains(&format!("/kids/media/{story_id}/cover.")),
        "{url}"
    );
    for address in [url.clone(), cyoa::domain::urls::light_picture(&url, 384)] {
        let res = app.http.get(app.url(&address)).send().await.expect("cover");
        assert_eq!(res.status(), 200, "{address}");
    }
    // Another tier never serves it.
    let elsewhere = url.replacen("/kids/", "/adult/", 1);
    let res = app
        .http
        .get(app.url(&elsewhere))
        .send()
        .await
        .expect("cover");
    assert_eq!(res.status(), 404);

    // Drawn by the story's model, told it is a cover and to letter nothing.
    let log = image_log(&app).await;
    let cover = log.last().expect("the cover's request");
    let prompt = cover["prompt"].as_str().expect("prompt");
    assert!(
        prompt.contains("front cover illustration of a book called"),
        "{prompt}"
    );
    assert!(prompt.contains("Do not write any text"), "{prompt}");
    assert_eq!(cover["model"], log[0]["model"]);

    // Another ending of the same story keeps the first cover: one cover job per story.
    let first_view = story::scene_view(&app.state, tier("kids"), &story_id, &first)
        .await
        .expect("scene");
    let mut at = story::choose(
        &app.state,
        tier("kids"),
        &story_id,
        &first_view.choices[1].id,
    )
    .await
    .expect("other way");
    loop {
        let view = story::scene_view(&app.state, tier("kids"), &story_id, &at)
            .await
            .expect("scene");
        if view.is_ending {
            break;
        }
        at = story::choose(&app.state, tier("kids"), &story_id, &view.choices[0].id)
            .await
            .expect("chosen");
    }
    let covers: i64 = cyoa::server::db::query_scalar(
        "SELECT COUNT(*) FROM media WHERE story_id = ? AND kind = 'cover'",
    )
    .bind(&story_id)
    .fetch_one(&app.state.db)
    .await
    .expect("count");
    assert_eq!(covers, 1);

    // The PDF book is made with it on its first page.
    let pdf = app
        .http
        .get(app.url(&format!("/kids/gallery/{story_id}/export.pdf")))
        .send()
        .await
        .expect("pdf");
    assert_eq!(pdf.status(), 200);
}

#[tokio::test]
async fn a_cover_over_the_picture_limit_is_not_ordered_and_the_first_picture_stays() {
    // Three pictures an hour: the three scenes' pictures, and no cover.
    let app = TestApp::builder()
        .limits(SpendingLimits {
            stories_per_hour: 5,
            pictures_per_hour: 3,
            clips_per_hour: 0,
            speech_per_hour: 0,
            surprise_video: false,
        })
        .spawn()
        .await;
    let (story_id, first, _) = finished(&app).await;
    let asked_before = image_log(&app).await.len();
    assert_eq!(
        final_cover(&app, &story_id).await.as_deref(),
        Some("failed")
    );
    assert_eq!(
        image_log(&app).await.len(),
        asked_before,
        "no cover was ordered"
    );
    let card = card(&app, &story_id).await;
    assert!(!card.is_book_cover);
    let first_picture = cyoa::server::media::status(
        &app.state,
        tier("kids"),
        &story_id,
        &first,
        MediaKind::Image,
    )
    .await
    .expect("status")
    .and_then(|v| v.url)
    .expect("first picture");
    assert_eq!(card.cover_url, Some(first_picture));
}

#[tokio::test]
async fn a_story_without_pictures_gets_no_cover() {
    // Only a storyteller is configured: stories have no pictures.
    let sim = crate::text_providers::sim().await;
    let app = TestApp::builder()
        .providers(
            &sim,
            crate::text_providers::KEY,
            &[cyoa::domain::Provider::Anthropic],
        )
        .spawn()
        .await;
    let kids = tier("kids");
    let (story_id, mut at) = story::start(&app.state, kids, start_input("a quiet pond"))
        .await
        .expect("start");
    loop {
        let view = story::scene_view(&app.state, kids, &story_id, &at)
            .await
            .expect("scene");
        if view.is_ending {
            break;
        }
        at = story::choose(&app.state, kids, &story_id, &view.choices[0].id)
            .await
            .expect("chosen");
    }
    assert_eq!(final_cover(&app, &story_id).await, None);
}
