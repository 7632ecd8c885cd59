//! The scene's clip in video mode, below the picture: progress while it is made, then an
//! inline player with the picture as poster; a failure is a non-blocking note with its own
//! Retry (the picture and the story stay usable). A clip lost on disk shows nothing.

use leptos::prelude::*;

use super::media_status::use_media_status;
use crate::domain::media::{MediaKind, MediaStatus, MediaView};

#[component]
pub fn SceneVideo(
    tier: &'static str,
    story_id: String,
    scene_id: String,
    initial: MediaView,
    /// The scene picture, shown before the clip plays.
    #[prop(into)]
    poster: Signal<Option<String>>,
) -> impl IntoView {
    let poll = use_media_status(tier, story_id, scene_id, MediaKind::Video, initial);
    let media = poll.media;
    let broken = RwSignal::new(false);
    view! {
        <div class="scene-video" data-status=move || media.read().status.key()>
            {move || {
                let view = media.get();
                match (view.status, view.url) {
                    (MediaStatus::Complete, Some(url)) if !broken.get() => {
                        view! {
                            <video
                                class="scene-clip"
                                src=url
                                poster=move || poster.get()
                                controls
                                playsinline
                                preload="metadata"
                                on:error=move |_| broken.set(true)
                            ></video>
                            {view.error.map(|note| view! { <p class="media-note" role="status">{note}</p> })}
                            <button type="button" class="regenerate" on:click=move |_| poll.regenerate.run(())>
                                "Regenerate clip"
                            </button>
                        }
                            .into_any()
                    }
                    // A new clip is being made: the old one stays until it is stored.
                    (MediaStatus::Pending | MediaStatus::Generating, Some(url)) if !broken.get() => {
                        view! {
                            <video
                                class="scene-clip"
                                src=url
                                poster=move || poster.get()
                                controls
                                playsinline
                                preload="metadata"
                            ></video>
                            <p class="media-note regenerating" role="status">
                                <span class="spinner"></span>
                                "Making a new clip… the old one stays until it is ready (a minute or two)."
                            </p>
                        }
                            .into_any()
                    }
                    // Complete but the file is gone or damaged: no player, no error.
                    (MediaStatus::Complete, _) => ().into_any(),
                    (MediaStatus::Failed, _) => {
                        view! {
                            <div class="video-failed" role="alert">
                                <p>
                                    "The video clip could not be made. "
                                    {view.error.unwrap_or_default()}
                                </p>
                                <button type="button" class="retry" on:click=move |_| poll.retry.run(())>
                                    "Retry video"
                                </button>
                            </div>
                        }
                            .into_any()
                    }
                    _ => {
                        view! {
                            <div class="video-pending" role="status">
                                <span class="spinner"></span>
                                "Making the video clip… (this can take a minute or two)"
                            </div>
                        }
                            .into_any()
                    }
                }
            }}
        </div>
    }
}
