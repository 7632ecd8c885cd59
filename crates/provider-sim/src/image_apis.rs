//! The image endpoints: OpenAI images generations (GPT image models answer base64 only),
//! xAI Grok Imagine (base64 or a temporary URL that expires), and Gemini's image output
//! of generateContent (inline data).

use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine as _;
use serde_json::{json, Value};

use super::control::{Fault, FaultKind};
use super::gate::{gate, invalid_request, SimCall};
use super::illustration::illustration;
use super::text_apis::unix_now;
use super::SimState;
use crate::{ModelKind, Provider};
use imaging::{photo, Canvas};

const OPENAI_SIZES: &[&str] = &["1024x1024", "1536x1024", "1024x1536", "auto"];
/// How long an xAI image URL stays downloadable unless configured otherwise.
pub(crate) const DEFAULT_URL_TTL: Duration = Duration::from_secs(600);

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub(super) fn picture(s: &SimState, prompt: &str, model: &str, references: &[Canvas]) -> Vec<u8> {
    illustration(prompt, model, s.config.image_size(), references).to_png()
}

pub(super) fn parse(body: &Bytes) -> Result<Value, String> {
    serde_json::from_slice(body).map_err(|e| format!("invalid JSON body: {e}"))
}

pub(super) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
}

pub(crate) async fn openai_images(
    State(s): State<SimState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let p = Provider::OpenAi;
    let body = match parse(&body) {
        Ok(b) => b,
        Err(message) => return invalid_request(p, &message),
    };
    // The API's own default is an old model; our client always names one.
    let model = body["model"].as_str().unwrap_or("dall-e-2");
    let prompt = body["prompt"].as_str().unwrap_or_default();
    let compression = body.get("output_compression").map(|c| c.to_string());
    let format = output_format(body["output_format"].as_str(), compression.as_deref());
    let invalid = if let Err(message) = &format {
        Some(message.clone())
    } else if prompt.trim().is_empty() {
        Some("Missing required parameter: 'prompt'.".to_owned())
    } else if body.get("response_format").is_some() {
        Some("Unknown parameter: 'response_format'.".to_owned())
    } else if body["size"]
        .as_str()
        .is_some_and(|size| !OPENAI_SIZES.contains(&size))
    {
        Some(format!(
            "Invalid value: '{}'. Supported values are: {}.",
            body["size"],
            OPENAI_SIZES.join(", ")
        ))
    } else {
        None
    };
    match gate(
        &s,
        SimCall {
            provider: p,
            route: "/images/generations",
            headers: &headers,
            key: bearer(&headers),
            model: Some((model, ModelKind::Image)),
            invalid: invalid.as_deref(),
            prompt,
        },
    )
    .await
    {
        Err(response) => response,
        Ok(fault) => {
            s.control.record_image_request(json!({
                "provider": "openai", "path": "/images/generations", "model": model,
                "fields": field_names(&body), "references": 0, "prompt": prompt,
                "reference_fingerprints": [],
            }));
            let format = format.unwrap_or(OutputFormat::Png);
            openai_answer(&s, prompt, model, fault, &[], format)
        }
    }
}

/// OpenAI's `output_format` and `output_compression`: `Err` with the API's words when a
/// value is not one it takes. WebP is accepted but drawn as PNG (the simulator has no WebP
/// encoder; nothing of ours asks for it).
pub(super) fn output_format(
    format: Option<&str>,
    compression: Option<&str>,
) -> Result<OutputFormat, String> {
    if let Some(c) = compression {
        match c.parse::<u8>() {
            Ok(0..=100) => {}
            _ => return Err(format!("Invalid value for 'output_compression': {c}. Expected an integer between 0 and 100.")),
        }
        if matches!(format, None | Some("png")) {
            return Err("Invalid parameter: 'output_compression' is only supported for 'jpeg' and 'webp' output formats.".to_owned());
        }
    }
    match format {
        None | Some("png") | Some("webp") => Ok(OutputFormat::Png),
        Some("jpeg") => Ok(OutputFormat::Jpeg(
            compression.and_then(|c| c.parse().ok()).unwrap_or(100),
        )),
        Some(other) => Err(format!(
            "Invalid value: '{other}'. Supported values are: 'png', 'jpeg', and 'webp'."
        )),
    }
}

/// The file format an OpenAI picture is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OutputFormat {
    Png,
    /// With its quality (`output_compression`).
    Jpeg(u8),
}

/// The b64 answer of OpenAI's generations and edits; a malformed fault cuts the data.
pub(super) fn openai_answer(
    s: &SimState,
    prompt: &str,
    model: &str,
    fault: Option<Fault>,
    references: &[Canvas],
    format: OutputFormat,
) -> Response {
    let drawn = illustration(prompt, model, s.config.image_size(), references);
    let bytes = match format {
        OutputFormat::Png => drawn.to_png(),
        OutputFormat::Jpeg(quality) => drawn.to_jpeg(quality.max(1)),
    };
    let mut data = b64(&bytes);
    if matches!(
        fault,
        Some(Fault {
            kind: FaultKind::Malformed,
            ..
        })
    ) {
        data.truncate(data.len() / 2);
        data.push('!');
    }
    Json(json!({
        "created": unix_now(),
        "data": [{ "b64_json": data }],
        "usage": { "input_tokens": prompt.len() / 4, "output_tokens": 4160, "total_tokens": prompt.len() / 4 + 4160 },
    }))
    .into_response()
}

