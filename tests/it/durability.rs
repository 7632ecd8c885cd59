//! Durable under crashes and a full disk: a job never calls a provider before its claim is
//! committed, files are whole or absent, a crash between two steps loses no clip and pays
//! for none twice, leftovers are cleaned up (issue: never pay twice, never lose a clip).

use std::path::Path;
use std::process::Child;
use std::time::Duration;

use cyoa::domain::media::{MediaKind, MediaStatus};
use cyoa::domain::AppError;
use cyoa::server::db::media::INTERRUPTED_SUBMISSION;
use cyoa::server::media::crash_points;
use cyoa::server::media_store::atomic::WriteStep;
use cyoa::server::media_store::integrity;
use cyoa::server::story;
use provider_sim::RunningSim;

use crate::helpers::{final_image, sqlite_only, tier, TestApp};
use crate::video_jobs::{app, fast, final_media, kids, simulator, submissions, video_story, KEY};

/// Every file under `dir` whose name marks an unfinished write.
fn temp_files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(temp_files(&path));
        } else if path.to_string_lossy().ends_with(".tmp") {
            found.push(path.display().to_string());
        }
    }
    found
}

#[tokio::test]
async fn a_full_disk_at_any_write_step_fails_the_picture_cleanly_and_retry_brings_it() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    // A bucket has one step: the upload (its object appears whole or not at all).
    let steps = match crate::helpers::on_bucket() {
        true => vec![WriteStep::Write],
        false => vec![WriteStep::Write, WriteStep::Flush, WriteStep::Rename],
    };
    for step in steps {
        app.state.faults.storage.fail_at(Some(step));
        let (story_id, scene_id) = story::start(
            &app.state,
            kids,
            crate::helpers::start_input("a lighthouse in the fog"),
        )
        .await
        .expect("the story starts (its text is in the database)");
        let failed = final_image(&app.state, kids, &story_id, &scene_id).await;
        assert_eq!(failed.status, MediaStatus::Failed, "{step:?}");
        assert!(
            failed
                .error
                .as_deref()
                .unwrap_or_default()
                .contains("is the disk full"),
            "{step:?}: {failed:?}"
        );
        let folder = cyoa::server::media_store::Folder::media("kids", &story_id);
        let files = crate::helpers::stored_files(&app.state, &folder).await;
        assert!(files.is_empty(), "{step:?} left {files:?}");

        app.state.faults.storage.fail_at(None);
        cyoa::server::media::retry(&app.state, kids, &story_id, &scene_id, MediaKind::Image)
            .await
            .expect("retry");
        let done = final_image(&app.state, kids, &story_id, &scene_id).await;
        assert_eq!(done.status, MediaStatus::Complete, "{step:?}");
    }
    assert!(temp_files(&app.state.config.data_dir).is_empty());
    let report = integrity::check(&app.state.db, &app.state.store)
        .await
        .expect("check");
    assert!(report.is_clean(), "{report:?}");
}

