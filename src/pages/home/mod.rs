//! `/{tier}`: resume banner, the story idea cards and the start form (idea, length, text
//! and image model, picture style, memory mode, characters), "Surprise me", and the links
//! to the characters and the family.

mod ideas;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::lazy::{fetch_ahead, SceneRoute};
use super::use_tier;
use crate::api::story::{load_home, AbandonStory, StartStory};
use crate::components::{
    error_notice::ErrorNotice,
    live_events,
    model_picker::ModelPicker,
    refill::use_refill,
    resource_view::ResourceView,
    start_fresh::StartFresh,
    voice_input::VoiceInput,
    writing_now::{follow, new_key, WritingNow},
};
use crate::domain::form::textarea_html;
use crate::domain::form::Picked;
use crate::domain::profile::{ProfileOption, RosterOption};
use crate::domain::story::{HomeData, ModelOption, ResumableStory, StartInput, PROMPT_MAX_CHARS};
use crate::domain::template::{StoryTemplate, StyleOption};
use crate::domain::urls;
use crate::domain::{AppError, Prompt, StoryLength, TierSpec};

#[component]
pub fn TierHome() -> impl IntoView {
    let tier = use_tier();
    view! { <HomeContent tier/> }
}

#[component]
fn HomeContent(tier: &'static TierSpec) -> impl IntoView {
    let abandon = ServerAction::<AbandonStory>::new();
    // `?sequel={story}`: the form starts a sequel of that finished story.
    let query = use_query_map();
    let home = Resource::new(
        move || (abandon.version().get(), query.with(|q| q.get("sequel"))),
        move |(_, sequel)| load_home(tier.name.to_owned(), sequel),
    );
    view! {
        <section class="home">
            <ResourceView
                resource=home
                loading="Loading…"
                render=move |data| view! { <HomeBody tier data abandon/> }
            />
        </section>
    }
}

#[component]
fn HomeBody(
    tier: &'static TierSpec,
    data: HomeData,
    abandon: ServerAction<AbandonStory>,
) -> impl IntoView {
    let resume = data
        .resumable
        .clone()
        .map(|story| view! { <ResumeBanner tier story abandon/> });
    // An epic story has its own slot, shown beside the other.
    let chapters = data
        .chapter_story
        .clone()
        .map(|story| view! { <ResumeBanner tier story abandon/> });
    view! {
        {chapters}
        {resume}
        <StartForm tier data/>
        <p class="profiles-link">
            <a href=urls::profiles(tier.name)>
                {if tier.name == "kids" { "My Characters" } else { "Characters and profiles" }}
            </a>
            " — the people you can put in a story, with their photos. "
            <a href=urls::family(tier.name)>"Our family"</a>
            " — the children and grown-ups family mode puts in a story."
        </p>
    }
}

#[component]
fn ResumeBanner(
    tier: &'static TierSpec,
    story: ResumableStory,
    abandon: ServerAction<AbandonStory>,
) -> impl IntoView {
    let story_id = story.story_id.clone();
    let (label, what, go) = match story.chapter {
        Some(n) => (
            "Your chapter story",
            format!("Your chapter story, at chapter {n}: "),
            format!("Continue chapter {n}"),
        ),
        None => (
            "Your story",
            "Your story: ".to_owned(),
            "Continue".to_owned(),
        ),
    };
    view! {
        <section class="resume-banner" aria-label=label>
            {story.cover_url.map(|url| view! {
                <img class="resume-cover" src=urls::light_picture(&url, 384) alt="" width="96" height="96"/>
            })}
            <p>
                {what}
                <strong class="resume-title">{story.title}</strong>
            </p>
            <a
                class="button primary"
                href=urls::resume(tier.name, &story.story_id, &story.scene_id)
            >
                {go}
            </a>
            <StartFresh tier story_id abandon class="start-fresh"/>
        </section>
    }
}

