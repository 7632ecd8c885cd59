//! The family's people and preferences: the tier's roster of characters with reference
//! photos, memory-mode profiles, family mode, and what a story takes from them at start.

pub mod characters;
pub mod family;
pub mod photos;
pub mod profiles;
mod snapshot;
pub mod upload;

pub use photos::ReferencePhoto;
pub use snapshot::{MemoryCharacter, MemorySnapshot};

use crate::domain::family::{FamilyError, FamilyRole, MAX_CHILDREN, MAX_GROWN_UPS};
use crate::domain::profile::{ProfileError, MAX_PHOTOS, MAX_PHOTO_BYTES, MAX_ROSTER};
use crate::domain::AppError;
use imaging::PhotoError;

#[derive(Debug, thiserror::Error)]
pub enum MemoryError {
    #[error(transparent)]
    Invalid(#[from] ProfileError),
    #[error(transparent)]
    Photo(#[from] PhotoError),
    #[error("photo larger than the limit")]
    PhotoTooLarge,
    #[error("no photo in the upload")]
    NoPhoto,
    #[error("the upload is not a multipart form: {0}")]
    BadUpload(String),
    #[error("profile or character not found in this tier")]
    NotFound,
    #[error("the roster is full")]
    RosterFull,
    #[error("another character is called {0}")]
    NameTaken(String),
    #[error("the character has all its photos")]
    TooManyPhotos,
    #[error(transparent)]
    Family(#[from] FamilyError),
    #[error("the family has all the {0:?} members it may have")]
    FamilyFull(FamilyRole),
    #[error("the linked character is not one of this tier's")]
    BadCharacter,
    #[error("file storage failed: {0}")]
    Storage(std::io::Error),
    /// The decoder panicked on this photo: our fault, not the disk's.
    #[error("the photo decoder crashed: {0}")]
    DecoderCrashed(String),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

/// Pure: the cause is logged once, by the server function's `context::answer`.
impl From<MemoryError> for AppError {
    fn from(err: MemoryError) -> AppError {
        match err {
            MemoryError::Invalid(e) => AppError::Invalid(e.to_string()),
            MemoryError::Photo(e) => AppError::Invalid(e.to_string()),
            MemoryError::PhotoTooLarge => AppError::Invalid(format!(
                "That photo is larger than {} MB. Please choose a smaller one (or shrink it first).",
                MAX_PHOTO_BYTES / (1024 * 1024)
            )),
            MemoryError::NoPhoto => {
                AppError::Invalid("No photo was received. Please choose a JPEG or PNG file.".into())
            }
            MemoryError::BadUpload(_) => AppError::Invalid(
                "The photo did not arrive in one piece. Please choose the file again and upload it once more.".into(),
            ),
            MemoryError::NotFound => AppError::NotFound,
            MemoryError::RosterFull => AppError::Conflict(format!(
                "You have {MAX_ROSTER} characters, the most there can be. Remove one to add another."
            )),
            MemoryError::NameTaken(name) => AppError::Conflict(format!(
                "There is already a character called {name}. Please choose another name, or edit {name} instead."
            )),
            MemoryError::TooManyPhotos => AppError::Conflict(format!(
                "A character can have at most {MAX_PHOTOS} photos. Remove one to add another."
            )),
            MemoryError::Family(e) => AppError::Invalid(e.to_string()),
            MemoryError::FamilyFull(FamilyRole::Child) => AppError::Conflict(format!(
                "A family can have at most {MAX_CHILDREN} children here. Remove one to add another."
            )),
            MemoryError::FamilyFull(FamilyRole::GrownUp) => AppError::Conflict(format!(
                "A family can have at most {MAX_GROWN_UPS} grown-ups here. Remove one to add another."
            )),
            MemoryError::BadCharacter => AppError::Invalid(
                "One of the characters chosen is not (or no longer) in this tier's characters; please choose again.".into(),
            ),
            MemoryError::Storage(_) => AppError::Unavailable(
                "The photo could not be saved on the server (is the disk full?). Nothing was changed; please try again later.".into(),
            ),
            MemoryError::Db(e) if crate::server::db::is_storage_failure(&e) => {
                AppError::storage_unavailable()
            }
            MemoryError::Db(_) | MemoryError::DecoderCrashed(_) => AppError::Internal,
        }
    }
}