pub(crate) async fn xai_images(
    State(s): State<SimState>,
    OriginalUri(original): OriginalUri,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let p = Provider::Xai;
    let body = match parse(&body) {
        Ok(b) => b,
        Err(message) => return invalid_request(p, &message),
    };
    let model = body["model"].as_str().unwrap_or_default();
    let prompt = body["prompt"].as_str().unwrap_or_default();
    let format = body["response_format"].as_str().unwrap_or("url");
    let invalid = if prompt.trim().is_empty() {
        Some("prompt must not be empty".to_owned())
    } else if !matches!(format, "url" | "b64_json") {
        Some(format!(
            "response_format must be 'url' or 'b64_json', got '{format}'"
        ))
    } else {
        None
    };
    // The older editing form: a reference photo as `image_url` on generations.
    let references = match body.get("image_url") {
        None => Vec::new(),
        Some(url) => match url.as_str().map(decode_data_uri) {
            Some(Ok(photo)) => vec![photo],
            Some(Err(message)) => return invalid_request(p, &message),
            None => return invalid_request(p, "image_url must be a string"),
        },
    };
    let fault = match gate(
        &s,
        SimCall {
            provider: p,
            route: "/images/generations",
            headers: &headers,
            key: bearer(&headers),
            model: Some((model, ModelKind::Image)),
            invalid: invalid.as_deref(),
            prompt,
        },
    )
    .await
    {
        Err(response) => return response,
        Ok(fault) => fault,
    };
    s.control.record_image_request(json!({
        "provider": "xai", "path": "/images/generations", "model": model,
        "fields": field_names(&body), "references": references.len(), "prompt": prompt,
        "reference_fingerprints": data_uri_fingerprints(body["image_url"].as_str()),
    }));
    xai_answer(
        &s,
        FileBase {
            original: &original,
            uri: &uri,
            headers: &headers,
        },
        prompt,
        format,
        fault,
        &references,
    )
}

/// xAI's answer to generations and edits: base64, or a temporary URL that expires.
pub(super) fn xai_answer(
    s: &SimState,
    base: FileBase<'_>,
    prompt: &str,
    format: &str,
    fault: Option<Fault>,
    references: &[Canvas],
) -> Response {
    let png = picture(s, prompt, "grok-imagine", references);
    let item = if format == "b64_json" {
        json!({ "b64_json": b64(&png) })
    } else {
        let expired = matches!(
            fault,
            Some(Fault {
                kind: FaultKind::ExpiredUrl,
                ..
            })
        );
        let name = format!(
            "{:016x}.png",
            super::story::fnv(&format!("{prompt}{:?}", Instant::now()))
        );
        put_temp_file(s, &name, png, expired);
        json!({ "url": base.url(&name) })
    };
    Json(json!({ "data": [item] })).into_response()
}

/// Keeps `bytes` downloadable as `name` until the URL TTL passes (already expired when
/// `expired`); drops files whose time is up.
pub(super) fn put_temp_file(s: &SimState, name: &str, bytes: Vec<u8>, expired: bool) {
    let ttl = if expired {
        Duration::ZERO
    } else {
        s.config.url_ttl.unwrap_or(DEFAULT_URL_TTL)
    };
    if let Ok(mut files) = s.files.lock() {
        files.retain(|_, (_, expires)| *expires > Instant::now());
        files.insert(name.to_owned(), (bytes, Instant::now() + ttl));
    }
}

/// The temporary URL of a file, as the client reached us: the simulator may be nested
/// under a prefix (demo mode mounts it at /sim).
/// Where the simulator's temporary files are reached from, as the client addressed it
/// (the simulator may be mounted under a prefix, as in demo mode).
#[derive(Clone, Copy)]
pub(super) struct FileBase<'a> {
    pub original: &'a Uri,
    pub uri: &'a Uri,
    pub headers: &'a HeaderMap,
}

impl FileBase<'_> {
    /// The URL of the temporary file `name`.
    pub(super) fn url(&self, name: &str) -> String {
        let prefix = self
            .original
            .path()
            .strip_suffix(self.uri.path())
            .unwrap_or_default();
        let host = self
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1");
        format!("http://{host}{prefix}{}/files/{name}", Provider::Xai.path())
    }
}

/// The top-level field names of a JSON request, sorted (for the request log).
pub(super) fn field_names(body: &Value) -> Vec<String> {
    let mut names: Vec<String> = body
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// A reference image sent as a `data:image/…;base64,…` URL, decoded to pixels.
pub(super) fn decode_data_uri(url: &str) -> Result<Canvas, String> {
    decode_reference(&data_uri_bytes(url)?)
}

/// The fingerprints (`imaging::fingerprint`) of reference images sent as data URIs, for the
/// request log: which picture went with which request.
pub(super) fn data_uri_fingerprints<'a>(urls: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    urls.into_iter()
        .filter_map(|url| data_uri_bytes(url).ok())
        .map(|bytes| imaging::fingerprint(&bytes))
        .collect()
}

