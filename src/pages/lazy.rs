//! The pages a reader does not need on arrival, split out of the browser's first download.
//!
//! Built with `cargo leptos build --split`, each `#[lazy]` function below becomes a WASM
//! module of its own (with whatever only it uses), fetched when the router first shows one of
//! its pages. The first page, the landing page, stays in the main bundle; it fetches a tier's
//! home while it is read (`pages::landing`), as the home and the gallery fetch a story's.
//!
//! Pages that go together share one module, for code that several modules use is cut into
//! chunks by which modules use it: with a module per page, a page needed 22 to 46 chunk
//! files, each a request of its own on a phone's slow link. So the pages of a story (a scene
//! being played, the reader of a finished one, their maps) are one module, and the pages a
//! parent opens now and then (profiles, status) another; a tier's home and its gallery are a
//! module each. The microphone's code stays a module of its own (`components::voice_input`).
//!
//! Every hydrate build must be split (the debug one too, `scripts/build.sh`): a lazy page is
//! an import from the split loader. The pages load their own data, so `data()` has nothing
//! to start early.

use leptos::prelude::*;
use leptos_router::LazyRoute;

use super::{
    gallery::Gallery,
    home::TierHome,
    profiles::ProfilesPage,
    reader::ReaderPage,
    scene::ScenePage,
    status::StatusPage,
    story_map::{PlayMapPage, ReaderMapPage},
};

/// A route whose page is made by `$split($page)`, a `#[lazy]` function, whose module
/// `$preload` (made by `#[lazy]`) fetches.
macro_rules! split_route {
    ($(#[$doc:meta])* $route:ident => $split:ident($($page:expr)?), $preload:ident) => {
        $(#[$doc])*
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_this: Self) -> AnyView {
                $split($($page)?).await
            }

            async fn preload() {
                #[cfg(feature = "hydrate")]
                $preload().await;
            }
        }
    };
}

/// A tier's home: the start form.
#[lazy]
fn home_page() -> AnyView {
    view! { <TierHome/> }.into_any()
}

split_route!(HomeRoute => home_page(), __preload_home_page);

/// A story: being played (a scene, the map) or finished (the reader, its map). Both show
/// scenes with their pictures and clips and the same map, so they share most of their code.
pub enum StoryPage {
    Scene,
    PlayMap,
    Reader,
    ReaderMap,
}

#[lazy]
fn story_page(page: StoryPage) -> AnyView {
    match page {
        StoryPage::Scene => view! { <ScenePage/> }.into_any(),
        StoryPage::PlayMap => view! { <PlayMapPage/> }.into_any(),
        StoryPage::Reader => view! { <ReaderPage/> }.into_any(),
        StoryPage::ReaderMap => view! { <ReaderMapPage/> }.into_any(),
    }
}

split_route!(
    /// A scene being played.
    SceneRoute => story_page(StoryPage::Scene), __preload_story_page
);
split_route!(
    /// The map of a story being played.
    PlayMapRoute => story_page(StoryPage::PlayMap), __preload_story_page
);
split_route!(
    /// A finished story in the reader.
    ReaderRoute => story_page(StoryPage::Reader), __preload_story_page
);
split_route!(
    /// The map of a finished story.
    ReaderMapRoute => story_page(StoryPage::ReaderMap), __preload_story_page
);

/// The gallery of a tier.
#[lazy]
fn gallery_page() -> AnyView {
    view! { <Gallery/> }.into_any()
}

split_route!(GalleryRoute => gallery_page(), __preload_gallery_page);

/// The pages a parent opens now and then: the family's profiles and the site's status.
pub enum FamilyPage {
    Profiles,
    Status,
}

#[lazy]
fn family_page(page: FamilyPage) -> AnyView {
    match page {
        FamilyPage::Profiles => view! { <ProfilesPage/> }.into_any(),
        FamilyPage::Status => view! { <StatusPage/> }.into_any(),
    }
}

split_route!(
    /// Profiles and characters.
    ProfilesRoute => family_page(FamilyPage::Profiles), __preload_family_page
);
split_route!(
    /// The status page.
    StatusRoute => family_page(FamilyPage::Status), __preload_family_page
);
