//! Named points between the steps of the media jobs, where a crash test can stop the
//! process. With `CYOA_PAUSE_AT=<point>` the job that reaches that point writes
//! `DATA_DIR/paused-at-<point>` and waits forever, so a harness can SIGKILL the process at
//! exactly that boundary and check what a restart makes of it. Unset (always, outside such
//! tests), a point costs one environment lookup. With `CYOA_HOLD_AT=<point>` the job writes
//! `DATA_DIR/held-at-<point>` and goes on after `CYOA_HOLD_MS` (default 3000): a harness can
//! do something else meanwhile (start another instance) and see the job finish.

use std::path::Path;

/// The boundaries, in the order a picture and then its clip pass them.
pub const POINTS: &[&str] = &[
    "picture_claimed",
    "picture_stored",
    "clip_claimed",
    "clip_submitting",
    "clip_submitted",
    "clip_id_stored",
    "clip_writing",
    "clip_stored",
];

pub(super) async fn reached(point: &'static str, data_dir: &Path) {
    if std::env::var("CYOA_HOLD_AT").ok().as_deref() == Some(point) {
        let ms = std::env::var("CYOA_HOLD_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(3000);
        tracing::warn!(point, ms, "held for a crash test (CYOA_HOLD_AT)");
        let _ = tokio::fs::write(data_dir.join(format!("held-at-{point}")), b"").await;
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        return;
    }
    if std::env::var("CYOA_PAUSE_AT").ok().as_deref() != Some(point) {
        return;
    }
    tracing::warn!(point, "paused for a crash test (CYOA_PAUSE_AT)");
    let _ = tokio::fs::write(data_dir.join(format!("paused-at-{point}")), b"").await;
    std::future::pending::<()>().await;
}
