//! Reference photos in the media store: `photos/{tier}/{character}/{photo}.{png,jpg}` plus a
//! small `{photo}.thumb.png` for the character card. An upload is decoded completely before
//! anything is written; a photo missing or corrupt later counts as absent.

use super::MemoryError;
use crate::domain::profile::{PhotoUploaded, PhotoView};
use crate::domain::TierSpec;
use crate::server::db::new_id;
use crate::server::db::profiles::{self as repo, CharacterRow, PhotoRecord};
use crate::server::media_store::{FileKey, Folder};
use crate::server::state::AppState;
use imaging::{self, photo, PhotoFormat};

/// A photo ready to send to an image provider.
#[derive(Debug, Clone)]
pub struct ReferencePhoto {
    /// The character's name, for the prompt and the upload's file name.
    pub character: String,
    pub bytes: Vec<u8>,
    pub format: PhotoFormat,
}

pub fn thumbnail_name(photo_file: &str) -> String {
    let stem = photo_file
        .rsplit_once('.')
        .map_or(photo_file, |(stem, _)| stem);
    format!("{stem}.thumb.png")
}

/// Checks and stores a new photo for the character, replacing (and deleting) the old one.
pub async fn store(
    state: &AppState,
    tier: &'static TierSpec,
    character_id: &str,
    bytes: Vec<u8>,
) -> Result<PhotoUploaded, MemoryError> {
    if repo::find_character(&state.db, tier.name, character_id)
        .await?
        .is_none()
    {
        return Err(MemoryError::NotFound);
    }
    if bytes.is_empty() {
        return Err(MemoryError::NoPhoto);
    }
    // Decoding a 5 MB JPEG takes a while: keep it off the request threads.
    let (bytes, decoded) = tokio::task::spawn_blocking(move || {
        let decoded = photo::decode(&bytes);
        (bytes, decoded)
    })
    .await
    .map_err(|e| MemoryError::DecoderCrashed(e.to_string()))?;
    let decoded = decoded?;
    let file = format!("{}.{}", new_id(), decoded.format.extension());
    let thumb = imaging::thumbnail(&decoded);
    let original_key = FileKey::photo(tier.name, character_id, &file);
    let thumb_key = original_key.sibling(&thumbnail_name(&file));
    let written = async {
        state.store.put(&original_key, &bytes).await?;
        state.store.put(&thumb_key, &thumb).await
    }
    .await;
    if let Err(e) = written {
        let _ = state.store.remove(&original_key).await;
        let _ = state.store.remove(&thumb_key).await;
        return Err(MemoryError::Storage(e));
    }
    let record = PhotoRecord {
        file: &file,
        width: decoded.width,
        height: decoded.height,
    };
    let old = match repo::set_photo(&state.db, tier.name, character_id, Some(record)).await {
        Ok(old) => old,
        Err(e) => {
            // The character went away meanwhile (or the database failed): keep no orphan.
            let _ = state.store.remove(&original_key).await;
            let _ = state.store.remove(&thumb_key).await;
            return Err(match e {
                sqlx::Error::RowNotFound => MemoryError::NotFound,
                e => MemoryError::Db(e),
            });
        }
    };
    if let Some(old) = old {
        delete_files(state, tier.name, character_id, &old).await;
    }
    let photo = PhotoView {
        thumbnail_url: thumbnail_url(tier.name, character_id, &file),
        width: decoded.width,
        height: decoded.height,
    };
    let warning = photo.small_warning();
    tracing::info!(
        tier = tier.name,
        character_id,
        width = photo.width,
        height = photo.height,
        "reference photo stored"
    );
    Ok(PhotoUploaded { photo, warning })
}

/// Removes the character's photo (record and files).
pub async fn remove(
    state: &AppState,
    tier: &'static TierSpec,
    character_id: &str,
) -> Result<(), MemoryError> {
    let old = repo::set_photo(&state.db, tier.name, character_id, None)
        .await
        .map_err(|e| match e {
            sqlx::Error::RowNotFound => MemoryError::NotFound,
            e => MemoryError::Db(e),
        })?;
    if let Some(old) = old {
        delete_files(state, tier.name, character_id, &old).await;
    }
    Ok(())
}

async fn delete_files(state: &AppState, tier: &str, character_id: &str, file: &str) {
    for name in [file.to_owned(), thumbnail_name(file)] {
        if let Err(e) = state
            .store
            .remove(&FileKey::photo(tier, character_id, &name))
            .await
        {
            tracing::warn!(error = %e, character_id, "could not delete an old photo file");
        }
    }
}

/// Deletes every photo file of a character (after its row is gone).
pub async fn delete_all(state: &AppState, tier: &str, character_id: &str) {
    let folder = Folder::photos(tier, character_id);
    if let Err(e) = state.store.remove_folder(&folder).await {
        tracing::warn!(error = %e, character_id, "could not delete a character's photos");
    }
}

pub fn thumbnail_url(tier: &str, character_id: &str, photo_file: &str) -> String {
    crate::domain::urls::photo(tier, character_id, &thumbnail_name(photo_file))
}

/// The card's photo, when its files are on disk.
pub async fn view(state: &AppState, row: &CharacterRow) -> Option<PhotoView> {
    let file = row.photo_file.as_deref()?;
    for name in [file.to_owned(), thumbnail_name(file)] {
        if !state
            .store
            .exists(&FileKey::photo(&row.tier, &row.id, &name))
            .await
        {
            return None;
        }
    }
    Some(PhotoView {
        thumbnail_url: thumbnail_url(&row.tier, &row.id, file),
        width: row.photo_width.unwrap_or_default() as u32,
        height: row.photo_height.unwrap_or_default() as u32,
    })
}

/// The photo as a reference image: read and decoded again, so a file lost or damaged on
/// disk is simply not sent (no error).
pub async fn reference(state: &AppState, row: &CharacterRow) -> Option<ReferencePhoto> {
    let file = row.photo_file.as_deref()?;
    let bytes = state
        .store
        .get(&FileKey::photo(&row.tier, &row.id, file))
        .await
        .ok()?;
    let (bytes, checked) = tokio::task::spawn_blocking(move || {
        let checked = photo::decode(&bytes).map(|p| p.format);
        (bytes, checked)
    })
    .await
    .ok()?;
    match checked {
        Ok(format) => Some(ReferencePhoto {
            character: row.name.clone(),
            bytes,
            format,
        }),
        Err(e) => {
            tracing::warn!(character_id = %row.id, error = %e, "reference photo on disk is unreadable; not sent");
            None
        }
    }
}

/// The file to serve for `/{tier}/photos/{character}/{name}`: only the character's current
/// photo or its thumbnail, only in the character's own tier.
pub async fn servable(
    state: &AppState,
    tier: &str,
    character_id: &str,
    name: &str,
) -> Result<Option<FileKey>, sqlx::Error> {
    let Some(row) = repo::find_character(&state.db, tier, character_id).await? else {
        return Ok(None);
    };
    let Some(file) = row.photo_file.as_deref() else {
        return Ok(None);
    };
    let known = name == thumbnail_name(file) || name == file;
    Ok(known.then(|| FileKey::photo(tier, character_id, name)))
}
