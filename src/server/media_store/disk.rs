//! The data directory as the media store: `DATA_DIR/media/…` and `DATA_DIR/photos/…`, with
//! the whole-or-absent writes of `storage`.

use std::io;
use std::path::{Path, PathBuf};

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::Response;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use super::{FileKey, Folder};
use crate::domain::media::MediaKind;
use crate::server::media_check;
use crate::server::storage::{self, AtomicFile, StorageFaults};

#[derive(Debug, Clone)]
pub struct DiskStore {
    root: PathBuf,
    faults: StorageFaults,
}

impl DiskStore {
    pub fn new(data_dir: &Path, faults: &StorageFaults) -> DiskStore {
        DiskStore {
            root: data_dir.to_owned(),
            faults: faults.clone(),
        }
    }

    /// Where `key` lives on disk.
    pub fn path(&self, key: &FileKey) -> PathBuf {
        self.root.join(key.as_str())
    }

    pub(super) async fn put(&self, key: &FileKey, bytes: &[u8]) -> io::Result<()> {
        storage::write_atomic(&self.path(key), bytes, &self.faults).await
    }

    pub(super) async fn writer(&self, key: &FileKey) -> io::Result<AtomicFile> {
        AtomicFile::create(&self.path(key), &self.faults).await
    }

    pub(super) async fn get(&self, key: &FileKey) -> io::Result<Vec<u8>> {
        tokio::fs::read(self.path(key)).await
    }

    pub(super) async fn size(&self, key: &FileKey) -> io::Result<u64> {
        Ok(tokio::fs::metadata(self.path(key)).await?.len())
    }

    pub(super) async fn exists(&self, key: &FileKey) -> bool {
        tokio::fs::try_exists(self.path(key)).await.unwrap_or(false)
    }

    pub(super) async fn is_intact(&self, key: &FileKey, kind: MediaKind) -> bool {
        media_check::file_is_whole(&self.path(key), kind).await
    }

    pub(super) async fn are_intact(&self, files: Vec<(FileKey, MediaKind)>) -> Vec<bool> {
        let paths = files
            .into_iter()
            .map(|(key, kind)| (self.path(&key), kind))
            .collect();
        media_check::files_are_whole(paths).await
    }

    pub(super) async fn remove(&self, key: &FileKey) -> io::Result<()> {
        storage::remove_file(&self.path(key)).await
    }

    pub(super) async fn remove_folder(&self, folder: &Folder) -> io::Result<()> {
        storage::remove_dir(&self.root.join(folder.as_str())).await
    }

    pub(super) async fn remove_empty_folder(&self, folder: &Folder) {
        let _ = tokio::fs::remove_dir(self.root.join(folder.as_str())).await;
    }

    /// Every file under `root`, three levels down (tier, story or character, file).
    pub(super) async fn list(&self, root: &str) -> io::Result<Vec<FileKey>> {
        let mut files = Vec::new();
        let mut dirs = vec![(root.to_owned(), 0)];
        while let Some((dir, depth)) = dirs.pop() {
            let mut entries = match tokio::fs::read_dir(self.root.join(&dir)).await {
                Ok(entries) => entries,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            while let Some(entry) = entries.next_entry().await? {
                let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                    continue;
                };
                let key = format!("{dir}/{name}");
                if entry.file_type().await?.is_dir() && depth < 2 {
                    dirs.push((key, depth + 1));
                } else {
                    files.push(FileKey(key));
                }
            }
        }
        Ok(files)
    }

    pub(super) async fn serve(&self, key: &FileKey, request: Request) -> Option<Response> {
        // ServeFile cannot fail as a service: I/O errors come back as responses.
        let response = match ServeFile::new(self.path(key)).oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        (response.status() != StatusCode::NOT_FOUND).then(|| response.map(axum::body::Body::new))
    }
}
