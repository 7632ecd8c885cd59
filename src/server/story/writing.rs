//! Writing the scene behind a choice, once per choice however many ask for it: the reader
//! who tapped it (and waits for the stored scene), the page showing its words as they come
//! (`live.rs` watches the draft), and the prefetcher that writes it before the tap.
//!
//! One task per choice at a time, registered in [`Drafts`]. It streams the scene from the
//! model, publishing the words so far; then, if the reader has taken the choice, it stores
//! the scene and orders its picture and clip. Written ahead, it keeps the text aside
//! (`written_ahead`, never "explored") and waits for the tap: a tap then stores it at once.
//! The page's `ahead` stream owns the prefetch tasks of its scene: when the reader leaves,
//! the ones nobody took are stopped. A later tap on such a choice finds the text kept aside.
//! Pictures and clips are never ordered ahead: they cost real money.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{watch, Notify, Semaphore};
use tokio::task::AbortHandle;
use tracing::Instrument;

use super::engine::{store_for_choice, write_for_choice};
use super::partial::partial_scene;
use super::scene_json::SceneDraft;
use super::StoryError;
use crate::domain::story::PartialScene;
use crate::domain::{AppError, TierSpec};
use crate::server::db::stories::{self as repo, ChoiceRow, StoryRow};
use crate::server::db::written_ahead;
use crate::server::state::AppState;

/// Where a draft got to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Written ahead and kept aside; waiting for the tap.
    Ahead,
    /// Stored as a scene (its id): the reader can go there.
    Stored(String),
    /// It could not be written; the reader sees why and can try again.
    Failed(AppError),
}

/// A draft as its watchers see it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub scene: PartialScene,
    pub outcome: Option<Outcome>,
}

/// The scene of one choice being written.
pub struct Draft {
    /// The story it belongs to (a change of its length stops what was written ahead);
    /// empty for a first scene, which has none yet.
    story_id: String,
    progress: watch::Sender<Progress>,
    /// The reader took this choice: store the scene when written.
    wanted: AtomicBool,
    wanted_now: Notify,
    /// Open `ahead` streams interested in it: the last one to leave stops it (unless taken).
    watchers: AtomicUsize,
    task: Mutex<Option<AbortHandle>>,
}

impl Draft {
    fn new(story_id: &str) -> Draft {
        Draft {
            story_id: story_id.to_owned(),
            progress: watch::Sender::new(Progress::default()),
            wanted: AtomicBool::new(false),
            wanted_now: Notify::new(),
            watchers: AtomicUsize::new(0),
            task: Mutex::new(None),
        }
    }

    /// Follows the words and the outcome.
    pub fn watch(&self) -> watch::Receiver<Progress> {
        self.progress.subscribe()
    }

    fn is_wanted(&self) -> bool {
        self.wanted.load(Ordering::SeqCst)
    }

    fn want(&self) {
        self.wanted.store(true, Ordering::SeqCst);
        self.wanted_now.notify_waiters();
        self.wanted_now.notify_one();
    }

    /// Waits until the reader takes the choice.
    async fn until_wanted(&self) {
        loop {
            let notified = self.wanted_now.notified();
            if self.is_wanted() {
                return;
            }
            notified.await;
        }
    }

    fn finish(&self, outcome: Outcome) {
        self.progress.send_modify(|p| p.outcome = Some(outcome));
    }
}

/// Every draft being written, by choice id, and the slots for writing ahead.
pub struct Drafts {
    open: Mutex<HashMap<String, Arc<Draft>>>,
    ahead_slots: Arc<Semaphore>,
}

impl Drafts {
    /// `parallel`: scenes written ahead at once, over all readers.
    pub fn new(parallel: usize) -> Drafts {
        Drafts {
            open: Mutex::default(),
            ahead_slots: Arc::new(Semaphore::new(parallel.max(1))),
        }
    }

    /// The draft of `choice_id` being written right now, if any.
    pub fn get(&self, choice_id: &str) -> Option<Arc<Draft>> {
        self.open.lock().ok()?.get(choice_id).cloned()
    }

