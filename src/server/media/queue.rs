//! Which media a scene gets, and when: the picture first; in video mode the clip follows it
//! (queued when the picture's job ends, whatever its outcome: image-to-video from a finished
//! picture, text-to-video otherwise), or at once for a text-only story. This is the one place
//! that rule lives: the story engine stores [`first_media`]'s job with a scene, the image
//! job queues [`after_picture`]'s when its picture ends, each in the same transaction.

use crate::domain::media::{MediaKind, VideoMode};
use crate::domain::video_model;
use crate::server::db::media::{MediaJob, MediaKey};

/// What just happened to the scene.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// Its text was stored.
    SceneStored,
    /// Its picture's job ended (complete or failed).
    PictureEnded,
}

/// What a scene gets first when it is stored (`image_model`: the story's key, `None` for a
/// text-only story): stored with the scene in one transaction.
pub fn first_media(image_model: Option<&str>, video_mode: VideoMode) -> Option<(MediaKind, &str)> {
    next_media(image_model, video_mode, Moment::SceneStored)
}

/// What follows a scene's picture, to be queued in the same transaction that records the
/// picture's outcome (so a crash between the two cannot lose the clip).
pub fn after_picture(job: &MediaJob) -> Option<(MediaKey<'_>, &str)> {
    let (kind, model) = next_media(Some(&job.model), job.video_mode, Moment::PictureEnded)?;
    let key = MediaKey {
        tier: &job.tier,
        story_id: &job.story_id,
        scene_id: &job.scene_id,
        kind,
    };
    Some((key, model))
}

/// A media file's name: `{stem}.{ext}`, or a new name when it remakes a finished file, which
/// stays shown (and served) under its own name until the new one is recorded.
pub(super) fn file_name_in(stem: &str, remakes: bool, extension: &str) -> String {
    match remakes {
        false => format!("{stem}.{extension}"),
        true => format!("{stem}-{}.{extension}", &crate::server::db::new_id()[..8]),
    }
}

/// The model of a story's cover, queued when an ending is stored: its image model's (a
/// story without pictures gets no cover).
pub fn cover_after(image_model: Option<&str>, is_ending: bool) -> Option<&str> {
    image_model.filter(|_| is_ending)
}

/// The rule itself, without I/O: the kind to queue and the model key to make it with.
fn next_media(
    image_model: Option<&str>,
    video_mode: VideoMode,
    moment: Moment,
) -> Option<(MediaKind, &str)> {
    let clip = || (MediaKind::Video, video_model::DEFAULT_KEY);
    match (moment, image_model, video_mode) {
        (Moment::SceneStored, Some(model), _) => Some((MediaKind::Image, model)),
        (Moment::SceneStored, None, VideoMode::On) => Some(clip()),
        (Moment::PictureEnded, _, VideoMode::On) => Some(clip()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picture_comes_first_and_the_clip_follows_it() {
        let gpt = Some("gpt-image-1");
        assert_eq!(
            next_media(gpt, VideoMode::On, Moment::SceneStored),
            Some((MediaKind::Image, "gpt-image-1"))
        );
        assert_eq!(
            next_media(gpt, VideoMode::On, Moment::PictureEnded),
            Some((MediaKind::Video, "grok-imagine-video"))
        );
        assert_eq!(next_media(gpt, VideoMode::Off, Moment::PictureEnded), None);
        assert_eq!(
            next_media(gpt, VideoMode::Unavailable, Moment::PictureEnded),
            None
        );
    }

    #[test]
    fn a_text_only_story_gets_its_clip_at_once_or_nothing() {
        assert_eq!(
            next_media(None, VideoMode::On, Moment::SceneStored),
            Some((MediaKind::Video, "grok-imagine-video"))
        );
        assert_eq!(next_media(None, VideoMode::Off, Moment::SceneStored), None);
    }
}
