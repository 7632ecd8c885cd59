//! Plain HTML form posts to server functions (before the app has started, or with
//! JavaScript off) are answered with a redirect back to the page they came from, the error
//! in its address (`__path`, `__err`: server_fn's `ServerFnUrlError`). Two things are added
//! here on the way out:
//! - a refused form's typed fields go back in the same address (`form.<name>=<value>`), so
//!   its page shows them again beside the reason instead of an empty form
//!   (`domain::form::Refill` reads them);
//! - the address is tidied: fields carried back by an earlier refusal are dropped, and so is
//!   the bare `?` that `ServerFnUrlError::strip_error_info` leaves behind, so a page never
//!   collects stray parameters.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request};
use axum::middleware::Next;
use axum::response::Response;

use crate::domain::form::CARRIED;

/// The largest form whose fields are carried back: a story idea is 500 characters, a
/// profile five short fields. A larger post is answered as before, without them. Kept well
/// under the 8 KB a reverse proxy such as nginx allows for a request line by default.
const CARRIED_MAX_BYTES: usize = 6 * 1024;

/// Fields that never travel in an address (history, logs), whatever form sends them.
const NEVER_CARRIED: [&str; 4] = ["pin", "again", "code", "token"];

/// Whether a request is a plain HTML form post (no JavaScript yet, or none at all): the
/// browser asks for a page, where the app's own calls ask for data.
pub fn is_plain_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

pub async fn tidy_redirect(request: Request<Body>, next: Next) -> Response {
    let (request, posted) = read_posted_fields(request).await;
    let mut response = next.run(request).await;
    if !response.status().is_redirection() {
        return response;
    }
    let tidied = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(|location| redirect_location(location, posted.as_deref()))
        .and_then(|location| HeaderValue::from_str(&location).ok());
    if let Some(location) = tidied {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// The body of a small url-encoded plain form posted to a server function, read ahead of
/// it (and given back to the request untouched); `None` for anything else.
async fn read_posted_fields(request: Request<Body>) -> (Request<Body>, Option<Bytes>) {
    let headers = request.headers();
    let small_form = request.method() == Method::POST
        && request.uri().path().starts_with("/api/")
        && is_plain_form(headers)
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
        && headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok())
            .is_some_and(|length| length <= CARRIED_MAX_BYTES);
    if !small_form {
        return (request, None);
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, CARRIED_MAX_BYTES).await {
        Ok(bytes) => (
            Request::from_parts(parts, Body::from(bytes.clone())),
            Some(bytes),
        ),
        // The browser went away mid-post: the handler sees the empty form and refuses it.
        Err(_) => (Request::from_parts(parts, Body::empty()), None),
    }
}

/// `location` without fields carried back by an earlier refusal (nor a bare `?`), and,
/// when it reports an error (`__err`), with the `posted` form's fields.
fn redirect_location(location: &str, posted: Option<&[u8]>) -> String {
    let (base, query) = location.split_once('?').unwrap_or((location, ""));
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| !name.starts_with(CARRIED))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    // server_fn adds its error pair without removing an earlier one: the last one counts.
    let kept: Vec<(String, String)> = pairs
        .iter()
        .enumerate()
        .filter(|(at, (name, _))| {
            !matches!(name.as_str(), "__path" | "__err")
                || !pairs[at + 1..].iter().any(|(later, _)| later == name)
        })
        .map(|(_, pair)| pair.clone())
        .collect();
    let refused = kept.iter().any(|(name, _)| name == "__err");
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in &kept {
        query.append_pair(name, value);
    }
    if let Some(posted) = posted.filter(|_| refused) {
        for (name, value) in form_urlencoded::parse(posted) {
            if !NEVER_CARRIED.contains(&name.as_ref()) {
                query.append_pair(&format!("{CARRIED}{name}"), &value);
            }
        }
    }
    let query = query.finish();
    if query.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::redirect_location;

    #[test]
    fn a_refusal_carries_the_typed_fields_back_and_nothing_secret() {
        let location = redirect_location(
            "http://h/kids?__path=%2Fapi%2Fstart_story&__err=e30%3D",
            Some(b"tier=kids&input%5Bprompt%5D=A+fox+%26+a+hen&pin=1234"),
        );
        assert_eq!(
            location,
            "http://h/kids?__path=%2Fapi%2Fstart_story&__err=e30%3D\
             &form.tier=kids&form.input%5Bprompt%5D=A+fox+%26+a+hen"
        );
    }

    #[test]
    fn an_address_loses_what_an_earlier_refusal_carried() {
        // A second refusal carries only its own fields.
        let again = redirect_location(
            "/kids?x=1&form.input%5Bprompt%5D=old&__path=p&__err=e",
            Some(b"input%5Bprompt%5D=new"),
        );
        assert_eq!(
            again,
            "/kids?x=1&__path=p&__err=e&form.input%5Bprompt%5D=new"
        );
        // Refused again from a refused page: one error pair, the newest.
        assert_eq!(
            redirect_location("/kids?__path=p&__err=old&__path=p&__err=new", None),
            "/kids?__path=p&__err=new"
        );
        // A success goes back clean, without the old fields or a bare `?`.
        assert_eq!(
            redirect_location("/kids/profiles?form.input%5Bname%5D=Mia", Some(b"a=b")),
            "/kids/profiles"
        );
        assert_eq!(redirect_location("/kids/profiles?", None), "/kids/profiles");
        assert_eq!(redirect_location("/kids/story/1", None), "/kids/story/1");
    }
}
