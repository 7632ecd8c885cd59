//! `/{tier}/profiles`: the tier's people in one place — the roster of characters ("My
//! Characters" for kids: up to twenty, each with up to three reference photos, made with the
//! tap builder or typed) and the memory-mode profiles (preferences, and which of the
//! characters each brings).

mod builder;
mod character;
mod photo;
mod profile_card;

use leptos::prelude::*;

use super::use_tier;
use character::{CharacterList, NewCharacter};
use profile_card::{ProfileCard, ProfileForm};

use crate::api::profiles::load_profiles;
use crate::components::parent_mode::{is_parent, provide_parent_mode, AskAGrownUp};
use crate::components::{disclosure::Disclosure, refill::use_refill, resource_view::ResourceView};
use crate::domain::form::Refill;
use crate::domain::profile::{ProfileInput, ProfilesView, MAX_ROSTER};
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

/// The roster's ids and names, for the profiles' "Characters it brings".
#[derive(Clone)]
struct RosterNames(Vec<(String, String)>);

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
            <h1>{roster_title(tier)}</h1>
            <p class="hint">
                "Pick characters when you start a story, and their photos help every picture look like them. Photos stay on this server and are sent only to the image model of a story they are in."
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

/// "My Characters" on the kids' side, "Characters" on the grown-ups'.
fn roster_title(tier: &TierSpec) -> &'static str {
    match tier.name {
        "kids" => "My Characters",
        _ => "Characters",
    }
}

/// The roster, then the profiles; a parent also gets every way to change them.
#[component]
fn ProfileList(tier: &'static TierSpec, page: ProfilesView) -> impl IntoView {
    provide_parent_mode(page.parent);
    provide_context(RosterNames(
        page.roster
            .iter()
            .map(|c| (c.id.clone(), c.name.clone()))
            .collect(),
    ));
    let parent = is_parent();
    let count = page.roster.len();
    let roster = match count {
        0 => view! { <p class="empty">"No characters yet."</p> }.into_any(),
        _ => view! { <CharacterList tier characters=page.roster/> }.into_any(),
    };
    let add = match (parent, count < MAX_ROSTER) {
        (true, true) => Some(view! { <NewCharacter tier/> }.into_any()),
        (true, false) => Some(
            view! { <p class="hint">{format!("{MAX_ROSTER} characters, the most there can be: remove one to add another.")}</p> }
                .into_any(),
        ),
        (false, _) => None,
    };
    let cards = page
        .profiles
        .into_iter()
        .map(|profile| view! { <ProfileCard tier profile/> })
        .collect_view();
    let ask = (!parent).then(|| {
        view! { <AskAGrownUp tier=tier.name what="add or change characters, photos and profiles"/> }
    });
    view! {
        <h2 class="roster-count">{format!("{count} of {MAX_ROSTER} characters")}</h2>
        {roster}
        {add}
        <section class="profiles">
            <h2>"Profiles for memory mode"</h2>
            <p class="hint">"A profile keeps the family's favourite themes, art style and tone, and brings some of the characters along."</p>
            {cards}
            {parent.then(|| view! { <NewProfile tier/> })}
        </section>
        {ask}
    }
    .into_any()
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
