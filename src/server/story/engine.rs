//! Story use cases called by the server functions: start, choose, view, resume, abandon.

use tracing::Instrument;

use super::ideas::TierIdeas;
use super::prompt::{self, PathStep, PromptInput};
use super::scene_json::{self, SceneDraft};
use super::StoryError;
use crate::domain::media::{MediaKind, VideoMode, VIDEO_UNAVAILABLE_NOTICE};
use crate::domain::profile::{ProfileError, MAX_ROSTER};
use crate::domain::story::{
    chapter_place, ChapterCard, ChoiceView, HomeData, ModelOption, ResumableStory, SceneView,
    StartInput, StoryLength,
};
use crate::domain::AppError;
use crate::domain::{ImageModelSpec, Prompt, Provider, TextModelSpec, TierSpec, VideoModelSpec};
use crate::server::db::stories::{
    self as repo, ChoiceRow, NewScene, NewStory, StoryRow, NO_IMAGE_MODEL,
};
use crate::server::media::{self, StoryMedia};
use crate::server::memory::{self, MemoryError, MemorySnapshot};
use crate::server::models::Refused;
use crate::server::providers::{ProviderError, TextRequest};
use crate::server::spending::{self, Spend};
use crate::server::state::AppState;

/// Starts a story: writes its first scene, then stores story and scene in one transaction,
/// so a failed first scene or a failed write leaves nothing behind. Returns
/// `(story_id, scene_id)`.
pub async fn start(
    state: &AppState,
    tier: &'static TierSpec,
    input: StartInput,
) -> Result<(String, String), StoryError> {
    start_story(state, tier, input, None).await
}

/// [`start`], with the first scene's words shown as they come to the start page that
/// follows `words` (its key).
pub async fn start_followed(
    state: &AppState,
    tier: &'static TierSpec,
    input: StartInput,
    words: &str,
) -> Result<(String, String), StoryError> {
    let watch = super::writing::FirstScene::open(state, tier, words);
    let started = start_story(state, tier, input, watch.as_ref()).await;
    // A failure is told by the start call's own answer; the words stream just ends.
    if let (Some(watch), Ok((_, scene_id))) = (watch, &started) {
        watch.finish(super::writing::Outcome::Stored(scene_id.clone()));
    }
    started
}

