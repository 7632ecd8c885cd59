//! Sequels over HTTP against the simulator (whose first scene of a sequel says which story
//! it follows): a finished story continued keeps its characters, picture style and models
//! and starts from the ending read last; the gallery links the chain both ways; an
//! unfinished, unknown or other tier's story is refused in words; deleting a story of the
//! chain keeps the others.

use cyoa::api::story::StartedStory;
use cyoa::domain::gallery::StoryCard;
use cyoa::domain::AppError;
use cyoa::server::story;

use crate::helpers::{add_character, app_error, start_input, tier, TestApp};

/// A short kids story with Ivy, drawn as crayon, read along its first choices to the end.
async fn finished(app: &TestApp, idea: &str) -> (String, String) {
    let kids = tier("kids");
    let ivy = match cyoa::server::db::query_scalar::<String>(
        "SELECT id FROM characters WHERE tier = 'kids' AND name = 'Ivy'",
    )
    .fetch_optional(&app.state.db)
    .await
    .expect("roster")
    {
        Some(id) => id,
        None => add_character(&app.state, "kids", "Ivy", "A girl with a yellow raincoat").await,
    };
    let mut input = start_input(idea);
    input.image_model = Some("gpt-image-quick".into());
    input.characters = vec![ivy];
    input.style = "crayon".into();
    let (story_id, mut scene_id) = story::start(&app.state, kids, input).await.expect("start");
    loop {
        let view = story::scene_view(&app.state, kids, &story_id, &scene_id)
            .await
            .expect("scene");
        if view.is_ending {
            return (story_id, scene_id);
        }
        scene_id = story::choose(&app.state, kids, &story_id, &view.choices[0].id)
            .await
            .expect("chosen");
    }
}

/// The sequel form's post: what happens next (may be empty) and the preselected models.
async fn continue_it(app: &TestApp, story_id: &str, next: &str) -> reqwest::Response {
    let home = story::home(&app.state, tier("kids"), Some(story_id))
        .await
        .expect("home");
    let form = home.sequel.expect("a sequel form");
    let image = form.image_model.unwrap_or_default();
    app.server_fn(
        "start_story",
        &[
            ("tier", "kids"),
            ("input[prompt]", next),
            ("input[length]", form.length.key()),
            ("input[text_model]", &form.text_model),
            ("input[image_model]", &image),
            ("input[sequel_of]", story_id),
        ],
    )
    .await
}

type Row = (
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
);

async fn row(app: &TestApp, story_id: &str) -> Row {
    cyoa::server::db::query_as(
        "SELECT sequel_of, memory_context, picture_style, text_model, image_model, earlier, prompt
         FROM stories WHERE id = ?",
    )
    .bind(story_id)
    .fetch_one(&app.state.db)
    .await
    .expect("story row")
}

async fn card(app: &TestApp, story_id: &str) -> StoryCard {
    story::gallery::page(&app.state, tier("kids"), None)
        .await
        .expect("gallery")
        .completed
        .into_iter()
        .find(|c| c.story_id == story_id)
        .expect("its card")
}

#[tokio::test]
async fn a_sequel_starts_from_the_ending_with_the_same_characters_style_and_models() {
    let app = TestApp::spawn().await;
    let (first, ending) = finished(&app, "a kite that wants to see the sea").await;
    let ending_words = story::scene_view(&app.state, tier("kids"), &first, &ending)
        .await
        .expect("ending")
        .narrative;
    let res = continue_it(&app, &first, "").await;
    assert!(res.status().is_success(), "{}", res.status());
    let second: StartedStory = res.json().await.expect("started");

    let before = row(&app, &first).await;
    let after = row(&app, &second.story_id).await;
    assert_eq!(
        after.0.as_deref(),
        Some(first.as_str()),
        "linked to the story it continues"
    );
    assert_eq!(
        after.1, before.1,
        "the same characters, descriptions and photos"
    );
    assert!(after.1.as_deref().is_some_and(|m| m.contains("Ivy")));
    assert_eq!(after.2, before.2, "the same picture style");
    assert_eq!(
        (&after.3, &after.4),
        (&before.3, &before.4),
        "the same models"
    );
    assert!(
        after.5.contains(ending_words.trim()),
        "told how the story ended"
    );
    assert!(after.6.starts_with("What happened next"), "{}", after.6);
    let opening = story::scene_view(&app.state, tier("kids"), &second.story_id, &second.scene_id)
        .await
        .expect("first scene");
    assert!(
        opening.narrative.starts_with("After the adventure of"),
        "{}",
        opening.narrative
    );
    // What happens next, when the form says it, is the sequel's idea.
    let res = continue_it(&app, &first, "Ivy and the kite fly to the mountains").await;
    let third: StartedStory = res.json().await.expect("started");
    assert_eq!(
        row(&app, &third.story_id).await.6,
        "Ivy and the kite fly to the mountains"
    );
}

