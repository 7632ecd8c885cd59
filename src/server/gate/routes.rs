//! The gate in front of every protected tier, and its own routes: unlock, first PIN with
//! the setup code, lock, change PIN, and an open tier's parent controls (the same PIN and
//! session; the tier stays open to everyone).

use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::page::{self, GatePage};
use super::pin::{self, Pin};
use super::GateError;
use crate::domain::TierSpec;
use crate::server::db::gate as rows;
use crate::server::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/{tier}/unlock", post(unlock))
        .route("/{tier}/setup", post(setup))
        .route("/{tier}/lock", post(lock))
        .route("/{tier}/pin", get(change_page).post(change))
        .route("/{tier}/pin/changed", get(changed_page))
        .route("/{tier}/parent", get(parent_page))
}

/// Lets a request to a protected tier through only with a live session of that tier.
/// Locked, a page answers 404 with the PIN form, anything else a bare 404: the tier shows
/// nothing of itself. Unlocking and setting the first PIN are the only ways through.
pub async fn tier_gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let mut segments = path.trim_start_matches('/').splitn(2, '/');
    let Some(tier) = segments.next().and_then(TierSpec::find) else {
        return next.run(request).await;
    };
    let rest = segments.next().unwrap_or("");
    if !state.gate.is_protected(tier.name) {
        if !state.gate.guards(tier.name) {
            return next.run(request).await;
        }
        let changes_pin = rest == "pin" || rest.starts_with("pin/");
        return parent_controls_gate(&state, tier, changes_pin, request, next).await;
    }
    if request.method() == Method::POST && matches!(rest, "unlock" | "setup") {
        return next.run(request).await;
    }
    match state
        .gate
        .admits(&state.db, tier.name, request.headers())
        .await
    {
        Ok(true) => not_stored(next.run(request).await),
        Ok(false) => {
            let wants_page = matches!(*request.method(), Method::GET | Method::HEAD)
                && !rest.starts_with("media/")
                && !rest.starts_with("photos/")
                && accepts_html(request.headers());
            if !wants_page {
                return (StatusCode::NOT_FOUND, "Not found").into_response();
            }
            let next_url = request
                .uri()
                .path_and_query()
                .map_or(path, |pq| pq.as_str())
                .to_owned();
            locked_page(&state, tier, &next_url, None, "", StatusCode::NOT_FOUND).await
        }
        Err(e) => unavailable(e),
    }
}

/// An open tier with parent controls: everyone may read it; changing the PIN needs the
/// parent session, and a page rendered for a parent (with its paid and destructive
/// controls) is never kept by the browser, so Back after Lock cannot show them again.
async fn parent_controls_gate(
    state: &AppState,
    tier: &'static TierSpec,
    changes_pin: bool,
    request: Request,
    next: Next,
) -> Response {
    if !changes_pin {
        let parent = state.gate.carries_session(request.headers(), tier.name);
        let response = next.run(request).await;
        return if parent {
            not_stored(response)
        } else {
            response
        };
    }
    match state
        .gate
        .parent_present(&state.db, tier.name, request.headers())
        .await
    {
        Ok(true) => not_stored(next.run(request).await),
        Ok(false) => {
            Redirect::to(&format!("/{}/parent?next=/{}/pin", tier.name, tier.name)).into_response()
        }
        Err(e) => unavailable(e),
    }
}

