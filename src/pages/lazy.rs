//! The pages a reader does not need on arrival, split out of the browser's first download.
//!
//! Each is a [`LazyRoute`]: built with `cargo leptos build --split`, its code (and whatever
//! only it uses) goes into its own WASM chunk, fetched when the router first shows the page.
//! The first page (the landing and a tier's home) stays in the main bundle, so the start form
//! works as soon as that bundle has loaded. Every hydrate build must be split (the debug one
//! too, `scripts/build.sh`): a lazy route is an import from the split loader. The pages load
//! their own data, so `data()` has nothing to start early.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use super::{
    gallery::Gallery,
    profiles::ProfilesPage,
    reader::ReaderPage,
    scene::ScenePage,
    status::StatusPage,
    story_map::{PlayMapPage, ReaderMapPage},
};

macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $page:ident) => {
        $(#[$doc])*
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    };
}

lazy_page!(
    /// A scene being played.
    SceneRoute => ScenePage
);
lazy_page!(
    /// A finished story in the reader.
    ReaderRoute => ReaderPage
);
lazy_page!(
    /// The gallery of a tier.
    GalleryRoute => Gallery
);
lazy_page!(
    /// Profiles and characters.
    ProfilesRoute => ProfilesPage
);
lazy_page!(
    /// The map of a story being played.
    PlayMapRoute => PlayMapPage
);
lazy_page!(
    /// The map of a finished story.
    ReaderMapRoute => ReaderMapPage
);
lazy_page!(
    /// The status page.
    StatusRoute => StatusPage
);
