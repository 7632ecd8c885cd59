//! Spawns the real app (demo mode: the simulator mounted in-process) on a random port
//! with its own SQLite file, for tests over real HTTP. With `IT_DATABASE=postgres` the apps
//! keep their rows in PostgreSQL instead (`scripts/test.sh` runs the suite both ways).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use cyoa::domain::media::MediaKind;
use cyoa::domain::{Provider, TierSpec};
use cyoa::server::config::{Config, GateSettings, JobSettings, SpendingLimits, VideoTiming};
use cyoa::server::media_store::{FileKey, Folder};
use cyoa::server::providers::Endpoint;
use cyoa::server::providers::{Retries, RetryPolicy};
use cyoa::server::state::AppState;
use cyoa::server::web::startup;
use provider_sim::RunningSim;

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub http: reqwest::Client,
    /// The app's own data directory, removed with it (none when the test keeps its own).
    _data_dir: Option<tempfile::TempDir>,
}

/// How a test wants its app: demo mode with quick clips unless told otherwise.
pub struct TestAppBuilder {
    config: Config,
    data_dir: Option<PathBuf>,
    /// Media in the test bucket (`S3_*`, as `scripts/with-bucket.sh` sets them).
    bucket: bool,
}

impl TestAppBuilder {
    /// Keys for `providers`, pointed at `sim` (as with real keys) instead of demo mode.
    pub fn providers(mut self, sim: &RunningSim, key: &str, providers: &[Provider]) -> Self {
        self.config.real_providers = providers
            .iter()
            .map(|p| (*p, Endpoint::simulated(&sim.base_url(), *p, key)))
            .collect();
        self
    }

    /// Changes to the built-in models, as `CYOA_MODELS` takes them
    /// (`image.gpt-image.api_model = "…"`).
    pub fn models(mut self, changes: &str) -> Self {
        use cyoa::server::models::overrides::{self, ModelsSection};
        ModelsSection::from_env_text(changes)
            .and_then(|section| section.apply(&mut self.config.catalogue, "test"))
            .and_then(|()| overrides::check(&self.config.catalogue, "test"))
            .expect("valid model changes");
        self
    }

    /// Which tiers are protected, and how.
    pub fn gate(mut self, gate: GateSettings) -> Self {
        self.config.gate = gate;
        self
    }

    pub fn limits(mut self, limits: SpendingLimits) -> Self {
        self.config.limits = limits;
        self
    }

    /// Which tiers write the next scenes ahead.
    pub fn prefetch(mut self, tiers: Vec<&'static str>) -> Self {
        self.config.prefetch.tiers = tiers;
        self
    }

    /// How media jobs are leased (and whether the database is shared with other instances).
    pub fn jobs(mut self, jobs: JobSettings) -> Self {
        self.config.jobs = jobs;
        self
    }

    pub fn video(mut self, timing: VideoTiming) -> Self {
        self.config.video = timing;
        self
    }

    /// Pictures, clips and photos in the test bucket rather than the data directory.
    pub fn bucket(mut self) -> Self {
        self.bucket = true;
        self
    }

    /// Data in `dir`, which the test keeps (to restart an app on it), not in a temp dir.
    pub fn data_dir(mut self, dir: &Path) -> Self {
        self.data_dir = Some(dir.to_owned());
        self
    }

    pub async fn spawn(self) -> TestApp {
        log_to_file();
        let owned = match self.data_dir {
            Some(_) => None,
            None => Some(tempfile::tempdir().expect("temp dir")),
        };
        let dir = self
            .data_dir
            .or_else(|| owned.as_ref().map(|d| d.path().to_owned()))
            .expect("a data dir");
        let database_url = match on_postgres() {
            true => Some(postgres_url(&dir).await),
            false => None,
        };
        let bucket = match self.bucket || on_bucket() {
            true => Some(bucket_for(&dir)),
            false => None,
        };
        let config = Config {
            data_dir: dir,
            database_url,
            bucket,
            ..self.config
        };
        let (addr, state) = startup::spawn(config, &quick_retries())
            .await
            .expect("app starts");
        // The start-up model check runs in the background; a test counts provider calls and
        // queues faults after it, so it never sees them.
        for _ in 0..500 {
            if state.status_cache.lock().is_ok_and(|c| c.is_some()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        TestApp {
            addr,
            state,
            http: reqwest::Client::new(),
            _data_dir: owned,
        }
    }
}

/// The app's binary as a process of its own: listening on `port`, its data in `data_dir`,
/// every provider pointed at `sim` with `key` (as with real keys), clips polled every 20 ms,
/// its output dropped. Callers add their own variables and spawn it.
pub fn app_binary(
    sim: &RunningSim,
    key: &str,
    data_dir: &Path,
    port: u16,
) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cyoa"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATA_DIR", data_dir)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", data_dir.join("site"))
        .env("RUST_LOG", "warn")
        .env("VIDEO_POLL_MS", "20")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    for p in Provider::ALL {
        cmd.env(p.api_key_env(), key).env(
            p.base_url_env(),
            Endpoint::simulated(&sim.base_url(), p, key).base_url,
        );
    }
    cmd
}

