//! Facts about this server that every page shows (demo mode banner).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// No provider key is set: every provider is the built-in simulator.
    pub demo_mode: bool,
    /// Recordings can be turned into text here (voice input in browsers without speech
    /// recognition of their own).
    pub speech_to_text: bool,
}

#[server(endpoint = "site_info")]
pub async fn load_site_info() -> Result<SiteInfo, AppError> {
    let state = super::context::state()?;
    Ok(SiteInfo {
        demo_mode: state.providers.demo_mode,
        speech_to_text: state.providers.transcriber().is_some(),
    })
}

/// The status page: each provider's key and what it can do, and the storage state.
#[server(endpoint = "status")]
pub async fn load_status() -> Result<crate::domain::status::SiteStatus, AppError> {
    let state = super::context::state()?;
    Ok(crate::server::key_check::site_status(&state).await)
}

/// A tier as the landing page offers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierDoor {
    pub name: String,
    pub title: String,
    pub audience: String,
    /// Protected and not unlocked in this browser: shown as a small locked link.
    pub locked: bool,
}

/// The tiers for the landing page. A protected tier is shown locked (or, with the
/// `hide_locked_tiers` setting, not at all: it is then reached by its URL).
#[server(endpoint = "tier_doors")]
pub async fn load_tier_doors() -> Result<Vec<TierDoor>, AppError> {
    use crate::domain::tier::TIERS;
    let state = super::context::state()?;
    let headers = use_context::<axum::http::request::Parts>()
        .map(|parts| parts.headers)
        .unwrap_or_default();
    let mut doors = Vec::new();
    for tier in TIERS {
        let protected = state.gate.is_protected(tier.name);
        if protected && state.gate.hides_locked() {
            continue;
        }
        let open = super::context::answer(state.gate.admits(&state.db, tier.name, &headers).await)?;
        doors.push(TierDoor {
            name: tier.name.to_owned(),
            title: tier.title.to_owned(),
            audience: tier.audience.to_owned(),
            locked: !open,
        });
    }
    Ok(doors)
}

/// The token of the tier's Lock button, when the tier is protected (and so unlocked here).
#[server(endpoint = "tier_lock")]
pub async fn load_tier_lock(tier: String) -> Result<Option<String>, AppError> {
    let (state, tier) = super::context::in_tier(&tier).await?;
    Ok(state
        .gate
        .is_protected(tier.name)
        .then(|| state.gate.form_token(tier.name)))
}
