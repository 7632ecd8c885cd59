//! Media and photo files on disk: tier-scoped paths, deletion, and atomic writes (temp file, fsync, rename), so
//! a crash or a full disk never leaves a half-written file where a reader would find it.

use std::path::{Path, PathBuf};

use tokio::io::AsyncWriteExt;

use crate::domain::media::MediaKind;

/// `media/{tier}/{story}/{file_name}` under the data directory. The parts are ids made by
/// this server or checked against the database before they get here.
pub fn media_path(data_dir: &Path, tier: &str, story_id: &str, file_name: &str) -> PathBuf {
    data_dir
        .join("media")
        .join(tier)
        .join(story_id)
        .join(file_name)
}

/// `media/{tier}/{story}/`: every image and clip of one story.
pub fn media_dir(data_dir: &Path, tier: &str, story_id: &str) -> PathBuf {
    data_dir.join("media").join(tier).join(story_id)
}

/// `photos/{tier}/{character}/` under the data directory: one character's photo files.
pub fn photo_dir(data_dir: &Path, tier: &str, character_id: &str) -> PathBuf {
    data_dir.join("photos").join(tier).join(character_id)
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

pub async fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = AtomicFile::create(path).await?;
    file.write(bytes).await?;
    file.commit().await
}

/// A file written in pieces (a streamed download) to a temporary name beside its place,
/// then renamed into place by [`AtomicFile::commit`]. Dropped without a commit, the
/// temporary file is removed: a failed or interrupted write leaves nothing behind.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    file: Option<tokio::fs::File>,
    written: u64,
}

impl AtomicFile {
    pub async fn create(dest: &Path) -> std::io::Result<AtomicFile> {
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
        })
    }

    pub async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let file = self
            .file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("file already committed"))?;
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

    /// Flushes to disk and renames into place.
    pub async fn commit(mut self) -> std::io::Result<()> {
        let file = self
            .file
            .take()
            .ok_or_else(|| std::io::Error::other("file already committed"))?;
        let done = async {
            file.sync_all().await?;
            drop(file);
            tokio::fs::rename(&self.tmp, &self.dest).await
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

/// Whether a finished media file is there and looks whole: an image must exist; a clip
/// must be an MP4 (an `ftyp` box first). Anything else is treated as no file at all.
pub async fn is_intact(path: &Path, kind: MediaKind) -> bool {
    use tokio::io::AsyncReadExt;
    match kind {
        MediaKind::Image => tokio::fs::try_exists(path).await.unwrap_or(false),
        MediaKind::Video => {
            let Ok(mut file) = tokio::fs::File::open(path).await else {
                return false;
            };
            let mut head = [0u8; 12];
            file.read_exact(&mut head).await.is_ok() && &head[4..8] == b"ftyp"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writes_atomically_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = media_path(dir.path(), "kids", "s1", "c1.png");
        write_atomic(&path, b"one").await.expect("write");
        write_atomic(&path, b"two").await.expect("overwrite");
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
        let mut file = AtomicFile::create(&path).await.expect("create");
        file.write(b"half a clip").await.expect("write");
        drop(file);
        let entries = std::fs::read_dir(path.parent().expect("dir"))
            .expect("ls")
            .count();
        assert_eq!(entries, 0);
        assert!(!is_intact(&path, MediaKind::Video).await);
        write_atomic(&path, b"garbage, not an mp4")
            .await
            .expect("write");
        assert!(!is_intact(&path, MediaKind::Video).await);
        write_atomic(&path, b"\0\0\0\x18ftypisom....")
            .await
            .expect("write");
        assert!(is_intact(&path, MediaKind::Video).await);
    }

    #[tokio::test]
    async fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A directory where the file should go makes the rename fail.
        let path = media_path(dir.path(), "kids", "s1", "c1.png");
        std::fs::create_dir_all(path.join("occupied")).expect("mkdir");
        assert!(write_atomic(&path, b"x").await.is_err());
        let names: Vec<_> = std::fs::read_dir(path.parent().expect("dir"))
            .expect("ls")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("c1.png")]);
    }
}