/// After Lock, Back must not show an unlocked page from the browser's memory (its
/// back/forward cache keeps pages that allow storing).
fn not_stored(mut response: Response) -> Response {
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_page {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[derive(Deserialize)]
struct NextQuery {
    #[serde(default)]
    next: String,
}

/// `/{tier}/parent`: the PIN form of an open tier's parent controls (the setup form while
/// it has no PIN), or on to `next` when they are open already.
async fn parent_page(
    State(state): State<AppState>,
    Path(tier): Path<String>,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Response {
    let Some(tier) = guarded_tier(&state, &tier) else {
        return not_found();
    };
    match state
        .gate
        .parent_present(&state.db, tier.name, &headers)
        .await
    {
        Ok(true) => Redirect::to(&safe_next(tier, &query.next)).into_response(),
        Ok(false) => locked_page(&state, tier, &query.next, None, "", StatusCode::OK).await,
        Err(e) => unavailable(e),
    }
}

/// The PIN form, or the setup form while the tier has no PIN yet (holding `code` as typed).
async fn locked_page(
    state: &AppState,
    tier: &'static TierSpec,
    next: &str,
    message: Option<&str>,
    code: &str,
    status: StatusCode,
) -> Response {
    let has_pin = match rows::pin_hash(&state.db, tier.name).await {
        Ok(hash) => hash.is_some(),
        Err(e) => return unavailable(GateError::Db(e)),
    };
    GatePage {
        tier,
        form: if has_pin {
            page::Form::Unlock
        } else {
            page::Form::Setup
        },
        message,
        token: &state.gate.form_token(tier.name),
        next: &safe_next(tier, next),
        pin_from_env: false,
        parent_mode: !state.gate.is_protected(tier.name),
        code,
    }
    .respond(status)
}

#[derive(Deserialize)]
struct UnlockForm {
    token: String,
    pin: String,
    #[serde(default)]
    next: String,
}

async fn unlock(
    State(state): State<AppState>,
    Path(tier): Path<String>,
    ClientAddr(client): ClientAddr,
    Form(form): Form<UnlockForm>,
) -> Response {
    let Some(tier) = guarded_tier(&state, &tier) else {
        return not_found();
    };
    if let Some(refused) = refuse_try(&state, tier, &form.token, &form.next, &client).await {
        return refused;
    }
    let stored = match rows::pin_hash(&state.db, tier.name).await {
        Ok(Some(hash)) => hash,
        Ok(None) => {
            return locked_page(
                &state,
                tier,
                &form.next,
                Some(NO_PIN_YET),
                "",
                StatusCode::NOT_FOUND,
            )
            .await
        }
        Err(e) => return unavailable(GateError::Db(e)),
    };
    let right = match Pin::entered(&form.pin) {
        Ok(pin) => pin::matches_off_runtime(pin, stored).await,
        Err(_) => false,
    };
    if !right {
        if let Err(refused) = record_failure(&state, tier, &client, "wrong parent PIN").await {
            return refused;
        }
        return locked_page(
            &state,
            tier,
            &form.next,
            Some(WRONG_PIN),
            "",
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    state.gate.succeeded(&state.db, &client).await;
    tracing::info!(tier = tier.name, %client, "tier unlocked");
    open_and_go(&state, tier, &form.next).await
}

#[derive(Deserialize)]
struct SetupForm {
    token: String,
    code: String,
    pin: String,
    again: String,
    #[serde(default)]
    next: String,
}

/// The first PIN of a tier, set by whoever has the setup code from the server's log.
async fn setup(
    State(state): State<AppState>,
    Path(tier): Path<String>,
    ClientAddr(client): ClientAddr,
    Form(form): Form<SetupForm>,
) -> Response {
    let Some(tier) = guarded_tier(&state, &tier) else {
        return not_found();
    };
    if let Some(refused) = refuse_try(&state, tier, &form.token, &form.next, &client).await {
        return refused;
    }
    match rows::pin_hash(&state.db, tier.name).await {
        Ok(None) => {}
        // Set meanwhile (by the CLI, say): the code is spent.
        Ok(Some(_)) => {
            return locked_page(
                &state,
                tier,
                &form.next,
                Some(PIN_ALREADY_SET),
                "",
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => return unavailable(GateError::Db(e)),
    }
    let code_ok = state
        .gate
        .setup_code(tier.name)
        .is_some_and(|code| normalise_code(&code) == normalise_code(&form.code));
    if !code_ok {
        if let Err(refused) = record_failure(&state, tier, &client, "wrong setup code").await {
            return refused;
        }
        return locked_page(
            &state,
            tier,
            &form.next,
            Some(WRONG_CODE),
            "",
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    let pin = match Pin::new_pin(&form.pin, &form.again) {
        Ok(pin) => pin,
        Err(e) => {
            return locked_page(
                &state,
                tier,
                &form.next,
                Some(&e.to_string()),
                &form.code,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    if let Err(e) = super::set_pin(&state.db, tier.name, pin).await {
        return unavailable(e);
    }
    state.gate.setup_code_used(tier.name);
    state.gate.succeeded(&state.db, &client).await;
    tracing::info!(tier = tier.name, %client, "parent PIN set with the setup code");
    open_and_go(&state, tier, &form.next).await
}

#[derive(Deserialize)]
struct LockForm {
    token: String,
}

/// Ends this browser's session of the tier and goes to the start page.
async fn lock(
    State(state): State<AppState>,
    Path(tier): Path<String>,
    headers: HeaderMap,
    Form(form): Form<LockForm>,
) -> Response {
    let Some(tier) = guarded_tier(&state, &tier) else {
        return not_found();
    };
    if !state.gate.form_token_ok(&form.token, tier.name) {
        return (StatusCode::FORBIDDEN, STALE_FORM).into_response();
    }
    match state
        .gate
        .close_session(&state.db, tier.name, &headers)
        .await
    {
        Ok(cookie) => {
            // A protected tier closes behind the parent; an open one stays, for the child.
            let to = if state.gate.is_protected(tier.name) {
                "/".to_owned()
            } else {
                format!("/{}", tier.name)
            };
            ([(header::SET_COOKIE, cookie)], Redirect::to(&to)).into_response()
        }
        Err(e) => unavailable(e),
    }
}

/// The change-PIN form; the tier gate has already checked the session.
async fn change_page(State(state): State<AppState>, Path(tier): Path<String>) -> Response {
    let Some(tier) = guarded_tier(&state, &tier) else {
        return not_found();
    };
    change_form(&state, tier, None, StatusCode::OK, page::Form::Change)
}

fn change_form(
    state: &AppState,
    tier: &'static TierSpec,
    message: Option<&str>,
    status: StatusCode,
    form: page::Form,
) -> Response {
    GatePage {
        tier,
        form,
        message,
        token: &state.gate.form_token(tier.name),
        next: "",
        pin_from_env: state
            .config
            .gate
            .env_pins
            .iter()
            .any(|(t, _)| *t == tier.name),
        parent_mode: !state.gate.is_protected(tier.name),
        code: "",
    }
    .respond(status)
}

#[derive(Deserialize)]
struct ChangeForm {
    token: String,
    old: String,
    pin: String,
    again: String,
}

/// A new PIN from the unlocked tier, with the current one asked again. Every other
/// browser's session of the tier ends; this one gets a fresh session.
async fn change(
    State(state): State<AppState>,
    Path(tier): Path<String>,
    ClientAddr(client): ClientAddr,
    Form(form): Form<ChangeForm>,
) -> Response {
    let Some(tier) = guarded_tier(&state, &tier) else {
        return not_found();
    };
    if !state.gate.form_token_ok(&form.token, tier.name) {
        return change_form(
            &state,
            tier,
            Some(STALE_FORM),
            StatusCode::FORBIDDEN,
            page::Form::Change,
        );
    }
    let may_try = match state.gate.may_try(&state.db, &client).await {
        Ok(may_try) => may_try,
        Err(e) => return unavailable(e),
    };
    if let Err(wait) = may_try {
        let page = change_form(
            &state,
            tier,
            Some(&wait_message(wait)),
            StatusCode::TOO_MANY_REQUESTS,
            page::Form::Change,
        );
        return too_many(page, wait);
    }
    let stored = match rows::pin_hash(&state.db, tier.name).await {
        Ok(hash) => hash.unwrap_or_default(),
        Err(e) => return unavailable(GateError::Db(e)),
    };
    let old_ok = match Pin::entered(&form.old) {
        Ok(old) => pin::matches_off_runtime(old, stored).await,
        Err(_) => false,
    };
    if !old_ok {
        if let Err(refused) =
            record_failure(&state, tier, &client, "wrong current PIN on change").await
        {
            return refused;
        }
        return change_form(
            &state,
            tier,
            Some(WRONG_PIN),
            StatusCode::UNAUTHORIZED,
            page::Form::Change,
        );
    }
    let pin = match Pin::new_pin(&form.pin, &form.again) {
        Ok(pin) => pin,
        Err(e) => {
            return change_form(
                &state,
                tier,
                Some(&e.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
                page::Form::Change,
            )
        }
    };
    if let Err(e) = super::set_pin(&state.db, tier.name, pin).await {
        return unavailable(e);
    }
    state.gate.succeeded(&state.db, &client).await;
    tracing::info!(tier = tier.name, %client, "parent PIN changed");
    open_and_go(&state, tier, &format!("/{}/pin/changed", tier.name)).await
}

/// Says that the PIN change worked.
async fn changed_page(State(state): State<AppState>, Path(tier): Path<String>) -> Response {
    let Some(tier) = guarded_tier(&state, &tier) else {
        return not_found();
    };
    change_form(&state, tier, None, StatusCode::OK, page::Form::Changed)
}

/// The PIN form again when a try from the locked page may not be made: a form we did not
/// render (or too old), or a client that must wait.
async fn refuse_try(
    state: &AppState,
    tier: &'static TierSpec,
    token: &str,
    next: &str,
    client: &str,
) -> Option<Response> {
    if !state.gate.form_token_ok(token, tier.name) {
        return Some(
            locked_page(
                state,
                tier,
                next,
                Some(STALE_FORM),
                "",
                StatusCode::FORBIDDEN,
            )
            .await,
        );
    }
    let may_try = match state.gate.may_try(&state.db, client).await {
        Ok(may_try) => may_try,
        Err(e) => return Some(unavailable(e)),
    };
    if let Err(wait) = may_try {
        let page = locked_page(
            state,
            tier,
            next,
            Some(&wait_message(wait)),
            "",
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
        return Some(too_many(page, wait));
    }
    None
}

/// A new session for this browser, then on to where the visitor was going.
async fn open_and_go(state: &AppState, tier: &'static TierSpec, next: &str) -> Response {
    match state.gate.open_session(&state.db, tier.name).await {
        Ok(cookie) => (
            [(header::SET_COOKIE, cookie)],
            Redirect::to(&safe_next(tier, next)),
        )
            .into_response(),
        Err(e) => unavailable(e),
    }
}

/// Counts a wrong entry. When the count cannot be stored (a full disk), the answer is the
/// same 503 that a right PIN gets then (its session cannot be stored either): a guesser
/// learns nothing, and gets no tries the throttle did not count.
async fn record_failure(
    state: &AppState,
    tier: &TierSpec,
    client: &str,
    what: &str,
) -> Result<(), Response> {
    match state.gate.failed(&state.db, client).await {
        // Never the PIN or code itself.
        Ok(failures) => {
            tracing::warn!(tier = tier.name, %client, failures, "{what}");
            Ok(())
        }
        Err(e) => {
            tracing::error!(tier = tier.name, %client, "{what}; the failure could not be counted");
            Err(unavailable(e))
        }
    }
}

const WRONG_PIN: &str = "That PIN is not right. Please try again.";
const WRONG_CODE: &str =
    "That setup code is not right. The server printed it as the last lines when it started.";
const NO_PIN_YET: &str =
    "No PIN is set yet: use the setup code the server printed when it started.";
const PIN_ALREADY_SET: &str = "A PIN has been set meanwhile: please enter it.";
const STALE_FORM: &str =
    "This form is too old or did not come from this app. Please try again on this page.";

fn wait_message(seconds: u64) -> String {
    format!("Too many wrong tries. Please wait {seconds} seconds before trying again.")
}

fn too_many(mut page: Response, wait: u64) -> Response {
    if let Ok(value) = wait.to_string().parse() {
        page.headers_mut().insert(header::RETRY_AFTER, value);
    }
    page
}

/// A tier with a PIN: protected, or open with parent controls.
fn guarded_tier(state: &AppState, name: &str) -> Option<&'static TierSpec> {
    TierSpec::find(name).filter(|t| state.gate.guards(t.name))
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Not found").into_response()
}

fn unavailable(e: GateError) -> Response {
    tracing::warn!(error = %e, "the gate could not check a session");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The server's storage cannot be read right now. Please try again in a moment.",
    )
        .into_response()
}

/// Where to go after unlocking: a page of this tier only, never another site.
fn safe_next(tier: &TierSpec, next: &str) -> String {
    let home = format!("/{}", tier.name);
    let inside = next == home
        || next.starts_with(&format!("{home}/"))
        || next.starts_with(&format!("{home}?"));
    if inside && !next.contains("//") && !next.contains('\\') && !next.chars().any(char::is_control)
    {
        next.to_owned()
    } else {
        home
    }
}

/// `ABCD-EFGH-JKMN` however it was typed.
fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// Whom the throttle counts: the peer's address (behind a reverse proxy, everyone shares
/// the proxy's, and then the per-client limit acts like the overall one).
pub struct ClientAddr(String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<std::net::SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_inside_the_tier() {
        let adult = TierSpec::find("adult").expect("tier");
        assert_eq!(
            safe_next(adult, "/adult/gallery?after=x"),
            "/adult/gallery?after=x"
        );
        assert_eq!(safe_next(adult, "/adult"), "/adult");
        assert_eq!(safe_next(adult, "/kids"), "/adult");
        assert_eq!(safe_next(adult, "/adultery"), "/adult");
        assert_eq!(safe_next(adult, "//evil.example/adult/"), "/adult");
        assert_eq!(safe_next(adult, "/adult//evil.example"), "/adult");
        assert_eq!(safe_next(adult, "https://evil.example"), "/adult");
        assert_eq!(safe_next(adult, ""), "/adult");
    }

    #[test]
    fn setup_codes_compare_however_typed() {
        assert_eq!(
            normalise_code(" k7qm-3xpd 9twa"),
            normalise_code("K7QM-3XPD-9TWA")
        );
    }
}
