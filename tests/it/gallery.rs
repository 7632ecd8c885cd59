//! Gallery, reader and deletion over a real SQLite file and real media files, plus the
//! media check.

use std::time::Duration;

use crate::helpers::{disk_only, sqlite_only, stored_files, tier, TestApp};
use cyoa::domain::media::{MediaKind, MediaStatus};
use cyoa::domain::story::{StartInput, StoryLength};
use cyoa::domain::TierSpec;
use cyoa::server::media_store::integrity;
use cyoa::server::media_store::Folder;
use cyoa::server::state::AppState;
use cyoa::server::story;

fn input(prompt: &str, video: bool) -> StartInput {
    StartInput {
        prompt: prompt.into(),
        length: StoryLength::Short,
        text_model: "claude-sonnet-5-5".into(),
        image_model: Some("gpt-image-quick".into()),
        memory_profile: None,
        video_mode: video,
        family_mode: false,
        characters: Vec::new(),
        style: String::new(),
        surprise: false,
        bedtime: false,
        sequel_of: None,
    }
}

/// Reads a story to its ending, always taking choice `pick` (or the last one); answers
/// the scenes on the way.
async fn read_to_end(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    first: &str,
    pick: usize,
) -> Vec<String> {
    let mut scenes = vec![first.to_owned()];
    loop {
        let view = story::scene_view(state, tier, story_id, scenes.last().expect("scene"))
            .await
            .expect("view");
        if view.is_ending {
            return scenes;
        }
        let choice = &view.choices[pick.min(view.choices.len() - 1)];
        scenes.push(
            story::choose(state, tier, story_id, &choice.id)
                .await
                .expect("choose"),
        );
    }
}

