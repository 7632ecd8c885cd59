//! `/{tier}/story/{story}/scene/{scene}`: one scene, its choices, Back, and "The End";
//! while the next scene is written, its words as they come.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::use_tier;
use crate::api::story::{load_scene, story_so_far, ChangeLength, Choose};
use std::collections::HashSet;

use crate::components::arrival::{announce_arrival, focus_on_arrival};
use crate::components::chapter_card::ChapterTitle;
use crate::components::writing_now::{follow, WritingNow};
use crate::components::{
    error_notice::ErrorNotice, media_pane::MediaPane, media_status::use_media_status,
    narrative::Narrative, parent_mode::provide_parent_mode, read_aloud::ReadAloud,
    resource_view::ResourceView,
};
use crate::components::{live_events, network};
use crate::domain::media::MediaKind;
use crate::domain::story::{
    chapter_count, chapter_place, LengthChange, PartialScene, SceneView, WIND_DOWN_MINUTES,
};
use crate::domain::urls;
use crate::domain::TierSpec;

#[component]
pub fn ScenePage() -> impl IntoView {
    let tier = use_tier();
    view! { <SceneContent tier/> }
}

#[component]
fn SceneContent(tier: &'static TierSpec) -> impl IntoView {
    let params = use_params_map();
    let ids = move || {
        params.with(|p| {
            (
                p.get("story").unwrap_or_default(),
                p.get("scene").unwrap_or_default(),
            )
        })
    };
    let scene = Resource::new(ids, move |(story, scene)| {
        load_scene(tier.name.to_owned(), story, scene)
    });
    let choose = ServerAction::<Choose>::new();
    // Kept so Retry can resend the choice after a failure.
    let last_choice = RwSignal::new(None::<Choose>);
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(next_scene)) = choose.value().get() {
            announce_arrival();
            let (story, _) = ids();
            navigate(
                &urls::scene(tier.name, &story, &next_scene),
                Default::default(),
            );
        }
    });
    view! {
        <ResourceView
            resource=scene
            loading="Opening the story…"
            render=move |view| view! { <SceneBody tier view choose last_choice/> }
        />
    }
}

#[component]
fn SceneBody(
    tier: &'static TierSpec,
    view: SceneView,
    choose: ServerAction<Choose>,
    last_choice: RwSignal<Option<Choose>>,
) -> impl IntoView {
    let heading = view
        .title
        .clone()
        .unwrap_or_else(|| view.story_title.clone());
    let back = view.previous_scene_id.clone().map(|prev| {
        view! {
            <a class="back-link" href=urls::scene(tier.name, &view.story_id, &prev)>
                "← Back"
            </a>
        }
    });
    let map = urls::story_map(tier.name, &view.story_id, &view.scene_id);
    let chosen = view.chosen_label.clone();
    let is_ending = view.is_ending;
    provide_parent_mode(view.parent);
    let next = NextScene::new(choose, last_choice);
    // While the next scene is written its words take this scene's place; this scene stays
    // in the page (hidden), so a failure shows it again with Retry.
    let writing = move || next.writing();
    let title_ref = NodeRef::<leptos::html::H1>::new();
    focus_on_arrival(title_ref);
    view! {
        <article class="scene" class:bedtime=view.bedtime_minutes.is_some() data-depth=view.depth>
            <Show when=writing>
                <WritingNow
                    words=next.words
                    chosen=Signal::derive(move || next.tapped_label.get())
                    waiting="The storyteller is writing the next scene…"
                />
            </Show>
            <div class="this-scene" hidden=writing>
                {view.chapter_card.clone().map(|card| view! { <ChapterTitle card/> })}
                {view.bedtime_minutes.map(|minutes| view! { <WindDown minutes/> })}
                <h1 class="scene-title" tabindex="-1" node_ref=title_ref>{heading}</h1>
                {(view.depth > 1).then(|| view! {
                    <StorySoFar tier story_id=view.story_id.clone() scene_id=view.scene_id.clone()/>
                })}
                {chosen.map(|label| view! { <p class="chosen">"You chose: " {label}</p> })}
                <ReadAloud
                    tier=tier.name
                    scene_id=view.scene_id.clone()
                    offer=view.read_aloud.clone()
                    autoplay_here=true
                />
                <Narrative text=view.narrative.clone()/>
                {(!is_ending).then(|| view! { <ChoiceList tier view=view.clone() next/> })}
                <LengthButtons tier view=view.clone()/>
                {is_ending.then(|| view! { <TheEnd tier story_id=view.story_id.clone() scene_id=view.scene_id.clone()/> })}
                // After the choices in the page (and so in tab order: a tap on a choice
                // comes before the player's controls); shown above the text by the style.
                <SceneMedia tier view=view.clone()/>
                <nav class="scene-nav" aria-label="This story">
                    {back}
                    <a class="map-link" href=map>"Story map"</a>
                </nav>
                <AboutStory view=view.clone()/>
            </div>
        </article>
    }
    .into_any()
}

