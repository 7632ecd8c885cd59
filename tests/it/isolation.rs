//! Tier isolation for every page, server function and file route (FR-025, SC-007): each
//! is walked with the other tier's story, scene, clip and photo ids, and with path
//! traversal and encoded ids, and answers 404 (or "not found") — never the file.

use std::time::Duration;

use crate::helpers::TestApp;
use cyoa::domain::profile::ProfileInput;
use cyoa::domain::story::{StartInput, StoryLength};
use cyoa::domain::TierSpec;
use cyoa::server::memory::profiles;
use cyoa::server::story;
use reqwest::multipart::{Form, Part};

const PHOTO: &[u8] = include_bytes!("../fixtures/photo-magenta.jpg");

pub(crate) struct Ids {
    pub story: String,
    pub scene: String,
    pub choice: String,
    pub profile: String,
    pub character: String,
    pub image: String,
    pub clip: String,
    pub thumb: String,
    pub photo: String,
    pub photo_file: String,
}

/// A finished-media video story with a memory profile and a photo, in `tier`.
pub(crate) async fn seed(app: &TestApp, tier_name: &str) -> Ids {
    let tier = TierSpec::find(tier_name).expect("tier");
    let character = crate::helpers::add_character(&app.state, tier_name, "Mia", "red boots").await;
    let profile = profiles::save_profile(
        &app.state,
        tier,
        None,
        &ProfileInput {
            display_name: format!("{tier_name} family"),
            characters: cyoa::domain::form::Picked(vec![character.clone()]),
            ..Default::default()
        },
    )
    .await
    .expect("profile");
    let form = Form::new()
        .text("tier", tier_name.to_owned())
        .text("character_id", character.clone())
        .part("photo", Part::bytes(PHOTO.to_vec()).file_name("mia.jpg"));
    let uploaded: serde_json::Value = app
        .http
        .post(app.url("/api/upload_photo"))
        .multipart(form)
        .send()
        .await
        .expect("upload")
        .json()
        .await
        .expect("json");
    let thumb = uploaded["photo"]["thumbnail_url"]
        .as_str()
        .expect("thumb")
        .to_owned();
    let (photo_file,): (String,) =
        cyoa::server::db::query_as("SELECT file FROM character_photos WHERE character_id = ?")
            .bind(&character)
            .fetch_one(&app.state.db)
            .await
            .expect("photo");
    let input = StartInput {
        prompt: format!("a {tier_name} adventure"),
        length: StoryLength::Short,
        text_model: "claude-sonnet-5-5".into(),
        image_model: Some("gpt-image-quick".into()),
        memory_profile: Some(profile.clone()),
        video_mode: true,
        family_mode: false,
        characters: Vec::new(),
        style: String::new(),
        surprise: false,
        bedtime: false,
        sequel_of: None,
    };
    let (story_id, scene) = story::start(&app.state, tier, input).await.expect("start");
    let view = story::scene_view(&app.state, tier, &story_id, &scene)
        .await
        .expect("view");
    let mut files = (String::new(), String::new());
    for _ in 0..400 {
        let rows: Vec<(String, Option<String>)> = cyoa::server::db::query_as(
            "SELECT kind, file_name FROM media WHERE scene_id = ? AND status = 'complete'",
        )
        .bind(&scene)
        .fetch_all(&app.state.db)
        .await
        .expect("media");
        for (kind, file) in rows {
            let url = format!("/{tier_name}/media/{story_id}/{}", file.unwrap_or_default());
            if kind == "image" {
                files.0 = url
            } else {
                files.1 = url
            }
        }
        if !files.0.is_empty() && !files.1.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(!files.1.is_empty(), "the clip was made");
    Ids {
        choice: view.choices[0].id.clone(),
        image: files.0,
        clip: files.1,
        photo: format!("/{tier_name}/photos/{character}/{photo_file}"),
        photo_file,
        thumb,
        story: story_id,
        scene,
        profile,
        character,
    }
}

async fn status_of(app: &TestApp, path: &str) -> (u16, Vec<u8>) {
    let res = app.http.get(app.url(path)).send().await.expect("get");
    let status = res.status().as_u16();
    (status, res.bytes().await.expect("body").to_vec())
}

#[tokio::test]
async fn every_route_of_one_tier_is_a_404_for_the_other_tiers_ids() {
    let app = TestApp::spawn().await;
    let kids = seed(&app, "kids").await;
    let adult = seed(&app, "adult").await;
    for (own, other, other_name) in [(&kids, &adult, "adult"), (&adult, &kids, "kids")] {
        let own_name = if other_name == "adult" {
            "kids"
        } else {
            "adult"
        };
        // Each file is served in its own tier.
        for path in [&own.image, &own.clip, &own.thumb, &own.photo] {
            assert_eq!(status_of(&app, path).await.0, 200, "{path}");
        }
        // ... and never under the other tier's prefix, whatever is asked.
        let swapped = |p: &str| p.replacen(&format!("/{own_name}/"), &format!("/{other_name}/"), 1);
        let pages = [
            swapped(&own.image),
            swapped(&own.clip),
            swapped(&own.thumb),
            swapped(&own.photo),
            format!("/{other_name}/story/{}/scene/{}", own.story, own.scene),
            format!("/{other_name}/gallery/{}", own.story),
            format!("/{other_name}/gallery/{}?end={}", own.story, own.scene),
            // The other tier's story with this tier's scene (mixed ids).
            format!("/{other_name}/story/{}/scene/{}", other.story, own.scene),
            format!(
                "/{other_name}/media/{}/{}.{}",
                other.story,
                own.scene,
                extension(&own.image)
            ),
        ];
        for path in &pages {
            let (status, body) = status_of(&app, path).await;
            assert_eq!(status, 404, "{path}");
            assert!(
                !body.starts_with(b"\x89PNG")
                    && !body.starts_with(&[0xFF, 0xD8])
                    && body.get(4..8) != Some(b"ftyp"),
                "{path} leaked a file"
            );
        }
        // Server functions with the other tier's name and this tier's ids.
        let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
            (
                "scene",
                vec![("story_id", &own.story), ("scene_id", &own.scene)],
            ),
            (
                "media_status",
                vec![
                    ("story_id", &own.story),
                    ("scene_id", &own.scene),
                    ("kind", "video"),
                    ("wait_ms", "0"),
                ],
            ),
            (
                "retry_media",
                vec![
                    ("story_id", &own.story),
                    ("scene_id", &own.scene),
                    ("kind", "video"),
                ],
            ),
            (
                "choose",
                vec![("story_id", &own.story), ("choice_id", &own.choice)],
            ),
            ("reader", vec![("story_id", &own.story)]),
            ("abandon_story", vec![("story_id", &own.story)]),
            ("delete_story", vec![("story_id", &own.story)]),
            (
                "remove_photo",
                vec![("character_id", &own.character), ("file", &own.photo_file)],
            ),
            ("delete_character", vec![("id", &own.character)]),
            ("delete_profile", vec![("id", &own.profile)]),
        ];
        for (endpoint, fields) in calls {
            let mut form = vec![("tier", other_name)];
            form.extend(fields);
            let res = app.server_fn(endpoint, &form).await;
            let status = res.status();
            let body = res.text().await.unwrap_or_default();
            let said_not_found = body.contains("NotFound") || body == "null";
            // "Not found" is a 404; only a status call may answer "no such media" (null).
            assert!(
                status == 404 || (status == 200 && body == "null"),
                "{endpoint} as {other_name}: {status} {body}"
            );
            assert!(said_not_found, "{endpoint} as {other_name}: {body}");
        }
        // Nothing was changed by those calls.
        for path in [&own.image, &own.clip, &own.thumb] {
            assert_eq!(status_of(&app, path).await.0, 200, "{path} survived");
        }
    }
}

