//! The AI providers the app talks to, and what each needs to be configured.

use serde::{Deserialize, Serialize};

/// One AI provider. Its clients live in `server::providers`, one module each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    OpenAi,
    Anthropic,
    Xai,
    Gemini,
}

impl Provider {
    pub const ALL: [Provider; 4] = [
        Provider::OpenAi,
        Provider::Anthropic,
        Provider::Xai,
        Provider::Gemini,
    ];

    /// This provider's row of [`PROVIDERS`].
    pub fn spec(self) -> &'static ProviderSpec {
        // The table lists the providers in declaration order (checked by a test).
        &PROVIDERS[self as usize]
    }

    /// Stable lower-case key, used in logs and config (the simulator counts calls by it too).
    pub fn key(self) -> &'static str {
        self.spec().key
    }

    /// Name shown to people (selector groups, error messages).
    pub fn display_name(self) -> &'static str {
        self.spec().display_name
    }

    /// Environment variable holding the API key.
    pub fn api_key_env(self) -> &'static str {
        self.spec().api_key_env
    }

    /// Environment variable that overrides the base URL.
    pub fn base_url_env(self) -> &'static str {
        self.spec().base_url_env
    }

    /// The real API's base URL, used when no override is set.
    pub fn default_base_url(self) -> &'static str {
        self.spec().default_base_url
    }
}

/// What the app needs to know of a provider to configure and reach it: data, like the model
/// registries. Adding a provider is one variant, one row and one client module.
#[derive(Debug, PartialEq, Eq)]
pub struct ProviderSpec {
    pub provider: Provider,
    pub key: &'static str,
    pub display_name: &'static str,
    pub api_key_env: &'static str,
    pub base_url_env: &'static str,
    pub default_base_url: &'static str,
}

pub const PROVIDERS: [ProviderSpec; 4] = [
    ProviderSpec {
        provider: Provider::OpenAi,
        key: "openai",
        display_name: "OpenAI",
        api_key_env: "OPENAI_API_KEY",
        base_url_env: "OPENAI_BASE_URL",
        default_base_url: "https://api.openai.com/v1",
    },
    ProviderSpec {
        provider: Provider::Anthropic,
        key: "anthropic",
        display_name: "Anthropic",
        api_key_env: "ANTHROPIC_API_KEY",
        base_url_env: "ANTHROPIC_BASE_URL",
        default_base_url: "https://api.anthropic.com/v1",
    },
    ProviderSpec {
        provider: Provider::Xai,
        key: "xai",
        display_name: "xAI",
        api_key_env: "XAI_API_KEY",
        base_url_env: "XAI_BASE_URL",
        default_base_url: "https://api.x.ai/v1",
    },
    ProviderSpec {
        provider: Provider::Gemini,
        key: "gemini",
        display_name: "Google",
        api_key_env: "GEMINI_API_KEY",
        base_url_env: "GEMINI_BASE_URL",
        default_base_url: "https://generativelanguage.googleapis.com/v1beta",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_provider_has_its_own_row_key_and_env() {
        for p in Provider::ALL {
            assert_eq!(p.spec().provider, p, "PROVIDERS is in declaration order");
            // The wire form (serde) is the key.
            assert_eq!(
                serde_json::to_string(&p).expect("serialize"),
                format!("\"{}\"", p.key())
            );
        }
        let mut keys: Vec<_> = Provider::ALL.iter().map(|p| p.key()).collect();
        let mut envs: Vec<_> = Provider::ALL.iter().map(|p| p.api_key_env()).collect();
        keys.sort();
        keys.dedup();
        envs.sort();
        envs.dedup();
        assert_eq!(keys.len(), 4);
        assert_eq!(envs.len(), 4);
    }
}
