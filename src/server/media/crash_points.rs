//! Named points between the steps of the media jobs, where a crash test can stop the
//! process. With `CYOA_PAUSE_AT=<point>` the job that reaches that point writes
//! `DATA_DIR/paused-at-<point>` and waits forever, so a harness can SIGKILL the process at
//! exactly that boundary and check what a restart makes of it. Unset (always, outside such
//! tests), a point costs one environment lookup.

use std::path::Path;

/// The boundaries, in the order a picture and then its clip pass them.
pub const POINTS: &[&str] = &[
    "picture_claimed",
    "picture_stored",
    "clip_claimed",
    "clip_submitting",
    "clip_submitted",
    "clip_id_stored",
    "clip_stored",
];

pub(super) async fn reached(point: &'static str, data_dir: &Path) {
    if std::env::var("CYOA_PAUSE_AT").ok().as_deref() != Some(point) {
        return;
    }
    tracing::warn!(point, "paused for a crash test (CYOA_PAUSE_AT)");
    let _ = tokio::fs::write(data_dir.join(format!("paused-at-{point}")), b"").await;
    std::future::pending::<()>().await;
}
