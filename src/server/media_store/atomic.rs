//! Media and photo files on disk: tier-scoped paths, deletion, and whole-or-absent writes
//! (temp file, flush, fsync, length check, rename, directory fsync), so a crash or a full
//! disk never leaves a half-written file where a reader would find it. Writes can be made to
//! fail on purpose ([`StorageFaults`]), so tests can fill the disk at each step.

use std::io::{Error, ErrorKind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use tokio::io::AsyncWriteExt;

/// The step of a file write a [`StorageFaults`] can fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum WriteStep {
    Write = 1,
    Flush = 2,
    Rename = 3,
}

/// Injected storage failures: every write fails at the armed step with "no space left on
/// device", as a full disk does, until disarmed. Off (one atomic load per step) unless a
/// test arms it.
#[derive(Debug, Clone, Default)]
pub struct StorageFaults(Arc<AtomicU8>);

impl StorageFaults {
    pub fn fail_at(&self, step: Option<WriteStep>) {
        self.0.store(step.map_or(0, |s| s as u8), Ordering::SeqCst);
    }

    /// Fails as a full disk does when armed at `step`.
    pub(crate) fn check(&self, step: WriteStep) -> std::io::Result<()> {
        if self.0.load(Ordering::SeqCst) == step as u8 {
            return Err(Error::new(
                ErrorKind::StorageFull,
                format!("no space left on device (injected at {step:?})"),
            ));
        }
        Ok(())
    }
}

/// Whether an I/O error means the disk is full (or the quota is used up).
pub fn is_storage_full(e: &Error) -> bool {
    matches!(e.kind(), ErrorKind::StorageFull | ErrorKind::QuotaExceeded)
}

/// `media/{tier}/{story}/{file_name}` under the data directory. The parts are ids made by
/// this server or checked against the database before they get here.
pub fn media_path(data_dir: &Path, tier: &str, story_id: &str, file_name: &str) -> PathBuf {
    data_dir
        .join("media")
        .join(tier)
        .join(story_id)
        .join(file_name)
}

