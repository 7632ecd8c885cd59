//! The pages a reader does not need on arrival, split out of the browser's first download.
//!
//! Built with `cargo leptos build --split`, each split function below becomes a WASM module
//! of its own (with whatever only it uses), fetched when the router first shows one of its
//! pages, or earlier, by the page before it. The first page, the landing page, stays in the main bundle; it fetches a tier's
//! home while it is read (`pages::landing`), as the home and the gallery fetch a story's.
//!
//! Pages that go together share one module, for code that several modules use is cut into
//! chunks by which modules use it: with a module per page, a page needed 22 to 46 chunk
//! files, each a request of its own on a phone's slow link. So the pages of a story (a scene
//! being played, the reader of a finished one, their maps) are one module, and the pages a
//! parent opens now and then (profiles, status) another; a tier's home and its gallery are a
//! module each. The microphone's code stays a module of its own (`components::voice_input`).
//!
//! A module that cannot be fetched (the phone lost its connection) does not stop the app, as
//! Leptos's `#[lazy]` would (it panics): a failed fetch ahead of time is only logged, and a
//! page whose code cannot be fetched says so, with a link that loads it from the server. A
//! page the server sent is taken over only once its module is here
//! ([`fetch_named_module`]); until then, or if it cannot be fetched, it is plain HTML,
//! whose links and forms work without the app.
//!
//! Every hydrate build must be split (the debug one too, `scripts/build.sh`): a split page is
//! an import from the split loader. The pages load their own data, so `data()` has nothing
//! to start early.

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;
use leptos_router::hooks::use_location;
use leptos_router::LazyRoute;

use super::{
    family::FamilyPage,
    gallery::Gallery,
    home::TierHome,
    profiles::ProfilesPage,
    reader::ReaderPage,
    scene::ScenePage,
    status::StatusPage,
    story_map::{PlayMapPage, ReaderMapPage},
};

/// A split function: in the browser, a split point whose module `$preload` fetches, and
/// whose call fails when its module cannot be fetched (`wasm_split`'s `fallible`); on the
/// server, a plain function. (Leptos's `#[lazy]` is the same split point, made infallible.)
macro_rules! split_fn {
    ($(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty)?) $body:block, $preload:ident) => {
        $(#[$doc])*
        #[cfg_attr(
            feature = "hydrate",
            ::leptos::wasm_split::wasm_split(
                $name,
                wasm_split_path = ::leptos::wasm_split,
                fallible,
                preload(#[doc(hidden)] $preload)
            )
        )]
        fn $name($($arg: $ty)?) -> Result<AnyView, SplitLoaderError> {
            Ok($body)
        }
    };
}

/// A route whose page is made by `$split($page)`, a [`split_fn!`], whose module `$preload`
/// fetches.
macro_rules! split_route {
    ($(#[$doc:meta])* $route:ident => $split:ident($($page:expr)?), $preload:ident) => {
        $(#[$doc])*
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_this: Self) -> AnyView {
                #[cfg(feature = "hydrate")]
                let page = $split($($page)?).await;
                // The server names the module's files in the page's preload links.
                #[cfg(not(feature = "hydrate"))]
                let page = {
                    leptos::prefetch_lazy_fn_on_server(stringify!($split));
                    $split($($page)?)
                };
                shown(page)
            }

            async fn preload() {
                // A failed fetch is tried again by the next preload or `view`.
                #[cfg(feature = "hydrate")]
                if let Err(error) = $preload().await {
                    leptos::logging::warn!("a page's code could not be fetched: {error}");
                }
            }
        }
    };
}

/// Fetches route `R`'s code once this page has started in the browser: `R` is the page that
/// usually comes next, and this page has just loaded, so is surely online.
pub fn fetch_ahead<R: LazyRoute>() {
    #[cfg(feature = "hydrate")]
    Effect::new(|| leptos::task::spawn_local(R::preload()));
}

/// The page, or what to do when its code could not be fetched.
fn shown(page: Result<AnyView, SplitLoaderError>) -> AnyView {
    let error = match page {
        Ok(page) => return page,
        Err(error) => error,
    };
    let taking_over =
        Owner::current_shared_context().is_some_and(|context| context.during_hydration());
    if taking_over {
        // The server's page cannot be taken over by another view. Not reached: the app
        // starts only once the page's module is here (`fetch_named_module`).
        panic!("this page's code could not be fetched: {error}");
    }
    view! { <Unfetched/> }.into_any()
}

