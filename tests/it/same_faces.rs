//! The same faces from scene to scene, over real HTTP against the simulator: every picture
//! after the first carries its parent's finished picture on the reader's path (checked by the
//! fingerprints of what the simulator received), and the characters' photos within the
//! model's limit; after Back and another branch the picture comes from that branch; a failed
//! picture is never sent; a quick tap waits for the picture before it, at most as long as
//! configured; a parent's new look starts the chain again.

use std::time::Duration;

use cyoa::domain::media::{MediaStatus, MediaView};
use cyoa::domain::story::{StartInput, StoryLength};
use cyoa::domain::TierSpec;
use cyoa::server::config::JobSettings;
use cyoa::server::story;
use serde_json::{json, Value};

use crate::helpers::{final_image, queue_fault, tier, TestApp};
use crate::memory_mode::{family, upload, MAGENTA_JPG, SMALL_PNG};

pub(crate) async fn image_log(app: &TestApp) -> Vec<Value> {
    reqwest::get(app.url("/sim/__control/image_requests"))
        .await
        .expect("log")
        .json::<Vec<Value>>()
        .await
        .expect("log JSON")
}

/// The fingerprints the simulator received with the newest scene picture's request (a
/// finished story's cover, drawn after its pictures, is not one).
async fn last_sent(app: &TestApp) -> Vec<String> {
    let log = image_log(app).await;
    let sent = log
        .iter()
        .rev()
        .find(|r| {
            !r["prompt"]
                .as_str()
                .is_some_and(|p| p.contains("front cover illustration"))
        })
        .expect("a picture request");
    sent["reference_fingerprints"]
        .as_array()
        .unwrap_or_else(|| panic!("fingerprints in {sent}"))
        .iter()
        .filter_map(|f| f.as_str().map(str::to_owned))
        .collect()
}

/// The characters the writer said are in the scene (`c1`, …).
async fn said_present(app: &TestApp, scene: &str) -> Vec<String> {
    let said: Option<String> =
        cyoa::server::db::query_scalar("SELECT present_characters FROM scenes WHERE id = ?")
            .bind(scene)
            .fetch_one(&app.state.db)
            .await
            .expect("scene row");
    serde_json::from_str(&said.expect("the writer said who")).expect("a list")
}

/// The finished picture's file, as the browser gets it.
async fn picture_bytes(app: &TestApp, view: &MediaView) -> Vec<u8> {
    let url = view.url.as_deref().expect("a finished picture");
    app.http
        .get(app.url(url))
        .send()
        .await
        .expect("picture")
        .bytes()
        .await
        .expect("bytes")
        .to_vec()
}

fn input(image_model: &str, memory_profile: Option<String>) -> StartInput {
    StartInput {
        prompt: "a windy day at the beach".into(),
        length: StoryLength::Short,
        text_model: "claude-sonnet-5-5".into(),
        image_model: Some(image_model.into()),
        memory_profile,
        video_mode: false,
        family_mode: false,
        characters: Vec::new(),
        style: String::new(),
        surprise: false,
        bedtime: false,
        sequel_of: None,
    }
}

struct Story<'a> {
    app: &'a TestApp,
    tier: &'static TierSpec,
    id: String,
}

impl Story<'_> {
    /// Takes the scene's `nth` choice; the new scene's id once its picture is final.
    async fn choose(&self, scene: &str, nth: usize) -> (String, MediaView) {
        let view = story::scene_view(&self.app.state, self.tier, &self.id, scene)
            .await
            .expect("scene");
        let choice = &view.choices[nth].id;
        let next = story::choose(&self.app.state, self.tier, &self.id, choice)
            .await
            .expect("choose");
        let image = final_image(&self.app.state, self.tier, &self.id, &next).await;
        (next, image)
    }
}

/// Another character the kids' profile brings; its id.
async fn cousin(app: &TestApp, profile: &str, name: &str) -> String {
    let id = crate::helpers::add_character(&app.state, "kids", name, "a cousin").await;
    crate::helpers::bring(&app.state, profile, &id).await;
    id
}

