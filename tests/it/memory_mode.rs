//! Memory mode over real HTTP and a real SQLite file: the exact request each image model
//! sends with reference photos (checked in the simulator's request log), photos only when
//! memory mode is on, and every bad upload refused with nothing stored.

use std::time::Duration;

use crate::helpers::{final_image, tier, TestApp};
use cyoa::domain::aspect::AspectRatio;
use cyoa::domain::form::Picked;
use cyoa::domain::media::MediaStatus;
use cyoa::domain::profile::{CharacterInput, ProfileInput};
use cyoa::domain::story::{StartInput, StoryLength};
use cyoa::domain::{ImageModelSpec, TierSpec};
use cyoa::server::memory::{characters, profiles};
use cyoa::server::providers::Endpoint;
use cyoa::server::providers::{ProviderClient, ReferenceImage, RetryPolicy};
use cyoa::server::story;
use imaging::photo;
use provider_sim::{self as sim, RunningSim, SimConfig};
use reqwest::multipart::{Form, Part};
use serde_json::Value;

pub(crate) const MAGENTA_JPG: &[u8] = include_bytes!("../fixtures/photo-magenta.jpg");
pub(crate) const SMALL_PNG: &[u8] = include_bytes!("../fixtures/photo-small.png");
const BOMB_PNG: &[u8] = include_bytes!("../fixtures/bomb-81mp.png");

fn reference(bytes: &[u8], mime: &'static str, name: &str) -> ReferenceImage {
    ReferenceImage {
        bytes: bytes.to_vec(),
        mime,
        file_name: name.into(),
    }
}

async fn image_log(base_url: &str) -> Vec<Value> {
    reqwest::get(format!("{base_url}/__control/image_requests"))
        .await
        .expect("log")
        .json::<Vec<Value>>()
        .await
        .expect("log JSON")
}

/// The picture's pixel in the first reference inset, three quarters in (the simulator
/// draws photos along the top edge, each a quarter of the picture wide).
fn first_inset_pixel(png: &[u8]) -> [u8; 3] {
    let picture = photo::decode(png).expect("a PNG");
    let side = picture.pixels.width / 4;
    let at = 4 + side * 3 / 4;
    picture.pixels.get(at, at)
}

fn is_magenta([r, g, b]: [u8; 3]) -> bool {
    r > 190 && g < 60 && b > 120
}

async fn generate_with(
    sim: &RunningSim,
    model: &ImageModelSpec,
    references: &[ReferenceImage],
) -> Vec<u8> {
    let policy = RetryPolicy {
        max_attempts: 1,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(5),
        request_timeout: Duration::from_secs(10),
    };
    let p = model.provider;
    let client = ProviderClient::new(
        reqwest::Client::new(),
        p,
        Endpoint::simulated(&sim.base_url(), p, "k"),
        policy,
    );
    client
        .generate_image(
            model,
            "a picnic in the park",
            AspectRatio::Square,
            references,
        )
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", model.key))
        .bytes
}

