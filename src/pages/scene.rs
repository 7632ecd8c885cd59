//! `/{tier}/story/{story}/scene/{scene}`: one scene, its choices, Back, and "The End".

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::{not_found::NotFound, route_tier};
use crate::api::story::{load_scene, Choose};
use crate::components::{
    error_notice::ErrorNotice, media_poll::poll_media, scene_image::SceneImage,
    scene_video::SceneVideo, tier_frame::TierFrame,
};
use crate::domain::media::MediaKind;
use crate::domain::story::SceneView;
use crate::domain::{AppError, TierSpec};

#[component]
pub fn ScenePage() -> impl IntoView {
    let tier = route_tier();
    move || match tier() {
        Some(tier) => view! {
            <TierFrame tier>
                <SceneContent tier/>
            </TierFrame>
        }
        .into_any(),
        None => view! { <NotFound/> }.into_any(),
    }
}

fn scene_href(tier: &TierSpec, story_id: &str, scene_id: &str) -> String {
    format!("/{}/story/{story_id}/scene/{scene_id}", tier.name)
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
            navigate(&scene_href(tier, &story, &next_scene), Default::default());
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="loading">"Opening the story…"</p> }>
            {move || Suspend::new(async move {
                match scene.await {
                    Ok(view) => view! { <SceneBody tier view choose last_choice/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(error) => {
                        view! {
                            <ErrorNotice error on_retry=Callback::new(move |_| scene.refetch())/>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn SceneBody(
    tier: &'static TierSpec,
    view: SceneView,
    choose: ServerAction<Choose>,
    last_choice: RwSignal<Option<Choose>>,
) -> impl IntoView {
    let SceneView {
        story_id,
        story_title,
        title,
        narrative,
        choices,
        is_ending,
        depth,
        target_depth,
        previous_scene_id,
        chosen_label,
        text_model_name,
        image_model_name,
        image,
        memory_profile_name,
        video,
        video_notice,
        scene_id,
        ..
    } = view;
    let image_poll = image.map(|initial| {
        poll_media(
            tier.name,
            story_id.clone(),
            scene_id.clone(),
            MediaKind::Image,
            initial,
        )
    });
    let poster = Signal::derive(move || image_poll.and_then(|poll| poll.media.read().url.clone()));
    let picture = image_poll.map(|poll| view! { <SceneImage poll/> });
    let clip = video.map(|initial| {
        view! {
            <SceneVideo tier=tier.name story_id=story_id.clone() scene_id=scene_id.clone() initial poster/>
        }
    });
    let notice =
        video_notice.map(|text| view! { <p class="notice video-notice" role="status">{text}</p> });
    let pending = choose.pending();
    let failure = move || {
        if pending.get() {
            None
        } else {
            choose.value().get().and_then(Result::err)
        }
    };
    let back = previous_scene_id.map(|prev| {
        view! {
            <a class="back-link" href=scene_href(tier, &story_id, &prev)>
                "← Back"
            </a>
        }
    });
    let heading = title.unwrap_or_else(|| story_title.clone());
    let choice_list = (!is_ending).then(|| {
        let story_id = story_id.clone();
        view! {
            <h2 class="choices-heading">"What happens next?"</h2>
            <ul class="choices">
                {choices
                    .into_iter()
                    .map(|choice| {
                        let input = Choose {
                            tier: tier.name.to_owned(),
                            story_id: story_id.clone(),
                            choice_id: choice.id.clone(),
                        };
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="choice"
                                    class:explored=choice.explored
                                    disabled=move || pending.get()
                                    on:click=move |_| {
                                        last_choice.set(Some(input.clone()));
                                        choose.dispatch(input.clone());
                                    }
                                >
                                    {choice.label}
                                    {choice.explored.then(|| view! { <span class="explored-tag">" (read before)"</span> })}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    });
    let ending = is_ending.then(|| {
        view! {
            <div class="the-end" role="status">
                <p class="the-end-mark">"The End"</p>
                <p>"You reached an ending. Go back to take another path, or start a new story."</p>
                <a class="button primary" href=format!("/{}", tier.name)>
                    "Start a new story"
                </a>
            </div>
        }
    });
    view! {
        <article class="scene" data-depth=depth>
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
            <h1 class="scene-title">{heading}</h1>
            {chosen_label.map(|label| view! { <p class="chosen">"You chose: " {label}</p> })}
            {picture}
            {clip}
            {notice}
            <div class="scene-narrative">
                {narrative
                    .split('\n')
                    .filter(|p| !p.trim().is_empty())
                    .map(|p| view! { <p>{p.to_owned()}</p> })
                    .collect_view()}
            </div>
            {choice_list}
            <Show when=move || pending.get()>
                <p class="progress" role="status">
                    <span class="spinner"></span>
                    "Writing the next scene…"
                </p>
            </Show>
            {move || {
                failure()
                    .map(|error| {
                        view! {
                            <ErrorNotice
                                error
                                on_retry=Callback::new(move |_| {
                                    if let Some(input) = last_choice.get_untracked() {
                                        choose.dispatch(input);
                                    }
                                })
                            />
                        }
                    })
            }}
            {ending}
            <nav class="scene-nav">{back}</nav>
        </article>
    }
}
