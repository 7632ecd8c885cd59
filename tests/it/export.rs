//! Story export as one web page (issue 14, HTML): every scene of every branch with its
//! choices as anchors, the story map, pictures embedded as JPEG, clips embedded, nothing
//! fetched from anywhere; placeholders for lost files; another tier's story is 404.

use cyoa::domain::story::StoryLength;
use cyoa::server::media_store::{FileKey, Folder};
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
    input.image_model = Some("gpt-image-quick".into());
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
    crate::helpers::lose(
        &app.state,
        &FileKey::media("kids", &story_id, &format!("{left}.jpg")),
    )
    .await;
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
    input.image_model = Some("gpt-image-quick".into());
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

/// The PDF's text, page by page, as a PDF reader extracts it.
fn pdf_pages(bytes: &[u8]) -> (lopdf::Document, Vec<String>) {
    let doc = lopdf::Document::load_mem(bytes).expect("a PDF a parser reads");
    let pages = doc
        .get_pages()
        .keys()
        .map(|&n| doc.extract_text(&[n]).expect("page text"))
        .collect();
    (doc, pages)
}

/// Text compared without its line breaks and spacing (the book breaks lines its own way).
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn images_on(doc: &lopdf::Document, page: u32) -> usize {
    let id = doc.get_pages()[&page];
    doc.get_page_images(id).map_or(0, |images| images.len())
}

