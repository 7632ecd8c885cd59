//! Facts about this server that every page shows (demo mode banner).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// No provider key is set: every provider is the built-in simulator.
    pub demo_mode: bool,
}

#[server(endpoint = "site_info")]
pub async fn load_site_info() -> Result<SiteInfo, AppError> {
    let state = super::context::state()?;
    Ok(SiteInfo {
        demo_mode: state.providers.demo_mode,
    })
}

/// The status page: each provider's key and what it can do, and the storage state.
#[server(endpoint = "status")]
pub async fn load_status() -> Result<crate::domain::status::SiteStatus, AppError> {
    let state = super::context::state()?;
    Ok(crate::server::key_check::site_status(&state).await)
}
