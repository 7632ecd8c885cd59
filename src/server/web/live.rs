//! Server-sent event streams of a story being written, for the scene page:
//! - `GET /{tier}/story/{story}/choice/{choice}/words`: the words of the scene behind a
//!   choice as the storyteller writes them (`words` events), then `done` with the stored
//!   scene's id, or `failed` with what went wrong. It only watches: the tap itself is the
//!   `choose` server function, which also works without JavaScript.
//! - `GET /{tier}/start/{key}/words`: the same for a story's first scene, which has no
//!   choice yet: the start page picks a key, follows it here, and sends it with its
//!   `start_story` call.
//! - `GET /{tier}/story/{story}/scene/{scene}/ahead`: while it is open, the scenes of the
//!   scene's untaken choices are written ahead (`ready` events name them); closing it (the
//!   reader left) stops the ones nobody took. It spends money, so a request another site
//!   makes is refused.
//!
//! Both sit under `/{tier}/`: the parent gate checks them like every route of a tier.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::json;
use tokio::sync::mpsc;

use crate::domain::TierSpec;
use crate::server::db::stories as repo;
use crate::server::state::AppState;
use crate::server::story::writing::{self, Outcome};
use crate::server::web::transfer::channel_stream;

/// How long the words stream waits for the tap's call to start the writing.
const DRAFT_APPEARS_WITHIN: Duration = Duration::from_secs(10);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/{tier}/story/{story}/choice/{choice}/words", get(words))
        .route("/{tier}/start/{key}/words", get(first_words))
        .route("/{tier}/story/{story}/scene/{scene}/ahead", get(ahead))
}

/// The events a task sends, as a response that ends when the reader goes away.
fn events(
    rx: mpsc::Receiver<Event>,
) -> Sse<impl futures::Stream<Item = Result<Event, Infallible>>> {
    Sse::new(channel_stream(rx)).keep_alive(KeepAlive::default())
}

fn event(name: &str, data: serde_json::Value) -> Event {
    Event::default().event(name).data(data.to_string())
}

async fn words(
    State(state): State<AppState>,
    Path((tier, story_id, choice_id)): Path<(String, String, String)>,
) -> Response {
    let Some(tier) = TierSpec::find(&tier) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let choice = match repo::find_choice(&state.db, tier.name, &story_id, &choice_id).await {
        Ok(Some(choice)) => choice,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "words stream: choice lookup failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let (tx, rx) = mpsc::channel(8);
    tokio::spawn(async move {
        if let Some(scene_id) = choice.next_scene_id {
            let _ = tx
                .send(event("done", json!({ "scene_id": scene_id })))
                .await;
            return;
        }
        follow_draft(&state, &choice_id, tx).await;
    });
    events(rx).into_response()
}

/// The words of a story's first scene, under the key its start page chose.
async fn first_words(
    State(state): State<AppState>,
    Path((tier, key)): Path<(String, String)>,
) -> Response {
    let Some(tier) = TierSpec::find(&tier) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (tx, rx) = mpsc::channel(8);
    let draft_key = writing::first_scene_key(tier.name, &key);
    tokio::spawn(async move { follow_draft(&state, &draft_key, tx).await });
    events(rx).into_response()
}

/// Sends the words of the draft under `key` as they come, then how it ended. The call
/// that starts the writing may arrive just after the stream opens: the draft is waited
/// for a little while.
async fn follow_draft(state: &AppState, key: &str, tx: mpsc::Sender<Event>) {
    let started = tokio::time::Instant::now();
    let draft = loop {
        if let Some(draft) = state.drafts.get(key) {
            break draft;
        }
        if started.elapsed() > DRAFT_APPEARS_WITHIN || tx.is_closed() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    };
    let mut progress = draft.watch();
    let mut shown = None;
    loop {
        let now = progress.borrow_and_update().clone();
        if shown.as_ref() != Some(&now.scene) && !now.scene.narrative.is_empty() {
            let words = json!({ "title": now.scene.title, "narrative": now.scene.narrative });
            if tx.send(event("words", words)).await.is_err() {
                return;
            }
            shown = Some(now.scene);
        }
        let last = match now.outcome {
            Some(Outcome::Stored(scene_id)) => Some(event("done", json!({ "scene_id": scene_id }))),
            Some(Outcome::Failed(error)) => {
                Some(event("failed", json!({ "message": error.to_string() })))
            }
            Some(Outcome::Ahead) | None => None,
        };
        if let Some(last) = last {
            let _ = tx.send(last).await;
            return;
        }
        tokio::select! {
            changed = progress.changed() => if changed.is_err() { return },
            () = tx.closed() => return,
        }
    }
}

async fn ahead(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((tier, story_id, scene_id)): Path<(String, String, String)>,
) -> Response {
    let Some(tier) = TierSpec::find(&tier) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if crate::server::gate::is_cross_site(&headers) {
        return StatusCode::FORBIDDEN.into_response();
    }
    match repo::find_scene(&state.db, tier.name, &story_id, &scene_id).await {
        Ok(Some(_)) => {}
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
    if !state.config.prefetch.is_on(tier.name) {
        // 204 tells the browser not to reconnect.
        return StatusCode::NO_CONTENT.into_response();
    }
    let guard = match writing::ahead(&state, tier, &story_id, &scene_id).await {
        Ok(guard) => guard,
        Err(e) => {
            tracing::warn!(error = %e, "could not start writing ahead");
            return StatusCode::NO_CONTENT.into_response();
        }
    };
    let (tx, rx) = mpsc::channel(8);
    tokio::spawn(async move {
        let mut pending: Vec<_> = guard
            .drafts
            .iter()
            .map(|(choice_id, draft)| (choice_id.clone(), draft.watch()))
            .collect();
        loop {
            let mut i = 0;
            while i < pending.len() {
                let outcome = pending[i].1.borrow_and_update().outcome.clone();
                match outcome {
                    Some(Outcome::Ahead | Outcome::Stored(_)) => {
                        let (choice_id, _) = pending.swap_remove(i);
                        let ready = event("ready", json!({ "choice_id": choice_id }));
                        if tx.send(ready).await.is_err() {
                            return;
                        }
                    }
                    // Failed ahead: a tap writes it again (and says so if it fails again).
                    Some(Outcome::Failed(_)) => {
                        pending.swap_remove(i);
                    }
                    None => i += 1,
                }
            }
            if pending.is_empty() {
                // Everything is written: stay open so the reader's leaving is seen.
                tx.closed().await;
                break;
            }
            let changed = futures::future::select_all(
                pending.iter_mut().map(|(_, rx)| Box::pin(rx.changed())),
            );
            let gone = tokio::select! {
                (result, index, _) = changed => result.is_err().then_some(index),
                () = tx.closed() => break,
            };
            if let Some(index) = gone {
                pending.swap_remove(index);
            }
        }
        // The reader left: dropping the guard stops what nobody took.
        drop(guard);
    });
    events(rx).into_response()
}
