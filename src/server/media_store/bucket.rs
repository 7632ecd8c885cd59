//! An S3-compatible bucket as the media store (hosted mode): every instance reads and writes
//! the same objects, so any instance can serve any picture. Each call is a presigned request
//! (`presign`) sent with our HTTP client; a reader's picture or clip is a redirect to a
//! presigned URL, made after the same tier check as a file from disk, and the bucket answers
//! its Range requests.
//!
//! Whole or absent: an object appears only when its whole `PUT` arrived, and a picture or
//! clip is checked to be whole (`media_check`) before it is sent, so what is in the bucket is
//! whole and "intact" means "there".

use std::io;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::atomic::{StorageFaults, WriteStep};
use super::presign::{Call, Signer};
use super::remembered::Remembered;
use super::whole;
use super::{FileKey, Folder};
use crate::domain::media::MediaKind;
use crate::server::config::BucketSettings;

/// How many times a call is sent before its failure counts.
const ATTEMPTS: u32 = 3;
/// How long a page waits to hear whether a file is there.
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest file gathered in memory before it is put (a clip is a few megabytes).
const MAX_HELD: usize = 512 * 1024 * 1024;

/// How long a request our client sends may take to be signed and sent.
const CALL_EXPIRES: Duration = Duration::from_secs(300);
/// A reader's link to a file is signed for one window of this length, so the same picture
/// has the same address (and stays in the browser's cache) within it; it is good for two
/// windows, so a link handed out at the end of one still works.
const LINK_WINDOW_S: i64 = 30 * 60;

#[derive(Debug, Clone)]
pub struct BucketStore {
    settings: BucketSettings,
    // Shared: two bucket addresses and the credentials, cloned with every writer.
    signer: std::sync::Arc<Signer>,
    http: reqwest::Client,
    faults: StorageFaults,
    /// Files seen in the bucket, and when.
    seen: Remembered<Instant>,
}

/// How long a file seen in the bucket is taken to be there without asking again: pages check
/// every picture they show, and a request per picture per page view would make a gallery page
/// wait on two dozen of them. A file removed by this instance is forgotten at once; one
/// removed behind the app's back is noticed within this time.
const SEEN_FOR: Duration = Duration::from_secs(60);

