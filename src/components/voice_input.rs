//! The microphone beside the story idea: press to speak, press again to
//! stop (or it stops after a minute, or after ten seconds of silence). The browser's own
//! speech recognition is used where it works, its words shown as they come; elsewhere the
//! recording is sent to the server to be transcribed. The words are added to what is
//! already typed, never replacing it; every failure says what happened and what to do.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;
use send_wrapper::SendWrapper;

use super::network::online;
use super::voice_capture::{available, keep, kept, listen, record, VoiceFailure};
use crate::api::voice::transcribe_speech;
use crate::domain::story::PROMPT_MAX_CHARS;
use crate::domain::AppError;

#[derive(Debug, Clone, PartialEq)]
enum Voice {
    Idle,
    /// Seconds so far.
    Listening(u32),
    Transcribing,
    /// What went wrong; `true` when the recording is kept for Retry.
    Failed(String, bool),
}

/// `server_fallback`: the server can transcribe recordings (else only the browser's own
/// speech recognition is offered).
#[component]
pub fn VoiceInput(
    tier: &'static str,
    prompt: RwSignal<String>,
    server_fallback: bool,
) -> impl IntoView {
    let voice = RwSignal::new(Voice::Idle);
    // Shown by the server; hidden once the browser finds it can neither recognise speech nor
    // record for a server that transcribes.
    let offered = RwSignal::new(true);
    Effect::new(move || {
        let usable = available(server_fallback);
        offered.set(usable);
        // The microphone's code is fetched now, while the page has just loaded (so is
        // online), not at the first press; if it cannot be, the press fetches it again.
        #[cfg(feature = "hydrate")]
        if usable {
            leptos::task::spawn_local(async {
                if let Err(error) = __preload_capture().await {
                    leptos::logging::warn!("the microphone's code could not be fetched: {error}");
                }
            });
        }
    });
    let interim = RwSignal::new(String::new());
    // Plain shared state, not local storage: the server renders this too, on any thread.
    let stop = StoredValue::new(Arc::new(AtomicBool::new(false)));
    let append = move |words: String| {
        prompt.update(|text| {
            let words = words.trim();
            if words.is_empty() {
                return;
            }
            if !text.is_empty() && !text.ends_with(char::is_whitespace) {
                text.push(' ');
            }
            text.push_str(words);
            // Within the idea's limit, whatever was said.
            if text.chars().count() > PROMPT_MAX_CHARS {
                *text = text.chars().take(PROMPT_MAX_CHARS).collect();
            }
        });
    };
    let upload = move |data: leptos::web_sys::FormData| {
        voice.set(Voice::Transcribing);
        keep(Some(data.clone()));
        leptos::task::spawn_local(async move {
            match transcribe_speech(data.into()).await {
                Ok(words) => {
                    append(words);
                    keep(None);
                    voice.set(Voice::Idle);
                }
                Err(AppError::Transport(_)) if !online() => voice.set(Voice::Failed(
                    "You seem to be offline. The recording is kept: press Retry when you are back online."
                        .into(),
                    true,
                )),
                Err(error) => voice.set(Voice::Failed(error.to_string(), true)),
            }
        });
    };
    let start = move || {
        let flag = Arc::new(AtomicBool::new(false));
        stop.set_value(flag.clone());
        voice.set(Voice::Listening(0));
        interim.set(String::new());
        leptos::task::spawn_local(async move {
            #[cfg(feature = "hydrate")]
            let capturing = capture(flag, voice, interim, server_fallback, tier).await;
            #[cfg(not(feature = "hydrate"))]
            let capturing = capture(flag, voice, interim, server_fallback, tier);
            let heard = match capturing {
                Ok(capturing) => capturing.await,
                Err(_) => Heard::Failed(
                    "The microphone could not be loaded: the connection seems to have dropped. Press it again to retry."
                        .into(),
                ),
            };
            match heard {
                Heard::Words(words) => {
                    append(words);
                    voice.set(Voice::Idle);
                }
                Heard::Recording(data) => upload(data),
                Heard::Failed(message) => voice.set(Voice::Failed(message, false)),
            }
        });
    };
    let press = move |_| match voice.get_untracked() {
        Voice::Listening(_) => stop.with_value(|flag| flag.store(true, Ordering::Relaxed)),
        Voice::Transcribing => {}
        Voice::Idle | Voice::Failed(..) => start(),
    };
    let retry = move |_| {
        if let Some(data) = kept() {
            upload(data);
        }
    };
    let listening = move || matches!(voice.get(), Voice::Listening(_));
    let label = move || match voice.get() {
        Voice::Listening(seconds) => {
            format!("Stop listening (listening for {seconds} seconds)")
        }
        Voice::Transcribing => "Turning your words into text".to_owned(),
        _ => "Speak the idea instead of typing it".to_owned(),
    };
    let status = move || match voice.get() {
        Voice::Listening(seconds) => {
            let words = interim.get();
            if words.is_empty() {
                format!(
                    "Listening… {}:{:02} — press again to stop.",
                    seconds / 60,
                    seconds % 60
                )
            } else {
                format!("“{words}”")
            }
        }
        Voice::Transcribing => "Turning your words into text…".to_owned(),
        Voice::Failed(message, _) => message,
        Voice::Idle => String::new(),
    };
    view! {
        <div class="voice" class:unavailable=move || !offered.get()>
            <button
                type="button"
                class="voice-button"
                class:listening=listening
                aria-pressed=move || listening().to_string()
                aria-label=label
                disabled=move || voice.get() == Voice::Transcribing
                on:click=press
            >
                // A drawn microphone: an emoji needs a font the phone may not have.
                <svg class="voice-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                    <rect x="9" y="3" width="6" height="11" rx="3"></rect>
                    <path d="M6 11a6 6 0 0 0 12 0M12 17v4M9 21h6"></path>
                </svg>
                <span class="voice-word">
                    {move || if listening() { "Stop" } else { "Speak" }}
                </span>
            </button>
            <p class="voice-status" role="status">
                {move || (voice.get() == Voice::Transcribing).then(|| view! { <span class="spinner"></span> })}
                {status}
            </p>
            {move || {
                matches!(voice.get(), Voice::Failed(_, true))
                    .then(|| view! { <button type="button" class="retry" on:click=retry>"Retry"</button> })
            }}
        </div>
    }
}

