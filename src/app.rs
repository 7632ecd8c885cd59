//! The HTML shell, the `<App/>` root and the routes.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

use crate::components::demo_banner::DemoBanner;
use crate::pages::{
    landing::Landing,
    lazy::{
        FamilyRoute, GalleryRoute, HomeRoute, PlayMapRoute, ProfilesRoute, ReaderMapRoute,
        ReaderRoute, SceneRoute, StatusRoute,
    },
    not_found::NotFound,
    tier_layout::TierLayout,
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/png" sizes="192x192" href="/icons/icon-192.png"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                // Keeps opened stories readable offline (a file: no inline script runs).
                <script src="/register-sw.js" defer></script>
                <TierHead/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// A tier page's manifest (installable per tier: its own name, colour and start page) and
/// colour. Written by the server into the head, which the app never re-renders: no code of
/// it goes into the browser's bundle.
#[component]
fn TierHead() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        let tier = use_context::<axum::http::request::Parts>().and_then(|parts| {
            let first = parts.uri.path().trim_start_matches('/').split('/').next()?;
            crate::domain::TierSpec::find(first)
        });
        tier.map(|tier| {
            view! {
                <link rel="manifest" href=crate::domain::urls::manifest(tier.name)/>
                <meta name="theme-color" content=tier.theme_colour/>
            }
        })
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href=concat!("/pkg/", env!("LEPTOS_OUTPUT_NAME"), ".css")/>
        <Title text="Choose Your Own Adventure"/>
        <Router>
            <DemoBanner/>
            <main>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Landing/>
                    <Route path=path!("/status") view={Lazy::<StatusRoute>::new()} ssr=SsrMode::Async/>
                    // Every page is rendered whole before it is sent (`Async`): it works
                    // before the app has started, or with JavaScript off, and its status
                    // (a 404) is known in time.
                    <ParentRoute path=path!("/:tier") view=TierLayout>
                        <Route path=path!("") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("profiles") view={Lazy::<ProfilesRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("family") view={Lazy::<FamilyRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("gallery") view={Lazy::<GalleryRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("gallery/:story") view={Lazy::<ReaderRoute>::new()} ssr=SsrMode::Async/>
                        <Route
                            path=path!("gallery/:story/map")
                            view={Lazy::<ReaderMapRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("story/:story/map")
                            view={Lazy::<PlayMapRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("story/:story/scene/:scene")
                            view={Lazy::<SceneRoute>::new()}
                            ssr=SsrMode::Async
                        />
                    </ParentRoute>
                </Routes>
            </main>
        </Router>
    }
}