#[tokio::test]
async fn a_database_that_refuses_the_claim_never_lets_a_clip_be_submitted() {
    if sqlite_only("a refused claim (SQLite's commit hook stands for a full disk)") {
        return;
    }
    let sim = simulator(1).await;
    let dir = tempfile::tempdir().expect("dir");
    let (_, state) = app(&sim, dir.path(), fast(20, 5_000)).await;
    let mut input = video_story("a paper boat", None);
    input.video_mode = false;
    let (story_id, scene_id) = story::start(&state, kids(), input)
        .await
        .expect("a text-only story starts");
    // Every commit of the app fails from now on (its disk is full). The clip job is put in
    // through a connection of our own, then the workers are woken to claim it.
    state.faults.commits.fail_commits(true);
    let own = sqlx::SqlitePool::connect(&format!(
        "sqlite:{}",
        state.config.database_path().display()
    ))
    .await
    .map(cyoa::server::db::Db::Sqlite)
    .expect("own connection");
    cyoa::server::db::query("UPDATE stories SET video_mode = 'on' WHERE id = ?")
        .bind(&story_id)
        .execute(&own)
        .await
        .expect("video on");
    cyoa::server::db::query(
        "INSERT INTO media (id, scene_id, story_id, tier, kind, model, created_at, updated_at)
         VALUES ('clip-1', ?, ?, 'kids', 'video', 'grok-imagine-video', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    )
    .bind(&scene_id)
    .bind(&story_id)
    .execute(&own)
    .await
    .expect("queue the clip");
    state.jobs.wake();
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    assert_eq!(
        submissions(&sim).await,
        0,
        "no provider call without a durable claim"
    );
    let (status,): (String,) =
        cyoa::server::db::query_as("SELECT status FROM media WHERE id = 'clip-1'")
            .fetch_one(&own)
            .await
            .expect("row");
    assert_eq!(
        status, "pending",
        "the refused claim left the job as it was"
    );
    state.faults.commits.fail_commits(false);
    let clip = final_media(&state, &story_id, &scene_id, MediaKind::Video).await;
    assert_eq!(clip.status, MediaStatus::Complete, "{clip:?}");
    assert_eq!(
        submissions(&sim).await,
        1,
        "one submission once storage is back"
    );
}

#[tokio::test]
async fn starting_or_choosing_on_a_full_database_is_a_503_and_reading_still_works() {
    let app = TestApp::spawn().await;
    let (story_id, scene_id) = crate::api_errors::started(&app).await;
    database_full(&app, true).await;
    let (status, error) = crate::helpers::app_error(
        app.start_story("kids", "a second story", "gpt-6-luna")
            .await,
    )
    .await;
    assert_eq!((status, error), (503, AppError::storage_unavailable()));
    let scene = app
        .server_fn(
            "scene",
            &[
                ("tier", "kids"),
                ("story_id", &story_id),
                ("scene_id", &scene_id),
            ],
        )
        .await;
    assert_eq!(scene.status(), 200, "reading writes nothing");
    let page = app
        .http
        .get(app.url(&format!("/kids/story/{story_id}/scene/{scene_id}")))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    database_full(&app, false).await;
    let again = app.start_story("kids", "a third story", "gpt-6-luna").await;
    assert_eq!(again.status(), 200, "writes work again once there is room");
}

/// Makes the app's database refuse new stories and scenes as a full disk does, or stops.
/// SQLite: every commit is turned into a rollback (its commit hook). PostgreSQL: a trigger
/// raises the server's own "disk full" error (SQLSTATE 53100) on every write of a story or
/// scene.
async fn database_full(app: &TestApp, full: bool) {
    if !crate::helpers::on_postgres() {
        app.state.faults.commits.fail_commits(full);
        return;
    }
    let statements: &[&str] = if full {
        &[
            "CREATE OR REPLACE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS
             'BEGIN RAISE EXCEPTION ''could not extend file: No space left on device''
              USING ERRCODE = ''disk_full''; END'",
            "CREATE TRIGGER disk_full BEFORE INSERT OR UPDATE ON stories
             FOR EACH STATEMENT EXECUTE FUNCTION disk_full()",
            "CREATE TRIGGER disk_full BEFORE INSERT OR UPDATE ON scenes
             FOR EACH STATEMENT EXECUTE FUNCTION disk_full()",
        ]
    } else {
        &[
            "DROP TRIGGER disk_full ON stories",
            "DROP TRIGGER disk_full ON scenes",
        ]
    };
    for statement in statements {
        cyoa::server::db::query(*statement)
            .execute(&app.state.db)
            .await
            .expect("the full disk's trigger");
    }
}

#[tokio::test]
async fn a_restart_fails_a_clip_cut_off_while_submitting_and_repairs_a_missing_one() {
    let sim = simulator(1).await;
    let dir = tempfile::tempdir().expect("dir");
    let (story_id, first, second) = {
        let (_, state) = app(&sim, dir.path(), fast(20, 5_000)).await;
        let (story_id, first) = story::start(&state, kids(), video_story("a kite", None))
            .await
            .expect("started");
        final_media(&state, &story_id, &first, MediaKind::Video).await;
        let view = story::scene_view(&state, kids(), &story_id, &first)
            .await
            .expect("scene");
        let second = story::choose(&state, kids(), &story_id, &view.choices[0].id)
            .await
            .expect("second scene");
        final_media(&state, &story_id, &second, MediaKind::Video).await;
        // What a crash leaves: the first clip claimed and "submitting" without a request
        // id; the second scene's clip row never written.
        cyoa::server::db::query(
            "UPDATE media SET status = 'generating', submitting_at = '2026-01-01T00:00:00Z',
                              request_id = NULL, file_name = NULL
             WHERE scene_id = ? AND kind = 'video'",
        )
        .bind(&first)
        .execute(&state.db)
        .await
        .expect("interrupt");
        cyoa::server::db::query("DELETE FROM media WHERE scene_id = ? AND kind = 'video'")
            .bind(&second)
            .execute(&state.db)
            .await
            .expect("lose");
        (story_id, first, second)
    };
    let before = submissions(&sim).await;
    let (_, state) = app(&sim, dir.path(), fast(20, 5_000)).await;
    let unsure = final_media(&state, &story_id, &first, MediaKind::Video).await;
    assert_eq!(unsure.status, MediaStatus::Failed);
    assert_eq!(unsure.error.as_deref(), Some(INTERRUPTED_SUBMISSION));
    let repaired = final_media(&state, &story_id, &second, MediaKind::Video).await;
    assert_eq!(repaired.status, MediaStatus::Complete);
    assert_eq!(
        submissions(&sim).await,
        before + 1,
        "only the lost clip was ordered"
    );
    cyoa::server::media::retry(&state, kids(), &story_id, &first, MediaKind::Video)
        .await
        .expect("retry");
    let again = final_media(&state, &story_id, &first, MediaKind::Video).await;
    assert_eq!(again.status, MediaStatus::Complete);
}

#[tokio::test]
async fn deleting_a_story_while_its_media_is_made_leaves_nothing_behind() {
    let sim = provider_sim::spawn(provider_sim::SimConfig {
        latency: Duration::from_millis(300),
        video_polls: Some(1),
        ..Default::default()
    })
    .await
    .expect("simulator");
    let dir = tempfile::tempdir().expect("dir");
    let (_, state) = app(&sim, dir.path(), fast(20, 5_000)).await;
    let (story_id, _) = story::start(
        &state,
        kids(),
        video_story("a sandcastle", Some("gpt-image-quick")),
    )
    .await
    .expect("started");
    // The picture is being made (the provider takes 300 ms): delete the story now.
    tokio::time::sleep(Duration::from_millis(100)).await;
    story::gallery::delete(&state, kids(), &story_id)
        .await
        .expect("deleted");
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let story_dir = dir.path().join("media/kids").join(&story_id);
    assert!(!story_dir.exists(), "{} came back", story_dir.display());
    assert!(temp_files(dir.path()).is_empty());
    let report = integrity::check(&state.db, &state.store)
        .await
        .expect("check");
    assert!(report.is_clean(), "{report:?}");
}

/// The app binary on `port` with every provider pointed at `sim`, data in `data_dir`, and
/// (when given) paused at a crash point.
fn spawn_binary(sim: &RunningSim, data_dir: &Path, port: u16, pause_at: Option<&str>) -> Child {
    let mut cmd = crate::helpers::app_binary(sim, KEY, data_dir, port);
    if let Some(point) = pause_at {
        cmd.env("CYOA_PAUSE_AT", point);
    }
    cmd.spawn().expect("the app binary starts")
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..400 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn sigkill_at_every_step_boundary_loses_no_clip_and_pays_for_none_twice() {
    let sim = simulator(1).await;
    let http = reqwest::Client::new();
    for point in crash_points::POINTS {
        let dir = tempfile::tempdir().expect("dir");
        let port = crate::helpers::free_port();
        let mut first = spawn_binary(&sim, dir.path(), port, Some(point));
        let base = format!("http://127.0.0.1:{port}");
        wait_for("the app", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        })
        .await;
        let before = submissions(&sim).await;
        let started: serde_json::Value = http
            .post(format!("{base}/api/start_story"))
            .form(&[
                ("tier", "kids"),
                ("input[prompt]", "a crash test with a happy ending"),
                ("input[length]", "short"),
                ("input[text_model]", "claude-sonnet-5-5"),
                ("input[image_model]", "gpt-image-quick"),
                ("input[video_mode]", "true"),
            ])
            .send()
            .await
            .expect("start")
            .json()
            .await
            .expect("started");
        let (story_id, scene_id) = (
            started["story_id"].as_str().expect("id").to_owned(),
            started["scene_id"].as_str().expect("id").to_owned(),
        );
        let marker = dir.path().join(format!("paused-at-{point}"));
        wait_for(&format!("the pause at {point}"), || marker.exists()).await;
        first.kill().expect("SIGKILL");
        first.wait().expect("reaped");

        let mut second = spawn_binary(&sim, dir.path(), port, None);
        wait_for("the restarted app", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        })
        .await;
        let mut clip = serde_json::Value::Null;
        for _ in 0..400 {
            clip = http
                .post(format!("{base}/api/media_status"))
                .form(&[
                    ("tier", "kids"),
                    ("story_id", story_id.as_str()),
                    ("scene_id", scene_id.as_str()),
                    ("kind", "video"),
                    ("wait_ms", "200"),
                ])
                .send()
                .await
                .expect("status")
                .json()
                .await
                .expect("json");
            if matches!(clip["status"].as_str(), Some("complete" | "failed")) {
                break;
            }
        }
        second.kill().expect("stop");
        second.wait().expect("reaped");
        // Cut off between "submitting" and its stored request id, a clip may have been
        // paid for: it fails with a Retry. Everywhere else it is finished after the restart.
        let unsure = matches!(*point, "clip_submitting" | "clip_submitted");
        if unsure {
            assert_eq!(clip["status"], "failed", "{point}: {clip}");
            assert_eq!(
                clip["error"].as_str(),
                Some(INTERRUPTED_SUBMISSION),
                "{point}: a failed clip offers Retry with the reason"
            );
        } else {
            assert_eq!(clip["status"], "complete", "{point}: {clip}");
        }
        assert!(
            submissions(&sim).await - before <= 1,
            "{point}: the clip was ordered twice"
        );
        assert!(
            temp_files(dir.path()).is_empty(),
            "{point}: temp files left"
        );
        let db = cyoa::server::db::connect(&dir.path().join("app.db"), &Default::default())
            .await
            .expect("db");
        let store = cyoa::server::media_store::MediaStore::disk(dir.path(), &Default::default());
        let report = integrity::check(&db, &store).await.expect("check");
        assert!(report.is_clean(), "{point}: {report:?}");
    }
}

