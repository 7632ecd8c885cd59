//! What the status page shows: each provider's key and what it can do, and whether the
//! server's storage takes writes. Plain words only; no key ever appears here.

use serde::{Deserialize, Serialize};

/// One configured provider, as the key check found it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderStatus {
    /// "OpenAI", "xAI", …
    pub provider: String,
    /// The key was accepted (or the provider is simulated, in demo mode).
    pub ok: bool,
    /// What was found, in a sentence: "Key accepted.", "Simulated (demo mode).", or what is
    /// wrong and what to do.
    pub key: String,
    /// Every model of this provider the app knows, with what the check found.
    pub models: Vec<ModelStatus>,
    /// What a free call cannot tell (billing, verification, quota), said once.
    pub note: Option<String>,
}

/// One model as the key check found it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelStatus {
    /// What it makes, as the status page says it: "Stories", "Pictures", "Clips", "Voice input".
    pub makes: String,
    pub name: String,
    /// New stories can pick it (or, for clips and voice input, they are made with it).
    pub usable: bool,
    /// "usable", or why not and which model takes over, in plain words.
    pub verdict: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteStatus {
    pub demo_mode: bool,
    pub providers: Vec<ProviderStatus>,
    /// The data directory takes writes (a file and the database).
    pub storage_ok: bool,
    pub storage: String,
    /// Per tier: what it spent in the last hour against its limits.
    pub spending: Vec<TierSpending>,
}

/// A tier's spending in the last hour: `(what, used, limit)` per kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierSpending {
    pub tier: String,
    pub lines: Vec<(String, u32, u32)>,
}

impl SiteStatus {
    /// Said when no provider is configured at all (and not in demo mode).
    pub fn providers_empty_note(&self) -> Option<&'static str> {
        (self.providers.is_empty() && !self.demo_mode)
            .then_some("No provider is configured: set at least one API key and restart the app.")
    }
}
