//! Forms posted by a browser without the app (before it has started, or with JavaScript
//! off): the server answers with a redirect — on to the new page, or back to the form's
//! page with the error in its address for the page to show — never with a bare error body.

use reqwest::header::{ACCEPT, LOCATION, REFERER};
use reqwest::StatusCode;

use crate::helpers::TestApp;

/// A browser that shows redirects instead of following them.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Posts `form` to the server function `endpoint` as a browser's form does, from `page`.
async fn post_form(
    app: &TestApp,
    endpoint: &str,
    page: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let res = browser()
        .post(app.url(&format!("/api/{endpoint}")))
        .header(ACCEPT, "text/html,application/xhtml+xml")
        .header(REFERER, app.url(page))
        .header("sec-fetch-site", "same-origin")
        .form(form)
        .send()
        .await
        .expect("post");
    let location = res
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (res.status(), location)
}

async fn page_text(app: &TestApp, location: &str) -> String {
    let url = if location.starts_with("http") {
        location.to_owned()
    } else {
        app.url(location)
    };
    let res = browser()
        .get(url)
        .header(ACCEPT, "text/html")
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.expect("body")
}

const START: [(&str, &str); 5] = [
    ("tier", "kids"),
    ("input[length]", "short"),
    ("input[text_model]", "gpt-6-luna"),
    ("input[image_model]", "gpt-image-quick"),
    // The profile picker is always sent; without the memory-mode box it does not count.
    ("input[memory_profile]", "no-such-profile"),
];

#[tokio::test]
async fn a_started_story_sends_the_browser_to_its_first_scene() {
    let app = TestApp::spawn().await;
    let form = [
        START.as_slice(),
        &[("input[prompt]", "A kite over the hills")],
    ]
    .concat();
    let (status, location) = post_form(&app, "start_story", "/kids", &form).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(
        location.starts_with("/kids/story/") && location.contains("/scene/"),
        "{location}"
    );
    assert!(page_text(&app, &location)
        .await
        .contains("Scene 1 of about 3"));
}

#[tokio::test]
async fn a_refused_form_comes_back_to_its_page_with_the_reason() {
    let app = TestApp::spawn().await;
    let form = [START.as_slice(), &[("input[prompt]", "   ")]].concat();
    let (status, location) = post_form(&app, "start_story", "/kids", &form).await;
    assert_eq!(status, StatusCode::FOUND, "a redirect, not the error's 400");
    assert!(location.contains("__err="), "{location}");
    assert!(page_text(&app, &location)
        .await
        .contains("Please write a story idea"));

    // The memory-mode box ticked with a profile that is not there: refused the same way.
    let form = [
        START.as_slice(),
        &[("input[prompt]", "A fox"), ("input[memory_mode]", "on")],
    ]
    .concat();
    let (status, location) = post_form(&app, "start_story", "/kids", &form).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(location.contains("__err="), "{location}");
}

