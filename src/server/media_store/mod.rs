//! Where pictures, clips and photos are kept: one interface over the data directory on this
//! machine (the embedded default, `disk`) and an S3-compatible bucket (hosted mode,
//! `bucket`). A file has the same key in both, `media/{tier}/{story}/{file}` or
//! `photos/{tier}/{character}/{file}`, so a family's data directory is also the layout of a
//! bucket. Every write is whole or absent: a temporary file renamed into place on disk, one
//! `PUT` in a bucket (an object appears only when all of it arrived).
//!
//! Everything about files lives here: `atomic` (whole-or-absent writes on disk), `whole`
//! (whether a picture's or clip's bytes are whole), `integrity` (the media check of rows
//! against files), and the two stores.

pub mod atomic;
mod bucket;
mod disk;
pub mod integrity;
mod presign;
mod remembered;
pub mod whole;

use std::io;

use axum::extract::Request;
use axum::response::Response;

use crate::domain::media::MediaKind;
use crate::server::config::Config;
use atomic::StorageFaults;

pub use bucket::BucketStore;
pub use disk::DiskStore;

/// A stored file's key. Its parts are ids made by this server or checked against the
/// database before they get here.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileKey(String);

/// The folder of one story's media or one character's photos.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder(String);

impl FileKey {
    /// A picture or clip of a story.
    pub fn media(tier: &str, story_id: &str, file: &str) -> FileKey {
        Folder::media(tier, story_id).file(file)
    }

    /// A character's photo (or its thumbnail).
    pub fn photo(tier: &str, character_id: &str, file: &str) -> FileKey {
        Folder::photos(tier, character_id).file(file)
    }

    /// Another file in the same folder (a picture's light copy).
    pub fn sibling(&self, file: &str) -> FileKey {
        match self.0.rsplit_once('/') {
            Some((folder, _)) => FileKey(format!("{folder}/{file}")),
            None => FileKey(file.to_owned()),
        }
    }

    pub fn file_name(&self) -> &str {
        self.0.rsplit_once('/').map_or(&self.0, |(_, name)| name)
    }

    /// `media/kids/…/abc.png`, as a report shows it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for FileKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Folder {
    pub fn media(tier: &str, story_id: &str) -> Folder {
        Folder(format!("media/{tier}/{story_id}"))
    }

    pub fn photos(tier: &str, character_id: &str) -> Folder {
        Folder(format!("photos/{tier}/{character_id}"))
    }

