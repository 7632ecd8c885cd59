//! Shared state handed to every route and server function (as Leptos context).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::SqlitePool;

use crate::domain::Provider;
use crate::server::config::Config;
use crate::server::providers::{Endpoint, RetryPolicy, TextClient};

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: SqlitePool,
    pub providers: Arc<ProviderHub>,
    pub config: Arc<Config>,
}

/// The provider clients this process may use: the configured ones, or in demo mode every
/// provider pointed at the simulator.
pub struct ProviderHub {
    pub demo_mode: bool,
    text: BTreeMap<Provider, TextClient>,
}

/// Key the app sends to its in-process simulator in demo mode.
pub const DEMO_API_KEY: &str = "demo-mode-key";

impl ProviderHub {
    /// `sim_base_url` is where the simulator answers; it is used only in demo mode.
    pub fn new(config: &Config, sim_base_url: &str, retry: RetryPolicy) -> ProviderHub {
        let http = reqwest::Client::builder()
            .user_agent(concat!("cyoa/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        let endpoints: BTreeMap<Provider, Endpoint> = if config.demo_mode() {
            Provider::ALL
                .into_iter()
                .map(|p| {
                    let endpoint = Endpoint {
                        base_url: format!("{sim_base_url}{}", p.sim_path()),
                        api_key: DEMO_API_KEY.to_owned(),
                    };
                    (p, endpoint)
                })
                .collect()
        } else {
            config.real_providers.clone()
        };
        let text = endpoints
            .into_iter()
            .map(|(p, endpoint)| (p, TextClient::new(http.clone(), p, endpoint, retry.clone())))
            .collect();
        ProviderHub {
            demo_mode: config.demo_mode(),
            text,
        }
    }

    pub fn configured(&self) -> Vec<Provider> {
        self.text.keys().copied().collect()
    }

    pub fn text_client(&self, provider: Provider) -> Option<&TextClient> {
        self.text.get(&provider)
    }
}