#[tokio::test]
async fn each_model_sends_the_photos_the_way_its_api_takes_them() {
    let sim = sim::spawn(SimConfig::default()).await.expect("sim");
    let photos = [
        reference(MAGENTA_JPG, "image/jpeg", "reference-1.jpg"),
        reference(SMALL_PNG, "image/png", "reference-2.png"),
    ];
    for model in crate::helpers::current_image_models() {
        let png = generate_with(&sim, model, &photos).await;
        let log = image_log(&sim.base_url()).await;
        let sent = log.last().expect("a logged request");
        let fields: Vec<&str> = sent["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(sent["references"], 2, "{}: {sent}", model.key);
        assert_eq!(sent["model"], model.api_model, "{}", model.key);
        match model.key {
            // GPT Image 2 and later ignore `input_fidelity`: it is not sent.
            "gpt-image" | "gpt-image-detailed" | "gpt-image-quick" => {
                assert_eq!(sent["path"], "/images/edits");
                assert!(fields.contains(&"image[]"), "{fields:?}");
                assert!(
                    sent["input_fidelity"].is_null(),
                    "{}: no input_fidelity",
                    model.key
                );
                assert!(!fields.contains(&"input_fidelity"));
            }
            "grok-imagine" => {
                assert_eq!(sent["path"], "/images/edits");
                assert!(
                    fields.contains(&"images") && !fields.contains(&"image"),
                    "{fields:?}"
                );
            }
            "gemini" => assert_eq!(sent["path"], "/generateContent"),
            other => panic!("untested model {other}"),
        }
        assert!(
            is_magenta(first_inset_pixel(&png)),
            "{}: the photo is drawn into the picture",
            model.key
        );
    }
    // One photo to Grok goes as `image: {url}`.
    let grok = crate::helpers::image_model("grok-imagine");
    generate_with(&sim, grok, &photos[..1]).await;
    let log = image_log(&sim.base_url()).await;
    let fields = log.last().expect("logged")["fields"].clone();
    assert!(fields
        .as_array()
        .expect("fields")
        .contains(&Value::from("image")));
}

/// A roster character ("six years old, red boots"); its id.
pub(crate) async fn character(app: &TestApp, tier: &'static TierSpec, name: &str) -> String {
    characters::save(
        &app.state,
        tier,
        None,
        &CharacterInput {
            name: name.into(),
            description: "six years old, red boots".into(),
            traits: Default::default(),
        },
    )
    .await
    .expect("character")
}

/// A profile that brings one new roster character; both ids.
pub(crate) async fn family(app: &TestApp, tier: &'static TierSpec, name: &str) -> (String, String) {
    let character_id = character(app, tier, name).await;
    let profile_id = profiles::save_profile(
        &app.state,
        tier,
        None,
        &ProfileInput {
            display_name: "The Lees".into(),
            themes: "kites".into(),
            art_style: "soft watercolour".into(),
            characters: Picked(vec![character_id.clone()]),
            ..Default::default()
        },
    )
    .await
    .expect("profile");
    (profile_id, character_id)
}

/// Uploads through the multipart server function, as the browser does.
pub(crate) async fn upload(
    app: &TestApp,
    tier: &str,
    character_id: &str,
    bytes: Vec<u8>,
    file_name: &str,
) -> reqwest::Response {
    let form = Form::new()
        .text("tier", tier.to_owned())
        .text("character_id", character_id.to_owned())
        .part("photo", Part::bytes(bytes).file_name(file_name.to_owned()));
    app.http
        .post(app.url("/api/upload_photo"))
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

async fn photo_files(app: &TestApp, tier: &str, character_id: &str) -> Vec<String> {
    let folder = cyoa::server::media_store::Folder::photos(tier, character_id);
    crate::helpers::stored_files(&app.state, &folder).await
}

#[tokio::test]
async fn memory_mode_sends_the_photos_and_off_sends_none() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (profile_id, character_id) = family(&app, kids, "Mia").await;
    let res = upload(&app, "kids", &character_id, MAGENTA_JPG.to_vec(), "mia.jpg").await;
    assert!(
        res.status().is_success(),
        "{}",
        res.text().await.unwrap_or_default()
    );
    let sim_url = app.url("/sim");
    for (memory, model) in [(true, "gpt-image"), (false, "gpt-image"), (true, "gemini")] {
        let input = StartInput {
            prompt: "a windy day".into(),
            length: StoryLength::Short,
            text_model: "claude-sonnet-5-5".into(),
            image_model: Some(model.into()),
            memory_profile: memory.then(|| profile_id.clone()),
            video_mode: false,
            family_mode: false,
            characters: Vec::new(),
            style: String::new(),
            surprise: false,
            bedtime: false,
            sequel_of: None,
        };
        let (story_id, scene_id) = story::start(&app.state, kids, input).await.expect("start");
        let image = final_image(&app.state, kids, &story_id, &scene_id).await;
        assert_eq!(image.status, MediaStatus::Complete, "{image:?}");
        let log = image_log(&sim_url).await;
        let sent = log.last().expect("logged");
        let prompt = sent["prompt"].as_str().unwrap_or_default();
        if memory {
            assert_eq!(sent["references"], 1, "{model}: {sent}");
            assert!(
                prompt.contains("Mia") && prompt.contains("soft watercolour"),
                "{prompt}"
            );
            let url = image.url.expect("url");
            let png = app
                .http
                .get(app.url(&url))
                .send()
                .await
                .expect("image")
                .bytes()
                .await
                .expect("bytes");
            assert!(
                is_magenta(first_inset_pixel(&png)),
                "{model}: Mia's photo is in the picture"
            );
            let view = story::scene_view(&app.state, kids, &story_id, &scene_id)
                .await
                .expect("view");
            assert_eq!(
                view.memory_profile_name.as_deref(),
                Some("Memory mode: The Lees")
            );
        } else {
            assert_eq!(sent["references"], 0, "memory off sends no photo: {sent}");
            assert!(
                !prompt.contains("Mia"),
                "memory off uses nothing of the profile: {prompt}"
            );
            assert_eq!(sent["path"], "/images/generations");
        }
    }
}

#[tokio::test]
async fn bad_uploads_are_refused_in_plain_words_and_store_nothing() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (_, character_id) = family(&app, kids, "Leo").await;
    let cut_jpeg = MAGENTA_JPG[..MAGENTA_JPG.len() - 300].to_vec();
    let mut too_big = b"\x89PNG\r\n\x1a\n".to_vec();
    too_big.resize(5 * 1024 * 1024 + 1, 7);
    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            "a GIF named .png",
            b"GIF89a\x01\x00\x01\x00".to_vec(),
            "not a JPEG or PNG",
        ),
        ("a truncated JPEG", cut_jpeg, "damaged or incomplete"),
        ("a file over 5 MB", too_big, "larger than 5 MB"),
        (
            "a decompression bomb",
            BOMB_PNG.to_vec(),
            "more than we can handle",
        ),
        ("an empty file", Vec::new(), "No photo was received"),
    ];
    for (what, bytes, expected) in cases {
        let res = upload(&app, "kids", &character_id, bytes, "photo.png").await;
        assert!(!res.status().is_success(), "{what} was accepted");
        let body = res.text().await.unwrap_or_default();
        assert!(body.contains(expected), "{what}: {body}");
        assert!(
            photo_files(&app, "kids", &character_id).await.is_empty(),
            "{what} left files"
        );
    }
    // A multipart body without its boundary.
    let res = app
        .http
        .post(app.url("/api/upload_photo"))
        .header("content-type", "multipart/form-data")
        .body("--x\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\nabc\r\n--x--\r\n")
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 400);
    assert!(res
        .text()
        .await
        .unwrap_or_default()
        .contains("did not arrive in one piece"));
    // The same framing error on a recording speaks of the recording, not of a photo.
    let res = app
        .http
        .post(app.url("/api/transcribe"))
        .header("content-type", "multipart/form-data")
        .body("--x\r\nContent-Disposition: form-data; name=\"audio\"\r\n\r\nabc\r\n--x--\r\n")
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 400);
    let body = res.text().await.unwrap_or_default();
    assert!(
        body.contains("recording") && !body.contains("photo"),
        "{body}"
    );
    // Another tier cannot upload to this character.
    let res = upload(&app, "adult", &character_id, MAGENTA_JPG.to_vec(), "a.jpg").await;
    assert!(!res.status().is_success());
    assert!(photo_files(&app, "kids", &character_id).await.is_empty());
    let page = profiles::page(&app.state, kids, true).await.expect("page");
    assert!(page.roster[0].photos.is_empty());
}

