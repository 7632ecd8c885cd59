//! The scene's one media pane: a square the width of the text that holds the picture, and
//! in video mode the clip in the picture's place once it is ready (the picture as its
//! poster). Everything about the media (progress, failures, Retry, Regenerate) lives inside
//! that square, on a strip along its bottom, so nothing on the page moves while pictures and
//! clips arrive. The story never waits for either.

use leptos::prelude::*;

use super::media_status::MediaStatusPoll;
use super::post_button::PostButton;
use crate::domain::media::{MediaStatus, MediaView, INTERRUPTED_SUBMISSION};
use crate::domain::urls;

/// `image`: the picture's status (none in a text-only story); `video`: the clip's (none
/// without video mode). `in_reader`: a saved story's page, where nothing is made anew
/// (no Regenerate) and pictures load as they scroll into view.
#[component]
pub fn MediaPane(
    image: Option<MediaStatusPoll>,
    video: Option<MediaStatusPoll>,
    #[prop(optional)] in_reader: bool,
) -> impl IntoView {
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
            (Some(poll), _) => picture_placeholder(poll).into_any(),
            (None, Some(poll)) => clip_placeholder(poll).into_any(),
            (None, None) => ().into_any(),
        }
    };
    view! {
        <figure class=if video.is_some() { "media-pane scene-video" } else { "media-pane" }>
            {stage}
            <div class="media-bar">
                {image.map(|poll| view! { <PictureBar poll in_reader/> })}
                // A text-only story shows the clip's progress in the square itself.
                {video.filter(|_| image.is_some()).map(|poll| view! { <ClipBar poll in_reader/> })}
                {video
                    .filter(|_| image.is_none() && !in_reader)
                    .map(|poll| view! { <ClipButtons poll/> })}
            </div>
        </figure>
    }
    // Type-erased: its nested views are deep enough to overflow the compiler's query depth
    // where a page nests it further (the reader).
    .into_any()
}

/// The square before the picture is there: progress, or why it failed with Retry.
fn picture_placeholder(poll: MediaStatusPoll) -> impl IntoView {
    let view = poll.media.get();
    match view.status {
        MediaStatus::Failed => view! {
            <div class="image-failed" role="alert">
                <p>"The picture could not be made. " {view.error.unwrap_or_default()}</p>
                <RetryButton poll label="Retry image"/>
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
fn clip_placeholder(poll: MediaStatusPoll) -> impl IntoView {
    let view = poll.media.get();
    match view.status {
        MediaStatus::Failed => clip_failed(poll, view).into_any(),
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

fn clip_failed(poll: MediaStatusPoll, view: MediaView) -> impl IntoView {
    // Its order may have reached the provider: the button says what pressing it may cost.
    let label = match view.error.as_deref() == Some(INTERRUPTED_SUBMISSION) {
        true => "Order the clip again (may cost a second clip)",
        false => "Retry video",
    };
    view! {
        <div class="video-failed" role="alert">
            <p>"The video clip could not be made. " {view.error.unwrap_or_default()}</p>
            <RetryButton poll label/>
        </div>
    }
}

/// Under a finished picture: Regenerate, what a new picture's progress is, or why the last
/// attempt failed.
#[component]
fn PictureBar(poll: MediaStatusPoll, in_reader: bool) -> impl IntoView {
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
        let button = (!in_reader && view.status == MediaStatus::Complete && view.url.is_some())
            .then(|| {
                view! { <RegenerateButton poll label="Regenerate"/> }
            });
        view! { {note} {button} }.into_any()
    }
}

/// Video mode under the picture: the clip's progress or failure, then Regenerate clip.
#[component]
fn ClipBar(poll: MediaStatusPoll, in_reader: bool) -> impl IntoView {
    move || {
        let view = poll.media.get();
        let line = match (view.status, view.url.is_some()) {
            (MediaStatus::Failed, _) => clip_failed(poll, view).into_any(),
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
        view! { {line} {(!in_reader).then(|| view! { <ClipButtons poll/> })} }.into_any()
    }
}

#[component]
fn ClipButtons(poll: MediaStatusPoll) -> impl IntoView {
    move || {
        let view = poll.media.get();
        (view.status == MediaStatus::Complete && view.url.is_some()).then(|| {
            view! { <RegenerateButton poll label="Regenerate clip"/> }
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

/// Asks for a new picture or clip (a plain form post before the app has started).
#[component]
fn RegenerateButton(poll: MediaStatusPoll, label: &'static str) -> impl IntoView {
    view! {
        <PostButton
            input=poll.regenerate_input()
            label
            class="regenerate"
            on_press=Callback::new(move |_| poll.regenerate.run(()))
        />
    }
    .into_any()
}
