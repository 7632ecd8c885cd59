//! What a page knows about a scene's generated media (image now, video later).

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

/// A scene's image as the scene page shows it.
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
}
