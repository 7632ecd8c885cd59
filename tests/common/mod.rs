//! Spawns the real app (demo mode: the simulator mounted in-process) on a random port
//! with its own SQLite file, for tests over real HTTP.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use cyoa::server::config::Config;
use cyoa::server::providers::RetryPolicy;
use cyoa::server::startup;
use cyoa::server::state::{AppState, Retries};

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub http: reqwest::Client,
    _data_dir: tempfile::TempDir,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let config = Config {
            site_addr: addr,
            data_dir: data_dir.path().to_owned(),
            context_full_scenes: 4,
            real_providers: BTreeMap::new(),
        };
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
        let (router, state) = startup::build_with_retries(config, addr, &retries)
            .await
            .expect("app builds");
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
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