#[tokio::test]
async fn a_character_keeps_up_to_three_photos_each_removable_and_deletes_clean_up() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (profile_id, character_id) = family(&app, kids, "Ada").await;
    let res = upload(&app, "kids", &character_id, SMALL_PNG.to_vec(), "tiny.png").await;
    let body: Value = res.json().await.expect("json");
    assert!(
        body["warning"]
            .as_str()
            .unwrap_or_default()
            .contains("120×90"),
        "{body}"
    );
    let first = photo_files(&app, "kids", &character_id).await;
    assert_eq!(first.len(), 2, "photo and thumbnail: {first:?}");
    let small_file = body["photo"]["file"].as_str().expect("file").to_owned();
    let thumb = body["photo"]["thumbnail_url"]
        .as_str()
        .expect("thumbnail url")
        .to_owned();
    assert!(app
        .http
        .get(app.url(&thumb))
        .send()
        .await
        .expect("get")
        .status()
        .is_success());
    // The other tier's route never serves it.
    let other = thumb.replacen("/kids/", "/adult/", 1);
    assert_eq!(
        app.http
            .get(app.url(&other))
            .send()
            .await
            .expect("get")
            .status(),
        404
    );

    // Two more fit; a fourth is refused in plain words and stores nothing.
    for name in ["big.jpg", "again.jpg"] {
        let res = upload(&app, "kids", &character_id, MAGENTA_JPG.to_vec(), name).await;
        let body: Value = res.json().await.expect("json");
        assert!(body["warning"].is_null(), "{body}");
    }
    assert_eq!(photo_files(&app, "kids", &character_id).await.len(), 6);
    let res = upload(
        &app,
        "kids",
        &character_id,
        MAGENTA_JPG.to_vec(),
        "four.jpg",
    )
    .await;
    assert_eq!(res.status(), 409);
    let said = res.text().await.unwrap_or_default();
    assert!(said.contains("at most 3 photos"), "{said}");
    assert_eq!(photo_files(&app, "kids", &character_id).await.len(), 6);
    let page = profiles::page(&app.state, kids, true).await.expect("page");
    assert_eq!(page.roster[0].photos.len(), 3);

    // Remove takes exactly the one photo (and its thumbnail) off record and disk.
    let res = app
        .http
        .post(app.url("/api/remove_photo"))
        .form(&[
            ("tier", "kids"),
            ("character_id", character_id.as_str()),
            ("file", small_file.as_str()),
        ])
        .send()
        .await
        .expect("remove");
    assert!(res.status().is_success(), "{}", res.status());
    let left = photo_files(&app, "kids", &character_id).await;
    assert_eq!(left.len(), 4);
    assert!(left.iter().all(|f| !first.contains(f)), "{left:?}");
    assert_eq!(
        app.http
            .get(app.url(&thumb))
            .send()
            .await
            .expect("get")
            .status(),
        404
    );

    // A photo lost on disk counts as absent, and the card says photos are unavailable.
    for f in left.iter().take(2) {
        let key = cyoa::server::media_store::FileKey::photo("kids", &character_id, f);
        crate::helpers::lose(&app.state, &key).await;
    }
    let page = profiles::page(&app.state, kids, true).await.expect("page");
    assert_eq!(page.roster[0].photos_missing, 1);
    assert_eq!(page.roster[0].photos.len(), 1);

    // Deleting the profile keeps the character and its photos; removing the character
    // takes them all.
    profiles::delete_profile(&app.state, kids, &profile_id)
        .await
        .expect("delete");
    assert!(!photo_files(&app, "kids", &character_id).await.is_empty());
    characters::delete(&app.state, kids, &character_id)
        .await
        .expect("delete");
    assert!(
        photo_files(&app, "kids", &character_id).await.is_empty(),
        "photos go with the character"
    );
}

