//! The frame of every page inside a tier: its theme colour and a header that links only
//! within the tier (no page of one tier links to another). A protected tier's header has
//! Lock and Change PIN.

use leptos::prelude::*;

use crate::api::site::load_tier_lock;
use crate::domain::urls;
use crate::domain::TierSpec;

#[component]
pub fn TierFrame(tier: &'static TierSpec, children: Children) -> impl IntoView {
    view! {
        <div class=format!("tier tier-{}", tier.name)>
            <header class="tier-header">
                <a class="tier-home-link" href=urls::home(tier.name)>
                    {tier.title}
                </a>
                <nav class="tier-nav">
                    <a href=urls::home(tier.name)>"New story"</a>
                    <a href=urls::gallery(tier.name)>"Gallery"</a>
                    <a href=urls::profiles(tier.name)>"Family profiles"</a>
                </nav>
                <TierLock tier/>
            </header>
            {children()}
        </div>
    }
}

/// Lock and Change PIN, only in a protected tier. Plain form and link: they go to the gate,
/// which answers with full pages, and work without JavaScript.
#[component]
fn TierLock(tier: &'static TierSpec) -> impl IntoView {
    let token = Resource::new(|| (), move |_| load_tier_lock(tier.name.to_owned()));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                token
                    .await
                    .ok()
                    .flatten()
                    .map(|token| {
                        view! {
                            <form class="tier-lock" method="post" action=urls::lock(tier.name)>
                                <input type="hidden" name="token" value=token/>
                                <a href=urls::change_pin(tier.name) rel="external">"Change PIN"</a>
                                <button type="submit">"Lock"</button>
                            </form>
                        }
                    })
            })}
        </Suspense>
    }
}
