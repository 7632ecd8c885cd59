//! Facts about this server: the demo mode banner every page shows, the status page, the
//! landing page's tiers.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::AppError;

/// Whether the page being made comes from a server on simulated providers. The banner is
/// made on the server and only read back in the browser; a browser that makes it itself (never,
/// as every page comes from the server) shows none.
pub fn serves_demo() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::server::state::AppState>().is_some_and(|s| s.providers.demo_mode)
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
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

/// What the tier's header offers of its parent controls: nothing while they are switched
/// off; Lock (with its form token) and Change PIN while they are open to this browser; a quiet
/// "Grown-ups" link while they are locked. A plain struct: it is in the first page's code,
/// where an enum's decoder costs more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParentControls {
    /// The tier has parent controls.
    pub offered: bool,
    /// Open to this browser: the Lock form's token.
    pub lock_token: Option<String>,
}

/// The tier header's parent controls for this browser.
#[server(endpoint = "parent_controls")]
pub async fn load_parent_controls(tier: String) -> Result<ParentControls, AppError> {
    let (state, tier) = super::context::in_tier(&tier).await?;
    if !state.gate.guards(tier.name) {
        return Ok(ParentControls {
            offered: false,
            lock_token: None,
        });
    }
    let open = super::context::parent_present(&state, tier).await?;
    Ok(ParentControls {
        offered: true,
        lock_token: open.then(|| state.gate.form_token(tier.name)),
    })
}
