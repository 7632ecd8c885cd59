//! Media jobs leased to the instance that runs them: two instances on one database make
//! every picture and clip once; a slow job keeps its lease by heartbeat; a job whose instance
//! died goes back to the queue when its lease runs out and another instance finishes it; the
//! dead instance's late outcome is not recorded, nor may it order a clip.

use std::path::Path;
use std::time::Duration;

use cyoa::domain::media::MediaStatus;
use cyoa::domain::Provider;
use cyoa::server::config::JobSettings;
use cyoa::server::db::media::{self, Finished};
use cyoa::server::db::stored_time;
use cyoa::server::state::AppState;
use cyoa::server::story;
use provider_sim::{self as sim, RunningSim, SimConfig};

use crate::helpers::{openai_pictures, request_counts, start_input, TestApp};
use crate::video_jobs::{fast, kids, submissions, video_story, KEY};

const PICTURES: &str = "openai/images/generations";

/// More than one instance on the database, with leases of `lease`.
fn shared(lease: Duration) -> JobSettings {
    JobSettings {
        lease,
        shared: true,
        ..JobSettings::default()
    }
}

/// An instance with every provider pointed at `sim`, its data (and SQLite file) in `dir`.
async fn instance(sim: &RunningSim, dir: &Path, lease: Duration) -> TestApp {
    TestApp::builder()
        .providers(sim, KEY, &Provider::ALL)
        .video(fast(20, 60_000))
        .jobs(shared(lease))
        .data_dir(dir)
        .spawn()
        .await
}

/// Waits until the database holds `jobs` media jobs, all final.
async fn all_final(state: &AppState, jobs: i64) {
    for _ in 0..1200 {
        let (total, open): (i64, i64) = cyoa::server::db::query_as(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE status NOT IN ('complete', 'failed')) FROM media",
        )
        .fetch_one(&state.db)
        .await
        .expect("count");
        if total == jobs && open == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the {jobs} media jobs never all finished");
}

/// Makes the story's picture look claimed by another instance (`holder`), its lease running
/// out after `lease`, with no file yet; answers the job's id and the file it had.
async fn claimed_elsewhere(
    state: &AppState,
    story_id: &str,
    holder: &str,
    lease: Duration,
) -> (String, String) {
    let (id, file): (String, String) = cyoa::server::db::query_as(
        "SELECT id, file_name FROM media WHERE story_id = ? AND kind = 'image'",
    )
    .bind(story_id)
    .fetch_one(&state.db)
    .await
    .expect("the picture");
    let until = stored_time(time::OffsetDateTime::now_utc() + lease);
    cyoa::server::db::query(
        "UPDATE media SET status = 'generating', locked_by = ?, lease_until = ?, file_name = NULL
         WHERE id = ?",
    )
    .bind(holder)
    .bind(&until)
    .bind(&id)
    .execute(&state.db)
    .await
    .expect("another instance's claim");
    (id, file)
}

async fn statuses(state: &AppState) -> Vec<(String, MediaStatus)> {
    cyoa::server::db::query_as("SELECT kind, status FROM media ORDER BY kind")
        .fetch_all(&state.db)
        .await
        .expect("statuses")
}

