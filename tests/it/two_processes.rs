//! Two real app processes sharing one database and one media store, as a hosted service runs
//! them behind a load balancer: in the suite's second run one PostgreSQL and one bucket, each
//! process with a data directory of its own (nothing shared on disk); in the first, one SQLite
//! file with `JOBS_SHARED` and one data directory. Stories started on either make 100
//! pictures and 20 clips, each ordered from the provider once, by both; an instance killed in
//! the middle of a clip leaves it to the other, which finishes it when the lease runs out
//! without ordering it again.

use std::collections::HashSet;
use std::path::Path;
use std::process::Child;
use std::time::Duration;

use cyoa::server::db::{self, Db};
use provider_sim::{self as sim, RunningSim, SimConfig};

use cyoa::server::config::BucketSettings;

use crate::helpers::{
    app_binary, free_port, on_bucket, on_postgres, postgres_url, request_counts, test_bucket,
};
use crate::video_jobs::{submissions, KEY};

const PICTURES: &str = "openai/images/generations";
const STORIES: usize = 100;
const WITH_CLIPS: usize = 20;

/// A running app binary, killed (SIGKILL) when dropped.
struct Instance {
    child: Child,
    base: String,
    /// Where a paused instance leaves its marker (its data directory).
    marker_dir: std::path::PathBuf,
    _own_dir: Option<tempfile::TempDir>,
}

/// What the instances share: the database, and the bucket or the data directory.
struct Shared<'a> {
    dir: &'a Path,
    database_url: Option<String>,
    bucket: Option<BucketSettings>,
}

impl Instance {
    fn start(sim: &RunningSim, shared: &Shared, env: &[(&str, &str)]) -> Instance {
        // With a bucket, a data directory of its own: whatever the instances share is in the
        // database and the bucket.
        let own_dir = shared
            .bucket
            .as_ref()
            .map(|_| tempfile::tempdir().expect("dir"));
        let dir = own_dir.as_ref().map_or(shared.dir, |d| d.path());
        let port = free_port();
        let mut cmd = app_binary(sim, KEY, dir, port);
        // The shortest lease the app takes: a killed instance's jobs wait that long.
        cmd.env("JOB_LEASE_S", "20")
            .env("JOBS_SHARED", "true")
            .env("LIMIT_STORIES_PER_HOUR", "1000")
            .env("LIMIT_PICTURES_PER_HOUR", "1000")
            .env("LIMIT_CLIPS_PER_HOUR", "1000");
        if let Some(url) = &shared.database_url {
            cmd.env("DATABASE_URL", url);
        }
        if let Some(bucket) = &shared.bucket {
            cmd.env("S3_ENDPOINT", &bucket.endpoint)
                .env("S3_BUCKET", &bucket.bucket)
                .env("S3_REGION", &bucket.region)
                .env("S3_ACCESS_KEY_ID", &bucket.access_key)
                .env("S3_SECRET_ACCESS_KEY", &bucket.secret_key)
                .env("S3_PREFIX", &bucket.prefix);
        }
        cmd.envs(env.iter().copied());
        let child = cmd.spawn().expect("the app binary starts");
        Instance {
            child,
            base: format!("http://127.0.0.1:{port}"),
            marker_dir: dir.to_owned(),
            _own_dir: own_dir,
        }
    }