/// Waits until every media job of the story is final.
async fn settle(state: &AppState, story_id: &str) {
    for _ in 0..400 {
        let open: (i64,) = cyoa::server::db::query_as(
            "SELECT COUNT(*) FROM media WHERE story_id = ? AND status IN ('pending', 'generating')",
        )
        .bind(story_id)
        .fetch_one(&state.db)
        .await
        .expect("count");
        if open.0 == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("media jobs never settled");
}

#[tokio::test]
async fn the_gallery_pages_completed_stories_newest_first_within_the_tier() {
    let app = TestApp::spawn().await;
    for i in 0..30 {
        cyoa::server::db::query(
            "INSERT INTO stories (id, tier, title, prompt, length, target_depth, text_model, image_model, status, created_at, updated_at, completed_at)
             VALUES (?, 'kids', ?, 'p', 'short', 3, 'gpt-6-luna', 'gemini', 'completed', ?, ?, ?)",
        )
        .bind(format!("{i:032x}"))
        .bind(format!("Story {i:02}"))
        .bind(format!("2026-11-{:02}T10:00:00Z", 1 + i % 28))
        .bind(format!("2026-11-{:02}T10:00:00Z", 1 + i % 28))
        .bind(format!("2026-11-{:02}T10:00:{:02}Z", 1 + i % 28, i))
        .execute(&app.state.db)
        .await
        .expect("insert");
    }
    cyoa::server::db::query(
        "INSERT INTO stories (id, tier, title, prompt, length, target_depth, text_model, status, created_at, updated_at, completed_at)
         VALUES ('adultstory', 'adult', 'Grown-up', 'p', 'short', 3, 'gpt-6-luna', 'completed', 'x', 'x', '2026-12-31T00:00:00Z')",
    )
    .execute(&app.state.db)
    .await
    .expect("insert");
    let first = story::gallery::page(&app.state, tier("kids"), None)
        .await
        .expect("page");
    assert_eq!(first.completed.len(), 24);
    let dates: Vec<&str> = first
        .completed
        .iter()
        .map(|c| c.date_iso.as_str())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
    assert!(first.completed.iter().all(|c| c.title != "Grown-up"));
    assert_eq!(
        first.completed[0].image_model_name.as_deref(),
        Some("Gemini")
    );
    let cursor = first.next_cursor.expect("a second page");
    let second = story::gallery::page(&app.state, tier("kids"), Some(&cursor))
        .await
        .expect("page");
    assert_eq!(second.completed.len(), 6);
    assert!(second.next_cursor.is_none());
    let mut all: Vec<String> = first
        .completed
        .iter()
        .chain(&second.completed)
        .map(|c| c.story_id.clone())
        .collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 30, "every story exactly once");
    assert!(
        story::gallery::page(&app.state, tier("kids"), Some("nonsense"))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn the_reader_follows_the_path_taken_and_reaches_the_other_branches() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (story_id, root) = story::start(&app.state, kids, input("a wooden horse", false))
        .await
        .expect("start");
    // One branch explored and left, then another read to the end.
    let left = read_to_end(&app.state, kids, &story_id, &root, 0).await;
    let taken = read_to_end(&app.state, kids, &story_id, &root, 9).await;
    settle(&app.state, &story_id).await;
    let gallery = story::gallery::page(&app.state, kids, None)
        .await
        .expect("gallery");
    let card = gallery
        .completed
        .iter()
        .find(|c| c.story_id == story_id)
        .expect("listed");
    assert!(card.cover_url.is_some() && !card.has_video);
    // The card counts the scenes of the path read to its ending, not every branch.
    assert_eq!(card.scenes as usize, taken.len());

    let reader = story::gallery::reader(&app.state, kids, &story_id, None)
        .await
        .expect("reader");
    let ids: Vec<&str> = reader.scenes.iter().map(|s| s.scene_id.as_str()).collect();
    assert_eq!(ids, taken.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        reader.scenes.iter().all(|s| s.video.is_none()),
        "no video in a picture story"
    );
    let other = reader.scenes[0]
        .branches
        .iter()
        .find(|b| !b.taken)
        .expect("the other branch");
    assert_eq!(other.scene_id, left[1]);
    let branch = story::gallery::reader(&app.state, kids, &story_id, Some(&other.scene_id))
        .await
        .expect("branch");
    let ids: Vec<&str> = branch.scenes.iter().map(|s| s.scene_id.as_str()).collect();
    assert_eq!(ids, left.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        story::gallery::reader(&app.state, tier("adult"), &story_id, None)
            .await
            .is_err(),
        "another tier cannot read it"
    );
}

#[tokio::test]
async fn deleting_a_story_removes_its_rows_and_files_and_nothing_else() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (doomed, doomed_root) = story::start(&app.state, kids, input("a sandcastle", true))
        .await
        .expect("start");
    let (kept, kept_root) = story::start(&app.state, kids, input("a lighthouse", true))
        .await
        .expect("start");
    read_to_end(&app.state, kids, &doomed, &doomed_root, 0).await;
    read_to_end(&app.state, kids, &kept, &kept_root, 0).await;
    settle(&app.state, &doomed).await;
    settle(&app.state, &kept).await;
    let reader = story::gallery::reader(&app.state, kids, &doomed, None)
        .await
        .expect("reader");
    let clip = reader.scenes[0]
        .video
        .clone()
        .and_then(|v| v.url)
        .expect("a clip in the reader");
    let gallery = story::gallery::page(&app.state, kids, None)
        .await
        .expect("gallery");
    assert!(
        gallery.completed.iter().all(|c| c.has_video),
        "video badge on both"
    );
    let files = |story: &str| Folder::media("kids", story);
    let kept_files = stored_files(&app.state, &files(&kept)).await.len();
    assert!(kept_files >= 6, "pictures and clips of the kept story");

    assert!(story::gallery::delete(&app.state, tier("adult"), &doomed)
        .await
        .is_err());
    story::gallery::delete(&app.state, kids, &doomed)
        .await
        .expect("delete");
    assert!(
        stored_files(&app.state, &files(&doomed)).await.is_empty(),
        "the story's files are gone"
    );
    assert_eq!(
        stored_files(&app.state, &files(&kept)).await.len(),
        kept_files
    );
    let res = app.http.get(app.url(&clip)).send().await.expect("get");
    assert_eq!(res.status(), 404);
    let rows: (i64,) = cyoa::server::db::query_as("SELECT COUNT(*) FROM media WHERE story_id = ?")
        .bind(&doomed)
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(rows.0, 0);
    let gallery = story::gallery::page(&app.state, kids, None)
        .await
        .expect("gallery");
    assert_eq!(gallery.completed.len(), 1);
    let report = integrity::check(&app.state.db, &app.state.store)
        .await
        .expect("check");
    assert!(report.is_clean(), "{report:?}");
    assert!(report.rows_checked >= 6);
}

