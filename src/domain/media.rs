//! What a page knows about a scene's generated media: its image and, in video mode, its clip.

use serde::{Deserialize, Serialize};

/// none → pending → generating → complete | failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaStatus {
    Pending,
    Generating,
    Complete,
    Failed,
}

impl MediaStatus {
    pub fn parse(s: &str) -> Option<MediaStatus> {
        match s {
            "pending" => Some(MediaStatus::Pending),
            "generating" => Some(MediaStatus::Generating),
            "complete" => Some(MediaStatus::Complete),
            "failed" => Some(MediaStatus::Failed),
            _ => None,
        }
    }

    /// Polling stops once the status is final.
    pub fn is_final(self) -> bool {
        matches!(self, MediaStatus::Complete | MediaStatus::Failed)
    }
}

/// Which of a scene's media a request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Image,
    Video,
}

impl MediaKind {
    /// As stored in the `media.kind` column.
    pub fn key(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
        }
    }
}

/// Video mode of a story (FR-024), fixed at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VideoMode {
    Off,
    On,
    /// Asked for, but no xAI key is configured: the story has pictures only.
    Unavailable,
}

impl VideoMode {
    pub fn key(self) -> &'static str {
        match self {
            VideoMode::Off => "off",
            VideoMode::On => "on",
            VideoMode::Unavailable => "unavailable",
        }
    }

    /// Unknown values (should not happen) read as off.
    pub fn parse(key: &str) -> VideoMode {
        match key {
            "on" => VideoMode::On,
            "unavailable" => VideoMode::Unavailable,
            _ => VideoMode::Off,
        }
    }
}

/// What the scene page says when video mode was asked for without the xAI key.
pub const VIDEO_UNAVAILABLE_NOTICE: &str = "Video mode needs Grok Imagine, and this server has no xAI key (XAI_API_KEY), so this story has pictures only.";

/// A scene's image or clip as the scene page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaView {
    pub status: MediaStatus,
    /// Tier-scoped URL of the file once complete.
    pub url: Option<String>,
    /// Plain-words reason when failed.
    pub error: Option<String>,
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
        for m in [VideoMode::Off, VideoMode::On, VideoMode::Unavailable] {
            assert_eq!(VideoMode::parse(m.key()), m);
        }
        assert_eq!(VideoMode::parse("bogus"), VideoMode::Off);
    }
}
