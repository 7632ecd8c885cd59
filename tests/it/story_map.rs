//! The story map's tree query: every explored scene of a story from one query,
//! with the choice into it, its picture and its untaken choices; another tier's story is
//! not found.

use cyoa::domain::story::StoryLength;
use cyoa::server::story;

use crate::helpers::{app_error, start_input, tier, TestApp};

#[tokio::test]
async fn the_map_holds_every_branch_and_only_in_its_own_tier() {
    let app = TestApp::spawn().await;
    let kids = tier("kids");
    let input = cyoa::domain::story::StartInput {
        length: StoryLength::Medium,
        ..start_input("a fox who bakes bread")
    };
    let (story_id, root) = story::start(&app.state, kids, input).await.expect("start");
    let first = story::scene_view(&app.state, kids, &story_id, &root)
        .await
        .expect("scene");
    assert!(first.choices.len() >= 2);
    let left = story::choose(&app.state, kids, &story_id, &first.choices[0].id)
        .await
        .expect("left");
    let right = story::choose(&app.state, kids, &story_id, &first.choices[1].id)
        .await
        .expect("right");

    let map = story::map::map(&app.state, kids, &story_id)
        .await
        .expect("map");
    assert_eq!(map.scenes.len(), 3);
    let scene = |id: &str| map.scenes.iter().find(|s| s.id == id).expect("on the map");
    assert_eq!(scene(&root).parent_id, None);
    assert_eq!(
        scene(&root).unexplored as usize,
        first.choices.len() - 2,
        "two of the first scene's choices were taken"
    );
    assert_eq!(scene(&left).parent_id.as_deref(), Some(root.as_str()));
    assert_eq!(
        scene(&right).choice_label.as_deref(),
        Some(first.choices[1].label.as_str())
    );
    assert!(scene(&right).choice_position > scene(&left).choice_position);
    assert!(map.scenes.iter().all(|s| !s.label.is_empty()));
    assert_eq!(map.last_scene_id.as_deref(), Some(right.as_str()));

    // Over HTTP: the story's own tier answers with the map drawn (the browser never lays it
    // out), its nodes leading to play or, for the reader, to the reader; the other tier
    // does not know it.
    for (reader, leads_to) in [("false", "/kids/story/"), ("true", "/kids/gallery/")] {
        let res = app
            .server_fn(
                "story_map",
                &[
                    ("tier", "kids"),
                    ("story_id", &story_id),
                    ("at", &left),
                    ("reader", reader),
                ],
            )
            .await;
        assert_eq!(res.status(), 200);
        let drawn: cyoa::domain::story_map::MapView = res.json().await.expect("map view");
        assert_eq!(
            (drawn.count, drawn.current.as_deref()),
            (3, Some(left.as_str()))
        );
        assert_eq!(drawn.svg.matches(r#"<a class="node"#).count(), 3);
        assert!(
            drawn
                .svg
                .contains(&format!(r#"href="{leads_to}{story_id}"#)),
            "{}",
            drawn.svg
        );
    }
    let (status, _) = app_error(
        app.server_fn(
            "story_map",
            &[
                ("tier", "adult"),
                ("story_id", &story_id),
                ("reader", "false"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = app_error(
        app.server_fn(
            "story_map",
            &[
                ("tier", "kids"),
                ("story_id", "no-such-story"),
                ("reader", "false"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
    // The map page itself renders on the server, with a link per scene.
    let html = app
        .http
        .get(app.url(&format!("/kids/story/{story_id}/map?at={left}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert_eq!(html.matches(r#"<a class="node"#).count(), 3, "{html}");
    assert!(html.contains(r#"aria-current="page""#));
}
