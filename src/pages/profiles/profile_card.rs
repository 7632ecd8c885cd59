//! A profile's card: its preferences, edit and delete, and its characters.

use leptos::prelude::*;

use super::character::{CharacterList, NewCharacter};
use super::{on_success, Changed};
use crate::api::profiles::{DeleteProfile, SaveProfile};
use crate::components::{confirm_delete::ConfirmDelete, resource_view::ActionError};
use crate::domain::profile::{ProfileInput, ProfileRef, ProfileView, MAX_CHARACTERS};
use crate::domain::TierSpec;

/// Creates or edits a profile.
#[component]
pub(super) fn ProfileForm(
    tier: &'static TierSpec,
    id: Option<String>,
    initial: ProfileInput,
    on_done: Callback<()>,
) -> impl IntoView {
    let changed = expect_context::<Changed>();
    let save = ServerAction::<SaveProfile>::new();
    on_success(save, move |_: &String| {
        changed.bump();
        on_done.run(());
    });
    let fields = RwSignal::new(initial);
    let field = move |label: &'static str,
                      name: &'static str,
                      hint: &'static str,
                      get: fn(&ProfileInput) -> &String,
                      set: fn(&mut ProfileInput, String)| {
        let input_id = format!("profile-{name}");
        view! {
            <label for=input_id.clone()>{label}</label>
            <input
                id=input_id
                name=name
                type="text"
                placeholder=hint
                prop:value=move || fields.with(|f| get(f).clone())
                on:input=move |ev| fields.update(|f| set(f, event_target_value(&ev)))
            />
        }
    };
    let heading = if id.is_some() {
        "Edit profile"
    } else {
        "New profile"
    };
    view! {
        <form
            class="profile-form"
            on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(SaveProfile {
                    tier: tier.name.to_owned(),
                    id: id.clone(),
                    input: fields.get_untracked(),
                });
            }
        >
            <h2>{heading}</h2>
            {field("Profile name", "display_name", "The Lee family", |f| &f.display_name, |f, v| f.display_name = v)}
            {field("Favourite themes (comma-separated)", "themes", "space, dragons, the seaside", |f| &f.themes, |f, v| f.themes = v)}
            {field("Art style", "art_style", "soft watercolour", |f| &f.art_style, |f, v| f.art_style = v)}
            {field("Tone", "tone", "cosy and funny", |f| &f.tone, |f, v| f.tone = v)}
            {field("Favourite story elements (comma-separated)", "favourite_elements", "treehouses, secret maps", |f| &f.favourite_elements, |f, v| f.favourite_elements = v)}
            <ActionError value=save.value()/>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || save.pending().get()>
                    "Save profile"
                </button>
                <button type="button" class="button" on:click=move |_| on_done.run(())>
                    "Cancel"
                </button>
            </div>
        </form>
    }
    .into_any()
}

/// The profile's preferences, one line each, leaving out the empty ones.
fn profile_summary(profile: &ProfileView) -> Vec<String> {
    [
        (!profile.themes.is_empty()).then(|| format!("Themes: {}", profile.themes.join(", "))),
        (!profile.art_style.is_empty()).then(|| format!("Art style: {}", profile.art_style)),
        (!profile.tone.is_empty()).then(|| format!("Tone: {}", profile.tone)),
        (!profile.favourite_elements.is_empty())
            .then(|| format!("Loves: {}", profile.favourite_elements.join(", "))),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[component]
pub(super) fn ProfileCard(
    tier: &'static TierSpec,
    profile: ProfileView,
    others: Vec<ProfileRef>,
) -> impl IntoView {
    let changed = expect_context::<Changed>();
    let editing = RwSignal::new(false);
    let remove = ServerAction::<DeleteProfile>::new();
    on_success(remove, move |_: &()| changed.bump());
    let initial = profile.to_input();
    let count = profile.characters.len();
    let id = profile.id.clone();
    let delete_id = profile.id.clone();
    let name = profile.display_name.clone();
    let summary = profile_summary(&profile);
    let link_choices: Vec<ProfileRef> = others
        .into_iter()
        .filter(|other| other.id != profile.id)
        .collect();
    let characters = profile.characters.clone();
    view! {
        <section class="profile-card" data-profile=profile.id.clone()>
            <Show
                when=move || editing.get()
                fallback=move || {
                    view! {
                        <h2 class="profile-name">{profile.display_name.clone()}</h2>
                        <ul class="profile-summary">
                            {summary.clone().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                        </ul>
                    }
                }
            >
                <ProfileForm
                    tier
                    id=Some(id.clone())
                    initial=initial.clone()
                    on_done=Callback::new(move |_| editing.set(false))
                />
            </Show>
            <div class="actions">
                <button type="button" class="button" on:click=move |_| editing.set(true)>
                    "Edit profile"
                </button>
                <ConfirmDelete
                    label="Delete profile"
                    question=format!("Delete {name} with its {count} characters and their photos?")
                    pending=remove.pending()
                    on_confirm=Callback::new(move |_| {
                        remove.dispatch(DeleteProfile {
                            tier: tier.name.to_owned(),
                            id: delete_id.clone(),
                        });
                    })
                />
            </div>
            <ActionError value=remove.value()/>
            <h3>{format!("Characters ({count} of {MAX_CHARACTERS})")}</h3>
            <CharacterList tier profile_id=profile.id.clone() characters link_choices=link_choices.clone()/>
            {(count < MAX_CHARACTERS)
                .then(|| view! { <NewCharacter tier profile_id=profile.id.clone() link_choices=link_choices.clone()/> })}
        </section>
    }
    .into_any()
}