async fn start_story(
    state: &AppState,
    tier: &'static TierSpec,
    input: StartInput,
    watch: Option<&super::writing::FirstScene>,
) -> Result<(String, String), StoryError> {
    let ideas = state.ideas.of(tier);
    let input = match input.surprise {
        // Video only where the owner turned it on for surprises and clips can be made.
        true => {
            let video = state.config.limits.surprise_video
                && clips_offered(state, &state.providers.configured());
            surprised(ideas, tier, input, video)
        }
        false => input,
    };
    // Bedtime: calm rules, always short, night-time pictures (a surprise or a template too).
    if input.bedtime && !tier.bedtime {
        return Err(StoryError::NoBedtime);
    }
    let input = match input.bedtime {
        true => StartInput {
            length: StoryLength::Short,
            ..input
        },
        false => input,
    };
    // A sequel: the story it continues is read once, here.
    let earlier = match input.sequel_of.as_deref() {
        Some(id) => Some(super::sequel::earlier(state, tier, id).await?),
        None => None,
    };
    let picture_style = match (ideas.style(&input.style)?, &earlier) {
        (Some(style), _) => style.prompt.clone(),
        (None, Some(earlier)) => earlier.story.picture_style.clone(),
        (None, None) => String::new(),
    };
    let picture_style = match (input.bedtime, picture_style.is_empty()) {
        (false, _) => picture_style,
        (true, true) => prompt::BEDTIME_PICTURES.to_owned(),
        (true, false) => format!("{picture_style}, as {}", prompt::BEDTIME_PICTURES),
    };
    let prompt = match &earlier {
        Some(earlier) if input.prompt.trim().is_empty() => {
            Prompt::parse(&super::sequel::default_idea(&earlier.title))?
        }
        _ => Prompt::parse(&input.prompt)?,
    };
    let configured = state.providers.configured();
    let model = offered(state, &configured, &input.text_model)?;
    let image_model = choose_image_model(state, &configured, input.image_model.as_deref())?;
    let memory = story_memory(state, tier, &input, earlier.as_ref()).await?;
    let memory_text = memory.as_ref().map(MemorySnapshot::story_text);
    let memory_json = memory.as_ref().and_then(|m| serde_json::to_string(m).ok());
    // Video needs Grok Imagine; without the xAI key the story runs with pictures only and
    // every scene says why (acceptance 5).
    let video_mode = match input.video_mode {
        false => VideoMode::Off,
        true if clips_offered(state, &configured) => VideoMode::On,
        true => VideoMode::Unavailable,
    };
    let target_depth = input.length.target_depth();
    let scene = SceneSpec {
        idea: prompt.as_str(),
        path: &[],
        depth: 1,
        target_depth,
        memory: memory_text.as_deref(),
        earlier: earlier.as_ref().map(|e| e.told.as_str()),
        chapters: input.length.has_chapters(),
        bedtime: input.bedtime,
    };
    // Charged before the storyteller is asked: over the limit, nothing is ordered.
    spending::charge(&state.db, &state.config.limits, tier, Spend::Story).await?;
    let on_text = |text: &str| {
        if let Some(watch) = watch {
            watch.publish(text);
        }
    };
    let draft = write_scene(state, tier, model, &scene, &on_text)
        .instrument(tracing::info_span!(
            "start_story",
            tier = tier.name,
            model = model.key
        ))
        .await?;
    let story = NewStory {
        tier: tier.name,
        prompt: prompt.as_str(),
        length: input.length,
        target_depth,
        text_model: model.key,
        image_model: image_model.map_or(NO_IMAGE_MODEL, |m| m.key),
        memory_profile_id: match &earlier {
            Some(earlier) => earlier.story.memory_profile_id.as_deref(),
            None => input.memory_profile.as_deref(),
        },
        memory_context: memory_json.as_deref(),
        video_mode,
        picture_style: &picture_style,
        sequel_of: earlier.as_ref().map(|e| e.story.id.as_str()),
        earlier: earlier.as_ref().map_or("", |e| e.told.as_str()),
        bedtime: input.bedtime,
    };
    let present = draft.characters_json();
    let first = new_scene(
        tier,
        "",
        None,
        1,
        &draft,
        prompt.as_str(),
        present.as_deref(),
    );
    let media = media::queue::first_media(image_model.map(|m| m.key), video_mode);
    let (story_id, scene_id) =
        repo::insert_story_with_first_scene(&state.db, &story, &first, media).await?;
    if media.is_some() {
        state.jobs.wake();
    }
    tracing::info!(tier = tier.name, %story_id, %scene_id, video = video_mode.key(), "story started");
    Ok((story_id, scene_id))
}

/// Follows a choice: reuses the scene behind it if that branch was explored before,
/// otherwise writes it. Returns the scene id.
#[tracing::instrument(skip(state, tier), fields(tier = tier.name))]
pub async fn choose(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    choice_id: &str,
) -> Result<String, StoryError> {
    let story = repo::find_story(&state.db, tier.name, story_id)
        .await?
        .ok_or(StoryError::NotFound)?;
    let choice = repo::find_choice(&state.db, tier.name, story_id, choice_id)
        .await?
        .ok_or(StoryError::NotFound)?;
    if let Some(existing) = choice.next_scene_id {
        tracing::info!(scene_id = %existing, "reusing explored branch");
        let scene = repo::find_scene(&state.db, tier.name, story_id, &existing)
            .await?
            .ok_or(StoryError::NotFound)?;
        repo::record_position(&state.db, tier.name, story_id, &existing, scene.is_ending).await?;
        return Ok(existing);
    }
    super::writing::take(state, tier, story, choice).await
}

/// Writes the scene behind `choice` without storing it: its depth and the draft. `on_text`
/// sees the model's answer so far.
pub(super) async fn write_for_choice(
    state: &AppState,
    tier: &'static TierSpec,
    story: &StoryRow,
    choice: &ChoiceRow,
    on_text: &(dyn Fn(&str) + Send + Sync),
) -> Result<(u32, SceneDraft), StoryError> {
    let model = state
        .models
        .text(&story.text_model)
        .ok_or_else(|| StoryError::UnknownModel(story.text_model.clone()))?
        .model;
    let path = repo::path_to(&state.db, tier.name, &choice.scene_id).await?;
    let steps: Vec<PathStep<'_>> = path
        .iter()
        .enumerate()
        .map(|(i, row)| PathStep {
            narrative: &row.scene.narrative,
            chosen_after: match path.get(i + 1) {
                Some(next) => next.chosen_label.as_deref(),
                None => Some(choice.label.as_str()),
            },
        })
        .collect();
    let depth = path.len() as u32 + 1;
    let memory_text = memory_of(story).map(|m| m.story_text());
    let scene = SceneSpec {
        idea: &story.prompt,
        path: &steps,
        depth,
        target_depth: story.target_depth as u32,
        memory: memory_text.as_deref(),
        earlier: Some(story.earlier.as_str()).filter(|e| !e.is_empty()),
        chapters: story.length.has_chapters(),
        bedtime: story.bedtime,
    };
    let draft = write_scene(state, tier, model, &scene, on_text).await?;
    Ok((depth, draft))
}

