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
        /// A finished story's book cover: one per story, on the row of its first scene.
        Cover = "cover",
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
    /// A finished picture: what it was drawn with, for "About this picture".
    #[serde(default)]
    pub drawn_with: Option<DrawnWith>,
}

/// What a picture was drawn with so that faces stay the same from scene to scene: the
/// reference images sent with its request (the picture before it on the reader's path, the
/// characters' photos), and why one the reader might expect was not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawnWith {
    pub references: Vec<SentReference>,
    /// In plain words, why the picture before was not sent ("was not ready in time").
    #[serde(default)]
    pub note: Option<String>,
}

/// One reference image of a picture request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentReference {
    /// Said to a grown-up: "the picture of scene 2", "Mia's photo".
    pub label: String,
    /// The bytes' fingerprint (`imaging::fingerprint`), to tell which file went.
    pub fingerprint: String,
}

impl DrawnWith {
    /// The badge's question: was the picture drawn to look like earlier ones or like people?
    pub fn keeps_faces(&self) -> bool {
        !self.references.is_empty()
    }

    /// "the picture of scene 2 and Mia's photo"
    pub fn summary(&self) -> String {
        let labels: Vec<&str> = self.references.iter().map(|r| r.label.as_str()).collect();
        match labels.as_slice() {
            [] => String::new(),
            [one] => (*one).to_owned(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    }
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
    fn what_a_picture_was_drawn_with_reads_as_a_sentence() {
        let sent = |label: &str| SentReference {
            label: label.into(),
            fingerprint: "0".into(),
        };
        let mut drawn = DrawnWith::default();
        assert!(!drawn.keeps_faces());
        drawn.references.push(sent("the picture of scene 1"));
        assert_eq!(drawn.summary(), "the picture of scene 1");
        drawn.references.push(sent("Mia's photo"));
        drawn.references.push(sent("Leo's photo"));
        assert_eq!(
            drawn.summary(),
            "the picture of scene 1, Mia's photo and Leo's photo"
        );
        assert!(drawn.keeps_faces());
    }

    #[test]
    fn video_modes_round_trip() {
        for m in VideoMode::ALL {
            assert_eq!(VideoMode::parse(m.key()), Some(*m));
        }
        assert_eq!(VideoMode::parse("bogus"), None);
    }
}
