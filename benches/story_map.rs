//! The story map of a big story: a 60-scene tree (7 levels, three branches at many choice
//! points), stored in SQLite. Times the tree query (one round trip) and the server-side
//! SVG rendering separately, and prints the median and p95 of each.
//! Run: `cargo bench --features ssr --bench story_map` (BENCH_SCENES, default 60).

use std::time::{Duration, Instant};

use cyoa::domain::story_map::{render_svg, MapLinks};
use cyoa::domain::{urls, TierSpec};
use cyoa::server::providers::Retries;
use cyoa::server::story;
use cyoa::server::web::startup;

struct Links;
impl MapLinks for Links {
    fn href(&self, scene_id: &str) -> String {
        urls::scene("kids", "s", scene_id)
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let scenes: usize = std::env::var("BENCH_SCENES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let dir = tempfile::tempdir()?;
    let (_addr, state) =
        startup::spawn_demo(dir.path(), Duration::ZERO, &Retries::default()).await?;
    let at = "2026-11-26T12:00:00Z";
    cyoa::server::db::query(
        "INSERT INTO stories (id, tier, title, prompt, length, target_depth, text_model, image_model, video_mode, status, created_at, updated_at)
         VALUES ('s', 'kids', 'A big tree', 'p', 'long', 7, 'gpt-6-luna', 'gemini', 'off', 'in_progress', ?, ?)",
    )
    .bind(at)
    .bind(at)
    .execute(&state.db)
    .await?;
    // Breadth first: each scene has three choices; scenes are added under them in order
    // until there are `scenes` of them, no deeper than 7 levels.
    let mut queue = vec![(String::from("c0"), None::<String>, 1u32)];
    let mut made = 0usize;
    let mut next = 0usize;
    while next < queue.len() && made < scenes {
        let (id, parent_choice, depth) = queue[next].clone();
        next += 1;
        cyoa::server::db::query(
            "INSERT INTO scenes (id, story_id, tier, parent_choice_id, depth, title, narrative, image_prompt, is_ending, created_at)
             VALUES (?, 's', 'kids', ?, ?, NULL, 'The fox opened the bakery door and sniffed the warm bread.', 'p', ?, ?)",
        )
        .bind(&id)
        .bind(&parent_choice)
        .bind(depth)
        .bind(depth == 7)
        .bind(at)
        .execute(&state.db)
        .await?;
        made += 1;
        if depth < 7 {
            for position in 0..3 {
                let choice = format!("{id}-{position}");
                cyoa::server::db::query(
                    "INSERT INTO choices (id, scene_id, story_id, tier, position, label) VALUES (?, ?, 's', 'kids', ?, 'Follow the smell of cinnamon')",
                )
                .bind(&choice)
                .bind(&id)
                .bind(position)
                .execute(&state.db)
                .await?;
                queue.push((format!("{choice}s"), Some(choice), depth + 1));
            }
        }
    }
    let kids = TierSpec::find("kids").ok_or("kids tier")?;
    let (mut query, mut render) = (Vec::new(), Vec::new());
    let mut bytes = 0;
    for _ in 0..200 {
        let start = Instant::now();
        let map = story::map::map(&state, kids, "s").await?;
        query.push(start.elapsed());
        let start = Instant::now();
        let svg = render_svg(&map, Some("c0"), &Links);
        render.push(start.elapsed());
        bytes = svg.len();
    }
    query.sort();
    render.sort();
    println!("story map of {made} scenes ({bytes} bytes of SVG), 200 runs:");
    println!(
        "  tree query (one round trip): median {:?}, p95 {:?}",
        percentile(&query, 0.5),
        percentile(&query, 0.95)
    );
    println!(
        "  SVG render (server side):    median {:?}, p95 {:?}",
        percentile(&render, 0.5),
        percentile(&render, 0.95)
    );
    Ok(())
}
