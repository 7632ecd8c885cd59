//! Configuration, read once at start-up into a typed struct: `Leptos.toml` for runtime
//! settings, then the environment (and `.env`) for addresses, paths and provider keys.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::domain::tier::TIERS;
use crate::domain::{Catalogue, Provider, TierSpec};
use crate::server::gate::pin::Pin;
use crate::server::models::overrides::{self, ModelsSection};
use crate::server::providers::Endpoint;
use provider_sim::TextPace;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not valid settings TOML: {source}")]
    Parse {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("{name} is not a valid address ({value}): expected host:port such as 127.0.0.1:3000")]
    Address { name: &'static str, value: String },
    #[error("{setting} names a tier that does not exist: {value} (the tiers are {known})")]
    UnknownTier {
        setting: &'static str,
        value: String,
        known: String,
    },
    #[error("{name} is not a valid number: {value}")]
    Number { name: String, value: String },
    #[error("{name} must be true or false, not {value}")]
    Switch { name: &'static str, value: String },
    #[error("{0}")]
    Bucket(String),
    #[error("model settings refused: {0}")]
    Models(#[from] crate::server::models::overrides::ModelsError),
    #[error("DATABASE_URL must name a PostgreSQL server (postgres://…), not {value}; leave it unset for the embedded SQLite file in DATA_DIR")]
    DatabaseUrl { value: String },
}

/// The app's settings, fixed for the life of the process.
#[derive(Debug, Clone)]
pub struct Config {
    pub site_addr: SocketAddr,
    pub data_dir: PathBuf,
    /// Hosted mode's PostgreSQL (`DATABASE_URL=postgres://…`); unset, the SQLite file in
    /// `data_dir`.
    pub database_url: Option<String>,
    /// Hosted mode's S3-compatible bucket for pictures, clips and photos (`S3_*`); unset,
    /// they are files in `data_dir`.
    pub bucket: Option<BucketSettings>,
    pub context_full_scenes: usize,
    /// Providers with a real key. Empty means demo mode.
    pub real_providers: BTreeMap<Provider, Endpoint>,
    /// Extra latency of every simulated provider call in demo mode (`DEMO_LATENCY_MS`),
    /// for demos that feel like real providers and for benchmarks.
    pub demo_latency: Duration,
    pub video: VideoTiming,
    pub gate: GateSettings,
    pub limits: SpendingLimits,
    /// How fast the simulated storytellers write in demo mode: realistic by default
    /// (`DEMO_FIRST_TOKEN_MS`, `DEMO_TOKENS_PER_SECOND`; 0 for all at once).
    pub demo_text_pace: TextPace,
    pub prefetch: PrefetchSettings,
    pub jobs: JobSettings,
    /// Every model the app knows: the built-in rows with the `[models]` settings applied.
    pub catalogue: Catalogue,
}

/// An S3-compatible bucket (`S3_ENDPOINT`, `S3_BUCKET`, `S3_ACCESS_KEY_ID` and
/// `S3_SECRET_ACCESS_KEY` or AWS's names for them, `S3_REGION`, optional `S3_PREFIX` and
/// `S3_PUBLIC_URL`).
#[derive(Clone, PartialEq)]
pub struct BucketSettings {
    /// `https://s3.eu-west-1.amazonaws.com`, `http://127.0.0.1:8333`: path-style addresses.
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key: String,
    pub secret_key: String,
    /// Put before every key (`family-a/`), so deployments can share a bucket.
    pub prefix: String,
    /// Where browsers reach the bucket (a CDN or the public name of the endpoint); the
    /// endpoint itself by default.
    pub public_url: String,
}

impl std::fmt::Debug for BucketSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BucketSettings")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("prefix", &self.prefix)
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

impl BucketSettings {
    /// The bucket this process's environment names (`S3_*`), if any, read as the app reads it
    /// (tests and tools that start apps on the same bucket).
    pub fn from_env() -> Result<Option<BucketSettings>, ConfigError> {
        bucket_settings(&|name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }
}

/// The bucket the environment names, if any: all of endpoint, bucket and keys, or none.
fn bucket_settings(
    non_empty: &impl Fn(&str) -> Option<String>,
) -> Result<Option<BucketSettings>, ConfigError> {
    let endpoint = non_empty("S3_ENDPOINT");
    let bucket = non_empty("S3_BUCKET");
    if endpoint.is_none() && bucket.is_none() {
        return Ok(None);
    }
    let missing = |what: &str| {
        ConfigError::Bucket(format!("the bucket needs {what} (S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together)"))
    };
    let endpoint = origin(
        "S3_ENDPOINT",
        &endpoint.ok_or_else(|| missing("S3_ENDPOINT"))?,
    )?;
    let key = |ours: &str, aws: &str| non_empty(ours).or_else(|| non_empty(aws));
    let prefix = non_empty("S3_PREFIX")
        .map(|p| format!("{}/", p.trim().trim_matches('/')))
        .unwrap_or_default();
    Ok(Some(BucketSettings {
        public_url: match non_empty("S3_PUBLIC_URL") {
            Some(url) => origin("S3_PUBLIC_URL", &url)?,
            None => endpoint.clone(),
        },
        endpoint,
        bucket: bucket
            .ok_or_else(|| missing("S3_BUCKET"))?
            .trim()
            .to_owned(),
        region: non_empty("S3_REGION").unwrap_or_else(|| "us-east-1".to_owned()),
        access_key: key("S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID")
            .ok_or_else(|| missing("S3_ACCESS_KEY_ID"))?,
        secret_key: key("S3_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY")
            .ok_or_else(|| missing("S3_SECRET_ACCESS_KEY"))?,
        prefix,
    }))
}

/// `text` as the origin a request is signed for: `scheme://host[:port]`, the host in lower
/// case and a default port left out, as the HTTP client sends the `Host` header (a signature
/// over anything else is refused). A path or query is refused: buckets are addressed by path
/// after the origin.
fn origin(name: &str, text: &str) -> Result<String, ConfigError> {
    let refuse = |why: &str| ConfigError::Bucket(format!("{name} {why}, not {}", text.trim()));
    let url = reqwest::Url::parse(text.trim()).map_err(|_| refuse("must be an address"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse("must be an http:// or https:// address"));
    }
    if url.path() != "/" || url.query().is_some() || !url.username().is_empty() {
        return Err(refuse(
            "must be the server's address alone (scheme, host and port)",
        ));
    }
    let host = url.host_str().ok_or_else(|| refuse("must name a host"))?;
    Ok(match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    })
}

/// How media jobs are held while they run. A claimed job has a lease (`JOB_LEASE_S`, 60 s by
/// default, 20 s to a day) that its instance's heartbeat keeps extending; a job whose lease ran out (its
/// instance died) goes back to the queue. `JOBS_SHARED=true` says more than one instance runs
/// on this database: start-up then leaves running jobs alone (they may be another
/// instance's) and only expired leases are taken back. Alone (the default), a start-up takes
/// back every running job at once, since only a previous run of this instance can hold one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JobSettings {
    pub lease: Duration,
    pub shared: bool,
    /// Whether this instance makes pictures and clips (`MEDIA_JOBS`, on by default). Off,
    /// it serves pages and waits on jobs the others make: a web-only instance of a hosted
    /// service whose media jobs run elsewhere.
    pub run: bool,
    /// How long a picture waits for the picture before it on the reader's path, to draw the
    /// same faces (`REFERENCE_WAIT_S`, 20 s; 0 sends what is finished at once). A reader who
    /// taps quickly gets the picture a little later rather than different faces.
    pub reference_wait: Duration,
}

/// The longest a picture may wait for the one before it (its job's lease is held meanwhile).
const MAX_REFERENCE_WAIT_S: u64 = 120;

/// The shortest lease: a heartbeat (a quarter lease apart) that waits out SQLite's 10 s busy
/// timeout once must still land before the lease runs out.
const MIN_LEASE_S: u64 = 20;
/// The longest: a day (an instance that died holds its jobs that long at most).
const MAX_LEASE_S: u64 = 24 * 60 * 60;

impl Default for JobSettings {
    fn default() -> JobSettings {
        JobSettings {
            lease: Duration::from_secs(60),
            shared: false,
            run: true,
            reference_wait: Duration::from_secs(20),
        }
    }
}

/// Writing the next scenes before the tap (`[prefetch]`; `PREFETCH_TIERS` — a list or
/// `none` — and `PREFETCH_PARALLEL` win): text only, one level ahead, for the tiers named.
#[derive(Debug, Clone, PartialEq)]
pub struct PrefetchSettings {
    pub tiers: Vec<&'static str>,
    /// Scenes written ahead at once, over all readers.
    pub parallel: usize,
}

impl PrefetchSettings {
    pub fn is_on(&self, tier: &str) -> bool {
        self.tiers.contains(&tier)
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct PrefetchFile {
    tiers: Vec<String>,
    parallel: usize,
}

impl Default for PrefetchFile {
    fn default() -> Self {
        PrefetchFile {
            tiers: TIERS.iter().map(|t| t.name.to_owned()).collect(),
            parallel: 3,
        }
    }
}

/// Which tiers sit behind a parent PIN, and how (`[gate]` in `Leptos.toml`; the environment's
/// `PROTECTED_TIERS`, `HIDE_LOCKED_TIERS`, `GATE_IDLE_HOURS` and `{TIER}_PIN` win).
#[derive(Debug, Clone)]
pub struct GateSettings {
    pub protected: Vec<&'static str>,
    /// The landing page leaves protected tiers out entirely; they are reached by URL.
    pub hide_locked: bool,
    /// An unlocked browser unused for this long must enter the PIN again.
    pub idle: Duration,
    /// PINs set by whoever runs the server (`ADULT_PIN`): they win at every start.
    pub env_pins: Vec<(&'static str, Pin)>,
    /// What costs money or destroys something (Regenerate, Delete, photo and profile
    /// changes) shows in an open tier only while a parent has unlocked its parent controls
    /// with the tier's PIN. Off (`PARENT_CONTROLS=off`): everyone in an open tier may.
    /// A protected tier is all parent's: whoever unlocked it has its parent controls.
    pub parent_controls: bool,
}

impl GateSettings {
    /// No tier protected and no parent controls: what most tests use.
    pub fn open() -> GateSettings {
        GateSettings {
            protected: Vec::new(),
            hide_locked: false,
            idle: Duration::from_secs(12 * 60 * 60),
            env_pins: Vec::new(),
            parent_controls: false,
        }
    }
}

/// What each tier may spend per hour (`[limits]` in `Leptos.toml`; `LIMIT_STORIES_PER_HOUR`,
/// `LIMIT_PICTURES_PER_HOUR`, `LIMIT_CLIPS_PER_HOUR`, `LIMIT_SPEECH_PER_HOUR` win). Retries
/// and Regenerate count too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpendingLimits {
    pub stories_per_hour: u32,
    pub pictures_per_hour: u32,
    pub clips_per_hour: u32,
    /// Scenes read aloud by a model (a scene replayed in the same voice is free).
    pub speech_per_hour: u32,
    /// "Surprise me" stories in video mode (`SURPRISE_VIDEO=on`): off by default, as a
    /// clip costs more than a picture and a surprise is one tap.
    pub surprise_video: bool,
}

impl Default for SpendingLimits {
    /// Enough for a family evening (a dozen stories with a picture per scene), not enough
    /// for a runaway loop or a curious child to empty the account.
    fn default() -> SpendingLimits {
        SpendingLimits {
            stories_per_hour: 12,
            pictures_per_hour: 120,
            clips_per_hour: 12,
            speech_per_hour: 120,
            surprise_video: false,
        }
    }
}

impl SpendingLimits {
    /// No limit that a test could reach.
    pub fn unlimited() -> SpendingLimits {
        SpendingLimits {
            stories_per_hour: u32::MAX,
            pictures_per_hour: u32::MAX,
            clips_per_hour: u32::MAX,
            speech_per_hour: u32::MAX,
            surprise_video: false,
        }
    }
}

/// How video jobs wait for the provider: poll every 5 s, give up after 10 minutes (as xAI's
/// official SDK does; generation "typically takes up to several minutes")
/// (`VIDEO_POLL_MS` and `VIDEO_MAX_WAIT_S` change them, for demos and tests).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VideoTiming {
    pub poll_every: Duration,
    pub max_wait: Duration,
}

impl Default for VideoTiming {
    fn default() -> VideoTiming {
        VideoTiming {
            poll_every: Duration::from_secs(5),
            max_wait: Duration::from_secs(10 * 60),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SettingsFile {
    server: ServerSettings,
    story: StorySettings,
    gate: GateFile,
    limits: SpendingLimits,
    prefetch: PrefetchFile,
    models: ModelsSection,
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct GateFile {
    protected_tiers: Vec<String>,
    hide_locked_tiers: bool,
    idle_hours: u64,
    parent_controls: bool,
}

impl Default for GateFile {
    fn default() -> Self {
        GateFile {
            protected_tiers: vec!["adult".into()],
            hide_locked_tiers: false,
            idle_hours: 12,
            parent_controls: true,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ServerSettings {
    site_addr: String,
    data_dir: PathBuf,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            site_addr: "127.0.0.1:3000".into(),
            data_dir: PathBuf::from("./data"),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct StorySettings {
    context_full_scenes: usize,
}

impl Default for StorySettings {
    fn default() -> Self {
        StorySettings {
            context_full_scenes: 4,
        }
    }
}

impl Config {
    /// Demo mode (no keys) on a free loopback port with its data under `data_dir`, no extra
    /// latency and the default clip timing: the base of every test and benchmark setup,
    /// changed with struct-update syntax.
    pub fn for_tests(data_dir: &Path) -> Config {
        Config {
            site_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: data_dir.to_owned(),
            database_url: None,
            bucket: None,
            context_full_scenes: 4,
            real_providers: BTreeMap::new(),
            demo_latency: Duration::ZERO,
            video: VideoTiming::default(),
            gate: GateSettings::open(),
            limits: SpendingLimits::unlimited(),
            demo_text_pace: TextPace::INSTANT,
            prefetch: PrefetchSettings {
                tiers: TIERS.iter().map(|t| t.name).collect(),
                parallel: 3,
            },
            jobs: JobSettings::default(),
            catalogue: Catalogue::built_in(),
        }
    }

    /// Reads `settings_path` (absent is fine: defaults apply) and then the environment.
    pub fn load(settings_path: &Path) -> Result<Config, ConfigError> {
        // A missing .env is the normal case.
        let _ = dotenvy::dotenv();
        let file = match std::fs::read_to_string(settings_path) {
            Ok(text) => {
                toml::from_str::<SettingsFile>(&text).map_err(|source| ConfigError::Parse {
                    path: settings_path.to_owned(),
                    source,
                })?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => SettingsFile::default(),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: settings_path.to_owned(),
                    source,
                })
            }
        };
        Config::from_parts(file, |name| std::env::var(name).ok())
    }

    fn from_parts(
        file: SettingsFile,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let non_empty = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let addr_text = non_empty("LEPTOS_SITE_ADDR").unwrap_or(file.server.site_addr);
        let site_addr = addr_text.parse().map_err(|_| ConfigError::Address {
            name: "site address",
            value: addr_text.clone(),
        })?;
        let data_dir = non_empty("DATA_DIR")
            .map(PathBuf::from)
            .unwrap_or(file.server.data_dir);
        let real_providers = Provider::ALL
            .into_iter()
            .filter_map(|p| {
                let api_key = non_empty(p.api_key_env())?;
                let base_url =
                    non_empty(p.base_url_env()).unwrap_or_else(|| p.default_base_url().to_owned());
                Some((
                    p,
                    Endpoint {
                        base_url: base_url.trim_end_matches('/').to_owned(),
                        api_key,
                    },
                ))
            })
            .collect();
        // One policy for every number: unset is the default, anything else must be a number,
        // or the start is refused with the variable's name.
        let number = |name: &str| -> Result<Option<u64>, ConfigError> {
            non_empty(name)
                .map(|text| parse_number(name, &text))
                .transpose()
        };
        let defaults = VideoTiming::default();
        let video = VideoTiming {
            poll_every: number("VIDEO_POLL_MS")?
                .map(Duration::from_millis)
                .unwrap_or(defaults.poll_every),
            max_wait: number("VIDEO_MAX_WAIT_S")?
                .map(Duration::from_secs)
                .unwrap_or(defaults.max_wait),
        };
        let gate = gate_settings(file.gate, &non_empty)?;
        let prefetch = prefetch_settings(file.prefetch, &non_empty)?;
        let demo_text_pace = TextPace {
            first_token: number("DEMO_FIRST_TOKEN_MS")?
                .map_or(TextPace::REALISTIC.first_token, Duration::from_millis),
            tokens_per_second: number("DEMO_TOKENS_PER_SECOND")?
                .map_or(TextPace::REALISTIC.tokens_per_second, |n| n as f64),
        };
        let mut limits = file.limits;
        for (name, field) in [
            ("LIMIT_STORIES_PER_HOUR", &mut limits.stories_per_hour),
            ("LIMIT_PICTURES_PER_HOUR", &mut limits.pictures_per_hour),
            ("LIMIT_CLIPS_PER_HOUR", &mut limits.clips_per_hour),
            ("LIMIT_SPEECH_PER_HOUR", &mut limits.speech_per_hour),
        ] {
            if let Some(text) = non_empty(name) {
                *field = parse_number(name, &text)?;
            }
        }
        if let Some(text) = non_empty("SURPRISE_VIDEO") {
            limits.surprise_video = parse_switch("SURPRISE_VIDEO", &text)?;
        }
        let lease = match non_empty("JOB_LEASE_S") {
            None => JobSettings::default().lease,
            Some(text) => {
                let seconds: u64 = parse_number("JOB_LEASE_S", &text)?;
                Duration::from_secs(seconds.clamp(MIN_LEASE_S, MAX_LEASE_S))
            }
        };
        // Read as "alone" by mistake, start-up would take back other instances' running
        // jobs, and their pictures would be ordered twice: hence no guessing.
        let database_url = non_empty("DATABASE_URL").map(|url| url.trim().to_owned());
        if let Some(url) = &database_url {
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                // Only the scheme: the rest may hold a password.
                let value = url.split(':').next().unwrap_or_default().to_owned() + ":…";
                return Err(ConfigError::DatabaseUrl { value });
            }
        }
        // A shared database is there for several instances.
        let shared = match non_empty("JOBS_SHARED") {
            None => database_url.is_some(),
            Some(text) => parse_switch("JOBS_SHARED", &text)?,
        };
        let run = match non_empty("MEDIA_JOBS") {
            None => true,
            Some(text) => parse_switch("MEDIA_JOBS", &text)?,
        };
        let reference_wait = match non_empty("REFERENCE_WAIT_S") {
            None => JobSettings::default().reference_wait,
            Some(text) => {
                let seconds: u64 = parse_number("REFERENCE_WAIT_S", &text)?;
                Duration::from_secs(seconds.min(MAX_REFERENCE_WAIT_S))
            }
        };
        let jobs = JobSettings {
            lease,
            shared,
            run,
            reference_wait,
        };
        let bucket = bucket_settings(&non_empty)?;
        let catalogue = catalogue(&file.models, &non_empty)?;
        Ok(Config {
            catalogue,
            gate,
            limits,
            jobs,
            site_addr,
            data_dir,
            database_url,
            bucket,
            context_full_scenes: file.story.context_full_scenes.max(1),
            real_providers,
            demo_latency: Duration::from_millis(number("DEMO_LATENCY_MS")?.unwrap_or(0)),
            video,
            demo_text_pace,
            prefetch,
        })
    }

    /// Whether `tier` sits behind a parent PIN.
    pub fn is_protected(&self, tier: &str) -> bool {
        self.gate.protected.contains(&tier)
    }

    /// With no provider key at all the app runs against its own simulator.
    pub fn demo_mode(&self) -> bool {
        self.real_providers.is_empty()
    }

    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("app.db")
    }
}

/// The built-in models with the file's `[models]` changes, then `CYOA_MODELS`, then the
/// `MODEL_<KIND>_<KEY>` ids applied.
fn catalogue(
    file: &ModelsSection,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<Catalogue, ConfigError> {
    let mut catalogue = Catalogue::built_in();
    file.apply(&mut catalogue, "[models] in Leptos.toml")?;
    if let Some(text) = env("CYOA_MODELS") {
        ModelsSection::from_env_text(&text)?.apply(&mut catalogue, "CYOA_MODELS")?;
    }
    let ids = ModelsSection::from_env_ids(&catalogue, env);
    ids.apply(&mut catalogue, "MODEL_* variables")?;
    overrides::check(&catalogue, "model settings")?;
    Ok(catalogue)
}

/// A list of tiers: the environment's `variable` (comma-separated, or `none`) over the
/// file's; an unknown name is an error naming `setting`.
fn tier_list(
    variable: &str,
    setting: &'static str,
    file: Vec<String>,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<Vec<&'static str>, ConfigError> {
    let names: Vec<String> = match env(variable) {
        Some(list) if list.trim() == "none" => Vec::new(),
        Some(list) => list.split(',').map(|t| t.trim().to_owned()).collect(),
        None => file,
    };
    names
        .iter()
        .filter(|name| !name.is_empty())
        .map(|name| {
            TierSpec::find(name)
                .map(|t| t.name)
                .ok_or_else(|| ConfigError::UnknownTier {
                    setting,
                    value: name.clone(),
                    known: TIERS.iter().map(|t| t.name).collect::<Vec<_>>().join(", "),
                })
        })
        .collect()
}

/// Writing ahead: the file's settings, then the environment's.
fn prefetch_settings(
    file: PrefetchFile,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<PrefetchSettings, ConfigError> {
    let tiers = tier_list("PREFETCH_TIERS", "prefetch tiers", file.tiers, env)?;
    let parallel = match env("PREFETCH_PARALLEL") {
        Some(text) => parse_number("PREFETCH_PARALLEL", &text)?,
        None => file.parallel,
    };
    Ok(PrefetchSettings {
        tiers,
        parallel: parallel.max(1),
    })
}

/// The gate settings: the file's, then the environment's. `PROTECTED_TIERS=none` protects
/// no tier.
fn gate_settings(
    file: GateFile,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<GateSettings, ConfigError> {
    let protected = tier_list(
        "PROTECTED_TIERS",
        "protected tiers",
        file.protected_tiers,
        env,
    )?;
    let env_pins = TIERS
        .iter()
        .filter_map(|t| {
            let pin = env(&format!("{}_PIN", t.name.to_uppercase()))?;
            Some((t.name, Pin::entered(&pin).ok()?))
        })
        .collect();
    let idle_hours = match env("GATE_IDLE_HOURS") {
        Some(text) => parse_number("GATE_IDLE_HOURS", &text)?,
        None => file.idle_hours,
    };
    let hide_locked = match env("HIDE_LOCKED_TIERS") {
        Some(text) => parse_switch("HIDE_LOCKED_TIERS", &text)?,
        None => file.hide_locked_tiers,
    };
    let parent_controls = match env("PARENT_CONTROLS") {
        Some(text) => parse_switch("PARENT_CONTROLS", &text)?,
        None => file.parent_controls,
    };
    Ok(GateSettings {
        protected,
        hide_locked,
        idle: Duration::from_secs(idle_hours.max(1) * 60 * 60),
        env_pins,
        parent_controls,
    })
}

/// A number from the environment, refused with its name when it is not one.
fn parse_number<T: std::str::FromStr>(name: &str, text: &str) -> Result<T, ConfigError> {
    text.trim().parse().map_err(|_| ConfigError::Number {
        name: name.into(),
        value: text.to_owned(),
    })
}

/// A yes/no setting from the environment: `true`/`false`, `1`/`0`, `yes`/`no` or `on`/`off`,
/// in any case. Anything else is refused: a typo must not pass for "no".
fn parse_switch(name: &'static str, text: &str) -> Result<bool, ConfigError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError::Switch {
            name,
            value: text.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_with(vars: &[(&str, &str)]) -> Config {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_parts(SettingsFile::default(), |name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
        .expect("valid config")
    }

    #[test]
    fn no_keys_means_demo_mode() {
        let cfg = config_with(&[]);
        assert!(cfg.demo_mode());
        assert_eq!(cfg.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(cfg.video, VideoTiming::default());
    }

    #[test]
    fn job_leases_and_a_shared_database_are_set_from_the_environment() {
        assert_eq!(config_with(&[]).jobs, JobSettings::default());
        let cfg = config_with(&[("JOB_LEASE_S", "90"), ("JOBS_SHARED", "true")]);
        assert_eq!(
            cfg.jobs,
            JobSettings {
                lease: Duration::from_secs(90),
                shared: true,
                ..JobSettings::default()
            }
        );
        // Shorter than a heartbeat plus a wait for the database, a lease would be lost by a
        // busy instance; longer than a day, a dead instance's jobs would wait too long.
        assert_eq!(
            config_with(&[("JOB_LEASE_S", "0")]).jobs.lease,
            Duration::from_secs(20)
        );
        let huge = config_with(&[("JOB_LEASE_S", "99999999999")]);
        assert_eq!(huge.jobs.lease, Duration::from_secs(24 * 60 * 60));
        assert!(!config_with(&[("JOBS_SHARED", "no")]).jobs.shared);
        assert!(config_with(&[("JOBS_SHARED", "TRUE")]).jobs.shared);
        let bucket = |vars: &[(&str, &str)]| {
            let env: std::collections::HashMap<&str, &str> = vars.iter().copied().collect();
            bucket_settings(&|name: &str| env.get(name).map(|v| v.to_string()))
        };
        assert_eq!(bucket(&[]).expect("none"), None);
        let full = bucket(&[
            ("S3_ENDPOINT", "http://127.0.0.1:8333/"),
            ("S3_BUCKET", "cyoa"),
            ("AWS_ACCESS_KEY_ID", "id"),
            ("S3_SECRET_ACCESS_KEY", "secret"),
            ("S3_PREFIX", "/family-a/"),
        ])
        .expect("valid")
        .expect("a bucket");
        assert_eq!(full.endpoint, "http://127.0.0.1:8333");
        assert_eq!(full.public_url, full.endpoint);
        assert_eq!(
            (full.prefix.as_str(), full.region.as_str()),
            ("family-a/", "us-east-1")
        );
        assert!(
            !format!("{full:?}").contains("secret"),
            "no secret in Debug"
        );
        assert!(bucket(&[("S3_BUCKET", "cyoa")]).is_err(), "no endpoint");
        assert!(bucket(&[("S3_ENDPOINT", "ftp://x"), ("S3_BUCKET", "b")]).is_err());
        assert!(
            origin("S3_ENDPOINT", "https://gw.example/s3").is_err(),
            "a path"
        );
        assert_eq!(
            origin("S3_ENDPOINT", "HTTPS://S3.Example:443/").expect("valid"),
            "https://s3.example",
            "as the client sends the Host"
        );
        assert!(!config_with(&[("MEDIA_JOBS", "off")]).jobs.run);
        let hosted = config_with(&[("DATABASE_URL", "postgres://db.example/cyoa")]);
        assert!(
            hosted.jobs.shared,
            "a PostgreSQL database is shared unless told"
        );
        assert_eq!(
            hosted.database_url.as_deref(),
            Some("postgres://db.example/cyoa")
        );
        let typo = Config::from_parts(SettingsFile::default(), |name| {
            (name == "JOBS_SHARED").then(|| "ture".to_owned())
        });
        assert!(matches!(typo, Err(ConfigError::Switch { .. })));
        // The gate's switch reads the same words the same way.
        let gate = |value: &str| {
            let value = value.to_owned();
            Config::from_parts(SettingsFile::default(), move |name| {
                (name == "HIDE_LOCKED_TIERS").then(|| value.clone())
            })
        };
        assert!(gate("On").is_ok_and(|cfg| cfg.gate.hide_locked));
        assert!(matches!(gate("maybe"), Err(ConfigError::Switch { .. })));
        // Parent controls are on unless the owner switches them off.
        assert!(config_with(&[]).gate.parent_controls);
        assert!(
            !config_with(&[("PARENT_CONTROLS", "off")])
                .gate
                .parent_controls
        );
        let typo = Config::from_parts(SettingsFile::default(), |name| {
            (name == "PARENT_CONTROLS").then(|| "of".to_owned())
        });
        assert!(matches!(typo, Err(ConfigError::Switch { .. })));
    }

    #[test]
    fn a_number_that_is_not_one_is_refused_with_its_name() {
        for name in [
            "VIDEO_POLL_MS",
            "VIDEO_MAX_WAIT_S",
            "DEMO_LATENCY_MS",
            "DEMO_FIRST_TOKEN_MS",
            "DEMO_TOKENS_PER_SECOND",
            "PREFETCH_PARALLEL",
            "JOB_LEASE_S",
            "REFERENCE_WAIT_S",
            "GATE_IDLE_HOURS",
            "LIMIT_STORIES_PER_HOUR",
            "LIMIT_PICTURES_PER_HOUR",
            "LIMIT_CLIPS_PER_HOUR",
            "LIMIT_SPEECH_PER_HOUR",
        ] {
            let refused = Config::from_parts(SettingsFile::default(), |n| {
                (n == name).then(|| "12x".to_owned())
            });
            match refused {
                Err(e) => assert!(e.to_string().contains(name), "{name}: {e}"),
                Ok(_) => panic!("{name}=12x was taken"),
            }
        }
    }

    #[test]
    fn video_timing_can_be_shortened() {
        let cfg = config_with(&[("VIDEO_POLL_MS", "250"), ("VIDEO_MAX_WAIT_S", "30")]);
        assert_eq!(cfg.video.poll_every, Duration::from_millis(250));
        assert_eq!(cfg.video.max_wait, Duration::from_secs(30));
    }

    #[test]
    fn a_key_configures_only_its_provider_with_overridable_base_url() {
        let cfg = config_with(&[
            ("OPENAI_API_KEY", "k1"),
            ("OPENAI_BASE_URL", "http://127.0.0.1:9/openai/v1/"),
            ("XAI_API_KEY", "  "),
        ]);
        assert!(!cfg.demo_mode());
        assert_eq!(cfg.real_providers.len(), 1);
        let ep = &cfg.real_providers[&Provider::OpenAi];
        assert_eq!(ep.base_url, "http://127.0.0.1:9/openai/v1");
        assert_eq!(ep.api_key, "k1");
    }

    #[test]
    fn adult_is_protected_by_default_and_the_environment_wins() {
        let cfg = config_with(&[]);
        assert!(cfg.is_protected("adult"));
        assert!(!cfg.is_protected("kids"));
        assert_eq!(cfg.gate.idle, Duration::from_secs(12 * 3600));
        assert_eq!(cfg.limits, SpendingLimits::default());
        let cfg = config_with(&[
            ("PROTECTED_TIERS", "adult, kids"),
            ("ADULT_PIN", " 2468 "),
            ("LIMIT_CLIPS_PER_HOUR", "3"),
        ]);
        assert!(cfg.is_protected("kids"));
        assert_eq!(cfg.gate.env_pins.len(), 1);
        assert_eq!(cfg.gate.env_pins[0].0, "adult");
        assert_eq!(cfg.limits.clips_per_hour, 3);
        assert!(
            !cfg.limits.surprise_video,
            "surprises are never in video mode by default"
        );
        assert!(
            config_with(&[("SURPRISE_VIDEO", "on")])
                .limits
                .surprise_video
        );
        let typo = Config::from_parts(SettingsFile::default(), |name| {
            (name == "SURPRISE_VIDEO").then(|| "onn".to_owned())
        });
        assert!(matches!(
            typo,
            Err(ConfigError::Switch {
                name: "SURPRISE_VIDEO",
                ..
            })
        ));
        assert!(!config_with(&[("PROTECTED_TIERS", "none")]).is_protected("adult"));
        let unknown = Config::from_parts(SettingsFile::default(), |name| {
            (name == "PROTECTED_TIERS").then(|| "grownups".to_owned())
        });
        assert!(matches!(unknown, Err(ConfigError::UnknownTier { .. })));
    }

    #[test]
    fn model_settings_come_from_the_file_then_the_environment() {
        let file: SettingsFile = toml::from_str(
            "[models.image.gpt-image]\napi_model = \"from-file\"\n[models.text.grok-4-3]\nhidden = true\n",
        )
        .expect("toml");
        let config = |vars: &[(&str, &str)]| {
            let vars: Vec<(String, String)> = vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            Config::from_parts(file_clone(&file), |name| {
                vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
            })
        };
        let api = |c: &Config, key: &str| {
            c.catalogue
                .find::<crate::domain::ImageModelSpec>(key)
                .map(|m| m.api_model)
        };
        let from_file = config(&[]).expect("valid");
        assert_eq!(api(&from_file, "gpt-image"), Some("from-file"));
        let hidden = from_file
            .catalogue
            .find::<crate::domain::TextModelSpec>("grok-4-3")
            .expect("row");
        assert!(hidden.life.hidden);
        let from_env = config(&[
            (
                "CYOA_MODELS",
                "image.gpt-image.api_model = \"from-cyoa-models\"",
            ),
            ("MODEL_IMAGE_GEMINI", "gemini-3-pro-image"),
        ])
        .expect("valid");
        assert_eq!(api(&from_env, "gpt-image"), Some("from-cyoa-models"));
        assert_eq!(api(&from_env, "gemini"), Some("gemini-3-pro-image"));
        let refused = config(&[("CYOA_MODELS", "text.nope.api_model = \"x\"")])
            .expect_err("a new model without its provider");
        assert!(
            refused.to_string().contains("CYOA_MODELS: text.nope"),
            "{refused}"
        );
    }

    fn file_clone(file: &SettingsFile) -> SettingsFile {
        SettingsFile {
            models: file.models.clone(),
            ..SettingsFile::default()
        }
    }

    #[test]
    fn settings_file_rejects_unknown_keys_and_bad_addresses() {
        assert!(toml::from_str::<SettingsFile>("[server]\nport = 1").is_err());
        let file: SettingsFile = toml::from_str("[server]\nsite_addr = \"nope\"").expect("toml");
        assert!(Config::from_parts(file, |_| None).is_err());
    }
}
