//! How answers travel (issue 17): pages compressed for browsers that accept it, pictures and
//! event streams never, media revalidated with an empty 304 on a second visit.

use cyoa::server::story;

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
    input.image_model = Some("gpt-image-1-mini".into());
    let (story_id, scene) = story::start(&app.state, kids, input).await.expect("start");
    let picture = final_image(&app.state, kids, &story_id, &scene).await;
    let url = app.url(&picture.url.expect("a picture"));
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