/// Stores a written scene behind `choice_id` with its first media job (pictures and clips
/// are ordered only now, never ahead) and the reader's place on it, in one transaction.
pub(super) async fn store_for_choice(
    state: &AppState,
    tier: &'static TierSpec,
    story: &StoryRow,
    choice_id: &str,
    depth: u32,
    draft: &SceneDraft,
) -> Result<String, StoryError> {
    let present = draft.characters_json();
    let scene = new_scene(
        tier,
        &story.id,
        Some(choice_id),
        depth,
        draft,
        &story.prompt,
        present.as_deref(),
    );
    let media = media::queue::first_media(
        image_model_of(story.image_model.as_deref()),
        story.video_mode,
    );
    let cover = media::queue::cover_after(
        image_model_of(story.image_model.as_deref()),
        draft.is_ending,
    );
    let scene_id = repo::insert_next_scene(&state.db, &scene, media, cover).await?;
    if media.is_some() {
        state.jobs.wake();
    }
    tracing::info!(%scene_id, depth, "scene written");
    Ok(scene_id)
}

/// A scene as the page shows it. Reading writes nothing: the reader's place is recorded
/// where the reader acts (start and choose), so a scene stays readable on a full disk.
pub async fn scene_view(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    scene_id: &str,
) -> Result<SceneView, StoryError> {
    // One query and one look at the files: this is the page a reader sees most.
    let repo::ScenePageRows {
        story,
        scene,
        previous_scene_id,
        chosen_label,
        choices,
        media,
        new_look,
    } = repo::scene_page(&state.db, tier.name, story_id, scene_id)
        .await?
        .ok_or(StoryError::NotFound)?;
    let video_mode = story.video_mode;
    let mut shown = StoryMedia::of_rows(state, tier, story_id, video_mode, media).await;
    let image = shown.take(scene_id, MediaKind::Image);
    let video = match video_mode {
        VideoMode::On => shown.take(scene_id, MediaKind::Video),
        _ => None,
    };
    let memory_profile_name = memory_of(&story).map(|m| m.label());
    Ok(SceneView {
        story_id: story.id.clone(),
        scene_id: scene.id,
        story_title: story_title(&story),
        title: scene.title,
        narrative: scene.narrative,
        choices: choices
            .into_iter()
            .map(|c| ChoiceView {
                explored: c.next_scene_id.is_some(),
                next_scene_id: c.next_scene_id,
                id: c.id,
                label: c.label,
            })
            .collect(),
        is_ending: scene.is_ending,
        depth: scene.depth as u32,
        target_depth: story.target_depth as u32,
        has_chapters: story.length.has_chapters(),
        chapter_card: ChapterCard::opening(story.length, scene.depth as u32, scene.chapter_title),
        bedtime_minutes: match story.bedtime {
            true => Some(crate::server::db::minutes_since(&story.created_at).unwrap_or(0)),
            false => None,
        },
        read_aloud: read_aloud_offer(state, tier, story.bedtime),
        previous_scene_id,
        chosen_label,
        text_model_name: text_model_label(state, &story.text_model),
        image_model_name: image_model_of(story.image_model.as_deref())
            .map(|key| state.models.image(Some(key)).label()),
        image,
        memory_profile_name,
        video,
        video_notice: (video_mode == VideoMode::Unavailable)
            .then(|| VIDEO_UNAVAILABLE_NOTICE.to_owned()),
        new_look,
        // Said by the server function, which knows the request.
        parent: false,
    })
}