#[tokio::test]
async fn traversal_and_encoded_ids_never_reach_a_file() {
    let app = TestApp::spawn().await;
    let kids = seed(&app, "kids").await;
    let story = &kids.story;
    let character = &kids.character;
    let ext = extension(&kids.image);
    let upper = ext.to_uppercase();
    let attempts = [
        format!("/kids/media/{story}/..%2F..%2F..%2Fapp.db"),
        format!("/kids/media/{story}/%2e%2e%2f%2e%2e%2f%2e%2e%2fapp.db"),
        format!("/kids/media/{story}/%252e%252e%252fapp.db"),
        "/kids/media/..%2F..%2F/app.db".to_owned(),
        "/kids/media/../../app.db".to_owned(),
        format!("/kids/media/{story}/{}.{ext}%00.mp4", kids.scene),
        format!("/kids/media/{}/{}.{ext}", story.to_uppercase(), kids.scene),
        format!("/kids/media/{story}/{}.{upper}", kids.scene),
        format!("/kids/media/{story}%2F..%2F{story}/{}.{ext}", kids.scene),
        format!("/kids/photos/{character}/..%2F..%2F..%2Fapp.db"),
        format!("/kids/photos/{character}/%2e%2e%2f{character}"),
        "/kids/photos/..%2F..%2Fkids/x.jpg".to_owned(),
        format!("/KIDS/media/{story}/{}.{ext}", kids.scene),
        format!("/kids%2F..%2Fadult/media/{story}/{}.{ext}", kids.scene),
    ];
    for path in attempts {
        let (status, body) = status_of(&app, &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            !body.starts_with(b"SQLite format"),
            "{path} leaked the database"
        );
        assert!(
            !body.starts_with(b"\x89PNG") && !body.starts_with(&[0xff, 0xd8]),
            "{path} leaked a picture"
        );
    }
}

/// `jpg` of `/kids/media/s/abc.jpg`.
fn extension(url: &str) -> &str {
    url.rsplit('.').next().unwrap_or_default()
}