#[tokio::test]
async fn the_media_check_finds_missing_damaged_and_stray_files() {
    if disk_only("files damaged or put there by hand (a bucket takes whole files only)") {
        return;
    }
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (story_id, root) = story::start(&app.state, kids, input("a dragonfly", true))
        .await
        .expect("start");
    settle(&app.state, &story_id).await;
    let data = &app.state.config.data_dir;
    assert!(integrity::check(&app.state.db, &app.state.store)
        .await
        .expect("check")
        .is_clean());
    let dir = data.join("media/kids").join(&story_id);
    std::fs::write(dir.join(format!("{root}.mp4")), b"damaged").expect("damage");
    std::fs::write(dir.join("stray.png"), b"x").expect("stray");
    let report = integrity::check(&app.state.db, &app.state.store)
        .await
        .expect("check");
    assert_eq!(report.broken, vec![format!("kids/{story_id}/{root}.mp4")]);
    let orphans: Vec<&str> = report.orphans.iter().map(|k| k.as_str()).collect();
    assert_eq!(orphans, vec![format!("media/kids/{story_id}/stray.png")]);
    // The page shows no player for the damaged clip, and no error.
    let clip = cyoa::server::media::status(&app.state, kids, &story_id, &root, MediaKind::Video)
        .await
        .expect("view")
        .expect("job");
    assert_eq!((clip.status, clip.url), (MediaStatus::Complete, None));
    // The scene page and the reader, which read a page's media together, agree; the picture
    // beside the damaged clip still shows.
    let scene = story::scene_view(&app.state, kids, &story_id, &root)
        .await
        .expect("scene");
    let reader = story::gallery::reader(&app.state, kids, &story_id, Some(&root))
        .await
        .expect("reader");
    let first = reader.scenes.first().expect("first scene");
    for (image, video) in [
        (scene.image, scene.video),
        (first.image.clone(), first.video.clone()),
    ] {
        let video = video.expect("clip");
        assert_eq!((video.status, video.url), (MediaStatus::Complete, None));
        let image = image.expect("picture");
        assert!(
            image.url.as_ref().is_some_and(|url| url.contains(&root)),
            "{image:?}"
        );
    }
}

/// Times written before migration 0012 had their trailing sub-second zeros trimmed
/// (`…:05Z`, `…:05.3Z`), so text order was not time order within a second. The migration
/// brings them to one width, and the gallery then puts the newer story first.
#[tokio::test]
async fn older_rows_times_get_one_width_and_the_newest_comes_first() {
    if sqlite_only("SQLite's migration 0012 run again on older rows") {
        return;
    }
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    for (id, completed) in [
        ("0000000000000000000000000000000a", "2026-11-26T22:00:05Z"),
        ("0000000000000000000000000000000b", "2026-11-26T22:00:05.3Z"),
    ] {
        cyoa::server::db::query(
            "INSERT INTO stories (id, tier, title, prompt, length, target_depth, text_model, status, created_at, updated_at, completed_at)
             VALUES (?, 'kids', ?, 'p', 'short', 3, 'gpt-6-luna', 'completed', ?, ?, ?)",
        )
        .bind(id)
        .bind(format!("Story {id}"))
        .bind(completed)
        .bind(completed)
        .bind(completed)
        .execute(&app.state.db)
        .await
        .expect("old row");
    }
    sqlx::raw_sql(include_str!(
        "../../migrations/sqlite/0012_fixed_width_times.sql"
    ))
    .execute(app.state.db.as_sqlite().expect("a SQLite app"))
    .await
    .expect("migration 0012 runs again");
    let stored: Vec<String> = cyoa::server::db::query_scalar(
        "SELECT completed_at FROM stories ORDER BY completed_at DESC",
    )
    .fetch_all(&app.state.db)
    .await
    .expect("times");
    assert_eq!(
        stored,
        ["2026-11-26T22:00:05.300Z", "2026-11-26T22:00:05.000Z"]
    );
    let page = story::gallery::page(&app.state, kids, None)
        .await
        .expect("gallery");
    let ids: Vec<&str> = page.completed.iter().map(|s| s.story_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "0000000000000000000000000000000b",
            "0000000000000000000000000000000a"
        ]
    );
}
