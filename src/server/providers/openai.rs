//! OpenAI: pictures (generations and edits) and speech to text (text streams: `stream.rs`).

use serde_json::{json, Value};

use super::http::{Auth, Call};
use super::{ProviderError, ReferenceImage};
use crate::domain::aspect::AspectRatio;
use crate::domain::ImageModelSpec;

/// A JPEG at quality 90: a tenth of the PNG the API sends by default (1.5–3 MB), no
/// visible loss even in print; the light copies for phones are made from it.
const OUTPUT_FORMAT: &str = "jpeg";
const OUTPUT_COMPRESSION: u8 = 90;

/// GPT image models always answer base64 (they take no `response_format`).
pub(crate) async fn generate_image(
    call: &Call<'_>,
    model: &ImageModelSpec,
    prompt: &str,
    aspect: AspectRatio,
) -> Result<Vec<u8>, ProviderError> {
    let body = json!({
        "model": model.api_model, "prompt": prompt, "n": 1, "size": aspect.openai_size(),
        "quality": model.quality,
        "output_format": OUTPUT_FORMAT, "output_compression": OUTPUT_COMPRESSION,
    });
    let answer = call
        .post_json("/images/generations", Auth::Bearer, &body)
        .await?;
    b64_image(call, &answer)
}

/// With reference photos: the images edits endpoint, multipart, the photos as `image[]`.
/// `input_fidelity=high` keeps faces closer on the models that take it; others refuse or
/// ignore it, so it is sent only where the catalogue says so.
pub(crate) async fn edit_image(
    call: &Call<'_>,
    model: &ImageModelSpec,
    prompt: &str,
    aspect: AspectRatio,
    references: &[ReferenceImage],
) -> Result<Vec<u8>, ProviderError> {
    use reqwest::multipart::{Form, Part};
    let mut form = Form::new()
        .text("model", model.api_model)
        .text("prompt", prompt.to_owned())
        .text("n", "1")
        .text("size", aspect.openai_size())
        .text("quality", model.quality)
        .text("output_format", OUTPUT_FORMAT)
        .text("output_compression", OUTPUT_COMPRESSION.to_string());
    if model.supports_input_fidelity {
        form = form.text("input_fidelity", "high");
    }
    for photo in references {
        let part = Part::bytes(photo.bytes.clone())
            .file_name(photo.file_name.clone())
            .mime_str(photo.mime)
            .map_err(|e| call.bad_response(format!("bad reference type: {e}")))?;
        form = form.part("image[]", part);
    }
    let answer = call
        .post_multipart("/images/edits", Auth::Bearer, form)
        .await?;
    b64_image(call, &answer)
}

/// Speech to text: `POST /audio/transcriptions`, multipart, the audio under `file` with a
/// file name whose extension names its format; the answer is `{text}`.
pub(crate) async fn transcribe(
    call: &Call<'_>,
    model: &str,
    audio: &super::SpeechAudio,
) -> Result<String, ProviderError> {
    use reqwest::multipart::{Form, Part};
    let part = Part::bytes(audio.bytes.clone())
        .file_name(audio.file_name.clone())
        .mime_str(audio.mime)
        .map_err(|e| call.bad_response(format!("bad audio type: {e}")))?;
    let form = Form::new()
        .text("model", model.to_owned())
        .text("response_format", "json")
        .part("file", part);
    let answer = call
        .post_multipart("/audio/transcriptions", Auth::Bearer, form)
        .await?;
    answer
        .get("text")
        .and_then(Value::as_str)
        .map(|text| text.trim().to_owned())
        .ok_or_else(|| call.bad_response("no text in the transcription answer"))
}

fn b64_image(call: &Call<'_>, answer: &Value) -> Result<Vec<u8>, ProviderError> {
    let data = answer
        .pointer("/data/0/b64_json")
        .and_then(Value::as_str)
        .ok_or_else(|| call.bad_response("no data[0].b64_json in the answer"))?;
    super::decode_base64(call, data)
}