#[component]
fn StartForm(tier: &'static TierSpec, data: HomeData) -> impl IntoView {
    let HomeData {
        text_models,
        image_models,
        default_image_model,
        profiles,
        roster,
        video_available,
        speech_to_text,
        family,
        templates,
        styles,
        sequel,
        sequel_notice,
        ..
    } = data;
    let start = ServerAction::<StartStory>::new();
    // The first scene is the next page; its code comes while the idea is typed.
    fetch_ahead::<SceneRoute>();
    let start_url = <StartStory as leptos::server_fn::ServerFn>::url();
    // A plain post the server refused comes back with what was typed: the form starts
    // from it, so the idea is not lost with the failure.
    let refilled = use_refill(start_url);
    // A family set up is a family to use: on unless a refused post said otherwise.
    let family_on = RwSignal::new(
        refilled
            .as_ref()
            .is_none_or(|typed| typed.ticked("input[family_mode]")),
    );
    // A card's link (the page without the app) fills the form as the card's tap would.
    let linked = match refilled {
        Some(_) => None,
        None => use_query_map()
            .with_untracked(|q| q.get("idea"))
            .and_then(|id| templates.iter().find(|t| t.id == id).cloned()),
    };
    let typed = refilled.unwrap_or_default();
    // The card it came from is shown first, marked.
    let mut templates = templates;
    if let Some(at) = linked
        .as_ref()
        .and_then(|l| templates.iter().position(|t| t.id == l.id))
    {
        let card = templates.remove(at);
        templates.insert(0, card);
    }
    let offered =
        |choice: Option<String>, keys: &[&str]| choice.filter(|k| keys.contains(&k.as_str()));
    let text_keys: Vec<&str> = text_models.iter().map(|m| m.key.as_str()).collect();
    let image_keys: Vec<&str> = std::iter::once("")
        .chain(image_models.iter().map(|m| m.key.as_str()))
        .collect();
    let profile_ids: Vec<&str> = profiles.iter().map(|p| p.id.as_str()).collect();
    let sequel_of = StoredValue::new(sequel.as_ref().map(|s| s.story_id.clone()));
    let prompt = RwSignal::new(
        typed
            .text("input[prompt]")
            .or_else(|| linked.as_ref().map(|t| t.idea.clone()))
            .unwrap_or_default(),
    );
    let length = RwSignal::new(
        typed
            .text("input[length]")
            .and_then(|key| StoryLength::parse(&key))
            .or(linked.as_ref().map(|t| t.length))
            .or(sequel.as_ref().map(|s| s.length))
            .unwrap_or(tier.default_length),
    );
    let style_keys: Vec<&str> = styles.iter().map(|s| s.key.as_str()).collect();
    let style = RwSignal::new(
        offered(typed.text("input[style]"), &style_keys)
            .or_else(|| linked.as_ref().map(|t| t.style.clone()))
            .unwrap_or_default(),
    );
    let chosen_idea = RwSignal::new(linked.as_ref().map(|t| t.id.clone()));
    let first_model = text_keys.first().map(|&k| k.to_owned()).unwrap_or_default();
    // A sequel keeps its story's models unless the form changes them.
    let text_model = RwSignal::new(
        offered(typed.text("input[text_model]"), &text_keys)
            .or_else(|| offered(sequel.as_ref().map(|s| s.text_model.clone()), &text_keys))
            .unwrap_or(first_model),
    );
    let image_model = RwSignal::new(
        offered(typed.text("input[image_model]"), &image_keys)
            .or_else(|| {
                offered(
                    sequel.as_ref().and_then(|s| s.image_model.clone()),
                    &image_keys,
                )
            })
            .or(default_image_model)
            .unwrap_or_default(),
    );
    let memory_on = RwSignal::new(typed.ticked("input[memory_mode]"));
    let video_on = RwSignal::new(typed.ticked("input[video_mode]"));
    let bedtime_on = RwSignal::new(typed.ticked("input[bedtime]"));
    let memory_profile = RwSignal::new(
        offered(typed.text("input[memory_profile]"), &profile_ids)
            .or_else(|| profile_ids.first().map(|&id| id.to_owned()))
            .unwrap_or_default(),
    );
    let family_is_empty = family.is_empty();
    let picked = RwSignal::new(Picked(
        roster
            .iter()
            .filter(|c| {
                typed.ticked(&Picked::field("input[characters]", &c.id))
                    || linked.as_ref().is_some_and(|t| t.names(&c.name))
            })
            .map(|c| c.id.clone())
            .collect(),
    ));
    // A card fills the idea, length and style, and ticks the characters it names; a
    // second tap on it empties what it filled.
    let templates_for_pick = StoredValue::new(templates.clone());
    let on_pick = {
        let roster = roster.clone();
        Callback::new(move |template: Option<StoryTemplate>| {
            let named = |t: &StoryTemplate| -> Vec<String> {
                roster
                    .iter()
                    .filter(|c| t.names(&c.name))
                    .map(|c| c.id.clone())
                    .collect()
            };
            let before = chosen_idea.get_untracked().and_then(|id| {
                templates_for_pick.with_value(|all| all.iter().find(|t| t.id == id).cloned())
            });
            if let Some(before) = &before {
                picked.update(|p| named(before).iter().for_each(|id| p.set(id, false)));
            }
            match template {
                Some(t) => {
                    prompt.set(t.idea.clone());
                    length.set(t.length);
                    style.set(t.style.clone());
                    picked.update(|p| named(&t).iter().for_each(|id| p.set(id, true)));
                    chosen_idea.set(Some(t.id));
                }
                None => {
                    prompt.set(String::new());
                    length.set(tier.default_length);
                    style.set(String::new());
                    chosen_idea.set(None);
                }
            }
        })
    };
    // What the chosen profile brings while memory mode is on: ticked in the picker, fixed.
    let brought = {
        let profiles = profiles.clone();
        Signal::derive(move || match memory_on.get() {
            false => Vec::new(),
            true => memory_profile.with(|id| {
                profiles
                    .iter()
                    .find(|p| &p.id == id)
                    .map(|p| p.characters.clone())
                    .unwrap_or_default()
            }),
        })
    };
    let form_error = RwSignal::new(None::<AppError>);
    go_to_first_scene(tier, start);
    // The first scene's words as they are written, in the form's place.
    let words = RwSignal::new(None);
    let words_stream = live_events::slot();
    let submit = move |surprise: bool| {
        // A surprise brings its own idea (the server draws it); a sequel may leave it to
        // the storyteller.
        let is_sequel = sequel_of.with_value(Option::is_some);
        if let Err(problem) = Prompt::parse(&prompt.get_untracked()).map_err(Some) {
            if !surprise && !is_sequel {
                form_error.set(problem.map(|p| AppError::Invalid(p.to_string())));
                return;
            }
        }
        form_error.set(None);
        let key = new_key();
        if !key.is_empty() {
            follow(&urls::first_words(tier.name, &key), words, words_stream);
        }
        start.dispatch(StartStory {
            words: Some(key).filter(|k| !k.is_empty()),
            tier: tier.name.to_owned(),
            input: StartInput {
                prompt: prompt.get_untracked(),
                length: length.get_untracked(),
                text_model: text_model.get_untracked(),
                image_model: Some(image_model.get_untracked()).filter(|m| !m.is_empty()),
                memory_profile: Some(memory_profile.get_untracked())
                    .filter(|id| memory_on.get_untracked() && !id.is_empty()),
                video_mode: video_on.get_untracked(),
                family_mode: family_on.get_untracked() && !family_is_empty,
                characters: picked.get_untracked().0,
                style: style.get_untracked(),
                surprise,
                bedtime: bedtime_on.get_untracked(),
                sequel_of: sequel_of.get_value(),
            },
        });
    };
    let error = move || {
        form_error
            .get()
            .or_else(|| start.value().get().and_then(Result::err))
    };
    let no_models = text_models.is_empty();
    // Posted as a plain form until the app has started (or without JavaScript): the
    // server starts the story and sends the browser to its first scene.
    let pending = start.pending();
    view! {
        <Show when=move || pending.get()>
            <WritingNow words chosen=Signal::stored(None::<String>) waiting="The storyteller is writing the first scene…"/>
        </Show>
        <form
            class="start-form"
            id="start"
            hidden=move || pending.get()
            method="post"
            action=start_url
            on:submit=move |ev| {
                ev.prevent_default();
                submit(false);
            }
        >
            <h1>{if sequel.is_some() { "Continue the adventure" } else { "Start a new story" }}</h1>
            <input type="hidden" name="tier" value=tier.name/>
            {sequel_notice.map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
            {match &sequel {
                Some(sequel) => view! { <SequelBanner sequel=sequel.clone()/> }.into_any(),
                None => view! { <ideas::IdeaCards tier=tier.name templates chosen=chosen_idea on_pick/> }.into_any(),
            }}
            <IdeaField tier prompt speech_to_text sequel=sequel.is_some()/>
            <LengthField length/>
            {tier.bedtime.then(|| view! { <BedtimeToggle bedtime_on/> })}
            <ChosenModels text_models=text_models.clone() image_models=image_models.clone() text_model image_model styles=styles.clone() style/>
            <details class="more-choices">
            <summary>"More choices"</summary>
            <ModelPicker
                id="text_model"
                name="input[text_model]"
                label="Storyteller: the AI that writes the story"
                models=text_models
                selected=text_model
                empty_message="No text model is available. Set OPENAI_API_KEY, ANTHROPIC_API_KEY, XAI_API_KEY or GEMINI_API_KEY and restart the app."
            />
            <ModelPicker
                id="image_model"
                name="input[image_model]"
                label="Illustrator: the AI that paints each scene"
                models=image_models
                selected=image_model
                empty_message="No image model is available, so stories will be text-only. Set OPENAI_API_KEY, XAI_API_KEY or GEMINI_API_KEY to illustrate them."
            />
            <StylePicker styles style/>
            </details>
            {sequel.is_none().then(|| view! {
                <FamilyMode family family_on/>
                <MemoryMode profiles memory_on memory_profile/>
            })}
            <CharacterPicker roster picked brought/>
            {video_available.then(|| view! { <VideoToggle video_on/> })}
            {move || error().map(|error| view! { <ErrorNotice error/> })}
            <div class="start-buttons">
                <StartButton pending=start.pending() no_models/>
                {sequel.is_none().then(|| view! {
                    <SurpriseButton pending=start.pending() no_models surprise=move || submit(true)/>
                })}
            </div>
        </form>
    }
    // One type for the whole form: keeps the page's view type within the compiler's limits.
    .into_any()
}

/// What a sequel takes along, and the story it continues (sent with the form).
#[component]
fn SequelBanner(sequel: crate::domain::story::SequelStart) -> impl IntoView {
    view! {
        <p class="sequel-banner">
            "A new story after " <strong>{format!("“{}”", sequel.title)}</strong>
            ": the same characters and picture style come along, and it starts where that story ended."
        </p>
        <input type="hidden" name="input[sequel_of]" value=sequel.story_id/>
    }
}

/// The storyteller and the illustrator a story gets unless "More choices" changes them:
/// one line, each named once.
#[component]
fn ChosenModels(
    text_models: Vec<ModelOption>,
    image_models: Vec<ModelOption>,
    text_model: RwSignal<String>,
    image_model: RwSignal<String>,
    styles: Vec<StyleOption>,
    style: RwSignal<String>,
) -> impl IntoView {
    let name_of = |models: &[ModelOption], key: &str| {
        models
            .iter()
            .find(|m| m.key == key)
            .map(|m| m.display_name.clone())
    };
    let storyteller = move || text_model.with(|key| name_of(&text_models, key));
    let painter = move || {
        image_model
            .with(|key| name_of(&image_models, key))
            .unwrap_or_else(|| "none (text only)".to_owned())
    };
    let in_style = move || {
        style.with(|key| {
            styles
                .iter()
                .find(|s| &s.key == key)
                .map(|s| format!(", {}", s.name.to_lowercase()))
        })
    };
    view! {
        <p class="chosen-models">
            "Written by " <strong>{storyteller}</strong> ", pictures by " <strong>{painter}</strong>
            {in_style} "."
        </p>
    }
}

/// Once the story is started, its first scene is shown.
fn go_to_first_scene(tier: &'static TierSpec, start: ServerAction<StartStory>) {
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(started)) = start.value().get() {
            crate::components::arrival::announce_arrival();
            navigate(
                &urls::scene(tier.name, &started.story_id, &started.scene_id),
                Default::default(),
            );
        }
    });
}

