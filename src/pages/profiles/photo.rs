//! A character's reference photos (up to three): the thumbnails, and for a parent upload
//! (multipart, in the browser) as soon as a file is chosen or dropped on the card, with a
//! preview while it is checked and saved, and Remove on each. Choosing the file is the one
//! action: the Upload button is there only for a browser without the app running (a plain
//! form post). A small photo's warning shows whenever the photo does.

use leptos::either::Either;
use leptos::prelude::*;

use super::{on_success, Changed, PhotoWarnings};
use crate::api::profiles::{upload_photo, RemovePhoto, UPLOAD_PHOTO_PATH};
use crate::components::{
    error_notice::ErrorNotice, post_button::PostButton, resource_view::ActionError,
};
use crate::domain::profile::{PhotoUploaded, PhotoView, MAX_PHOTOS};
use crate::domain::{AppError, TierSpec};
use leptos::server_fn::error::ServerFnUrlError;

/// Why the last upload posted as a plain form (before the app had started, or without
/// JavaScript) was refused: the server sent the browser back here with it in the address.
/// (The app's own uploads show their error on the character's card.)
#[component]
pub(super) fn RefusedUpload() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let error = query.with_untracked(|q| {
        (q.get_str("__path") == Some(UPLOAD_PHOTO_PATH))
            .then(|| {
                q.get_str("__err")
                    .map(ServerFnUrlError::<AppError>::decode_err)
            })
            .flatten()
    });
    error.map(|error| {
        view! {
            <div class="upload-refused">
                <p>"The photo was not saved."</p>
                <ErrorNotice error/>
            </div>
        }
    })
}