/// A loopback port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Whether the apps of this run keep their rows in PostgreSQL (`IT_DATABASE=postgres`, on
/// the server the `PG*` variables name, as `pg_virtualenv` sets them).
pub fn on_postgres() -> bool {
    std::env::var("IT_DATABASE").is_ok_and(|v| v == "postgres")
}

/// For a test of what only the SQLite file has (its commit hook, the file itself): `true`,
/// and a note, when this run is on PostgreSQL and the test has nothing to check.
pub fn sqlite_only(what: &str) -> bool {
    if on_postgres() {
        eprintln!("on PostgreSQL, not checked: {what}");
    }
    on_postgres()
}

/// Whether the apps of this run keep their media in the test bucket (`IT_STORE=bucket`).
pub fn on_bucket() -> bool {
    std::env::var("IT_STORE").is_ok_and(|v| v == "bucket")
}

/// For a test of the data directory's own files (temporary files, a file damaged on disk):
/// `true`, and a note, when this run keeps media in a bucket.
pub fn disk_only(what: &str) -> bool {
    if on_bucket() {
        eprintln!("with the bucket, not checked: {what}");
    }
    on_bucket()
}

/// The names of the files stored in `folder`, whichever the store (data directory or bucket).
pub async fn stored_files(state: &AppState, folder: &Folder) -> Vec<String> {
    let root = folder.as_str().split('/').next().unwrap_or_default();
    let inside = format!("{}/", folder.as_str());
    let mut names: Vec<String> = state
        .store
        .list(root)
        .await
        .expect("list stored files")
        .iter()
        .filter(|key| key.as_str().starts_with(&inside))
        .map(|key| key.file_name().to_owned())
        .collect();
    names.sort();
    names
}

/// Loses a stored file, as a disk or a bucket might.
pub async fn lose(state: &AppState, key: &FileKey) {
    assert!(state.store.exists(key).await, "{key} is stored");
    state.store.remove(key).await.expect("lose the file");
}

/// How a tier's own media file is answered: its bytes from the data directory, or a
/// redirect to the bucket.
pub fn served() -> u16 {
    if on_bucket() {
        307
    } else {
        200
    }
}

/// The test bucket (`S3_*`), with a prefix of its own for the app whose data is in `dir`, so
/// two apps started on one dir share their media as they would share the directory. `None`
/// when no bucket is there (`scripts/with-bucket.sh` sets one up).
pub fn test_bucket(dir: &Path) -> Option<cyoa::server::config::BucketSettings> {
    use std::hash::{Hash, Hasher};
    let mut bucket =
        cyoa::server::config::BucketSettings::from_env().expect("valid S3_* settings")?;
    let mut hasher = std::hash::DefaultHasher::new();
    dir.hash(&mut hasher);
    bucket.prefix = format!("it_{:016x}/", hasher.finish());
    Some(bucket)
}

fn bucket_for(dir: &Path) -> cyoa::server::config::BucketSettings {
    test_bucket(dir).expect("a test bucket (run under scripts/with-bucket.sh)")
}

/// A database of its own for the app whose data is in `dir`: one schema per data dir, so two
/// apps started on one dir share their rows as they would share a SQLite file.
pub async fn postgres_url(dir: &Path) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    dir.hash(&mut hasher);
    cyoa::server::db::postgres_schema_from_env(&format!("it_{:016x}", hasher.finish()))
        .await
        .expect("PostgreSQL (IT_DATABASE=postgres)")
}

/// With `IT_LOG=<file>` (and `RUST_LOG` as for the app), the apps' logs go to that file,
/// each line with its test's name: a test that hangs prints nothing of its own.
fn log_to_file() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let Some(path) = std::env::var_os("IT_LOG") else {
            return;
        };
        let file = std::fs::File::create(path).expect("IT_LOG file");
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_thread_names(true)
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(file))
            .try_init();
    });
}

/// Retries a few times, milliseconds apart: provider faults are exercised without waiting.
pub fn quick_policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        request_timeout: Duration::from_secs(10),
    }
}

pub fn quick_retries() -> Retries {
    Retries {
        text: quick_policy(),
        media: quick_policy(),
    }
}

/// Clips polled every 20 ms instead of every 5 s.
pub fn quick_video() -> VideoTiming {
    VideoTiming {
        poll_every: Duration::from_millis(20),
        max_wait: Duration::from_secs(60),
    }
}

/// A short story with the default image model, no memory mode, no video.
pub fn start_input(prompt: &str) -> cyoa::domain::story::StartInput {
    cyoa::domain::story::StartInput {
        prompt: prompt.into(),
        length: cyoa::domain::story::StoryLength::Short,
        text_model: "claude-sonnet-5-5".into(),
        image_model: None,
        memory_profile: None,
        video_mode: false,
        family_mode: false,
        characters: Vec::new(),
        style: String::new(),
        surprise: false,
        bedtime: false,
        sequel_of: None,
    }
}