#[component]
fn StartButton(pending: Memo<bool>, no_models: bool) -> impl IntoView {
    view! {
        <button type="submit" class="button primary start" disabled=move || no_models || pending.get()>
            "Begin the adventure"
        </button>

    }
}

/// "Surprise me": one tap starts a story whose idea, length and picture style the server
/// draws from the tier's ideas. Posted as a plain form it sends `input[surprise]` (the
/// button pressed is the one whose value goes), so it works before the app runs too.
#[component]
fn SurpriseButton(
    pending: Memo<bool>,
    no_models: bool,
    surprise: impl Fn() + 'static,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class="button surprise"
            name="input[surprise]"
            value="on"
            formnovalidate=true
            disabled=move || no_models || pending.get()
            on:click=move |ev| {
                ev.prevent_default();
                surprise();
            }
        >
            <span aria-hidden="true">"🎲 "</span>
            "Surprise me"
        </button>
    }
}

/// The picture style under "More choices": a template's, or the illustrator's own.
#[component]
fn StylePicker(styles: Vec<StyleOption>, style: RwSignal<String>) -> impl IntoView {
    if styles.is_empty() {
        return ().into_any();
    }
    let options = styles
        .into_iter()
        .map(|s| {
            let chosen = style.get_untracked() == s.key;
            view! { <option value=s.key selected=chosen>{s.name}</option> }
        })
        .collect_view();
    view! {
        <label for="style">"Picture style"</label>
        <select
            id="style"
            name="input[style]"
            prop:value=move || style.get()
            on:change=move |ev| style.set(event_target_value(&ev))
        >
            <option value="" selected=style.get_untracked().is_empty()>"The illustrator's own"</option>
            {options}
        </select>
    }
    .into_any()
}

