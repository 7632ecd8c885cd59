//! "Read to me": a big play/stop button on a scene (live and in the reader), a voice to pick,
//! and on a live scene the choice to have each new scene read by itself (on by default in
//! the kids' tier), both remembered by the browser per tier. The story voice is the server's
//! narration model; without one, the browser's own speech reads, and the widget says which.
//!
//! The page draws the widget as plain HTML, laid out but invisible until the browser knows
//! it can read (so nothing below it moves when it shows); its behaviour and the player are a
//! module of their own (`components::read_aloud_player`), fetched once the scene is shown,
//! so the story page's download carries none of it. The scene's text must follow the widget
//! (its sentence spans are what is read and highlighted).

use leptos::prelude::*;

use crate::domain::read_aloud::{controls_html, ReadAloudOffer};

/// `autoplay_here`: a live scene, which may read itself (the reader's scenes never do).
#[component]
pub fn ReadAloud(
    tier: &'static str,
    scene_id: String,
    offer: ReadAloudOffer,
    autoplay_here: bool,
) -> impl IntoView {
    let id = format!("read-aloud-{scene_id}");
    let widget = id.clone();
    Effect::new(move |attached: Option<()>| {
        if attached.is_some() {
            return;
        }
        let widget = widget.clone();
        leptos::task::spawn_local(async move {
            #[cfg(feature = "hydrate")]
            let attached = attach(widget).await;
            #[cfg(not(feature = "hydrate"))]
            let attached = attach(widget);
            if let Err(error) = attached {
                leptos::logging::warn!("the reading voice's code could not be fetched: {error}");
            }
        });
    });
    view! {
        <div
            class="read-aloud"
            id=id
            data-ready="false"
            data-state="idle"
            data-tier=tier
            data-url=format!("/{tier}/read-aloud/{scene_id}/")
            data-server=offer.server.to_string()
            data-bedtime=offer.bedtime.to_string()
            inner_html=controls_html(&offer, autoplay_here)
        ></div>
    }
}

/// In the browser, a split point: the widget's behaviour is a module of its own, and the
/// call fails when it cannot be fetched (the widget then stays invisible).
#[cfg_attr(
    feature = "hydrate",
    leptos::wasm_split::wasm_split(
        player,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(#[doc(hidden)] __preload_player)
    )
)]
fn attach(widget_id: String) -> Result<(), leptos::wasm_split::SplitLoaderError> {
    super::read_aloud_player::attach(&widget_id);
    Ok(())
}