/// The thumbnails (or a placeholder) with Add a photo and Remove on each.
#[component]
pub(super) fn CharacterPhoto(
    tier: &'static TierSpec,
    character_id: String,
    photos: Vec<PhotoView>,
    /// Photos on record whose files are gone.
    missing: usize,
) -> impl IntoView {
    let unavailable = (missing > 0).then(|| {
        view! { <p class="hint photos-missing">"Photos unavailable: some of this character's photos are missing on the server. Add them again if you like."</p> }
    });
    if !crate::components::parent_mode::is_parent() {
        let thumbnails = match photos.is_empty() {
            true => view! { <PhotoThumbnail url=None/> }.into_any(),
            false => photos
                .into_iter()
                .map(|p| view! { <PhotoThumbnail url=Some(p.thumbnail_url)/> })
                .collect_view()
                .into_any(),
        };
        return view! { <div class="character-photo"><div class="photo-row">{thumbnails}</div>{unavailable}</div> }
            .into_any();
    }
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
    let stored_warning = photos.iter().find_map(PhotoView::small_warning);
    let warning = move || {
        warnings
            .with(|all| all.get(&shown_key).cloned())
            .or_else(|| stored_warning.clone())
    };
    let room = photos.len() < MAX_PHOTOS;
    let add_label = match photos.len() {
        0 => "Add a photo".to_owned(),
        n => format!("Add another photo ({n} of {MAX_PHOTOS})"),
    };
    let thumbnails = match photos.is_empty() {
        true => view! { <PhotoThumbnail url=None/> }.into_any(),
        false => photos
            .into_iter()
            .map(|p| {
                view! {
                    <figure class="photo-slot">
                        <PhotoThumbnail url=Some(p.thumbnail_url)/>
                        <PostButton
                            input=RemovePhoto {
                                tier: tier.name.to_owned(),
                                character_id: character_id.clone(),
                                file: p.file,
                            }
                            label="Remove photo"
                            class="button remove-photo"
                            pending=remove.pending()
                            on_press=Callback::new(move |input| {
                                remove.dispatch(input);
                            })
                        />
                    </figure>
                }
            })
            .collect_view()
            .into_any(),
    };
    let form_id = format!("photo-{character_id}");
    // The chosen file, shown at once while it is checked and saved.
    let preview = RwSignal::new(None::<String>);
    let drop_id = character_id.clone();
    // Once the app runs, choosing the file sends it: the form's own button would send it
    // a second time.
    let app_runs = RwSignal::new(false);
    Effect::new(move || app_runs.set(true));
    let send = move |data: leptos::web_sys::FormData, preview_url: Option<String>| {
        preview.set(preview_url);
        upload.dispatch_local(data);
    };
    view! {
        <div
            class="character-photo"
            on:dragover=move |ev| ev.prevent_default()
            on:drop=move |ev| {
                ev.prevent_default();
                if let Some((data, preview_url)) = dropped_file(&ev, tier.name, &drop_id) {
                    send(data, preview_url);
                }
            }
        >
            <div class="photo-row">
                {thumbnails}
                {move || match (preview.get(), upload.pending().get()) {
                    (Some(url), true) => Some(view! {
                        <img class="photo-preview" src=url alt="The chosen photo" width="96" height="96"/>
                    }),
                    _ => None,
                }}
            </div>
            {unavailable}
            // Posted as a plain multipart form until the app has started (or without
            // JavaScript): the server stores the photo and sends the browser back here.
            <form
                class="photo-form"
                hidden=!room
                id=form_id
                method="post"
                action=UPLOAD_PHOTO_PATH
                enctype="multipart/form-data"
                on:submit=move |ev| {
                    ev.prevent_default();
                    if let Some(data) = form_data(&ev) {
                        send(data, None);
                    }
                }
            >
                <input type="hidden" name="tier" value=tier.name/>
                <input type="hidden" name="character_id" value=character_id.clone()/>
                <label>
                    {add_label}
                    // Only where there is a mouse to drag with (not on a phone).
                    <span class="drop-hint">" (or drop one here)"</span>
                    <input
                        type="file"
                        name="photo"
                        accept="image/jpeg,image/png"
                        required
                        on:change=move |ev| {
                            if let Some((data, preview_url)) = chosen_file(&ev) {
                                send(data, preview_url);
                            }
                        }
                    />
                </label>
                <button
                    type="submit"
                    class="button upload"
                    hidden=move || app_runs.get()
                    disabled=move || upload.pending().get()
                >
                    "Upload"
                </button>
            </form>
            {(!room).then(|| view! {
                <p class="hint">"Three photos, the most a character can have: remove one to add another."</p>
            })}
            <Show when=move || upload.pending().get()>
                <p class="progress" role="status"><span class="spinner"></span>"Checking and saving the photo…"</p>
            </Show>
            {move || warning().map(|w| view! { <p class="warning photo-warning" role="status">{w}</p> })}
            {move || upload.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
            <ActionError value=remove.value()/>
        </div>
    }
    .into_any()
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

/// The form's fields and a preview URL of the file, once a file is chosen in the input.
#[cfg(feature = "hydrate")]
fn chosen_file(ev: &leptos::ev::Event) -> Option<(leptos::web_sys::FormData, Option<String>)> {
    use leptos::wasm_bindgen::JsCast;
    let input = ev
        .target()?
        .dyn_into::<leptos::web_sys::HtmlInputElement>()
        .ok()?;
    let file = input.files()?.get(0)?;
    let form = input.form()?;
    let data = leptos::web_sys::FormData::new_with_form(&form).ok()?;
    Some((
        data,
        leptos::web_sys::Url::create_object_url_with_blob(&file).ok(),
    ))
}

/// A file dropped on the card, as the upload form would send it, with its preview URL.
#[cfg(feature = "hydrate")]
fn dropped_file(
    ev: &leptos::ev::DragEvent,
    tier: &str,
    character_id: &str,
) -> Option<(leptos::web_sys::FormData, Option<String>)> {
    let file = ev.data_transfer()?.files()?.get(0)?;
    let data = leptos::web_sys::FormData::new().ok()?;
    data.append_with_str("tier", tier).ok()?;
    data.append_with_str("character_id", character_id).ok()?;
    data.append_with_blob_and_filename("photo", &file, &file.name())
        .ok()?;
    Some((
        data,
        leptos::web_sys::Url::create_object_url_with_blob(&file).ok(),
    ))
}

// The server renders these handlers but never runs them.
#[cfg(not(feature = "hydrate"))]
fn chosen_file(_: &leptos::ev::Event) -> Option<(leptos::web_sys::FormData, Option<String>)> {
    None
}

#[cfg(not(feature = "hydrate"))]
fn dropped_file(
    _: &leptos::ev::DragEvent,
    _: &str,
    _: &str,
) -> Option<(leptos::web_sys::FormData, Option<String>)> {
    None
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
