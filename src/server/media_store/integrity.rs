//! The media check: every media row marked complete has a whole file, every
//! character photo on record is stored and whole, and every file under `media/` and
//! `photos/` belongs to a row. Run it with `cyoa check-media`; tests run it too.

use crate::server::db::{self, Db};

use crate::domain::media::MediaKind;
use crate::server::media_store::{FileKey, MediaStore, ROOTS};
use crate::server::memory::photos::thumbnail_name;

#[derive(Debug, Default, PartialEq)]
pub struct IntegrityReport {
    /// Complete media rows and photo records checked.
    pub rows_checked: usize,
    /// Files checked in the store.
    pub files_checked: usize,
    /// Rows whose file is missing or damaged (`tier/story/file` or `tier/character/file`).
    pub broken: Vec<String>,
    /// Files no row refers to (left by a crash, or put there by hand).
    pub orphans: Vec<FileKey>,
}

#[derive(Debug, thiserror::Error)]
pub enum IntegrityError {
    #[error("could not read the database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("could not list the stored files: {0}")]
    Store(#[from] std::io::Error),
}

impl IntegrityReport {
    pub fn is_clean(&self) -> bool {
        self.broken.is_empty() && self.orphans.is_empty()
    }
}

pub async fn check(db: &Db, store: &MediaStore) -> Result<IntegrityReport, IntegrityError> {
    let mut report = IntegrityReport::default();
    let media: Vec<(String, String, MediaKind, String)> = db::query_as(
        // A finished file, or the one still shown while it is regenerated.
        "SELECT tier, story_id, kind, file_name FROM media WHERE status = 'complete' AND file_name IS NOT NULL
         UNION ALL
         SELECT tier, story_id, kind, previous_file FROM media WHERE status != 'complete' AND previous_file IS NOT NULL",
    )
    .fetch_all(db)
    .await?;
    let mut expected: Vec<FileKey> = Vec::with_capacity(media.len());
    for (tier, story, kind, file) in media {
        report.rows_checked += 1;
        let key = FileKey::media(&tier, &story, &file);
        if !store.is_intact(&key, kind).await {
            report.broken.push(format!("{tier}/{story}/{file}"));
        }
        expected.push(key);
    }
    // Scenes read aloud: their WAV files.
    for (tier, story, file) in crate::server::db::scene_audio::stored_files(db).await? {
        report.rows_checked += 1;
        let key = FileKey::media(&tier, &story, &file);
        if !store.exists(&key).await {
            report.broken.push(format!("{tier}/{story}/{file}"));
        }
        expected.push(key);
    }
    let photos: Vec<(String, String, String)> =
        db::query_as("SELECT tier, character_id, file FROM character_photos")
            .fetch_all(db)
            .await?;
    for (tier, character, file) in photos {
        report.rows_checked += 1;
        for name in [file.clone(), thumbnail_name(&file)] {
            let key = FileKey::photo(&tier, &character, &name);
            if !store.is_intact(&key, MediaKind::Image).await {
                report.broken.push(format!("{tier}/{character}/{name}"));
            }
            expected.push(key);
        }
    }
    // A picture's light copies may be there or not (made on demand); they are nobody's
    // orphans while their picture is expected.
    let stem = |key: &FileKey| {
        let name = key.file_name();
        key.sibling(name.rsplit_once('.').map_or(name, |(stem, _)| stem))
    };
    let mut expected_stems: Vec<FileKey> = expected.iter().map(stem).collect();
    expected_stems.sort();
    expected.sort();
    for root in ROOTS {
        for file in store.list(root).await? {
            report.files_checked += 1;
            let light_of_expected = crate::server::media::renditions::parse(file.file_name())
                .is_some_and(|(stem, _)| expected_stems.binary_search(&file.sibling(stem)).is_ok());
            if expected.binary_search(&file).is_err() && !light_of_expected {
                report.orphans.push(file);
            }
        }
    }
    report.orphans.sort();
    Ok(report)
}
