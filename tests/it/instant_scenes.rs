//! Instant scenes over real HTTP against the in-process simulator: the words of
//! the next scene streamed as they are written, scenes written ahead while the reader reads
//! (kept aside, not explored until taken, stopped when the reader leaves), and a tap on a
//! choice being written ahead joining that writing instead of paying twice.

use std::collections::BTreeSet;
use std::time::Duration;

use cyoa::domain::story::StoryLength;
use cyoa::server::story;
use serde_json::{json, Value};

use crate::helpers::{start_input, tier, TestApp};

/// One server-sent event: its name and its JSON data.
#[derive(Debug)]
pub(crate) struct Sse {
    pub name: String,
    pub data: Value,
}

/// Reads events from an open event stream, up to `until` (inclusive) or the stream's end.
pub(crate) async fn read_events(
    res: &mut reqwest::Response,
    until: &dyn Fn(&Sse) -> bool,
) -> Vec<Sse> {
    let mut pending = String::new();
    let mut events = Vec::new();
    while let Ok(Some(chunk)) = res.chunk().await {
        pending.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = pending.find("\n\n") {
            let block: String = pending.drain(..end + 2).collect();
            let mut name = String::from("message");
            let mut data = String::new();
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    name = v.trim().to_owned();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim_start());
                }
            }
            if data.is_empty() {
                continue;
            }
            let event = Sse {
                name,
                data: serde_json::from_str(&data).unwrap_or(Value::Null),
            };
            let stop = until(&event);
            events.push(event);
            if stop {
                return events;
            }
        }
    }
    events
}

async fn set_pace(app: &TestApp, first_token_ms: u64, tokens_per_second: f64) {
    let res = app
        .http
        .post(app.url("/sim/__control/pace"))
        .json(&json!({ "first_token_ms": first_token_ms, "tokens_per_second": tokens_per_second }))
        .send()
        .await
        .expect("pace");
    assert!(res.status().is_success());
}

pub(crate) async fn text_calls(app: &TestApp) -> u64 {
    crate::helpers::request_counts(&app.url("/sim")).await["anthropic"]
        .as_u64()
        .unwrap_or(0)
}

pub(crate) async fn written_ahead(app: &TestApp, story_id: &str) -> i64 {
    cyoa::server::db::query_scalar("SELECT COUNT(*) FROM written_ahead WHERE story_id = ?")
        .bind(story_id)
        .fetch_one(&app.state.db)
        .await
        .expect("count")
}

async fn scenes(app: &TestApp, story_id: &str) -> i64 {
    cyoa::server::db::query_scalar("SELECT COUNT(*) FROM scenes WHERE story_id = ?")
        .bind(story_id)
        .fetch_one(&app.state.db)
        .await
        .expect("count")
}

pub(crate) async fn wait_for(what: &str, mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..400 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("never: {what}");
}

