//! The scene's illustration: a placeholder with progress while it is made, then the
//! picture; a failure is a non-blocking note with Retry. The story never waits for it.
//!
//! The status comes from a browser-side resource: each round is one status call that the
//! server holds open until the image is final (or about ten seconds pass); the next round
//! is scheduled only while the status is not final, so polling stops by itself.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::story::{image_status, retry_image, STATUS_WAIT_MAX_MS};
use crate::domain::media::{MediaStatus, MediaView};

/// Pause between rounds after an answer (the server already waited) and after an error.
const NEXT_ROUND: Duration = Duration::from_millis(50);
const AFTER_ERROR: Duration = Duration::from_secs(2);

#[component]
pub fn SceneImage(
    tier: &'static str,
    story_id: String,
    scene_id: String,
    initial: MediaView,
) -> impl IntoView {
    let media = RwSignal::new(initial);
    let broken = RwSignal::new(false);
    // Round 0 is the server-rendered status; each later round asks again.
    let round = RwSignal::new(0u32);
    let ids = (tier.to_owned(), story_id, scene_id);
    let poll_ids = ids.clone();
    let status = LocalResource::new(move || {
        let round = round.get();
        let (tier, story, scene) = poll_ids.clone();
        async move {
            if round == 0 {
                return None;
            }
            Some(image_status(tier, story, scene, STATUS_WAIT_MAX_MS).await)
        }
    });
    Effect::new(move || {
        let Some(answer) = status.get() else {
            return;
        };
        let delay = match answer {
            Some(Ok(Some(view))) => {
                media.set(view);
                NEXT_ROUND
            }
            Some(Err(_)) => AFTER_ERROR,
            Some(Ok(None)) | None => NEXT_ROUND,
        };
        if !media.get_untracked().status.is_final() {
            // The page may be gone by then: `try_update` is a no-op on a disposed signal.
            set_timeout(
                move || {
                    round.try_update(|r| *r += 1);
                },
                delay,
            );
        }
    });
    let retry = move |_| {
        let (tier, story, scene) = ids.clone();
        media.set(MediaView {
            status: MediaStatus::Pending,
            url: None,
            error: None,
        });
        leptos::task::spawn_local(async move {
            match retry_image(tier, story, scene).await {
                // Polling had stopped at "failed": start the rounds again.
                Ok(()) => round.update(|r| *r += 1),
                Err(error) => media.set(MediaView {
                    status: MediaStatus::Failed,
                    url: None,
                    error: Some(error.to_string()),
                }),
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
