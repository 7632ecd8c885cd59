//! Shared state handed to every route and server function (as Leptos context).

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::SqlitePool;

use crate::server::config::Config;
use crate::server::media::Jobs;
use crate::server::providers::ProviderHub;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: SqlitePool,
    pub providers: Arc<ProviderHub>,
    pub config: Arc<Config>,
    pub jobs: Jobs,
}
