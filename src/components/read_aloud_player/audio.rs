//! Playing a reading: the server's audio as it streams in (Web Audio: each piece of samples
//! is scheduled the moment it arrives, so the first sentence sounds while the rest is made),
//! or the browser's own speech (`speechSynthesis`), a sentence at a time. Either way the
//! sentence being said is reported (for the highlight), and Stop silences at once (the audio
//! context is closed, the speech cancelled).
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect, Uint8Array};
use leptos::wasm_bindgen::closure::Closure;
use leptos::wasm_bindgen::{JsCast, JsValue};
use leptos::web_sys;
use wasm_bindgen_futures::JsFuture;

use super::{Ended, Mark, Reading};
use crate::domain::read_aloud::{SAMPLE_RATE, WAV_HEADER_BYTES};

/// Characters a voice says per second, for the highlight before the audio's length is
/// known (about 150 words a minute).
const CHARS_PER_SECOND: f64 = 15.0;
/// How far ahead of the clock the first piece is scheduled (no gap at its start).
const LEAD_S: f64 = 0.05;

/// Whether this browser can speak by itself.
pub fn browser_speech() -> bool {
    web_sys::window()
        .and_then(|w| Reflect::has(&w, &"speechSynthesis".into()).ok())
        .unwrap_or(false)
}

/// What a stopped reading's promise settles with.
const STOPPED: &str = "read-aloud-stopped";

/// A promise that Stop settles, and the function that settles it.
struct StopSignal {
    promise: Promise,
    resolve: Rc<RefCell<Option<Function>>>,
}

impl StopSignal {
    fn new() -> StopSignal {
        let resolve = Rc::new(RefCell::new(None));
        let slot = resolve.clone();
        let promise = Promise::new(&mut |res, _| *slot.borrow_mut() = Some(res));
        StopSignal { promise, resolve }
    }
}

fn settle(resolve: &Rc<RefCell<Option<Function>>>) {
    if let Some(resolve) = resolve.borrow_mut().take() {
        let _ = resolve.call1(&JsValue::NULL, &JsValue::from_str(STOPPED));
    }
}

/// Waits for `promise` unless Stop comes first: `None` when stopped.
async fn unless_stopped(promise: &Promise, stop: &StopSignal) -> Option<Result<JsValue, JsValue>> {
    let race = Promise::race(&js_sys::Array::of2(promise, &stop.promise));
    let value = JsFuture::from(race).await;
    match &value {
        Ok(v) if v.as_string().as_deref() == Some(STOPPED) => None,
        _ => Some(value),
    }
}

/// Closes the audio context (silent at once), once: a second close would reject.
fn silence(context: &web_sys::AudioContext) {
    if context.state() == web_sys::AudioContextState::Closed {
        return;
    }
    if let Ok(closing) = context.close() {
        // Awaited so a rejection is handled, never reported as uncaught.
        leptos::task::spawn_local(async move {
            let _ = JsFuture::from(closing).await;
        });
    }
}

fn sleep(ms: f64) -> Promise {
    Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                ms.max(0.0) as i32,
            );
        }
    })
}

/// Reads `reading` aloud; `sentence` is the one being said (`None` at the end),
/// `on_sound` hears the first sound, `on_start` gets a function that stops it at once
/// (valid until this returns).
pub async fn play(
    reading: Reading,
    mark: Mark,
    on_sound: impl Fn() + 'static,
    on_start: impl Fn(Function) + 'static,
) -> Ended {
    let stop = StopSignal::new();
    let ended = match reading.url.clone() {
        Some(url) => server_audio(&url, &reading, &mark, &on_sound, &on_start, &stop).await,
        None => browser_voice(&reading, &mark, &on_sound, &on_start, &stop).await,
    };
    mark(None);
    ended
}

/// Which sentence is being said `at` seconds in, from the sentences' lengths over
/// `total` seconds.
fn sentence_at(lengths: &[usize], at: f64, total: f64) -> Option<usize> {
    let chars: usize = lengths.iter().sum();
    if chars == 0 || total <= 0.0 {
        return None;
    }
    let mut before = 0usize;
    for (i, len) in lengths.iter().enumerate() {
        before += len;
        if at < total * before as f64 / chars as f64 {
            return Some(i);
        }
    }
    None
}

