//! The scene's one media pane: a square the width of the text that holds the picture, and
//! in video mode the clip in the picture's place once it is ready (the picture as its
//! poster). Everything about the media (progress, failures, Retry, New picture) lives
//! inside that square, on a strip along its bottom (its top in video mode, clear of the
//! player's own controls), so nothing on the page moves while pictures and clips arrive.
//! The story never waits for either. Only a parent is offered what costs money (a new
//! picture or clip, Retry after a final failure), and asked first.

use leptos::prelude::*;

use super::about_picture::AboutPicture;
use super::confirm::Confirm;
use super::error_notice::WhatHappened;
use super::media_status::MediaStatusPoll;
use super::parent_mode::is_parent;
use super::post_button::PostButton;
use crate::domain::media::{MediaStatus, MediaView, INTERRUPTED_SUBMISSION};
use crate::domain::urls;

/// `image`: the picture's status (none in a text-only story); `video`: the clip's (none
/// without video mode). `in_reader`: a saved story's page, where nothing is made anew
/// (no New picture) and pictures load as they scroll into view. `painter`: the image
/// model's name, a quiet caption on the picture.
#[component]
pub fn MediaPane(
    image: Option<MediaStatusPoll>,
    video: Option<MediaStatusPoll>,
    #[prop(optional)] in_reader: bool,
    #[prop(default = None)] painter: Option<String>,
    /// A parent asked for a new look after this scene.
    #[prop(optional)]
    new_look: bool,
) -> impl IntoView {
    let parent = is_parent();
    let controls = Controls {
        parent,
        painter: painter.clone(),
    };
    let picture_broken = RwSignal::new(false);
    let clip_broken = RwSignal::new(false);
    let picture_url = move || {
        image
            .and_then(|p| p.media.read().url.clone())
            .filter(|_| !picture_broken.get())
    };
    let clip_url = move || {
        video
            .and_then(|p| p.media.read().url.clone())
            .filter(|_| !clip_broken.get())
    };
    let stage = move || {
        if let Some(url) = clip_url() {
            return view! {
                <video
                    class="scene-clip"
                    src=url
                    poster=picture_url().map(|p| urls::light_picture(&p, 768))
                    controls
                    playsinline
                    preload=if in_reader { "none" } else { "metadata" }
                    on:error=move |_| clip_broken.set(true)
                ></video>
            }
            .into_any();
        }
        if let Some(url) = picture_url() {
            return view! {
                <img
                    class="scene-image"
                    srcset=urls::picture_srcset(&url)
                    sizes="(max-width: 44rem) 100vw, 40rem"
                    src=url
                    alt="Illustration of this scene"
                    loading=if in_reader { "lazy" } else { "eager" }
                    on:error=move |_| picture_broken.set(true)
                />
            }
            .into_any();
        }
        match (image, video) {
            (Some(poll), _) => picture_placeholder(poll, parent).into_any(),
            (None, Some(poll)) => clip_placeholder(poll, parent).into_any(),
            (None, None) => ().into_any(),
        }
    };
    let same_faces = move || {
        image
            .is_some_and(|p| {
                p.media
                    .read()
                    .drawn_with
                    .as_ref()
                    .is_some_and(|d| d.keeps_faces())
            })
            .then_some(view! { <span class="same-faces">" · Same faces"</span> })
    };
    let caption = painter.map(|name| {
        view! {
            <figcaption class="picture-credit">
                "Picture: " <span class="image-model">{name}</span> {same_faces}
            </figcaption>
        }
    });
    let about = image.map(|poll| {
        view! { <AboutPicture poll offer_new_look=parent && !in_reader asked=new_look/> }
    });
    let picture_controls = controls.clone();
    view! {
        <figure class=if video.is_some() { "media-pane scene-video" } else { "media-pane" }>
            {stage}
            {caption}
            <div class="media-bar">
                {image.map(|poll| view! { <PictureBar poll in_reader controls=picture_controls/> })}
                // A text-only story shows the clip's progress in the square itself.
                {video.filter(|_| image.is_some()).map(|poll| view! { <ClipBar poll in_reader parent/> })}
                {video
                    .filter(|_| image.is_none() && !in_reader && parent)
                    .map(|poll| view! { <ClipButtons poll/> })}
            </div>
        </figure>
        {about}
    }
    // Type-erased: its nested views are deep enough to overflow the compiler's query depth
    // where a page nests it further (the reader).
    .into_any()
}

/// What the pane offers beyond showing: only to a parent.
#[derive(Clone)]
struct Controls {
    parent: bool,
    /// The image model's name, for what a new picture costs.
    painter: Option<String>,
}

/// The square before the picture is there: progress, or why it failed (with Retry for a
/// parent).
fn picture_placeholder(poll: MediaStatusPoll, parent: bool) -> impl IntoView {
    let view = poll.media.get();
    match view.status {
        MediaStatus::Failed => view! {
            <div class="image-failed" role="alert">
                <p>"The picture could not be made."</p>
                <WhatHappened detail=view.error/>
                {parent.then(|| view! { <RetryButton poll label="Retry image"/> })}
            </div>
        }
        .into_any(),
        MediaStatus::Complete => {
            view! { <p class="image-unavailable">"Image unavailable"</p> }.into_any()
        }
        _ => view! {
            <div class="image-pending" role="status">
                <span class="spinner"></span>
                {with_progress("Painting the picture…", view.progress)}
            </div>
        }
        .into_any(),
    }
}

