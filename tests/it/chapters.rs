//! Epic stories told in chapters (spec 046) over HTTP against the simulator, which names
//! a chapter when the prompt says its scene opens one: chapter cards on the scenes that
//! open chapters (by depth, on every branch), their own "Continue chapter N" slot beside
//! the other story being read, the gallery's chapter count, the reader's cards, the map's
//! bands and both exports.

use cyoa::domain::story::{ChapterCard, SceneView, StoryLength};
use cyoa::server::story;

use crate::helpers::{start_input, tier, TestApp};

/// The simulator's chapter names (`provider_sim::story::CHAPTER_NAMES`), in order.
const NAMES: [&str; 5] = [
    "The Road Begins",
    "Whispers in the Woods",
    "The Bridge of Stars",
    "A Storm Rolls In",
    "Home by Moonlight",
];

async fn view(app: &TestApp, story_id: &str, scene_id: &str) -> SceneView {
    story::scene_view(&app.state, tier("kids"), story_id, scene_id)
        .await
        .expect("scene")
}

/// An epic story played along its first choices; every scene's view, from the first.
async fn epic(app: &TestApp, scenes: u32) -> (String, Vec<SceneView>) {
    let kids = tier("kids");
    let mut input = start_input("a lighthouse cat who sails around the world");
    input.length = StoryLength::Epic;
    let (story_id, first) = story::start(&app.state, kids, input).await.expect("start");
    let mut views = vec![view(app, &story_id, &first).await];
    while views.len() < scenes as usize {
        let last = views.last().expect("a scene");
        assert!(!last.is_ending, "ended at {}", last.depth);
        let next = story::choose(&app.state, kids, &story_id, &last.choices[0].id)
            .await
            .expect("chosen");
        views.push(view(app, &story_id, &next).await);
    }
    (story_id, views)
}

fn card(number: u32) -> Option<ChapterCard> {
    Some(ChapterCard {
        number,
        title: Some(NAMES[number as usize - 1].to_owned()),
    })
}