/// Fetches the split module the server named in this page's preload links, before the app
/// takes the page over: if it cannot be fetched, the app does not start, and the page stays
/// the server's plain HTML. (Started after a failed fetch, the router would already catch
/// link clicks, and the page could not go on without the app.)
#[cfg(feature = "hydrate")]
pub async fn fetch_named_module() -> Result<(), SplitLoaderError> {
    // A page uses one page module (the chunks it shares are named `chunk_*`).
    let link = document()
        .query_selector(r#"link[rel="preload"][href*="/split_"]"#)
        .ok()
        .flatten();
    let href = link
        .and_then(|link| link.get_attribute("href"))
        .unwrap_or_default();
    match href.rsplit('/').next().unwrap_or_default() {
        "split_home_page.wasm" => __preload_home_page().await,
        "split_story_page.wasm" => __preload_story_page().await,
        "split_gallery_page.wasm" => __preload_gallery_page().await,
        "split_family_page.wasm" => __preload_family_page().await,
        "split_family_mode_page.wasm" => __preload_family_mode_page().await,
        _ => Ok(()),
    }
}

/// A page whose code could not be fetched: what happened, and the page from the server.
#[component]
fn Unfetched() -> impl IntoView {
    let location = use_location();
    let mut href = location.pathname.get_untracked();
    let search = location.search.get_untracked();
    if !search.trim_start_matches('?').is_empty() {
        href = format!("{href}?{}", search.trim_start_matches('?'));
    }
    let hash = location.hash.get_untracked();
    if !hash.trim_start_matches('#').is_empty() {
        href = format!("{href}#{}", hash.trim_start_matches('#'));
    }
    view! {
        <div class="error-notice" role="alert">
            <p>"This page could not be loaded: the connection seems to have dropped."</p>
            // A full page load (`rel="external"`): the server sends the page whole.
            <a class="button" href=href rel="external">"Try again"</a>
        </div>
    }
}

split_fn!(
    /// A tier's home: the start form.
    fn home_page() {
        view! { <TierHome/> }.into_any()
    },
    __preload_home_page
);

split_route!(HomeRoute => home_page(), __preload_home_page);

/// A story: being played (a scene, the map) or finished (the reader, its map). Both show
/// scenes with their pictures and clips and the same map, so they share most of their code.
enum StoryPage {
    Scene,
    PlayMap,
    Reader,
    ReaderMap,
}

split_fn!(
    fn story_page(page: StoryPage) {
        match page {
            StoryPage::Scene => view! { <ScenePage/> }.into_any(),
            StoryPage::PlayMap => view! { <PlayMapPage/> }.into_any(),
            StoryPage::Reader => view! { <ReaderPage/> }.into_any(),
            StoryPage::ReaderMap => view! { <ReaderMapPage/> }.into_any(),
        }
    },
    __preload_story_page
);

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

split_fn!(
    /// The gallery of a tier.
    fn gallery_page() {
        view! { <Gallery/> }.into_any()
    },
    __preload_gallery_page
);

split_route!(GalleryRoute => gallery_page(), __preload_gallery_page);

/// The pages a parent opens now and then: the family's profiles, the family itself and the
/// site's status.
enum FamilyPage {
    Profiles,
    Status,
}

split_fn!(
    fn family_page(page: FamilyPage) {
        match page {
            FamilyPage::Profiles => view! { <ProfilesPage/> }.into_any(),
            FamilyPage::Status => view! { <StatusPage/> }.into_any(),
        }
    },
    __preload_family_page
);

split_route!(
    /// Profiles and characters.
    ProfilesRoute => family_page(FamilyPage::Profiles), __preload_family_page
);
split_fn!(
    fn family_mode_page() {
        view! { <FamilyPage/> }.into_any()
    },
    __preload_family_mode_page
);

split_route!(
    /// The family for family mode: a module of its own, as only a parent setting it up needs
    /// its forms.
    FamilyRoute => family_mode_page(), __preload_family_mode_page
);
split_route!(
    /// The status page.
    StatusRoute => family_page(FamilyPage::Status), __preload_family_page
);
