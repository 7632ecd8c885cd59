//! Reference photos in the media store: `photos/{tier}/{character}/{photo}.{png,jpg}` plus a
//! small `{photo}.thumb.png` for the character card, up to three per character. An upload is
//! decoded completely before anything is written; a photo missing or corrupt later counts
//! as absent.

use super::MemoryError;
use crate::domain::profile::{PhotoUploaded, PhotoView, MAX_PHOTOS};
use crate::domain::TierSpec;
use crate::server::db::characters::{self as repo, PhotoAddError, PhotoRecord, PhotoRow};
use crate::server::db::new_id;
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

/// Checks and stores one more photo of the character (while it has fewer than three).
pub async fn store(
    state: &AppState,
    tier: &'static TierSpec,
    character_id: &str,
    bytes: Vec<u8>,
) -> Result<PhotoUploaded, MemoryError> {
    // Said before the upload is decoded, and checked again when it is recorded.
    if repo::find(&state.db, tier.name, character_id)
        .await?
        .is_none()
    {
        return Err(MemoryError::NotFound);
    }
    let on_record = repo::photos_of(&state.db, tier.name, &[character_id]).await?;
    if on_record.len() >= MAX_PHOTOS {
        return Err(MemoryError::TooManyPhotos);
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
    if let Err(e) = repo::add_photo(&state.db, tier.name, character_id, record).await {
        // The character went away or filled up meanwhile (or the database failed): keep no
        // orphan.
        let _ = state.store.remove(&original_key).await;
        let _ = state.store.remove(&thumb_key).await;
        return Err(match e {
            PhotoAddError::NoCharacter => MemoryError::NotFound,
            PhotoAddError::Full => MemoryError::TooManyPhotos,
            PhotoAddError::Db(e) => MemoryError::Db(e),
        });
    }
    let photo = PhotoView {
        file: file.clone(),
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

/// Removes one photo of the character (record, then files).
pub async fn remove(
    state: &AppState,
    tier: &'static TierSpec,
    character_id: &str,
    file: &str,
) -> Result<(), MemoryError> {
    if !repo::remove_photo(&state.db, tier.name, character_id, file).await? {
        return Err(MemoryError::NotFound);
    }
    delete_files(state, tier.name, character_id, file).await;
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
pub async fn view(state: &AppState, row: &PhotoRow) -> Option<PhotoView> {
    for name in [row.file.clone(), thumbnail_name(&row.file)] {
        if !state
            .store
            .exists(&FileKey::photo(&row.tier, &row.character_id, &name))
            .await
        {
            return None;
        }
    }
    Some(PhotoView {
        file: row.file.clone(),
        thumbnail_url: thumbnail_url(&row.tier, &row.character_id, &row.file),
        width: u32::try_from(row.width).unwrap_or_default(),
        height: u32::try_from(row.height).unwrap_or_default(),
    })
}

/// The photo as a reference image of `character` (its name): read and decoded again, so a
/// file lost or damaged on disk is simply not sent (no error).
pub async fn reference(
    state: &AppState,
    row: &PhotoRow,
    character: &str,
) -> Option<ReferencePhoto> {
    let bytes = state
        .store
        .get(&FileKey::photo(&row.tier, &row.character_id, &row.file))
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
            character: character.to_owned(),
            bytes,
            format,
        }),
        Err(e) => {
            tracing::warn!(character_id = %row.character_id, error = %e, "reference photo on disk is unreadable; not sent");
            None
        }
    }
}

/// The file to serve for `/{tier}/photos/{character}/{name}`: only one of the character's
/// current photos or its thumbnail, only in the character's own tier.
pub async fn servable(
    state: &AppState,
    tier: &str,
    character_id: &str,
    name: &str,
) -> Result<Option<FileKey>, sqlx::Error> {
    let photos = repo::photos_of(&state.db, tier, &[character_id]).await?;
    let known = photos
        .iter()
        .any(|p| p.file == name || thumbnail_name(&p.file) == name);
    Ok(known.then(|| FileKey::photo(tier, character_id, name)))
}