#[tokio::test]
async fn a_refused_form_shows_what_was_typed_again_and_only_in_its_own_form() {
    let app = TestApp::spawn().await;
    // The idea survives a refusal: the page's form starts from it, with the chosen length.
    let form = [
        START.as_slice(),
        &[
            ("input[prompt]", "A fox & a hen </textarea><b>"),
            ("input[memory_mode]", "on"),
        ],
    ]
    .concat()
    .into_iter()
    .map(|(k, v)| (k, if k == "input[length]" { "long" } else { v }))
    .collect::<Vec<_>>();
    let (_, location) = post_form(&app, "start_story", "/kids", &form).await;
    assert!(
        location.contains("form.input%5Bprompt%5D=A+fox"),
        "{location}"
    );
    let html = page_text(&app, &location).await;
    // Escaped: the idea cannot close its field and put markup on the page.
    assert!(
        html.contains(">A fox &amp; a hen &lt;/textarea&gt;&lt;b&gt;</textarea>"),
        "{html}"
    );
    assert!(
        html.contains(r#"value="long" checked"#),
        "the chosen length is kept"
    );

    // Two profile forms on one page: the refused one (the new profile) gets its fields back
    // and opens; the edit form of an existing profile keeps its own.
    let profile = |name: &'static str, themes: &'static str| {
        vec![
            ("tier", "kids"),
            ("input[display_name]", name),
            ("input[themes]", themes),
            ("input[art_style]", ""),
            ("input[tone]", ""),
            ("input[favourite_elements]", ""),
        ]
    };
    let (_, saved) = post_form(
        &app,
        "save_profile",
        "/kids/profiles",
        &profile("The Parks", "owls"),
    )
    .await;
    assert_eq!(saved, app.url("/kids/profiles"));
    let (_, location) = post_form(
        &app,
        "save_profile",
        "/kids/profiles",
        &profile("", "moths, bats"),
    )
    .await;
    assert!(location.contains("__err="), "{location}");
    let html = page_text(&app, &location).await;
    assert_eq!(html.matches(r#"value="moths, bats""#).count(), 1, "{html}");
    assert_eq!(
        html.matches(r#"value="owls""#).count(),
        1,
        "the edit form keeps its own"
    );
    assert_eq!(
        html.matches(r#"<details open class="disclosure""#).count(),
        1,
        "only the refused form opens: {html}"
    );
    assert_eq!(
        html.matches("class=\"error-notice\"").count(),
        1,
        "and only it shows the reason"
    );
    // A post too large to carry back: which form it was is unknown, so the reason shows in
    // every form of the kind (none of them loses it).
    let long = "x".repeat(7 * 1024);
    let (_, location) = post_form(
        &app,
        "save_profile",
        "/kids/profiles",
        &profile("The Longs", Box::leak(long.into_boxed_str())),
    )
    .await;
    assert!(
        location.contains("__err=") && !location.contains("form."),
        "{location}"
    );
    let html = page_text(&app, &location).await;
    assert!(
        html.matches("class=\"error-notice\"").count() >= 2,
        "{html}"
    );

    // Saved at last, the page's address no longer carries the old fields.
    let refused_page = location.trim_start_matches(&app.url(""));
    let (_, location) = post_form(
        &app,
        "save_profile",
        refused_page,
        &profile("The Moths", "moths"),
    )
    .await;
    assert_eq!(location, app.url("/kids/profiles"));
}

#[tokio::test]
async fn a_saved_form_comes_back_to_a_clean_address() {
    let app = TestApp::spawn().await;
    // The page still shows an earlier failure in its address: that is dropped, and so is
    // the `?` it leaves.
    let (status, location) = post_form(
        &app,
        "save_profile",
        "/kids/profiles?__path=/api/save_profile&__err=e30",
        &[
            ("tier", "kids"),
            ("input[display_name]", "The Parks"),
            ("input[themes]", "owls"),
            ("input[art_style]", ""),
            ("input[tone]", ""),
            ("input[favourite_elements]", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(location, app.url("/kids/profiles"));
    assert!(page_text(&app, &location).await.contains("The Parks"));
}

#[tokio::test]
async fn a_photo_far_too_large_comes_back_to_the_profiles_page() {
    let app = TestApp::spawn().await;
    let big = vec![0u8; 6 * 1024 * 1024];
    let form = reqwest::multipart::Form::new()
        .text("tier", "kids")
        .text("character_id", "c1")
        .part(
            "photo",
            reqwest::multipart::Part::bytes(big).file_name("big.jpg"),
        );
    let res = browser()
        .post(app.url("/api/upload_photo"))
        .header(ACCEPT, "text/html")
        .header(REFERER, app.url("/kids/profiles"))
        .header("sec-fetch-site", "same-origin")
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()[LOCATION].to_str().expect("text").to_owned();
    assert!(location.contains("__err="), "{location}");
    assert!(page_text(&app, &location).await.contains("5 MB"));
}

#[tokio::test]
async fn a_stored_description_stays_inside_its_field() {
    use cyoa::domain::profile::CharacterInput;
    use cyoa::server::memory::characters;
    let app = TestApp::spawn().await;
    let tier = crate::helpers::tier("kids");
    let character = CharacterInput {
        name: "Mia".into(),
        description: "red boots </textarea><b id=\"loose\">".into(),
        traits: Default::default(),
    };
    characters::save(&app.state, tier, None, &character)
        .await
        .expect("character");
    let html = page_text(&app, "/kids/profiles").await;
    assert!(!html.contains(r#"<b id="loose">"#), "{html}");
    assert!(html.contains("red boots &lt;/textarea&gt;&lt;b id=&quot;loose&quot;&gt;</textarea>"));
}

#[tokio::test]
async fn a_character_built_with_taps_alone_is_described_by_its_picks() {
    use cyoa::server::memory::profiles;
    let app = TestApp::spawn().await;
    let tier = crate::helpers::tier("kids");
    // A plain form post, before the app has started: the pills are radio buttons.
    let picks = [
        ("tier", "kids"),
        ("input[name]", "Mia"),
        ("input[description]", ""),
        ("input[traits][hair_colour]", "red"),
        ("input[traits][hair_length]", "long"),
        ("input[traits][eyes]", "green"),
        ("input[traits][temperament]", "brave"),
    ];
    let (status, _) = post_form(&app, "save_character", "/kids/profiles", &picks).await;
    assert!(status.is_redirection(), "{status}");
    let view = profiles::page(&app.state, tier, true)
        .await
        .expect("profiles");
    let mia = &view.roster[0];
    assert_eq!(mia.description, "Long red hair and green eyes. Brave.");
    assert_eq!(mia.traits.get("eyes").map(String::as_str), Some("green"));
    let html = page_text(&app, "/kids/profiles").await;
    assert!(
        html.contains(r#"value="green" checked"#),
        "the form shows the picks again"
    );
    // A pick the builder does not offer is refused in words, and nothing is stored.
    let mut wrong = picks;
    wrong[1] = ("input[name]", "Leo");
    wrong[5] = ("input[traits][eyes]", "purple");
    let (status, location) = post_form(&app, "save_character", "/kids/profiles", &wrong).await;
    assert!(status.is_redirection(), "{status}");
    let html = page_text(&app, &location).await;
    assert!(
        html.contains("is not one of the choices for eyes"),
        "{location}"
    );
    let view = profiles::page(&app.state, tier, true)
        .await
        .expect("profiles");
    assert_eq!(view.roster.len(), 1);
}

#[tokio::test]
async fn a_refused_family_member_comes_back_with_the_reason_and_what_was_typed() {
    let app = TestApp::spawn().await;
    let child = [
        ("tier", "kids"),
        ("input[role]", "child"),
        ("input[name]", "Quin"),
        ("input[age]", "30"),
        ("input[gender]", "other"),
    ];
    let (status, location) = post_form(&app, "save_family_member", "/kids/family", &child).await;
    assert!(status.is_redirection(), "{status}");
    assert!(location.contains("__err="), "{location}");
    let html = page_text(&app, &location).await;
    assert!(html.contains("from 1 to 17"), "the reason: {html}");
    assert!(html.contains(r#"value="Quin""#), "what was typed");
    // The same form, right: saved, and the page comes back clean.
    let mut right = child;
    right[3] = ("input[age]", "3");
    let (_, location) = post_form(&app, "save_family_member", "/kids/family", &right).await;
    assert_eq!(location, app.url("/kids/family"));
    let html = page_text(&app, "/kids/family").await;
    assert!(html.contains("a child of 3"), "{html}");
}

/// A roster character whose id starts with a digit, as a hex id often does (a form decoder
/// reads such a bracketed key as a list index unless the field name says otherwise), made
/// on the given day (the roster's order).
async fn digit_first_character(app: &TestApp, name: &str, made_on: &str) -> String {
    let made = crate::helpers::add_character(&app.state, "kids", name, "in wellies").await;
    let id = format!("0{made}");
    cyoa::server::db::query("UPDATE characters SET id = ?, created_at = ? WHERE id = ?")
        .bind(&id)
        .bind(made_on)
        .bind(&made)
        .execute(&app.state.db)
        .await
        .expect("id");
    id
}

#[tokio::test]
async fn characters_ticked_in_plain_posts_reach_the_profile_and_the_story() {
    use cyoa::domain::form::Picked;
    let app = TestApp::spawn().await;
    let (mia, leo) = (
        digit_first_character(&app, "Mia", "2026-01-01T00:00:00.000000Z").await,
        digit_first_character(&app, "Leo", "2026-01-02T00:00:00.000000Z").await,
    );
    let mia_box = Picked::field("input[characters]", &mia);
    let leo_box = Picked::field("input[characters]", &leo);
    let profile = [
        ("tier", "kids"),
        ("input[display_name]", "The Lees"),
        ("input[themes]", ""),
        ("input[art_style]", ""),
        ("input[tone]", ""),
        ("input[favourite_elements]", ""),
        (mia_box.as_str(), "on"),
    ];
    let (status, _) = post_form(&app, "save_profile", "/kids/profiles", &profile).await;
    assert!(status.is_redirection(), "{status}");
    let page = cyoa::server::memory::profiles::page(&app.state, crate::helpers::tier("kids"), true)
        .await
        .expect("page");
    assert_eq!(page.profiles[0].characters, std::slice::from_ref(&mia));

    let form = [
        START.as_slice(),
        &[
            ("input[prompt]", "A kite over the hills"),
            (leo_box.as_str(), "on"),
            (mia_box.as_str(), "on"),
        ],
    ]
    .concat();
    let (status, location) = post_form(&app, "start_story", "/kids", &form).await;
    assert_eq!(status, StatusCode::FOUND, "{location}");
    // In the roster's order (Mia was made first), whatever order the boxes came in.
    assert!(page_text(&app, &location)
        .await
        .contains("With Mia and Leo"));
    // Another tier's (or a removed) character is refused in words, and no story starts.
    let form = [
        START.as_slice(),
        &[
            ("input[prompt]", "A kite over the hills"),
            ("input[characters][id_gone]", "on"),
        ],
    ]
    .concat();
    let (_, location) = post_form(&app, "start_story", "/kids", &form).await;
    assert!(page_text(&app, &location)
        .await
        .contains("no longer) in this tier"));
}

#[tokio::test]
async fn surprise_me_and_the_idea_cards_work_without_the_app() {
    let app = TestApp::spawn().await;
    // The Surprise button of a page without the app posts the form with its own name: the
    // empty idea field does not stop it.
    let form = [
        START.as_slice(),
        &[("input[prompt]", ""), ("input[surprise]", "on")],
    ]
    .concat();
    let (status, location) = post_form(&app, "start_story", "/kids", &form).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(location.contains("/scene/"), "{location}");

    // A card is a link to the home page with the form filled from it and the card marked.
    let html = page_text(&app, "/kids?idea=snail-sea").await;
    assert!(
        html.contains(">A brave snail who wants to see the sea and makes a new friend at every step of the long way</textarea>"),
        "the idea is in the field"
    );
    // The card linked to comes first and is marked.
    let first_card = html.find(r#""idea-card""#).expect("cards");
    let tag_start = html[..first_card].rfind('<').expect("its tag");
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>').expect("tag end")];
    assert!(
        tag.contains("?idea=snail-sea#start") && tag.contains(r#"aria-pressed="true""#),
        "{tag}"
    );
    assert_eq!(html.matches(r#"aria-pressed="true""#).count(), 1);
    assert!(
        html.contains(r#"value="ink-wash" selected"#),
        "the card's style is chosen"
    );
    // An idea id that is not the tier's fills nothing.
    let html = page_text(&app, "/kids?idea=vienna-lies").await;
    assert!(!html.contains("Vienna"));
    assert!(!html.contains(r#"aria-pressed="true""#));
}
