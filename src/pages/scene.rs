//! `/{tier}/story/{story}/scene/{scene}`: one scene, its choices, Back, and "The End";
//! while the next scene is written, its words as they come.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::use_tier;
use crate::api::story::{load_scene, Choose};
use std::collections::HashSet;

use crate::components::live_events;
use crate::components::{
    error_notice::ErrorNotice, media_pane::MediaPane, media_status::use_media_status,
    narrative::Narrative, resource_view::ResourceView,
};
use crate::domain::media::MediaKind;
use crate::domain::story::{PartialScene, SceneView};
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
    view! {
        <article class="scene" data-depth=view.depth>
            <SceneMeta view=view.clone()/>
            <h1 class="scene-title">{heading}</h1>
            {chosen.map(|label| view! { <p class="chosen">"You chose: " {label}</p> })}
            <SceneMedia tier view=view.clone()/>
            <Narrative text=view.narrative.clone()/>
            {(!is_ending).then(|| view! { <ChoiceList tier view=view.clone() choose last_choice/> })}
            {is_ending.then(|| view! { <TheEnd tier story_id=view.story_id.clone() scene_id=view.scene_id.clone()/> })}
            <nav class="scene-nav">
                {back}
                <a class="map-link" href=map>"Story map"</a>
            </nav>
        </article>
    }
}

/// "Scene 2 of about 5 · Claude Sonnet 5.5 · Illustrations: GPT Image · Memory mode: …"
#[component]
fn SceneMeta(view: SceneView) -> impl IntoView {
    let SceneView {
        depth,
        target_depth,
        text_model_name,
        image_model_name,
        memory_profile_name,
        ..
    } = view;
    view! {
        <p class="scene-meta">
            {format!("Scene {depth} of about {target_depth}")}
            " · "
            <span class="text-model">{text_model_name}</span>
            {image_model_name
                .map(|name| {
                    view! {
                        " · Illustrations: "
                        <span class="image-model">{name}</span>
                    }
                })}
            {memory_profile_name
                .map(|name| {
                    view! {
                        " · "
                        <span class="memory-profile">{format!("Memory mode: {name}")}</span>
                    }
                })}
        </p>
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
        .then(|| view! { <MediaPane image=image_poll video=video_poll/> });
    let notice =
        video_notice.map(|text| view! { <p class="notice video-notice" role="status">{text}</p> });
    view! { {pane} {notice} }
}

/// The choices, each a plain form (a tap works before hydration and without JavaScript:
/// the server waits for the whole scene and sends the browser there). Hydrated, a tap shows
/// the next scene's words as they are written, and the scenes written ahead while this one
/// is read come at once. Retry when writing failed.
#[component]
fn ChoiceList(
    tier: &'static TierSpec,
    view: SceneView,
    choose: ServerAction<Choose>,
    last_choice: RwSignal<Option<Choose>>,
) -> impl IntoView {
    let pending = choose.pending();
    let failure = move || {
        if pending.get() {
            None
        } else {
            choose.value().get().and_then(Result::err)
        }
    };
    let retry = Callback::new(move |_| {
        if let Some(input) = last_choice.get_untracked() {
            choose.dispatch(input);
        }
    });
    // Choices whose scene is written ahead, and the words of the one being written.
    let ready = RwSignal::new(HashSet::<String>::new());
    let words = RwSignal::new(None::<PartialScene>);
    let ahead_stream = live_events::slot();
    let words_stream = live_events::slot();
    let story_id = view.story_id;
    let ahead_url = urls::scene_ahead(tier.name, &story_id, &view.scene_id);
    // In the browser only (effects do not run on the server); closed with the page.
    Effect::new(move |_| {
        let events = live_events::open(&ahead_url, &["ready"], move |_, data| {
            if let Ok(event) = serde_json::from_str::<ReadyEvent>(&data) {
                ready.update(|r| {
                    r.insert(event.choice_id);
                });
            }
        });
        ahead_stream.set_value(events);
    });
    let follow_words = move |url: String| {
        words.set(None);
        let events = live_events::open(&url, &["words", "done", "failed"], move |name, data| {
            if name == "words" {
                if let Ok(scene) = serde_json::from_str::<PartialScene>(&data) {
                    words.set(Some(scene));
                }
            } else {
                // Closed after this event is handled (not from inside its own listener).
                leptos::task::spawn_local(async move { words_stream.set_value(None) });
            }
        });
        words_stream.set_value(events);
    };
    let chosen_is_ready = move || {
        last_choice.with(|c| {
            c.as_ref()
                .is_some_and(|c| ready.with(|r| r.contains(&c.choice_id)))
        })
    };
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
            let id = choice.id.clone();
            let is_ready = move || ready.with(|r| r.contains(&id)).then_some("ready");
            view! {
                <li>
                    <form
                        class="choice-form"
                        method="post"
                        action=choose_url
                        on:submit=move |event| {
                            event.prevent_default();
                            last_choice.set(Some(input.clone()));
                            if !ready.with_untracked(|r| r.contains(&input.choice_id)) {
                                follow_words(words_url.clone());
                            }
                            choose.dispatch(input.clone());
                        }
                    >
                        <input type="hidden" name="tier" value=tier.name/>
                        <input type="hidden" name="story_id" value=story_id.clone()/>
                        <input type="hidden" name="choice_id" value=choice.id.clone()/>
                        <button
                            type="submit"
                            class="choice"
                            class:explored=choice.explored
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
        // A scene written ahead comes at once: no waiting shown for it.
        <Show when=move || pending.get() && !chosen_is_ready()>
            <div class="writing" role="status" aria-live="polite">
                <p class="progress">
                    <span class="spinner"></span>
                    "The storyteller is writing the next scene…"
                </p>
                {move || {
                    words
                        .get()
                        .map(|scene| {
                            view! {
                                <div class="words-so-far">
                                    {scene.title.map(|t| view! { <h2 class="scene-title">{t}</h2> })}
                                    <Narrative text=scene.narrative/>
                                </div>
                            }
                        })
                }}
            </div>
        </Show>
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
            <p>"You reached an ending. Read it all again, see every path, keep it as a book, or go back and take another way."</p>
            <ul class="ending-links">
                <li><a class="button primary" href=urls::reader(tier.name, &story_id)>"Read the whole story"</a></li>
                <li><a class="button" href=urls::story_map(tier.name, &story_id, &scene_id)>"See the story map"</a></li>
                <li><a class="button" href=urls::export_pdf(tier.name, &story_id) download>"Keep it as a book (PDF)"</a></li>
                <li><a class="button" href=urls::home(tier.name)>"Start a new story"</a></li>
            </ul>
        </div>
    }
}