async fn server_audio(
    url: &str,
    reading: &Reading,
    mark: &Mark,
    on_sound: &impl Fn(),
    on_start: &impl Fn(Function),
    stop: &StopSignal,
) -> Ended {
    let fail = |e: JsValue| Ended::Failed(format!("{e:?}"));
    let Some(window) = web_sys::window() else {
        return Ended::Failed("no window".into());
    };
    let context = match web_sys::AudioContext::new() {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    // Stop closes the context: silent at once, whatever was scheduled.
    let stopper = {
        let context = context.clone();
        let resolve = stop.resolve.clone();
        Closure::<dyn FnMut()>::new(move || {
            silence(&context);
            settle(&resolve);
        })
    };
    on_start(stopper.as_ref().unchecked_ref::<Function>().clone());
    if let Ok(resumed) = context.resume() {
        // A browser that wants a tap first leaves the promise waiting.
        let waited = Promise::race(&js_sys::Array::of2(&resumed, &sleep(300.0)));
        if unless_stopped(&waited, stop).await.is_none() {
            return Ended::Stopped;
        }
    }
    if context.state() != web_sys::AudioContextState::Running {
        silence(&context);
        return Ended::NeedsTap;
    }
    let Some(response) = unless_stopped(&window.fetch_with_str(url), stop).await else {
        silence(&context);
        return Ended::Stopped;
    };
    let response: web_sys::Response = match response.and_then(|r| r.dyn_into()) {
        Ok(r) => r,
        Err(_) => {
            silence(&context);
            return Ended::Failed(
                "The story voice could not be reached. Check the connection and press play again."
                    .into(),
            );
        }
    };
    if !response.ok() {
        silence(&context);
        if response.status() == 501 {
            return Ended::ServerCannot;
        }
        let words = match response.text() {
            Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
            Err(_) => None,
        };
        return Ended::Failed(words.unwrap_or_else(|| {
            "The story voice could not read this scene. Press play to try again.".into()
        }));
    }
    let Some(body) = response.body() else {
        silence(&context);
        return Ended::Failed("The story voice sent nothing. Press play to try again.".into());
    };
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();

    let lengths: Vec<usize> = reading
        .sentences
        .iter()
        .map(|s| s.chars().count())
        .collect();
    let chars: usize = lengths.iter().sum();
    let speed = if reading.bedtime { 0.9 } else { 1.0 };
    // Shared with the highlight's clock: when sound began, and how long it will last.
    let began = Rc::new(Cell::new(None::<f64>));
    let total = Rc::new(Cell::new(chars as f64 / CHARS_PER_SECOND / speed));
    let ticker = {
        let (context, began, total, lengths) = (
            context.clone(),
            began.clone(),
            total.clone(),
            lengths.clone(),
        );
        let mark = mark.clone();
        let last = Cell::new(None::<usize>);
        Closure::<dyn FnMut()>::new(move || {
            let Some(start) = began.get() else { return };
            let at = context.current_time() - start;
            let now = sentence_at(&lengths, at, total.get());
            if now != last.get() {
                last.set(now);
                mark(now);
            }
        })
    };
    let tick_handle = window
        .set_interval_with_callback_and_timeout_and_arguments_0(
            ticker.as_ref().unchecked_ref(),
            100,
        )
        .unwrap_or(0);

    let mut header_left = WAV_HEADER_BYTES;
    let mut odd: Option<u8> = None;
    let mut next_at = 0.0f64;
    let mut samples_in = 0usize;
    let outcome = loop {
        let Some(read) = unless_stopped(&reader.read(), stop).await else {
            let _ = reader.cancel();
            break Ended::Stopped;
        };
        let Ok(read) = read else {
            break Ended::Failed(
                "The story voice stopped halfway. Press play to hear it again.".into(),
            );
        };
        let done = Reflect::get(&read, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            break Ended::Finished;
        }
        let Ok(value) = Reflect::get(&read, &"value".into()) else {
            continue;
        };
        let mut bytes = value.unchecked_into::<Uint8Array>().to_vec();
        if header_left > 0 {
            let skip = header_left.min(bytes.len());
            bytes.drain(..skip);
            header_left -= skip;
        }
        if let Some(b) = odd.take() {
            bytes.insert(0, b);
        }
        if bytes.len() % 2 == 1 {
            odd = bytes.pop();
        }
        if bytes.is_empty() {
            continue;
        }
        let pcm: Vec<f32> = bytes
            .chunks_exact(2)
            .map(|p| f32::from(i16::from_le_bytes([p[0], p[1]])) / 32_768.0)
            .collect();
        samples_in += pcm.len();
        let Ok(buffer) = context.create_buffer(1, pcm.len() as u32, SAMPLE_RATE as f32) else {
            continue;
        };
        let _ = buffer.copy_to_channel(&pcm, 0);
        let Ok(source) = context.create_buffer_source() else {
            continue;
        };
        source.set_buffer(Some(&buffer));
        let _ = source.connect_with_audio_node(&context.destination());
        let now = context.current_time();
        if began.get().is_none() {
            next_at = now + LEAD_S;
            began.set(Some(next_at));
            on_sound();
        }
        next_at = next_at.max(now);
        let _ = source.start_with_when(next_at);
        next_at += buffer.duration();
        let heard = samples_in as f64 / f64::from(SAMPLE_RATE);
        total.set(total.get().max(heard));
    };
    if outcome == Ended::Finished {
        if let Some(start) = began.get() {
            total.set(samples_in as f64 / f64::from(SAMPLE_RATE));
            let left = (start + total.get() - context.current_time()) * 1000.0;
            if unless_stopped(&sleep(left + 50.0), stop).await.is_none() {
                window.clear_interval_with_handle(tick_handle);
                return Ended::Stopped;
            }
        }
    }
    window.clear_interval_with_handle(tick_handle);
    drop(ticker);
    silence(&context);
    outcome
}

async fn browser_voice(
    reading: &Reading,
    mark: &Mark,
    on_sound: &impl Fn(),
    on_start: &impl Fn(Function),
    stop: &StopSignal,
) -> Ended {
    let Some(synth) = web_sys::window().and_then(|w| w.speech_synthesis().ok()) else {
        return Ended::Failed("This browser cannot read aloud.".into());
    };
    synth.cancel();
    let stopper = {
        let synth = synth.clone();
        let resolve = stop.resolve.clone();
        Closure::<dyn FnMut()>::new(move || {
            synth.cancel();
            settle(&resolve);
        })
    };
    on_start(stopper.as_ref().unchecked_ref::<Function>().clone());
    // The device's English voices, the reader's choice picking one of them by its place.
    let voices: Vec<web_sys::SpeechSynthesisVoice> = synth
        .get_voices()
        .iter()
        .filter_map(|v| v.dyn_into::<web_sys::SpeechSynthesisVoice>().ok())
        .filter(|v| v.lang().starts_with("en"))
        .collect();
    let voice = (!voices.is_empty()).then(|| voices[reading.voice_index % voices.len()].clone());
    for (i, words) in reading.sentences.iter().enumerate() {
        let Ok(utterance) = web_sys::SpeechSynthesisUtterance::new_with_text(words) else {
            return Ended::Failed("This browser cannot read aloud.".into());
        };
        utterance.set_voice(voice.as_ref());
        if reading.bedtime {
            utterance.set_rate(0.85);
            utterance.set_pitch(0.9);
        }
        let spoken = Promise::new(&mut |resolve, _| {
            utterance.set_onend(Some(&resolve));
            utterance.set_onerror(Some(&resolve));
        });
        mark(Some(i));
        synth.speak(&utterance);
        if i == 0 {
            on_sound();
        }
        if unless_stopped(&spoken, stop).await.is_none() {
            synth.cancel();
            return Ended::Stopped;
        }
    }
    Ended::Finished
}

#[cfg(test)]
mod tests {
    use super::sentence_at;

    #[test]
    fn the_sentence_said_follows_the_lengths() {
        assert_eq!(sentence_at(&[10, 30], 0.5, 4.0), Some(0));
        assert_eq!(sentence_at(&[10, 30], 1.5, 4.0), Some(1));
        assert_eq!(sentence_at(&[10, 30], 4.5, 4.0), None);
    }
}
