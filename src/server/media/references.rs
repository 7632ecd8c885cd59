//! The same faces from scene to scene: what a picture is drawn with.
//!
//! A scene's picture request carries the photos of the story's characters in the scene (as
//! its writer named them, all of them when it did not say) and, for every
//! scene after the first, the finished picture of the scene above it on the reader's path —
//! the scene's own parent, fixed by the story tree, so after Back and another branch the
//! picture comes from that branch. A failed or missing picture is never sent: the nearest
//! finished one above it is. One slot of the model's documented limit is always kept for that
//! picture; the photos share the rest. When the parent's picture is still being made (a quick
//! tap), the job waits for it, at most `JobSettings::reference_wait`, then goes without and
//! says so. A parent's "new look" on a scene stops the pictures below it from carrying its
//! picture or any above it.

use std::time::{Duration, Instant};

use crate::domain::media::{DrawnWith, MediaStatus, SentReference};
use crate::domain::profile::MAX_PHOTOS;
use crate::domain::ImageModelSpec;
use crate::server::db::characters::{self, PhotoRow};
use crate::server::db::media::{self, AncestorPicture, MediaJob};
use crate::server::media_store::FileKey;
use crate::server::memory::{photos, MemoryCharacter, MemorySnapshot};
use crate::server::providers::ReferenceImage;
use crate::server::state::AppState;

/// The prompt with the story's picture style said after the scene (none: as it is).
fn styled(mut prompt: String, style: &str) -> String {
    if !style.trim().is_empty() {
        prompt.push_str(&format!(" Draw it as {}.", style.trim()));
    }
    prompt
}

/// How often a waiting picture looks again at the one before it.
const WAIT_STEP: Duration = Duration::from_millis(200);

/// What goes with one picture request.
pub struct Gathered {
    pub prompt: String,
    pub images: Vec<ReferenceImage>,
    pub drawn_with: DrawnWith,
}

/// The prompt and reference images for `job`'s picture with `model`.
pub async fn gather(state: &AppState, job: &MediaJob, model: &ImageModelSpec) -> Gathered {
    let mut snapshot = job
        .memory_context
        .as_deref()
        .and_then(|json| serde_json::from_str::<MemorySnapshot>(json).ok());
    // The style chosen for this story outranks a memory profile's usual one.
    if let Some(snapshot) = snapshot.as_mut().filter(|_| !job.picture_style.is_empty()) {
        snapshot.art_style.clear();
    }
    let said: Option<Vec<String>> = job
        .present_characters
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    let present = snapshot
        .as_ref()
        .map(|s| s.present(said.as_deref()))
        .unwrap_or_default();
    if !model.supports_references || model.max_reference_images == 0 {
        let prompt = match &snapshot {
            Some(snapshot) => snapshot.image_prompt(&job.prompt, &present, &[]),
            None => job.prompt.trim().to_owned(),
        };
        return Gathered {
            prompt: styled(prompt, &job.picture_style),
            images: Vec::new(),
            drawn_with: DrawnWith::default(),
        };
    }
    let (scene_picture, note) = scene_picture(state, job).await;
    let after_first = scene_picture.is_some() || note.is_some();
    let mut images = Vec::new();
    let mut sent = Vec::new();
    let mut pictured: Vec<&MemoryCharacter> = Vec::new();
    // Only the photos of the characters in this scene: a story may have more characters
    // than a model takes pictures, while each request stays within its limit.
    if snapshot.is_some() {
        let slots = photo_slots(model.max_reference_images, after_first);
        let on_record = character_photos(state, &job.tier, &present).await;
        for (character, nth, row) in photo_order(&present, &on_record) {
            if images.len() >= slots {
                break;
            }
            // A photo gone or unreadable is left out, not an error.
            let Some(photo) = photos::reference(state, row, &character.name).await else {
                continue;
            };
            let label = match nth {
                0 => format!("{}'s photo", character.name),
                n => format!("{}'s photo {}", character.name, n + 1),
            };
            sent.push(SentReference {
                label,
                fingerprint: imaging::fingerprint(&photo.bytes),
            });
            images.push(ReferenceImage {
                // Names are the family's words: the upload's file name stays plain ASCII.
                file_name: format!(
                    "reference-{}.{}",
                    images.len() + 1,
                    photo.format.extension()
                ),
                mime: photo.format.mime(),
                bytes: photo.bytes,
            });
            pictured.push(character);
        }
    }
    let mut prompt = styled(
        match &snapshot {
            Some(snapshot) => snapshot.image_prompt(&job.prompt, &present, &pictured),
            None => job.prompt.trim().to_owned(),
        },
        &job.picture_style,
    );
    if let Some((label, image)) = scene_picture {
        prompt.push_str(&format!(
            " Image {} is the picture of the scene before: keep every character who appears again looking the same (face, hair, clothes) and keep the same art style.",
            images.len() + 1
        ));
        sent.push(SentReference {
            label,
            fingerprint: imaging::fingerprint(&image.bytes),
        });
        images.push(image);
    }
    Gathered {
        prompt,
        images,
        drawn_with: DrawnWith {
            references: sent,
            note,
        },
    }
}

