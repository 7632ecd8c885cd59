//! Server functions, grouped by page concern. They stay thin: parse the input, call a
//! service under `server/`, and turn its error into words for the reader.

pub mod profiles;
pub mod site;
pub mod story;

#[cfg(feature = "ssr")]
mod context {
    use leptos::prelude::use_context;

    use crate::domain::{AppError, TierSpec};
    use crate::server::state::AppState;

    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from server function context");
            AppError::Internal
        })
    }

    /// The tier named in the URL; an unknown tier is "not found", never a fallback.
    pub fn tier(name: &str) -> Result<&'static TierSpec, AppError> {
        TierSpec::find(name).ok_or(AppError::NotFound)
    }
}
