//! `/{tier}/profiles`: the family's profiles for memory mode — preferences, up to ten
//! characters each, and a reference photo per character (upload, replace, remove).

mod builder;
mod character;
mod photo;
mod profile_card;

use leptos::prelude::*;

use super::use_tier;
use profile_card::{ProfileCard, ProfileForm};

use crate::api::profiles::load_profiles;
use crate::components::parent_mode::{is_parent, provide_parent_mode, AskAGrownUp};
use crate::components::{disclosure::Disclosure, refill::use_refill, resource_view::ResourceView};
use crate::domain::form::Refill;
use crate::domain::profile::{ProfileInput, ProfileRef, ProfilesView};
use crate::domain::urls;
use crate::domain::{AppError, TierSpec};

/// Bumped after every successful change, so the list reloads.
#[derive(Clone, Copy)]
struct Changed(RwSignal<u32>);

impl Changed {
    fn bump(self) {
        self.0.update(|n| *n += 1);
    }
}

/// The last upload's warning per character (a small photo), kept at page level so it
/// stays visible when the list reloads after the upload.
#[derive(Clone, Copy)]
struct PhotoWarnings(RwSignal<std::collections::HashMap<String, String>>);

/// What the page's address says of a refused plain post (before the app has started, or
/// without JavaScript) to the server function `I`: a page holds one form of a kind per
/// profile and per character, and the address names only the function, so the form's
/// hidden `ids` (name and value; `None` when the form sends none) tell which one it was.
struct Refusal {
    /// What this form sent, to show again.
    typed: Option<Refill>,
    /// Another form of the same kind was refused.
    elsewhere: bool,
}

impl Refusal {
    fn read<I: leptos::server_fn::ServerFn>(ids: &[(&str, Option<&str>)]) -> Refusal {
        let fresh = Refusal {
            typed: None,
            elsewhere: false,
        };
        // Once anything was saved on this page, the refusal in its address is old news: the
        // rebuilt forms start from what is stored and forget the old error.
        if expect_context::<Changed>().0.get_untracked() > 0 {
            return Refusal {
                typed: None,
                elsewhere: true,
            };
        }
        match use_refill(I::url()) {
            None => fresh,
            // The fields did not come back (a post too large to carry): which form it was is
            // unknown, so every form of the kind shows the reason, as before.
            Some(typed) if typed.text("tier").is_none() => fresh,
            Some(typed)
                if ids
                    .iter()
                    .all(|(name, id)| typed.text(name).as_deref() == *id) =>
            {
                Refusal {
                    typed: Some(typed),
                    elsewhere: false,
                }
            }
            Some(_) => Refusal {
                typed: None,
                elsewhere: true,
            },
        }
    }
}

/// A form that comes back with its error (the action reads it from the page's address, or
/// the app's own call failed) opens its disclosure, so the error shows where it is fixed. A
/// form of the same kind that was not the refused one forgets the error its action read from
/// the address: it shows neither the error nor, opened later, a stale one.
fn show_refusal<I>(action: ServerAction<I>, open: RwSignal<bool>, refusal: &Refusal)
where
    I: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    I::Output: Clone + Send + Sync + 'static,
{
    if refusal.elsewhere {
        action.clear();
    } else if action.value().with_untracked(|v| matches!(v, Some(Err(_)))) {
        open.set(true);
    }
}

/// Runs `then` once each time the action finishes successfully.
fn on_success<I, O>(action: ServerAction<I>, then: impl Fn(&O) + 'static)
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Effect::new(move || {
        if let Some(Ok(value)) = action.value().get() {
            then(&value);
        }
    });
}

#[component]
pub fn ProfilesPage() -> impl IntoView {
    let tier = use_tier();
    view! { <ProfilesContent tier/> }
}

#[component]
fn ProfilesContent(tier: &'static TierSpec) -> impl IntoView {
    let changed = Changed(RwSignal::new(0));
    provide_context(changed);
    provide_context(PhotoWarnings(RwSignal::new(Default::default())));
    let profiles = Resource::new(
        move || changed.0.get(),
        move |_| load_profiles(tier.name.to_owned()),
    );
    view! {
        <section class="profiles-page">
            <h1>"Family profiles"</h1>
            <p class="hint">
                "With memory mode on, a story uses one profile's preferences and characters, and the characters' photos help every picture look like them. Photos stay on this server and are sent only to the image model of a memory-mode story."
            </p>
            <photo::RefusedUpload/>
            <ResourceView
                resource=profiles
                loading="Loading…"
                render=move |page| view! { <ProfileList tier page/> }
            />
            <p><a href=urls::home(tier.name)>"Back to start a story"</a></p>
        </section>
    }
    .into_any()
}

/// The profiles; a parent also gets every way to change them, and New profile.
#[component]
fn ProfileList(tier: &'static TierSpec, page: ProfilesView) -> impl IntoView {
    provide_parent_mode(page.parent);
    let list = page.profiles;
    let change = match is_parent() {
        true => view! { <NewProfile tier/> }.into_any(),
        false => view! { <AskAGrownUp tier=tier.name what="add or change profiles and photos"/> }
            .into_any(),
    };
    if list.is_empty() {
        return view! {
            <p class="empty">"No profiles yet."</p>
            {change}
        }
        .into_any();
    }
    let others: Vec<ProfileRef> = list
        .iter()
        .map(|p| ProfileRef {
            id: p.id.clone(),
            display_name: p.display_name.clone(),
        })
        .collect();
    let cards = list
        .into_iter()
        .map(|profile| view! { <ProfileCard tier profile others=others.clone()/> })
        .collect_view();
    view! { {cards} {change} }.into_any()
}

#[component]
fn NewProfile(tier: &'static TierSpec) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <Disclosure label="New profile" class="button primary new-profile".to_owned() open>
            <ProfileForm tier id=None initial=ProfileInput::default() open/>
        </Disclosure>
    }
}