/// How many character photos a request may carry: after the first scene one slot is kept
/// for the picture before.
fn photo_slots(limit: usize, after_first: bool) -> usize {
    if after_first {
        limit.saturating_sub(1)
    } else {
        limit
    }
}

/// Which picture above a scene to send, read from its ancestors (nearest first).
#[derive(Debug, PartialEq)]
enum Pick<'a> {
    /// The first scene: nothing above it.
    First,
    Send {
        scene: &'a AncestorPicture,
        file: &'a str,
    },
    /// The parent's picture is being made: wait for it.
    Wait,
    Without(&'static str),
}

const NEW_LOOK: &str =
    "A new look was asked for, so this picture was drawn without the pictures before it.";
const NOT_READY: &str = "The picture before was not ready in time, so this one was drawn without it; the characters may look a little different.";
const NONE_FINISHED: &str =
    "No picture before this one could be made, so this one was drawn without it.";

/// `waited`: the wait for the parent's picture is over.
fn pick(ancestors: &[AncestorPicture], waited: bool) -> Pick<'_> {
    if ancestors.is_empty() {
        return Pick::First;
    }
    for (nearness, scene) in ancestors.iter().enumerate() {
        if scene.new_look {
            return Pick::Without(NEW_LOOK);
        }
        match (scene.status, scene.file_name.as_deref()) {
            (Some(MediaStatus::Complete), Some(file)) => return Pick::Send { scene, file },
            (Some(MediaStatus::Pending | MediaStatus::Generating), _) if nearness == 0 => {
                if !waited {
                    return Pick::Wait;
                }
                // A picture being made anew still has its finished one.
                return match scene.previous_file.as_deref() {
                    Some(file) => Pick::Send { scene, file },
                    None => Pick::Without(NOT_READY),
                };
            }
            // Failed, never queued, or (further up) still being made: look higher.
            _ => {}
        }
    }
    Pick::Without(NONE_FINISHED)
}

/// The picture above the job's scene, waiting for the parent's while it is being made; its
/// label, or why none goes (`None` and `None` for the first scene).
async fn scene_picture(
    state: &AppState,
    job: &MediaJob,
) -> (Option<(String, ReferenceImage)>, Option<String>) {
    let deadline = Instant::now() + state.config.jobs.reference_wait;
    loop {
        let ancestors = match media::ancestor_pictures(
            &state.db,
            &job.tier,
            &job.story_id,
            &job.scene_id,
        )
        .await
        {
            Ok(ancestors) => ancestors,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the pictures above a scene");
                return (None, None);
            }
        };
        match pick(&ancestors, Instant::now() >= deadline) {
            Pick::First => return (None, None),
            Pick::Without(why) => return (None, Some(why.to_owned())),
            Pick::Wait => tokio::time::sleep(WAIT_STEP).await,
            Pick::Send { scene, file } => {
                let key = FileKey::media(&job.tier, &job.story_id, file);
                return match state.store.get(&key).await {
                    Ok(bytes) => (
                        Some((
                            format!("the picture of scene {}", scene.depth),
                            ReferenceImage {
                                mime: mime_of(file),
                                file_name: format!("scene-{}.{}", scene.depth, extension(file)),
                                bytes,
                            },
                        )),
                        None,
                    ),
                    Err(e) => {
                        tracing::warn!(error = %e, file, "the picture before is unreadable; not sent");
                        (None, Some(NONE_FINISHED.to_owned()))
                    }
                };
            }
        }
    }
}

/// The photos on record of the characters in the scene (one query).
async fn character_photos(
    state: &AppState,
    tier: &str,
    present: &[&MemoryCharacter],
) -> Vec<PhotoRow> {
    let ids: Vec<&str> = present.iter().map(|c| c.id.as_str()).collect();
    characters::photos_of(&state.db, tier, &ids)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "could not look up the characters' photos");
            Vec::new()
        })
}

