//! The scene's illustration: a placeholder with progress while it is made, then the
//! picture; a failure is a non-blocking note with Retry. The status is polled through a
//! server function until it is final; the story never waits for it.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::story::{image_status, retry_image};
use crate::domain::media::{MediaStatus, MediaView};

const POLL_EVERY: Duration = Duration::from_millis(1000);

#[component]
pub fn SceneImage(
    tier: &'static str,
    story_id: String,
    scene_id: String,
    initial: MediaView,
) -> impl IntoView {
    let media = RwSignal::new(initial);
    let broken = RwSignal::new(false);
    let ids = (tier.to_owned(), story_id, scene_id);
    let poll_ids = ids.clone();
    // Effects run only in the browser, where the interval lives.
    Effect::new(move || {
        let ids = poll_ids.clone();
        let handle = set_interval_with_handle(
            move || {
                if media.get_untracked().status.is_final() {
                    return;
                }
                let (tier, story, scene) = ids.clone();
                leptos::task::spawn_local(async move {
                    if let Ok(Some(view)) = image_status(tier, story, scene).await {
                        media.set(view);
                    }
                });
            },
            POLL_EVERY,
        )
        .ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
    });
    let retry = move |_| {
        let (tier, story, scene) = ids.clone();
        media.set(MediaView {
            status: MediaStatus::Pending,
            url: None,
            error: None,
        });
        leptos::task::spawn_local(async move {
            if let Err(error) = retry_image(tier, story, scene).await {
                media.set(MediaView {
                    status: MediaStatus::Failed,
                    url: None,
                    error: Some(error.to_string()),
                });
            }
        });
    };
    view! {
        <figure class="scene-image-frame" data-status=move || format!("{:?}", media.read().status).to_lowercase()>
            {move || {
                let view = media.get();
                match (view.status, view.url) {
                    (MediaStatus::Complete, Some(url)) if !broken.get() => {
                        view! {
                            <img class="scene-image" src=url alt="Illustration of this scene" on:error=move |_| broken.set(true)/>
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
                                <button type="button" class="retry" on:click=retry.clone()>
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