/// What the story knows of the family, read once at its start and locked into it: the
/// memory-mode profile, the characters picked, the family in family mode. A sequel keeps
/// the story it continues had (the same characters, descriptions and photos) and adds the
/// characters picked now; the form's profile and family mode do not change it.
async fn story_memory(
    state: &AppState,
    tier: &'static TierSpec,
    input: &StartInput,
    earlier: Option<&super::sequel::Earlier>,
) -> Result<Option<MemorySnapshot>, StoryError> {
    if input.characters.len() > MAX_ROSTER {
        return Err(MemoryError::from(ProfileError::TooMany {
            field: "characters",
            max: MAX_ROSTER,
        })
        .into());
    }
    if let Some(earlier) = earlier {
        let mut memory = memory_of(&earlier.story);
        if let Some(picked) =
            memory::profiles::snapshot(state, tier, None, &input.characters).await?
        {
            memory
                .get_or_insert_with(MemorySnapshot::without_profile)
                .join(picked);
        }
        return Ok(memory);
    }
    let mut memory = memory::profiles::snapshot(
        state,
        tier,
        input.memory_profile.as_deref(),
        &input.characters,
    )
    .await?;
    // Family mode: the family is read once, here, like a profile.
    if input.family_mode {
        let people = memory::family::people(state, tier).await?;
        if !people.is_empty() {
            memory
                .get_or_insert_with(MemorySnapshot::without_profile)
                .add_family(people);
        }
    }
    Ok(memory)
}

/// "Surprise me": the idea, length and picture style drawn from the tier's ideas; the
/// models stay the form's. A surprise is a clean start: no profile, picked characters or
/// family (those are a deliberate choice), and video only when `video` (the owner turned
/// it on for surprises: a clip costs more than a picture, and a surprise is one tap).
fn surprised(ideas: &TierIdeas, tier: &TierSpec, input: StartInput, video: bool) -> StartInput {
    let draw = ideas.surprise(tier, &mut rand::thread_rng());
    StartInput {
        prompt: draw.idea,
        length: draw.length,
        style: draw.style,
        memory_profile: None,
        video_mode: video,
        family_mode: false,
        characters: Vec::new(),
        surprise: true,
        sequel_of: None,
        ..input
    }
}

/// The memory a story was started with; `None` when memory mode was off.
fn memory_of(story: &StoryRow) -> Option<MemorySnapshot> {
    let json = story.memory_context.as_deref()?;
    serde_json::from_str(json)
        .inspect_err(
            |e| tracing::warn!(story_id = %story.id, error = %e, "unreadable memory snapshot"),
        )
        .ok()
}

/// What the tier home page needs: the text models on offer, a story to resume, the ideas,
/// and with `sequel` the start form of a sequel of that story.
pub async fn home(
    state: &AppState,
    tier: &'static TierSpec,
    sequel: Option<&str>,
) -> Result<HomeData, StoryError> {
    // A sequel that cannot be (a deleted or unfinished story) leaves the form as it is and
    // says why.
    let (sequel, sequel_notice) = match sequel {
        None => (None, None),
        Some(id) => match super::sequel::start_form(state, tier, id).await {
            Ok(form) => (Some(form), None),
            Err(e @ (StoryError::NotFound | StoryError::NotFinished)) => {
                (None, Some(AppError::from(e).to_string()))
            }
            Err(e) => return Err(e),
        },
    };
    let configured = state.providers.configured();
    let option = |key: &str, display_name: &str, provider: Provider, hint: &str| ModelOption {
        key: key.to_owned(),
        display_name: display_name.to_owned(),
        provider_name: provider.display_name().to_owned(),
        hint: hint.to_owned(),
    };
    let text_models = state
        .models
        .offered::<TextModelSpec>(&configured)
        .into_iter()
        .map(|m| option(m.key, m.display_name, m.provider, m.hint))
        .collect();
    let image_models = state
        .models
        .offered::<ImageModelSpec>(&configured)
        .into_iter()
        .map(|m| option(m.key, m.display_name, m.provider, m.hint))
        .collect();
    let resumable = reading_now(state, tier, false).await?;
    let chapter_story = reading_now(state, tier, true).await?;
    Ok(HomeData {
        text_models,
        image_models,
        default_image_model: state
            .models
            .default_image(&configured)
            .map(|m| m.key.to_owned()),
        resumable,
        chapter_story,
        profiles: memory::profiles::options(state, tier).await?,
        roster: memory::characters::options(state, tier).await?,
        family: memory::family::people(state, tier)
            .await?
            .into_iter()
            .map(|p| p.name)
            .collect(),
        video_available: clips_offered(state, &configured),
        speech_to_text: state.models.speech_to_text(&configured).is_some(),
        templates: state.ideas.of(tier).shuffled(&mut rand::thread_rng()),
        styles: state.ideas.of(tier).style_options(),
        sequel,
        sequel_notice,
    })
}