/// The order photos fill the slots in: every character's first photo (in the story's order),
/// then every second one, then the thirds — so when slots are few, each face is there once
/// before any is there twice. Each with its number among its character's photos.
fn photo_order<'a, 'c>(
    present: &[&'c MemoryCharacter],
    on_record: &'a [PhotoRow],
) -> Vec<(&'c MemoryCharacter, usize, &'a PhotoRow)> {
    let mut order = Vec::new();
    for nth in 0..MAX_PHOTOS {
        for character in present {
            if let Some(row) = on_record
                .iter()
                .filter(|p| p.character_id == character.id)
                .nth(nth)
            {
                order.push((*character, nth, row));
            }
        }
    }
    order
}

fn extension(file: &str) -> &str {
    file.rsplit_once('.').map_or("png", |(_, ext)| ext)
}

fn mime_of(file: &str) -> &'static str {
    match extension(file) {
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        _ => "image/png",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene(depth: i64, status: Option<MediaStatus>, file: Option<&str>) -> AncestorPicture {
        AncestorPicture {
            scene_id: format!("s{depth}"),
            depth,
            new_look: false,
            status,
            file_name: file.map(str::to_owned),
            previous_file: None,
        }
    }

    #[test]
    fn the_parents_finished_picture_goes() {
        let chain = [
            scene(2, Some(MediaStatus::Complete), Some("s2.png")),
            scene(1, Some(MediaStatus::Complete), Some("s1.png")),
        ];
        assert!(matches!(
            pick(&chain, false),
            Pick::Send { file: "s2.png", .. }
        ));
        assert_eq!(pick(&[], false), Pick::First);
    }

    #[test]
    fn a_failed_picture_is_never_sent_the_one_above_it_is() {
        let chain = [
            scene(3, Some(MediaStatus::Failed), None),
            scene(2, None, None),
            scene(1, Some(MediaStatus::Complete), Some("s1.png")),
        ];
        assert!(matches!(
            pick(&chain, false),
            Pick::Send { file: "s1.png", .. }
        ));
        let nothing = [scene(2, Some(MediaStatus::Failed), None)];
        assert_eq!(pick(&nothing, false), Pick::Without(NONE_FINISHED));
    }

    #[test]
    fn a_parent_being_drawn_is_waited_for_then_gone_without() {
        let mut chain = [
            scene(2, Some(MediaStatus::Generating), None),
            scene(1, Some(MediaStatus::Complete), Some("s1.png")),
        ];
        assert_eq!(pick(&chain, false), Pick::Wait);
        assert_eq!(pick(&chain, true), Pick::Without(NOT_READY));
        // Drawn anew: its finished picture is still there once the wait is over.
        chain[0].previous_file = Some("s2-old.png".into());
        assert!(matches!(
            pick(&chain, true),
            Pick::Send {
                file: "s2-old.png",
                ..
            }
        ));
    }

    #[test]
    fn a_new_look_stops_the_chain_below_it() {
        let mut chain = [
            scene(3, Some(MediaStatus::Complete), Some("s3.png")),
            scene(2, Some(MediaStatus::Complete), Some("s2.png")),
        ];
        chain[1].new_look = true;
        // The child of the scene with the new look: the grandchild still carries its parent.
        assert!(matches!(
            pick(&chain, false),
            Pick::Send { file: "s3.png", .. }
        ));
        assert_eq!(pick(&chain[1..], false), Pick::Without(NEW_LOOK));
        chain[0].status = Some(MediaStatus::Failed);
        assert_eq!(pick(&chain, false), Pick::Without(NEW_LOOK));
    }

    #[test]
    fn one_slot_is_kept_for_the_picture_before() {
        assert_eq!(photo_slots(3, true), 2);
        assert_eq!(photo_slots(3, false), 3);
        assert_eq!(photo_slots(1, true), 0);
        assert_eq!(photo_slots(0, true), 0);
    }

    #[test]
    fn every_face_goes_once_before_any_goes_twice() {
        let person = |id: &str| MemoryCharacter {
            id: id.into(),
            name: id.to_uppercase(),
            description: String::new(),
            from_profile: String::new(),
        };
        let photo = |character: &str, file: &str| PhotoRow {
            character_id: character.into(),
            tier: "kids".into(),
            file: file.into(),
            width: 512,
            height: 512,
        };
        let (mia, leo) = (person("mia"), person("leo"));
        let rows = [
            photo("mia", "m1"),
            photo("mia", "m2"),
            photo("leo", "l1"),
            photo("joe", "j1"),
        ];
        let order: Vec<(&str, usize, &str)> = photo_order(&[&leo, &mia], &rows)
            .into_iter()
            .map(|(c, nth, row)| (c.id.as_str(), nth, row.file.as_str()))
            .collect();
        assert_eq!(
            order,
            [("leo", 0, "l1"), ("mia", 0, "m1"), ("mia", 1, "m2")]
        );
    }
}
