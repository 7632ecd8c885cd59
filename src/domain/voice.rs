//! Voice input's limits, shared by the browser (which stops recording) and the server
//! (which refuses anything larger).

/// A recording stops by itself after this long.
pub const MAX_RECORDING_SECONDS: u32 = 60;
/// ... or after this long without sound.
pub const SILENCE_STOP_SECONDS: u32 = 10;
/// The largest recording the server takes: a minute of Opus is well under 1 MB; this
/// leaves room for browsers that record less compactly.
pub const MAX_SPEECH_BYTES: usize = 10 * 1024 * 1024;

/// The built-in speech-to-text models (voice input where the browser cannot listen): the
/// catalogue's first rows. Where each id and date comes from: `docs/models.md`.
pub const SPEECH_MODELS: &[super::catalogue::SpeechModelSpec] = &[
    super::catalogue::SpeechModelSpec {
        key: "openai-transcribe",
        display_name: "GPT Transcribe",
        provider: super::Provider::OpenAi,
        api_model: "gpt-transcribe",
        life: super::catalogue::Lifecycle::CURRENT,
    },
    super::catalogue::SpeechModelSpec {
        key: "gpt-4o-mini-transcribe",
        display_name: "GPT-4o mini Transcribe",
        provider: super::Provider::OpenAi,
        api_model: "gpt-4o-mini-transcribe",
        life: super::catalogue::Lifecycle {
            retires: Some("2027-02-26"),
            successor: Some("openai-transcribe"),
            hidden: false,
        },
    },
];
