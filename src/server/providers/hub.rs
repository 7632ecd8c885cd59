//! Which provider clients this process has: the configured ones, or in demo mode every
//! provider pointed at the in-process simulator; and the retry policy of each kind of call.

use std::collections::BTreeMap;

use super::{Endpoint, ProviderClient, RetryPolicy};
use crate::domain::Provider;
use crate::server::config::Config;

/// The provider clients this process may use: the configured ones, or in demo mode every
/// provider pointed at the simulator. Media calls get more patience than text calls.
pub struct ProviderHub {
    pub demo_mode: bool,
    text: BTreeMap<Provider, ProviderClient>,
    media: BTreeMap<Provider, ProviderClient>,
}

/// Retry policies per kind of call.
#[derive(Clone, Debug)]
pub struct Retries {
    pub text: RetryPolicy,
    pub media: RetryPolicy,
}

impl Default for Retries {
    fn default() -> Retries {
        Retries {
            text: RetryPolicy::text(),
            media: RetryPolicy::media(),
        }
    }
}

/// Key the app sends to its in-process simulator in demo mode.
pub const DEMO_API_KEY: &str = "demo-mode-key";

impl ProviderHub {
    /// `sim_base_url` is where the simulator answers; it is used only in demo mode.
    pub fn new(config: &Config, sim_base_url: &str, retries: &Retries) -> ProviderHub {
        let http = reqwest::Client::builder()
            .user_agent(concat!("cyoa/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "HTTP client settings refused; using the defaults");
                reqwest::Client::new()
            });
        let endpoints: BTreeMap<Provider, Endpoint> = if config.demo_mode() {
            Provider::ALL
                .into_iter()
                .map(|p| (p, Endpoint::simulated(sim_base_url, p, DEMO_API_KEY)))
                .collect()
        } else {
            config.real_providers.clone()
        };
        let clients = |retry: &RetryPolicy| {
            endpoints
                .iter()
                .map(|(p, endpoint)| {
                    let client =
                        ProviderClient::new(http.clone(), *p, endpoint.clone(), retry.clone());
                    (*p, client)
                })
                .collect()
        };
        ProviderHub {
            demo_mode: config.demo_mode(),
            text: clients(&retries.text),
            media: clients(&retries.media),
        }
    }

    pub fn configured(&self) -> Vec<Provider> {
        self.text.keys().copied().collect()
    }

    pub fn client_for_text(&self, provider: Provider) -> Option<&ProviderClient> {
        self.text.get(&provider)
    }

    pub fn client_for_media(&self, provider: Provider) -> Option<&ProviderClient> {
        self.media.get(&provider)
    }
}
