//! Plain axum routes beside the Leptos ones.

use axum::routing::get;
use axum::Router;

use crate::server::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(|| async { "ok" }))
}