/// The story idea: typed, or filled from one of the idea cards.
#[component]
fn IdeaField(
    tier: &'static TierSpec,
    prompt: RwSignal<String>,
    speech_to_text: bool,
    /// A sequel's idea is what happens next, and may be left to the storyteller.
    sequel: bool,
) -> impl IntoView {
    view! {
        <label for="prompt">
            {if sequel { "What happens next? (or leave it to the storyteller)" } else { "What should the story be about?" }}
        </label>
        <textarea
            id="prompt"
            name="input[prompt]"
            rows="3"
            maxlength=PROMPT_MAX_CHARS
            placeholder=tier.idea_placeholder
            prop:value=move || prompt.get()
            on:input=move |ev| prompt.set(event_target_value(&ev))
            // The server's page shows the idea a refused post carried back (a property
            // is never server-rendered).
            inner_html=textarea_html(&prompt.get_untracked())
        ></textarea>
        <VoiceInput tier=tier.name prompt server_fallback=speech_to_text/>
        <p class="hint">
            {move || format!("{} / {PROMPT_MAX_CHARS} characters", prompt.read().chars().count())}
        </p>
    }
}

#[component]
fn LengthField(length: RwSignal<StoryLength>) -> impl IntoView {
    let options = StoryLength::ALL
        .iter()
        .map(|&l| {
            view! {
                <label>
                    <input
                        type="radio"
                        name="input[length]"
                        value=l.key()
                        checked=length.get_untracked() == l
                        prop:checked=move || length.get() == l
                        on:change=move |_| length.set(l)
                    />
                    {l.label()}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="length">
            <legend>"Story length"</legend>
            {options}
        </fieldset>
    }
}

/// Bedtime mode (kids): calm, short, with a night look; the story's length is then short
/// whatever is picked above (the server makes it so, the line says it).
#[component]
fn BedtimeToggle(bedtime_on: RwSignal<bool>) -> impl IntoView {
    view! {
        <Switch key="bedtime" on=bedtime_on words="Bedtime story: calm and short, ends with a sleepy goodnight".to_owned()/>
        <Show when=move || bedtime_on.get()>
            <p class="hint bedtime-hint">"A bedtime story is short (3 scenes), with soft night-time pictures and a dim screen."</p>
        </Show>
    }
}

/// A switch of the start form: a checkbox `input[{key}]` (a plain post sends it when on).
#[component]
fn Switch(key: &'static str, on: RwSignal<bool>, words: String) -> impl IntoView {
    view! {
        <label class=format!("switch {}", key.replace('_', "-"))>
            <input
                type="checkbox"
                id=key
                name=format!("input[{key}]")
                checked=on.get_untracked()
                prop:checked=move || on.get()
                on:change=move |ev| on.set(event_target_checked(&ev))
            />
            {words}
        </label>
    }
}

/// Shown only when Grok Imagine (the xAI key) is configured.
#[component]
fn VideoToggle(video_on: RwSignal<bool>) -> impl IntoView {
    let words = "Video mode: a short Grok Imagine clip for every scene. It costs more and takes a minute or two per scene; the story never waits for it.";
    view! { <Switch key="video_mode" on=video_on words=words.to_owned()/> }
}

/// The family mode switch, naming the family; only once the tier has one.
#[component]
fn FamilyMode(family: Vec<String>, family_on: RwSignal<bool>) -> impl IntoView {
    (!family.is_empty()).then(|| {
        let words = format!("Family mode: {} in the story", family.join(", "));
        view! { <Switch key="family_mode" on=family_on words/> }
    })
}

/// "Who is in the story": the roster's characters to tick (several at once); hidden when
/// the roster is empty. The memory-mode profile's own come along whether ticked or not, so
/// they show ticked and fixed.
#[component]
fn CharacterPicker(
    roster: Vec<RosterOption>,
    picked: RwSignal<Picked>,
    brought: Signal<Vec<String>>,
) -> impl IntoView {
    if roster.is_empty() {
        return ().into_any();
    }
    let boxes = roster
        .into_iter()
        .map(|c| {
            let (id, flip, fixed) = (c.id.clone(), c.id.clone(), c.id.clone());
            let ticked = picked.with_untracked(|p| p.contains(&id));
            let by_profile = Signal::derive(move || brought.with(|b| b.contains(&fixed)));
            let label = match c.photos {
                0 => c.name,
                1 => format!("{} · photo", c.name),
                n => format!("{} · {n} photos", c.name),
            };
            view! {
                <label class="pill">
                    <input
                        type="checkbox"
                        name=Picked::field("input[characters]", &c.id)
                        checked=ticked
                        prop:checked=move || by_profile.get() || picked.with(|p| p.contains(&id))
                        disabled=by_profile
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            picked.update(|p| p.set(&flip, on));
                        }
                    />
                    <span>{label}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="pick-characters">
            <legend>"Who is in the story"</legend>
            {boxes}
        </fieldset>
    }
    .into_any()
}

/// The memory mode switch and profile picker; hidden when the tier has no profile.
#[component]
fn MemoryMode(
    profiles: Vec<ProfileOption>,
    memory_on: RwSignal<bool>,
    memory_profile: RwSignal<String>,
) -> impl IntoView {
    if profiles.is_empty() {
        return ().into_any();
    }
    view! {
        <fieldset class="memory-mode">
            <legend>"Memory mode"</legend>
            <label class="switch">
                <input
                    type="checkbox"
                    id="memory_mode"
                    name="input[memory_mode]"
                    checked=memory_on.get_untracked()
                    prop:checked=move || memory_on.get()
                    on:change=move |ev| memory_on.set(event_target_checked(&ev))
                />
                "Put our family in the story (preferences, characters and their photos)"
            </label>
            // Always in the form (a plain post sends it; the checkbox says whether it
            // counts), shown only while the checkbox is ticked (style: `.memory-choice`).
            <div class="memory-choice">
                <label for="memory_profile">"Profile"</label>
                <select
                    id="memory_profile"
                    name="input[memory_profile]"
                    prop:value=move || memory_profile.get()
                    on:change=move |ev| memory_profile.set(event_target_value(&ev))
                >
                    {profiles
                        .iter()
                        .map(|p| {
                            let summary = match p.characters.len() {
                                1 => format!("{} (1 character)", p.display_name),
                                n => format!("{} ({n} characters)", p.display_name),
                            };
                            let chosen = memory_profile.get_untracked() == p.id;
                            view! { <option value=p.id.clone() selected=chosen>{summary}</option> }
                        })
                        .collect_view()}
                </select>
                <p class="hint">"The profile is fixed for the whole story once it starts."</p>
            </div>
        </fieldset>
    }
    .into_any()
}