pub fn tier(name: &str) -> &'static TierSpec {
    TierSpec::find(name).expect("tier")
}

impl TestApp {
    /// The app in demo mode (no keys, the simulator in-process) with its own data.
    pub async fn spawn() -> TestApp {
        TestApp::builder().spawn().await
    }

    pub fn builder() -> TestAppBuilder {
        TestAppBuilder {
            config: Config {
                video: quick_video(),
                // Replaced by `spawn`.
                ..Config::for_tests(Path::new(""))
            },
            data_dir: None,
            bucket: false,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Starts a story through `/api/start_story`, as the start form does.
    pub async fn start_story(
        &self,
        tier: &str,
        prompt: &str,
        text_model: &str,
    ) -> reqwest::Response {
        self.server_fn(
            "start_story",
            &[
                ("tier", tier),
                ("input[prompt]", prompt),
                ("input[length]", "short"),
                ("input[text_model]", text_model),
                ("input[image_model]", "gpt-image-quick"),
                ("input[video_mode]", "false"),
            ],
        )
        .await
    }

    /// Calls a server function the way the browser does (URL-encoded POST).
    pub async fn server_fn(&self, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(self.url(&format!("/api/{endpoint}")))
            .form(form)
            .send()
            .await
            .expect("server fn request")
    }
}

/// A server function's error as the browser decodes it, with the HTTP status it came with.
pub async fn app_error(res: reqwest::Response) -> (u16, cyoa::domain::AppError) {
    let status = res.status().as_u16();
    let body = res.text().await.expect("body");
    let error = serde_json::from_str(&body)
        .unwrap_or_else(|e| panic!("not an AppError ({e}): {status} {body}"));
    (status, error)
}

/// Drops every fault still queued in a simulator.
pub async fn clear_faults(base_url: &str) {
    let res = reqwest::Client::new()
        .delete(format!("{base_url}/__control/faults"))
        .send()
        .await
        .expect("clear faults");
    assert!(res.status().is_success());
}

/// Queues faults in a simulator (`base_url` is where its routes start).
pub async fn queue_fault(base_url: &str, fault: serde_json::Value) {
    let res = reqwest::Client::new()
        .post(format!("{base_url}/__control/faults"))
        .json(&fault)
        .send()
        .await
        .expect("queue fault");
    assert!(
        res.status().is_success(),
        "the simulator refused the fault {fault}"
    );
}

/// The simulator's request counts, per provider and per provider route.
pub async fn request_counts(base_url: &str) -> serde_json::Value {
    reqwest::get(format!("{base_url}/__control/stats"))
        .await
        .expect("stats")
        .json::<serde_json::Value>()
        .await
        .expect("stats JSON")["requests"]
        .clone()
}

/// OpenAI pictures ordered, on both routes: a first scene's picture is a generation, a later
/// one an edit (it carries the picture before it, for the same faces).
pub fn openai_pictures(counts: &serde_json::Value) -> i64 {
    ["openai/images/generations", "openai/images/edits"]
        .iter()
        .filter_map(|route| counts[route].as_i64())
        .sum()
}

/// Waits until the scene's image job is final.
pub async fn final_image(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    scene_id: &str,
) -> cyoa::domain::media::MediaView {
    for _ in 0..200 {
        let view = cyoa::server::media::status(state, tier, story_id, scene_id, MediaKind::Image)
            .await
            .expect("media view")
            .expect("an image job");
        if view.status.is_final() {
            return view;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the image never finished");
}

/// A built-in image model by key (the rows a test app starts with).
pub fn image_model(key: &str) -> &'static cyoa::domain::ImageModelSpec {
    cyoa::domain::image_model::IMAGE_MODELS
        .iter()
        .find(|m| m.key == key)
        .expect("a built-in image model")
}

/// The built-in image models the providers still serve: the ones a new story can pick.
pub fn current_image_models() -> impl Iterator<Item = &'static cyoa::domain::ImageModelSpec> {
    cyoa::domain::image_model::IMAGE_MODELS
        .iter()
        .filter(|m| m.life.retires.is_none())
}

/// A new roster character of `tier`; its id.
pub async fn add_character(state: &AppState, tier: &str, name: &str, description: &str) -> String {
    let input = cyoa::domain::profile::CharacterInput {
        name: name.into(),
        description: description.into(),
        ..Default::default()
    };
    let tier = TierSpec::find(tier).expect("tier");
    cyoa::server::memory::characters::save(state, tier, None, &input)
        .await
        .expect("character")
}

/// The profile brings `character` too (after the ones it brings already).
pub async fn bring(state: &AppState, profile: &str, character: &str) {
    cyoa::server::db::query(
        "INSERT INTO profile_characters (profile_id, character_id, position)
         SELECT ?, ?, COUNT(*) + 1 FROM profile_characters WHERE profile_id = ?",
    )
    .bind(profile)
    .bind(character)
    .bind(profile)
    .execute(&state.db)
    .await
    .expect("bring");
}