/// A bedtime story's wind-down timer: the minutes since it started, as the server counted
/// them for this page; the signal at [`WIND_DOWN_MINUTES`] is the stylesheet's, timed by the
/// minutes left (`data-wind-down-in`), so it comes on a page left open too, with no script.
#[component]
fn WindDown(minutes: u32) -> impl IntoView {
    let due = minutes >= WIND_DOWN_MINUTES;
    let left = (!due).then(|| (WIND_DOWN_MINUTES - minutes).to_string());
    let words = match (minutes, due) {
        (_, true) => format!("Story time: {minutes} minutes. Time to wind down."),
        (0, false) => "Story time: just started".to_owned(),
        (1, false) => "Story time: 1 minute".to_owned(),
        (_, false) => format!("Story time: {minutes} minutes"),
    };
    view! { <p class="wind-down" class:due=due data-wind-down-in=left>{words}</p> }
}

/// "Story so far", for a reader who comes back (`?resume`, from the home page's Continue or
/// the gallery's Read on): asked for once the page is shown (the page never waits for it),
/// with a line while it is written; nothing when it cannot be had. The server's page shows
/// nothing of it: without the app there is no recap.
#[component]
fn StorySoFar(tier: &'static TierSpec, story_id: String, scene_id: String) -> impl IntoView {
    let resumed = use_query_map().with_untracked(|q| q.get("resume").is_some());
    let recap = RwSignal::new(None::<Option<String>>);
    Effect::new(move |asked: Option<()>| {
        if asked.is_some() || !resumed {
            return;
        }
        let (story_id, scene_id) = (story_id.clone(), scene_id.clone());
        recap.set(Some(None));
        leptos::task::spawn_local(async move {
            let told = story_so_far(tier.name.to_owned(), story_id, scene_id).await;
            recap.set(told.ok().flatten().map(Some));
        });
    });
    move || {
        match recap.get() {
        Some(Some(text)) => Some(
            view! {
                <details class="story-so-far" open>
                    <summary>"Story so far"</summary>
                    <p>{text}</p>
                </details>
            }
            .into_any(),
        ),
        Some(None) => Some(
            view! { <p class="story-so-far progress" role="status">"Remembering the story so far…"</p> }
                .into_any(),
        ),
        None => None,
    }
    }
}

/// "Keep going" and "Wrap it up", between the first scene and an ending: a plain form (the
/// server changes the story's length and sends the browser back to this scene, whose line
/// then says how far the ending is).
#[component]
fn LengthButtons(tier: &'static TierSpec, view: SceneView) -> impl IntoView {
    let (depth, target) = (view.depth, view.target_depth);
    let offered = |change: LengthChange| change.offered(depth, target, view.is_ending);
    let (longer, sooner) = (offered(LengthChange::Longer), offered(LengthChange::Sooner));
    (longer || sooner).then(|| {
        let action = <ChangeLength as leptos::server_fn::ServerFn>::url();
        let away = match target.saturating_sub(depth) {
            0 | 1 => "The ending comes next.".to_owned(),
            n => format!("The ending is about {n} scenes away."),
        };
        view! {
            <form class="story-length" method="post" action=action>
                <input type="hidden" name="tier" value=tier.name/>
                <input type="hidden" name="story_id" value=view.story_id/>
                <input type="hidden" name="scene_id" value=view.scene_id/>
                <p class="hint">{away}</p>
                {longer.then(|| view! {
                    <button type="submit" class="button quiet" name="change" value="longer">"Keep going"</button>
                })}
                {sooner.then(|| view! {
                    <button type="submit" class="button quiet" name="change" value="sooner">"Wrap it up"</button>
                })}
            </form>
        }
    })
}

