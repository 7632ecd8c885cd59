//! The providers the simulator plays and the kinds of model they serve, by the names their
//! APIs and the simulator's control routes use.

/// A simulated provider; its API lives under `path()` on the simulator's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Provider {
    OpenAi,
    Anthropic,
    Xai,
    Gemini,
}

impl Provider {
    pub const ALL: [Provider; 4] = [
        Provider::OpenAi,
        Provider::Anthropic,
        Provider::Xai,
        Provider::Gemini,
    ];

    /// How the control routes and the statistics name the provider.
    pub fn key(self) -> &'static str {
        match self {
            Provider::OpenAi => "openai",
            Provider::Anthropic => "anthropic",
            Provider::Xai => "xai",
            Provider::Gemini => "gemini",
        }
    }

    /// Where the provider's API starts on the simulator, as its real base URL's path does.
    pub fn path(self) -> &'static str {
        match self {
            Provider::OpenAi => "/openai/v1",
            Provider::Anthropic => "/anthropic/v1",
            Provider::Xai => "/xai/v1",
            Provider::Gemini => "/gemini/v1beta",
        }
    }
}

/// What a model makes: a model asked to make another kind is refused with a 400.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelKind {
    Text,
    Image,
    Video,
    SpeechToText,
    TextToSpeech,
}
