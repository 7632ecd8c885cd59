//! What a page knows about a scene's generated media: its image and, in video mode, its clip.

use serde::{Deserialize, Serialize};

use super::keyed::keyed_enum;

keyed_enum! {
    /// none → pending → generating → complete | failed.
    pub enum MediaStatus {
        Pending = "pending",
        Generating = "generating",
        Complete = "complete",
        Failed = "failed",
    }
}

impl MediaStatus {
    /// Polling stops once the status is final.
    pub fn is_final(self) -> bool {
        matches!(self, MediaStatus::Complete | MediaStatus::Failed)
    }
}

keyed_enum! {
    /// Which of a scene's media a request is about (the `media.kind` column).
    pub enum MediaKind {
        Image = "image",
        Video = "video",
    }
}

keyed_enum! {
    /// Video mode of a story, fixed at start.
    pub enum VideoMode {
        Off = "off",
        On = "on",
        /// Asked for, but no xAI key is configured: the story has pictures only.
        Unavailable = "unavailable",
    }
}

/// A clip cut off by a restart between "submitting" and storing its request id. Grok Imagine
/// offers no way to find an order already placed (no list of orders, no idempotency key;
/// `docs/models.md`), so Retry orders it again, and says so before it is pressed.
pub const INTERRUPTED_SUBMISSION: &str = "The server stopped while this clip was being ordered, and Grok Imagine cannot tell us whether the order arrived. Ordering it again may cost a second clip.";

/// What the scene page says when video mode was asked for and no video model can be used
/// (no xAI key, or xAI no longer lists the model).
pub const VIDEO_UNAVAILABLE_NOTICE: &str = "Video mode needs Grok Imagine's video model, which this server cannot use (it has no xAI key, XAI_API_KEY, or xAI no longer offers the model), so this story has pictures only.";

/// A scene's image or clip as the scene page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaView {
    pub status: MediaStatus,
    /// Tier-scoped URL of the file once complete.
    pub url: Option<String>,
    /// Plain-words reason when failed.
    pub error: Option<String>,
    /// While it is being made: what is happening right now ("Trying again — 2 of 4").
    #[serde(default)]
    pub progress: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_complete_and_failed_are_final() {
        for (s, fin) in [
            ("pending", false),
            ("generating", false),
            ("complete", true),
            ("failed", true),
        ] {
            assert_eq!(MediaStatus::parse(s).map(MediaStatus::is_final), Some(fin));
        }
        assert_eq!(MediaStatus::parse("none"), None);
    }

    #[test]
    fn video_modes_round_trip() {
        for m in VideoMode::ALL {
            assert_eq!(VideoMode::parse(m.key()), Some(*m));
        }
        assert_eq!(VideoMode::parse("bogus"), None);
    }
}
