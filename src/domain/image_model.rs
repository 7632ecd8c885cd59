//! Registry of the image models a story can be illustrated with (spec FR-001). Adding a
//! model is one row here plus, if its API differs, one provider function.

use super::Provider;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageModelSpec {
    /// Stable key stored on the story: the spec's keys.
    pub key: &'static str,
    pub display_name: &'static str,
    pub provider: Provider,
    /// Model id sent to the provider's API.
    pub api_model: &'static str,
    /// Reference photos can be sent with a generation.
    pub supports_references: bool,
    /// OpenAI's `input_fidelity=high` is accepted (not on gpt-image-1-mini: a 400 there).
    pub supports_input_fidelity: bool,
    pub max_reference_images: usize,
    /// The trade-off in a few plain words (speed, cost, family photos), on the start form.
    pub hint: &'static str,
}

pub const IMAGE_MODELS: &[ImageModelSpec] = &[
    ImageModelSpec {
        key: "gpt-image-1-mini",
        display_name: "GPT Image 1 Mini",
        provider: Provider::OpenAi,
        api_model: "gpt-image-1-mini",
        supports_references: true,
        supports_input_fidelity: false,
        max_reference_images: 16,
        hint: "fastest and cheapest; good everyday pictures; uses family photos",
    },
    ImageModelSpec {
        key: "gpt-image-1",
        display_name: "GPT Image 1",
        provider: Provider::OpenAi,
        api_model: "gpt-image-1",
        supports_references: true,
        supports_input_fidelity: true,
        max_reference_images: 16,
        hint: "standard quality and price; uses family photos",
    },
    ImageModelSpec {
        key: "gpt-image-1.5",
        display_name: "GPT Image 1.5",
        provider: Provider::OpenAi,
        api_model: "gpt-image-1.5",
        supports_references: true,
        supports_input_fidelity: true,
        max_reference_images: 16,
        hint: "premium: the most detailed pictures, slower and costs the most; uses family photos",
    },
    ImageModelSpec {
        key: "grok-imagine",
        display_name: "Grok Imagine",
        provider: Provider::Xai,
        api_model: "grok-imagine-image",
        supports_references: true,
        supports_input_fidelity: false,
        max_reference_images: 3,
        hint: "quick, mid-priced; up to 3 family photos",
    },
    ImageModelSpec {
        key: "gemini",
        display_name: "Gemini",
        provider: Provider::Gemini,
        api_model: "gemini-2.5-flash-image",
        supports_references: true,
        supports_input_fidelity: false,
        max_reference_images: 3,
        hint: "quick and low-cost; up to 3 family photos",
    },
];

/// The model a story shows when its stored key is missing or from an older release
/// (such as `dalle`): those stories were illustrated by OpenAI.
const LEGACY_DEFAULT: &str = "gpt-image-1";

impl ImageModelSpec {
    pub fn find(key: &str) -> Option<&'static ImageModelSpec> {
        IMAGE_MODELS.iter().find(|m| m.key == key)
    }

    /// The models whose provider is configured, in registry order.
    pub fn available(configured: &[Provider]) -> Vec<&'static ImageModelSpec> {
        IMAGE_MODELS
            .iter()
            .filter(|m| configured.contains(&m.provider))
            .collect()
    }

    /// FR-005: GPT Image 1 when OpenAI is configured, else the first available model.
    pub fn default_for(configured: &[Provider]) -> Option<&'static ImageModelSpec> {
        let available = ImageModelSpec::available(configured);
        available
            .iter()
            .find(|m| m.key == LEGACY_DEFAULT)
            .or(available.first())
            .copied()
    }

    /// The model a stored story displays; unknown and legacy keys show as GPT Image 1.
    pub fn for_story(stored: Option<&str>) -> &'static ImageModelSpec {
        stored
            .and_then(ImageModelSpec::find)
            .or_else(|| ImageModelSpec::find(LEGACY_DEFAULT))
            .unwrap_or(&IMAGE_MODELS[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_five_models_with_all_keys_and_only_openai_three_with_its_key() {
        assert_eq!(ImageModelSpec::available(&Provider::ALL).len(), 5);
        let openai: Vec<_> = ImageModelSpec::available(&[Provider::OpenAi])
            .iter()
            .map(|m| m.key)
            .collect();
        assert_eq!(openai, ["gpt-image-1-mini", "gpt-image-1", "gpt-image-1.5"]);
    }

    #[test]
    fn default_is_gpt_image_1_when_openai_is_configured_else_first_available() {
        let key = |c: &[Provider]| ImageModelSpec::default_for(c).map(|m| m.key);
        assert_eq!(key(&Provider::ALL), Some("gpt-image-1"));
        assert_eq!(
            key(&[Provider::Gemini, Provider::Xai]),
            Some("grok-imagine")
        );
        assert_eq!(key(&[Provider::Anthropic]), None);
    }

    #[test]
    fn legacy_and_unknown_keys_display_as_gpt_image_1() {
        assert_eq!(
            ImageModelSpec::for_story(Some("dalle")).display_name,
            "GPT Image 1"
        );
        assert_eq!(ImageModelSpec::for_story(None).display_name, "GPT Image 1");
        assert_eq!(
            ImageModelSpec::for_story(Some("gemini")).display_name,
            "Gemini"
        );
    }

    #[test]
    fn only_gpt_image_1_and_1_5_take_input_fidelity() {
        let with: Vec<_> = IMAGE_MODELS
            .iter()
            .filter(|m| m.supports_input_fidelity)
            .map(|m| m.key)
            .collect();
        assert_eq!(with, ["gpt-image-1", "gpt-image-1.5"]);
    }
}