impl BucketStore {
    pub fn new(settings: &BucketSettings, faults: &StorageFaults) -> Result<BucketStore, String> {
        Ok(BucketStore {
            signer: std::sync::Arc::new(Signer::new(settings)?),
            settings: settings.clone(),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(120))
                .build()
                .unwrap_or_default(),
            faults: faults.clone(),
            seen: Remembered::new(),
        })
    }

    fn remember(&self, key: &FileKey) {
        self.seen.insert(key, Instant::now());
    }

    /// The origin the browser fetches files from (for the pages' Content-Security-Policy).
    pub fn public_origin(&self) -> &str {
        &self.settings.public_url
    }

    /// `call`, signed now for our client to send.
    fn url(&self, call: Call<'_>) -> String {
        self.signer
            .sign(call, CALL_EXPIRES, time::OffsetDateTime::now_utc())
    }

    pub(super) async fn put(&self, key: &FileKey, bytes: &[u8]) -> io::Result<()> {
        self.put_bytes(key, Bytes::copy_from_slice(bytes)).await
    }

    async fn put_bytes(&self, key: &FileKey, bytes: Bytes) -> io::Result<()> {
        self.faults.check(WriteStep::Write)?;
        if let Some(kind) = made_media_kind(key) {
            if !whole::bytes_are_whole(&bytes, kind) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("not a whole {} file: {key}", kind.key()),
                ));
            }
        }
        let response = self
            .send(|| {
                let request = self
                    .http
                    .put(self.url(Call::Put(key.as_str())))
                    .header(header::CONTENT_LENGTH, bytes.len());
                // Kept with the object and sent back with it: a browser given the link plays
                // the clip and shows the picture by it.
                match content_type_of(key) {
                    Some(content_type) => request.header(header::CONTENT_TYPE, content_type),
                    None => request,
                }
                .body(bytes.clone())
            })
            .await?;
        expect_success(response, key).await?;
        self.remember(key);
        Ok(())
    }

    /// Sends the request `make` builds (signed afresh each time), trying again after a lost
    /// connection, a timeout or a 5xx (S3's SlowDown and InternalError ask for that). Every
    /// call here may be repeated: a `PUT` of the same bytes, a `GET`, `HEAD` or `DELETE`.
    async fn send(
        &self,
        make: impl Fn() -> reqwest::RequestBuilder,
    ) -> io::Result<reqwest::Response> {
        let mut pause = Duration::from_millis(200);
        let mut attempt = 1;
        loop {
            let last = attempt == ATTEMPTS;
            match make().send().await {
                Ok(response) if response.status().is_server_error() && !last => {}
                Ok(response) => return Ok(response),
                Err(e) if !last && (e.is_connect() || e.is_timeout() || e.is_request()) => {}
                Err(e) => return Err(http_error(e)),
            }
            tokio::time::sleep(pause).await;
            pause *= 4;
            attempt += 1;
        }
    }

    pub(super) fn writer(&self, key: &FileKey) -> BucketWriter {
        BucketWriter {
            store: self.clone(),
            key: key.clone(),
            bytes: Vec::new(),
        }
    }

    pub(super) async fn get(&self, key: &FileKey) -> io::Result<Vec<u8>> {
        let response = self
            .send(|| self.http.get(self.url(Call::Get(key.as_str()))))
            .await?;
        let response = expect_success(response, key).await?;
        Ok(response.bytes().await.map_err(http_error)?.to_vec())
    }

    pub(super) async fn size(&self, key: &FileKey) -> io::Result<u64> {
        let response = self.head(key).await?;
        let response = expect_success(response, key).await?;
        response
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| io::Error::other(format!("no length for {key}")))
    }

    /// A `HEAD`, with a short timeout: pages wait on it.
    async fn head(&self, key: &FileKey) -> io::Result<reqwest::Response> {
        self.send(|| {
            self.http
                .head(self.url(Call::Head(key.as_str())))
                .timeout(HEAD_TIMEOUT)
        })
        .await
    }

    pub(super) async fn exists(&self, key: &FileKey) -> bool {
        if self.seen.get(key).is_some_and(|at| at.elapsed() < SEEN_FOR) {
            return true;
        }
        let there = self.head(key).await.is_ok_and(|r| r.status().is_success());
        if there {
            self.remember(key);
        }
        there
    }

    /// What is in the bucket was whole when it was put ([`BucketStore::put`]).
    pub(super) async fn is_intact(&self, key: &FileKey, _kind: MediaKind) -> bool {
        self.exists(key).await
    }

    pub(super) async fn are_intact(&self, files: Vec<(FileKey, MediaKind)>) -> Vec<bool> {
        futures::future::join_all(files.iter().map(|(key, kind)| self.is_intact(key, *kind))).await
    }

    pub(super) async fn remove(&self, key: &FileKey) -> io::Result<()> {
        self.seen.forget(key);
        let response = self
            .send(|| self.http.delete(self.url(Call::Delete(key.as_str()))))
            .await?;
        match expect_success(response, key).await {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other.map(drop),
        }
    }

    pub(super) async fn remove_folder(&self, folder: &Folder) -> io::Result<()> {
        let keys = self.list_prefix(&format!("{}/", folder.as_str())).await?;
        for done in futures::future::join_all(keys.iter().map(|key| self.remove(key))).await {
            done?;
        }
        Ok(())
    }

    pub(super) async fn list(&self, root: &str) -> io::Result<Vec<FileKey>> {
        self.list_prefix(&format!("{root}/")).await
    }

    /// Every key under `prefix` (a page of ListObjectsV2 after another).
    async fn list_prefix(&self, prefix: &str) -> io::Result<Vec<FileKey>> {
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let url = self.url(Call::List {
                prefix,
                token: token.as_deref(),
            });
            let response = self.send(|| self.http.get(&url)).await?;
            let status = response.status();
            let body = response.text().await.map_err(http_error)?;
            if !status.is_success() {
                return Err(io::Error::other(format!(
                    "the bucket refused the listing of {prefix}: {status} {}",
                    element(&body, "Code").unwrap_or_default()
                )));
            }
            let (page, next) = self.signer.listed(&body).map_err(|e| {
                io::Error::other(format!(
                    "the bucket's listing of {prefix} is unreadable: {e}"
                ))
            })?;
            keys.extend(page.into_iter().map(FileKey));
            token = next;
            if token.is_none() {
                return Ok(keys);
            }
        }
    }

    /// A redirect to a link signed for this half hour's window, kept by the browser until the
    /// window ends: the picture keeps one address (and its cached copy) meanwhile.
    pub(super) async fn serve(&self, key: &FileKey, _request: Request) -> Option<Response> {
        // A file gone is a 404 here, as from disk, not a redirect to the bucket's 404.
        if !self.exists(key).await {
            return None;
        }
        let now = time::OffsetDateTime::now_utc();
        let window_start = now.unix_timestamp() - now.unix_timestamp().rem_euclid(LINK_WINDOW_S);
        let at = time::OffsetDateTime::from_unix_timestamp(window_start).unwrap_or(now);
        let link = self.signer.public_link(
            key.as_str(),
            Duration::from_secs(2 * LINK_WINDOW_S as u64),
            at,
        );
        let left = (window_start + LINK_WINDOW_S - now.unix_timestamp()).max(0);
        let mut response =
            (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, link)]).into_response();
        if let Ok(value) = HeaderValue::from_str(&format!("private, max-age={left}")) {
            response.headers_mut().insert(header::CACHE_CONTROL, value);
        }
        Some(response)
    }
}

