//! The gallery with many stories: fills one tier with N finished stories (each with a
//! first scene and a finished cover image row), then times the gallery server function
//! over HTTP for the first page and for a page deep in the list (keyset pagination should
//! make them cost the same). Run: `cargo bench --features ssr --bench gallery` (BENCH_STORIES).

use std::time::{Duration, Instant};

use cyoa::server::providers::Retries;
use cyoa::server::web::startup;
use serde_json::Value;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stories: usize = std::env::var("BENCH_STORIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let dir = tempfile::tempdir()?;
    let (addr, state) =
        startup::spawn_demo(dir.path(), Duration::ZERO, &Retries::default()).await?;
    let mut tx = cyoa::server::db::write_tx(&state.db).await?;
    for i in 0..stories {
        let (story, scene) = (format!("s{i:031x}"), format!("c{i:031x}"));
        let at = format!(
            "2026-{:02}-{:02}T{:02}:{:02}:00Z",
            1 + i % 12,
            1 + i % 28,
            i % 24,
            i % 60
        );
        cyoa::server::db::query(
            "INSERT INTO stories (id, tier, title, prompt, length, target_depth, text_model, image_model, video_mode, status, current_scene_id, created_at, updated_at, completed_at)
             VALUES (?, 'kids', ?, 'p', 'short', 3, 'gpt-6-luna', 'gemini', 'on', 'completed', ?, ?, ?, ?)",
        )
        .bind(&story).bind(format!("Story {i}")).bind(&scene).bind(&at).bind(&at).bind(&at)
        .execute(&mut tx)
        .await?;
        cyoa::server::db::query(
            "INSERT INTO scenes (id, story_id, tier, depth, title, narrative, image_prompt, is_ending, created_at)
             VALUES (?, ?, 'kids', 1, 't', 'n', 'i', 1, ?)",
        )
        .bind(&scene).bind(&story).bind(&at)
        .execute(&mut tx)
        .await?;
        cyoa::server::db::query(
            "INSERT INTO media (id, scene_id, story_id, tier, kind, model, status, file_name, created_at, updated_at)
             VALUES (?, ?, ?, 'kids', 'image', 'gemini', 'complete', ?, ?, ?)",
        )
        .bind(format!("m{i:031x}")).bind(&scene).bind(&story).bind(format!("{scene}.png")).bind(&at).bind(&at)
        .execute(&mut tx)
        .await?;
    }
    tx.commit().await?;
    let http = reqwest::Client::new();
    let mut cursor: Option<String> = None;
    let mut first = Vec::new();
    let mut deep = Vec::new();
    let mut pages = 0;
    // Walk every page once (timing the deepest), then time the first page again.
    loop {
        let mut form = vec![("tier", "kids".to_owned())];
        if let Some(c) = &cursor {
            form.push(("cursor", c.clone()));
        }
        let started = Instant::now();
        let page: Value = http
            .post(format!("http://{addr}/api/gallery"))
            .form(&form)
            .send()
            .await?
            .json()
            .await?;
        let took = started.elapsed();
        pages += 1;
        if cursor.is_none() {
            first.push(took)
        } else {
            deep.push(took)
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    for _ in 0..20 {
        let started = Instant::now();
        http.post(format!("http://{addr}/api/gallery"))
            .form(&[("tier", "kids")])
            .send()
            .await?
            .bytes()
            .await?;
        first.push(started.elapsed());
    }
    first.sort();
    deep.sort();
    println!(
        "gallery with {stories} finished stories ({pages} pages of 24): first page median {:.1} ms, p95 {:.1} ms; later pages median {:.1} ms, p95 {:.1} ms",
        percentile(&first, 0.5).as_secs_f64() * 1e3,
        percentile(&first, 0.95).as_secs_f64() * 1e3,
        percentile(&deep, 0.5).as_secs_f64() * 1e3,
        percentile(&deep, 0.95).as_secs_f64() * 1e3,
    );
    Ok(())
}
