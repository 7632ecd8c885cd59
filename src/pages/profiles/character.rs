//! A character's card and form: name, description, a linked profile, and its photo.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::builder::TraitPicker;
use super::photo::CharacterPhoto;
use super::{on_success, show_refusal, Changed, Refusal};
use crate::api::profiles::{DeleteCharacter, SaveCharacter};
use crate::components::{confirm::Confirm, disclosure::Disclosure, resource_view::ActionError};
use crate::domain::character_traits;
use crate::domain::form::{filled, textarea_html};
use crate::domain::profile::{CharacterInput, CharacterView, ProfileRef};
use crate::domain::TierSpec;

#[component]
pub(super) fn CharacterList(
    tier: &'static TierSpec,
    profile_id: String,
    characters: Vec<CharacterView>,
    link_choices: Vec<ProfileRef>,
) -> impl IntoView {
    let cards = characters
        .into_iter()
        .map(|character| {
            view! {
                <CharacterCard
                    tier
                    profile_id=profile_id.clone()
                    character
                    link_choices=link_choices.clone()
                />
            }
        })
        .collect_view();
    view! { <div class="characters">{cards}</div> }
}

#[component]
pub(super) fn NewCharacter(
    tier: &'static TierSpec,
    profile_id: String,
    link_choices: Vec<ProfileRef>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <Disclosure label="Add a character" class="button add-character".to_owned() open>
            <CharacterForm
                tier
                profile_id
                character_id=None
                initial=CharacterInput::default()
                link_choices
                open
            />
        </Disclosure>
    }
}

/// "Also bring the characters of" another profile of this tier.
#[component]
pub(super) fn LinkSelect(
    fields: RwSignal<CharacterInput>,
    link_choices: Vec<ProfileRef>,
) -> impl IntoView {
    let options = link_choices
        .into_iter()
        .map(|p| {
            let chosen = fields.with_untracked(|f| f.linked_profile_id.as_ref() == Some(&p.id));
            view! { <option value=p.id selected=chosen>{p.display_name}</option> }
        })
        .collect_view();
    view! {
        <label>
            "Also bring the characters of"
            <select
                name="input[linked_profile_id]"
                prop:value=move || fields.with(|f| f.linked_profile_id.clone().unwrap_or_default())
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    fields.update(|f| f.linked_profile_id = Some(v).filter(|v| !v.is_empty()));
                }
            >
                <option value="">"(no other profile)"</option>
                {options}
            </select>
        </label>
    }
}

#[component]
pub(super) fn CharacterForm(
    tier: &'static TierSpec,
    profile_id: String,
    character_id: Option<String>,
    initial: CharacterInput,
    link_choices: Vec<ProfileRef>,
    /// The disclosure the form is in: saved, it closes.
    open: RwSignal<bool>,
) -> impl IntoView {
    let changed = expect_context::<Changed>();
    let save = ServerAction::<SaveCharacter>::new();
    let refusal = Refusal::read::<SaveCharacter>(&[
        ("profile_id", Some(&profile_id)),
        ("character_id", character_id.as_deref()),
    ]);
    show_refusal(save, open, &refusal);
    on_success(save, move |_: &String| {
        changed.bump();
        open.set(false);
    });
    let initial = match refusal.typed {
        Some(typed) => CharacterInput {
            name: typed.text("input[name]").unwrap_or_default(),
            description: typed.text("input[description]").unwrap_or_default(),
            linked_profile_id: filled(typed.text("input[linked_profile_id]")),
            traits: character_traits::GROUPS
                .iter()
                .filter_map(|g| {
                    let picked = typed.text(&format!("input[traits][{}]", g.key))?;
                    Some((g.key.to_owned(), picked))
                })
                .collect(),
        },
        None => initial,
    };
    let fields = RwSignal::new(initial);
    let hidden = [
        ("tier", Some(tier.name.to_owned())),
        ("profile_id", Some(profile_id.clone())),
        ("character_id", character_id.clone()),
    ]
    .into_iter()
    .filter_map(|(name, value)| {
        value.map(|value| view! { <input type="hidden" name=name value=value/> })
    })
    .collect_view();
    // Posted as a plain form until the app has started (or without JavaScript).
    view! {
        <form
            class="character-form"
            method="post"
            action=SaveCharacter::url()
            on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(SaveCharacter {
                    tier: tier.name.to_owned(),
                    profile_id: profile_id.clone(),
                    character_id: character_id.clone(),
                    input: fields.get_untracked(),
                });
            }
        >
            {hidden}
            <label>
                "Name"
                <input
                    name="input[name]"
                    type="text"
                    placeholder="Mia"
                    value=fields.with_untracked(|f| f.name.clone())
                    prop:value=move || fields.with(|f| f.name.clone())
                    on:input=move |ev| fields.update(|f| f.name = event_target_value(&ev))
                />
            </label>
            <TraitPicker fields/>
            <label>
                "Description"
                <textarea
                    name="input[description]"
                    rows="2"
                    placeholder="Six years old, curly red hair, loves her yellow wellies"
                    prop:value=move || fields.with(|f| f.description.clone())
                    on:input=move |ev| fields.update(|f| f.description = event_target_value(&ev))
                    inner_html=fields.with_untracked(|f| textarea_html(&f.description))
                ></textarea>
            </label>
            {(!link_choices.is_empty()).then(|| view! { <LinkSelect fields link_choices/> })}
            <ActionError value=save.value()/>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || save.pending().get()>
                    "Save character"
                </button>
                <button type="button" class="button" on:click=move |_| open.set(false)>
                    "Cancel"
                </button>
            </div>
        </form>
    }
    .into_any()
}

#[component]
pub(super) fn CharacterCard(
    tier: &'static TierSpec,
    profile_id: String,
    character: CharacterView,
    link_choices: Vec<ProfileRef>,
) -> impl IntoView {
    let changed = expect_context::<Changed>();
    let editing = RwSignal::new(false);
    let remove = ServerAction::<DeleteCharacter>::new();
    on_success(remove, move |_: &()| changed.bump());
    let initial = CharacterInput {
        name: character.name.clone(),
        description: character.description.clone(),
        linked_profile_id: character.linked_profile.as_ref().map(|p| p.id.clone()),
        traits: character.traits.clone(),
    };
    let id = character.id.clone();
    let delete_id = character.id.clone();
    let character_name = character.name.clone();
    let parent = crate::components::parent_mode::is_parent();
    let linked = character
        .linked_profile
        .as_ref()
        .map(|p| view! { <p class="linked">{format!("Brings the characters of {}", p.display_name)}</p> });
    view! {
        <article class="character-card" data-character=character.id.clone()>
            <h4 class="character-name">{character.name.clone()}</h4>
            <p class="character-description">{character.description.clone()}</p>
            {linked}
            <CharacterPhoto tier character_id=character.id.clone() photo=character.photo.clone()/>
            {parent.then(|| view! {
            <div class="actions">
                <Disclosure label="Edit" class="button edit-character".to_owned() open=editing>
                    <CharacterForm
                        tier
                        profile_id
                        character_id=Some(id)
                        initial
                        link_choices
                        open=editing
                    />
                </Disclosure>
                <Confirm
                    label="Remove character"
                    class="delete-character"
                    question=format!("Remove {} and their photo?", character_name)
                    input=DeleteCharacter {
                        tier: tier.name.to_owned(),
                        id: delete_id,
                    }
                    pending=remove.pending()
                    on_confirm=Callback::new(move |input| {
                        remove.dispatch(input);
                    })
                />
            </div>
            })}
            <ActionError value=remove.value()/>
        </article>
    }
    .into_any()
}
