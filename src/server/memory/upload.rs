//! Reading the upload form with a byte budget, and the guard that answers a request
//! without a usable multipart boundary. server_fn 0.8.13 `expect()`s the boundary
//! (`codec/multipart.rs`), so its task panics without an answer; upstream fixed it in
//! leptos-rs/leptos PR #4718. The guard can go once a release with that fix is used.

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::server_fn::codec::MultipartData;
use leptos::server_fn::error::{FromServerFnError, ServerFnUrlError};

use crate::api::profiles::UPLOAD_PHOTO_PATH;
use crate::api::voice::TRANSCRIBE_PATH;
use crate::domain::profile::MAX_PHOTO_BYTES;
use crate::domain::voice::MAX_SPEECH_BYTES;
use crate::domain::AppError;
use crate::server::memory::MemoryError;
use crate::server::voice::VoiceError;
use crate::server::web::plain_forms::is_plain_form;

/// Text fields are ids: anything longer is not one of ours.
const FIELD_MAX: usize = 256;
/// Room for the form's own framing around the photo.
const FORM_OVERHEAD: usize = 16 * 1024;

pub struct PhotoForm {
    pub tier: String,
    pub character_id: String,
    pub photo: Vec<u8>,
}

pub async fn read(data: MultipartData) -> Result<PhotoForm, MemoryError> {
    let mut multipart = data
        .into_inner()
        .ok_or_else(|| MemoryError::BadUpload("no multipart body".into()))?;
    let bad = |e: &dyn std::fmt::Display| MemoryError::BadUpload(e.to_string());
    let (mut tier, mut character_id, mut photo) = (String::new(), String::new(), None);
    while let Some(mut field) = multipart.next_field().await.map_err(|e| bad(&e))? {
        let name = field.name().unwrap_or_default().to_owned();
        let limit = if name == "photo" {
            MAX_PHOTO_BYTES
        } else {
            FIELD_MAX
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| bad(&e))? {
            if bytes.len() + chunk.len() > limit {
                return Err(if name == "photo" {
                    MemoryError::PhotoTooLarge
                } else {
                    MemoryError::BadUpload(format!("field {name} is too long"))
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "photo" => photo = Some(bytes),
            "tier" => tier = String::from_utf8_lossy(&bytes).into_owned(),
            "character_id" => character_id = String::from_utf8_lossy(&bytes).into_owned(),
            _ => {}
        }
    }
    Ok(PhotoForm {
        tier,
        character_id,
        photo: photo.ok_or(MemoryError::NoPhoto)?,
    })
}

/// In front of the upload server functions (photos, speech): refuses, with a message, a
/// request whose body is not a multipart form with a boundary, or that says it is far too
/// large for what it carries.
pub async fn guard(request: Request<Body>, next: Next) -> Response {
    type Refusal = fn() -> AppError;
    let (path, limit, too_large, unframed): (_, usize, Refusal, Refusal) =
        match request.uri().path() {
            UPLOAD_PHOTO_PATH => (
                UPLOAD_PHOTO_PATH,
                MAX_PHOTO_BYTES,
                || MemoryError::PhotoTooLarge.into(),
                || MemoryError::BadUpload("no multipart boundary".into()).into(),
            ),
            TRANSCRIBE_PATH => (
                TRANSCRIBE_PATH,
                MAX_SPEECH_BYTES,
                || VoiceError::TooLarge.into(),
                || VoiceError::BadUpload("no multipart boundary".into()).into(),
            ),
            _ => return next.run(request).await,
        };
    let refuse = |status, error| refuse(request.headers(), path, status, error);
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !has_boundary(content_type) {
        tracing::info!(path, content_type, "upload refused: no multipart boundary");
        return refuse(StatusCode::BAD_REQUEST, unframed());
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit + FORM_OVERHEAD) {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, too_large());
    }
    next.run(request).await
}

/// The refusal as the app's own upload reads it (the error, serialised, with its status),
/// or, for a plain form post (no JavaScript), as the server function's own form redirect
/// does it: back to the page, with the error in its address for the page to show.
fn refuse(headers: &HeaderMap, path: &str, status: StatusCode, err: AppError) -> Response {
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .filter(|_| is_plain_form(headers))
        .and_then(|page| ServerFnUrlError::new(path, err.clone()).to_url(page).ok());
    match back {
        Some(page) => Redirect::to(page.as_str()).into_response(),
        None => (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            err.ser(),
        )
            .into_response(),
    }
}

/// A non-empty boundary, read by the very parser server_fn uses, so the guard and the
/// codec never disagree.
fn has_boundary(content_type: &str) -> bool {
    multer::parse_boundary(content_type).is_ok_and(|b| !b.is_empty())
}

#[cfg(test)]
mod tests {
    use super::has_boundary;

    #[test]
    fn a_boundary_is_required() {
        assert!(has_boundary("multipart/form-data; boundary=----x1"));
        assert!(has_boundary(
            "Multipart/Form-Data;charset=utf-8; boundary=\"a b\""
        ));
        assert!(!has_boundary("multipart/form-data"));
        assert!(!has_boundary("multipart/form-data; boundary="));
        assert!(!has_boundary("application/json"));
        assert!(!has_boundary(""));
    }
}