#[tokio::test]
async fn a_job_running_at_each_of_its_last_crashes_waits_for_a_retry() {
    let dir = tempfile::tempdir().expect("dir");
    let first = TestApp::builder().data_dir(dir.path()).spawn().await;
    let kids = tier("kids");
    let (story_id, scene_id) = story::start(
        &first.state,
        kids,
        crate::helpers::start_input("a crash-prone picture"),
    )
    .await
    .expect("started");
    final_image(&first.state, kids, &story_id, &scene_id).await;
    // What three crashes in the middle of this picture leave behind.
    cyoa::server::db::query(
        "UPDATE media SET status = 'generating', attempts = 3 WHERE scene_id = ?",
    )
    .bind(&scene_id)
    .execute(&first.state.db)
    .await
    .expect("crash");
    let second = TestApp::builder().data_dir(dir.path()).spawn().await;
    let view = final_image(&second.state, kids, &story_id, &scene_id).await;
    assert_eq!(view.status, MediaStatus::Failed);
    assert_eq!(
        view.error.as_deref(),
        Some(cyoa::server::db::media::REPEATED_CRASHES)
    );
    cyoa::server::media::retry(&second.state, kids, &story_id, &scene_id, MediaKind::Image)
        .await
        .expect("retry");
    let view = final_image(&second.state, kids, &story_id, &scene_id).await;
    assert_eq!(view.status, MediaStatus::Complete);
}

