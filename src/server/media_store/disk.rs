//! The data directory as the media store: `DATA_DIR/media/…` and `DATA_DIR/photos/…`, with
//! the whole-or-absent writes of `storage`.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

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
    /// Files found whole, by what their `stat` said then (see [`DiskStore::are_intact`]).
    whole: Arc<Mutex<HashMap<(PathBuf, MediaKind), Stamp>>>,
}

/// A file's inode, size and modification time: a file replaced since it was checked (stored
/// files are written whole and renamed into place) has another inode, one changed in place
/// another size or time.
type Stamp = (u64, u64, SystemTime);

/// At most this many remembered files; beyond, the memory starts again (a cheap bound).
const WHOLE_MAX: usize = 50_000;

impl DiskStore {
    pub fn new(data_dir: &Path, faults: &StorageFaults) -> DiskStore {
        DiskStore {
            root: data_dir.to_owned(),
            faults: faults.clone(),
            whole: Arc::default(),
        }
    }

    fn whole(&self) -> std::sync::MutexGuard<'_, HashMap<(PathBuf, MediaKind), Stamp>> {
        // A map of stamps cannot be left half-changed by a panic.
        self.whole.lock().unwrap_or_else(PoisonError::into_inner)
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
        self.are_intact(vec![(key.clone(), kind)])
            .await
            .first()
            .copied()
            .unwrap_or(false)
    }

    /// Whether each file is whole. A file found whole before, and unchanged since by its
    /// `stat`, is not read again, and a missing one is not read at all: only the others go to
    /// the blocking pool, together. A page shows the same files again and again, and the trip
    /// to that pool (two thread switches each way) cost it more CPU than anything it read;
    /// a `stat` is answered from the kernel's inode cache in about a microsecond, so it is
    /// made here. A file damaged in place changes its size or time and is checked again.
    pub(super) async fn are_intact(&self, files: Vec<(FileKey, MediaKind)>) -> Vec<bool> {
        let mut answers = vec![false; files.len()];
        let mut to_check = Vec::new();
        {
            let whole = self.whole();
            for (at, (key, kind)) in files.into_iter().enumerate() {
                let path = self.path(&key);
                let Some(stamp) = stamp_of(&path) else {
                    continue;
                };
                if whole.get(&(path.clone(), kind)) == Some(&stamp) {
                    answers[at] = true;
                } else {
                    to_check.push((at, path, kind, stamp));
                }
            }
        }
        if to_check.is_empty() {
            return answers;
        }
        let paths = to_check
            .iter()
            .map(|(_, path, kind, _)| (path.clone(), *kind))
            .collect();
        let checked = media_check::files_are_whole(paths).await;
        let mut whole = self.whole();
        if whole.len() + to_check.len() > WHOLE_MAX {
            whole.clear();
        }
        for ((at, path, kind, stamp), is_whole) in to_check.into_iter().zip(checked) {
            answers[at] = is_whole;
            if is_whole {
                whole.insert((path, kind), stamp);
            } else {
                whole.remove(&(path, kind));
            }
        }
        answers
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

/// The file's [`Stamp`], or `None` when it cannot be read (missing).
fn stamp_of(path: &Path) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.ino(), meta.len(), meta.modified().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::imaging::Canvas;

    #[tokio::test]
    async fn a_whole_file_is_remembered_until_it_changes_or_goes() {
        let dir = tempfile::tempdir().expect("dir");
        let store = DiskStore::new(dir.path(), &StorageFaults::default());
        let key = FileKey::media("kids", "story1", "scene1.png");
        let png = Canvas::new(16, 16).to_png();
        store.put(&key, &png).await.expect("put");
        let file = (key.clone(), MediaKind::Image);
        assert_eq!(store.are_intact(vec![file.clone()]).await, vec![true]);
        assert_eq!(store.whole().len(), 1, "remembered");
        assert_eq!(store.are_intact(vec![file.clone()]).await, vec![true]);

        // Cut off in place (as a full disk would leave it): checked again, and not whole.
        let path = store.path(&key);
        std::fs::write(&path, &png[..png.len() / 2]).expect("cut off");
        assert_eq!(store.are_intact(vec![file.clone()]).await, vec![false]);
        assert!(store.whole().is_empty(), "forgotten");

        // Replaced by a whole file of the same size (renamed into place): a new inode.
        store.put(&key, &png).await.expect("put again");
        assert!(store.is_intact(&key, MediaKind::Image).await);
        let other = dir.path().join("other.png");
        std::fs::write(&other, b"x".repeat(png.len())).expect("same size");
        std::fs::rename(&other, &path).expect("replace");
        assert!(!store.is_intact(&key, MediaKind::Image).await);

        // Gone: not whole, and nothing read.
        std::fs::remove_file(&path).expect("remove");
        assert_eq!(store.are_intact(vec![file]).await, vec![false]);
    }
}
