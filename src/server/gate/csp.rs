//! The Content-Security-Policy of the app's pages: our own files only, the WASM bundle
//! allowed to compile, and inline script only with this response's nonce (the hydration
//! bootstrap and the streamed resource data Leptos writes carry it).

use axum::http::{header, HeaderValue};
use leptos::nonce::use_nonce;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

/// The policy of a page rendered with `nonce`; pictures and clips may also come from
/// `media_origin` (hosted mode's bucket, which the media routes redirect to).
pub fn page_policy(nonce: &str, media_origin: Option<&str>) -> String {
    let media = media_origin.map(|o| format!(" {o}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:{media}; media-src 'self' blob:{media}; \
         connect-src 'self' blob:; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// The policy of everything else (files, server function answers): nothing may run.
pub const DEFAULT_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Called in every page render's context: puts this render's nonce into the answer's policy.
pub fn provide_page_policy() {
    let (Some(nonce), Some(response)) = (use_nonce(), use_context::<ResponseOptions>()) else {
        return;
    };
    let state = use_context::<crate::server::state::AppState>();
    let media_origin = state.as_ref().and_then(|s| s.store.public_origin());
    if let Ok(value) = HeaderValue::from_str(&page_policy(&nonce, media_origin)) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_run_only_our_code() {
        let policy = page_policy("abc", None);
        assert!(policy.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(!policy.contains("http"));
        let hosted = page_policy("abc", Some("https://media.example"));
        assert!(hosted.contains("img-src 'self' data: blob: https://media.example;"));
        assert!(hosted.contains("media-src 'self' blob: https://media.example;"));
    }
}