/// The story being read in the tier (an epic one with `chapters`, else any other), for the
/// home page's Continue.
async fn reading_now(
    state: &AppState,
    tier: &'static TierSpec,
    chapters: bool,
) -> Result<Option<ResumableStory>, StoryError> {
    let Some(story) = repo::latest_in_progress(&state.db, tier.name, chapters).await? else {
        return Ok(None);
    };
    let Some(scene_id) = story.current_scene_id.clone() else {
        return Ok(None);
    };
    let scene = repo::find_scene(&state.db, tier.name, &story.id, &scene_id).await?;
    let cover_url = super::gallery::cover_url(state, tier, &story.id).await?;
    Ok(scene.map(|scene| ResumableStory {
        title: story_title(&story),
        story_id: story.id,
        scene_id,
        depth: scene.depth as u32,
        cover_url,
        chapter: story
            .length
            .has_chapters()
            .then(|| chapter_place(scene.depth as u32).0),
    }))
}

/// "Start fresh": the story is put aside. It is no longer offered on the start page and
/// stays in the gallery with the unfinished stories, where reading on takes it up again.
pub async fn abandon(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
) -> Result<(), StoryError> {
    if repo::abandon(&state.db, tier.name, story_id).await? {
        tracing::info!(tier = tier.name, story_id, "story abandoned");
        Ok(())
    } else {
        Err(StoryError::NotFound)
    }
}

/// The text model a new story asked for, if it is on offer: known, of a configured
/// provider, not retired, not hidden.
fn offered(
    state: &AppState,
    configured: &[Provider],
    key: &str,
) -> Result<&'static TextModelSpec, StoryError> {
    state
        .models
        .for_new(configured, key)
        .map_err(|why| refused(why, key))
}

/// Whether a new story may ask for clips: a video model of a configured provider is on offer
/// (its provider still lists it).
fn clips_offered(state: &AppState, configured: &[Provider]) -> bool {
    !state
        .models
        .offered::<VideoModelSpec>(configured)
        .is_empty()
}

/// A model a new story may not have, as the reader is told.
fn refused(why: Refused, key: &str) -> StoryError {
    match why {
        Refused::Unknown => StoryError::UnknownModel(key.to_owned()),
        Refused::NotConfigured(name) => StoryError::ModelNotConfigured(name),
        Refused::NotOffered(name) => StoryError::ModelNotOffered(name),
    }
}

/// "Claude Sonnet 5.5", or "Claude Sonnet 4.5, continued with Claude Sonnet 5.5" once the
/// story's model is gone; an unknown key as itself.
/// How a tier's scenes can be read aloud here: by a model where one is configured (the
/// browser's own speech otherwise, where it has one).
pub(super) fn read_aloud_offer(
    state: &AppState,
    tier: &'static TierSpec,
    bedtime: bool,
) -> crate::domain::read_aloud::ReadAloudOffer {
    let server = state
        .models
        .text_to_speech(&state.providers.configured())
        .is_some();
    crate::domain::read_aloud::ReadAloudOffer::new(server, tier.young_listeners, bedtime)
}

pub(super) fn text_model_label(state: &AppState, key: &str) -> String {
    state
        .models
        .text(key)
        .map_or_else(|| key.to_owned(), |r| r.label())
}

/// The image model a new story is locked to: the reader's pick if it is on offer,
/// the default when none was sent, and none at all (text-only) when no image provider is
/// configured.
fn choose_image_model(
    state: &AppState,
    configured: &[Provider],
    requested: Option<&str>,
) -> Result<Option<&'static ImageModelSpec>, StoryError> {
    match requested {
        None => Ok(state.models.default_image(configured)),
        Some(key) => state
            .models
            .for_new(configured, key)
            .map(Some)
            .map_err(|why| refused(why, key)),
    }
}

/// The image model key of a stored story: none for a text-only story; stories from before
/// image models were stored are the legacy OpenAI model's.
pub(super) fn image_model_of(stored: Option<&str>) -> Option<&str> {
    match stored {
        Some(NO_IMAGE_MODEL) => None,
        Some(key) => Some(key),
        None => Some(crate::domain::image_model::LEGACY_KEY),
    }
}

