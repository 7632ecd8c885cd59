//! `/`: the only page that lists the tiers. Pages inside a tier never link back here.

use leptos::prelude::*;

use crate::domain::tier::TIERS;
use crate::domain::urls;

#[component]
pub fn Landing() -> impl IntoView {
    view! {
        <section class="landing">
            <h1>"Choose Your Own Adventure"</h1>
            <p>"Stories you steer, scene by scene. Who is reading today?"</p>
            <ul class="tier-list">
                {TIERS
                    .iter()
                    .map(|tier| {
                        view! {
                            <li>
                                <a
                                    class="tier-card"
                                    href=urls::home(tier.name)
                                    style=format!("--tier-colour: {}", tier.theme_colour)
                                >
                                    <strong>{tier.title}</strong>
                                    <span>{tier.audience}</span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="hint"><a href="/status">"Providers and storage status"</a></p>
        </section>
    }
}