/// Removes a directory and everything in it; one already gone is fine.
pub async fn remove_dir(dir: &Path) -> std::io::Result<()> {
    match tokio::fs::remove_dir_all(dir).await {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Removes a file; one already gone is fine.
pub async fn remove_file(path: &Path) -> std::io::Result<()> {
    match tokio::fs::remove_file(path).await {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

pub async fn write_atomic(
    path: &Path,
    bytes: &[u8],
    faults: &StorageFaults,
) -> std::io::Result<()> {
    let mut file = AtomicFile::create(path, faults).await?;
    file.write(bytes).await?;
    file.commit().await
}

/// The name of a temporary file of [`AtomicFile`]: hidden, with the final name inside.
fn is_temp_name(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".tmp")
}

/// How long a temporary file must have been left alone before a sweep takes it when other
/// instances may be writing into the same directory: a live write touches its file with
/// every chunk, and no chunk of a provider's download waits this long.
pub const SHARED_TEMP_GRACE: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Removes the temporary files that interrupted writes left (a crash between create and
/// rename) under `dir`, at any depth, untouched for at least `older_than`; answers how
/// many. Called at start-up, before any job of this instance runs (zero when no other
/// instance shares the directory, [`SHARED_TEMP_GRACE`] when one may be writing), and by
/// `check-media --fix`.
pub fn sweep_temp_files(dir: &Path, older_than: std::time::Duration) -> std::io::Result<usize> {
    let mut removed = 0;
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            removed += sweep_temp_files(&path, older_than)?;
        } else if entry.file_name().to_str().is_some_and(is_temp_name)
            && untouched_for(&entry, older_than)
        {
            match std::fs::remove_file(&path) {
                Ok(()) => removed += 1,
                // Its write finished (renamed) or failed (removed) meanwhile.
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(removed)
}

fn untouched_for(entry: &std::fs::DirEntry, age: std::time::Duration) -> bool {
    if age.is_zero() {
        return true;
    }
    let modified = entry.metadata().and_then(|m| m.modified());
    // A file whose time cannot be read is left alone: it may be another instance's.
    modified.is_ok_and(|at| at.elapsed().is_ok_and(|elapsed| elapsed >= age))
}

/// A file written in pieces (a streamed download) to a temporary name beside its place,
/// then renamed into place by [`AtomicFile::commit`]. Dropped without a commit, the
/// temporary file is removed: a failed or interrupted write leaves nothing behind.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    file: Option<tokio::fs::File>,
    written: u64,
    faults: StorageFaults,
}

impl AtomicFile {
    pub async fn create(dest: &Path, faults: &StorageFaults) -> std::io::Result<AtomicFile> {
        let dir = dest
            .parent()
            .ok_or_else(|| std::io::Error::other("media path has no parent directory"))?;
        tokio::fs::create_dir_all(dir).await?;
        let file_name = dest.file_name().and_then(|n| n.to_str()).unwrap_or("media");
        let tmp = dir.join(format!(
            ".{file_name}.{}.tmp",
            uuid::Uuid::new_v4().simple()
        ));
        let file = tokio::fs::File::create(&tmp).await?;
        Ok(AtomicFile {
            tmp,
            dest: dest.to_owned(),
            file: Some(file),
            written: 0,
            faults: faults.clone(),
        })
    }

    pub async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let file = self
            .file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("file already committed"))?;
        self.faults.check(WriteStep::Write)?;
        file.write_all(bytes).await?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.written
    }

    pub fn is_empty(&self) -> bool {
        self.written == 0
    }

    /// Puts the file in place only when it is whole: flush (a write error that tokio still
    /// holds surfaces here), fsync, check that the length on disk is what was written,
    /// rename, then fsync the directory so the rename survives a crash. Any failure leaves
    /// no file under either name.
    pub async fn commit(mut self) -> std::io::Result<()> {
        let mut file = self
            .file
            .take()
            .ok_or_else(|| std::io::Error::other("file already committed"))?;
        let done = async {
            self.faults.check(WriteStep::Flush)?;
            file.flush().await?;
            file.sync_all().await?;
            let on_disk = file.metadata().await?.len();
            if on_disk != self.written {
                return Err(Error::other(format!(
                    "{on_disk} bytes on disk, {} written",
                    self.written
                )));
            }
            drop(file);
            self.faults.check(WriteStep::Rename)?;
            tokio::fs::rename(&self.tmp, &self.dest).await?;
            if let Some(dir) = self.dest.parent() {
                tokio::fs::File::open(dir).await?.sync_all().await?;
            }
            Ok(())
        }
        .await;
        if done.is_ok() {
            // Renamed: nothing left for Drop to clean up.
            self.tmp = PathBuf::new();
        }
        done
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            // Best effort: the temp file is garbage either way.
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::media::MediaKind;
    use crate::server::media_store::whole;

    #[tokio::test]
    async fn writes_atomically_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = media_path(dir.path(), "kids", "s1", "c1.png");
        write_atomic(&path, b"one", &StorageFaults::default())
            .await
            .expect("write");
        write_atomic(&path, b"two", &StorageFaults::default())
            .await
            .expect("overwrite");
        assert_eq!(std::fs::read(&path).expect("read"), b"two");
        let entries = std::fs::read_dir(path.parent().expect("dir"))
            .expect("ls")
            .count();
        assert_eq!(entries, 1);
    }

    #[tokio::test]
    async fn a_dropped_stream_leaves_nothing_and_only_mp4s_count_as_clips() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = media_path(dir.path(), "kids", "s1", "c1.mp4");
        let mut file = AtomicFile::create(&path, &StorageFaults::default())
            .await
            .expect("create");
        file.write(b"half a clip").await.expect("write");
        drop(file);
        let entries = std::fs::read_dir(path.parent().expect("dir"))
            .expect("ls")
            .count();
        assert_eq!(entries, 0);
        assert!(!whole::file_is_whole(&path, MediaKind::Video));
        write_atomic(&path, b"garbage, not an mp4", &StorageFaults::default())
            .await
            .expect("write");
        assert!(!whole::file_is_whole(&path, MediaKind::Video));
        write_atomic(
            &path,
            b"\0\0\0\x10ftypisom\0\0\0\0\0\0\0\x08moov",
            &StorageFaults::default(),
        )
        .await
        .expect("write");
        assert!(whole::file_is_whole(&path, MediaKind::Video));
    }

    #[tokio::test]
    async fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A directory where the file should go makes the rename fail.
        let path = media_path(dir.path(), "kids", "s1", "c1.png");
        std::fs::create_dir_all(path.join("occupied")).expect("mkdir");
        assert!(write_atomic(&path, b"x", &StorageFaults::default())
            .await
            .is_err());
        let names: Vec<_> = std::fs::read_dir(path.parent().expect("dir"))
            .expect("ls")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("c1.png")]);
    }

    #[tokio::test]
    async fn a_full_disk_at_any_step_leaves_no_file_under_either_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = media_path(dir.path(), "kids", "s1", "c1.png");
        let faults = StorageFaults::default();
        for step in [WriteStep::Write, WriteStep::Flush, WriteStep::Rename] {
            faults.fail_at(Some(step));
            let e = write_atomic(&path, b"a picture", &faults)
                .await
                .expect_err("the disk is full");
            assert!(is_storage_full(&e), "{step:?}: {e}");
            let left: Vec<_> = std::fs::read_dir(path.parent().expect("dir"))
                .expect("ls")
                .collect();
            assert!(left.is_empty(), "{step:?} left {left:?}");
        }
        faults.fail_at(None);
        write_atomic(&path, b"a picture", &faults)
            .await
            .expect("space is back");
        assert_eq!(std::fs::read(&path).expect("read"), b"a picture");
    }

    #[test]
    fn leftover_temp_files_are_swept_and_nothing_else() {
        let dir = tempfile::tempdir().expect("tempdir");
        let story = dir.path().join("media/kids/s1");
        std::fs::create_dir_all(&story).expect("mkdir");
        std::fs::write(story.join(".c1.mp4.0123.tmp"), b"half").expect("write");
        std::fs::write(story.join("c1.png"), b"whole").expect("write");
        assert_eq!(
            sweep_temp_files(dir.path(), std::time::Duration::ZERO).expect("sweep"),
            1
        );
        let names: Vec<_> = std::fs::read_dir(&story)
            .expect("ls")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("c1.png")]);
    }

    #[test]
    fn with_a_grace_only_temp_files_left_alone_that_long_are_swept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let story = dir.path().join("media/kids/s1");
        std::fs::create_dir_all(&story).expect("mkdir");
        let live = story.join(".c1.mp4.live.tmp");
        let left = story.join(".c2.mp4.left.tmp");
        std::fs::write(&live, b"being written").expect("write");
        std::fs::write(&left, b"abandoned").expect("write");
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&left)
            .and_then(|f| f.set_modified(an_hour_ago))
            .expect("age the file");
        assert_eq!(
            sweep_temp_files(dir.path(), SHARED_TEMP_GRACE).expect("sweep"),
            1
        );
        assert!(live.exists() && !left.exists());
    }
}
