//! Server-sent events in the browser (`EventSource`): the words of a scene as it is
//! written, and the scenes written ahead. Browser only: the server renders pages without
//! listening to anything, and a page without JavaScript simply waits for whole scenes.
//! The stream closes when its [`LiveEvents`] is dropped (kept in the component that opened
//! it, so leaving the page closes it, which tells the server the reader left).

use leptos::prelude::StoredValue;

#[cfg(feature = "hydrate")]
pub use browser::{open, LiveEvents};

#[cfg(not(feature = "hydrate"))]
pub use server_stub::{open, LiveEvents};

/// Where a component keeps an open stream: browser-local in the browser (a JS object), a
/// plain value on the server, whose render threads never open one.
#[cfg(feature = "hydrate")]
pub type Slot = StoredValue<Option<LiveEvents>, leptos::prelude::LocalStorage>;
#[cfg(not(feature = "hydrate"))]
pub type Slot = StoredValue<Option<LiveEvents>>;

/// An empty slot, owned by the calling component: the stream closes with it.
pub fn slot() -> Slot {
    #[cfg(feature = "hydrate")]
    return StoredValue::new_local(None);
    #[cfg(not(feature = "hydrate"))]
    return StoredValue::new(None);
}

#[cfg(not(feature = "hydrate"))]
mod server_stub {
    pub struct LiveEvents;

    /// Nothing listens on the server.
    pub fn open(
        _url: &str,
        _names: &[&'static str],
        _on_event: impl Fn(&'static str, String) + 'static,
    ) -> Option<LiveEvents> {
        None
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::rc::Rc;

    use wasm_bindgen::prelude::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    /// An open event stream and its listeners.
    pub struct LiveEvents {
        source: EventSource,
        _listeners: Vec<Closure<dyn FnMut(MessageEvent)>>,
    }

    impl Drop for LiveEvents {
        fn drop(&mut self) {
            self.source.close();
        }
    }

    /// Opens `url` and calls `on_event(name, data)` for every event named in `names`.
    pub fn open(
        url: &str,
        names: &[&'static str],
        on_event: impl Fn(&'static str, String) + 'static,
    ) -> Option<LiveEvents> {
        let source = EventSource::new(url).ok()?;
        let on_event = Rc::new(on_event);
        let mut listeners = Vec::new();
        for &name in names {
            let on_event = on_event.clone();
            let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                if let Some(data) = event.data().as_string() {
                    on_event(name, data);
                }
            });
            source
                .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
                .ok()?;
            listeners.push(listener);
        }
        Some(LiveEvents {
            source,
            _listeners: listeners,
        })
    }
}
