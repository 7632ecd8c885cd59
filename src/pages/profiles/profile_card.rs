//! A profile's card: its preferences, the roster characters it brings, edit and delete.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{on_success, show_refusal, Changed, Refusal, RosterNames};
use crate::api::profiles::{DeleteProfile, SaveProfile};
use crate::components::{confirm::Confirm, disclosure::Disclosure, resource_view::ActionError};
use crate::domain::form::Picked;
use crate::domain::profile::{ProfileInput, ProfileView};
use crate::domain::TierSpec;

/// Creates or edits a profile, inside the disclosure `open`: saved, it closes. Posted as a
/// plain form (before the app has started, or without JavaScript) it comes back to the page.
#[component]
pub(super) fn ProfileForm(
    tier: &'static TierSpec,
    id: Option<String>,
    initial: ProfileInput,
    open: RwSignal<bool>,
) -> impl IntoView {
    let changed = expect_context::<Changed>();
    let save = ServerAction::<SaveProfile>::new();
    let refusal = Refusal::read::<SaveProfile>(&[("id", id.as_deref())]);
    show_refusal(save, open, &refusal);
    on_success(save, move |_: &String| {
        changed.bump();
        open.set(false);
    });
    let initial = match refusal.typed {
        Some(typed) => {
            let text = |name: &str| typed.text(&format!("input[{name}]")).unwrap_or_default();
            ProfileInput {
                display_name: text("display_name"),
                themes: text("themes"),
                art_style: text("art_style"),
                tone: text("tone"),
                favourite_elements: text("favourite_elements"),
                characters: Picked(
                    expect_context::<RosterNames>()
                        .0
                        .iter()
                        .filter(|(id, _)| {
                            typed
                                .text(&Picked::field("input[characters]", id))
                                .is_some()
                        })
                        .map(|(id, _)| id.clone())
                        .collect(),
                ),
            }
        }
        None => initial,
    };
    let fields = RwSignal::new(initial);
    // The new profile's inputs keep the plain ids; an edited one's carry its id.
    let key = id.clone();
    let field = move |label: &'static str,
                      name: &'static str,
                      hint: &'static str,
                      get: fn(&ProfileInput) -> &String,
                      set: fn(&mut ProfileInput, String)| {
        let input_id = match &key {
            Some(id) => format!("profile-{id}-{name}"),
            None => format!("profile-{name}"),
        };
        view! {
            <label for=input_id.clone()>{label}</label>
            <input
                id=input_id
                name=format!("input[{name}]")
                type="text"
                placeholder=hint
                // The attribute for the server's page (a plain post sends it back as it
                // is), the property for the app's.
                value=fields.with_untracked(|f| get(f).clone())
                prop:value=move || fields.with(|f| get(f).clone())
                on:input=move |ev| fields.update(|f| set(f, event_target_value(&ev)))
            />
        }
    };
    let id_field = id.clone();
    let roster = expect_context::<RosterNames>().0;
    let picker = (!roster.is_empty()).then(|| {
        let boxes = roster
            .into_iter()
            .map(|(character, name)| {
                let ticked = fields.with_untracked(|f| f.characters.contains(&character));
                let flip = character.clone();
                view! {
                    <label class="pill">
                        <input
                            type="checkbox"
                            name=Picked::field("input[characters]", &character)
                            checked=ticked
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                fields.update(|f| f.characters.set(&flip, on));
                            }
                        />
                        <span>{name}</span>
                    </label>
                }
            })
            .collect_view();
        view! {
            <fieldset class="pick-characters">
                <legend>"Characters it brings"</legend>
                {boxes}
            </fieldset>
        }
    });
    let heading = if id.is_some() {
        "Edit profile"
    } else {
        "New profile"
    };
    view! {
        <form
            class="profile-form"
            method="post"
            action=SaveProfile::url()
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
            <input type="hidden" name="tier" value=tier.name/>
            {id_field.map(|id| view! { <input type="hidden" name="id" value=id/> })}
            {field("Profile name", "display_name", "The Lee family", |f| &f.display_name, |f, v| f.display_name = v)}
            {field("Favourite themes (comma-separated)", "themes", "space, dragons, the seaside", |f| &f.themes, |f, v| f.themes = v)}
            {field("Art style", "art_style", "soft watercolour", |f| &f.art_style, |f, v| f.art_style = v)}
            {field("Tone", "tone", "cosy and funny", |f| &f.tone, |f, v| f.tone = v)}
            {field("Favourite story elements (comma-separated)", "favourite_elements", "treehouses, secret maps", |f| &f.favourite_elements, |f, v| f.favourite_elements = v)}
            {picker}
            <ActionError value=save.value()/>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || save.pending().get()>
                    "Save profile"
                </button>
                <button type="button" class="button" on:click=move |_| open.set(false)>
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
pub(super) fn ProfileCard(tier: &'static TierSpec, profile: ProfileView) -> impl IntoView {
    let changed = expect_context::<Changed>();
    let editing = RwSignal::new(false);
    let remove = ServerAction::<DeleteProfile>::new();
    on_success(remove, move |_: &()| changed.bump());
    let initial = profile.to_input();
    let id = profile.id.clone();
    let delete_id = profile.id.clone();
    let name = profile.display_name.clone();
    let summary = profile_summary(&profile);
    let roster = expect_context::<RosterNames>().0;
    let brings: Vec<String> = profile
        .characters
        .iter()
        .filter_map(|id| {
            roster
                .iter()
                .find(|(c, _)| c == id)
                .map(|(_, name)| name.clone())
        })
        .collect();
    let parent = crate::components::parent_mode::is_parent();
    let actions = parent.then(|| {
        view! {
            <div class="actions">
                <Disclosure label="Edit profile" class="button edit-profile".to_owned() open=editing>
                    <ProfileForm tier id=Some(id) initial open=editing/>
                </Disclosure>
                <Confirm
                    label="Delete profile"
                    question=format!("Delete the profile {name}? Its characters stay in your characters.")
                    input=DeleteProfile {
                        tier: tier.name.to_owned(),
                        id: delete_id,
                    }
                    pending=remove.pending()
                    on_confirm=Callback::new(move |input| {
                        remove.dispatch(input);
                    })
                />
            </div>
        }
    });
    view! {
        <section class="profile-card" data-profile=profile.id.clone()>
            <h2 class="profile-name">{profile.display_name.clone()}</h2>
            <ul class="profile-summary">
                {summary.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
            </ul>
            <p class="profile-brings">
                {match brings.is_empty() {
                    true => "Brings no characters yet.".to_owned(),
                    false => format!("Brings: {}", brings.join(", ")),
                }}
            </p>
            {actions}
            <ActionError value=remove.value()/>
        </section>
    }
    .into_any()
}
