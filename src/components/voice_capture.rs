//! The browser half of voice input: the microphone, the level meter that notices silence,
//! the browser's own speech recognition where it works, and otherwise a recording
//! (MediaRecorder) for the server to transcribe. Browser only; the server build has a stub.

/// Why listening ended without words, each said to the reader in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoiceFailure {
    /// The reader (or the browser's settings) refused the microphone.
    Denied,
    NoMicrophone,
    /// The level never rose above silence.
    NothingHeard,
    /// Neither speech recognition nor recording works here.
    Unsupported,
    /// The browser has speech recognition, but its service cannot be reached.
    RecognitionUnavailable,
    Other(String),
}

impl VoiceFailure {
    pub fn message(&self) -> String {
        match self {
            VoiceFailure::Denied => "The microphone is blocked for this page. Allow it in the browser's site settings, or type the idea.".into(),
            VoiceFailure::NoMicrophone => "No microphone was found. Plug one in, or type the idea.".into(),
            VoiceFailure::NothingHeard => "We did not hear anything. Try again a little closer to the microphone, or type the idea.".into(),
            VoiceFailure::Unsupported | VoiceFailure::RecognitionUnavailable => "Voice input does not work in this browser. Please type the idea.".into(),
            VoiceFailure::Other(detail) => format!("The microphone stopped unexpectedly ({detail}). Please try again, or type the idea."),
        }
    }
}

#[cfg(feature = "hydrate")]
pub use browser::{available, keep, kept, listen, record, Recording};

#[cfg(not(feature = "hydrate"))]
pub use server_stub::{available, keep, kept, listen, record, Recording};

#[cfg(not(feature = "hydrate"))]
mod server_stub {
    //! The server renders the button but never runs what it does.
    use super::VoiceFailure;
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;

    pub struct Recording {
        pub data: leptos::web_sys::FormData,
    }

    pub async fn listen(
        _: Arc<AtomicBool>,
        _: impl Fn(u32),
        _: impl Fn(String),
    ) -> Result<String, VoiceFailure> {
        Err(VoiceFailure::Unsupported)
    }

    /// The server cannot tell; the browser decides once it runs.
    pub fn available(_: bool) -> bool {
        true
    }

    pub fn keep(_: Option<leptos::web_sys::FormData>) {}

    pub fn kept() -> Option<leptos::web_sys::FormData> {
        None
    }

    pub async fn record(
        _: Arc<AtomicBool>,
        _: impl Fn(u32),
        _: &str,
    ) -> Result<Recording, VoiceFailure> {
        Err(VoiceFailure::Unsupported)
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use js_sys::{Array, Function, Promise, Reflect};
    use leptos::wasm_bindgen::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys;
    use wasm_bindgen_futures::JsFuture;

    use super::VoiceFailure;
    use crate::domain::voice::{MAX_RECORDING_SECONDS, SILENCE_STOP_SECONDS};

    /// How often the level is measured.
    const TICK_MS: i32 = 200;
    /// Root-mean-square level above which the microphone hears something (about −34 dBFS).
    const SOUND_LEVEL: f32 = 0.02;

    /// A finished recording, as the transcribe form sends it.
    pub struct Recording {
        pub data: web_sys::FormData,
    }

    thread_local! {
        /// The last recording whose transcription failed, for Retry (one voice input per page).
        static KEPT: RefCell<Option<web_sys::FormData>> = const { RefCell::new(None) };
    }

    /// Whether this browser can take the idea by voice at all: its own recognition, or a
    /// microphone recording when the server can transcribe it.
    pub fn available(server_fallback: bool) -> bool {
        let Some(window) = web_sys::window() else {
            return false;
        };
        let has = |name: &str| Reflect::has(&window, &name.into()).unwrap_or(false);
        let recognition = has("SpeechRecognition") || has("webkitSpeechRecognition");
        recognition || (server_fallback && has("MediaRecorder"))
    }

    pub fn keep(data: Option<web_sys::FormData>) {
        KEPT.with(|kept| *kept.borrow_mut() = data);
    }

    pub fn kept() -> Option<web_sys::FormData> {
        KEPT.with(|kept| kept.borrow().clone())
    }

    fn window() -> Result<web_sys::Window, VoiceFailure> {
        web_sys::window().ok_or(VoiceFailure::Unsupported)
    }

    async fn sleep(ms: i32) {
        let promise = Promise::new(&mut |resolve, _| {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
            }
        });
        let _ = JsFuture::from(promise).await;
    }

    /// The microphone, with the reader's permission.
    async fn microphone() -> Result<web_sys::MediaStream, VoiceFailure> {
        let devices = window()?
            .navigator()
            .media_devices()
            .map_err(|_| VoiceFailure::Unsupported)?;
        let constraints = web_sys::MediaStreamConstraints::new();
        constraints.set_audio(&JsValue::TRUE);
        let promise = devices
            .get_user_media_with_constraints(&constraints)
            .map_err(|_| VoiceFailure::Unsupported)?;
        match JsFuture::from(promise).await {
            Ok(stream) => stream.dyn_into().map_err(|_| VoiceFailure::Unsupported),
            Err(error) => {
                let name = Reflect::get(&error, &"name".into())
                    .ok()
                    .and_then(|n| n.as_string())
                    .unwrap_or_default();
                Err(match name.as_str() {
                    "NotAllowedError" | "SecurityError" => VoiceFailure::Denied,
                    "NotFoundError" | "OverconstrainedError" => VoiceFailure::NoMicrophone,
                    _ => VoiceFailure::Other(name),
                })
            }
        }
    }