#[tokio::test]
async fn two_instances_on_one_database_make_every_picture_and_clip_once() {
    // Every provider call takes 300 ms, so jobs are running when the second instance starts.
    let sim = sim::spawn(SimConfig {
        latency: Duration::from_millis(300),
        video_polls: Some(1),
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let dir = tempfile::tempdir().expect("dir");
    let lease = Duration::from_secs(2);
    let a = instance(&sim, dir.path(), lease).await;
    story::start(&a.state, kids(), video_story("a head start", None))
        .await
        .expect("start");
    let mut running: i64 = 0;
    for _ in 0..400 {
        running = cyoa::server::db::query_scalar(
            "SELECT COUNT(*) FROM media WHERE status = 'generating'",
        )
        .fetch_one(&a.state.db)
        .await
        .expect("running");
        if running > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(running, 1, "the first picture is being made");
    // The second instance starts meanwhile: the running job is the first one's, not a
    // leftover of a crash, so it stays where it is.
    let b = instance(&sim, dir.path(), lease).await;
    // Four more stories played to their ends, each step on either instance: every scene gets
    // a picture and then a clip, claimed by whichever instance is free first.
    for i in 0..4 {
        let (first, second) = if i % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let (story_id, mut scene) = story::start(
            &first.state,
            kids(),
            video_story(
                &format!("story {i}: two lighthouses"),
                Some("gpt-image-quick"),
            ),
        )
        .await
        .expect("start");
        for step in 0.. {
            let on = if step % 2 == 0 { second } else { first };
            let view = story::scene_view(&on.state, kids(), &story_id, &scene)
                .await
                .expect("scene");
            let Some(choice) = view.choices.first() else {
                break;
            };
            scene = story::choose(&on.state, kids(), &story_id, &choice.id)
                .await
                .expect("choose");
        }
    }
    let scenes: i64 = cyoa::server::db::query_scalar("SELECT COUNT(*) FROM scenes")
        .fetch_one(&a.state.db)
        .await
        .expect("scenes");
    // Each story played to its end also gets its book cover, once.
    let covers: i64 =
        cyoa::server::db::query_scalar("SELECT COUNT(*) FROM stories WHERE status = 'completed'")
            .fetch_one(&a.state.db)
            .await
            .expect("stories");
    assert_eq!(covers, 4);
    all_final(&a.state, scenes * 2 + covers).await;
    let counts = request_counts(&sim.base_url()).await;
    assert_eq!(openai_pictures(&counts), scenes + covers, "{counts}");
    assert_eq!(submissions(&sim).await as i64, scenes, "{counts}");
    assert!(statuses(&a.state)
        .await
        .iter()
        .all(|(_, status)| *status == MediaStatus::Complete));
}

#[tokio::test]
async fn a_slow_job_keeps_its_lease_by_heartbeat_and_is_made_once() {
    // Each picture takes 4 s; the lease is 1.5 s, renewed every 375 ms: without the
    // heartbeat the other instance would take the job back and order the picture again.
    let sim = sim::spawn(SimConfig {
        latency: Duration::from_millis(4000),
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let dir = tempfile::tempdir().expect("dir");
    let lease = Duration::from_millis(1500);
    let a = instance(&sim, dir.path(), lease).await;
    let _b = instance(&sim, dir.path(), lease).await;
    story::start(&a.state, kids(), start_input("a slow painter"))
        .await
        .expect("start");
    all_final(&a.state, 1).await;
    assert_eq!(request_counts(&sim.base_url()).await[PICTURES], 1);
    assert_eq!(
        statuses(&a.state).await,
        vec![("image".to_owned(), MediaStatus::Complete)]
    );
}

#[tokio::test]
async fn a_job_whose_instance_died_is_finished_by_another_once_its_lease_runs_out() {
    let sim = crate::video_jobs::simulator(1).await;
    let dir = tempfile::tempdir().expect("dir");
    let app = instance(&sim, dir.path(), Duration::from_millis(400)).await;
    let (story_id, _) = story::start(&app.state, kids(), start_input("an abandoned lighthouse"))
        .await
        .expect("start");
    all_final(&app.state, 1).await;
    assert_eq!(request_counts(&sim.base_url()).await[PICTURES], 1);
    // An instance that claimed the picture again and died: its lease runs out in 3 s.
    let (job_id, _) = claimed_elsewhere(
        &app.state,
        &story_id,
        "dead-instance",
        Duration::from_secs(3),
    )
    .await;
    // Not taken back while the lease holds (the live instance's reaper runs every 100 ms).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let holder: Option<String> =
        cyoa::server::db::query_scalar("SELECT locked_by FROM media WHERE id = ?")
            .bind(&job_id)
            .fetch_one(&app.state.db)
            .await
            .expect("holder");
    assert_eq!(holder.as_deref(), Some("dead-instance"));
    // Then the live instance takes it back and makes it, once.
    all_final(&app.state, 1).await;
    assert_eq!(request_counts(&sim.base_url()).await[PICTURES], 2);
    let (status, file, holder): (MediaStatus, Option<String>, Option<String>) =
        cyoa::server::db::query_as("SELECT status, file_name, locked_by FROM media WHERE id = ?")
            .bind(&job_id)
            .fetch_one(&app.state.db)
            .await
            .expect("row");
    assert_eq!(status, MediaStatus::Complete);
    assert!(file.is_some());
    assert_eq!(holder, None);
    // The dead instance's late outcome is refused, and it may not order a clip for the job.
    let late = media::complete(&app.state.db, &job_id, "dead-instance", "late.png", None)
        .await
        .expect("fenced write");
    assert_eq!(late, Finished::LeaseLost);
    assert!(
        !media::mark_submitting(&app.state.db, &job_id, "dead-instance")
            .await
            .expect("fenced write")
    );
    let kept: Option<String> =
        cyoa::server::db::query_scalar("SELECT file_name FROM media WHERE id = ?")
            .bind(&job_id)
            .fetch_one(&app.state.db)
            .await
            .expect("file");
    assert_eq!(kept, file);
}

#[tokio::test]
async fn a_status_call_waiting_on_one_instance_hears_of_a_job_another_instance_finished() {
    let sim = crate::video_jobs::simulator(1).await;
    let dir = tempfile::tempdir().expect("dir");
    let app = instance(&sim, dir.path(), Duration::from_secs(2)).await;
    let (story_id, scene_id) = story::start(&app.state, kids(), start_input("a far lighthouse"))
        .await
        .expect("start");
    all_final(&app.state, 1).await;
    // Another instance (this test) runs the picture again, for a long while.
    let (job_id, file) = claimed_elsewhere(
        &app.state,
        &story_id,
        "other-instance",
        Duration::from_secs(60),
    )
    .await;
    let state = app.state.clone();
    let waiting = tokio::spawn(async move {
        let started = tokio::time::Instant::now();
        let view = cyoa::server::media::status_when_final(
            &state,
            kids(),
            &story_id,
            &scene_id,
            cyoa::domain::media::MediaKind::Image,
            Duration::from_secs(10),
        )
        .await
        .expect("status");
        (view, started.elapsed())
    });
    // The instance that finishes it, on the same database.
    let other = instance(&sim, dir.path(), Duration::from_secs(2)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let finished = media::complete(&other.state.db, &job_id, "other-instance", &file, None)
        .await
        .expect("the other instance records its picture");
    assert_eq!(finished, Finished::Recorded { replaced: None });
    other.state.jobs.announce_finished();
    let (view, waited) = waiting.await.expect("the waiting call");
    assert_eq!(view.map(|v| v.status), Some(MediaStatus::Complete));
    if crate::helpers::on_postgres() {
        // The other instance's NOTIFY wakes the waiting call, well before its 5 s re-read.
        assert!(waited < Duration::from_secs(3), "{waited:?}");
    } else {
        // No signal crosses SQLite: the waiting call reads the row again each second, long
        // before its ten seconds are up.
        assert!(waited < Duration::from_secs(5), "{waited:?}");
    }
}
