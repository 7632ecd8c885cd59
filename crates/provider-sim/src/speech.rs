//! OpenAI's `POST /audio/transcriptions` (voice input): the same multipart contract, the
//! audio checked to really be audio (a known container and a non-zero duration, as the
//! real API refuses anything else with a 400), and a fixed sentence as the answer, so the
//! whole voice path runs offline and tests know what to expect.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::gate::{gate, invalid_request, SimCall};
use super::image_apis::bearer;
use super::SimState;
use crate::{ModelKind, Provider};

/// What the simulator "hears" in any real recording.
pub const SIM_TRANSCRIPT: &str = "A little fox who wants to find the moon";

/// The real API's upload limit.
const MAX_BYTES: usize = 25 * 1024 * 1024;

pub(crate) async fn openai_transcriptions(
    State(s): State<SimState>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let p = Provider::OpenAi;
    let mut multipart = match multipart {
        Ok(m) => m,
        Err(rejection) => {
            return invalid_request(
                p,
                &format!("This endpoint expects multipart/form-data: {rejection}"),
            )
        }
    };
    let (mut model, mut format, mut file) = (None, None, None);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return invalid_request(p, &format!("Could not parse multipart form: {e}")),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(e) => return invalid_request(p, &format!("Could not read field '{name}': {e}")),
        };
        match name.as_str() {
            "file" => file = Some((file_name.unwrap_or_default(), bytes)),
            "model" => model = Some(String::from_utf8_lossy(&bytes).into_owned()),
            "response_format" => format = Some(String::from_utf8_lossy(&bytes).into_owned()),
            _ => {}
        }
    }
    let invalid = match (&model, &file) {
        (None, _) => Some("Missing required parameter: 'model'.".to_owned()),
        (_, None) => Some("Missing required parameter: 'file'.".to_owned()),
        (_, Some((_, bytes))) if bytes.len() > MAX_BYTES => {
            Some("Maximum content size limit (26214400) exceeded.".to_owned())
        }
        (_, Some((name, bytes))) => audio_problem(name, bytes),
    };
    if let Err(response) = gate(
        &s,
        SimCall {
            provider: p,
            route: "/audio/transcriptions",
            headers: &headers,
            key: bearer(&headers),
            model: model.as_deref().map(|m| (m, ModelKind::SpeechToText)),
            invalid: invalid.as_deref(),
            prompt: "",
        },
    )
    .await
    {
        return response;
    }
    match format.as_deref() {
        Some("text") => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            SIM_TRANSCRIPT,
        )
            .into_response(),
        _ => axum::Json(json!({ "text": SIM_TRANSCRIPT })).into_response(),
    }
}

/// Why the upload is not usable audio, in the words the real API uses; `None` when it is.
fn audio_problem(file_name: &str, bytes: &[u8]) -> Option<String> {
    let known = [
        "flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm",
    ];
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    if !extension.as_deref().is_some_and(|e| known.contains(&e)) {
        return Some(format!(
            "Invalid file format. Supported formats: {}",
            serde_json::to_string(&known).unwrap_or_default()
        ));
    }
    if has_sound(bytes) {
        None
    } else {
        Some("Audio file might be corrupted or unsupported".to_owned())
    }
}

/// A known container holding at least some audio (a non-zero duration).
fn has_sound(bytes: &[u8]) -> bool {
    let find = |needle: &[u8]| bytes.windows(needle.len()).position(|w| w == needle);
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WAVE") {
        // The `data` chunk's length: samples follow it.
        return find(b"data").is_some_and(|at| {
            bytes
                .get(at + 4..at + 8)
                .map(|n| u32::from_le_bytes([n[0], n[1], n[2], n[3]]))
                .is_some_and(|len| len > 0 && bytes.len() > at + 8)
        });
    }
    if bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        // WebM/Matroska: a Cluster holding a SimpleBlock or a BlockGroup.
        return find(&[0x1F, 0x43, 0xB6, 0x75])
            .is_some_and(|at| bytes[at..].iter().any(|b| *b == 0xA3 || *b == 0xA0));
    }
    if bytes.starts_with(b"OggS") {
        // Some page with a granule position past zero: samples were decoded.
        let mut at = 0;
        while let Some(page) = bytes.get(at..at + 27).filter(|p| p.starts_with(b"OggS")) {
            let mut granule = [0u8; 8];
            granule.copy_from_slice(&page[6..14]);
            let granule = i64::from_le_bytes(granule);
            if granule > 0 {
                return true;
            }
            let segments = page[26] as usize;
            let Some(table) = bytes.get(at + 27..at + 27 + segments) else {
                return false;
            };
            at += 27 + segments + table.iter().map(|n| *n as usize).sum::<usize>();
        }
        return false;
    }
    if bytes.get(4..8) == Some(b"ftyp") {
        return find(b"mdat").is_some();
    }
    // MP3: an ID3 tag or a frame sync.
    bytes.starts_with(b"ID3")
        || bytes.first() == Some(&0xFF) && bytes.get(1).is_some_and(|b| b & 0xE0 == 0xE0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mono 16-bit WAV of `samples` samples.
    pub(crate) fn wav(samples: usize) -> Vec<u8> {
        let data = samples * 2;
        let mut out = Vec::new();
        out.extend_from_slice(b"RIFF");
        out.extend_from_slice(&((36 + data) as u32).to_le_bytes());
        out.extend_from_slice(b"WAVEfmt ");
        out.extend_from_slice(&16u32.to_le_bytes());
        out.extend_from_slice(&1u16.to_le_bytes());
        out.extend_from_slice(&1u16.to_le_bytes());
        out.extend_from_slice(&16_000u32.to_le_bytes());
        out.extend_from_slice(&32_000u32.to_le_bytes());
        out.extend_from_slice(&2u16.to_le_bytes());
        out.extend_from_slice(&16u16.to_le_bytes());
        out.extend_from_slice(b"data");
        out.extend_from_slice(&(data as u32).to_le_bytes());
        out.resize(out.len() + data, 0);
        out
    }

    #[test]
    fn only_real_audio_with_some_duration_is_heard() {
        assert_eq!(audio_problem("speech.wav", &wav(1600)), None);
        assert!(audio_problem("speech.wav", &wav(0)).is_some());
        assert!(audio_problem("speech.webm", b"not audio at all").is_some());
        assert!(audio_problem("speech.exe", &wav(1600))
            .is_some_and(|m| m.starts_with("Invalid file format")));
        let mut webm = vec![0x1A, 0x45, 0xDF, 0xA3, 0, 0];
        webm.extend_from_slice(&[0x1F, 0x43, 0xB6, 0x75, 0x01, 0xA3, 0x00]);
        assert_eq!(audio_problem("speech.webm", &webm), None);
        assert!(audio_problem("speech.webm", &[0x1A, 0x45, 0xDF, 0xA3, 0, 0]).is_some());
    }
}