#[tokio::test]
async fn the_roster_is_per_tier_unique_by_name_and_holds_twenty() {
    let app = TestApp::spawn().await;
    let (kids, adult) = (tier("kids"), tier("adult"));
    let (profile_id, character_id) = family(&app, kids, "Mia").await;
    let adult_page = profiles::page(&app.state, adult, true).await.expect("page");
    assert!(adult_page.roster.is_empty() && adult_page.profiles.is_empty());
    assert!(characters::delete(&app.state, adult, &character_id)
        .await
        .is_err());
    // A profile cannot bring another tier's character.
    let err = profiles::save_profile(
        &app.state,
        adult,
        None,
        &ProfileInput {
            display_name: "Grown-ups".into(),
            characters: Picked(vec![character_id.clone()]),
            ..Default::default()
        },
    )
    .await
    .expect_err("another tier's character");
    assert_eq!(cyoa::domain::AppError::from(err).status_code(), 422);
    // Names are unique in a tier ignoring case, also on edit; the other tier may reuse one.
    let mia = CharacterInput {
        name: "MIA".into(),
        description: "tall".into(),
        traits: Default::default(),
    };
    let err = characters::save(&app.state, kids, None, &mia)
        .await
        .expect_err("taken");
    let said = cyoa::domain::AppError::from(err).to_string();
    assert!(said.contains("already a character called Mia"), "{said}");
    characters::save(&app.state, adult, None, &mia)
        .await
        .expect("the other tier's own Mia");
    let leo = character(&app, kids, "Leo").await;
    assert!(characters::save(&app.state, kids, Some(&leo), &mia)
        .await
        .is_err());
    for i in 3..=20 {
        character(&app, kids, &format!("Kid {i}")).await;
    }
    let err = characters::save(
        &app.state,
        kids,
        None,
        &CharacterInput {
            name: "One too many".into(),
            description: "x".into(),
            traits: Default::default(),
        },
    )
    .await
    .expect_err("full");
    let said = cyoa::domain::AppError::from(err).to_string();
    assert!(said.contains("20 characters"), "{said}");
    // Memory mode with another tier's profile, or another tier's character, is refused.
    let input = StartInput {
        prompt: "x".into(),
        length: StoryLength::Short,
        text_model: "claude-sonnet-5-5".into(),
        image_model: None,
        memory_profile: Some(profile_id),
        video_mode: false,
        family_mode: false,
        characters: Vec::new(),
        style: String::new(),
        surprise: false,
        bedtime: false,
        sequel_of: None,
    };
    assert!(story::start(&app.state, adult, input.clone())
        .await
        .is_err());
    let picked = StartInput {
        memory_profile: None,
        characters: vec![character_id],
        ..input
    };
    let err = story::start(&app.state, adult, picked)
        .await
        .expect_err("another tier's character");
    assert_eq!(cyoa::domain::AppError::from(err).status_code(), 422);
}