#[tokio::test]
async fn deleting_a_story_stops_following_its_clip() {
    let sim = simulator(1).await;
    let dir = tempfile::tempdir().expect("dir");
    let (_, state) = app(&sim, dir.path(), fast(20, 60_000)).await;
    crate::helpers::queue_fault(
        &sim.base_url(),
        serde_json::json!({"api": "xai", "kind": "stuck", "count": 1}),
    )
    .await;
    let (story_id, _) = story::start(&state, kids(), video_story("a slow comet", None))
        .await
        .expect("started");
    let polls = || async {
        crate::helpers::request_counts(&sim.base_url()).await["xai/videos/status"]
            .as_u64()
            .unwrap_or(0)
    };
    wait_for_async(|| async { polls().await > 2 }).await;
    story::gallery::delete(&state, kids(), &story_id)
        .await
        .expect("deleted");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after_delete = polls().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(polls().await, after_delete, "the clip is no longer polled");
    assert!(!dir.path().join("media/kids").join(&story_id).exists());
}

async fn wait_for_async<F, Fut>(mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..400 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out");
}

#[tokio::test]
async fn a_clip_that_could_not_be_stored_is_collected_again_not_paid_twice() {
    let sim = simulator(1).await;
    let dir = tempfile::tempdir().expect("dir");
    let (_, state) = app(&sim, dir.path(), fast(20, 5_000)).await;
    // The text-only story's clip is the only file: the full disk meets its download.
    state.faults.storage.fail_at(Some(WriteStep::Write));
    let (story_id, scene_id) = story::start(&state, kids(), video_story("a full disk", None))
        .await
        .expect("started");
    let failed = final_media(&state, &story_id, &scene_id, MediaKind::Video).await;
    assert_eq!(failed.status, MediaStatus::Failed);
    assert!(
        failed
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("not paid for twice"),
        "{failed:?}"
    );
    assert_eq!(submissions(&sim).await, 1);
    state.faults.storage.fail_at(None);
    cyoa::server::media::retry(&state, kids(), &story_id, &scene_id, MediaKind::Video)
        .await
        .expect("retry");
    let clip = final_media(&state, &story_id, &scene_id, MediaKind::Video).await;
    assert_eq!(clip.status, MediaStatus::Complete, "{clip:?}");
    assert_eq!(
        submissions(&sim).await,
        1,
        "collected again from the same request"
    );
    assert!(temp_files(dir.path()).is_empty());
}

