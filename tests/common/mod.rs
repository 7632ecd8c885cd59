//! Spawns the real app (demo mode: the simulator mounted in-process) on a random port
//! with its own SQLite file, for tests over real HTTP.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use cyoa::domain::media::MediaKind;
use cyoa::domain::TierSpec;
use cyoa::server::config::{Config, VideoTiming};
use cyoa::server::providers::RetryPolicy;
use cyoa::server::startup;
use cyoa::server::state::{AppState, Retries};
use cyoa::server::story;

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub http: reqwest::Client,
    _data_dir: tempfile::TempDir,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let quick = RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            request_timeout: Duration::from_secs(10),
        };
        let retries = Retries {
            text: quick.clone(),
            media: quick,
        };
        // Demo mode (no keys), with clips polled every 20 ms instead of every 5 s.
        let config = Config {
            site_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: data_dir.path().to_owned(),
            context_full_scenes: 4,
            real_providers: Default::default(),
            demo_latency: Duration::ZERO,
            video: VideoTiming {
                poll_every: Duration::from_millis(20),
                max_wait: Duration::from_secs(60),
            },
        };
        let (addr, state) = startup::spawn(config, &retries).await.expect("app starts");
        TestApp {
            addr,
            state,
            http: reqwest::Client::new(),
            _data_dir: data_dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
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

/// Waits until the scene's image job is final.
pub async fn final_image(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    scene_id: &str,
) -> cyoa::domain::media::MediaView {
    for _ in 0..200 {
        let view = story::media_view(state, tier, story_id, scene_id, MediaKind::Image)
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