/// The media kind a made picture or clip (and its light copies) must be whole as; `None` for
/// anything else. Photos are what a family uploaded: decoded and accepted as they are (a
/// camera's JPEG may carry bytes after its end), as on disk.
fn made_media_kind(key: &FileKey) -> Option<MediaKind> {
    if !key.as_str().starts_with("media/") {
        return None;
    }
    match key.file_name().rsplit_once('.')?.1 {
        "png" | "jpg" | "jpeg" | "webp" => Some(MediaKind::Image),
        "mp4" => Some(MediaKind::Video),
        _ => None,
    }
}

fn content_type_of(key: &FileKey) -> Option<&'static str> {
    match key.file_name().rsplit_once('.')?.1 {
        "png" => Some("image/png"),
        "jpg" | "jpeg" => Some("image/jpeg"),
        "webp" => Some("image/webp"),
        "mp4" => Some("video/mp4"),
        _ => None,
    }
}

/// An HTTP failure without its address: the address is a signed link (the key id and a
/// signature good for minutes), and errors end up in logs and on the status page.
fn http_error(e: reqwest::Error) -> io::Error {
    io::Error::other(e.without_url())
}

/// The response when it is a success; S3's error as an I/O error otherwise (`NotFound` for a
/// missing object).
async fn expect_success(
    response: reqwest::Response,
    key: &FileKey,
) -> io::Result<reqwest::Response> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body = response.text().await.unwrap_or_default();
    let code = element(&body, "Code").unwrap_or_else(|| status.to_string());
    // S3's own words say why (a full or read-only store, a wrong key), for the log and the
    // status page: one line, short.
    let reason = element(&body, "Message")
        .map(|m| {
            let words: String = m.chars().filter(|c| !c.is_control()).take(200).collect();
            format!(" ({words})")
        })
        .unwrap_or_default();
    let kind = match status.as_u16() {
        404 => io::ErrorKind::NotFound,
        403 => io::ErrorKind::PermissionDenied,
        507 => io::ErrorKind::StorageFull,
        _ => io::ErrorKind::Other,
    };
    Err(io::Error::new(
        kind,
        format!("the bucket answered {code}{reason} for {key}"),
    ))
}

/// The text of the first `<name>` element of an S3 error answer (its `Code`).
fn element(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find(&format!("</{name}>"))?;
    Some(xml[start..start + len].to_owned())
}

/// A clip downloaded in pieces: gathered here and put as one object when it is whole (an
/// object cannot be written in place, and clips are a few megabytes).
pub struct BucketWriter {
    store: BucketStore,
    key: FileKey,
    bytes: Vec<u8>,
}

impl BucketWriter {
    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.store.faults.check(WriteStep::Write)?;
        if self.bytes.len() + bytes.len() > MAX_HELD {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!("{} is larger than {MAX_HELD} bytes", self.key),
            ));
        }
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }

    pub fn len(&self) -> u64 {
        self.bytes.len() as u64
    }

    pub async fn commit(self) -> io::Result<()> {
        self.store
            .put_bytes(&self.key, Bytes::from(self.bytes))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_answer_names_its_code() {
        let xml = "<Error><Code>NoSuchBucket</Code><Message>m</Message></Error>";
        assert_eq!(element(xml, "Code").as_deref(), Some("NoSuchBucket"));
        assert_eq!(element(xml, "Missing"), None);
    }

    #[test]
    fn only_pictures_and_clips_are_checked_whole() {
        assert_eq!(
            made_media_kind(&FileKey::media("kids", "s", "a.w384.jpg")),
            Some(MediaKind::Image)
        );
        assert_eq!(
            made_media_kind(&FileKey::media("kids", "s", "a.mp4")),
            Some(MediaKind::Video)
        );
        assert_eq!(
            made_media_kind(&FileKey::photo("kids", "c", "p.thumb.png")),
            None
        );
        assert_eq!(
            made_media_kind(&FileKey("media/.status-probe.tmp".into())),
            None
        );
    }
}