    async fn ready(&self) {
        let http = reqwest::Client::new();
        for _ in 0..600 {
            if http.get(format!("{}/kids", self.base)).send().await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the instance at {} never answered", self.base);
    }

    /// Starts a story here as the start form does; answers its (story, scene) ids.
    async fn start_story(&self, prompt: &str, with_clip: bool) -> (String, String) {
        let started: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/api/start_story", self.base))
            .form(&[
                ("tier", "kids"),
                ("input[prompt]", prompt),
                ("input[length]", "short"),
                ("input[text_model]", "claude-sonnet-5-5"),
                ("input[image_model]", "gpt-image-quick"),
                (
                    "input[video_mode]",
                    if with_clip { "true" } else { "false" },
                ),
            ])
            .send()
            .await
            .expect("start")
            .json()
            .await
            .expect("started");
        let id = |name: &str| {
            started[name]
                .as_str()
                .unwrap_or_else(|| panic!("{started}"))
                .to_owned()
        };
        (id("story_id"), id("scene_id"))
    }

    /// The clip's status, waiting here up to the server's longest wait for it to be final.
    async fn clip_status(&self, story_id: &str, scene_id: &str) -> serde_json::Value {
        reqwest::Client::new()
            .post(format!("{}/api/media_status", self.base))
            .form(&[
                ("tier", "kids"),
                ("story_id", story_id),
                ("scene_id", scene_id),
                ("kind", "video"),
                ("wait_ms", "30000"),
            ])
            .send()
            .await
            .expect("status")
            .json()
            .await
            .expect("json")
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The shared database, as the instances see it (migrated here first), and the rest.
async fn shared(dir: &Path) -> (Db, Shared<'_>) {
    let url = match on_postgres() {
        true => Some(postgres_url(dir).await),
        false => None,
    };
    let db = db::open(url.as_deref(), &dir.join("app.db"), &Default::default())
        .await
        .expect("the shared database");
    let bucket = on_bucket().then(|| test_bucket(dir).expect("the test bucket"));
    let shared = Shared {
        dir,
        database_url: url,
        bucket,
    };
    (db, shared)
}

async fn open_jobs(db: &Db) -> (i64, i64) {
    db::query_as(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE status NOT IN ('complete', 'failed')) FROM media",
    )
    .fetch_one(db)
    .await
    .expect("count")
}

#[tokio::test]
async fn two_processes_make_every_picture_and_clip_once_and_finish_a_killed_ones_clip() {
    // Every provider call takes 150 ms, so the two instances' jobs overlap.
    let sim = sim::spawn(SimConfig {
        latency: Duration::from_millis(150),
        video_polls: Some(1),
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let dir = tempfile::tempdir().expect("dir");
    let (db, shared) = shared(dir.path()).await;
    let a = Instance::start(&sim, &shared, &[]);
    let b = Instance::start(&sim, &shared, &[]);
    a.ready().await;
    b.ready().await;

    // Which instances hold running jobs, seen while they run (from the first story on).
    let holders = std::sync::Arc::new(std::sync::Mutex::new(HashSet::new()));
    let watching = {
        let (db, holders) = (db.clone(), holders.clone());
        tokio::spawn(async move {
            loop {
                let running: Vec<String> = db::query_scalar(
                    "SELECT DISTINCT locked_by FROM media WHERE status = 'generating' AND locked_by IS NOT NULL",
                )
                .fetch_all(&db)
                .await
                .unwrap_or_default();
                let pids = running.iter().filter_map(|h| h.split('-').next());
                holders
                    .lock()
                    .expect("holders")
                    .extend(pids.map(str::to_owned));
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    // Each story on either instance, as a load balancer would send them.
    for i in 0..STORIES {
        let on = if i % 2 == 0 { &a } else { &b };
        on.start_story(&format!("story {i}: a shared lighthouse"), i < WITH_CLIPS)
            .await;
    }
    let expected = i64::try_from(STORIES + WITH_CLIPS).expect("small");
    for _ in 0..2400 {
        if open_jobs(&db).await == (expected, 0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    watching.abort();
    let holders = holders.lock().expect("holders").clone();
    assert_eq!(open_jobs(&db).await, (expected, 0), "every job final");
    let counts = request_counts(&sim.base_url()).await;
    assert_eq!(counts[PICTURES].as_u64(), Some(STORIES as u64), "{counts}");
    assert_eq!(submissions(&sim).await, WITH_CLIPS as u64, "{counts}");
    let failed: i64 = db::query_scalar("SELECT COUNT(*) FROM media WHERE status <> 'complete'")
        .fetch_one(&db)
        .await
        .expect("failed");
    assert_eq!(failed, 0);
    for instance in [&a, &b] {
        assert!(
            holders.contains(&instance.pid().to_string()),
            "both instances made media: {holders:?}"
        );
    }
    drop((a, b));

    // An instance stops for good right after its clip's order was taken and recorded.
    let point = "clip_id_stored";
    let paused = Instance::start(&sim, &shared, &[("CYOA_PAUSE_AT", point)]);
    paused.ready().await;
    let before = (
        request_counts(&sim.base_url()).await[PICTURES].as_u64(),
        submissions(&sim).await,
    );
    let (story_id, scene_id) = paused
        .start_story("a lighthouse keeper who vanishes", true)
        .await;
    let marker = paused.marker_dir.join(format!("paused-at-{point}"));
    for _ in 0..400 {
        if marker.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(marker.exists(), "the instance paused at {point}");
    let other = Instance::start(&sim, &shared, &[]);
    other.ready().await;
    drop(paused);
    // The other instance takes the clip back when the dead one's lease runs out (20 s) and
    // follows the order already placed; a reader waiting there sees it finish.
    let mut clip = serde_json::Value::Null;
    for _ in 0..4 {
        clip = other.clip_status(&story_id, &scene_id).await;
        if clip["status"] == "complete" || clip["status"] == "failed" {
            break;
        }
    }
    assert_eq!(clip["status"], "complete", "{clip}");
    let after = (
        request_counts(&sim.base_url()).await[PICTURES].as_u64(),
        submissions(&sim).await,
    );
    assert_eq!(after.0, before.0.map(|n| n + 1), "one picture ordered");
    assert_eq!(after.1, before.1 + 1, "one clip ordered, not a second time");

    // A reader on an instance that makes no media (MEDIA_JOBS=off) waits for a clip the
    // other instance makes, and hears of it at once: on PostgreSQL by its NOTIFY (the
    // waiting call's own re-read is 5 s apart), on SQLite by a re-read every second.
    let web = Instance::start(&sim, &shared, &[("MEDIA_JOBS", "off")]);
    web.ready().await;
    let (story_id, scene_id) = web.start_story("a lighthouse seen from afar", true).await;
    let mut clip = serde_json::Value::Null;
    let mut answered = time::OffsetDateTime::now_utc();
    for _ in 0..3 {
        clip = web.clip_status(&story_id, &scene_id).await;
        answered = time::OffsetDateTime::now_utc();
        if clip["status"] == "complete" {
            break;
        }
    }
    assert_eq!(clip["status"], "complete", "{clip}");
    let finished: String =
        db::query_scalar("SELECT updated_at FROM media WHERE scene_id = ? AND kind = 'video'")
            .bind(&scene_id)
            .fetch_one(&db)
            .await
            .expect("the clip's row");
    let finished =
        time::OffsetDateTime::parse(&finished, &time::format_description::well_known::Rfc3339)
            .expect("a stored time");
    let heard_after = answered - finished;
    assert!(
        heard_after < time::Duration::seconds(2),
        "the waiting reader heard {heard_after} after the clip was finished"
    );
}

#[tokio::test]
async fn an_instance_that_restarts_leaves_anothers_half_written_clip_alone() {
    if crate::helpers::disk_only("the start-up sweep of a shared data directory") {
        return;
    }
    let sim = sim::spawn(SimConfig {
        video_polls: Some(1),
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let dir = tempfile::tempdir().expect("dir");
    let (_db, shared) = shared(dir.path()).await;
    // The writer holds its clip half written (its temporary file on disk) for a while.
    let writer = Instance::start(
        &sim,
        &shared,
        &[("CYOA_HOLD_AT", "clip_writing"), ("CYOA_HOLD_MS", "4000")],
    );
    writer.ready().await;
    let (story_id, scene_id) = writer.start_story("a lighthouse half written", true).await;
    let marker = writer.marker_dir.join("held-at-clip_writing");
    for _ in 0..800 {
        if marker.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(marker.exists(), "the writer reached the middle of its clip");
    // Meanwhile another instance on the same directory (re)starts and sweeps leftovers.
    let restarted = Instance::start(&sim, &shared, &[]);
    restarted.ready().await;
    let mut clip = serde_json::Value::Null;
    for _ in 0..4 {
        clip = writer.clip_status(&story_id, &scene_id).await;
        if clip["status"] == "complete" || clip["status"] == "failed" {
            break;
        }
    }
    assert_eq!(clip["status"], "complete", "{clip}");
    assert_eq!(submissions(&sim).await, 1, "ordered once");
}
