//! Image editing with reference photos: OpenAI's `POST /images/edits` (multipart, photos as
//! `image[]`, `input_fidelity` checked for its values) and xAI's
//! `POST /images/edits` (JSON, `image: {url}` or up to three `images`). The photos are
//! decoded and drawn into the answer, so a test can see they arrived.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use serde_json::{json, Value};

use super::gate::{gate, invalid_request, SimCall};
use super::image_apis::{
    bearer, data_uri_fingerprints, decode_data_uri, decode_reference, field_names, openai_answer,
    output_format, parse, xai_answer, FileBase, OutputFormat,
};
use super::SimState;
use crate::{ModelKind, Provider};
use imaging::Canvas;

/// OpenAI takes up to 16 input images per edit.
const OPENAI_MAX_IMAGES: usize = 16;
/// xAI edits combine up to 3 source images.
const XAI_MAX_IMAGES: usize = 3;

/// The fields of an edits form: text fields by name, and the decoded images.
#[derive(Default)]
struct EditForm {
    fields: Vec<(String, String)>,
    images: Vec<Canvas>,
    /// Names the image parts came under (`image` or `image[]`).
    image_fields: Vec<String>,
    /// Each image's `imaging::fingerprint`, for the request log.
    fingerprints: Vec<String>,
}

impl EditForm {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

async fn read_form(multipart: &mut Multipart) -> Result<EditForm, String> {
    let mut form = EditForm::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| format!("Could not parse multipart form: {e}"))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "image" || name == "image[]" {
            let bytes = field
                .bytes()
                .await
                .map_err(|e| format!("Could not read image: {e}"))?;
            let index = form.images.len() + 1;
            let photo = decode_reference(&bytes).map_err(|e| format!("{e} (image {index})"))?;
            form.fingerprints.push(imaging::fingerprint(&bytes));
            form.images.push(photo);
            form.image_fields.push(name);
        } else {
            let text = field
                .text()
                .await
                .map_err(|e| format!("Could not read field '{name}': {e}"))?;
            form.fields.push((name, text));
        }
    }
    Ok(form)
}

pub(crate) async fn openai_edits(
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
    let form = match read_form(&mut multipart).await {
        Ok(form) => form,
        Err(message) => return invalid_request(p, &message),
    };
    let model = form.get("model").unwrap_or("dall-e-2").to_owned();
    let prompt = form.get("prompt").unwrap_or_default().to_owned();
    let fidelity = form.get("input_fidelity");
    let format = output_format(form.get("output_format"), form.get("output_compression"));
    let invalid = if let Err(message) = &format {
        Some(message.clone())
    } else if prompt.trim().is_empty() {
        Some("Missing required parameter: 'prompt'.".to_owned())
    } else if form.images.is_empty() {
        Some("Missing required parameter: 'image'.".to_owned())
    } else if form.images.len() > OPENAI_MAX_IMAGES {
        Some(format!(
            "Invalid 'image': too many images ({}); the maximum is {OPENAI_MAX_IMAGES}.",
            form.images.len()
        ))
    } else if form.get("response_format").is_some() {
        Some("Unknown parameter: 'response_format'.".to_owned())
    } else if fidelity.is_some_and(|f| !matches!(f, "high" | "low")) {
        Some("Invalid value for 'input_fidelity': expected 'high' or 'low'.".to_owned())
    } else {
        None
    };
    let fault = match gate(
        &s,
        SimCall {
            provider: p,
            route: "/images/edits",
            headers: &headers,
            key: bearer(&headers),
            model: Some((&model, ModelKind::Image)),
            invalid: invalid.as_deref(),
            prompt: &prompt,
        },
    )
    .await
    {
        Err(response) => return response,
        Ok(fault) => fault,
    };
    let mut fields: Vec<String> = form.fields.iter().map(|(n, _)| n.clone()).collect();
    fields.extend(form.image_fields.iter().cloned());
    fields.sort();
    fields.dedup();
    s.control.record_image_request(json!({
        "provider": "openai", "path": "/images/edits", "model": model,
        "fields": fields, "references": form.images.len(),
        "reference_fingerprints": form.fingerprints,
        "input_fidelity": fidelity, "prompt": prompt,
    }));
    let format = format.unwrap_or(OutputFormat::Png);
    openai_answer(&s, &prompt, &model, fault, &form.images, format)
}

pub(crate) async fn xai_edits(
    State(s): State<SimState>,
    OriginalUri(original): OriginalUri,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let p = Provider::Xai;
    let body = match parse(&body) {
        Ok(b) => b,
        Err(message) => return invalid_request(p, &message),
    };
    let model = body["model"].as_str().unwrap_or("grok-imagine-image");
    let prompt = body["prompt"].as_str().unwrap_or_default();
    let format = body["response_format"].as_str().unwrap_or("url");
    let urls: Result<Vec<&str>, String> = match (body.get("image"), body.get("images")) {
        (Some(_), Some(_)) => Err("'image' and 'images' are mutually exclusive".into()),
        (Some(one), None) => url_of(one).map(|u| vec![u]),
        (None, Some(Value::Array(many))) => many.iter().map(url_of).collect(),
        (None, Some(_)) => Err("'images' must be a list of {url} objects".into()),
        (None, None) => Err("Either 'image' or 'images' is required".into()),
    };
    let references: Result<Vec<Canvas>, String> = urls.and_then(|urls| {
        if urls.len() > XAI_MAX_IMAGES {
            return Err(format!(
                "At most {XAI_MAX_IMAGES} images can be edited together"
            ));
        }
        urls.into_iter().map(decode_data_uri).collect()
    });
    let invalid = match &references {
        Err(message) => Some(message.clone()),
        Ok(_) if prompt.trim().is_empty() => Some("prompt must not be empty".to_owned()),
        Ok(_) if !matches!(format, "url" | "b64_json") => Some(format!(
            "response_format must be 'url' or 'b64_json', got '{format}'"
        )),
        Ok(_) => None,
    };
    let fault = match gate(
        &s,
        SimCall {
            provider: p,
            route: "/images/edits",
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
    let references = references.unwrap_or_default();
    s.control.record_image_request(json!({
        "provider": "xai", "path": "/images/edits", "model": model,
        "fields": field_names(&body), "references": references.len(), "prompt": prompt,
        "reference_fingerprints": data_uri_fingerprints(sent_urls(&body)),
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

/// The image URLs of an xAI edit, in order (`image` or `images`).
fn sent_urls(body: &Value) -> Vec<&str> {
    let one = body.get("image").into_iter();
    let many = body["images"].as_array().into_iter().flatten();
    one.chain(many).filter_map(|i| url_of(i).ok()).collect()
}

fn url_of(image: &Value) -> Result<&str, String> {
    image["url"]
        .as_str()
        .filter(|u| !u.is_empty())
        .ok_or_else(|| "each image needs a non-empty 'url'".to_owned())
}