    /// Measures the microphone's level: whether anything was heard, and for how long it
    /// has been quiet.
    struct LevelMeter {
        context: web_sys::AudioContext,
        analyser: web_sys::AnalyserNode,
        buffer: Vec<f32>,
        heard: bool,
        quiet_ms: u32,
    }

    impl LevelMeter {
        fn new(stream: &web_sys::MediaStream) -> Result<LevelMeter, VoiceFailure> {
            let fail = |e: JsValue| VoiceFailure::Other(format!("{e:?}"));
            let context = web_sys::AudioContext::new().map_err(fail)?;
            let source = context.create_media_stream_source(stream).map_err(fail)?;
            let analyser = context.create_analyser().map_err(fail)?;
            analyser.set_fft_size(2048);
            source.connect_with_audio_node(&analyser).map_err(fail)?;
            Ok(LevelMeter {
                context,
                analyser,
                buffer: vec![0.0; 2048],
                heard: false,
                quiet_ms: 0,
            })
        }

        /// One measurement, `TICK_MS` after the last.
        fn tick(&mut self) {
            self.analyser.get_float_time_domain_data(&mut self.buffer);
            let power = self.buffer.iter().map(|s| s * s).sum::<f32>() / self.buffer.len() as f32;
            if power.sqrt() > SOUND_LEVEL {
                self.heard = true;
                self.quiet_ms = 0;
            } else {
                self.quiet_ms += TICK_MS as u32;
            }
        }

        fn silent_too_long(&self) -> bool {
            self.quiet_ms >= SILENCE_STOP_SECONDS * 1000
        }