async fn photo_of(app: &TestApp, tier: &str, character: &str, bytes: &[u8], name: &str) {
    let res = upload(app, tier, character, bytes.to_vec(), name).await;
    assert!(res.status().is_success(), "upload {name}");
}

#[tokio::test]
async fn each_picture_carries_its_parents_on_the_path_and_the_photos() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (profile, mia) = family(&app, kids, "Mia").await;
    photo_of(&app, "kids", &mia, MAGENTA_JPG, "mia.jpg").await;
    let mia_photo = imaging::fingerprint(MAGENTA_JPG);
    let (id, first) = story::start(&app.state, kids, input("gpt-image", Some(profile)))
        .await
        .expect("start");
    let first_image = final_image(&app.state, kids, &id, &first).await;
    assert_eq!(first_image.status, MediaStatus::Complete);
    // The first scene: the photo alone.
    assert_eq!(last_sent(&app).await, std::slice::from_ref(&mia_photo));
    let story = Story {
        app: &app,
        tier: kids,
        id: id.clone(),
    };

    // A branching story of five scenes: 1 → 2a → 3a, then Back to 1 → 2b → 3b.
    let mut parent = (first.clone(), first_image.clone());
    for nth in [0, 0] {
        let (scene, image) = story.choose(&parent.0, nth).await;
        assert_eq!(image.status, MediaStatus::Complete, "{image:?}");
        let parent_picture = imaging::fingerprint(&picture_bytes(&app, &parent.1).await);
        assert_eq!(
            last_sent(&app).await,
            [mia_photo.clone(), parent_picture],
            "the photo, then the parent's picture"
        );
        let drawn = image.drawn_with.clone().expect("what it was drawn with");
        let labels: Vec<&str> = drawn.references.iter().map(|r| r.label.as_str()).collect();
        let depth = story::scene_view(&app.state, kids, &id, &parent.0)
            .await
            .expect("parent")
            .depth;
        assert_eq!(
            labels,
            [
                "Mia's photo".to_owned(),
                format!("the picture of scene {depth}")
            ]
        );
        assert_eq!(drawn.note, None);
        parent = (scene, image);
    }
    // Back to the first scene and the other way: its pictures carry the first scene's, not
    // the picture drawn last.
    let first_picture = imaging::fingerprint(&picture_bytes(&app, &first_image).await);
    let (other, other_image) = story.choose(&first, 1).await;
    assert_eq!(
        last_sent(&app).await,
        [mia_photo.clone(), first_picture],
        "after Back, the branch's own parent"
    );
    story.choose(&other, 0).await;
    let other_picture = imaging::fingerprint(&picture_bytes(&app, &other_image).await);
    assert_eq!(last_sent(&app).await, [mia_photo, other_picture]);
}

#[tokio::test]
async fn a_failed_picture_is_never_sent_the_one_above_it_is() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (id, first) = story::start(&app.state, kids, input("gpt-image", None))
        .await
        .expect("start");
    let first_image = final_image(&app.state, kids, &id, &first).await;
    let story = Story {
        app: &app,
        tier: kids,
        id: id.clone(),
    };
    // Scene 2's picture is refused for good.
    queue_fault(&app.url("/sim"), json!({"api": "openai", "kind": "policy"})).await;
    let (second, refused) = story.choose(&first, 0).await;
    assert_eq!(refused.status, MediaStatus::Failed, "{refused:?}");
    let (_, third) = story.choose(&second, 0).await;
    assert_eq!(third.status, MediaStatus::Complete);
    let first_picture = imaging::fingerprint(&picture_bytes(&app, &first_image).await);
    assert_eq!(last_sent(&app).await, [first_picture]);
    let drawn = third.drawn_with.expect("drawn with");
    assert_eq!(drawn.references[0].label, "the picture of scene 1");
}

