//! The media check (SC-006): every media row marked complete has a whole file, every
//! character photo on record is on disk and whole, and every file under `media/` and `photos/`
//! belongs to a row. Run it with `cyoa check-media`; tests run it too.

use std::path::{Path, PathBuf};

use crate::server::db::{self, Db};

use crate::domain::media::MediaKind;
use crate::server::memory::photos::thumbnail_name;
use crate::server::storage;

#[derive(Debug, Default, PartialEq)]
pub struct IntegrityReport {
    /// Complete media rows and photo records checked.
    pub rows_checked: usize,
    /// Files checked on disk.
    pub files_checked: usize,
    /// Rows whose file is missing or damaged (`tier/story/file` or `tier/character/file`).
    pub broken: Vec<String>,
    /// Files no row refers to (left by a crash, or put there by hand).
    pub orphans: Vec<PathBuf>,
}

impl IntegrityReport {
    pub fn is_clean(&self) -> bool {
        self.broken.is_empty() && self.orphans.is_empty()
    }
}

pub async fn check(db: &Db, data_dir: &Path) -> sqlx::Result<IntegrityReport> {
    let mut report = IntegrityReport::default();
    let media: Vec<(String, String, MediaKind, String)> = db::query_as(
        // A finished file, or the one still shown while it is regenerated.
        "SELECT tier, story_id, kind, file_name FROM media WHERE status = 'complete' AND file_name IS NOT NULL
         UNION ALL
         SELECT tier, story_id, kind, previous_file FROM media WHERE status != 'complete' AND previous_file IS NOT NULL",
    )
    .fetch_all(db)
    .await?;
    let mut expected: Vec<PathBuf> = Vec::with_capacity(media.len());
    for (tier, story, kind, file) in media {
        report.rows_checked += 1;
        let path = storage::media_path(data_dir, &tier, &story, &file);
        if !storage::is_intact(&path, kind).await {
            report.broken.push(format!("{tier}/{story}/{file}"));
        }
        expected.push(path);
    }
    let photos: Vec<(String, String, String)> =
        db::query_as("SELECT tier, id, photo_file FROM characters WHERE photo_file IS NOT NULL")
            .fetch_all(db)
            .await?;
    for (tier, character, file) in photos {
        report.rows_checked += 1;
        let dir = storage::photo_dir(data_dir, &tier, &character);
        for name in [file.clone(), thumbnail_name(&file)] {
            let path = dir.join(&name);
            if !storage::is_intact(&path, MediaKind::Image).await {
                report.broken.push(format!("{tier}/{character}/{name}"));
            }
            expected.push(path);
        }
    }
    // A picture's light copies may be there or not (made on demand); they are nobody's
    // orphans while their picture is expected.
    let mut expected_stems: Vec<PathBuf> = expected.iter().map(|p| p.with_extension("")).collect();
    expected_stems.sort();
    expected.sort();
    for root in ["media", "photos"] {
        for file in files_under(&data_dir.join(root)).await {
            report.files_checked += 1;
            let light_of_expected = file
                .file_name()
                .and_then(|f| f.to_str())
                .and_then(crate::server::media::renditions::parse)
                .is_some_and(|(stem, _)| {
                    expected_stems
                        .binary_search(&file.with_file_name(stem))
                        .is_ok()
                });
            if expected.binary_search(&file).is_err() && !light_of_expected {
                report.orphans.push(file);
            }
        }
    }
    report.orphans.sort();
    Ok(report)
}

/// Every file under `root` (three levels: tier, story or character, file).
async fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![(root.to_owned(), 0)];
    while let Some((dir, depth)) = dirs.pop() {
        let Ok(mut entries) = tokio::fs::read_dir(&dir).await else {
            continue;
        };
        while let Ok(Some(entry)) = entries.next_entry().await {
            let path = entry.path();
            match entry.file_type().await {
                Ok(t) if t.is_dir() && depth < 2 => dirs.push((path, depth + 1)),
                Ok(_) => files.push(path),
                Err(_) => {}
            }
        }
    }
    files
}
