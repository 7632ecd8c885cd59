//! The read-aloud widget's behaviour, attached to the plain HTML the page drew: the play
//! button (its words, `aria-pressed`, `aria-busy`, a pulse when the browser wants a tap), the
//! voice and "by itself" (remembered per tier in local storage), the sentence highlight (a
//! class on the text's sentence spans, kept in view), and failures in words. One reading
//! sounds at a time on a page; leaving the scene, or a tap on a choice (which hides it),
//! stops it within a tenth of a second.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Function;
use leptos::wasm_bindgen::closure::Closure;
use leptos::wasm_bindgen::{JsCast, JsValue};
use leptos::web_sys;

use super::audio::{browser_speech, play};
use super::{Ended, Mark, Reading};

/// What the widget shows.
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

impl Playing {
    fn key(&self) -> &'static str {
        match self {
            Playing::Idle => "idle",
            Playing::Starting => "starting",
            Playing::Sounding => "sounding",
            Playing::NeedsTap => "needstap",
            Playing::Failed(_) => "failed",
        }
    }

    fn busy(&self) -> bool {
        matches!(self, Playing::Starting | Playing::Sounding)
    }
}

/// One scene's widget.
struct Widget {
    root: web_sys::HtmlElement,
    button: web_sys::Element,
    select: web_sys::HtmlSelectElement,
    auto: Option<web_sys::HtmlInputElement>,
    kind: Option<web_sys::Element>,
    status: Option<web_sys::Element>,
    tier: String,
    /// `/{tier}/read-aloud/{scene}/`: the voice's key follows.
    url_base: String,
    bedtime: bool,
    server: Cell<bool>,
    playing: RefCell<Playing>,
    /// Counts readings: one that ends after another began changes nothing.
    run: Cell<u32>,
    stop: RefCell<Option<Function>>,
    marked: Cell<Option<usize>>,
    watch: Cell<Option<i32>>,
}

thread_local! {
    /// The widget sounding now.
    static FLOOR: RefCell<Option<Rc<Widget>>> = const { RefCell::new(None) };
}

fn pref_key(tier: &str, what: &str) -> String {
    format!("read-aloud:{tier}:{what}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn load_pref(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

fn save_pref(key: &str, value: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(key, value);
    }
}

/// Takes over the widget drawn with `widget_id`, and reads its scene at once when it
/// reads by itself.
pub fn attach(widget_id: &str) {
    let Some(widget) = find(widget_id) else {
        return;
    };
    let w = Rc::new(widget);
    let can = w.server.get() || browser_speech();
    if !can {
        let _ = w.root.set_attribute("hidden", "");
        return;
    }
    if let Some(kept) = load_pref(&pref_key(&w.tier, "voice")) {
        let known = (0..w.select.length()).any(|i| {
            w.select
                .item(i)
                .and_then(|o| o.get_attribute("value"))
                .is_some_and(|v| v == kept)
        });
        if known {
            w.select.set_value(&kept);
        }
    }
    if let (Some(auto), Some(kept)) = (&w.auto, load_pref(&pref_key(&w.tier, "auto"))) {
        auto.set_checked(kept == "on");
    }
    let _ = w.root.set_attribute("data-ready", "true");
    listen(&w.button, "click", {
        let w = w.clone();
        move || {
            let busy = w.playing.borrow().busy();
            match busy {
                true => stop_now(&w),
                false => start(&w),
            }
        }
    });
    listen(&w.select, "change", {
        let w = w.clone();
        move || {
            save_pref(&pref_key(&w.tier, "voice"), &w.select.value());
            let busy = w.playing.borrow().busy();
            if busy {
                start(&w);
            }
        }
    });
    if let Some(auto) = &w.auto {
        listen(auto, "change", {
            let w = w.clone();
            move || {
                let on = w.auto.as_ref().is_some_and(|a| a.checked());
                save_pref(&pref_key(&w.tier, "auto"), if on { "on" } else { "off" });
            }
        });
    }
    watch(&w);
    if w.auto.as_ref().is_some_and(|a| a.checked()) {
        start(&w);
    }
}

fn find(widget_id: &str) -> Option<Widget> {
    let document = web_sys::window()?.document()?;
    let root: web_sys::HtmlElement = document.get_element_by_id(widget_id)?.dyn_into().ok()?;
    let pick = |selector: &str| root.query_selector(selector).ok().flatten();
    let data = |name: &str| root.get_attribute(name).unwrap_or_default();
    Some(Widget {
        button: pick(".read-aloud-play")?,
        select: pick("select")?.dyn_into().ok()?,
        auto: pick(".read-aloud-auto input").and_then(|e| e.dyn_into().ok()),
        kind: pick(".read-aloud-kind"),
        status: pick(".read-aloud-status"),
        tier: data("data-tier"),
        url_base: data("data-url"),
        bedtime: data("data-bedtime") == "true",
        server: Cell::new(data("data-server") == "true"),
        playing: RefCell::new(Playing::Idle),
        run: Cell::new(0),
        stop: RefCell::new(None),
        marked: Cell::new(None),
        watch: Cell::new(None),
        root,
    })
}

fn listen(target: &web_sys::EventTarget, event: &str, on: impl Fn() + 'static) {
    let handler = Closure::<dyn Fn()>::new(on);
    let _ = target.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
    // Lives as long as the element: the page drops both together.
    handler.forget();
}

/// Every tenth of a second while the widget is on the page: a scene left (the widget gone)
/// or hidden (a choice tapped, the next scene being written) stops its reading.
fn watch(w: &Rc<Widget>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let tick = Closure::<dyn Fn()>::new({
        let w = w.clone();
        move || {
            let gone = !w.root.is_connected();
            let busy = w.playing.borrow().busy();
            if (gone || w.root.offset_parent().is_none()) && busy {
                stop_now(&w);
            }
            if gone {
                if let (Some(handle), Some(window)) = (w.watch.take(), web_sys::window()) {
                    window.clear_interval_with_handle(handle);
                }
            }
        }
    });
    let handle = window
        .set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), 100)
        .ok();
    w.watch.set(handle);
    tick.forget();
}

