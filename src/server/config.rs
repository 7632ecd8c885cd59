//! Configuration, read once at start-up into a typed struct: `Leptos.toml` for runtime
//! settings, then the environment (and `.env`) for addresses, paths and provider keys.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::domain::Provider;
use crate::server::providers::Endpoint;

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
}

/// The app's settings, fixed for the life of the process.
#[derive(Debug, Clone)]
pub struct Config {
    pub site_addr: SocketAddr,
    pub data_dir: PathBuf,
    pub context_full_scenes: usize,
    /// Providers with a real key. Empty means demo mode.
    pub real_providers: BTreeMap<Provider, Endpoint>,
    /// Extra latency of every simulated provider call in demo mode (`DEMO_LATENCY_MS`),
    /// for demos that feel like real providers and for benchmarks.
    pub demo_latency: Duration,
    pub video: VideoTiming,
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
            context_full_scenes: 4,
            real_providers: BTreeMap::new(),
            demo_latency: Duration::ZERO,
            video: VideoTiming::default(),
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
        let number = |name: &str| non_empty(name).and_then(|v| v.trim().parse::<u64>().ok());
        let defaults = VideoTiming::default();
        let video = VideoTiming {
            poll_every: number("VIDEO_POLL_MS")
                .map(Duration::from_millis)
                .unwrap_or(defaults.poll_every),
            max_wait: number("VIDEO_MAX_WAIT_S")
                .map(Duration::from_secs)
                .unwrap_or(defaults.max_wait),
        };
        Ok(Config {
            site_addr,
            data_dir,
            context_full_scenes: file.story.context_full_scenes.max(1),
            real_providers,
            demo_latency: Duration::from_millis(
                non_empty("DEMO_LATENCY_MS")
                    .and_then(|ms| ms.trim().parse().ok())
                    .unwrap_or(0),
            ),
            video,
        })
    }

    /// With no provider key at all the app runs against its own simulator.
    pub fn demo_mode(&self) -> bool {
        self.real_providers.is_empty()
    }

    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("app.db")
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
    fn settings_file_rejects_unknown_keys_and_bad_addresses() {
        assert!(toml::from_str::<SettingsFile>("[server]\nport = 1").is_err());
        let file: SettingsFile = toml::from_str("[server]\nsite_addr = \"nope\"").expect("toml");
        assert!(Config::from_parts(file, |_| None).is_err());
    }
}
