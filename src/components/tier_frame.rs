//! The frame of every page inside a tier: its theme colour and a header that links only
//! within the tier (no page of one tier links to another). With the tier's parent controls
//! open it has Lock and Change PIN; locked, a quiet "Grown-ups" link opens them.

use leptos::prelude::*;

use leptos_router::hooks::use_location;

use crate::api::site::{load_parent_controls, ParentControls};
use crate::domain::urls;
use crate::domain::TierSpec;

#[component]
pub fn TierFrame(tier: &'static TierSpec, children: Children) -> impl IntoView {
    view! {
        <div class=format!("tier tier-{}", tier.name)>
            // The first stop of Tab: past the header's links to the page itself.
            <a class="skip-link" href="#content">"Skip to content"</a>
            <header class="tier-header">
                <a class="tier-home-link" href=urls::home(tier.name)>
                    {tier.title}
                </a>
                <nav class="tier-nav" aria-label="Pages">
                    <a href=urls::home(tier.name)>"New story"</a>
                    <a href=urls::gallery(tier.name)>"Gallery"</a>
                    <a href=urls::profiles(tier.name)>"Family profiles"</a>
                </nav>
                <ParentControlsBar tier/>
            </header>
            <div id="content" tabindex="-1">{children()}</div>
        </div>
    }
}

/// Lock and Change PIN while the parent controls are open; "Grown-ups" while they are
/// locked. Plain forms and links: they go to the gate, which answers with full pages, and
/// work without JavaScript.
#[component]
fn ParentControlsBar(tier: &'static TierSpec) -> impl IntoView {
    let controls = Resource::new(|| (), move |_| load_parent_controls(tier.name.to_owned()));
    let location = use_location();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match controls.await {
                    Ok(ParentControls { lock_token: Some(lock_token), .. }) => {
                        view! {
                            <form class="tier-lock" method="post" action=urls::lock(tier.name)>
                                <input type="hidden" name="token" value=lock_token/>
                                <span class="parent-on">"Parent mode"</span>
                                <a href=urls::change_pin(tier.name) rel="external">"Change PIN"</a>
                                <button type="submit">"Lock"</button>
                            </form>
                        }
                            .into_any()
                    }
                    Ok(ParentControls { offered: true, lock_token: None }) => {
                        view! {
                            <a
                                class="grown-ups"
                                rel="external"
                                href=move || {
                                    urls::parent_controls(tier.name, &location.pathname.get())
                                }
                            >
                                "Grown-ups"
                            </a>
                        }
                            .into_any()
                    }
                    Ok(_) | Err(_) => ().into_any(),
                }
            })}
        </Suspense>
    }
}