    /// Scenes being written right now (tests and the benchmark look).
    pub fn len(&self) -> usize {
        self.open.lock().map_or(0, |open| open.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Stops writing ahead for the story: the drafts no reader took are stopped and
    /// forgotten (its length changed, so they were written for the old one). A draft a
    /// reader took goes on: it is the scene that reader waits for.
    pub fn stop_ahead_of(&self, story_id: &str) -> usize {
        let Ok(mut open) = self.open.lock() else {
            return 0;
        };
        let before = open.len();
        open.retain(|_, draft| {
            if draft.story_id != story_id || draft.is_wanted() {
                return true;
            }
            if let Some(task) = draft.task.lock().ok().and_then(|mut t| t.take()) {
                task.abort();
            }
            false
        });
        before - open.len()
    }

    fn remove_if_same(&self, choice_id: &str, draft: &Arc<Draft>) {
        if let Ok(mut open) = self.open.lock() {
            if open.get(choice_id).is_some_and(|d| Arc::ptr_eq(d, draft)) {
                open.remove(choice_id);
            }
        }
    }
}

/// The first scene of a story while it is written, shown by the start page that asked for
/// it under a key of its own choosing (`/{tier}/start/{key}/words`): registered with the
/// drafts under that key, and gone once the story is stored or failed.
pub struct FirstScene {
    state: AppState,
    key: String,
    draft: Arc<Draft>,
}

impl FirstScene {
    /// Opens the first scene's draft under `key` for the words stream; `None` for a key
    /// that is not one (16 to 64 letters, digits, `-` or `_`) or already in use.
    pub fn open(state: &AppState, tier: &TierSpec, key: &str) -> Option<FirstScene> {
        let fits = (16..=64).contains(&key.len())
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !fits {
            return None;
        }
        let key = first_scene_key(tier.name, key);
        let mut open = state.drafts.open.lock().ok()?;
        if open.contains_key(&key) {
            return None;
        }
        let draft = Arc::new(Draft::new(""));
        open.insert(key.clone(), draft.clone());
        Some(FirstScene {
            state: state.clone(),
            key,
            draft,
        })
    }

    /// The model's answer so far.
    pub fn publish(&self, text: &str) {
        let words = partial_scene(text.as_bytes());
        self.draft.progress.send_if_modified(|p| {
            let changed = p.scene != words;
            p.scene = words;
            changed
        });
    }

    /// How it ended: stored (the scene's id) or failed.
    pub fn finish(self, outcome: Outcome) {
        self.draft.finish(outcome);
    }
}

impl Drop for FirstScene {
    fn drop(&mut self) {
        // A start that ended without saying how (cancelled with its request) fails its
        // watchers rather than leaving them waiting.
        if self.draft.progress.borrow().outcome.is_none() {
            self.draft.finish(Outcome::Failed(AppError::Internal));
        }
        self.state.drafts.remove_if_same(&self.key, &self.draft);
    }
}

/// The drafts' key of a first scene: never a choice id (those are hex).
pub fn first_scene_key(tier: &str, key: &str) -> String {
    format!("start:{tier}:{key}")
}

/// The reader took `choice`: its scene, stored, once it is written (at once when it was
/// written ahead). The writing goes on if the reader leaves: the scene is paid for.
pub async fn take(
    state: &AppState,
    tier: &'static TierSpec,
    story: StoryRow,
    choice: ChoiceRow,
) -> Result<String, StoryError> {
    let draft = start_or_join(state, tier, &story, &choice, true);
    let mut progress = draft.watch();
    loop {
        match progress.borrow_and_update().outcome.clone() {
            Some(Outcome::Stored(scene_id)) => return Ok(scene_id),
            Some(Outcome::Failed(error)) => return Err(StoryError::Failed(error)),
            Some(Outcome::Ahead) | None => {}
        }
        if progress.changed().await.is_err() {
            return Err(StoryError::Failed(AppError::Internal));
        }
    }
}

/// Starts writing ahead the scenes of `scene_id`'s untaken choices (text only, one level);
/// the returned guard stops the ones nobody took when it is dropped (the reader left).
pub async fn ahead(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    scene_id: &str,
) -> Result<AheadGuard, StoryError> {
    let story = repo::find_story(&state.db, tier.name, story_id)
        .await?
        .ok_or(StoryError::NotFound)?;
    let mut guard = AheadGuard {
        state: state.clone(),
        drafts: Vec::new(),
    };
    for choice in repo::choices_of(&state.db, tier.name, scene_id).await? {
        if choice.next_scene_id.is_some() {
            continue;
        }
        let draft = start_or_join(state, tier, &story, &choice, false);
        draft.watchers.fetch_add(1, Ordering::SeqCst);
        guard.drafts.push((choice.id, draft));
    }
    Ok(guard)
}

/// The drafts an open `ahead` stream keeps going.
pub struct AheadGuard {
    state: AppState,
    pub drafts: Vec<(String, Arc<Draft>)>,
}

impl Drop for AheadGuard {
    fn drop(&mut self) {
        for (choice_id, draft) in &self.drafts {
            let last = draft.watchers.fetch_sub(1, Ordering::SeqCst) == 1;
            if !last || draft.is_wanted() {
                continue;
            }
            // Under the registry's lock, so a tap cannot join a task being stopped.
            if let Ok(mut open) = self.state.drafts.open.lock() {
                if draft.is_wanted() || draft.watchers.load(Ordering::SeqCst) > 0 {
                    continue;
                }
                if let Some(task) = draft.task.lock().ok().and_then(|mut t| t.take()) {
                    task.abort();
                }
                if open.get(choice_id).is_some_and(|d| Arc::ptr_eq(d, draft)) {
                    open.remove(choice_id);
                }
                tracing::debug!(%choice_id, "stopped writing ahead: the reader left");
            }
        }
    }
}

/// The draft of `choice`: joined if it is being written, else started.
fn start_or_join(
    state: &AppState,
    tier: &'static TierSpec,
    story: &StoryRow,
    choice: &ChoiceRow,
    wanted: bool,
) -> Arc<Draft> {
    let Ok(mut open) = state.drafts.open.lock() else {
        // A poisoned registry: write without it (no sharing, but no wrong answer).
        return spawn(state, tier, story, choice, wanted);
    };
    let failed = |d: &Draft| matches!(d.progress.borrow().outcome, Some(Outcome::Failed(_)));
    if let Some(draft) = open.get(&choice.id).filter(|d| !failed(d)) {
        if wanted {
            draft.want();
        }
        return draft.clone();
    }
    let draft = spawn(state, tier, story, choice, wanted);
    open.insert(choice.id.clone(), draft.clone());
    draft
}

fn spawn(
    state: &AppState,
    tier: &'static TierSpec,
    story: &StoryRow,
    choice: &ChoiceRow,
    wanted: bool,
) -> Arc<Draft> {
    let draft = Arc::new(Draft::new(&story.id));
    if wanted {
        draft.want();
    }
    let task = tokio::spawn(
        run(
            state.clone(),
            tier,
            story.clone(),
            choice.clone(),
            draft.clone(),
        )
        .instrument(tracing::info_span!("write_choice", tier = tier.name, choice_id = %choice.id)),
    );
    if let Ok(mut slot) = draft.task.lock() {
        *slot = Some(task.abort_handle());
    }
    draft
}

async fn run(
    state: AppState,
    tier: &'static TierSpec,
    story: StoryRow,
    choice: ChoiceRow,
    draft: Arc<Draft>,
) {
    let outcome = match write_and_store(&state, tier, &story, &choice, &draft).await {
        Ok(scene_id) => Outcome::Stored(scene_id),
        Err(e) => {
            tracing::warn!(error = %e, "the next scene could not be written");
            Outcome::Failed(AppError::from(e))
        }
    };
    draft.finish(outcome);
    state.drafts.remove_if_same(&choice.id, &draft);
}

async fn write_and_store(
    state: &AppState,
    tier: &'static TierSpec,
    story: &StoryRow,
    choice: &ChoiceRow,
    draft: &Draft,
) -> Result<String, StoryError> {
    // Stored meanwhile (a tap that raced the last writer of this choice): nothing to pay.
    if let Some(scene_id) = repo::find_choice(&state.db, tier.name, &story.id, &choice.id)
        .await?
        .and_then(|c| c.next_scene_id)
    {
        return Ok(scene_id);
    }
    let mut story = story.clone();
    let (depth, scene) = loop {
        let (depth, scene, ahead) = written(state, tier, &story, choice, draft).await?;
        if !ahead {
            break (depth, scene);
        }
        // Written before the tap: "Keep going" or "Wrap it up" may have changed the
        // story's length meanwhile, and then the scene was written for the old one.
        let now = repo::find_story(&state.db, tier.name, &story.id)
            .await?
            .ok_or(StoryError::NotFound)?;
        if now.target_depth == story.target_depth {
            break (depth, scene);
        }
        tracing::info!(
            was = story.target_depth,
            now = now.target_depth,
            "the story's length changed after this scene was written ahead: writing it again"
        );
        written_ahead::forget(&state.db, tier.name, &choice.id).await?;
        draft
            .progress
            .send_modify(|p| p.scene = PartialScene::default());
        story = now;
    };
    let scene_id = store_for_choice(state, tier, &story, &choice.id, depth, &scene).await?;
    written_ahead::forget(&state.db, tier.name, &choice.id).await?;
    Ok(scene_id)
}

/// The scene of `choice` for the story's length now: kept aside from writing ahead, or
/// written (and, when nobody has taken the choice yet, kept aside until someone does).
/// `ahead`: it was written or kept before the tap.
async fn written(
    state: &AppState,
    tier: &'static TierSpec,
    story: &StoryRow,
    choice: &ChoiceRow,
    draft: &Draft,
) -> Result<(u32, SceneDraft, bool), StoryError> {
    let target_depth = u32::try_from(story.target_depth).unwrap_or(0);
    let kept =
        written_ahead::find(&state.db, tier.name, &story.id, &choice.id, target_depth).await?;
    let (depth, scene, was_kept) = match kept.and_then(|(depth, json)| {
        let scene: SceneDraft = serde_json::from_str(&json).ok()?;
        Some((u32::try_from(depth).ok()?, scene))
    }) {
        Some((depth, scene)) => {
            draft.progress.send_modify(|p| {
                p.scene = PartialScene {
                    title: scene.title.clone(),
                    narrative: scene.narrative.clone(),
                }
            });
            (depth, scene, true)
        }
        None => {
            // Writing ahead waits for a free slot; a tap while waiting goes first.
            let _slot = if draft.is_wanted() {
                None
            } else {
                tokio::select! {
                    slot = state.drafts.ahead_slots.clone().acquire_owned() => slot.ok(),
                    () = draft.until_wanted() => None,
                }
            };
            let on_text = |text: &str| {
                let words = partial_scene(text.as_bytes());
                draft.progress.send_if_modified(|p| {
                    let changed = p.scene != words;
                    p.scene = words.clone();
                    changed
                });
            };
            let (depth, scene) = write_for_choice(state, tier, story, choice, &on_text).await?;
            (depth, scene, false)
        }
    };
    if draft.is_wanted() {
        return Ok((depth, scene, was_kept));
    }
    if !was_kept {
        let json =
            serde_json::to_string(&scene).map_err(|_| StoryError::Failed(AppError::Internal))?;
        let ahead = written_ahead::Ahead {
            tier: tier.name,
            story_id: &story.id,
            choice_id: &choice.id,
            depth,
            target_depth,
        };
        written_ahead::keep(&state.db, ahead, &json).await?;
    }
    draft.finish(Outcome::Ahead);
    tracing::info!(depth, "scene written ahead");
    draft.until_wanted().await;
    Ok((depth, scene, true))
}
