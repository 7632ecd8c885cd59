//! How answers travel: pages compressed for browsers that accept it, pictures and
//! event streams never, media revalidated with an empty 304 on a second visit.

use cyoa::server::story;
use reqwest::header;

use crate::helpers::{final_image, start_input, tier, TestApp};

#[tokio::test]
async fn pages_are_compressed_media_and_event_streams_are_not() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let res = app
        .http
        .get(app.url("/kids"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .expect("page");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "br");
    let res = app
        .http
        .get(app.url("/kids"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("page");
    assert_eq!(res.headers()["content-encoding"], "gzip");

    let mut input = start_input("a cloud that rains lemonade");
    input.image_model = Some("gpt-image-quick".into());
    let (story_id, scene) = story::start(&app.state, kids, input).await.expect("start");
    let picture = final_image(&app.state, kids, &story_id, &scene).await;
    let url = app.url(&picture.url.expect("a picture"));
    if crate::helpers::on_bucket() {
        // The bucket sends the bytes; the app's answer is the redirect to them, kept by the
        // browser while its link holds.
        let no_redirects = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let res = no_redirects.get(&url).send().await.expect("picture");
        assert_eq!(res.status(), 307);
        assert!(res.headers()["cache-control"]
            .to_str()
            .expect("ascii")
            .starts_with("private, max-age="));
    } else {
        let res = app
            .http
            .get(&url)
            .header("accept-encoding", "br, gzip")
            .send()
            .await
            .expect("picture");
        assert_eq!(res.status(), 200);
        assert!(res.headers().get("content-encoding").is_none());
        assert!(res.headers()["cache-control"]
            .to_str()
            .expect("ascii")
            .starts_with("private"));
        let modified = res.headers()["last-modified"].clone();
        // The second visit: "changed?" — "no", and nothing is downloaded again.
        let res = app
            .http
            .get(&url)
            .header("if-modified-since", modified)
            .send()
            .await
            .expect("picture again");
        assert_eq!(res.status(), 304);
        assert!(res.bytes().await.expect("body").is_empty());
    }

    // A download (the exports) goes as it is written.
    let res = app
        .http
        .get(app.url(&format!("/kids/gallery/{story_id}/export.html")))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .expect("export");
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("content-encoding").is_none());

    let view = story::scene_view(&app.state, kids, &story_id, &scene)
        .await
        .expect("scene");
    let choice = &view.choices[0].id;
    let res = app
        .http
        .get(app.url(&format!("/kids/story/{story_id}/choice/{choice}/words")))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .expect("words");
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    assert!(res.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn pictures_have_light_copies_for_phones_under_the_same_check() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let mut input = start_input("a mole who paints stars");
    input.image_model = Some("gpt-image-quick".into());
    let (story_id, scene) = story::start(&app.state, kids, input).await.expect("start");
    let picture = final_image(&app.state, kids, &story_id, &scene).await;
    let url = picture.url.expect("a picture");
    // The simulator draws 256-px pictures (their own light copies); a real provider's are
    // 1024 px: one like that, saved before light copies existed (none stored).
    let file = url.rsplit('/').next().expect("file name");
    let original = big_picture();
    let key = cyoa::server::media_store::FileKey::media("kids", &story_id, file);
    app.state.store.put(&key, &original).await.expect("write");
    for width in [384, 768] {
        let light = key.sibling(&format!("{scene}.w{width}.jpg"));
        let _ = app.state.store.remove(&light).await;
    }
    for width in [384, 768] {
        let light = cyoa::domain::urls::light_picture(&url, width);
        let res = app.http.get(app.url(&light)).send().await.expect("light");
        assert_eq!(res.status(), 200, "{light}");
        assert_eq!(res.headers()["content-type"], "image/jpeg");
        let bytes = res.bytes().await.expect("bytes");
        assert!(
            bytes.len() < original.len(),
            "{width}: {} of {}",
            bytes.len(),
            original.len()
        );
        assert!(
            app.state
                .store
                .exists(&key.sibling(&format!("{scene}.w{width}.jpg")))
                .await,
            "{width}"
        );
        // Another tier, or a width we do not make: not found.
        let other = light.replacen("/kids/", "/adult/", 1);
        let res = app
            .http
            .get(app.url(&other))
            .send()
            .await
            .expect("other tier");
        assert_eq!(res.status(), 404);
    }
    let res = app
        .http
        .get(app.url(&cyoa::domain::urls::light_picture(&url, 100)))
        .send()
        .await
        .expect("odd width");
    assert_eq!(res.status(), 404);

    // Asked again, both are found on disk: nothing is made twice.
    let key = cyoa::server::media_store::FileKey::media("kids", &story_id, file);
    let big = cyoa::server::media::renditions::make(&app.state.store, &key).await;
    assert_eq!(big, 2);

    // The media check counts them as the picture's, not as strays.
    let report = cyoa::server::media_store::integrity::check(&app.state.db, &app.state.store)
        .await
        .expect("check");
    assert!(report.is_clean(), "{report:?}");
}

/// A 1024-px PNG with detail, like a provider's picture.
fn big_picture() -> Vec<u8> {
    let mut canvas = imaging::Canvas::new(1024, 1024);
    for y in 0..1024 {
        for x in 0..1024 {
            canvas.set(x, y, [(x / 4) as u8, (y / 4) as u8, ((x * y) % 251) as u8]);
        }
    }
    canvas.to_png()
}

#[tokio::test]
async fn the_bundle_is_asked_about_again_not_downloaded_again() {
    let app = TestApp::spawn().await;
    let options = &app.state.leptos_options;
    let dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    std::fs::create_dir_all(&dir).expect("pkg dir");
    // A file of its own in the served folder (the real bundle may not be built yet).
    let name = format!("probe-{}.js", std::process::id());
    let file = dir.join(&name);
    std::fs::write(&file, "console.log('probe');\n".repeat(200)).expect("probe file");
    let url = app.url(&format!("/{}/{name}", options.site_pkg_dir));

    let first = app.http.get(&url).send().await.expect("get");
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()[header::CACHE_CONTROL], "public, no-cache");
    let modified = first.headers()[header::LAST_MODIFIED].clone();
    let again = app
        .http
        .get(&url)
        .header(header::IF_MODIFIED_SINCE, modified)
        .send()
        .await
        .expect("get again");
    let _ = std::fs::remove_file(&file);
    assert_eq!(again.status(), 304, "a second visit downloads nothing");
    assert!(again.bytes().await.expect("body").is_empty());
}
