//! A character's reference photo: the thumbnail, upload (multipart, in the browser), replace
//! and remove.

use leptos::either::Either;
use leptos::prelude::*;

use super::{on_success, Changed, PhotoWarnings};
use crate::api::profiles::{upload_photo, RemovePhoto};
use crate::components::{error_notice::ErrorNotice, resource_view::ActionError};
use crate::domain::profile::PhotoUploaded;
use crate::domain::TierSpec;

/// The thumbnail (or a placeholder) with upload, replace and remove.
#[component]
pub(super) fn CharacterPhoto(
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
pub(super) fn PhotoThumbnail(url: Option<String>) -> impl IntoView {
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
pub(super) fn RemovePhotoButton(
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

/// The submitted form's fields (file included). Compiled for both targets, as Leptos's
/// `server_fns_axum` example does; only the browser ever runs it (an event handler).
fn form_data(ev: &leptos::ev::SubmitEvent) -> Option<leptos::web_sys::FormData> {
    use leptos::wasm_bindgen::JsCast;
    let form = ev
        .target()?
        .dyn_into::<leptos::web_sys::HtmlFormElement>()
        .ok()?;
    leptos::web_sys::FormData::new_with_form(&form).ok()
}