#[tokio::test]
async fn the_words_of_the_next_scene_stream_as_they_are_written() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (story_id, root) = story::start(&app.state, kids, start_input("a lighthouse cat"))
        .await
        .expect("start");
    set_pace(&app, 50, 400.0).await;
    let first = story::scene_view(&app.state, kids, &story_id, &root)
        .await
        .expect("scene");
    let choice = first.choices[0].id.clone();
    let mut words = app
        .http
        .get(app.url(&format!("/kids/story/{story_id}/choice/{choice}/words")))
        .send()
        .await
        .expect("words");
    assert_eq!(words.status(), 200);
    assert_eq!(words.headers()["content-type"], "text/event-stream");
    let tap = {
        let state = app.state.clone();
        let (story_id, choice) = (story_id.clone(), choice.clone());
        tokio::spawn(async move { story::choose(&state, kids, &story_id, &choice).await })
    };
    let events = read_events(&mut words, &|e| e.name != "words").await;
    let scene_id = tap.await.expect("task").expect("chosen");
    let lengths: BTreeSet<usize> = events
        .iter()
        .filter(|e| e.name == "words")
        .filter_map(|e| e.data["narrative"].as_str().map(str::len))
        .collect();
    assert!(
        lengths.len() >= 3,
        "{} distinct lengths: {lengths:?}",
        lengths.len()
    );
    let last = events.last().expect("events");
    assert_eq!(last.name, "done");
    assert_eq!(last.data["scene_id"], json!(scene_id));
    // The whole scene is what was stored.
    let stored = story::scene_view(&app.state, kids, &story_id, &scene_id)
        .await
        .expect("stored");
    let longest = events
        .iter()
        .filter_map(|e| e.data["narrative"].as_str())
        .max_by_key(|n| n.len())
        .expect("words");
    assert_eq!(longest, stored.narrative);

    // A choice taken before: `done` at once. Another tier's or an unknown choice: 404.
    let mut again = app
        .http
        .get(app.url(&format!("/kids/story/{story_id}/choice/{choice}/words")))
        .send()
        .await
        .expect("words");
    let events = read_events(&mut again, &|_| true).await;
    assert_eq!(events[0].name, "done");
    for path in [
        format!("/adult/story/{story_id}/choice/{choice}/words"),
        format!("/kids/story/{story_id}/choice/nope/words"),
    ] {
        let res = app.http.get(app.url(&path)).send().await.expect("words");
        assert_eq!(res.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn scenes_written_ahead_are_not_explored_until_taken_and_then_come_at_once() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let mut input = start_input("a dragon who knits");
    input.image_model = Some("gpt-image-quick".into());
    input.length = StoryLength::Medium;
    let (story_id, root) = story::start(&app.state, kids, input).await.expect("start");
    let first = story::scene_view(&app.state, kids, &story_id, &root)
        .await
        .expect("scene");
    let offered = first.choices.len();
    let calls_before = text_calls(&app).await;

    let mut ahead = app
        .http
        .get(app.url(&format!("/kids/story/{story_id}/scene/{root}/ahead")))
        .send()
        .await
        .expect("ahead");
    assert_eq!(ahead.status(), 200);
    let ready = std::cell::Cell::new(0);
    let events = read_events(&mut ahead, &|e| {
        ready.set(ready.get() + usize::from(e.name == "ready"));
        ready.get() == offered
    })
    .await;
    assert_eq!(events.iter().filter(|e| e.name == "ready").count(), offered);
    // Written, paid for once each, kept aside: not scenes, not explored, no pictures.
    assert_eq!(text_calls(&app).await - calls_before, offered as u64);
    assert_eq!(written_ahead(&app, &story_id).await, offered as i64);
    assert_eq!(scenes(&app, &story_id).await, 1);
    let map = story::map::map(&app.state, kids, &story_id)
        .await
        .expect("map");
    assert_eq!(map.scenes.len(), 1);
    let view = story::scene_view(&app.state, kids, &story_id, &root)
        .await
        .expect("scene");
    assert!(view.choices.iter().all(|c| !c.explored));
    let media: i64 =
        cyoa::server::db::query_scalar("SELECT COUNT(*) FROM media WHERE story_id = ?")
            .bind(&story_id)
            .fetch_one(&app.state.db)
            .await
            .expect("media");
    assert_eq!(media, 1, "only the first scene's picture");

    // The tap: at once, no new text call; now it is a scene with a picture ordered.
    let started = std::time::Instant::now();
    let scene_id = story::choose(&app.state, kids, &story_id, &first.choices[0].id)
        .await
        .expect("chosen");
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(text_calls(&app).await - calls_before, offered as u64);
    assert_eq!(scenes(&app, &story_id).await, 2);
    assert_eq!(written_ahead(&app, &story_id).await, offered as i64 - 1);
    let media: i64 =
        cyoa::server::db::query_scalar("SELECT COUNT(*) FROM media WHERE scene_id = ?")
            .bind(&scene_id)
            .fetch_one(&app.state.db)
            .await
            .expect("media");
    assert_eq!(media, 1);

    // The reader leaves; the others stay kept aside (not explored) and still come at once.
    drop(ahead);
    wait_for("the prefetch tasks to stop", async || {
        app.state.drafts.is_empty()
    })
    .await;
    let other = story::choose(&app.state, kids, &story_id, &first.choices[1].id)
        .await
        .expect("second branch");
    assert_ne!(other, scene_id);
    assert_eq!(text_calls(&app).await - calls_before, offered as u64);
    // Deleting the story drops what was kept aside.
    story::gallery::delete(&app.state, kids, &story_id)
        .await
        .expect("delete");
    assert_eq!(written_ahead(&app, &story_id).await, 0);
}

#[tokio::test]
async fn leaving_the_scene_stops_writing_ahead() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (story_id, root) = story::start(&app.state, kids, start_input("a sleepy owl"))
        .await
        .expect("start");
    // Slow enough that nothing is finished when the reader leaves.
    set_pace(&app, 3_000, 50.0).await;
    let ahead = app
        .http
        .get(app.url(&format!("/kids/story/{story_id}/scene/{root}/ahead")))
        .send()
        .await
        .expect("ahead");
    assert_eq!(ahead.status(), 200);
    wait_for("writing ahead to start", async || {
        !app.state.drafts.is_empty()
    })
    .await;
    drop(ahead);
    wait_for("writing ahead to stop", async || {
        app.state.drafts.is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(written_ahead(&app, &story_id).await, 0);
    assert_eq!(scenes(&app, &story_id).await, 1);
}

#[tokio::test]
async fn a_tap_while_its_scene_is_written_ahead_joins_that_writing() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let (story_id, root) = story::start(&app.state, kids, start_input("a brave toaster"))
        .await
        .expect("start");
    let first = story::scene_view(&app.state, kids, &story_id, &root)
        .await
        .expect("scene");
    let calls_before = text_calls(&app).await;
    set_pace(&app, 300, 200.0).await;
    let ahead = app
        .http
        .get(app.url(&format!("/kids/story/{story_id}/scene/{root}/ahead")))
        .send()
        .await
        .expect("ahead");
    wait_for("writing ahead to start", async || {
        app.state.drafts.len() == first.choices.len()
    })
    .await;
    let scene_id = story::choose(&app.state, kids, &story_id, &first.choices[0].id)
        .await
        .expect("chosen");
    // One text call per choice offered: the tap paid nothing more.
    assert_eq!(
        text_calls(&app).await - calls_before,
        first.choices.len() as u64
    );
    let view = story::scene_view(&app.state, kids, &story_id, &scene_id)
        .await
        .expect("stored");
    assert_eq!(view.depth, 2);
    // The taken one became a scene even though the page closes right away.
    drop(ahead);
    wait_for("writing ahead to stop", async || {
        app.state.drafts.is_empty()
    })
    .await;
    assert_eq!(scenes(&app, &story_id).await, 2);
}

#[tokio::test]
async fn writing_ahead_is_a_setting_per_tier_and_refused_from_other_sites() {
    let app = TestApp::builder().prefetch(vec!["adult"]).spawn().await;
    let kids = tier("kids");
    let (story_id, root) = story::start(&app.state, kids, start_input("a patient snail"))
        .await
        .expect("start");
    let url = app.url(&format!("/kids/story/{story_id}/scene/{root}/ahead"));
    let res = app.http.get(&url).send().await.expect("ahead");
    assert_eq!(res.status(), 204);
    let res = app
        .http
        .get(&url)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .expect("ahead");
    assert_eq!(res.status(), 403);
    assert!(app.state.drafts.is_empty());
}
