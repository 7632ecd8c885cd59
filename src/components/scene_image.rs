//! The scene's illustration: a placeholder with progress while it is made, then the
//! picture; a failure is a non-blocking note with Retry. The story never waits for it.

use leptos::prelude::*;

use super::media_status::MediaStatusPoll;
use crate::domain::media::MediaStatus;

/// `poll` follows the image (made by the page, which also gives the picture to the clip
/// as its poster).
#[component]
pub fn SceneImage(poll: MediaStatusPoll) -> impl IntoView {
    let media = poll.media;
    let retry = move |_| poll.retry.run(());
    let broken = RwSignal::new(false);
    view! {
        <figure class="scene-image-frame" data-status=move || media.read().status.key()>
            {move || {
                let view = media.get();
                match (view.status, view.url) {
                    (MediaStatus::Complete, Some(url)) if !broken.get() => {
                        view! {
                            <img class="scene-image" src=url alt="Illustration of this scene" on:error=move |_| broken.set(true)/>
                            {view.error.map(|note| view! { <p class="media-note" role="status">{note}</p> })}
                            <button type="button" class="regenerate" on:click=move |_| poll.regenerate.run(())>
                                "Regenerate"
                            </button>
                        }
                            .into_any()
                    }
                    // A new picture is being made: the old one stays until it is ready.
                    (MediaStatus::Pending | MediaStatus::Generating, Some(url)) if !broken.get() => {
                        view! {
                            <img class="scene-image" src=url alt="Illustration of this scene"/>
                            <p class="media-note regenerating" role="status">
                                <span class="spinner"></span>
                                "Painting a new picture… the old one stays until it is ready."
                            </p>
                        }
                            .into_any()
                    }
                    (MediaStatus::Complete, _) => {
                        view! { <p class="image-unavailable">"Image unavailable"</p> }.into_any()
                    }
                    (MediaStatus::Failed, _) => {
                        view! {
                            <div class="image-failed" role="alert">
                                <p>
                                    "The picture could not be made. "
                                    {view.error.unwrap_or_default()}
                                </p>
                                <button type="button" class="retry" on:click=retry>
                                    "Retry image"
                                </button>
                            </div>
                        }
                            .into_any()
                    }
                    _ => {
                        view! {
                            <div class="image-pending" role="status">
                                <span class="spinner"></span>
                                "Painting the picture…"
                            </div>
                        }
                            .into_any()
                    }
                }
            }}
        </figure>
    }
}