#[tokio::test]
async fn the_limit_of_each_model_holds_with_one_slot_for_the_picture_before() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (profile, first_character) = family(&app, kids, "Mia").await;
    photo_of(&app, "kids", &first_character, MAGENTA_JPG, "mia.jpg").await;
    for name in ["Leo", "Ada", "Sam"] {
        let character = cousin(&app, &profile, name).await;
        photo_of(&app, "kids", &character, SMALL_PNG, "cousin.png").await;
    }
    for key in ["grok-imagine", "gemini", "gpt-image-quick"] {
        let model = crate::helpers::image_model(key);
        let (id, first) = story::start(&app.state, kids, input(key, Some(profile.clone())))
            .await
            .expect("start");
        final_image(&app.state, kids, &id, &first).await;
        let sent = last_sent(&app).await;
        assert_eq!(
            sent.len(),
            4.min(model.max_reference_images),
            "{key}: first scene"
        );
        let story = Story {
            app: &app,
            tier: kids,
            id: id.clone(),
        };
        let (second_id, second) = story.choose(&first, 0).await;
        let present = said_present(&app, &second_id).await.len();
        let sent = last_sent(&app).await;
        assert!(sent.len() <= model.max_reference_images, "{key}: {sent:?}");
        let drawn = second.drawn_with.expect("drawn with");
        assert_eq!(
            drawn.references.last().map(|r| r.label.as_str()),
            Some("the picture of scene 1"),
            "{key}: the picture before always has its slot"
        );
        let photos = present.min(model.max_reference_images - 1);
        assert_eq!(sent.len(), photos + 1, "{key}: {present} in the scene");
    }
}