#[tokio::test]
async fn the_gallery_links_a_chain_both_ways_and_a_deleted_story_leaves_the_rest() {
    let app = TestApp::spawn().await;
    let (first, _) = finished(&app, "a snail who builds a boat").await;
    let second: StartedStory = continue_it(&app, &first, "").await.json().await.expect("2");
    // Read the sequel to its end, then continue it too: a chain of three.
    let kids = tier("kids");
    let mut scene_id = second.scene_id.clone();
    loop {
        let view = story::scene_view(&app.state, kids, &second.story_id, &scene_id)
            .await
            .expect("scene");
        if view.is_ending {
            break;
        }
        scene_id = story::choose(&app.state, kids, &second.story_id, &view.choices[0].id)
            .await
            .expect("chosen");
    }
    let third: StartedStory = continue_it(&app, &second.story_id, "")
        .await
        .json()
        .await
        .expect("3");

    let first_card = card(&app, &first).await;
    assert_eq!(first_card.sequel_of, None);
    assert_eq!(
        first_card.continued_in.map(|l| l.story_id),
        Some(second.story_id.clone())
    );
    let middle = card(&app, &second.story_id).await;
    assert_eq!(middle.sequel_of.map(|l| l.story_id), Some(first.clone()));
    assert_eq!(
        middle.continued_in.map(|l| l.story_id),
        Some(third.story_id.clone())
    );

    // The first story deleted: its sequel stays, linked to nothing before it.
    story::gallery::delete(&app.state, kids, &first)
        .await
        .expect("delete");
    assert_eq!(row(&app, &second.story_id).await.0, None);
    let middle = card(&app, &second.story_id).await;
    assert_eq!(middle.sequel_of, None);
    assert!(middle.continued_in.is_some());
}

#[tokio::test]
async fn only_a_finished_story_of_the_tier_can_be_continued() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (unfinished, _) = story::start(&app.state, kids, start_input("a hedgehog who sings"))
        .await
        .expect("start");
    let post = |id: String| {
        let app = &app;
        async move {
            app.server_fn(
                "start_story",
                &[
                    ("tier", "kids"),
                    ("input[prompt]", ""),
                    ("input[length]", "short"),
                    ("input[text_model]", "claude-sonnet-5-5"),
                    ("input[sequel_of]", &id),
                ],
            )
            .await
        }
    };
    let (status, error) = app_error(post(unfinished.clone()).await).await;
    assert_eq!(status, 409);
    assert!(
        matches!(&error, AppError::Conflict(w) if w.contains("finished")),
        "{error:?}"
    );
    let (status, _) = app_error(post("no-such-story".into()).await).await;
    assert_eq!(status, 404);
    // The home page of an unfinished story's sequel says why and offers the usual form.
    let home = story::home(&app.state, kids, Some(&unfinished))
        .await
        .expect("home");
    assert!(home.sequel.is_none());
    assert!(home.sequel_notice.is_some_and(|n| n.contains("finished")));
    // A grown-ups' story is not the kids tier's to continue.
    let adult = tier("adult");
    let (grown_up, _) = story::start(&app.state, adult, start_input("a night train"))
        .await
        .expect("start");
    let (status, _) = app_error(post(grown_up).await).await;
    assert_eq!(status, 404);
}