#[tokio::test]
async fn a_branching_story_exports_as_a_pdf_book() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let mut input = start_input("a fox who bakes bread");
    input.image_model = Some("gpt-image-quick".into());
    input.length = StoryLength::Short;
    let (story_id, root) = story::start(&app.state, kids, input).await.expect("start");
    let first = story::scene_view(&app.state, kids, &story_id, &root)
        .await
        .expect("scene");
    let right = story::choose(&app.state, kids, &story_id, &first.choices[1].id)
        .await
        .expect("right");
    // Read last: the left branch is the main path, the right one a branch.
    let left = story::choose(&app.state, kids, &story_id, &first.choices[0].id)
        .await
        .expect("left");
    for scene in [&root, &left, &right] {
        final_image(&app.state, kids, &story_id, scene).await;
    }
    let mut narratives = Vec::new();
    for scene in [&root, &left, &right] {
        let view = story::scene_view(&app.state, kids, &story_id, scene)
            .await
            .expect("scene");
        narratives.push(view.narrative);
    }

    let res = export(&app, &format!("/kids/gallery/{story_id}/export.pdf")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(disposition.ends_with(".pdf\""), "{disposition}");
    let bytes = res.bytes().await.expect("pdf");
    let (doc, pages) = pdf_pages(&bytes);
    // Cover, contents, then a page (or more) per scene.
    assert!(pages.len() >= 5, "{} pages", pages.len());
    assert!(squeezed(&pages[0]).contains(&squeezed("a fox who bakes bread")));
    assert!(pages[1].contains("Contents"));
    let all: String = pages.iter().map(|p| squeezed(p)).collect();
    // Every scene's text, in reading order: the main path (root, left), then the branch.
    let mut from = 0;
    for narrative in &narratives {
        let text = squeezed(narrative);
        let at = all[from..]
            .find(&text)
            .unwrap_or_else(|| panic!("scene text missing or out of order: {narrative}"));
        from += at + text.len();
    }
    assert!(
        all.contains(&squeezed("the reader chose")),
        "the branch is labelled"
    );
    assert!(all.contains(&squeezed("turn to page")));
    // One picture per scene with a picture, on the page it starts (plus the cover's).
    assert_eq!(images_on(&doc, 1), 1, "the cover shows the first picture");
    let scene_pages: Vec<u32> = (1..=pages.len() as u32)
        .filter(|&n| images_on(&doc, n) == 1)
        .collect();
    assert_eq!(
        scene_pages.len(),
        4,
        "cover and three scenes: {scene_pages:?}"
    );
    // Every font is embedded.
    let mut descriptors = 0;
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"FontDescriptor") {
            descriptors += 1;
            assert!(
                dict.has(b"FontFile2") || dict.has(b"FontFile3") || dict.has(b"FontFile"),
                "a font is not embedded"
            );
        }
    }
    assert!(descriptors >= 2, "{descriptors} fonts");

    // A lost picture: a placeholder, one image fewer, still a book.
    crate::helpers::lose(
        &app.state,
        &FileKey::media("kids", &story_id, &format!("{right}.jpg")),
    )
    .await;
    let bytes = export(&app, &format!("/kids/gallery/{story_id}/export.pdf"))
        .await
        .bytes()
        .await
        .expect("pdf");
    let (doc, pages) = pdf_pages(&bytes);
    let with_pictures = (1..=pages.len() as u32)
        .filter(|&n| images_on(&doc, n) == 1)
        .count();
    assert_eq!(with_pictures, 3);
    assert!(pages.iter().any(|p| p.contains("Picture not available")));

    // Another tier, an unknown story: not found.
    for path in [
        format!("/adult/gallery/{story_id}/export.pdf"),
        "/kids/gallery/nope/export.pdf".to_owned(),
    ] {
        assert_eq!(export(&app, &path).await.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn odd_stories_export_as_pdf_too() {
    // Text only: no pictures, no placeholders.
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
    let res = export(&app, &format!("/kids/gallery/{story_id}/export.pdf")).await;
    assert_eq!(res.status(), 200);
    let (doc, pages) = pdf_pages(&res.bytes().await.expect("pdf"));
    assert!(pages.iter().all(|p| !p.contains("Picture not available")));
    assert_eq!(
        (1..=pages.len() as u32)
            .map(|n| images_on(&doc, n))
            .sum::<usize>(),
        0
    );

    // A story whose files were all deleted, with a clip: placeholders and the clip's note.
    let app = TestApp::spawn().await;
    let mut input = start_input("a paper boat");
    input.image_model = Some("gpt-image-quick".into());
    input.video_mode = true;
    let (story_id, scene) = story::start(&app.state, kids, input).await.expect("start");
    crate::video_jobs::final_media(
        &app.state,
        &story_id,
        &scene,
        cyoa::domain::media::MediaKind::Video,
    )
    .await;
    let path = format!("/kids/gallery/{story_id}/export.pdf");
    let (_, pages) = pdf_pages(&export(&app, &path).await.bytes().await.expect("pdf"));
    assert!(pages
        .iter()
        .any(|p| squeezed(p).contains(&squeezed("has a video clip"))));
    app.state
        .store
        .remove_folder(&Folder::media("kids", &story_id))
        .await
        .expect("remove");
    let res = export(&app, &path).await;
    assert_eq!(res.status(), 200);
    let (_, pages) = pdf_pages(&res.bytes().await.expect("pdf"));
    assert!(pages.iter().any(|p| p.contains("Picture not available")));
}

#[tokio::test]
async fn a_linear_story_with_a_failed_picture_exports_both_ways() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    // The first picture is refused by the provider's policy: it ends failed.
    crate::helpers::queue_fault(
        &app.url("/sim"),
        serde_json::json!({"api": "openai", "kind": "policy", "count": 1}),
    )
    .await;
    let mut input = start_input("a snail who races the rain");
    input.image_model = Some("gpt-image-quick".into());
    let (story_id, root) = story::start(&app.state, kids, input).await.expect("start");
    let failed = final_image(&app.state, kids, &story_id, &root).await;
    assert!(failed.url.is_none(), "{failed:?}");
    let first = story::scene_view(&app.state, kids, &story_id, &root)
        .await
        .expect("scene");
    let next = story::choose(&app.state, kids, &story_id, &first.choices[0].id)
        .await
        .expect("choose");
    final_image(&app.state, kids, &story_id, &next).await;

    let html = export(&app, &format!("/kids/gallery/{story_id}/export.html"))
        .await
        .text()
        .await
        .expect("html");
    assert_eq!(html.matches("Picture not available").count(), 1);
    assert_eq!(html.matches("<section class=\"scene\"").count(), 2);
    assert!(
        !html.contains("Another way the story went"),
        "a linear story has no branches"
    );
    let res = export(&app, &format!("/kids/gallery/{story_id}/export.pdf")).await;
    assert_eq!(res.status(), 200);
    let (_, pages) = pdf_pages(&res.bytes().await.expect("pdf"));
    let all: String = pages.iter().map(|p| squeezed(p)).collect();
    assert!(all.contains("Picturenotavailable"));
    assert!(!all.contains("Branch1"));
}
