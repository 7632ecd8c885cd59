//! Registry of the text models a story can be written with. Adding a model is one row.

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
}

pub const TEXT_MODELS: &[TextModelSpec] = &[
    TextModelSpec {
        key: "claude-sonnet-4-5",
        display_name: "Claude Sonnet 4.5",
        provider: Provider::Anthropic,
        api_model: "claude-sonnet-4-5",
        hint: "rich, careful storytelling; a few seconds per scene",
    },
    TextModelSpec {
        key: "gpt-4.1",
        display_name: "GPT-4.1",
        provider: Provider::OpenAi,
        api_model: "gpt-4.1",
        hint: "lively and reliable; a few seconds per scene",
    },
    TextModelSpec {
        key: "grok-4",
        display_name: "Grok 4",
        provider: Provider::Xai,
        api_model: "grok-4",
        hint: "playful and bold; can take longer per scene",
    },
    TextModelSpec {
        key: "gemini-2.5-flash",
        display_name: "Gemini 2.5 Flash",
        provider: Provider::Gemini,
        api_model: "gemini-2.5-flash",
        hint: "quickest and cheapest; simpler prose",
    },
];

impl TextModelSpec {
    pub fn find(key: &str) -> Option<&'static TextModelSpec> {
        TEXT_MODELS.iter().find(|m| m.key == key)
    }

    /// The models whose provider is configured, in registry order.
    pub fn available(configured: &[Provider]) -> Vec<&'static TextModelSpec> {
        TEXT_MODELS
            .iter()
            .filter(|m| configured.contains(&m.provider))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique() {
        for (i, a) in TEXT_MODELS.iter().enumerate() {
            for b in &TEXT_MODELS[i + 1..] {
                assert_ne!(a.key, b.key);
            }
        }
    }

    #[test]
    fn only_models_of_configured_providers_are_available() {
        let only_openai = TextModelSpec::available(&[Provider::OpenAi]);
        assert_eq!(only_openai.len(), 1);
        assert_eq!(only_openai[0].key, "gpt-4.1");
        assert!(TextModelSpec::available(&[]).is_empty());
        assert_eq!(
            TextModelSpec::available(&Provider::ALL).len(),
            TEXT_MODELS.len()
        );
    }
}
