//! The key check (`cyoa check-keys` and the status page): one free call per configured
//! provider (`GET /models`), never a picture or a clip, read in plain words: key accepted
//! or refused, account problems, which image models and whether clips are usable. What no
//! free call can tell (billing, organisation verification, image quota) is said as such.

use std::time::{Duration, Instant};

use crate::domain::status::{ProviderStatus, SiteStatus, TierSpending};
use crate::domain::{ImageModelSpec, Provider, VideoModelSpec};
use crate::server::providers::{ProviderClient, ProviderError, ProviderHub};
use crate::server::spending;
use crate::server::state::AppState;
use crate::server::storage;

/// How long a check's answer is reused by the status page (the CLI always asks anew).
const FRESH_FOR: Duration = Duration::from_secs(60);

/// The status page's answer, checked at most once a minute.
pub async fn site_status(state: &AppState) -> SiteStatus {
    let cached = state
        .status_cache
        .lock()
        .ok()
        .and_then(|c| c.clone())
        .filter(|(at, _)| at.elapsed() < FRESH_FOR);
    let providers = match cached {
        Some((_, providers)) => providers,
        None => {
            let providers = check_providers(&state.providers).await;
            if let Ok(mut cache) = state.status_cache.lock() {
                *cache = Some((Instant::now(), providers.clone()));
            }
            providers
        }
    };
    let (storage_ok, storage) = storage_state(state).await;
    SiteStatus {
        demo_mode: state.providers.demo_mode,
        providers,
        storage_ok,
        storage,
        spending: spending_state(state).await,
    }
}

/// What each listed tier spent this hour against its limits (a tier hidden from the
/// landing page is left out here too).
async fn spending_state(state: &AppState) -> Vec<TierSpending> {
    let mut out = Vec::new();
    for tier in crate::domain::tier::TIERS {
        if state.gate.is_protected(tier.name) && state.gate.hides_locked() {
            continue;
        }
        let Ok(spent) = spending::this_hour(&state.db, tier.name).await else {
            continue;
        };
        out.push(TierSpending {
            tier: tier.title.to_owned(),
            lines: spent
                .into_iter()
                .map(|(kind, used)| {
                    (
                        kind.plural().to_owned(),
                        used,
                        kind.limit(&state.config.limits),
                    )
                })
                .collect(),
        });
    }
    out
}

/// One status per configured provider, in registry order.
pub async fn check_providers(hub: &ProviderHub) -> Vec<ProviderStatus> {
    let mut out = Vec::new();
    for provider in hub.configured() {
        let Some(client) = hub.client_for_text(provider) else {
            continue;
        };
        out.push(match hub.demo_mode {
            true => simulated(provider),
            false => check(provider, client).await,
        });
    }
    out
}

fn image_models_of(provider: Provider) -> impl Iterator<Item = &'static ImageModelSpec> {
    crate::domain::image_model::IMAGE_MODELS
        .iter()
        .filter(move |m| m.provider == provider)
}

fn simulated(provider: Provider) -> ProviderStatus {
    ProviderStatus {
        provider: provider.display_name().to_owned(),
        ok: true,
        key: "Simulated (demo mode): no key is set, the built-in simulator answers.".into(),
        image_models: image_models_of(provider)
            .map(|m| (m.display_name.to_owned(), true))
            .collect(),
        video: (provider == VideoModelSpec::default_model().provider).then_some(true),
        note: None,
    }
}

async fn check(provider: Provider, client: &ProviderClient) -> ProviderStatus {
    let name = provider.display_name();
    let video_model = VideoModelSpec::default_model();
    match client.list_models().await {
        Ok(ids) => {
            let listed = |api_model: &str| ids.iter().any(|id| id == api_model);
            ProviderStatus {
                provider: name.to_owned(),
                ok: true,
                key: "Key accepted.".into(),
                image_models: image_models_of(provider)
                    .map(|m| (m.display_name.to_owned(), listed(m.api_model)))
                    .collect(),
                video: (provider == video_model.provider).then(|| listed(video_model.api_model)),
                note: Some(billing_note(provider)),
            }
        }
        Err(e) => ProviderStatus {
            provider: name.to_owned(),
            ok: false,
            key: key_problem(&e),
            image_models: Vec::new(),
            video: None,
            note: None,
        },
    }
}

/// What the error of the free call says about the key, and what to do.
fn key_problem(e: &ProviderError) -> String {
    match e {
        ProviderError::Unauthorized { message, .. } => format!(
            "Key refused: check {} (the provider said: \"{message}\").",
            e.provider().api_key_env()
        ),
        _ => e.user_message(),
    }
}

/// What listing models cannot tell, per provider.
fn billing_note(provider: Provider) -> String {
    match provider {
        Provider::OpenAi => "Billing and organisation verification (needed for GPT Image 1 and 1.5) cannot be checked without a paid call; if either is missing, the first story says so.".into(),
        Provider::Gemini => "Image quota cannot be checked without a paid call; a free key has none for Gemini pictures, and the first picture says so.".into(),
        Provider::Xai | Provider::Anthropic => "Credits cannot be checked without a paid call; if there are none, the first story says so.".into(),
    }
}

/// Whether the data directory takes a file write, and whether the media workers found the
/// database writable at their last claim.
async fn storage_state(state: &AppState) -> (bool, String) {
    let file = state.store.probe_write().await;
    match (file, state.jobs.claims_refused()) {
        (Ok(()), false) => (true, "Storage is writable.".into()),
        (Err(e), _) if storage::is_storage_full(&e) => (
            false,
            "Storage is full: nothing new can be saved. Free some space; pictures and clips that failed can then be retried.".into(),
        ),
        (Err(e), _) => (false, format!("Storage cannot be written ({e}). Check the data directory's disk and permissions.")),
        (Ok(()), true) => (
            false,
            "The database refuses writes (is its disk full?): media jobs are paused and resume by themselves once it takes writes again.".into(),
        ),
    }
}

/// `cyoa check-keys`: prints each provider's status; answers whether every key was accepted.
pub fn print(statuses: &[ProviderStatus]) -> bool {
    if statuses.is_empty() {
        println!("No provider key is set: the app runs in demo mode with the simulator.");
    }
    for s in statuses {
        println!("{}: {}", s.provider, s.key);
        for (model, usable) in &s.image_models {
            let verdict = if *usable {
                "usable"
            } else {
                "not available to this key"
            };
            println!("  picture model {model}: {verdict}");
        }
        if let Some(video) = s.video {
            let verdict = if video {
                "usable"
            } else {
                "not available to this key"
            };
            println!("  Grok Imagine clips: {verdict}");
        }
        if let Some(note) = &s.note {
            println!("  note: {note}");
        }
    }
    statuses.iter().all(|s| s.ok)
}