#[tokio::test]
async fn the_number_of_photos_sent_respects_each_models_limit() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    // The profile brings one; three more are picked on the start form.
    let (profile_id, first) = family(&app, kids, "Kid 1").await;
    let mut picked = Vec::new();
    for i in 2..=4 {
        picked.push(character(&app, kids, &format!("Kid {i}")).await);
    }
    for id in std::iter::once(&first).chain(&picked) {
        let res = upload(&app, "kids", id, MAGENTA_JPG.to_vec(), "kid.jpg").await;
        assert!(res.status().is_success());
    }
    let sim_url = app.url("/sim");
    for (model, expected) in [("grok-imagine", 3), ("gemini", 3), ("gpt-image", 4)] {
        let input = StartInput {
            prompt: "a school trip".into(),
            length: StoryLength::Short,
            text_model: "claude-sonnet-5-5".into(),
            image_model: Some(model.into()),
            memory_profile: Some(profile_id.clone()),
            video_mode: false,
            family_mode: false,
            characters: picked.clone(),
            style: String::new(),
            surprise: false,
            bedtime: false,
            sequel_of: None,
        };
        let (story_id, scene_id) = story::start(&app.state, kids, input).await.expect("start");
        let image = final_image(&app.state, kids, &story_id, &scene_id).await;
        assert_eq!(image.status, MediaStatus::Complete, "{model}: {image:?}");
        let log = image_log(&sim_url).await;
        assert_eq!(
            log.last().expect("logged")["references"],
            expected,
            "{model}"
        );
    }
}
