//! Story export as one web page (issue 14, HTML): every scene of every branch with its
//! choices as anchors, the story map, pictures embedded as JPEG, clips embedded, nothing
//! fetched from anywhere; placeholders for lost files; another tier's story is 404.

use cyoa::domain::story::StoryLength;
use cyoa::server::story;

use crate::helpers::{final_image, start_input, tier, TestApp};

async fn export(app: &TestApp, path: &str) -> reqwest::Response {
    app.http.get(app.url(path)).send().await.expect("export")
}

#[tokio::test]
async fn a_branching_story_exports_as_one_self_contained_page() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let mut input = start_input("a fox who bakes bread");
    input.image_model = Some("gpt-image-1-mini".into());
    input.length = StoryLength::Short;
    let (story_id, root) = story::start(&app.state, kids, input).await.expect("start");
    let first = story::scene_view(&app.state, kids, &story_id, &root)
        .await
        .expect("scene");
    let left = story::choose(&app.state, kids, &story_id, &first.choices[0].id)
        .await
        .expect("left");
    let right = story::choose(&app.state, kids, &story_id, &first.choices[1].id)
        .await
        .expect("right");
    for scene in [&root, &left, &right] {
        final_image(&app.state, kids, &story_id, scene).await;
    }

    let res = export(&app, &format!("/kids/gallery/{story_id}/export.html")).await;
    assert_eq!(res.status(), 200);
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"") && disposition.ends_with(".html\""),
        "{disposition}"
    );
    let html = res.text().await.expect("html");
    // Every scene, its own anchor, and the map's nodes linking to them.
    for scene in [&root, &left, &right] {
        assert!(html.contains(&format!("id=\"scene-{scene}\"")), "{scene}");
        assert!(
            html.contains(&format!("href=\"#scene-{scene}\"")),
            "{scene}"
        );
    }
    assert!(html.contains("<svg class=\"story-map\""));
    // The untaken choices are there, marked.
    assert!(html.contains("(not explored)"));
    // Three pictures, embedded as JPEG; nothing fetched from anywhere.
    assert_eq!(html.matches("src=\"data:image/jpeg;base64,").count(), 3);
    for outside in [
        "src=\"http",
        "href=\"http",
        "src=\"/",
        "href=\"/",
        "<script",
        "<link",
    ] {
        assert!(
            !html.contains(outside),
            "the page refers outside itself: {outside}"
        );
    }

    // A picture lost on disk becomes a labelled placeholder.
    let dir = app.state.config.data_dir.join("media/kids").join(&story_id);
    std::fs::remove_file(dir.join(format!("{left}.png"))).expect("remove");
    let html = export(&app, &format!("/kids/gallery/{story_id}/export.html"))
        .await
        .text()
        .await
        .expect("html");
    assert_eq!(html.matches("src=\"data:image/jpeg;base64,").count(), 2);
    assert!(html.contains("Picture not available"));

    // Another tier, an unknown story: not found.
    for path in [
        format!("/adult/gallery/{story_id}/export.html"),
        "/kids/gallery/nope/export.html".to_owned(),
    ] {
        assert_eq!(export(&app, &path).await.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn a_text_only_story_exports_without_placeholders() {
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
    let (story_id, _) = story::start(&app.state, kids, start_input("a quiet pond"))
        .await
        .expect("start");
    let res = export(&app, &format!("/kids/gallery/{story_id}/export.html")).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("html");
    assert!(html.contains("a quiet pond"));
    assert!(!html.contains("Picture not available"));
    assert!(!html.contains("<img"));
}

#[tokio::test]
async fn clips_are_embedded_unless_left_out() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let mut input = start_input("a paper boat");
    input.image_model = Some("gpt-image-1-mini".into());
    input.video_mode = true;
    let (story_id, scene) = story::start(&app.state, kids, input).await.expect("start");
    let clip = crate::video_jobs::final_media(
        &app.state,
        &story_id,
        &scene,
        cyoa::domain::media::MediaKind::Video,
    )
    .await;
    assert!(clip.url.is_some(), "{clip:?}");
    let path = format!("/kids/gallery/{story_id}/export.html");
    let with = export(&app, &path).await.text().await.expect("html");
    assert_eq!(
        with.matches("<video controls playsinline src=\"data:video/mp4;base64,")
            .count(),
        1
    );
    let without = export(&app, &format!("{path}?clips=no"))
        .await
        .text()
        .await
        .expect("html");
    assert!(!without.contains("<video"));
    assert!(without.len() < with.len());
}