/// The next scene, from the tap on a choice until the page goes there: which choice was
/// tapped, the scenes already written ahead, and the words of the one being written.
#[derive(Clone, Copy)]
struct NextScene {
    choose: ServerAction<Choose>,
    last_choice: RwSignal<Option<Choose>>,
    /// The tapped choice's words, marked at once.
    tapped_label: RwSignal<Option<String>>,
    /// Choices whose scene is written ahead: they come at once, without waiting shown.
    ready: RwSignal<HashSet<String>>,
    words: RwSignal<Option<PartialScene>>,
    words_stream: live_events::Slot,
    ahead_stream: live_events::Slot,
}

impl NextScene {
    fn new(choose: ServerAction<Choose>, last_choice: RwSignal<Option<Choose>>) -> NextScene {
        NextScene {
            choose,
            last_choice,
            tapped_label: RwSignal::new(None),
            ready: RwSignal::new(HashSet::new()),
            words: RwSignal::new(None),
            words_stream: live_events::slot(),
            ahead_stream: live_events::slot(),
        }
    }

    fn chosen_is_ready(self) -> bool {
        self.last_choice.with(|c| {
            c.as_ref()
                .is_some_and(|c| self.ready.with(|r| r.contains(&c.choice_id)))
        })
    }

    /// The storyteller is writing the tapped choice's scene now.
    fn writing(self) -> bool {
        self.choose.pending().get() && !self.chosen_is_ready()
    }

    /// A tap on `label`: marked, its words followed unless written ahead, then chosen.
    fn take(self, input: Choose, label: String, words_url: &str) {
        self.tapped_label.set(Some(label));
        self.last_choice.set(Some(input.clone()));
        if !self.ready.with_untracked(|r| r.contains(&input.choice_id)) {
            follow(words_url, self.words, self.words_stream);
        }
        self.choose.dispatch(input);
    }
}
/// For grown-ups, behind a small disclosure under the scene: "Scene 2 of about 5 ·
/// Written by Claude Sonnet 5.5 · Memory mode: …". The picture's model is its caption.
#[component]
fn AboutStory(view: SceneView) -> impl IntoView {
    let SceneView {
        depth,
        target_depth,
        has_chapters,
        text_model_name,
        memory_profile_name,
        ..
    } = view;
    let place = if has_chapters {
        let (chapter, scene) = chapter_place(depth);
        format!(
            "Chapter {chapter} of {}, scene {scene}",
            chapter_count(target_depth).max(chapter)
        )
    } else {
        format!("Scene {depth} of about {target_depth}")
    };
    view! {
        <details class="about-story">
            <summary>"About this story"</summary>
            <p class="scene-meta">
                {place}
                " · Written by "
                <span class="text-model">{text_model_name}</span>
                {memory_profile_name
                    .map(|name| {
                        view! {
                            " · "
                            <span class="memory-profile">{name}</span>
                        }
                    })}
            </p>
        </details>
    }
}

/// The scene's picture and, in video mode, its clip (the picture is the clip's poster), or
/// why the story has no clips.
#[component]
fn SceneMedia(tier: &'static TierSpec, view: SceneView) -> impl IntoView {
    let SceneView {
        story_id,
        scene_id,
        image,
        video,
        video_notice,
        image_model_name,
        new_look,
        ..
    } = view;
    let image_poll = image.map(|initial| {
        use_media_status(
            tier.name,
            story_id.clone(),
            scene_id.clone(),
            MediaKind::Image,
            initial,
        )
    });
    let video_poll = video
        .map(|initial| use_media_status(tier.name, story_id, scene_id, MediaKind::Video, initial));
    let pane = (image_poll.is_some() || video_poll.is_some())
        .then(|| view! { <MediaPane image=image_poll video=video_poll painter=image_model_name new_look/> });
    let notice =
        video_notice.map(|text| view! { <p class="notice video-notice" role="status">{text}</p> });
    view! { {pane} {notice} }
}

