//! Why a picture or clip job failed: the cause for the log, and [`MediaJobError::user_message`]
//! for the row the page shows.

use std::time::Duration;

use crate::server::providers::ProviderError;

#[derive(Debug, thiserror::Error)]
pub enum MediaJobError {
    #[error("{0} is not configured on this server")]
    NotConfigured(&'static str),
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("storing the file failed: {0}")]
    Storage(#[source] std::io::Error),
    #[error("the provider could not make the clip: {0}")]
    VideoFailed(String),
    #[error("the clip was not ready after {0:?}")]
    TimedOut(Duration),
    #[error("the clip's temporary link failed: {0}")]
    LinkExpired(#[source] ProviderError),
    #[error("the clip's download broke off: {0}")]
    DownloadBroke(#[source] reqwest::Error),
    #[error("the provider sent something that is not a whole MP4")]
    NotMp4,
    /// The story was deleted while its media was made; nothing more is done for it.
    #[error("the story was deleted")]
    StoryDeleted,
    /// The database could not record a step that must come before a provider call, so the
    /// call was not made (nothing was paid for).
    #[error("could not record the job's progress: {0}")]
    Record(#[source] sqlx::Error),
    /// The job's lease ran out while it ran and it went back to the queue (another instance
    /// may run it now): this run stops, and records nothing.
    #[error("the job's lease ran out")]
    LeaseLost,
    /// The provider says the model does not exist (any more); Retry goes to `successor`.
    #[error("{name} was retired by its provider")]
    ModelRetired {
        name: &'static str,
        successor: Option<&'static str>,
    },
    /// The tier's spending limit for this hour is reached: nothing was ordered.
    #[error(transparent)]
    OverLimit(#[from] crate::server::spending::OverLimit),
}

impl From<crate::server::spending::SpendError> for MediaJobError {
    fn from(err: crate::server::spending::SpendError) -> MediaJobError {
        match err {
            crate::server::spending::SpendError::Over(over) => MediaJobError::OverLimit(over),
            crate::server::spending::SpendError::Db(e) => MediaJobError::Record(e),
        }
    }
}

/// "8 seconds", "1 minute", "5 minutes": how long, as a person says it.
fn spoken_duration(wait: Duration) -> String {
    let seconds = wait.as_secs();
    let (n, unit) = if seconds < 90 {
        (seconds, "second")
    } else {
        ((seconds + 30) / 60, "minute")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

impl MediaJobError {
    /// The provider answered that `model` does not exist: it is no longer sent, and the
    /// error names what the next try is made with.
    pub fn retired<M: crate::domain::catalogue::CatalogueRows>(
        models: &'static crate::server::models::Models,
        model: &'static M,
    ) -> MediaJobError {
        models.mark_gone(model.provider(), model.api_model());
        let next = models.resolve::<M>(model.key()).map(|r| r.model);
        MediaJobError::ModelRetired {
            name: model.display_name(),
            successor: next
                .filter(|n| n.key() != model.key())
                .map(|n| n.display_name()),
        }
    }

    /// The provider made it and only collecting or storing it failed: a Retry collects the
    /// same request again rather than ordering (and paying for) a new one.
    pub fn keeps_request(&self) -> bool {
        matches!(
            self,
            MediaJobError::Storage(_) | MediaJobError::DownloadBroke(_)
        )
    }

    /// Plain words for the reader, saying what happened and what is still fine.
    pub fn user_message(&self, kind: &str) -> String {
        match self {
            MediaJobError::NotConfigured(name) => {
                format!("{name} is not configured on this server any more, so no {kind} can be made.")
            }
            MediaJobError::Provider(e) => e.user_message(),
            // A clip's Retry collects the same clip again; a picture's orders a new one.
            MediaJobError::Storage(_) if kind == "clip" => "The clip was made but could not be saved on the server (is the disk full?). The story is fine; press Retry once space is freed: the same clip is collected again, not paid for twice.".to_owned(),
            MediaJobError::Storage(_) => format!(
                "The {kind} was made but could not be saved on the server (is the disk full?). The story is fine; press Retry once space is freed to make it again."
            ),
            MediaJobError::VideoFailed(reason) => {
                format!("Grok Imagine could not make it: {reason}.")
            }
            MediaJobError::TimedOut(wait) => format!(
                "It was not ready after {}, so we stopped waiting.",
                spoken_duration(*wait)
            ),
            MediaJobError::LinkExpired(_) => {
                "The finished clip's link had expired before it could be saved.".into()
            }
            MediaJobError::DownloadBroke(_) => "The clip's download broke off.".into(),
            MediaJobError::NotMp4 => "Grok Imagine sent something that is not an MP4 video.".into(),
            MediaJobError::StoryDeleted => "The story was deleted.".into(),
            // Never shown: the job's new run writes the row.
            MediaJobError::LeaseLost => format!("The {kind} is being made again."),
            MediaJobError::ModelRetired {
                name,
                successor: Some(next),
            } => format!(
                "{name} has been retired by its maker. Press Retry to make this {kind} with {next}."
            ),
            MediaJobError::ModelRetired {
                name,
                successor: None,
            } => format!(
                "{name} has been retired by its maker, and no model replaces it on this server; whoever runs this app can name one in its model settings."
            ),
            MediaJobError::OverLimit(over) => over.to_string(),
            MediaJobError::Record(_) => format!(
                "The server's storage is full or cannot be written, so the {kind} was not ordered (nothing was paid for). Press Retry once space is freed."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_said_in_real_time() {
        assert_eq!(spoken_duration(Duration::from_secs(8)), "8 seconds");
        assert_eq!(spoken_duration(Duration::from_secs(1)), "1 second");
        assert_eq!(spoken_duration(Duration::from_secs(60)), "60 seconds");
        assert_eq!(spoken_duration(Duration::from_secs(300)), "5 minutes");
        assert_eq!(spoken_duration(Duration::from_secs(600)), "10 minutes");
    }
}
