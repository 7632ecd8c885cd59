//! Voice input: a recording from a browser without speech recognition of its own, turned
//! into text for the idea field.

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

use crate::domain::AppError;

#[cfg(feature = "ssr")]
use super::context;

/// The path of [`transcribe_speech`]; the upload guard in front of it checks the framing
/// and the declared size.
pub const TRANSCRIBE_PATH: &str = "/api/transcribe";

/// The words in a recording: a multipart form with `tier` and `audio` (the file, named
/// `speech.webm` or the like). Refused past 10 MB; the audio is never stored.
#[server(endpoint = "transcribe", input = MultipartFormData)]
pub async fn transcribe_speech(data: MultipartData) -> Result<String, AppError> {
    use crate::server::voice;
    let form = context::answer(voice::read(data).await)?;
    let (state, _tier) = context::in_tier(&form.tier).await?;
    context::answer(voice::transcribe(&state, &form.audio).await)
}
