//! A roster character's card and form: name, description (typed or picked with the
//! builder), and its photos.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::builder::TraitPicker;
use super::photo::CharacterPhoto;
use super::{on_success, show_refusal, Changed, Refusal};
use crate::api::profiles::{DeleteCharacter, SaveCharacter};
use crate::components::{confirm::Confirm, disclosure::Disclosure, resource_view::ActionError};
use crate::domain::character_traits;
use crate::domain::form::textarea_html;
use crate::domain::profile::{CharacterInput, CharacterView};
use crate::domain::TierSpec;

#[component]
pub(super) fn CharacterList(
    tier: &'static TierSpec,
    characters: Vec<CharacterView>,
) -> impl IntoView {
    let cards = characters
        .into_iter()
        .map(|character| view! { <CharacterCard tier character/> })
        .collect_view();
    view! { <div class="characters">{cards}</div> }
}

#[component]
pub(super) fn NewCharacter(tier: &'static TierSpec) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <div class="new-character">
            <Disclosure label="Add a character" class="button add-character".to_owned() open>
                <CharacterForm tier character_id=None initial=CharacterInput::default() open/>
            </Disclosure>
        </div>
    }
}

#[component]
pub(super) fn CharacterForm(
    tier: &'static TierSpec,
    character_id: Option<String>,
    initial: CharacterInput,
    /// The disclosure the form is in: saved, it closes.
    open: RwSignal<bool>,
) -> impl IntoView {
    let changed = expect_context::<Changed>();
    let save = ServerAction::<SaveCharacter>::new();
    let refusal = Refusal::read::<SaveCharacter>(&[("character_id", character_id.as_deref())]);
    show_refusal(save, open, &refusal);
    on_success(save, move |_: &String| {
        changed.bump();
        open.set(false);
    });
    let initial = match refusal.typed {
        Some(typed) => CharacterInput {
            name: typed.text("input[name]").unwrap_or_default(),
            description: typed.text("input[description]").unwrap_or_default(),
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
pub(super) fn CharacterCard(tier: &'static TierSpec, character: CharacterView) -> impl IntoView {
    let changed = expect_context::<Changed>();
    let editing = RwSignal::new(false);
    let remove = ServerAction::<DeleteCharacter>::new();
    on_success(remove, move |_: &()| changed.bump());
    let initial = CharacterInput {
        name: character.name.clone(),
        description: character.description.clone(),
        traits: character.traits.clone(),
    };
    let id = character.id.clone();
    let delete_id = character.id.clone();
    let character_name = character.name.clone();
    let parent = crate::components::parent_mode::is_parent();
    view! {
        <article class="character-card" data-character=character.id.clone()>
            <h4 class="character-name">{character.name.clone()}</h4>
            <p class="character-description">{character.description.clone()}</p>
            <CharacterPhoto
                tier
                character_id=character.id.clone()
                photos=character.photos.clone()
                missing=character.photos_missing
            />
            {parent.then(|| view! {
            <div class="actions">
                <Disclosure label="Edit" class="button edit-character".to_owned() open=editing>
                    <CharacterForm tier character_id=Some(id) initial open=editing/>
                </Disclosure>
                <Confirm
                    label="Remove character"
                    class="delete-character"
                    question=format!("Remove {} and their photos? Profiles and the family forget them too; stories already made keep them.", character_name)
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
