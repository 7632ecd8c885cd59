//! Family mode over real HTTP and a real SQLite file: the family's limits and checks, its
//! tier's own, only a parent changes it; a story started with family mode names a child in
//! its first scene and draws a linked character's photo.

use cyoa::domain::story::{StartInput, StoryLength};
use cyoa::server::memory::family;
use cyoa::server::story;

use crate::helpers::{app_error, final_image, tier, TestApp};
use crate::memory_mode::{family as profile_with, upload, MAGENTA_JPG};

fn child(name: &str, age: &str, gender: &str) -> Vec<(String, String)> {
    vec![
        ("input[role]".into(), "child".into()),
        ("input[name]".into(), name.into()),
        ("input[age]".into(), age.into()),
        ("input[gender]".into(), gender.into()),
    ]
}

/// A short story with pictures, with family mode on or off.
fn kite(family_mode: bool) -> StartInput {
    StartInput {
        prompt: "a kite that flies to the moon".into(),
        length: StoryLength::Short,
        text_model: "claude-sonnet-5-5".into(),
        image_model: Some("gpt-image".into()),
        memory_profile: None,
        video_mode: false,
        family_mode,
        characters: Vec::new(),
        style: String::new(),
        surprise: false,
        bedtime: false,
        sequel_of: None,
    }
}

async fn add(app: &TestApp, tier: &str, fields: Vec<(String, String)>) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = vec![("tier", tier)];
    form.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    app.server_fn("save_family_member", &form).await
}

#[tokio::test]
async fn a_family_holds_six_children_and_two_grown_ups_and_refuses_bad_members_in_words() {
    let app = TestApp::spawn().await;
    for n in 1..=6 {
        let res = add(
            &app,
            "kids",
            child(&format!("Child {n}"), &n.to_string(), "girl"),
        )
        .await;
        assert!(res.status().is_success(), "child {n}: {}", res.status());
    }
    let (status, error) = app_error(add(&app, "kids", child("Seventh", "3", "boy")).await).await;
    assert_eq!(status, 409, "{error:?}");
    assert!(error.to_string().contains("at most 6 children"), "{error}");
    for name in ["Sam", "Alex"] {
        let res = add(
            &app,
            "kids",
            vec![
                ("input[role]".into(), "grown_up".into()),
                ("input[name]".into(), name.into()),
            ],
        )
        .await;
        assert!(res.status().is_success());
    }
    let third = vec![
        ("input[role]".into(), "grown_up".into()),
        ("input[name]".into(), "Jo".into()),
    ];
    assert_eq!(app_error(add(&app, "kids", third).await).await.0, 409);
    // Bad members: a clear 422, nothing stored.
    for (fields, words) in [
        (child("", "5", "girl"), "give their name"),
        (child("Mia", "18", "girl"), "from 1 to 17"),
        (child("Mia", "six", "girl"), "from 1 to 17"),
        (child("Mia", "6", "cat"), "girl, boy or other"),
    ] {
        let (status, error) = app_error(add(&app, "adult-less", fields.clone()).await).await;
        assert_eq!(status, 404, "an unknown tier: {error:?}");
        let (status, error) = app_error(add(&app, "kids", fields).await).await;
        assert_eq!(status, 422, "{error:?}");
        assert!(error.to_string().contains(words), "{error}");
    }
    let view = family::page(&app.state, tier("kids"))
        .await
        .expect("family");
    assert_eq!(view.children().count(), 6);
    assert_eq!(view.grown_ups().count(), 2);
    // Each tier its own family: the adult tier's is empty.
    let adult = family::page(&app.state, tier("adult"))
        .await
        .expect("family");
    assert!(adult.members.is_empty());
    // Removing one makes room; removing all empties it.
    let first = view.members[0].id.clone();
    let res = app
        .server_fn("delete_family_member", &[("tier", "kids"), ("id", &first)])
        .await;
    assert!(res.status().is_success());
    assert!(add(&app, "kids", child("Seventh", "3", "boy"))
        .await
        .status()
        .is_success());
    let res = app.server_fn("delete_family", &[("tier", "kids")]).await;
    assert!(res.status().is_success());
    let view = family::page(&app.state, tier("kids"))
        .await
        .expect("family");
    assert!(view.members.is_empty());
}

#[tokio::test]
async fn a_story_in_family_mode_names_a_child_first_and_draws_a_linked_photo() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (_, mia_character) = profile_with(&app, kids, "Mia").await;
    let res = upload(
        &app,
        "kids",
        &mia_character,
        MAGENTA_JPG.to_vec(),
        "mia.jpg",
    )
    .await;
    assert!(res.status().is_success());
    let mut mia = child("Mia", "6", "girl");
    mia.push(("input[character_id]".into(), mia_character.clone()));
    assert!(add(&app, "kids", mia).await.status().is_success());
    assert!(add(&app, "kids", child("Leo", "4", "boy"))
        .await
        .status()
        .is_success());
    // A character of another tier cannot be linked.
    let (_, adult_character) = profile_with(&app, tier("adult"), "Zed").await;
    let mut wrong = child("Ada", "3", "girl");
    wrong.push(("input[character_id]".into(), adult_character));
    assert_eq!(app_error(add(&app, "kids", wrong).await).await.0, 422);

    let home = story::home(&app.state, kids, None).await.expect("home");
    assert_eq!(home.family, ["Mia", "Leo"]);
    let (id, first) = story::start(&app.state, kids, kite(true))
        .await
        .expect("start");
    let view = story::scene_view(&app.state, kids, &id, &first)
        .await
        .expect("scene");
    assert!(
        view.narrative.contains("Mia") || view.narrative.contains("Leo"),
        "the first scene names a child: {}",
        view.narrative
    );
    let image = final_image(&app.state, kids, &id, &first).await;
    let drawn = image.drawn_with.expect("drawn with");
    assert_eq!(drawn.references[0].label, "Mia's photo");
    assert_eq!(
        drawn.references[0].fingerprint,
        imaging::fingerprint(MAGENTA_JPG)
    );
    // Without family mode the family stays out.
    let (id, first) = story::start(&app.state, kids, kite(false))
        .await
        .expect("start");
    let view = story::scene_view(&app.state, kids, &id, &first)
        .await
        .expect("scene");
    assert!(!view.narrative.contains("Mia"), "{}", view.narrative);
}
