//! The data directory as the media store: `DATA_DIR/media/…` and `DATA_DIR/photos/…`, with
//! the whole-or-absent writes of `storage`.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::Response;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use super::atomic::{self, AtomicFile, StorageFaults};
use super::remembered::Remembered;
use super::whole;
use super::{FileKey, Folder};
use crate::domain::media::MediaKind;

#[derive(Debug, Clone)]
pub struct DiskStore {
    root: PathBuf,
    faults: StorageFaults,
    /// Files found whole, as what kind and by what their `stat` said then (see
    /// [`DiskStore::are_intact`]).
    whole: Remembered<(MediaKind, Stamp)>,
    /// [`SETTLED_AFTER`], shorter in tests.
    settled_after: Duration,
}

/// What a file's `stat` says of its identity and contents: a file replaced since it was
/// checked (stored files are written whole and renamed into place) has another inode, one
/// changed in place another size, modification or change time (the last cannot be set back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    device: u64,
    inode: u64,
    size: u64,
    modified: (i64, i64),
    changed: (i64, i64),
}

/// A file changed this recently is not remembered: a second change within the file system's
/// clock tick could leave its stamp as it was (git's "racily clean" rule).
const SETTLED_AFTER: Duration = Duration::from_secs(2);

impl DiskStore {
    pub fn new(data_dir: &Path, faults: &StorageFaults) -> DiskStore {
        DiskStore {
            root: data_dir.to_owned(),
            faults: faults.clone(),
            whole: Remembered::new(),
            settled_after: SETTLED_AFTER,
        }
    }

    /// Where `key` lives on disk.
    pub fn path(&self, key: &FileKey) -> PathBuf {
        self.root.join(key.as_str())
    }

    pub(super) async fn put(&self, key: &FileKey, bytes: &[u8]) -> io::Result<()> {
        atomic::write_atomic(&self.path(key), bytes, &self.faults).await
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

    /// Whether each file is whole. A page shows the same files again and again, and a trip
    /// to the blocking pool (two thread switches each way) cost it more CPU than anything it
    /// read. So a file found whole before is only `stat`ed, here, and is whole while its
    /// [`Stamp`] is unchanged: a page's files are asked for again and again, so their inodes
    /// stay in the kernel's cache and the `stat` takes about a microsecond (the data directory
    /// is a local disk). Every other
    /// file is stamped and read in one trip to the blocking pool, where a slow disk blocks
    /// nothing else; no lock is held meanwhile.
    pub(super) async fn are_intact(&self, files: Vec<(FileKey, MediaKind)>) -> Vec<bool> {
        let known = self.whole.get_all(files.iter().map(|(key, _)| key));
        let mut answers = vec![false; files.len()];
        let mut to_check = Vec::new();
        for (at, ((key, kind), known)) in files.into_iter().zip(known).enumerate() {
            let path = self.path(&key);
            match known {
                Some((as_kind, stamp)) if as_kind == kind && stamp_of(&path) == Some(stamp) => {
                    answers[at] = true;
                }
                _ => to_check.push((at, key, kind, path)),
            }
        }
        if to_check.is_empty() {
            return answers;
        }
        let paths: Vec<(PathBuf, MediaKind)> = to_check
            .iter()
            .map(|(_, _, kind, path)| (path.clone(), *kind))
            .collect();
        let count = paths.len();
        // Stamped before it is read: a change during the read gives it another stamp.
        let checked: Vec<Option<Stamp>> = tokio::task::spawn_blocking(move || {
            paths
                .iter()
                .map(|(path, kind)| {
                    let stamp = stamp_of(path)?;
                    whole::file_is_whole(path, *kind).then_some(stamp)
                })
                .collect()
        })
        .await
        .unwrap_or_else(|_| vec![None; count]);
        let settled = settled_before(self.settled_after);
        let mut seen = Vec::with_capacity(count);
        for ((at, key, kind, _), stamp) in to_check.into_iter().zip(checked) {
            answers[at] = stamp.is_some();
            let settled = stamp.filter(|stamp| stamp.changed < settled);
            seen.push((key, settled.map(|stamp| (kind, stamp))));
        }
        self.whole.set_all(seen);
        answers
    }

    pub(super) async fn remove(&self, key: &FileKey) -> io::Result<()> {
        self.whole.forget(key);
        atomic::remove_file(&self.path(key)).await
    }

    pub(super) async fn remove_folder(&self, folder: &Folder) -> io::Result<()> {
        atomic::remove_dir(&self.root.join(folder.as_str())).await
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
    Some(Stamp {
        device: meta.dev(),
        inode: meta.ino(),
        size: meta.size(),
        modified: (meta.mtime(), meta.mtime_nsec()),
        changed: (meta.ctime(), meta.ctime_nsec()),
    })
}

/// The change time before which a file counts as settled, `after` since its change.
fn settled_before(after: Duration) -> (i64, i64) {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .saturating_sub(after);
    (
        i64::try_from(now.as_secs()).unwrap_or(i64::MAX),
        i64::from(now.subsec_nanos()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use imaging::Canvas;

    fn remembered(store: &DiskStore) -> usize {
        store.whole.len()
    }

    #[tokio::test]
    async fn a_whole_file_is_remembered_until_it_changes_or_goes() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = DiskStore::new(dir.path(), &StorageFaults::default());
        let key = FileKey::media("kids", "story1", "scene1.png");
        let png = Canvas::new(16, 16).to_png();
        store.put(&key, &png).await.expect("put");
        let file = (key.clone(), MediaKind::Image);

        // Just written: whole, but not remembered until it has settled.
        assert_eq!(store.are_intact(vec![file.clone()]).await, vec![true]);
        assert_eq!(remembered(&store), 0);
        store.settled_after = Duration::ZERO;
        assert_eq!(store.are_intact(vec![file.clone()]).await, vec![true]);
        assert_eq!(remembered(&store), 1);
        assert_eq!(store.are_intact(vec![file.clone()]).await, vec![true]);

        // Cut off in place (as a full disk would leave it): checked again, and not whole.
        let path = store.path(&key);
        std::fs::write(&path, &png[..png.len() / 2]).expect("cut off");
        assert_eq!(store.are_intact(vec![file.clone()]).await, vec![false]);
        assert_eq!(remembered(&store), 0, "forgotten");

        // Replaced by another file of the same size, renamed into place: checked again.
        store.put(&key, &png).await.expect("put again");
        assert!(store.is_intact(&key, MediaKind::Image).await);
        let other = dir.path().join("other.png");
        std::fs::write(&other, b"x".repeat(png.len())).expect("same size");
        std::fs::rename(&other, &path).expect("replace");
        assert!(!store.is_intact(&key, MediaKind::Image).await);

        // Removed through the store: forgotten; gone: not whole.
        store.put(&key, &png).await.expect("put a third time");
        assert!(store.is_intact(&key, MediaKind::Image).await);
        assert_eq!(remembered(&store), 1);
        store.remove(&key).await.expect("remove");
        assert_eq!(remembered(&store), 0);
        assert_eq!(store.are_intact(vec![file]).await, vec![false]);
    }
}