/// The waiting words, with what is happening right now when there is news (a retry).
fn with_progress(waiting: &str, progress: Option<String>) -> String {
    match progress {
        Some(news) => format!("{waiting} {news}."),
        None => waiting.to_owned(),
    }
}

/// The square of a text-only story in video mode, before its clip is there.
fn clip_placeholder(poll: MediaStatusPoll, parent: bool) -> impl IntoView {
    let view = poll.media.get();
    match view.status {
        MediaStatus::Failed => clip_failed(poll, view, parent).into_any(),
        MediaStatus::Complete => ().into_any(),
        _ => view! {
            <div class="video-pending" role="status">
                <span class="spinner"></span>
                {with_progress("Making the video clip… (this can take a minute or two)", view.progress)}
            </div>
        }
        .into_any(),
    }
}

fn clip_failed(poll: MediaStatusPoll, view: MediaView, parent: bool) -> impl IntoView {
    // Its order may have reached the provider: the button says what pressing it may cost.
    let label = match view.error.as_deref() == Some(INTERRUPTED_SUBMISSION) {
        true => "Order the clip again (may cost a second clip)",
        false => "Retry video",
    };
    view! {
        <div class="video-failed" role="alert">
            <p>"The video clip could not be made."</p>
            <WhatHappened detail=view.error/>
            {parent.then(|| view! { <RetryButton poll label/> })}
        </div>
    }
}

/// Under a finished picture: New picture (for a parent), what a new picture's progress is,
/// or why the last attempt failed.
#[component]
fn PictureBar(poll: MediaStatusPoll, in_reader: bool, controls: Controls) -> impl IntoView {
    move || {
        let view = poll.media.get();
        let regenerating = !view.status.is_final() && view.url.is_some();
        let note = match (regenerating, view.status, view.error) {
            (true, _, _) => Some(
                view! {
                    <p class="media-note" role="status">
                        <span class="spinner"></span>
                        "Painting a new picture… the old one stays until it is ready."
                    </p>
                }
                .into_any(),
            ),
            (false, MediaStatus::Complete, Some(note)) => {
                Some(view! { <p class="media-note" role="status">{note}</p> }.into_any())
            }
            _ => None,
        };
        let offered = controls.parent && !in_reader;
        let button =
            (offered && view.status == MediaStatus::Complete && view.url.is_some()).then(|| {
                let question = match &controls.painter {
                    Some(name) => format!(
                        "Make a new picture with {name}? It is paid like the first one; this \
                         one stays until the new one is ready."
                    ),
                    None => "Make a new picture? It is paid like the first one; this one \
                             stays until the new one is ready."
                        .to_owned(),
                };
                view! { <RegenerateButton poll label="New picture" question/> }
            });
        view! { {note} {button} }.into_any()
    }
}

/// Video mode under the picture: the clip's progress or failure, then New clip (for a
/// parent).
#[component]
fn ClipBar(poll: MediaStatusPoll, in_reader: bool, parent: bool) -> impl IntoView {
    move || {
        let view = poll.media.get();
        let line = match (view.status, view.url.is_some()) {
            (MediaStatus::Failed, _) => clip_failed(poll, view, parent).into_any(),
            (MediaStatus::Complete, _) => view
                .error
                .map(|note| view! { <p class="media-note" role="status">{note}</p> })
                .into_any(),
            (_, true) => view! {
                <p class="media-note" role="status">
                    <span class="spinner"></span>
                    "Making a new clip… the old one stays until it is ready."
                </p>
            }
            .into_any(),
            (_, false) => view! {
                <p class="media-note video-pending" role="status">
                    <span class="spinner"></span>
                    {with_progress("Making the video clip… (a minute or two)", view.progress)}
                </p>
            }
            .into_any(),
        };
        view! { {line} {(!in_reader && parent).then(|| view! { <ClipButtons poll/> })} }.into_any()
    }
}

#[component]
fn ClipButtons(poll: MediaStatusPoll) -> impl IntoView {
    move || {
        let view = poll.media.get();
        (view.status == MediaStatus::Complete && view.url.is_some()).then(|| {
            let question = "Make a new video clip with Grok Imagine? A clip costs more than a \
                            picture; this one stays until the new one is ready."
                .to_owned();
            view! { <RegenerateButton poll label="New clip" question/> }
        })
    }
}

/// Queues a failed picture or clip again (a plain form post before the app has started).
#[component]
fn RetryButton(poll: MediaStatusPoll, label: &'static str) -> impl IntoView {
    view! {
        <PostButton
            input=poll.retry_input()
            label
            class="retry"
            on_press=Callback::new(move |_| poll.retry.run(()))
        />
    }
    .into_any()
}

/// Asks for a new picture or clip, after saying what it costs (a plain form post before
/// the app has started).
#[component]
fn RegenerateButton(poll: MediaStatusPoll, label: &'static str, question: String) -> impl IntoView {
    view! {
        <Confirm
            label
            class="regenerate"
            tone="paid"
            question
            yes="Yes, make a new one"
            yes_class="button primary confirm-regenerate"
            no="Keep this one"
            input=poll.regenerate_input()
            pending=Signal::derive(|| false)
            on_confirm=Callback::new(move |_| poll.regenerate.run(()))
        />
    }
    .into_any()
}
