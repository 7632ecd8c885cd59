//! The built-in video models a clip can be made with: the catalogue's first
//! rows, like the image models. Grok Imagine is the only one today; a second is one row plus,
//! if its API differs, one provider function. Where the id comes from: `docs/models.md`.

use super::aspect::AspectRatio;
use super::catalogue::Lifecycle;
use super::Provider;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoModelSpec {
    /// Stable key stored on the clip's media row.
    pub key: &'static str,
    pub display_name: &'static str,
    pub provider: Provider,
    /// Model id sent to the provider's API.
    pub api_model: &'static str,
    /// Clip length asked for.
    pub clip_seconds: u32,
    pub resolution: &'static str,
    /// Square, like the scene pictures the clips start from.
    pub aspect: AspectRatio,
    /// The API makes a soundtrack unless told not to (`generate_audio`); each tier says
    /// whether its clips have one (`TierSpec::clip_sound`).
    pub makes_sound: bool,
    pub life: Lifecycle,
}

pub const VIDEO_MODELS: &[VideoModelSpec] = &[VideoModelSpec {
    key: "grok-imagine-video",
    display_name: "Grok Imagine",
    provider: Provider::Xai,
    api_model: "grok-imagine-video-1.5",
    clip_seconds: 8,
    resolution: "720p",
    aspect: AspectRatio::Square,
    makes_sound: true,
    life: Lifecycle::CURRENT,
}];

/// The model every clip of a video-mode story is made with (and the one a clip whose key
/// is unknown, from an older release, shows as).
pub const DEFAULT_KEY: &str = "grok-imagine-video";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_are_short_and_the_default_is_a_row() {
        for m in VIDEO_MODELS {
            assert!(m.clip_seconds > 0 && m.clip_seconds <= 10);
        }
        assert!(VIDEO_MODELS.iter().any(|m| m.key == DEFAULT_KEY));
    }
}
