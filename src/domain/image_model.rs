//! The built-in image models a story can be illustrated with: the catalogue's first rows
//! (the owner's `[models]` settings change them without a rebuild). Adding a model is one row
//! here plus, if its API differs, one provider function. Where each id and date comes from:
//! `docs/models.md`.

use super::catalogue::Lifecycle;
use super::Provider;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageModelSpec {
    /// Stable key stored on the story: the spec's keys.
    pub key: &'static str,
    pub display_name: &'static str,
    pub provider: Provider,
    /// Model id sent to the provider's API.
    pub api_model: &'static str,
    /// OpenAI's `quality` (`low`, `medium`, `high`, `auto`): the price and detail of a
    /// picture, so one model can fill the quick and the standard slot. Others ignore it.
    pub quality: &'static str,
    /// Reference photos can be sent with a generation.
    pub supports_references: bool,
    /// OpenAI's `input_fidelity=high` is accepted: documented for GPT Image 1 and 1.5 (a 400
    /// on 1 Mini); GPT Image 2 and later ignore it, so it is not sent to them.
    pub supports_input_fidelity: bool,
    pub max_reference_images: usize,
    /// The trade-off in a few plain words (speed, cost, family photos), on the start form.
    pub hint: &'static str,
    pub life: Lifecycle,
}

pub const IMAGE_MODELS: &[ImageModelSpec] = &[
    ImageModelSpec {
        key: "gpt-image-quick",
        display_name: "GPT Image Quick",
        provider: Provider::OpenAi,
        api_model: "gpt-image-2.6-flare",
        quality: "low",
        supports_references: true,
        supports_input_fidelity: false,
        max_reference_images: 16,
        hint: "fastest and cheapest; good everyday pictures; uses family photos",
        life: Lifecycle::CURRENT,
    },
    ImageModelSpec {
        key: "gpt-image",
        display_name: "GPT Image",
        provider: Provider::OpenAi,
        api_model: "gpt-image-2.6-flare",
        quality: "medium",
        supports_references: true,
        supports_input_fidelity: false,
        max_reference_images: 16,
        hint: "standard quality and price; uses family photos",
        life: Lifecycle::CURRENT,
    },
    ImageModelSpec {
        key: "gpt-image-detailed",
        display_name: "GPT Image Detailed",
        provider: Provider::OpenAi,
        api_model: "gpt-image-2.6-sunburst",
        quality: "high",
        supports_references: true,
        supports_input_fidelity: false,
        max_reference_images: 16,
        hint: "premium: the most detailed pictures, slower and costs the most; uses family photos",
        life: Lifecycle::CURRENT,
    },
    ImageModelSpec {
        key: "grok-imagine",
        display_name: "Grok Imagine",
        provider: Provider::Xai,
        api_model: "grok-imagine-image-2.0",
        quality: "medium",
        supports_references: true,
        supports_input_fidelity: false,
        max_reference_images: 3,
        hint: "quick, mid-priced; up to 3 family photos",
        life: Lifecycle::CURRENT,
    },
    ImageModelSpec {
        key: "gemini",
        display_name: "Gemini",
        provider: Provider::Gemini,
        api_model: "gemini-3.1-flash-image",
        quality: "medium",
        supports_references: true,
        supports_input_fidelity: false,
        max_reference_images: 3,
        hint: "quick and low-cost; up to 3 family photos",
        life: Lifecycle::CURRENT,
    },
    gone(
        "gpt-image-1-mini",
        "GPT Image 1 Mini",
        "2026-12-01",
        "gpt-image-quick",
    ),
    gone("gpt-image-1", "GPT Image 1", "2026-10-23", "gpt-image"),
    gone(
        "gpt-image-1.5",
        "GPT Image 1.5",
        "2026-12-01",
        "gpt-image-detailed",
    ),
];

/// An OpenAI model kept so the stories made with it say so and continue with `successor`.
const fn gone(
    key: &'static str,
    display_name: &'static str,
    retires: &'static str,
    successor: &'static str,
) -> ImageModelSpec {
    ImageModelSpec {
        key,
        display_name,
        provider: Provider::OpenAi,
        api_model: key,
        quality: "medium",
        supports_references: true,
        supports_input_fidelity: false,
        max_reference_images: 16,
        hint: "",
        life: Lifecycle {
            retires: Some(retires),
            successor: Some(successor),
            hidden: false,
        },
    }
}

/// The key a story shows when its stored key is missing or from an older release (such as
/// `dalle`): those stories were illustrated by OpenAI's model of the time.
pub const LEGACY_KEY: &str = "gpt-image-1";

/// The model a new story gets when the reader picks none and OpenAI is configured.
pub const DEFAULT_KEY: &str = "gpt-image";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_slots_are_filled_by_current_models() {
        let current: Vec<_> = IMAGE_MODELS
            .iter()
            .filter(|m| m.life.retires.is_none())
            .map(|m| m.key)
            .collect();
        assert_eq!(
            current,
            [
                "gpt-image-quick",
                "gpt-image",
                "gpt-image-detailed",
                "grok-imagine",
                "gemini"
            ]
        );
        assert!(current.contains(&DEFAULT_KEY));
        assert!(IMAGE_MODELS.iter().any(|m| m.key == LEGACY_KEY));
    }
}
