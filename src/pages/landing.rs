//! `/`: the only page that lists the tiers. Pages inside a tier never link back here.
//! A protected tier is a small locked link until this browser unlocks it.

use leptos::prelude::*;

use super::lazy::{fetch_ahead, HomeRoute};
use crate::api::site::{load_tier_doors, TierDoor};
use crate::components::resource_view::ResourceView;
use crate::domain::urls;

#[component]
pub fn Landing() -> impl IntoView {
    let doors = Resource::new(|| (), |_| load_tier_doors());
    fetch_ahead::<HomeRoute>();
    view! {
        <section class="landing">
            <h1>"Choose Your Own Adventure"</h1>
            <p>"Stories you steer, scene by scene. Who is reading today?"</p>
            <ResourceView
                resource=doors
                loading="Loading the story shelves…"
                render=move |doors| view! { <Doors doors/> }
            />
            <p class="hint"><a href="/status">"Providers and storage status"</a></p>
        </section>
    }
}

#[component]
fn Doors(doors: Vec<TierDoor>) -> impl IntoView {
    view! {
        <ul class="tier-list">
            {doors.into_iter().map(|door| view! { <Door door/> }).collect_view()}
        </ul>
    }
}

#[component]
fn Door(door: TierDoor) -> impl IntoView {
    let href = urls::home(&door.name);
    let class = format!("tier-{}", door.name);
    if door.locked {
        view! {
            <li class=class>
                // A full page load: the PIN page is served by the gate, not the app's router.
                <a class="tier-locked" href=href rel="external">
                    {format!("🔒 {} (locked)", door.title)}
                </a>
            </li>
        }
        .into_any()
    } else {
        view! {
            <li class=class>
                <a class="tier-card" href=href>
                    <strong>{door.title}</strong>
                    <span>{door.audience}</span>
                </a>
            </li>
        }
        .into_any()
    }
}
