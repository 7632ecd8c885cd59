//! "Read to me": a big play/stop button on a scene (live and in the reader), a voice to pick,
//! and on a live scene the choice to have each new scene read by itself (on by default in
//! the kids' tier). Both choices are remembered by the browser, per tier. The story voice
//! is the server's narration model; without one, the browser's own speech reads, and the
//! widget says which. The spoken sentence is highlighted in the text ([`Narrative`]).
//!
//! The player's code (Web Audio, speech synthesis) is a module of its own, fetched once the
//! scene is shown, so the story page's download stays small.
//!
//! [`Narrative`]: super::narrative::Narrative

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;
use send_wrapper::SendWrapper;

use super::read_aloud_player::{browser_speech, play, Ended, Reading, Stop};
use crate::domain::read_aloud::{sentences, ReadAloudOffer};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Playing {
    Idle,
    /// Tapped; the voice is being fetched.
    Starting,
    Sounding,
    /// The browser wants a tap before it plays sound (a scene opened without one).
    NeedsTap,
    Failed(String),
}

/// Where the reader's choices are kept, per tier.
fn pref_key(tier: &str, what: &str) -> String {
    format!("read-aloud:{tier}:{what}")
}

/// The read-aloud controls of one scene. `autoplay_here`: a live scene (each new one may
/// read itself); `spoken`: the sentence being said, for the text's highlight; `stop_when`:
/// stops when it turns true (the reader tapped a choice).
#[component]
pub fn ReadAloud(
    tier: &'static str,
    scene_id: String,
    narrative: String,
    offer: ReadAloudOffer,
    autoplay_here: bool,
    spoken: RwSignal<Option<usize>>,
    #[prop(optional, into)] stop_when: Option<Signal<bool>>,
) -> impl IntoView {
    let playing = RwSignal::new(Playing::Idle);
    // Laid out but invisible until the browser knows it can read (the server cannot tell),
    // so nothing below moves when it shows; left out only where nothing can read.
    let ready = RwSignal::new(false);
    let usable = RwSignal::new(true);
    let server = RwSignal::new(offer.server);
    let voice = RwSignal::new(
        offer
            .voices
            .first()
            .map(|v| v.0.clone())
            .unwrap_or_default(),
    );
    let auto = RwSignal::new(offer.autoplay);
    let stop: StoredValue<Option<SendWrapper<Stop>>> = StoredValue::new(None);
    let run = StoredValue::new(0u32);
    let lines: Vec<String> = sentences(&narrative)
        .into_iter()
        .map(|(s, e)| narrative[s..e].to_owned())
        .collect();
    let voices = StoredValue::new(offer.voices.clone());
    let bedtime = offer.bedtime;

    // `try_`: the reading that had the floor may be on a scene already left.
    let stop_now = move || {
        run.try_update_value(|r| *r += 1);
        if let Some(Some(f)) = stop.try_get_value() {
            fire(&f);
        }
        stop.try_set_value(None);
        spoken.try_set(None);
        playing.try_set(Playing::Idle);
    };
    let scene = StoredValue::new(scene_id);
    let lines = StoredValue::new(lines);
    let start = move || {
        stop_now();
        // One voice at a time on a page (the reader has a button per scene).
        take_the_floor(stop_now);
        let this_run = run.get_value();
        playing.set(Playing::Starting);
        let voice_key = voice.get_untracked();
        let voice_index = voices
            .with_value(|v| v.iter().position(|(k, _)| *k == voice_key))
            .unwrap_or(0);
        let url = server
            .get_untracked()
            .then(|| format!("/{tier}/read-aloud/{}/{voice_key}", scene.get_value()));
        let reading = Reading {
            url,
            sentences: lines.get_value(),
            voice_index,
            bedtime,
        };
        leptos::task::spawn_local(async move {
            #[cfg(feature = "hydrate")]
            let speaking = speak(reading, spoken, playing, stop).await;
            #[cfg(not(feature = "hydrate"))]
            let speaking = speak(reading, spoken, playing, stop);
            let ended = match speaking {
                Ok(speaking) => speaking.await,
                Err(_) => Ended::Failed(
                    "Reading aloud could not start: the page lost its connection. Check it and press play again."
                        .into(),
                ),
            };
            // `try_`: the scene may have been left meanwhile.
            if run.try_get_value() != Some(this_run) {
                return;
            }
            stop.try_set_value(None);
            if matches!(ended, Ended::ServerCannot) && browser_speech() {
                server.try_set(false);
            }
            playing.try_set(match ended {
                Ended::Finished | Ended::Stopped => Playing::Idle,
                Ended::NeedsTap => Playing::NeedsTap,
                // The story voice is not set up after all: the device's voice reads next.
                Ended::ServerCannot if browser_speech() => Playing::NeedsTap,
                Ended::ServerCannot => Playing::Failed("Reading aloud is not set up here.".into()),
                Ended::Failed(words) => Playing::Failed(words),
            });
        });
    };

    Effect::new(move |done: Option<()>| {
        if done.is_some() {
            return;
        }
        let can = server.get_untracked() || browser_speech();
        usable.set(can);
        ready.set(can);
        if !can {
            return;
        }
        if let Some(kept) = load_pref(&pref_key(tier, "voice")) {
            if voices.with_value(|v| v.iter().any(|(k, _)| *k == kept)) {
                voice.set(kept);
            }
        }
        if let Some(kept) = load_pref(&pref_key(tier, "auto")) {
            auto.set(kept == "on");
        }
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async {
            if let Err(error) = __preload_player().await {
                leptos::logging::warn!("the reading voice's code could not be fetched: {error}");
            }
        });
        if autoplay_here && auto.get_untracked() {
            start();
        }
    });
    if let Some(stop_when) = stop_when {
        Effect::new(move |_| {
            if stop_when.get() {
                stop_now();
            }
        });
    }
    on_cleanup(move || {
        if let Some(Some(f)) = stop.try_get_value() {
            fire(&f);
        }
    });

    let busy = move || matches!(playing.get(), Playing::Starting | Playing::Sounding);
    let toggle = move |_| match busy() {
        true => stop_now(),
        false => start(),
    };
    let label = move || match playing.get() {
        Playing::Starting | Playing::Sounding => "■ Stop",
        Playing::NeedsTap => "▶ Tap to listen",
        Playing::Idle | Playing::Failed(_) => "▶ Read to me",
    };
    // Only a failure takes a line of its own (the text moves for news, not for progress).
    let status = move || match playing.get() {
        Playing::Failed(words) => Some(words),
        _ => None,
    };
    let choose_voice = move |ev: leptos::ev::Event| {
        let picked = event_target_value(&ev);
        save_pref(&pref_key(tier, "voice"), &picked);
        voice.set(picked);
        if busy() {
            start();
        }
    };
    let choose_auto = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        save_pref(&pref_key(tier, "auto"), if on { "on" } else { "off" });
        auto.set(on);
    };
    view! {
        <div
            class="read-aloud"
            hidden=move || !usable.get()
            data-ready=move || ready.get().to_string()
            data-state=move || format!("{:?}", playing.get()).to_lowercase()
        >
            <button
                type="button"
                class="read-aloud-play"
                aria-busy=move || (playing.get() == Playing::Starting).to_string()
                class:pulse=move || playing.get() == Playing::NeedsTap
                aria-pressed=move || busy().to_string()
                on:click=toggle
            >
                {label}
            </button>
            <label class="read-aloud-voice">
                <span>"Voice"</span>
                <select on:change=choose_voice prop:value=move || voice.get()>
                    {offer
                        .voices
                        .iter()
                        .map(|(key, name)| view! { <option value=key.clone()>{name.clone()}</option> })
                        .collect_view()}
                </select>
            </label>
            {autoplay_here.then(|| view! {
                <label class="read-aloud-auto">
                    <input type="checkbox" prop:checked=move || auto.get() on:change=choose_auto/>
                    " Read each new scene by itself"
                </label>
            })}
            <span class="read-aloud-kind">
                {move || if server.get() { "Story voice" } else { "This device's voice" }}
            </span>
            <p class="read-aloud-status" role="status">{status}</p>
        </div>
    }
}

