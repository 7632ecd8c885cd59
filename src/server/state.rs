//! Shared state handed to every route and server function (as Leptos context).

use std::sync::Arc;

use crate::server::db::Db;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::domain::status::ProviderStatus;
use crate::server::config::Config;
use crate::server::db::CommitFaults;
use crate::server::gate::Gate;
use crate::server::media::Jobs;
use crate::server::media_store::atomic::StorageFaults;
use crate::server::media_store::MediaStore;
use crate::server::models::Models;
use crate::server::providers::ProviderHub;
use crate::server::story::ideas::Ideas;
use crate::server::story::writing::Drafts;

/// Every server function, page and job takes its own copy (pages several, from context), so
/// a copy is one shared pointer, not one of each handle inside.
#[derive(Clone)]
pub struct AppState(Arc<AppStateInner>);

impl AppState {
    pub fn new(inner: AppStateInner) -> Self {
        Self(Arc::new(inner))
    }
}

impl std::ops::Deref for AppState {
    type Target = AppStateInner;

    fn deref(&self) -> &AppStateInner {
        &self.0
    }
}

/// What `leptos_axum` needs from the state: the site's options.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

pub struct AppStateInner {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    /// Where pictures, clips and photos are kept.
    pub store: MediaStore,
    pub providers: Arc<ProviderHub>,
    /// The models on offer and what the providers said of them.
    pub models: &'static Models,
    /// The tiers' story ideas and picture styles.
    pub ideas: &'static Ideas,
    pub config: Arc<Config>,
    pub jobs: Jobs,
    /// Failures tests switch on in a running app (a full disk, failing commits).
    pub faults: Faults,
    /// The status page's last key check, and when it was made.
    pub status_cache: Arc<std::sync::Mutex<Option<CheckedProviders>>>,
    /// The parent gate of protected tiers.
    pub gate: Arc<Gate>,
    /// Next scenes being written (for a tap, or ahead of it).
    pub drafts: Arc<Drafts>,
    /// Scenes being read aloud in this process, joined by a second listener.
    pub readings: Arc<crate::server::read_aloud::live::Readings>,
}

/// A key check's answer and when it was made.
pub type CheckedProviders = (std::time::Instant, Vec<ProviderStatus>);

/// Every failure that can be injected into a running app; all off by default.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    pub storage: StorageFaults,
    pub commits: CommitFaults,
}
