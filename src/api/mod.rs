//! Server functions, grouped by page concern. They stay thin: parse the input, call a
//! service under `server/`, and turn its error into words for the reader.

pub mod family;
pub mod profiles;
pub mod site;
pub mod story;
pub mod voice;

/// Called while the framework decodes a server function's arguments, inside the request's
/// context: gives an unreadable request its 4xx status and logs it once.
#[cfg(feature = "ssr")]
pub(crate) fn refuse_unreadable(error: crate::domain::AppError) -> crate::domain::AppError {
    context::fail(error, "unreadable server function arguments")
}

#[cfg(feature = "ssr")]
mod context {
    //! What every server function does around its service call: find the state and the
    //! tier, and turn a failure into the reader's words with the right HTTP status, logging
    //! its cause exactly once.

    use std::fmt::Display;

    use axum::http::StatusCode;
    use leptos::prelude::use_context;

    use crate::domain::{AppError, TierSpec};
    use crate::server::state::AppState;

    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            fail(
                AppError::Internal,
                "AppState missing from server function context",
            )
        })
    }

    /// The state and the tier named in the request; an unknown tier is "not found", never
    /// a fallback, and so is a protected tier this browser has not unlocked: a locked tier
    /// answers exactly like one that does not exist.
    pub async fn in_tier(name: &str) -> Result<(AppState, &'static TierSpec), AppError> {
        let state = state()?;
        let tier = TierSpec::find(name).ok_or_else(|| fail(AppError::NotFound, "unknown tier"))?;
        let headers = use_context::<axum::http::request::Parts>()
            .map(|parts| parts.headers)
            .unwrap_or_default();
        match state.gate.admits(&state.db, tier.name, &headers).await {
            Ok(true) => Ok((state, tier)),
            Ok(false) => Err(fail(AppError::NotFound, "tier locked")),
            Err(e) => {
                let cause = e.to_string();
                Err(fail(e.into(), &cause))
            }
        }
    }

    /// Like [`in_tier`], for what costs money or destroys something: only while the
    /// tier's parent controls are open to this browser (or switched off).
    pub async fn as_parent(name: &str) -> Result<(AppState, &'static TierSpec), AppError> {
        let (state, tier) = in_tier(name).await?;
        if parent_present(&state, tier).await? {
            Ok((state, tier))
        } else {
            Err(fail(AppError::ParentOnly, "parent controls locked"))
        }
    }

    /// Whether this request has the tier's parent controls: what a page shows them by.
    pub async fn parent_present(state: &AppState, tier: &TierSpec) -> Result<bool, AppError> {
        let headers = use_context::<axum::http::request::Parts>()
            .map(|parts| parts.headers)
            .unwrap_or_default();
        answer(
            state
                .gate
                .parent_present(&state.db, tier.name, &headers)
                .await,
        )
    }

    /// A service's answer as the server function returns it: an error becomes an
    /// [`AppError`], its cause is logged once and the response gets the error's status.
    pub fn answer<T, E>(result: Result<T, E>) -> Result<T, AppError>
    where
        E: Into<AppError> + Display,
    {
        result.map_err(|cause| {
            let detail = cause.to_string();
            fail(cause.into(), &detail)
        })
    }

    /// Whether the request being answered is a plain HTML form post.
    fn is_plain_form() -> bool {
        use_context::<axum::http::request::Parts>()
            .is_some_and(|parts| crate::server::web::plain_forms::is_plain_form(&parts.headers))
    }

    /// After a plain HTML form post: the browser is sent on to `url`. The app's own calls
    /// get the answer and move on by themselves.
    pub fn then_go_to(url: &str) {
        if is_plain_form() {
            leptos_axum::redirect(url);
        }
    }

    /// Sets the response status of `error` and logs `cause`: a reader's mistake at info, an
    /// outage at warn, only our own faults at error.
    pub fn fail(error: AppError, cause: &str) -> AppError {
        let status = error.status_code();
        // A plain form post is answered with a redirect back to its page, carrying the
        // error for the page to show; a status here would replace the redirect's.
        let response = use_context::<leptos_axum::ResponseOptions>().filter(|_| !is_plain_form());
        if let Some(response) = response {
            response.set_status(
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
        match status {
            503 => {
                tracing::warn!(status, %cause, "server function: provider or storage unavailable")
            }
            500.. => tracing::error!(status, %cause, "server function failed"),
            _ => tracing::info!(status, %cause, "server function refused the request"),
        }
        error
    }
}