thread_local! {
    /// How to stop the reading that has the floor on this page.
    static FLOOR: std::cell::RefCell<Option<Box<dyn Fn()>>> = const { std::cell::RefCell::new(None) };
}

/// Stops whichever other reading is sounding, and takes its place.
fn take_the_floor(stop: impl Fn() + 'static) {
    let before = FLOOR.with(|f| f.borrow_mut().replace(Box::new(stop)));
    if let Some(before) = before {
        before();
    }
}

/// Stops a reading now (the player's function).
fn fire(stop: &Stop) {
    #[cfg(feature = "hydrate")]
    {
        let _ = stop.call0(&leptos::wasm_bindgen::JsValue::NULL);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = stop;
}

fn load_pref(key: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let storage = leptos::web_sys::window()?.local_storage().ok()??;
        storage.get_item(key).ok()?
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

fn save_pref(key: &str, value: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(Ok(Some(storage))) = leptos::web_sys::window().map(|w| w.local_storage()) {
        let _ = storage.set_item(key, value);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, value);
}

/// One reading, once the player's code is here. `Send` (a [`SendWrapper`]) though it never
/// leaves the browser's one thread, as voice input's capture is.
type Speaking = Pin<Box<dyn Future<Output = Ended> + Send + Sync>>;

/// In the browser, a split point: the player is a module of its own, fetched once a scene
/// is shown, and the call fails when it cannot be fetched.
#[cfg_attr(
    feature = "hydrate",
    leptos::wasm_split::wasm_split(
        player,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(#[doc(hidden)] __preload_player)
    )
)]
fn speak(
    reading: Reading,
    spoken: RwSignal<Option<usize>>,
    playing: RwSignal<Playing>,
    stop: StoredValue<Option<SendWrapper<Stop>>>,
) -> Result<Speaking, SplitLoaderError> {
    Ok(Box::pin(SendWrapper::new(async move {
        play(
            reading,
            spoken,
            move || {
                playing.try_set(Playing::Sounding);
            },
            move |f| {
                stop.try_set_value(Some(SendWrapper::new(f)));
            },
        )
        .await
    })))
}
