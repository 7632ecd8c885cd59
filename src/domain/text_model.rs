//! The built-in text models a story can be written with: the catalogue's first rows (the
//! owner's `[models]` settings change them without a rebuild). Where each id and date comes
//! from: `docs/models.md`.

use super::catalogue::Lifecycle;
use super::Provider;

/// A text model the reader can choose on the start form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextModelSpec {
    /// Stable key stored on the story and sent by the form.
    pub key: &'static str,
    pub display_name: &'static str,
    pub provider: Provider,
    /// Model id sent to the provider's API.
    pub api_model: &'static str,
    /// The trade-off in a few plain words, shown on the start form.
    pub hint: &'static str,
    pub life: Lifecycle,
}

/// A model kept so the stories made with it say so and continue with `successor`.
const fn gone(
    key: &'static str,
    display_name: &'static str,
    provider: Provider,
    retires: &'static str,
    successor: &'static str,
) -> TextModelSpec {
    TextModelSpec {
        key,
        display_name,
        provider,
        api_model: key,
        hint: "",
        life: Lifecycle {
            retires: Some(retires),
            successor: Some(successor),
            hidden: false,
        },
    }
}

pub const TEXT_MODELS: &[TextModelSpec] = &[
    TextModelSpec {
        key: "claude-sonnet-5-5",
        display_name: "Claude Sonnet 5.5",
        provider: Provider::Anthropic,
        api_model: "claude-sonnet-5-5",
        hint: "rich, careful storytelling; a few seconds per scene",
        life: Lifecycle::CURRENT,
    },
    TextModelSpec {
        key: "gpt-6-luna",
        display_name: "GPT-6 Luna",
        provider: Provider::OpenAi,
        api_model: "gpt-6-luna",
        hint: "lively and reliable; a few seconds per scene",
        life: Lifecycle::CURRENT,
    },
    TextModelSpec {
        key: "grok-4-3",
        display_name: "Grok 4.3",
        provider: Provider::Xai,
        api_model: "grok-4.3",
        hint: "playful and bold; can take longer per scene",
        life: Lifecycle::CURRENT,
    },
    TextModelSpec {
        key: "gemini-flash",
        display_name: "Gemini 3.8 Flash",
        provider: Provider::Gemini,
        api_model: "gemini-3.8-flash",
        hint: "quickest and cheapest; simpler prose",
        life: Lifecycle::CURRENT,
    },
    gone(
        "claude-sonnet-4-5",
        "Claude Sonnet 4.5",
        Provider::Anthropic,
        "2026-11-30",
        "claude-sonnet-5-5",
    ),
    gone(
        "gpt-4.1",
        "GPT-4.1",
        Provider::OpenAi,
        "2027-01-14",
        "gpt-6-luna",
    ),
    gone("grok-4", "Grok 4", Provider::Xai, "2026-05-15", "grok-4-3"),
    gone(
        "gemini-2.5-flash",
        "Gemini 2.5 Flash",
        Provider::Gemini,
        "2026-12-01",
        "gemini-flash",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_current_model_per_provider() {
        for p in Provider::ALL {
            let current = TEXT_MODELS
                .iter()
                .filter(|m| m.provider == p && m.life.retires.is_none())
                .count();
            assert_eq!(current, 1, "{p:?}");
        }
    }
}
