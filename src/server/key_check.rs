//! The key check (`cyoa check-keys` and the status page): one free call per configured
//! provider (`GET /models`), never a picture or a clip, read in plain words: key accepted
//! or refused, account problems, and for every model of the catalogue whether the provider
//! still lists it (what it does not list is no longer offered, and the status says which
//! model takes over). What no free call can tell (billing, organisation verification, image
//! quota) is said as such.

use std::time::{Duration, Instant};

use crate::domain::status::{ModelStatus, ProviderStatus, SiteStatus, TierSpending};
use crate::domain::{ModelKind, Provider};
use crate::server::media_store::atomic;
use crate::server::models::Models;
use crate::server::providers::{ProviderClient, ProviderError, ProviderHub};
use crate::server::spending;
use crate::server::state::AppState;

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
            let providers = check_providers(&state.providers, state.models).await;
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

/// Checks every provider's model list in the background (at start-up), so the pickers leave
/// out what a provider no longer lists before anyone asks the status page.
pub async fn refresh(state: AppState) {
    let providers = check_providers(&state.providers, state.models).await;
    if let Ok(mut cache) = state.status_cache.lock() {
        *cache = Some((Instant::now(), providers));
    }
}

/// One status per configured provider, in registry order; each provider's model list is
/// recorded in `models` (what it does not list is no longer offered).
pub async fn check_providers(hub: &ProviderHub, models: &'static Models) -> Vec<ProviderStatus> {
    let mut out = Vec::new();
    for provider in hub.configured() {
        let Some(client) = hub.client_for_text(provider) else {
            continue;
        };
        out.push(check(provider, client, hub.demo_mode, models).await);
    }
    out
}

async fn check(
    provider: Provider,
    client: &ProviderClient,
    demo_mode: bool,
    models: &'static Models,
) -> ProviderStatus {
    let name = provider.display_name();
    match client.list_models().await {
        Ok(ids) => {
            models.record_listing(provider, &ids);
            let (key, note) = match demo_mode {
                true => (
                    "Simulated (demo mode): no key is set, the built-in simulator answers.".into(),
                    None,
                ),
                false => ("Key accepted.".into(), Some(billing_note(provider))),
            };
            ProviderStatus {
                provider: name.to_owned(),
                ok: true,
                key,
                models: model_statuses(models, provider),
                note,
            }
        }
        Err(e) => ProviderStatus {
            provider: name.to_owned(),
            ok: false,
            key: key_problem(&e),
            models: Vec::new(),
            note: None,
        },
    }
}

/// Every model of `provider` with its verdict, current ones first.
fn model_statuses(models: &'static Models, provider: Provider) -> Vec<ModelStatus> {
    let mut out: Vec<ModelStatus> = models
        .verdicts(provider)
        .into_iter()
        .map(|v| ModelStatus {
            makes: makes(v.kind).to_owned(),
            name: v.name.to_owned(),
            usable: v.usable,
            verdict: v.words,
        })
        .collect();
    out.sort_by_key(|m| !m.usable);
    out
}

/// What a kind of model makes, as the status page says it.
fn makes(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::Text => "Stories",
        ModelKind::Image => "Pictures",
        ModelKind::Video => "Clips",
        ModelKind::SpeechToText => "Voice input",
        ModelKind::TextToSpeech => "Read aloud",
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
        Provider::OpenAi => "Billing and organisation verification (needed for GPT Image) cannot be checked without a paid call; if either is missing, the first story says so.".into(),
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
        (Err(e), _) if atomic::is_storage_full(&e) => (
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
        for m in &s.models {
            println!(
                "  {} with {}: {}",
                m.makes.to_lowercase(),
                m.name,
                m.verdict
            );
        }
        if let Some(note) = &s.note {
            println!("  note: {note}");
        }
    }
    statuses.iter().all(|s| s.ok)
}
