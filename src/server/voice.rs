//! Voice input's server side: recorded speech from a browser without
//! speech recognition of its own, read with a size cap and turned into text by the
//! transcription provider. The audio lives only in memory for the call: it is never
//! written to disk and never logged (only its size is).

use leptos::server_fn::codec::MultipartData;

use crate::domain::voice::MAX_SPEECH_BYTES;
use crate::domain::AppError;
use crate::server::providers::{ProviderError, SpeechAudio};
use crate::server::state::AppState;

/// Text fields are a tier name: anything longer is not one of ours.
const FIELD_MAX: usize = 64;

#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    #[error("the recording could not be read: {0}")]
    BadUpload(String),
    #[error("the recording is over the size limit")]
    TooLarge,
    #[error("the form has no recording")]
    NoAudio,
    #[error("the recording is in a format we do not know ({0})")]
    UnknownFormat(String),
    #[error("no transcription service is configured")]
    NotConfigured,
    #[error("the transcription model was retired by its provider")]
    ModelRetired,
    #[error("transcription failed: {0}")]
    Provider(#[from] ProviderError),
}

impl From<VoiceError> for AppError {
    fn from(err: VoiceError) -> AppError {
        match err {
            VoiceError::BadUpload(_) | VoiceError::NoAudio | VoiceError::UnknownFormat(_) => {
                AppError::Invalid(
                    "The recording could not be read. Please try again, or type the idea."
                        .into(),
                )
            }
            VoiceError::TooLarge => AppError::Invalid(format!(
                "That recording is too long (over {} MB). Please say the idea in under a minute.",
                MAX_SPEECH_BYTES / (1024 * 1024)
            )),
            VoiceError::ModelRetired => AppError::Unavailable(
                "The speech-to-text model was retired by its maker. Please press the microphone again, or type the idea.".into(),
            ),
            VoiceError::NotConfigured => AppError::Invalid(
                "Speech to text is not available on this server. Please type the idea.".into(),
            ),
            // The service could not hear anything in it: the recording, not the service.
            VoiceError::Provider(ProviderError::Rejected { status: 400, .. }) => {
                AppError::Invalid(
                    "We could not make out any words in that recording. Nothing you typed is lost — press the microphone to try again, or type the idea."
                        .into(),
                )
            }
            VoiceError::Provider(e) => AppError::Unavailable(format!(
                "{} Nothing you typed is lost — press the microphone to try again, or type the idea.",
                e.user_message()
            )),
        }
    }
}

/// The voice form: the tier it was sent from and the recording.
pub struct SpeechForm {
    pub tier: String,
    pub audio: SpeechAudio,
}

/// Reads the form, counting the recording's bytes as they arrive and refusing it once it
/// passes the cap.
pub async fn read(data: MultipartData) -> Result<SpeechForm, VoiceError> {
    let mut multipart = data
        .into_inner()
        .ok_or_else(|| VoiceError::BadUpload("no multipart body".into()))?;
    let bad = |e: &dyn std::fmt::Display| VoiceError::BadUpload(e.to_string());
    let (mut tier, mut audio) = (String::new(), None);
    while let Some(mut field) = multipart.next_field().await.map_err(|e| bad(&e))? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().unwrap_or_default().to_owned();
        let limit = if name == "audio" {
            MAX_SPEECH_BYTES
        } else {
            FIELD_MAX
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| bad(&e))? {
            if bytes.len() + chunk.len() > limit {
                return Err(if name == "audio" {
                    VoiceError::TooLarge
                } else {
                    VoiceError::BadUpload(format!("field {name} is too long"))
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "audio" => audio = Some((file_name, bytes)),
            "tier" => tier = String::from_utf8_lossy(&bytes).into_owned(),
            _ => {}
        }
    }
    let (file_name, bytes) = audio
        .filter(|(_, b)| !b.is_empty())
        .ok_or(VoiceError::NoAudio)?;
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let mime = match extension.as_str() {
        "webm" => "audio/webm",
        "ogg" | "oga" => "audio/ogg",
        "mp4" | "m4a" => "audio/mp4",
        "wav" => "audio/wav",
        "mp3" => "audio/mpeg",
        other => return Err(VoiceError::UnknownFormat(other.to_owned())),
    };
    Ok(SpeechForm {
        tier,
        audio: SpeechAudio {
            bytes,
            file_name: format!("speech.{extension}"),
            mime,
        },
    })
}

/// The words spoken in `audio`.
pub async fn transcribe(state: &AppState, audio: &SpeechAudio) -> Result<String, VoiceError> {
    let configured = state.providers.configured();
    let model = state
        .models
        .speech_to_text(&configured)
        .ok_or(VoiceError::NotConfigured)?;
    let client = state
        .providers
        .client_for_text(model.provider)
        .ok_or(VoiceError::NotConfigured)?;
    tracing::info!(bytes = audio.bytes.len(), format = %audio.file_name, model = model.api_model, "transcribing speech");
    match client.transcribe(model.api_model, audio).await {
        Err(ProviderError::ModelGone { .. }) => {
            // Not offered from now on; the next recording goes to its successor, if any.
            state.models.mark_gone(model.provider, model.api_model);
            Err(VoiceError::ModelRetired)
        }
        other => Ok(other?),
    }
}
