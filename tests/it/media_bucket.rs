//! Media in an S3-compatible bucket (hosted mode), against a real one: SeaweedFS, which
//! `scripts/with-bucket.sh` starts (`scripts/test.sh` runs the suite under it). Without a
//! bucket these tests say so and check nothing, unless `CYOA_BUCKET_REQUIRED=1` makes that a
//! failure (as in CI).

use std::io::ErrorKind;

use cyoa::domain::media::{MediaKind, MediaStatus};
use cyoa::server::media_store::atomic::StorageFaults;
use cyoa::server::media_store::{FileKey, Folder, MediaStore};
use imaging::Canvas;

use crate::helpers::{final_image, start_input, test_bucket, tier, TestApp};

/// The test bucket with a prefix of its own, or `None` (and a note) when there is none.
fn bucket() -> Option<cyoa::server::config::BucketSettings> {
    let dir = tempfile::tempdir().expect("dir");
    let found = test_bucket(dir.path());
    if found.is_none() {
        assert!(
            std::env::var("CYOA_BUCKET_REQUIRED").is_err(),
            "CYOA_BUCKET_REQUIRED is set but no bucket is (run under scripts/with-bucket.sh)"
        );
        eprintln!("no S3_ENDPOINT: the bucket is not checked");
    }
    found
}

#[tokio::test]
async fn the_bucket_keeps_whole_files_only_lists_and_forgets_them() {
    let Some(settings) = bucket() else {
        return;
    };
    let faults = StorageFaults::default();
    let store = MediaStore::Bucket(std::sync::Arc::new(
        cyoa::server::media_store::BucketStore::new(&settings, &faults).expect("the test bucket"),
    ));
    let png = Canvas::new(32, 32).to_png();
    let key = FileKey::media("kids", "story1", "scene1.png");
    store.put(&key, &png).await.expect("put");
    assert!(store.exists(&key).await);
    assert!(store.is_intact(&key, MediaKind::Image).await);
    assert_eq!(store.get(&key).await.expect("get"), png);
    assert_eq!(store.size(&key).await.expect("size"), png.len() as u64);

    // A cut-off picture never gets in: what is in the bucket is whole.
    let cut = FileKey::media("kids", "story1", "scene2.png");
    let refused = store.put(&cut, &png[..png.len() / 2]).await;
    assert_eq!(refused.map_err(|e| e.kind()), Err(ErrorKind::InvalidData));
    assert!(!store.exists(&cut).await);
    let missing = store.get(&cut).await.map(drop).map_err(|e| e.kind());
    assert_eq!(missing, Err(ErrorKind::NotFound));

    // A full "disk" (the injected fault) refuses the write before anything is sent.
    faults.fail_at(Some(cyoa::server::media_store::atomic::WriteStep::Write));
    assert!(store.put(&cut, &png).await.is_err());
    faults.fail_at(None);

    // Listing pages through everything under a root; a folder goes as a whole.
    let photo = FileKey::photo("kids", "c1", "p.png");
    store.put(&photo, &png).await.expect("photo");
    let clip_bytes = b"\0\0\0\x10ftypisom\0\0\0\0\0\0\0\x08moov";
    let clip = FileKey::media("kids", "story1", "scene1.mp4");
    store.put(&clip, clip_bytes).await.expect("clip");
    let mut media = store.list("media").await.expect("list");
    media.sort();
    assert_eq!(media, vec![clip.clone(), key.clone()]);
    assert_eq!(
        store.list("photos").await.expect("list"),
        vec![photo.clone()]
    );
    store
        .remove_folder(&Folder::media("kids", "story1"))
        .await
        .expect("remove folder");
    assert!(store.list("media").await.expect("list").is_empty());
    store.remove(&photo).await.expect("remove");
    store
        .remove(&photo)
        .await
        .expect("removing what is gone is fine");
    assert!(store.list("photos").await.expect("list").is_empty());
}

#[tokio::test]
async fn an_app_on_the_bucket_serves_its_tiers_pictures_by_signed_redirect_and_deletes_them() {
    if bucket().is_none() {
        return;
    }
    let app = TestApp::builder().bucket().spawn().await;
    let kids = tier("kids");
    let (story_id, scene_id) = cyoa::server::story::start(&app.state, kids, start_input("a kite"))
        .await
        .expect("start");
    let view = final_image(&app.state, kids, &story_id, &scene_id).await;
    assert_eq!(view.status, MediaStatus::Complete);
    let url = view.url.clone().expect("a picture");
    // Nothing on this machine's disk: the picture is in the bucket.
    assert!(!app.state.config.data_dir.join("media").exists());

    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let res = no_redirects.get(app.url(&url)).send().await.expect("media");
    assert_eq!(res.status(), 307);
    let link = res.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let endpoint = std::env::var("S3_ENDPOINT").expect("endpoint");
    assert!(link.starts_with(&endpoint), "{link}");
    assert!(link.contains("X-Amz-Signature="), "{link}");
    let policy = res.headers()["cache-control"]
        .to_str()
        .expect("cache")
        .to_owned();
    let max_age: u64 = policy
        .strip_prefix("private, max-age=")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{policy}"));
    assert!(
        max_age <= 3600,
        "kept no longer than its link's window: {policy}"
    );
    // The same address within its window: the browser's cached copy stays good.
    let again = no_redirects.get(app.url(&url)).send().await.expect("media");
    assert_eq!(
        again.headers()["location"].to_str().expect("location"),
        link
    );

    // The bucket checks the signature: the link works, a tampered one does not.
    let picture = reqwest::get(&link).await.expect("bucket");
    assert_eq!(picture.status(), 200);
    let bytes = picture.bytes().await.expect("bytes");
    assert!(cyoa::server::media_store::whole::image_format(&bytes).is_some());
    let tampered = link.replace("X-Amz-Signature=", "X-Amz-Signature=0");
    assert_eq!(reqwest::get(&tampered).await.expect("bucket").status(), 403);
    // Another tier's route never redirects to it.
    let other = no_redirects
        .get(app.url(&url.replacen("/kids/", "/adult/", 1)))
        .send()
        .await
        .expect("other tier");
    assert_eq!(other.status(), 404);

    // Pages may show pictures from the bucket (and nothing else from outside).
    let page = app
        .http
        .get(app.url(&format!("/kids/story/{story_id}/scene/{scene_id}")))
        .send()
        .await
        .expect("page");
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .expect("policy")
        .to_owned();
    assert!(
        policy.contains(&format!("img-src 'self' data: blob: {endpoint};")),
        "{policy}"
    );

    let report = cyoa::server::media_store::integrity::check(&app.state.db, &app.state.store)
        .await
        .expect("check");
    assert!(report.is_clean(), "{report:?}");
    assert!(report.files_checked > 0);

    cyoa::server::story::gallery::delete(&app.state, kids, &story_id)
        .await
        .expect("delete");
    assert!(app
        .state
        .store
        .list("media")
        .await
        .expect("list")
        .is_empty());
}
