//! What can go wrong while starting or continuing a story, and how it is told to the reader.

use crate::domain::story::LengthChange;
use crate::domain::{AppError, PromptError};
use crate::server::media::MediaError;
use crate::server::memory::MemoryError;
use crate::server::providers::ProviderError;

#[derive(Debug, thiserror::Error)]
pub enum StoryError {
    #[error(transparent)]
    InvalidPrompt(#[from] PromptError),
    #[error("unknown model {0:?}")]
    UnknownModel(String),
    #[error(transparent)]
    UnknownStyle(#[from] super::ideas::UnknownStyle),
    #[error("model {0} is not configured")]
    ModelNotConfigured(&'static str),
    /// Known, but retired, hidden or not listed by its provider: not for new stories.
    #[error("model {0} is not offered")]
    ModelNotOffered(&'static str),
    /// The provider answered that the story's model does not exist (any more); the next
    /// try goes to `successor`.
    #[error("model {name} was retired by its provider")]
    ModelRetired {
        name: &'static str,
        successor: Option<&'static str>,
    },
    #[error("story, scene or choice not found")]
    NotFound,
    /// "Keep going" / "Wrap it up" on a scene that does not offer it.
    #[error("{0:?} is not offered on this scene")]
    LengthNotHere(crate::domain::story::LengthChange),
    #[error("the story's length was changed by another tap meanwhile")]
    LengthChangedMeanwhile,
    /// Bedtime mode asked for in a tier that does not offer it.
    #[error("bedtime mode is not offered in this tier")]
    NoBedtime,
    /// A sequel of a story that has not reached an ending.
    #[error("the story is not finished")]
    NotFinished,
    #[error("text provider failed: {0}")]
    Provider(#[from] ProviderError),
    #[error("the text model answered twice with unusable scene JSON: {0}")]
    Unusable(String),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("memory mode: {0}")]
    Memory(#[from] MemoryError),
    #[error("media: {0}")]
    Media(#[from] MediaError),
    #[error(transparent)]
    OverLimit(#[from] crate::server::spending::OverLimit),
    #[error("the book could not be made: {0}")]
    Export(String),
    /// Writing the next scene failed, told once for everyone who waited for it.
    #[error("the next scene could not be written: {0:?}")]
    Failed(AppError),
}

impl From<crate::server::spending::SpendError> for StoryError {
    fn from(err: crate::server::spending::SpendError) -> StoryError {
        match err {
            crate::server::spending::SpendError::Over(over) => StoryError::OverLimit(over),
            crate::server::spending::SpendError::Db(e) => StoryError::Db(e),
        }
    }
}

/// Pure: the cause is logged once, by the server function's `context::answer`.
impl From<StoryError> for AppError {
    fn from(err: StoryError) -> AppError {
        match err {
            StoryError::InvalidPrompt(e) => AppError::Invalid(e.to_string()),
            StoryError::UnknownModel(_) => {
                AppError::Invalid("Please pick one of the listed models.".into())
            }
            StoryError::LengthNotHere(LengthChange::Longer) => AppError::Conflict(
                "\"Keep going\" comes once the story is near its end, and not on an ending.".into(),
            ),
            StoryError::LengthNotHere(LengthChange::Sooner) => AppError::Conflict(
                "\"Wrap it up\" comes after the first scene, when the ending is more than one scene away.".into(),
            ),
            StoryError::NotFinished => AppError::Conflict(
                "Only a finished story can be continued: read it to an ending first.".into(),
            ),
            StoryError::LengthChangedMeanwhile => AppError::Conflict(
                "The story's length was just changed from another tap. Look again before changing it once more.".into(),
            ),
            StoryError::NoBedtime => {
                AppError::Invalid("Bedtime mode is for the children's stories.".into())
            }
            StoryError::UnknownStyle(_) => {
                AppError::Invalid("Please pick one of the listed picture styles.".into())
            }
            StoryError::ModelNotConfigured(name) => AppError::Invalid(format!(
                "{name} is not available on this server. Please pick another model."
            )),
            StoryError::ModelNotOffered(name) => AppError::Invalid(format!(
                "{name} is no longer offered. Please pick another model."
            )),
            StoryError::ModelRetired {
                name,
                successor: Some(next),
            } => AppError::Unavailable(format!(
                "{name} has been retired by its maker. Your story is safe — press Retry to continue it with {next}."
            )),
            StoryError::ModelRetired {
                name,
                successor: None,
            } => AppError::Unavailable(format!(
                "{name} has been retired by its maker, and no model replaces it on this server. Your story is safe; whoever runs this app can name a successor in its model settings."
            )),
            StoryError::NotFound => AppError::NotFound,
            StoryError::Provider(e) => AppError::Unavailable(format!(
                "{} Your story is safe — press Retry.",
                e.user_message()
            )),
            StoryError::Unusable(_) => AppError::Unavailable(
                "The storyteller got muddled and wrote something we couldn't use. Your story is safe — press Retry.".into(),
            ),
            StoryError::Memory(MemoryError::NotFound) => AppError::Invalid(
                "That profile is not there any more. Pick another one, or turn memory mode off."
                    .into(),
            ),
            StoryError::Memory(e) => e.into(),
            StoryError::Media(e) => e.into(),
            StoryError::OverLimit(over) => AppError::Limited(over.to_string()),
            StoryError::Db(e) if crate::server::db::is_storage_failure(&e) => {
                AppError::storage_unavailable()
            }
            StoryError::Db(_) | StoryError::Export(_) => AppError::Internal,
            StoryError::Failed(error) => error,
        }
    }
}