/// The bytes of a `data:…;base64,…` URL.
fn data_uri_bytes(url: &str) -> Result<Vec<u8>, String> {
    let Some(rest) = url.strip_prefix("data:") else {
        return Err("image url must be a data URI (data:image/png;base64,...) here: the simulator fetches nothing from the network".into());
    };
    let Some((_, data)) = rest.split_once(";base64,") else {
        return Err("image data URI must be base64-encoded".into());
    };
    base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|e| format!("image data URI is not valid base64: {e}"))
}

/// A reference image's pixels; the message says why it is not a usable image.
pub(super) fn decode_reference(bytes: &[u8]) -> Result<Canvas, String> {
    photo::decode(bytes)
        .map(|p| p.pixels)
        .map_err(|e| format!("Invalid image file: {e}"))
}

/// A temporary image or video URL: the file until it expires, then 404 like an expired
/// signed URL.
pub(crate) async fn xai_file(State(s): State<SimState>, Path(name): Path<String>) -> Response {
    let file = s.files.lock().ok().and_then(|files| {
        files
            .get(&name)
            .filter(|(_, expires)| *expires > Instant::now())
            .map(|(bytes, _)| bytes.clone())
    });
    let content_type = if name.ends_with(".mp4") {
        "video/mp4"
    } else {
        "image/png"
    };
    match file {
        Some(bytes) => ([(header::CONTENT_TYPE, content_type)], bytes).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            "This URL has expired or never existed.",
        )
            .into_response(),
    }
}

/// Gemini image output: called by generateContent when IMAGE is a response modality.
/// Reference photos arrive as `inline_data` (or `inlineData`) parts of the request.
pub(crate) async fn gemini_image(
    s: &SimState,
    model: &str,
    headers: &HeaderMap,
    key: Option<&str>,
    prompt: &str,
    invalid: Option<&str>,
    body: &Value,
) -> Response {
    let mut references = Vec::new();
    let mut fingerprints = Vec::new();
    let parts = body["contents"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["parts"].as_array().into_iter().flatten());
    for part in parts {
        let Some(inline) = part.get("inline_data").or_else(|| part.get("inlineData")) else {
            continue;
        };
        let data = inline["data"].as_str().unwrap_or_default();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| format!("Invalid value at 'contents[0].parts.inline_data.data': {e}"))
            .and_then(|bytes| {
                fingerprints.push(imaging::fingerprint(&bytes));
                decode_reference(&bytes)
            });
        match decoded {
            Ok(photo) => references.push(photo),
            Err(message) => {
                return super::gate::error(
                    Provider::Gemini,
                    StatusCode::BAD_REQUEST,
                    "INVALID_ARGUMENT",
                    &message,
                )
            }
        }
    }
    match gate(
        s,
        SimCall {
            provider: Provider::Gemini,
            route: "/generateContent",
            headers,
            key,
            model: Some((model, ModelKind::Image)),
            invalid,
            prompt,
        },
    )
    .await
    {
        Err(response) => response,
        // Gemini's way of failing a picture without an error: words, no image part.
        Ok(Some(Fault {
            kind: FaultKind::Malformed,
            ..
        })) => Json(json!({
            "candidates": [{
                "content": { "role": "model", "parts": [
                    { "text": "I can describe this scene for you, but here it is in words." }
                ] },
                "finishReason": "STOP",
                "index": 0
            }],
            "modelVersion": model,
        }))
        .into_response(),
        // A picture the model stops on: the reason says why, no image part.
        Ok(Some(Fault {
            kind: kind @ (FaultKind::ImageProhibited | FaultKind::NoImage),
            ..
        })) => Json(json!({
            "candidates": [{
                "content": { "role": "model", "parts": [] },
                "finishReason": if kind == FaultKind::NoImage { "NO_IMAGE" } else { "IMAGE_PROHIBITED_CONTENT" },
                "index": 0
            }],
            "modelVersion": model,
        }))
        .into_response(),
        Ok(_) => {
            s.control.record_image_request(json!({
                "provider": "gemini", "path": "/generateContent", "model": model,
                "fields": field_names(body), "references": references.len(), "prompt": prompt,
                "reference_fingerprints": fingerprints,
            }));
            Json(json!({
            "candidates": [{
                "content": { "role": "model", "parts": [
                    { "text": "Here is your illustration." },
                    { "inlineData": { "mimeType": "image/png", "data": b64(&picture(s, prompt, "gemini", &references)) } }
                ] },
                "finishReason": "STOP",
                "index": 0
            }],
            "usageMetadata": { "promptTokenCount": prompt.len() / 4, "candidatesTokenCount": 1290 },
            "modelVersion": model,
        }))
        .into_response()
        }
    }
}