fn show(w: &Widget, playing: Playing) {
    let _ = w.root.set_attribute("data-state", playing.key());
    let words = match playing {
        Playing::Starting | Playing::Sounding => "■ Stop",
        Playing::NeedsTap => "▶ Tap to listen",
        Playing::Idle | Playing::Failed(_) => "▶ Read to me",
    };
    w.button.set_text_content(Some(words));
    let _ = w.button.set_attribute(
        "aria-pressed",
        if playing.busy() { "true" } else { "false" },
    );
    let busy = if playing == Playing::Starting {
        "true"
    } else {
        "false"
    };
    let _ = w.button.set_attribute("aria-busy", busy);
    let _ = w
        .button
        .class_list()
        .toggle_with_force("pulse", playing == Playing::NeedsTap);
    if let Some(status) = &w.status {
        let failure = match &playing {
            Playing::Failed(words) => Some(words.as_str()),
            _ => None,
        };
        status.set_text_content(failure);
    }
    *w.playing.borrow_mut() = playing;
}

fn stop_now(w: &Widget) {
    w.run.set(w.run.get() + 1);
    let stop = w.stop.borrow_mut().take();
    if let Some(stop) = stop {
        let _ = stop.call0(&JsValue::NULL);
    }
    mark(w, None);
    show(w, Playing::Idle);
}

/// The spans of the scene's sentences: the text follows the widget.
fn sentence_spans(w: &Widget) -> Vec<web_sys::Element> {
    let Some(list) = w
        .root
        .next_element_sibling()
        .and_then(|text| text.query_selector_all(".sentence").ok())
    else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i).and_then(|n| n.dyn_into().ok()))
        .collect()
}

/// Highlights the sentence being said (a background only) and keeps it in view, smoothly,
/// only when it is not (a phone shows a few lines of a long scene at a time).
fn mark(w: &Widget, sentence: Option<usize>) {
    let spans = sentence_spans(w);
    if let Some(before) = w.marked.replace(sentence).and_then(|n| spans.get(n)) {
        let _ = before.class_list().remove_1("spoken");
    }
    if let Some(now) = sentence.and_then(|n| spans.get(n)) {
        let _ = now.class_list().add_1("spoken");
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Nearest);
        options.set_behavior(web_sys::ScrollBehavior::Smooth);
        now.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

fn start(w: &Rc<Widget>) {
    // One voice at a time on a page (the reader has a widget per scene).
    let before = FLOOR.with(|f| f.borrow_mut().replace(w.clone()));
    if let Some(before) = before {
        stop_now(&before);
    }
    stop_now(w);
    let this_run = w.run.get();
    show(w, Playing::Starting);
    let voice = w.select.value();
    let reading = Reading {
        url: w.server.get().then(|| format!("{}{voice}", w.url_base)),
        sentences: sentence_spans(w)
            .iter()
            .filter_map(|s| s.text_content())
            .collect(),
        voice_index: usize::try_from(w.select.selected_index()).unwrap_or(0),
        bedtime: w.bedtime,
    };
    let on_mark: Mark = {
        let w = w.clone();
        Rc::new(move |n| {
            if w.run.get() == this_run {
                mark(&w, n);
            }
        })
    };
    let on_sound = {
        let w = w.clone();
        move || {
            if w.run.get() == this_run {
                show(&w, Playing::Sounding);
            }
        }
    };
    let on_start = {
        let w = w.clone();
        move |stop: Function| *w.stop.borrow_mut() = Some(stop)
    };
    let w = w.clone();
    leptos::task::spawn_local(async move {
        let ended = play(reading, on_mark, on_sound, on_start).await;
        if w.run.get() != this_run {
            return;
        }
        w.stop.borrow_mut().take();
        if ended == Ended::ServerCannot && browser_speech() {
            // The story voice is not set up after all: the device's voice reads next.
            w.server.set(false);
            if let Some(kind) = &w.kind {
                kind.set_text_content(Some("This device's voice"));
            }
        }
        show(
            &w,
            match ended {
                Ended::Finished | Ended::Stopped => Playing::Idle,
                Ended::NeedsTap => Playing::NeedsTap,
                Ended::ServerCannot if browser_speech() => Playing::NeedsTap,
                Ended::ServerCannot => Playing::Failed("Reading aloud is not set up here.".into()),
                Ended::Failed(words) => Playing::Failed(words),
            },
        );
    });
}
