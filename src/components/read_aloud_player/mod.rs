//! The browser half of read aloud, a split module of its own (fetched once a scene is shown):
//! the widget's behaviour ([`controls`]: play and stop, the voice, "by itself", the
//! highlight, the choices remembered) and the playing itself ([`audio`]). The page draws the
//! widget as plain HTML (`components::read_aloud`) and hands it over here by its id, so the
//! story page's own download carries none of this. Browser only; the server build has a stub.

use std::rc::Rc;

#[cfg(feature = "hydrate")]
mod audio;
#[cfg(feature = "hydrate")]
mod controls;

#[cfg(feature = "hydrate")]
pub use controls::attach;

/// The server renders the widget but never runs it.
#[cfg(not(feature = "hydrate"))]
pub fn attach(_widget_id: &str) {}

/// What to read.
#[derive(Debug, Clone)]
pub struct Reading {
    /// The server's audio (`/{tier}/read-aloud/{scene}/{voice}`); `None`: the browser's own
    /// speech reads.
    pub url: Option<String>,
    /// The narrative's sentences, in the order the page numbers them.
    pub sentences: Vec<String>,
    /// The voice's place among the tier's voices (the browser's voices are picked by it).
    pub voice_index: usize,
    pub bedtime: bool,
}

/// How a reading ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    Finished,
    Stopped,
    /// The browser may not play sound before a tap on this page (autoplay).
    NeedsTap,
    /// The server cannot read here (no narration model): the browser's speech may.
    ServerCannot,
    Failed(String),
}

/// Hears the sentence being said (`None` when none is).
pub type Mark = Rc<dyn Fn(Option<usize>)>;
