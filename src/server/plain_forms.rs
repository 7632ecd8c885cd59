//! Plain HTML form posts to server functions (before the app has started, or with
//! JavaScript off) are answered with a redirect back to the page they came from. server_fn
//! strips the error of an earlier post from that address but leaves its `?` behind
//! (`ServerFnUrlError::strip_error_info`): the address is tidied here, so a page never
//! collects stray question marks.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Request};
use axum::middleware::Next;
use axum::response::Response;

/// Whether a request is a plain HTML form post (no JavaScript yet, or none at all): the
/// browser asks for a page, where the app's own calls ask for data.
pub fn is_plain_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

pub async fn tidy_redirect(request: Request<Body>, next: Next) -> Response {
    let mut response = next.run(request).await;
    if !response.status().is_redirection() {
        return response;
    }
    let tidied = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|location| location.strip_suffix('?'))
        .and_then(|location| HeaderValue::from_str(location).ok());
    if let Some(location) = tidied {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}
