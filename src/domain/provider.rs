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

    /// Stable lower-case key, used in URLs of the simulator, logs and config.
    pub fn key(self) -> &'static str {
        match self {
            Provider::OpenAi => "openai",
            Provider::Anthropic => "anthropic",
            Provider::Xai => "xai",
            Provider::Gemini => "gemini",
        }
    }

    /// Name shown to people (selector groups, error messages).
    pub fn display_name(self) -> &'static str {
        match self {
            Provider::OpenAi => "OpenAI",
            Provider::Anthropic => "Anthropic",
            Provider::Xai => "xAI",
            Provider::Gemini => "Google",
        }
    }

    /// Environment variable holding the API key.
    pub fn api_key_env(self) -> &'static str {
        match self {
            Provider::OpenAi => "OPENAI_API_KEY",
            Provider::Anthropic => "ANTHROPIC_API_KEY",
            Provider::Xai => "XAI_API_KEY",
            Provider::Gemini => "GEMINI_API_KEY",
        }
    }

    /// Environment variable that overrides the base URL.
    pub fn base_url_env(self) -> &'static str {
        match self {
            Provider::OpenAi => "OPENAI_BASE_URL",
            Provider::Anthropic => "ANTHROPIC_BASE_URL",
            Provider::Xai => "XAI_BASE_URL",
            Provider::Gemini => "GEMINI_BASE_URL",
        }
    }

    /// The real API's base URL, used when no override is set.
    pub fn default_base_url(self) -> &'static str {
        match self {
            Provider::OpenAi => "https://api.openai.com/v1",
            Provider::Anthropic => "https://api.anthropic.com/v1",
            Provider::Xai => "https://api.x.ai/v1",
            Provider::Gemini => "https://generativelanguage.googleapis.com/v1beta",
        }
    }

    /// Base URL path of this provider's API inside the simulator.
    pub fn sim_path(self) -> &'static str {
        match self {
            Provider::OpenAi => "/openai/v1",
            Provider::Anthropic => "/anthropic/v1",
            Provider::Xai => "/xai/v1",
            Provider::Gemini => "/gemini/v1beta",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_provider_has_distinct_key_and_env() {
        let mut keys: Vec<_> = Provider::ALL.iter().map(|p| p.key()).collect();
        let mut envs: Vec<_> = Provider::ALL.iter().map(|p| p.api_key_env()).collect();
        keys.dedup();
        envs.sort();
        envs.dedup();
        assert_eq!(keys.len(), 4);
        assert_eq!(envs.len(), 4);
    }
}
