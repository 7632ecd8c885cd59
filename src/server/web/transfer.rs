//! How answers travel to a phone on a slow link: compressed when that helps, revalidated
//! instead of downloaded again.
//!
//! - Pages, server function answers, CSS, JS and the map's SVG are compressed (brotli or
//!   gzip, as the browser accepts). The browser bundle is precompressed at build time
//!   (`cargo leptos build --precompress`) and its `.br`/`.gz` files are served as they are.
//!   Pictures, clips, audio and PDFs are never compressed again (they already are), nor are
//!   event streams (compression would hold their events back), downloads, or a WASM file
//!   without its precompressed twin (a debug build's 10 MB would take seconds per load).
//! - The bundle carries `Cache-Control: no-cache` with its `Last-Modified`: a second visit
//!   asks "changed?" and gets an empty 304. Media files (a new name for every new picture)
//!   are kept a day by the browser (`files.rs`), then revalidated the same way; they stay
//!   `private`: they sit behind the tier's gate.

use axum::body::Body;
use axum::http::{header, Extensions, HeaderMap, HeaderValue, Request, StatusCode, Version};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::CompressionLevel;

/// The compression of every answer that gains from it, at a level quick enough to run per
/// request (brotli's default, 11, takes seconds on a big page).
pub fn compression() -> CompressionLayer<impl Predicate> {
    let worth_it = DefaultPredicate::new()
        .and(NotForContentType::const_new("video/"))
        .and(NotForContentType::const_new("audio/"))
        .and(NotForContentType::const_new("application/pdf"))
        // The bundle: precompressed at build time, or (a debug build) too big to compress
        // on every page load.
        .and(NotForContentType::const_new("application/wasm"))
        // Downloads (the exports): mostly base64 media, written while they are sent.
        .and(
            |_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions| {
                !headers.contains_key(header::CONTENT_DISPOSITION)
            },
        );
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .no_deflate()
        .no_zstd()
        .quality(CompressionLevel::Precise(4))
        .compress_when(worth_it)
}

/// The bundle's files (`/pkg`), precompressed twins first. Served here rather than by
/// leptos_axum's fallback, which passes only `Accept-Encoding` on to its file service:
/// without `If-Modified-Since` every visit downloaded the whole bundle again.
pub fn bundle(
    options: &leptos::config::LeptosOptions,
) -> axum::Router<crate::server::state::AppState> {
    let dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let files = tower_http::services::ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip();
    axum::Router::new().nest_service(&format!("/{}", options.site_pkg_dir), files)
}

/// Revalidation instead of a second download, for the bundle (its files keep their names).
pub async fn cache_headers(request: Request<Body>, next: Next) -> Response {
    let path = request.uri().path();
    let policy = path.starts_with("/pkg/").then_some("public, no-cache");
    let mut response = next.run(request).await;
    if let Some(policy) = policy {
        if response.status().is_success() || response.status().as_u16() == 304 {
            response
                .headers_mut()
                .entry(header::CACHE_CONTROL)
                .or_insert(HeaderValue::from_static(policy));
        }
    }
    response
}

/// What a writer task sends into `rx`, as a body that goes out piece by piece (a page
/// written while it is sent, an event stream). The writer sees the reader leave when its
/// sends fail.
pub fn channel_stream<T>(
    mut rx: tokio::sync::mpsc::Receiver<T>,
) -> impl futures::Stream<Item = Result<T, std::convert::Infallible>> {
    futures::stream::poll_fn(move |cx| rx.poll_recv(cx).map(|piece| piece.map(Ok)))
}
