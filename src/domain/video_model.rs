//! Registry of the video models a clip can be made with (spec FR-015): data, like the image
//! models. Grok Imagine is the only one today; a second is one row plus, if its API differs,
//! one provider function.

use super::aspect::AspectRatio;
use super::Provider;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoModelSpec {
    /// Stable key stored on the clip's media row.
    pub key: &'static str,
    pub display_name: &'static str,
    pub provider: Provider,
    /// Model id sent to the provider's API.
    pub api_model: &'static str,
    /// Clip length asked for (the API takes up to 10 s here).
    pub clip_seconds: u32,
    pub resolution: &'static str,
    /// Square, like the scene pictures the clips start from.
    pub aspect: AspectRatio,
}

pub const VIDEO_MODELS: &[VideoModelSpec] = &[VideoModelSpec {
    key: "grok-imagine-video",
    display_name: "Grok Imagine",
    provider: Provider::Xai,
    api_model: "grok-imagine-video",
    clip_seconds: 8,
    resolution: "720p",
    aspect: AspectRatio::Square,
}];

impl VideoModelSpec {
    /// The model every clip of a video-mode story is made with.
    pub fn default_model() -> &'static VideoModelSpec {
        &VIDEO_MODELS[0]
    }

    /// The model a stored clip was made with; an unknown key (from an older release) is the
    /// default model.
    pub fn for_clip(key: &str) -> &'static VideoModelSpec {
        VIDEO_MODELS
            .iter()
            .find(|m| m.key == key)
            .unwrap_or_else(|| VideoModelSpec::default_model())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_are_short_and_known_keys_resolve() {
        for m in VIDEO_MODELS {
            assert!(m.clip_seconds > 0 && m.clip_seconds <= 10);
            assert_eq!(VideoModelSpec::for_clip(m.key), m);
        }
        assert_eq!(
            VideoModelSpec::for_clip("gone"),
            VideoModelSpec::default_model()
        );
    }
}
