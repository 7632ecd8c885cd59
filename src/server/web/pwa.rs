//! The installable app: a web app manifest per tier (`/manifest/{tier}.webmanifest`, outside
//! the tier's prefix so a protected tier's is fetched without its session, as browsers fetch
//! manifests) and the service worker (`/sw.js`, at the root so its scope is the whole site).
//!
//! The worker's text carries this build's version (a fingerprint of the WASM bundle), so a
//! new deploy is a new worker whose shell cache is new too: an old shell never meets new
//! modules. Its own Content-Security-Policy lets it fetch from this origin (and the bucket's,
//! where pictures live in hosted mode) and nothing else.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::domain::TierSpec;
use crate::server::state::AppState;

const WORKER: &str = include_str!("pwa/sw.js");
/// The page's side: registers the worker. Served here, not as a file of the site root:
/// `/register-sw.js` would otherwise be taken for a tier's name by the page routes.
const REGISTER: &str = include_str!("pwa/register.js");

pub fn router(options: &leptos::config::LeptosOptions) -> Router<AppState> {
    let version = build_version(options);
    let worker = WORKER.replace("__VERSION__", &version);
    Router::new()
        .route(
            "/sw.js",
            get(move |State(state): State<AppState>| {
                let worker = worker.clone();
                async move { service_worker(&state, worker) }
            }),
        )
        .route(
            "/register-sw.js",
            get(|| async { script(REGISTER.to_owned(), "public, no-cache") }),
        )
        .route("/manifest/{file}", get(manifest))
}

/// The bundle's fingerprint, or `dev` when there is no built site (tests of the server alone).
fn build_version(options: &leptos::config::LeptosOptions) -> String {
    let wasm = std::path::Path::new(&*options.site_root)
        .join(&*options.site_pkg_dir)
        .join(format!("{}.wasm", options.output_name));
    match std::fs::read(&wasm) {
        Ok(bytes) => imaging::fingerprint(&bytes),
        Err(_) => "dev".to_owned(),
    }
}

fn service_worker(state: &AppState, worker: String) -> Response {
    let media = state
        .store
        .public_origin()
        .map(|o| format!(" {o}"))
        .unwrap_or_default();
    let policy = format!("default-src 'none'; connect-src 'self'{media}");
    // Checked on every visit: a new deploy reaches the family at once.
    let mut response = script(worker, "no-cache");
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

fn script(text: String, cache: &'static str) -> Response {
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

async fn manifest(Path(file): Path<String>) -> Response {
    let Some(tier) = file.strip_suffix(".webmanifest").and_then(TierSpec::find) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let body = manifest_json(tier).to_string();
    ([(header::CONTENT_TYPE, "application/manifest+json")], body).into_response()
}

/// What a phone needs to put the tier on its home screen and open it like an app.
pub fn manifest_json(tier: &TierSpec) -> serde_json::Value {
    let icon = |size: u32, purpose: &str| {
        serde_json::json!({
            "src": format!("/icons/icon-{size}.png"),
            "sizes": format!("{size}x{size}"),
            "type": "image/png",
            "purpose": purpose,
        })
    };
    serde_json::json!({
        "id": format!("/{}", tier.name),
        "name": tier.title,
        "short_name": tier.short_name,
        "description": tier.audience,
        "start_url": format!("/{}", tier.name),
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": tier.theme_colour,
        "background_color": "#ffffff",
        "icons": [icon(192, "any"), icon(512, "any"), icon(512, "maskable")],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_tier_opens_on_its_own_home_with_both_icon_sizes() {
        for tier in crate::domain::tier::TIERS {
            let m = manifest_json(tier);
            assert_eq!(m["start_url"], format!("/{}", tier.name));
            assert_eq!(m["display"], "standalone");
            let sizes: Vec<&str> = m["icons"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|i| i["sizes"].as_str())
                .collect();
            assert!(sizes.contains(&"192x192") && sizes.contains(&"512x512"));
        }
    }

    #[test]
    fn the_worker_names_its_version_and_never_keeps_event_streams() {
        assert!(WORKER.contains("const VERSION = '__VERSION__';"));
        assert!(WORKER.contains("no-store"));
        assert!(WORKER.contains(r"const LIVE_OR_DOWNLOAD = /\/(words|ahead)$|\/export/;"));
    }
}