/// Makes the database refuse new media rows only, as a disk that fills up right after a
/// scene's row would: SQLite by a trigger that aborts, PostgreSQL by one that raises the
/// server's own "disk full" error.
async fn media_rows_refused(app: &TestApp, refused: bool) {
    let statements: &[&str] = match (crate::helpers::on_postgres(), refused) {
        (false, true) => &["CREATE TRIGGER media_full BEFORE INSERT ON media
             BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"],
        (false, false) => &["DROP TRIGGER media_full"],
        (true, true) => &[
            "CREATE OR REPLACE FUNCTION media_full() RETURNS trigger LANGUAGE plpgsql AS
             'BEGIN RAISE EXCEPTION ''could not extend file: No space left on device''
              USING ERRCODE = ''disk_full''; END'",
            "CREATE TRIGGER media_full BEFORE INSERT ON media
             FOR EACH STATEMENT EXECUTE FUNCTION media_full()",
        ],
        (true, false) => &["DROP TRIGGER media_full ON media"],
    };
    for statement in statements {
        cyoa::server::db::query(*statement)
            .execute(&app.state.db)
            .await
            .expect("the media trigger");
    }
}

#[tokio::test]
async fn a_scene_is_never_stored_without_its_picture_job_and_a_missing_one_is_repaired() {
    let dir = tempfile::tempdir().expect("dir");
    let app = TestApp::builder().data_dir(dir.path()).spawn().await;
    let kids = tier("kids");
    let (story_id, root) = story::start(&app.state, kids, crate::helpers::start_input("a kite"))
        .await
        .expect("started");
    let view = story::scene_view(&app.state, kids, &story_id, &root)
        .await
        .expect("scene");
    let scenes = |db: cyoa::server::db::Db| async move {
        cyoa::server::db::query_scalar::<i64>("SELECT COUNT(*) FROM scenes")
            .fetch_one(&db)
            .await
            .expect("count")
    };
    // The picture job cannot be stored: the choice fails and stores no scene either.
    media_rows_refused(&app, true).await;
    let refused = story::choose(&app.state, kids, &story_id, &view.choices[0].id).await;
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(
        scenes(app.state.db.clone()).await,
        1,
        "no scene without its picture job"
    );
    media_rows_refused(&app, false).await;
    // Space is back: the same choice writes the scene, and it gets its picture.
    let next = story::choose(&app.state, kids, &story_id, &view.choices[0].id)
        .await
        .expect("the choice once there is room");
    let picture = final_image(&app.state, kids, &story_id, &next).await;
    assert_eq!(picture.status, MediaStatus::Complete, "{picture:?}");

    // A scene an earlier release stored without its picture job gets one at the next start.
    cyoa::server::db::query("DELETE FROM media WHERE scene_id = ?")
        .bind(&next)
        .execute(&app.state.db)
        .await
        .expect("lose the job");
    drop(app);
    let again = TestApp::builder().data_dir(dir.path()).spawn().await;
    // The repair runs as the media workers start, beside the app's first answers.
    wait_for_async(|| async {
        cyoa::server::media::status(&again.state, kids, &story_id, &next, MediaKind::Image)
            .await
            .ok()
            .flatten()
            .is_some()
    })
    .await;
    let repaired = final_image(&again.state, kids, &story_id, &next).await;
    assert_eq!(repaired.status, MediaStatus::Complete, "{repaired:?}");
}

#[tokio::test]
async fn a_parent_can_delete_a_story_to_free_space_while_the_disk_is_full() {
    // The injected full disk is SQLite's commit hook.
    if sqlite_only("deleting on a full disk") {
        return;
    }
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (story_id, root) = story::start(&app.state, kids, crate::helpers::start_input("a kite"))
        .await
        .expect("started");
    final_image(&app.state, kids, &story_id, &root).await;
    let folder = cyoa::server::media_store::Folder::media("kids", &story_id);
    assert!(!crate::helpers::stored_files(&app.state, &folder)
        .await
        .is_empty());
    // The disk is full until something is freed: the first deletion's commit fails.
    app.state.faults.commits.fail_next(1);
    story::gallery::delete(&app.state, kids, &story_id)
        .await
        .expect("deleted once its files made room");
    assert!(crate::helpers::stored_files(&app.state, &folder)
        .await
        .is_empty());
    let left: i64 = cyoa::server::db::query_scalar("SELECT COUNT(*) FROM stories WHERE id = ?")
        .bind(&story_id)
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(left, 0);
    // Another tier's id is still "not found", and its files are not touched.
    app.state.faults.commits.fail_next(1);
    assert!(matches!(
        story::gallery::delete(&app.state, tier("adult"), &story_id).await,
        Err(cyoa::server::story::StoryError::NotFound)
    ));
    app.state.faults.commits.fail_commits(false);
}