/// What one press of the microphone brought.
enum Heard {
    /// The browser's own recognition understood these words.
    Words(String),
    /// A recording for the server to transcribe.
    Recording(leptos::web_sys::FormData),
    /// What went wrong, in the reader's words.
    Failed(String),
}

/// One press's listening, once the microphone's code is here. `Send` (a [`SendWrapper`], as
/// Leptos's `#[lazy]` makes it) though it never leaves the browser's one thread: a plain
/// `dyn Future` put 17 KB gzip of shared code into the main module (measured).
type Capturing = Pin<Box<dyn Future<Output = Heard> + Send + Sync>>;

/// Listens (or records, for the server to transcribe) until `stop` is set, showing the seconds
/// and the words as they come.
///
/// In the browser, a split point: the microphone's code is a module of its own, fetched once
/// the home page has started (see `VoiceInput`), and the call fails when it cannot be fetched
/// (`wasm_split`'s `fallible`, as the pages in `pages::lazy`; in the home page's module it
/// would pull shared code into the main module).
#[cfg_attr(
    feature = "hydrate",
    leptos::wasm_split::wasm_split(
        capture,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(#[doc(hidden)] __preload_capture)
    )
)]
fn capture(
    stop: Arc<AtomicBool>,
    voice: RwSignal<Voice>,
    interim: RwSignal<String>,
    server_fallback: bool,
    tier: &'static str,
) -> Result<Capturing, SplitLoaderError> {
    Ok(Box::pin(SendWrapper::new(async move {
        let tick = move |seconds| voice.set(Voice::Listening(seconds));
        let heard = listen(stop.clone(), tick, move |words| interim.set(words)).await;
        interim.set(String::new());
        match heard {
            Ok(words) => Heard::Words(words),
            Err(VoiceFailure::RecognitionUnavailable) if server_fallback => {
                match record(stop, tick, tier).await {
                    Ok(recording) => Heard::Recording(recording.data),
                    Err(failure) => Heard::Failed(failure.message()),
                }
            }
            Err(failure) => Heard::Failed(failure.message()),
        }
    })))
}
