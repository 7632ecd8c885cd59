//! Video mode over real HTTP and real SQLite files, against a simulator of the test's own
//! (so an app restart can find the same provider jobs): the whole clip lifecycle with
//! short, configured poll intervals.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use crate::helpers::TestApp;
use cyoa::domain::media::{MediaKind, MediaStatus, MediaView};
use cyoa::domain::story::{StartInput, StoryLength};
use cyoa::domain::{Provider, TierSpec};
use cyoa::server::config::VideoTiming;
use cyoa::server::providers::Endpoint;
use cyoa::server::state::AppState;
use cyoa::server::story;
use provider_sim::{self as sim, RunningSim, SimConfig};
use serde_json::{json, Value};

pub(crate) const KEY: &str = "k";

pub(crate) fn kids() -> &'static TierSpec {
    crate::helpers::tier("kids")
}

pub(crate) fn fast(poll_every_ms: u64, max_wait_ms: u64) -> VideoTiming {
    VideoTiming {
        poll_every: Duration::from_millis(poll_every_ms),
        max_wait: Duration::from_millis(max_wait_ms),
    }
}

pub(crate) async fn simulator(video_polls: u32) -> RunningSim {
    sim::spawn(SimConfig {
        video_polls: Some(video_polls),
        ..SimConfig::default()
    })
    .await
    .expect("simulator")
}

/// The app with every provider pointed at `sim` (as with real keys), data in `data_dir`.
pub(crate) async fn app(
    sim: &RunningSim,
    data_dir: &Path,
    video: VideoTiming,
) -> (SocketAddr, AppState) {
    app_with(sim, data_dir, video, &Provider::ALL).await
}

/// As [`app`], with keys for `providers` only.
pub(crate) async fn app_with(
    sim: &RunningSim,
    data_dir: &Path,
    video: VideoTiming,
    providers: &[Provider],
) -> (SocketAddr, AppState) {
    let app = TestApp::builder()
        .providers(sim, KEY, providers)
        .video(video)
        .data_dir(data_dir)
        .spawn()
        .await;
    (app.addr, app.state)
}

/// A simulator, a data directory and the app on them, kept alive together.
struct Fixture {
    sim: RunningSim,
    addr: SocketAddr,
    state: AppState,
    _dir: tempfile::TempDir,
}

async fn fixture(video_polls: u32, video: VideoTiming) -> Fixture {
    let sim = simulator(video_polls).await;
    let dir = tempfile::tempdir().expect("dir");
    let (addr, state) = app(&sim, dir.path(), video).await;
    Fixture {
        sim,
        addr,
        state,
        _dir: dir,
    }
}

pub(crate) fn video_story(prompt: &str, image_model: Option<&str>) -> StartInput {
    StartInput {
        prompt: prompt.into(),
        length: StoryLength::Short,
        text_model: "claude-sonnet-5-5".into(),
        image_model: image_model.map(str::to_owned),
        memory_profile: None,
        video_mode: true,
        family_mode: false,
        characters: Vec::new(),
        style: String::new(),
        surprise: false,
        bedtime: false,
        sequel_of: None,
    }
}

