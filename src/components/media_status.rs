//! Follows a scene image's or clip's status until it is final, for the media panes.
//!
//! The status comes from a browser-side resource: each round is one status call that the
//! server holds open until the media is final (or about ten seconds pass); the next round
//! is scheduled only while the status is not final, so polling stops by itself. Retry
//! queues the media again and starts the rounds again.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::story::{
    media_status, regenerate_media, retry_media, NewLook, RegenerateMedia, RetryMedia,
    STATUS_WAIT_MAX_MS,
};
use crate::domain::media::{MediaKind, MediaStatus, MediaView};

/// Pause between rounds after an answer (the server already waited) and after an error.
const NEXT_ROUND: Duration = Duration::from_millis(50);
const AFTER_ERROR: Duration = Duration::from_secs(2);

#[derive(Clone, Copy)]
pub struct MediaStatusPoll {
    /// What the pane shows: the server-rendered status at first, then each answer.
    pub media: RwSignal<MediaView>,
    /// Which media it is: the arguments of Retry's and Regenerate's plain form posts.
    target: StoredValue<RetryMedia>,
    /// Queues a failed image or clip again.
    pub retry: Callback<()>,
    /// Asks for a new one of a finished image or clip; the old one stays shown meanwhile.
    pub regenerate: Callback<()>,
}

pub fn use_media_status(
    tier: &'static str,
    story_id: String,
    scene_id: String,
    kind: MediaKind,
    initial: MediaView,
) -> MediaStatusPoll {
    let target = RetryMedia {
        tier: tier.to_owned(),
        story_id: story_id.clone(),
        scene_id: scene_id.clone(),
        kind,
    };
    let media = RwSignal::new(initial);
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
            Some(media_status(tier, story, scene, kind, STATUS_WAIT_MAX_MS).await)
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
            Some(Ok(None)) => NEXT_ROUND,
            // Round 0 (the server-rendered status): ask at once.
            None => Duration::ZERO,
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
    let regenerate_ids = ids.clone();
    let regenerate = Callback::new(move |()| {
        let (tier, story, scene) = regenerate_ids.clone();
        let before = media.get_untracked();
        // At once, so a second click finds it under way; the old file stays shown.
        media.set(MediaView {
            status: MediaStatus::Pending,
            error: None,
            progress: None,
            ..before.clone()
        });
        leptos::task::spawn_local(async move {
            match regenerate_media(tier, story, scene, kind).await {
                Ok(()) => round.update(|r| *r += 1),
                Err(error) => media.set(MediaView {
                    error: Some(error.to_string()),
                    ..before
                }),
            }
        });
    });
    let retry = Callback::new(move |()| {
        let (tier, story, scene) = ids.clone();
        media.set(MediaView {
            status: MediaStatus::Pending,
            url: None,
            error: None,
            progress: None,
            drawn_with: None,
        });
        leptos::task::spawn_local(async move {
            match retry_media(tier, story, scene, kind).await {
                // Polling had stopped at "failed": start the rounds again.
                Ok(()) => round.update(|r| *r += 1),
                Err(error) => media.set(MediaView {
                    status: MediaStatus::Failed,
                    url: None,
                    error: Some(error.to_string()),
                    progress: None,
                    drawn_with: None,
                }),
            }
        });
    });
    MediaStatusPoll {
        media,
        target: StoredValue::new(target),
        retry,
        regenerate,
    }
}

impl MediaStatusPoll {
    /// Retry's arguments, as its plain form posts them.
    pub fn retry_input(&self) -> RetryMedia {
        self.target.get_value()
    }

    /// Regenerate's arguments, as its plain form posts them.
    pub fn regenerate_input(&self) -> RegenerateMedia {
        let RetryMedia {
            tier,
            story_id,
            scene_id,
            kind,
        } = self.target.get_value();
        RegenerateMedia {
            tier,
            story_id,
            scene_id,
            kind,
        }
    }

    /// A new look's arguments (from this scene's picture on), as its plain form posts them.
    pub fn new_look_input(&self) -> NewLook {
        let RetryMedia {
            tier,
            story_id,
            scene_id,
            ..
        } = self.target.get_value();
        NewLook {
            tier,
            story_id,
            scene_id,
        }
    }
}