/// The choices, each a plain form (a tap works before hydration and without JavaScript:
/// the server waits for the whole scene and sends the browser there). Hydrated, a tap is
/// marked at once and the next scene's words replace this scene as they are written; the
/// scenes written ahead while this one is read come at once. Retry when writing failed.
#[component]
fn ChoiceList(tier: &'static TierSpec, view: SceneView, next: NextScene) -> impl IntoView {
    let choose = next.choose;
    let pending = choose.pending();
    let failure = move || {
        if pending.get() {
            None
        } else {
            choose.value().get().and_then(Result::err)
        }
    };
    let retry = Callback::new(move |_| {
        if let Some(input) = next.last_choice.get_untracked() {
            choose.dispatch(input);
        }
    });
    let story_id = view.story_id;
    let ahead_url = urls::scene_ahead(tier.name, &story_id, &view.scene_id);
    // In the browser only (effects do not run on the server); closed with the page.
    Effect::new(move |_| {
        let events = live_events::open(&ahead_url, &["ready"], move |_, data| {
            if let Ok(event) = serde_json::from_str::<ReadyEvent>(&data) {
                next.ready.update(|r| {
                    r.insert(event.choice_id);
                });
            }
        });
        next.ahead_stream.set_value(events);
    });
    let choose_url = <Choose as leptos::server_fn::ServerFn>::url();
    let forms = view
        .choices
        .into_iter()
        .map(|choice| {
            let input = Choose {
                tier: tier.name.to_owned(),
                story_id: story_id.clone(),
                choice_id: choice.id.clone(),
            };
            let words_url = urls::choice_words(tier.name, &story_id, &choice.id);
            let offline_copy = choice
                .next_scene_id
                .as_deref()
                .map(|scene| urls::scene(tier.name, &story_id, scene));
            let id = choice.id.clone();
            let is_ready = move || next.ready.with(|r| r.contains(&id)).then_some("ready");
            let label = choice.label.clone();
            let tapped_id = choice.id.clone();
            let tapped = move || {
                pending.get()
                    && next
                        .last_choice
                        .with(|c| c.as_ref().is_some_and(|c| c.choice_id == tapped_id))
            };
            view! {
                <li>
                    <form
                        class="choice-form"
                        method="post"
                        action=choose_url
                        on:submit=move |event| {
                            event.prevent_default();
                            // Offline, a branch read before opens from the device's copy.
                            if let Some(url) = offline_copy.as_deref().filter(|_| !network::online()) {
                                network::open_page(url);
                                return;
                            }
                            next.take(input.clone(), label.clone(), &words_url);
                        }
                    >
                        <input type="hidden" name="tier" value=tier.name/>
                        <input type="hidden" name="story_id" value=story_id.clone()/>
                        <input type="hidden" name="choice_id" value=choice.id.clone()/>
                        <button
                            type="submit"
                            class="choice"
                            class:explored=choice.explored
                            class:tapped=tapped
                            data-ahead=is_ready
                            disabled=move || pending.get()
                        >
                            {choice.label}
                            {choice.explored.then(|| view! { <span class="explored-tag">" (read before)"</span> })}
                        </button>
                    </form>
                </li>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <h2 class="choices-heading">"What happens next?"</h2>
        <ul class="choices">{forms}</ul>
        {move || failure().map(|error| view! { <ErrorNotice error on_retry=retry/> })}
    }
    // One type for the whole list: keeps the page's view type within the compiler's limits.
    .into_any()
}

/// A scene written ahead (`ready` on the ahead stream).
#[derive(serde::Deserialize)]
struct ReadyEvent {
    choice_id: String,
}

#[component]
fn TheEnd(tier: &'static TierSpec, story_id: String, scene_id: String) -> impl IntoView {
    view! {
        <div class="the-end" role="status">
            <p class="the-end-mark">"The End"</p>
            <p>"You reached an ending. Read it all again, see every path, keep it as a book, go on with a new adventure, or go back and take another way."</p>
            <ul class="ending-links">
                <li><a class="button primary" href=urls::reader(tier.name, &story_id)>"Read the whole story"</a></li>
                <li><a class="button" href=urls::story_map(tier.name, &story_id, &scene_id)>"See the story map"</a></li>
                <li><a class="button" href=urls::export_pdf(tier.name, &story_id) download>"Keep it as a book (PDF)"</a></li>
                <li><a class="button" href=urls::sequel(tier.name, &story_id)>"Continue the adventure"</a></li>
                <li><a class="button" href=urls::home(tier.name)>"Start a new story"</a></li>
            </ul>
        </div>
    }
}
