//! `/status`: whether each provider's key works and what it can make, and whether the
//! server's storage takes writes. Outside the tiers (it shows nothing of any story), and no
//! key ever appears on it.

use leptos::prelude::*;

use crate::api::site::load_status;
use crate::components::resource_view::ResourceView;
use crate::domain::status::{ProviderStatus, SiteStatus, TierSpending};

#[component]
pub fn StatusPage() -> impl IntoView {
    let status = Resource::new(|| (), |_| load_status());
    view! {
        <section class="status-page">
            <h1>"Providers and storage"</h1>
            <ResourceView
                resource=status
                loading="Checking each provider's key (one free call each)…"
                render=move |status| view! { <StatusBody status/> }
            />
            <p><a href="/">"Back to the start"</a></p>
        </section>
    }
}

#[component]
fn StatusBody(status: SiteStatus) -> impl IntoView {
    let storage_class = if status.storage_ok { "ok" } else { "problem" };
    let empty_note = status.providers_empty_note();
    let providers = status
        .providers
        .into_iter()
        .map(|p| view! { <ProviderCard p/> })
        .collect_view();
    let spending = status
        .spending
        .into_iter()
        .map(|tier| view! { <SpendingCard tier/> })
        .collect_view();
    view! {
        <p class=format!("storage {storage_class}") role="status">{status.storage}</p>
        {empty_note}
        <div class="provider-cards">{providers}</div>
        <h2>"Spending limits this hour"</h2>
        <div class="provider-cards">{spending}</div>
    }
}

/// A tier's spending in the last hour against its limits (set in `Leptos.toml`).
#[component]
fn SpendingCard(tier: TierSpending) -> impl IntoView {
    let lines = tier
        .lines
        .into_iter()
        .map(|(what, used, limit)| {
            let limit = if limit == u32::MAX {
                "no limit".to_owned()
            } else {
                limit.to_string()
            };
            view! { <li>{format!("{what}: {used} of {limit}")}</li> }
        })
        .collect_view();
    view! {
        <div class="spending-card">
            <h3>{tier.tier}</h3>
            <ul>{lines}</ul>
        </div>
    }
}

#[component]
fn ProviderCard(p: ProviderStatus) -> impl IntoView {
    let class = if p.ok {
        "provider-card ok"
    } else {
        "provider-card problem"
    };
    let models = p
        .models
        .into_iter()
        .map(|m| {
            let class = if m.usable { "model ok" } else { "model gone" };
            view! { <li class=class>{format!("{} with {}: {}", m.makes, m.name, m.verdict)}</li> }
        })
        .collect_view();
    let name = p.provider;
    let data_name = name.clone();
    view! {
        <article class=class data-provider=data_name>
            <h2>{name}</h2>
            <p class="key-state">{p.key}</p>
            <ul class="models">{models}</ul>
            {p.note.map(|note| view! { <p class="hint">{note}</p> })}
        </article>
    }
}
