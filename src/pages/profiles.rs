//! `/{tier}/profiles`: the family's profiles for memory mode — preferences, up to ten
//! characters each, and a reference photo per character (upload, replace, remove).

use leptos::either::Either;
use leptos::prelude::*;

use super::use_tier;
use crate::api::profiles::{
    load_profiles, upload_photo, DeleteCharacter, DeleteProfile, RemovePhoto, SaveCharacter,
    SaveProfile,
};
use crate::components::{
    confirm_delete::ConfirmDelete,
    error_notice::ErrorNotice,
    resource_view::{ActionError, ResourceView},
};
use crate::domain::profile::{
    CharacterInput, CharacterView, PhotoUploaded, ProfileInput, ProfileRef, ProfileView,
    MAX_CHARACTERS,
};
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
            <ResourceView
                resource=profiles
                loading="Loading…"
                render=move |list| view! { <ProfileList tier list/> }
            />
            <NewProfile tier/>
            <p><a href=urls::home(tier.name)>"Back to start a story"</a></p>
        </section>
    }
    .into_any()
}

#[component]
fn ProfileList(tier: &'static TierSpec, list: Vec<ProfileView>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="empty">"No profiles yet. Create the first one below."</p> }
            .into_any();
    }
    let others: Vec<ProfileRef> = list
        .iter()
        .map(|p| ProfileRef {
            id: p.id.clone(),
            display_name: p.display_name.clone(),
        })
        .collect();
    list.into_iter()
        .map(|profile| view! { <ProfileCard tier profile others=others.clone()/> })
        .collect_view()
        .into_any()
}

#[component]
fn NewProfile(tier: &'static TierSpec) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <Show
            when=move || open.get()
            fallback=move || {
                view! {
                    <button type="button" class="button primary new-profile" on:click=move |_| open.set(true)>
                        "New profile"
                    </button>
                }
            }
        >
            <ProfileForm tier id=None initial=ProfileInput::default() on_done=Callback::new(move |_| open.set(false))/>
        </Show>
    }
    .into_any()
}

/// Creates or edits a profile.
#[component]
fn ProfileForm(
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
fn CharacterList(
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
fn ProfileCard(
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

#[component]
fn NewCharacter(
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
fn LinkSelect(fields: RwSignal<CharacterInput>, link_choices: Vec<ProfileRef>) -> impl IntoView {
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
fn CharacterForm(
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
fn CharacterCard(
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
            <CharacterPhoto tier character_id=character.id.clone() photo=character.photo.clone()/>
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

/// The thumbnail (or a placeholder) with upload, replace and remove.
#[component]
fn CharacterPhoto(
    tier: &'static TierSpec,
    character_id: String,
    photo: Option<crate::domain::profile::PhotoView>,
) -> impl IntoView {
    let changed = expect_context::<Changed>();
    let upload = Action::new_local(|form: &leptos::web_sys::FormData| {
        let data = form.clone();
        async move { upload_photo(data.into()).await }
    });
    let remove = ServerAction::<RemovePhoto>::new();
    on_success(remove, move |_: &()| changed.bump());
    // A warning (small photo) stays visible after the list reloads, until the next upload.
    let warnings = expect_context::<PhotoWarnings>().0;
    let warning_key = character_id.clone();
    Effect::new(move || {
        if let Some(Ok(PhotoUploaded { warning, .. })) = upload.value().get() {
            warnings.update(|all| match warning {
                Some(w) => {
                    all.insert(warning_key.clone(), w);
                }
                None => {
                    all.remove(&warning_key);
                }
            });
            changed.bump();
        }
    });
    let shown_key = character_id.clone();
    let warning = move || warnings.with(|all| all.get(&shown_key).cloned());
    let has_photo = photo.is_some();
    let thumbnail = photo.map(|p| p.thumbnail_url);
    let form_id = format!("photo-{character_id}");
    view! {
        <div class="character-photo">
            <PhotoThumbnail url=thumbnail/>
            <form
                class="photo-form"
                id=form_id
                on:submit=move |ev| {
                    ev.prevent_default();
                    if let Some(data) = form_data(&ev) {
                        upload.dispatch_local(data);
                    }
                }
            >
                <input type="hidden" name="tier" value=tier.name/>
                <input type="hidden" name="character_id" value=character_id.clone()/>
                <label>
                    {if has_photo { "Replace photo" } else { "Add a photo" }}
                    <input type="file" name="photo" accept="image/jpeg,image/png" required/>
                </label>
                <button type="submit" class="button upload" disabled=move || upload.pending().get()>
                    "Upload"
                </button>
                {has_photo
                    .then(|| {
                        view! { <RemovePhotoButton tier character_id=character_id.clone() remove/> }
                    })}
            </form>
            <Show when=move || upload.pending().get()>
                <p class="progress" role="status"><span class="spinner"></span>"Checking and saving the photo…"</p>
            </Show>
            {move || warning().map(|w| view! { <p class="warning photo-warning" role="status">{w}</p> })}
            {move || upload.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
            <ActionError value=remove.value()/>
        </div>
    }
}

#[component]
fn PhotoThumbnail(url: Option<String>) -> impl IntoView {
    match url {
        Some(url) => Either::Left(view! {
            <img class="photo-thumbnail" src=url alt="Reference photo" width="96" height="96"/>
        }),
        None => Either::Right(
            view! { <div class="photo-placeholder" aria-label="No photo">"No photo"</div> },
        ),
    }
}

#[component]
fn RemovePhotoButton(
    tier: &'static TierSpec,
    character_id: String,
    remove: ServerAction<RemovePhoto>,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class="button remove-photo"
            disabled=move || remove.pending().get()
            on:click=move |_| {
                remove.dispatch(RemovePhoto {
                    tier: tier.name.to_owned(),
                    character_id: character_id.clone(),
                });
            }
        >
            "Remove photo"
        </button>
    }
}

/// The submitted form's fields (file included), in the browser.
#[cfg(feature = "hydrate")]
fn form_data(ev: &leptos::ev::SubmitEvent) -> Option<leptos::web_sys::FormData> {
    use leptos::wasm_bindgen::JsCast;
    let form = ev.target()?.dyn_into::<web_sys::HtmlFormElement>().ok()?;
    leptos::web_sys::FormData::new_with_form(&form).ok()
}

#[cfg(not(feature = "hydrate"))]
fn form_data(_ev: &leptos::ev::SubmitEvent) -> Option<leptos::web_sys::FormData> {
    None
}