pub(crate) async fn final_media(
    state: &AppState,
    story_id: &str,
    scene_id: &str,
    kind: MediaKind,
) -> MediaView {
    for _ in 0..400 {
        if let Some(view) = cyoa::server::media::status(state, kids(), story_id, scene_id, kind)
            .await
            .expect("view")
        {
            if view.status.is_final() {
                return view;
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the {kind:?} never finished");
}

pub(crate) async fn submissions(sim: &RunningSim) -> u64 {
    crate::helpers::request_counts(&sim.base_url()).await["xai/videos/generations"]
        .as_u64()
        .unwrap_or(0)
}

async fn last_video_request(sim: &RunningSim) -> Value {
    let log: Vec<Value> = reqwest::get(format!("{}/__control/image_requests", sim.base_url()))
        .await
        .expect("log")
        .json()
        .await
        .expect("json");
    log.into_iter()
        .rev()
        .find(|r| r["path"] == "/videos/generations")
        .expect("a video request")
}

async fn fault(sim: &RunningSim, api: &str, kind: &str) {
    crate::helpers::queue_fault(
        &sim.base_url(),
        json!({"api": api, "kind": kind, "count": 1}),
    )
    .await;
}

#[tokio::test]
async fn each_scene_gets_a_playable_clip_made_from_its_picture() {
    let Fixture {
        sim, addr, state, ..
    } = &fixture(2, fast(20, 5_000)).await;
    let (story_id, scene_id) = story::start(
        state,
        kids(),
        video_story("a paper boat", Some("gpt-image-quick")),
    )
    .await
    .expect("start");
    let view = story::scene_view(state, kids(), &story_id, &scene_id)
        .await
        .expect("view");
    assert!(view.video.is_some(), "a video pane from the start");
    assert!(view.video_notice.is_none());
    let image = final_media(state, &story_id, &scene_id, MediaKind::Image).await;
    assert_eq!(image.status, MediaStatus::Complete);
    let clip = final_media(state, &story_id, &scene_id, MediaKind::Video).await;
    assert_eq!(clip.status, MediaStatus::Complete, "{clip:?}");
    let sent = last_video_request(sim).await;
    assert_eq!(sent["references"], 1, "image-to-video: {sent}");
    let fields = sent["fields"].to_string();
    for field in ["duration", "aspect_ratio", "resolution", "image"] {
        assert!(fields.contains(field), "{field} in {fields}");
    }
    let url = clip.url.expect("clip url");
    let res = reqwest::Client::new()
        .get(format!("http://{addr}{url}"))
        .header("range", "bytes=0-99")
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 206, "clips answer range requests");
    assert_eq!(res.headers()["content-type"], "video/mp4");
    let head = res.bytes().await.expect("bytes");
    assert_eq!(&head[4..8], b"ftyp");
    let other_tier = url.replacen("/kids/", "/adult/", 1);
    let res = reqwest::get(format!("http://{addr}{other_tier}"))
        .await
        .expect("get");
    assert_eq!(res.status(), 404);
    assert_eq!(submissions(sim).await, 1);
}

#[tokio::test]
async fn a_failed_picture_still_gets_a_clip_from_the_words() {
    let Fixture { sim, state, .. } = &fixture(1, fast(20, 5_000)).await;
    fault(sim, "openai", "policy").await;
    let (story_id, scene_id) =
        story::start(state, kids(), video_story("a lantern", Some("gpt-image")))
            .await
            .expect("start");
    assert_eq!(
        final_media(state, &story_id, &scene_id, MediaKind::Image)
            .await
            .status,
        MediaStatus::Failed
    );
    let clip = final_media(state, &story_id, &scene_id, MediaKind::Video).await;
    assert_eq!(clip.status, MediaStatus::Complete);
    assert_eq!(
        last_video_request(sim).await["references"],
        0,
        "text-to-video"
    );
}

#[tokio::test]
async fn a_failed_clip_leaves_the_picture_and_retry_brings_the_clip() {
    let Fixture { sim, state, .. } = &fixture(1, fast(20, 5_000)).await;
    fault(sim, "xai", "video_failed").await;
    let (story_id, scene_id) =
        story::start(state, kids(), video_story("a snowman", Some("gpt-image")))
            .await
            .expect("start");
    let clip = final_media(state, &story_id, &scene_id, MediaKind::Video).await;
    assert_eq!(clip.status, MediaStatus::Failed);
    assert!(
        clip.error
            .as_deref()
            .unwrap_or_default()
            .contains("could not"),
        "{clip:?}"
    );
    let image = final_media(state, &story_id, &scene_id, MediaKind::Image).await;
    assert_eq!(
        image.status,
        MediaStatus::Complete,
        "the picture is untouched"
    );
    cyoa::server::media::retry(state, kids(), &story_id, &scene_id, MediaKind::Video)
        .await
        .expect("retry");
    let clip = final_media(state, &story_id, &scene_id, MediaKind::Video).await;
    assert_eq!(clip.status, MediaStatus::Complete);
    assert_eq!(submissions(sim).await, 2);
}

#[tokio::test]
async fn a_clip_that_never_finishes_fails_after_the_maximum_wait() {
    let Fixture { sim, state, .. } = &fixture(1, fast(30, 400)).await;
    fault(sim, "xai", "stuck").await;
    let (story_id, scene_id) = story::start(state, kids(), video_story("a slow snail", None))
        .await
        .expect("start");
    let clip = final_media(state, &story_id, &scene_id, MediaKind::Video).await;
    assert_eq!(clip.status, MediaStatus::Failed);
    assert!(
        clip.error
            .as_deref()
            .unwrap_or_default()
            .contains("was not ready after"),
        "{clip:?}"
    );
    let polls = crate::helpers::request_counts(&sim.base_url()).await["xai/videos/status"]
        .as_u64()
        .unwrap_or(0);
    assert!(
        (5..=20).contains(&polls),
        "polled every 30 ms for 400 ms: {polls}"
    );
}

#[tokio::test]
async fn an_expired_clip_url_fails_the_clip_with_a_reason() {
    let Fixture { sim, state, .. } = &fixture(1, fast(20, 5_000)).await;
    fault(sim, "xai", "expired_url").await;
    let (story_id, scene_id) = story::start(state, kids(), video_story("a comet", None))
        .await
        .expect("start");
    let clip = final_media(state, &story_id, &scene_id, MediaKind::Video).await;
    assert_eq!(clip.status, MediaStatus::Failed);
    assert!(
        clip.error
            .as_deref()
            .unwrap_or_default()
            .contains("expired"),
        "{clip:?}"
    );
}

#[tokio::test]
async fn a_restart_resumes_polling_with_the_stored_request_without_a_second_submission() {
    let sim = simulator(3).await;
    let dir = tempfile::tempdir().expect("dir");
    // The first process submits, then sleeps far longer than the test lasts.
    let (_, first) = app(&sim, dir.path(), fast(3_600_000, 7_200_000)).await;
    let (story_id, scene_id) = story::start(&first, kids(), video_story("a lighthouse", None))
        .await
        .expect("start");
    let mut stored = None;
    for _ in 0..200 {
        let row: Option<(Option<String>,)> = cyoa::server::db::query_as(
            "SELECT request_id FROM media WHERE scene_id = ? AND kind = 'video'",
        )
        .bind(&scene_id)
        .fetch_optional(&first.db)
        .await
        .expect("query");
        if let Some((Some(id),)) = row {
            stored = Some(id);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let request_id = stored.expect("the request id is stored right after submission");
    // A new process on the same data: the job is still "generating".
    let (_, second) = app(&sim, dir.path(), fast(20, 5_000)).await;
    let clip = final_media(&second, &story_id, &scene_id, MediaKind::Video).await;
    assert_eq!(clip.status, MediaStatus::Complete, "{clip:?}");
    assert_eq!(submissions(&sim).await, 1, "never submitted twice");
    let (kept,): (Option<String>,) = cyoa::server::db::query_as(
        "SELECT request_id FROM media WHERE scene_id = ? AND kind = 'video'",
    )
    .bind(&scene_id)
    .fetch_one(&second.db)
    .await
    .expect("query");
    assert_eq!(kept.as_deref(), Some(request_id.as_str()));
}

#[tokio::test]
async fn a_disk_write_failure_fails_the_clip_and_leaves_no_partial_file() {
    if crate::helpers::disk_only("a directory in the clip's place on disk") {
        return;
    }
    let Fixture { state, .. } = &fixture(5, fast(40, 5_000)).await;
    let (story_id, scene_id) = story::start(state, kids(), video_story("a kite", None))
        .await
        .expect("start");
    // Something that is not a file sits where the clip must go: the rename fails.
    let story_dir = state.config.data_dir.join("media/kids").join(&story_id);
    let blocker = story_dir.join(format!("{scene_id}.mp4"));
    std::fs::create_dir_all(blocker.join("occupied")).expect("blocker");
    let clip = final_media(state, &story_id, &scene_id, MediaKind::Video).await;
    assert_eq!(clip.status, MediaStatus::Failed);
    assert!(
        clip.error
            .as_deref()
            .unwrap_or_default()
            .contains("could not be saved"),
        "{clip:?}"
    );
    let mut names: Vec<String> = std::fs::read_dir(&story_dir)
        .expect("ls")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let expected = [format!("{scene_id}.jpg"), format!("{scene_id}.mp4")];
    assert_eq!(names, expected, "the blocker and the picture, no temp file");
}

#[tokio::test]
async fn a_clip_lost_on_disk_shows_no_player_and_no_error() {
    let Fixture { state, .. } = &fixture(1, fast(20, 5_000)).await;
    let (story_id, scene_id) = story::start(state, kids(), video_story("a fox", None))
        .await
        .expect("start");
    assert_eq!(
        final_media(state, &story_id, &scene_id, MediaKind::Video)
            .await
            .status,
        MediaStatus::Complete
    );
    let key =
        cyoa::server::media_store::FileKey::media("kids", &story_id, &format!("{scene_id}.mp4"));
    if crate::helpers::on_bucket() {
        // A bucket takes whole files only: the clip can be lost, not cut off.
        crate::helpers::lose(state, &key).await;
    } else {
        let path = state.config.data_dir.join(key.as_str());
        std::fs::write(&path, b"not a video any more").expect("corrupt");
    }
    let view = cyoa::server::media::status(state, kids(), &story_id, &scene_id, MediaKind::Video)
        .await
        .expect("view")
        .expect("job");
    assert_eq!(
        (view.status, view.url, view.error),
        (MediaStatus::Complete, None, None)
    );
}

#[tokio::test]
async fn video_mode_without_the_xai_key_starts_with_pictures_only_and_says_why() {
    let app = TestApp::spawn().await;
    // Demo mode has every provider; ask a real-keys app without xAI instead.
    let sim = simulator(1).await;
    let dir = tempfile::tempdir().expect("dir");
    let (_, state) = app_with(
        &sim,
        dir.path(),
        VideoTiming::default(),
        &[Provider::OpenAi],
    )
    .await;
    let home = story::home(&state, kids(), None).await.expect("home");
    assert!(!home.video_available, "no toggle without the xAI key");
    assert!(
        story::home(&app.state, kids(), None)
            .await
            .expect("home")
            .video_available
    );
    let (story_id, scene_id) = story::start(
        &state,
        kids(),
        StartInput {
            text_model: "gpt-6-luna".into(),
            ..video_story("a crafted request", Some("gpt-image"))
        },
    )
    .await
    .expect("the story starts anyway");
    let view = story::scene_view(&state, kids(), &story_id, &scene_id)
        .await
        .expect("view");
    assert!(view.video.is_none());
    assert!(view
        .video_notice
        .as_deref()
        .unwrap_or_default()
        .contains("XAI_API_KEY"));
    assert_eq!(submissions(&sim).await, 0);
}

#[tokio::test]
async fn a_rate_limit_is_retried_and_an_outage_fails_only_the_clip() {
    let Fixture { sim, state, .. } = &fixture(1, fast(20, 5_000)).await;
    // One 429 on the submission: retried with backoff, the clip arrives.
    crate::helpers::queue_fault(
        &sim.base_url(),
        json!({"api": "xai", "kind": "rate_limit", "count": 1}),
    )
    .await;
    let (story_id, scene_id) = story::start(state, kids(), video_story("a pebble", None))
        .await
        .expect("start");
    let clip = final_media(state, &story_id, &scene_id, MediaKind::Video).await;
    assert_eq!(clip.status, MediaStatus::Complete, "{clip:?}");
    // xAI down for every attempt: the clip fails with a reason, the picture is fine.
    let (story_id, scene_id) = story::start(state, kids(), video_story("a puddle", None))
        .await
        .expect("start");
    final_media(state, &story_id, &scene_id, MediaKind::Image).await;
    crate::helpers::queue_fault(
        &sim.base_url(),
        json!({"api": "xai", "kind": "server_error", "count": 50}),
    )
    .await;
    let clip = final_media(state, &story_id, &scene_id, MediaKind::Video).await;
    assert_eq!(clip.status, MediaStatus::Failed);
    assert!(clip.error.is_some());
    let image = final_media(state, &story_id, &scene_id, MediaKind::Image).await;
    assert_eq!(image.status, MediaStatus::Complete);
    reqwest::Client::new()
        .delete(format!("{}/__control/faults", sim.base_url()))
        .send()
        .await
        .expect("clear");
}

#[tokio::test]
async fn a_clip_withheld_by_moderation_or_expired_says_which() {
    for (kind, words) in [
        ("video_moderated", "moderation blocked this clip"),
        ("video_expired", "request expired at Grok Imagine"),
    ] {
        let Fixture { sim, state, .. } = &fixture(1, fast(20, 5_000)).await;
        fault(sim, "xai", kind).await;
        let (story_id, scene_id) = story::start(state, kids(), video_story("a comet", None))
            .await
            .expect("start");
        let clip = final_media(state, &story_id, &scene_id, MediaKind::Video).await;
        assert_eq!(clip.status, MediaStatus::Failed, "{kind}");
        let error = clip.error.unwrap_or_default();
        assert!(error.contains(words), "{kind}: {error}");
        assert_eq!(
            submissions(sim).await,
            1,
            "{kind}: not resubmitted on its own"
        );
    }
}

#[tokio::test]
async fn the_demo_simulator_finishes_a_clip_it_made_before_a_restart() {
    // A fresh simulator stands for the in-process one after the app restarted.
    let sim = simulator(1).await;
    let endpoint = Endpoint::simulated(&sim.base_url(), Provider::Xai, KEY);
    let http = reqwest::Client::new();
    let poll = |id: &str| {
        http.get(format!("{}/videos/{id}", endpoint.base_url))
            .bearer_auth(KEY)
            .send()
    };
    let answer: Value = poll("vid-8s-0123456789abcdef")
        .await
        .expect("poll")
        .json()
        .await
        .expect("json");
    assert_eq!(answer["status"], "done", "{answer}");
    assert_eq!(answer["video"]["duration"], 8);
    let unknown = poll("not-one-of-ours").await.expect("poll");
    assert_eq!(unknown.status(), 404);
}

/// Regenerate clip: one new submission however often it is asked for at once, the old clip
/// served until the new one is stored, then replaced.
#[tokio::test]
async fn regenerating_a_clip_submits_once_and_keeps_the_old_clip_until_then() {
    let f = fixture(3, fast(100, 30_000)).await;
    let (story_id, scene_id) = story::start(&f.state, kids(), video_story("a kite", None))
        .await
        .expect("start");
    let old = final_media(&f.state, &story_id, &scene_id, MediaKind::Video).await;
    assert_eq!(old.status, MediaStatus::Complete);
    let old_url = old.url.expect("old clip");
    let before = submissions(&f.sim).await;
    let regenerate = || {
        cyoa::server::media::regenerate(&f.state, kids(), &story_id, &scene_id, MediaKind::Video)
    };
    let (a, b, c) = tokio::join!(regenerate(), regenerate(), regenerate());
    assert!(a.is_ok() && b.is_ok() && c.is_ok());
    // While the new clip is made, the page still gets the old one.
    let during =
        cyoa::server::media::status(&f.state, kids(), &story_id, &scene_id, MediaKind::Video)
            .await
            .expect("status")
            .expect("view");
    assert!(!during.status.is_final());
    assert_eq!(during.url.as_deref(), Some(old_url.as_str()));
    let served = reqwest::get(format!("http://{}{old_url}", f.addr))
        .await
        .expect("get");
    assert_eq!(served.status(), 200);
    let new = final_media(&f.state, &story_id, &scene_id, MediaKind::Video).await;
    assert_eq!(new.status, MediaStatus::Complete);
    let new_url = new.url.expect("new clip");
    assert_ne!(new_url, old_url);
    assert_eq!(submissions(&f.sim).await - before, 1, "one new submission");
    let gone = reqwest::get(format!("http://{}{old_url}", f.addr))
        .await
        .expect("get");
    assert_eq!(gone.status(), 404);
}

#[tokio::test]
async fn a_video_status_the_client_does_not_know_keeps_it_polling() {
    let Fixture { sim, state, .. } = &fixture(1, fast(20, 5_000)).await;
    fault(sim, "xai", "video_unknown_status").await;
    let (story_id, scene_id) = story::start(state, kids(), video_story("a comet", None))
        .await
        .expect("start");
    let clip = final_media(state, &story_id, &scene_id, MediaKind::Video).await;
    assert_eq!(clip.status, MediaStatus::Complete, "{clip:?}");
    assert_eq!(submissions(sim).await, 1);
}

#[tokio::test]
async fn kids_clips_are_silent_and_grown_up_clips_have_their_soundtrack() {
    let Fixture { sim, state, .. } = &fixture(1, fast(20, 5_000)).await;
    let (story_id, scene_id) = story::start(state, kids(), video_story("a comet", None))
        .await
        .expect("start");
    final_media(state, &story_id, &scene_id, MediaKind::Video).await;
    let sent = last_video_request(sim).await;
    assert_eq!(sent["generate_audio"], json!(false), "{sent}");
    assert_eq!(sent["model"], json!("grok-imagine-video-1.5"), "{sent}");
    let adult = crate::helpers::tier("adult");
    let (story_id, scene_id) = story::start(state, adult, video_story("a storm", None))
        .await
        .expect("start");
    for _ in 0..400 {
        let view =
            cyoa::server::media::status(state, adult, &story_id, &scene_id, MediaKind::Video)
                .await
                .expect("view");
        if view.is_some_and(|v| v.status.is_final()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let sent = last_video_request(sim).await;
    assert_eq!(sent["generate_audio"], json!(true), "{sent}");
}
