//! The frame of every page inside a tier: its theme colour and a header that links only
//! within the tier (no page of one tier links to another).

use leptos::prelude::*;

use crate::domain::urls;
use crate::domain::TierSpec;

#[component]
pub fn TierFrame(tier: &'static TierSpec, children: Children) -> impl IntoView {
    view! {
        <div class=format!("tier tier-{}", tier.name) style=format!("--tier-colour: {}", tier.theme_colour)>
            <header class="tier-header">
                <a class="tier-home-link" href=urls::home(tier.name)>
                    {tier.title}
                </a>
                <nav class="tier-nav">
                    <a href=urls::home(tier.name)>"New story"</a>
                    <a href=urls::gallery(tier.name)>"Gallery"</a>
                    <a href=urls::profiles(tier.name)>"Family profiles"</a>
                </nav>
            </header>
            {children()}
        </div>
    }
}
