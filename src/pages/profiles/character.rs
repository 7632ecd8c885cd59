//! A character's card and form: name, description, a linked profile, and its photo.

use leptos::prelude::*;

use super::photo::CharacterPhoto;
use super::{on_success, Changed};
use crate::api::profiles::{DeleteCharacter, SaveCharacter};
use crate::components::{confirm_delete::ConfirmDelete, resource_view::ActionError};
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
        <Show
            when=move || open.get()
            fallback=move || {
                view! {
                    <button type="button" class="button add-character" on:click=move |_| open.set(true)>
                        "Add a character"
                    </button>
                }
            }
        >
            <CharacterForm
                tier
                profile_id=profile_id.clone()
                character_id=None
                initial=CharacterInput::default()
                link_choices=link_choices.clone()
                on_done=Callback::new(move |_| open.set(false))
            />
        </Show>
    }
    .into_any()
}

/// "Also bring the characters of" another profile of this tier.
#[component]
pub(super) fn LinkSelect(
    fields: RwSignal<CharacterInput>,
    link_choices: Vec<ProfileRef>,
) -> impl IntoView {
    let options = link_choices
        .into_iter()
        .map(|p| view! { <option value=p.id>{p.display_name}</option> })
        .collect_view();
    view! {
        <label>
            "Also bring the characters of"
            <select
                name="linked_profile_id"
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
    on_done: Callback<()>,
) -> impl IntoView {
    let changed = expect_context::<Changed>();
    let save = ServerAction::<SaveCharacter>::new();
    on_success(save, move |_: &String| {
        changed.bump();
        on_done.run(());
    });
    let fields = RwSignal::new(initial);
    view! {
        <form
            class="character-form"
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
            <label>
                "Name"
                <input
                    name="name"
                    type="text"
                    placeholder="Mia"
                    prop:value=move || fields.with(|f| f.name.clone())
                    on:input=move |ev| fields.update(|f| f.name = event_target_value(&ev))
                />
            </label>
            <label>
                "Description"
                <textarea
                    name="description"
                    rows="2"
                    placeholder="Six years old, curly red hair, loves her yellow wellies"
                    prop:value=move || fields.with(|f| f.description.clone())
                    on:input=move |ev| fields.update(|f| f.description = event_target_value(&ev))
                ></textarea>
            </label>
            {(!link_choices.is_empty()).then(|| view! { <LinkSelect fields link_choices/> })}
            <ActionError value=save.value()/>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || save.pending().get()>
                    "Save character"
                </button>
                <button type="button" class="button" on:click=move |_| on_done.run(())>
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
    };
    let id = character.id.clone();
    let delete_id = character.id.clone();
    let character_name = character.name.clone();
    let linked = character
        .linked_profile
        .as_ref()
        .map(|p| view! { <p class="linked">{format!("Brings the characters of {}", p.display_name)}</p> });
    view! {
        <article class="character-card" data-character=character.id.clone()>
            <Show
                when=move || editing.get()
                fallback=move || {
                    view! {
                        <h4 class="character-name">{character.name.clone()}</h4>
                        <p class="character-description">{character.description.clone()}</p>
                        {linked.clone()}
                    }
                }
            >
                <CharacterForm
                    tier
                    profile_id=profile_id.clone()
                    character_id=Some(id.clone())
                    initial=initial.clone()
                    link_choices=link_choices.clone()
                    on_done=Callback::new(move |_| editing.set(false))
                />
            </Show>
            <CharacterPhoto tier character_id=character.id.clone() photo=character.photo.clone()/>
            <div class="actions">
                <button type="button" class="button" on:click=move |_| editing.set(true)>
                    "Edit"
                </button>
                <ConfirmDelete
                    label="Remove character"
                    class="delete-character"
                    question=format!("Remove {} and their photo?", character_name)
                    pending=remove.pending()
                    on_confirm=Callback::new(move |_| {
                        remove.dispatch(DeleteCharacter {
                            tier: tier.name.to_owned(),
                            id: delete_id.clone(),
                        });
                    })
                />
            </div>
            <ActionError value=remove.value()/>
        </article>
    }
    .into_any()
}