    pub fn file(&self, file: &str) -> FileKey {
        FileKey(format!("{}/{file}", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The two trees of stored files, each three levels deep (tier, story or character, file).
pub const ROOTS: [&str; 2] = ["media", "photos"];

/// The store of this instance.
#[derive(Debug, Clone)]
pub enum MediaStore {
    Disk(DiskStore),
    Bucket(std::sync::Arc<BucketStore>),
}

impl MediaStore {
    /// The data directory's store, with writes failing on purpose when `faults` says so.
    pub fn disk(data_dir: &std::path::Path, faults: &StorageFaults) -> MediaStore {
        MediaStore::Disk(DiskStore::new(data_dir, faults))
    }

    /// The store the configuration names: the bucket (hosted mode), else the data directory.
    /// Fails only for a bucket address that is not a URL with a host.
    pub fn for_config(config: &Config, faults: &StorageFaults) -> Result<MediaStore, String> {
        Ok(match &config.bucket {
            Some(bucket) => {
                MediaStore::Bucket(std::sync::Arc::new(BucketStore::new(bucket, faults)?))
            }
            None => MediaStore::disk(&config.data_dir, faults),
        })
    }

    /// Where browsers fetch files from when it is not this server (the bucket's public
    /// address), for the pages' Content-Security-Policy.
    pub fn public_origin(&self) -> Option<&str> {
        match self {
            MediaStore::Disk(_) => None,
            MediaStore::Bucket(b) => Some(b.public_origin()),
        }
    }

    /// Stores `bytes` under `key`, whole or not at all (replacing what was there).
    pub async fn put(&self, key: &FileKey, bytes: &[u8]) -> io::Result<()> {
        match self {
            MediaStore::Disk(d) => d.put(key, bytes).await,
            MediaStore::Bucket(b) => b.put(key, bytes).await,
        }
    }

    /// A file written in pieces (a streamed download), in place only once committed.
    pub async fn writer(&self, key: &FileKey) -> io::Result<FileWriter> {
        match self {
            MediaStore::Disk(d) => Ok(FileWriter::Disk(d.writer(key).await?)),
            MediaStore::Bucket(b) => Ok(FileWriter::Bucket(b.writer(key))),
        }
    }

    /// The file's bytes (`ErrorKind::NotFound` when there is none).
    pub async fn get(&self, key: &FileKey) -> io::Result<Vec<u8>> {
        match self {
            MediaStore::Disk(d) => d.get(key).await,
            MediaStore::Bucket(b) => b.get(key).await,
        }
    }

    /// The file's length in bytes.
    pub async fn size(&self, key: &FileKey) -> io::Result<u64> {
        match self {
            MediaStore::Disk(d) => d.size(key).await,
            MediaStore::Bucket(b) => b.size(key).await,
        }
    }

    pub async fn exists(&self, key: &FileKey) -> bool {
        match self {
            MediaStore::Disk(d) => d.exists(key).await,
            MediaStore::Bucket(b) => b.exists(key).await,
        }
    }

    /// Whether the file is there and whole (`media_check`): an empty or cut-off file counts
    /// as none.
    pub async fn is_intact(&self, key: &FileKey, kind: MediaKind) -> bool {
        match self {
            MediaStore::Disk(d) => d.is_intact(key, kind).await,
            MediaStore::Bucket(b) => b.is_intact(key, kind).await,
        }
    }

    /// [`MediaStore::is_intact`] for many files, answered in their order.
    pub async fn are_intact(&self, files: Vec<(FileKey, MediaKind)>) -> Vec<bool> {
        match self {
            MediaStore::Disk(d) => d.are_intact(files).await,
            MediaStore::Bucket(b) => b.are_intact(files).await,
        }
    }

    /// Removes a file; one already gone is fine.
    pub async fn remove(&self, key: &FileKey) -> io::Result<()> {
        match self {
            MediaStore::Disk(d) => d.remove(key).await,
            MediaStore::Bucket(b) => b.remove(key).await,
        }
    }

    /// Removes a folder and everything in it; one already gone is fine.
    pub async fn remove_folder(&self, folder: &Folder) -> io::Result<()> {
        match self {
            MediaStore::Disk(d) => d.remove_folder(folder).await,
            MediaStore::Bucket(b) => b.remove_folder(folder).await,
        }
    }

    /// Removes the folder if nothing is left in it (on disk; a bucket has no folders).
    pub async fn remove_empty_folder(&self, folder: &Folder) {
        match self {
            MediaStore::Disk(d) => d.remove_empty_folder(folder).await,
            MediaStore::Bucket(_) => {}
        }
    }

    /// Every file under `root` (one of [`ROOTS`]).
    pub async fn list(&self, root: &str) -> io::Result<Vec<FileKey>> {
        match self {
            MediaStore::Disk(d) => d.list(root).await,
            MediaStore::Bucket(b) => b.list(root).await,
        }
    }

    /// Answers `request` for a file already checked to be the tier's: the bytes with their
    /// type, Range requests answered (a `<video>` seeks with them); `None` when it is gone.
    pub async fn serve(&self, key: &FileKey, request: Request) -> Option<Response> {
        match self {
            MediaStore::Disk(d) => d.serve(key, request).await,
            MediaStore::Bucket(b) => b.serve(key, request).await,
        }
    }

    /// Whether files can be written now, checked by writing and removing a small one (the
    /// status page's storage line).
    pub async fn probe_write(&self) -> io::Result<()> {
        // A hidden `.tmp` name: if a crash leaves it on disk, the start-up sweep removes it.
        let key = FileKey("media/.status-probe.tmp".to_owned());
        let written = self.put(&key, b"ok").await;
        let _ = self.remove(&key).await;
        written
    }
}

/// A file being written in pieces ([`MediaStore::writer`]). Dropped without a commit, it
/// leaves nothing behind.
pub enum FileWriter {
    Disk(atomic::AtomicFile),
    Bucket(bucket::BucketWriter),
}

impl FileWriter {
    pub async fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            FileWriter::Disk(f) => f.write(bytes).await,
            FileWriter::Bucket(b) => b.write(bytes),
        }
    }

    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        match self {
            FileWriter::Disk(f) => f.len(),
            FileWriter::Bucket(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Puts the file in place, whole, or fails leaving nothing.
    pub async fn commit(self) -> io::Result<()> {
        match self {
            FileWriter::Disk(f) => f.commit().await,
            FileWriter::Bucket(b) => b.commit().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_the_same_place_on_disk_and_in_a_bucket() {
        let key = FileKey::media("kids", "s1", "c1.png");
        assert_eq!(key.as_str(), "media/kids/s1/c1.png");
        assert_eq!(key.file_name(), "c1.png");
        assert_eq!(
            key.sibling("c1.w384.jpg").as_str(),
            "media/kids/s1/c1.w384.jpg"
        );
        assert_eq!(
            FileKey::photo("adult", "p", "a.jpg").as_str(),
            "photos/adult/p/a.jpg"
        );
        assert_eq!(Folder::media("kids", "s1").as_str(), "media/kids/s1");
    }
}
