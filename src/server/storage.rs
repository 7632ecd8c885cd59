//! Media and photo files on disk: tier-scoped paths, deletion, and atomic writes (temp file, fsync, rename), so
//! a crash or a full disk never leaves a half-written file where a reader would find it.

use std::path::{Path, PathBuf};

use tokio::io::AsyncWriteExt;

/// `media/{tier}/{story}/{file_name}` under the data directory. The parts are ids made by
/// this server or checked against the database before they get here.
pub fn media_path(data_dir: &Path, tier: &str, story_id: &str, file_name: &str) -> PathBuf {
    data_dir
        .join("media")
        .join(tier)
        .join(story_id)
        .join(file_name)
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
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("media path has no parent directory"))?;
    tokio::fs::create_dir_all(dir).await?;
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("media");
    let tmp = dir.join(format!(
        ".{file_name}.{}.tmp",
        uuid::Uuid::new_v4().simple()
    ));
    let written = async {
        let mut file = tokio::fs::File::create(&tmp).await?;
        file.write_all(bytes).await?;
        file.sync_all().await?;
        tokio::fs::rename(&tmp, path).await
    }
    .await;
    if written.is_err() {
        // Best effort: the temp file is garbage either way.
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    written
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