        fn close(&self, stream: &web_sys::MediaStream) {
            let _ = self.context.close();
            for track in stream.get_tracks().iter() {
                if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                    track.stop();
                }
            }
        }
    }

    /// Measures until the reader stops, the time limit, or long silence; `on_second` hears
    /// each new second.
    async fn until_done(
        meter: &mut LevelMeter,
        stop: &AtomicBool,
        ended: &Cell<bool>,
        on_second: &impl Fn(u32),
    ) {
        let mut elapsed_ms = 0u32;
        while !stop.load(Ordering::Relaxed) && !ended.get() {
            sleep(TICK_MS).await;
            elapsed_ms += TICK_MS as u32;
            meter.tick();
            if elapsed_ms.is_multiple_of(1000) {
                on_second(elapsed_ms / 1000);
            }
            if elapsed_ms >= MAX_RECORDING_SECONDS * 1000 || meter.silent_too_long() {
                break;
            }
        }
    }

    /// The browser's own speech recognition, if it has one.
    fn recognition() -> Option<JsValue> {
        let window = web_sys::window()?;
        let class = ["SpeechRecognition", "webkitSpeechRecognition"]
            .into_iter()
            .find_map(|name| {
                Reflect::get(&window, &name.into())
                    .ok()
                    .filter(|c| c.is_function())
            })?;
        Reflect::construct(class.unchecked_ref::<Function>(), &Array::new()).ok()
    }

    /// Listens with the browser's speech recognition: interim words go to `on_interim`,
    /// the final words are the answer.
    pub async fn listen(
        stop: Arc<AtomicBool>,
        on_second: impl Fn(u32),
        on_interim: impl Fn(String) + 'static,
    ) -> Result<String, VoiceFailure> {
        let recognizer = recognition().ok_or(VoiceFailure::RecognitionUnavailable)?;
        let stream = microphone().await?;
        let mut meter = LevelMeter::new(&stream)?;
        let finals = Rc::new(RefCell::new(String::new()));
        let ended = Rc::new(Cell::new(false));
        let failure = Rc::new(RefCell::new(None::<VoiceFailure>));
        let set = |name: &str, value: JsValue| {
            let _ = Reflect::set(&recognizer, &name.into(), &value);
        };
        set("continuous", JsValue::TRUE);
        set("interimResults", JsValue::TRUE);
        if let Some(lang) = web_sys::window().and_then(|w| w.navigator().language()) {
            set("lang", lang.into());
        }
        let on_result = {
            let finals = finals.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let results = Reflect::get(&event, &"results".into()).unwrap_or(JsValue::NULL);
                let length = Reflect::get(&results, &"length".into())
                    .ok()
                    .and_then(|l| l.as_f64())
                    .unwrap_or(0.0) as u32;
                let (mut done, mut interim) = (String::new(), String::new());
                for i in 0..length {
                    let result = Reflect::get_u32(&results, i).unwrap_or(JsValue::NULL);
                    let is_final = Reflect::get(&result, &"isFinal".into())
                        .ok()
                        .and_then(|f| f.as_bool())
                        .unwrap_or(false);
                    let text = Reflect::get_u32(&result, 0)
                        .and_then(|alt| Reflect::get(&alt, &"transcript".into()))
                        .ok()
                        .and_then(|t| t.as_string())
                        .unwrap_or_default();
                    if is_final {
                        done.push_str(&text)
                    } else {
                        interim.push_str(&text)
                    }
                }
                *finals.borrow_mut() = done;
                on_interim(interim);
            })
        };
        let on_error = {
            let failure = failure.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let error = Reflect::get(&event, &"error".into())
                    .ok()
                    .and_then(|e| e.as_string())
                    .unwrap_or_default();
                *failure.borrow_mut() = Some(match error.as_str() {
                    "not-allowed" => VoiceFailure::Denied,
                    "audio-capture" => VoiceFailure::NoMicrophone,
                    "no-speech" | "aborted" => VoiceFailure::NothingHeard,
                    // No service to talk to (offline, or a build without one).
                    _ => VoiceFailure::RecognitionUnavailable,
                });
            })
        };
        let on_end = {
            let ended = ended.clone();
            Closure::<dyn FnMut()>::new(move || ended.set(true))
        };
        set("onresult", on_result.as_ref().clone());
        set("onerror", on_error.as_ref().clone());
        set("onend", on_end.as_ref().clone());
        let call = |method: &str| {
            if let Ok(f) = Reflect::get(&recognizer, &method.into()) {
                let _ = f.unchecked_ref::<Function>().call0(&recognizer);
            }
        };
        call("start");
        until_done(&mut meter, &stop, &ended, &on_second).await;
        if !ended.get() {
            call("stop");
            // The last words arrive before `end`.
            for _ in 0..15 {
                if ended.get() {
                    break;
                }
                sleep(TICK_MS).await;
            }
        }
        meter.close(&stream);
        drop((on_result, on_error, on_end));
        let text = finals.borrow().trim().to_owned();
        if let Some(failure) = failure.borrow_mut().take() {
            if text.is_empty() || failure != VoiceFailure::NothingHeard {
                return Err(failure);
            }
        }
        if text.is_empty() {
            return Err(VoiceFailure::NothingHeard);
        }
        Ok(text)
    }

    /// Records for the server to transcribe (browsers without working speech recognition).
    pub async fn record(
        stop: Arc<AtomicBool>,
        on_second: impl Fn(u32),
        tier: &str,
    ) -> Result<Recording, VoiceFailure> {
        let stream = microphone().await?;
        let mut meter = LevelMeter::new(&stream)?;
        let fail = |e: JsValue| VoiceFailure::Other(format!("{e:?}"));
        let options = web_sys::MediaRecorderOptions::new();
        let preferred = [
            "audio/webm;codecs=opus",
            "audio/ogg;codecs=opus",
            "audio/mp4",
        ]
        .into_iter()
        .find(|t| web_sys::MediaRecorder::is_type_supported(t));
        if let Some(mime) = preferred {
            options.set_mime_type(mime);
        }
        let recorder = web_sys::MediaRecorder::new_with_media_stream_and_media_recorder_options(
            &stream, &options,
        )
        .map_err(|_| VoiceFailure::Unsupported)?;
        let chunks = Array::new();
        let on_data = {
            let chunks = chunks.clone();
            Closure::<dyn FnMut(web_sys::BlobEvent)>::new(move |event: web_sys::BlobEvent| {
                if let Some(blob) = event.data() {
                    chunks.push(&blob);
                }
            })
        };
        recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
        let stopped = Rc::new(Cell::new(false));
        let on_stop = {
            let stopped = stopped.clone();
            Closure::<dyn FnMut()>::new(move || stopped.set(true))
        };
        recorder.set_onstop(Some(on_stop.as_ref().unchecked_ref()));
        recorder.start_with_time_slice(250).map_err(fail)?;
        let never = Cell::new(false);
        until_done(&mut meter, &stop, &never, &on_second).await;
        let _ = recorder.stop();
        for _ in 0..25 {
            if stopped.get() {
                break;
            }
            sleep(TICK_MS).await;
        }
        meter.close(&stream);
        recorder.set_ondataavailable(None);
        recorder.set_onstop(None);
        drop((on_data, on_stop));
        if !meter.heard {
            return Err(VoiceFailure::NothingHeard);
        }
        let mime = recorder.mime_type();
        let extension = if mime.contains("ogg") {
            "ogg"
        } else if mime.contains("mp4") {
            "mp4"
        } else {
            "webm"
        };
        let kind = web_sys::BlobPropertyBag::new();
        kind.set_type(&mime);
        let blob =
            web_sys::Blob::new_with_blob_sequence_and_options(&chunks, &kind).map_err(fail)?;
        let data = web_sys::FormData::new().map_err(fail)?;
        data.append_with_str("tier", tier).map_err(fail)?;
        data.append_with_blob_and_filename("audio", &blob, &format!("speech.{extension}"))
            .map_err(fail)?;
        Ok(Recording { data })
    }
}