#[tokio::test]
async fn a_quick_tap_waits_for_the_picture_before_and_a_short_wait_goes_without() {
    for (wait, carried) in [(Duration::from_secs(20), true), (Duration::ZERO, false)] {
        let app = TestApp::builder()
            .jobs(JobSettings {
                reference_wait: wait,
                ..JobSettings::default()
            })
            .spawn()
            .await;
        let kids = tier("kids");
        // The first picture takes a while; the reader taps before it is there.
        queue_fault(
            &app.url("/sim"),
            json!({"api": "openai", "kind": "slow", "delay_ms": 1500}),
        )
        .await;
        let (id, first) = story::start(&app.state, kids, input("gpt-image", None))
            .await
            .expect("start");
        let view = story::scene_view(&app.state, kids, &id, &first)
            .await
            .expect("scene");
        let second = story::choose(&app.state, kids, &id, &view.choices[0].id)
            .await
            .expect("choose");
        let image = final_image(&app.state, kids, &id, &second).await;
        let first_image = final_image(&app.state, kids, &id, &first).await;
        let drawn = image.drawn_with.expect("drawn with");
        if carried {
            let parent = imaging::fingerprint(&picture_bytes(&app, &first_image).await);
            assert_eq!(
                last_sent(&app).await,
                [parent],
                "waited for scene 1's picture"
            );
            assert_eq!(drawn.note, None);
        } else {
            assert!(drawn.references.is_empty(), "{drawn:?}");
            assert!(
                drawn
                    .note
                    .as_deref()
                    .is_some_and(|n| n.contains("not ready")),
                "{drawn:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_new_look_starts_the_chain_again_from_the_next_scene() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (id, first) = story::start(&app.state, kids, input("gpt-image", None))
        .await
        .expect("start");
    final_image(&app.state, kids, &id, &first).await;
    let res = app
        .server_fn(
            "new_look",
            &[("tier", "kids"), ("story_id", &id), ("scene_id", &first)],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let story = Story {
        app: &app,
        tier: kids,
        id: id.clone(),
    };
    let (second, second_image) = story.choose(&first, 0).await;
    assert!(
        last_sent(&app).await.is_empty(),
        "no picture from before the new look"
    );
    let drawn = second_image.drawn_with.clone().expect("drawn with");
    assert!(drawn
        .note
        .as_deref()
        .is_some_and(|n| n.contains("new look")));
    // The chain goes on from the new look.
    story.choose(&second, 0).await;
    let second_picture = imaging::fingerprint(&picture_bytes(&app, &second_image).await);
    assert_eq!(last_sent(&app).await, [second_picture]);
    // A scene that is not there: not found.
    let res = app
        .server_fn(
            "new_look",
            &[("tier", "kids"), ("story_id", &id), ("scene_id", "nope")],
        )
        .await;
    assert_eq!(res.status(), 404);
}

/// A plain photo of one colour, as a PNG (each character's photo has its own bytes).
fn photo_png(rgb: [u8; 3]) -> Vec<u8> {
    let mut canvas = imaging::Canvas::new(300, 300);
    canvas.fill_rect(0, 0, 300, 300, rgb);
    canvas.to_png()
}

#[tokio::test]
async fn only_the_photos_of_the_characters_in_the_scene_go() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (profile, mia) = family(&app, kids, "Mia").await;
    let mut photos = vec![(mia, photo_png([200, 30, 30]))];
    for (name, rgb) in [("Leo", [30, 200, 30]), ("Ada", [30, 30, 200])] {
        photos.push((cousin(&app, &profile, name).await, photo_png(rgb)));
    }
    for (id, png) in &photos {
        photo_of(&app, "kids", id, png, "photo.png").await;
    }
    let fingerprints: Vec<String> = photos
        .iter()
        .map(|(_, png)| imaging::fingerprint(png))
        .collect();
    let mut input = input("gpt-image", Some(profile));
    input.length = StoryLength::Medium;
    let (id, first) = story::start(&app.state, kids, input).await.expect("start");
    final_image(&app.state, kids, &id, &first).await;
    assert_eq!(
        last_sent(&app).await,
        fingerprints,
        "everyone in the first scene"
    );
    let story = Story {
        app: &app,
        tier: kids,
        id: id.clone(),
    };
    let mut scene = first;
    let mut seen_without_someone = false;
    for _ in 0..3 {
        let (next, image) = story.choose(&scene, 0).await;
        let said = said_present(&app, &next).await;
        let expected: Vec<String> = fingerprints
            .iter()
            .enumerate()
            .filter(|(n, _)| said.contains(&format!("c{}", n + 1)))
            .map(|(_, f)| f.clone())
            .collect();
        seen_without_someone |= expected.len() < fingerprints.len();
        let sent = last_sent(&app).await;
        assert_eq!(sent.len(), expected.len() + 1, "{said:?}: {sent:?}");
        assert_eq!(sent[..expected.len()], expected[..], "{said:?}");
        assert_eq!(
            image.drawn_with.expect("drawn with").references.len(),
            expected.len() + 1
        );
        scene = next;
    }
    assert!(
        seen_without_someone,
        "a scene without one of them was drawn"
    );
}

#[tokio::test]
async fn a_new_picture_above_is_the_one_the_scenes_below_carry() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (id, first) = story::start(&app.state, kids, input("gpt-image", None))
        .await
        .expect("start");
    let old = final_image(&app.state, kids, &id, &first).await;
    let old_picture = imaging::fingerprint(&picture_bytes(&app, &old).await);
    let res = app
        .server_fn(
            "regenerate_media",
            &[
                ("tier", "kids"),
                ("story_id", &id),
                ("scene_id", &first),
                ("kind", "image"),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    // The new picture of scene 1 is made (its file name changes when it is stored).
    let mut new = old.clone();
    for _ in 0..200 {
        new = final_image(&app.state, kids, &id, &first).await;
        if new.url != old.url {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_ne!(new.url, old.url, "the picture was made anew");
    let new_picture = imaging::fingerprint(&picture_bytes(&app, &new).await);
    let story = Story {
        app: &app,
        tier: kids,
        id: id.clone(),
    };
    story.choose(&first, 0).await;
    let sent = last_sent(&app).await;
    assert_eq!(sent, [new_picture], "not the old one ({old_picture})");
}