#[tokio::test]
async fn an_epic_story_runs_25_scenes_in_5_chapters_each_opened_by_its_card() {
    let app = TestApp::spawn().await;
    let (story_id, views) = epic(&app, 25).await;
    for v in &views {
        let expected = match v.depth {
            1 | 6 | 11 | 16 | 21 => card((v.depth - 1) / 5 + 1),
            _ => None,
        };
        assert_eq!(v.chapter_card, expected, "scene {}", v.depth);
        assert!(v.has_chapters);
        assert_eq!(v.is_ending, v.depth == 25, "scene {}", v.depth);
    }

    // The gallery counts the chapters; the reader shows each card before its scene.
    let kids = tier("kids");
    let gallery = story::gallery::page(&app.state, kids, None)
        .await
        .expect("gallery");
    let entry = gallery
        .completed
        .iter()
        .find(|c| c.story_id == story_id)
        .expect("finished");
    assert_eq!((entry.chapters, entry.scenes), (5, 25));
    let reader = story::gallery::reader(&app.state, kids, &story_id, None)
        .await
        .expect("reader");
    let cards: Vec<(u32, Option<ChapterCard>)> = reader
        .scenes
        .iter()
        .filter(|s| s.chapter.is_some())
        .map(|s| (s.depth, s.chapter.clone()))
        .collect();
    assert_eq!(
        cards,
        (1..=5)
            .map(|n| ((n - 1) * 5 + 1, card(n)))
            .collect::<Vec<_>>()
    );

    // The server's reader page links each chapter's card, to jump there; the gallery's
    // card counts them.
    let page = app
        .http
        .get(app.url(&format!("/kids/gallery/{story_id}")))
        .send()
        .await
        .expect("reader");
    let page = page.text().await.expect("page");
    for n in 1..=5 {
        assert!(
            page.contains(&format!(r##"href="#chapter-{n}""##)),
            "link to chapter {n}"
        );
        assert!(
            page.contains(&format!(r#"id="chapter-{n}""#)),
            "card of chapter {n}"
        );
    }
    let cards = app
        .http
        .get(app.url("/kids/gallery"))
        .send()
        .await
        .expect("gallery");
    assert!(cards
        .text()
        .await
        .expect("page")
        .contains("5 chapters, 25 scenes"));

    // The map groups its rows in five labelled bands.
    let res = app
        .http
        .get(app.url(&format!("/kids/gallery/{story_id}/map")))
        .send()
        .await
        .expect("map");
    assert_eq!(res.status(), 200);
    let page = res.text().await.expect("page");
    assert_eq!(
        page.matches(r#"class="chapter-label""#).count(),
        5,
        "five bands"
    );
    assert!(page.contains("Chapter 3: The Bridge of Stars"));

    // Both exports carry the cards.
    let html = app
        .http
        .get(app.url(&format!("/kids/gallery/{story_id}/export.html")))
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("html");
    assert_eq!(html.matches(r#"<header class="chapter-card">"#).count(), 5);
    assert!(html.contains(r#"<p class="chapter-name">Home by Moonlight</p>"#));
    let pdf = app
        .http
        .get(app.url(&format!("/kids/gallery/{story_id}/export.pdf")))
        .send()
        .await
        .expect("pdf");
    assert_eq!(pdf.status(), 200);
    assert!(pdf.bytes().await.expect("bytes").starts_with(b"%PDF"));
}

#[tokio::test]
async fn a_chapter_story_keeps_its_own_continue_beside_the_other_story_being_read() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (epic_id, views) = epic(&app, 7).await;
    // A short story started after it: the newer story, but not the chapter story's slot.
    let (short_id, _) = story::start(&app.state, kids, start_input("a snail race"))
        .await
        .expect("short");

    let home = story::home(&app.state, kids, None).await.expect("home");
    let chapters = home.chapter_story.expect("continue chapter");
    assert_eq!(chapters.story_id, epic_id);
    assert_eq!(chapters.chapter, Some(2));
    assert_eq!(chapters.scene_id, views[6].scene_id);
    let other = home.resumable.expect("the short story");
    assert_eq!(
        (other.story_id.as_str(), other.chapter),
        (short_id.as_str(), None)
    );

    // The server-rendered home page says it in words, with the chapter's number.
    let page = app
        .http
        .get(app.url("/kids"))
        .send()
        .await
        .expect("home")
        .text()
        .await
        .expect("page");
    assert!(page.contains("Continue chapter 2"), "no Continue chapter 2");

    // The gallery's unfinished card says the chapter too.
    let gallery = story::gallery::page(&app.state, kids, None)
        .await
        .expect("gallery");
    let card = gallery
        .in_progress
        .iter()
        .find(|c| c.story_id == epic_id)
        .expect("in progress");
    assert_eq!((card.chapter, card.depth), (Some(2), 7));

    // Start fresh on the chapter story clears its slot and leaves the other alone.
    story::abandon(&app.state, kids, &epic_id)
        .await
        .expect("abandon");
    let home = story::home(&app.state, kids, None).await.expect("home");
    assert!(home.chapter_story.is_none());
    assert_eq!(home.resumable.map(|r| r.story_id), Some(short_id));
}

#[tokio::test]
async fn every_branch_opens_chapter_two_at_scene_six_with_its_own_name() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (story_id, views) = epic(&app, 6).await;
    // The other choice of scene 5: its scene opens chapter 2 as well.
    let fifth = &views[4];
    let other = story::choose(&app.state, kids, &story_id, &fifth.choices[1].id)
        .await
        .expect("chosen");
    let other = view(&app, &story_id, &other).await;
    assert_eq!(other.depth, 6);
    assert_eq!(other.chapter_card.map(|c| c.number), Some(2));
    // A story that is not epic has no cards, whatever its writer says.
    let (short_id, first) = story::start(&app.state, kids, start_input("a kite"))
        .await
        .expect("short");
    let first = view(&app, &short_id, &first).await;
    assert_eq!((first.chapter_card, first.has_chapters), (None, false));
}