pub(crate) fn story_title(story: &StoryRow) -> String {
    if story.title.is_empty() {
        scene_json::first_sentence(&story.prompt).to_owned()
    } else {
        story.title.clone()
    }
}

/// What the next scene is written from.
struct SceneSpec<'a> {
    idea: &'a str,
    path: &'a [PathStep<'a>],
    depth: u32,
    target_depth: u32,
    memory: Option<&'a str>,
    /// A sequel: the story it continues and how that ended.
    earlier: Option<&'a str>,
    /// An epic story, told in chapters.
    chapters: bool,
    /// Bedtime mode: calm rules join the tier's.
    bedtime: bool,
}

/// Asks the model for a scene, streamed; a malformed answer is asked for once more, then
/// refused.
async fn write_scene(
    state: &AppState,
    tier: &'static TierSpec,
    model: &'static TextModelSpec,
    scene: &SceneSpec<'_>,
    on_text: &(dyn Fn(&str) + Send + Sync),
) -> Result<SceneDraft, StoryError> {
    let client = state
        .providers
        .client_for_text(model.provider)
        .ok_or(StoryError::ModelNotConfigured(model.display_name))?;
    let prompt = prompt::build(&PromptInput {
        tier,
        idea: scene.idea,
        path: scene.path,
        depth: scene.depth,
        target_depth: scene.target_depth,
        full_scenes: state.config.context_full_scenes,
        memory: scene.memory,
        earlier: scene.earlier,
        chapters: scene.chapters,
        bedtime: scene.bedtime,
    });
    let schema = scene_json::schema();
    let request = TextRequest {
        model: model.api_model,
        system: &prompt.system,
        user: &prompt.user,
        schema_name: "story_scene",
        schema: &schema,
    };
    let mut last_problem = String::new();
    for attempt in 1..=2 {
        let answer = match client.stream_json(&request, on_text).await {
            Ok(answer) => answer,
            // A stream that broke into something unreadable: like unusable JSON.
            Err(e @ ProviderError::BadResponse { .. }) => {
                tracing::warn!(attempt, error = %e, model = model.key, "unreadable stream");
                last_problem = e.to_string();
                continue;
            }
            Err(ProviderError::ModelGone { .. }) => return Err(retired(state, model)),
            Err(e) => return Err(e.into()),
        };
        match scene_json::parse(&answer, prompt.must_end) {
            Ok(mut draft) => {
                // A chapter's name is kept only where one was asked for.
                if !(scene.chapters && chapter_place(scene.depth).1 == 1) {
                    draft.chapter_title = None;
                }
                return Ok(draft);
            }
            Err(problem) => {
                tracing::warn!(attempt, %problem, model = model.key, "unusable scene JSON");
                last_problem = problem.to_string();
            }
        }
    }
    Err(StoryError::Unusable(last_problem))
}

/// The provider says `model` does not exist: it is no longer sent, and the error names the
/// model the next try goes to.
fn retired(state: &AppState, model: &'static TextModelSpec) -> StoryError {
    state.models.mark_gone(model.provider, model.api_model);
    let next = state.models.text(model.key).map(|r| r.model);
    StoryError::ModelRetired {
        name: model.display_name,
        successor: next.filter(|n| n.key != model.key).map(|n| n.display_name),
    }
}

/// A written scene as it is stored. The first scene always titles the story, even if the
/// model forgot to.
fn new_scene<'a>(
    tier: &'static TierSpec,
    story_id: &'a str,
    parent_choice_id: Option<&'a str>,
    depth: u32,
    draft: &'a SceneDraft,
    idea: &'a str,
    present_characters: Option<&'a str>,
) -> NewScene<'a> {
    let title = match (depth, &draft.title) {
        (1, Some(t)) => Some(t.as_str()),
        (1, None) => Some(scene_json::first_sentence(idea)),
        _ => None,
    };
    NewScene {
        tier: tier.name,
        story_id,
        parent_choice_id,
        depth,
        title,
        narrative: &draft.narrative,
        image_prompt: &draft.image_prompt,
        is_ending: draft.is_ending,
        chapter_title: draft.chapter_title.as_deref(),
        choices: &draft.choices,
        present_characters,
    }
}
