//! Our own overhead in the image pipeline: for N scenes, the time from "scene text
//! stored" to "image file served", minus the simulated provider time, with the simulator
//! at a fixed latency. The status is asked exactly as the scene page asks it: the
//! `media_status` server function over HTTP, held open by the server until the image is
//! final; then the image file is fetched. Run:
//! `cargo bench --features ssr --bench image_pipeline` (BENCH_SCENES, BENCH_LATENCY_MS).
//! `end2end/bench/image-visible.mjs` measures the same up to the picture decoded in Chromium.

use std::time::{Duration, Instant};

use cyoa::domain::story::{StartInput, StoryLength};
use cyoa::domain::TierSpec;
use cyoa::server::providers::Retries;
use cyoa::server::story;
use cyoa::server::web::startup;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let scenes = env_number("BENCH_SCENES", 40) as usize;
    let latency = Duration::from_millis(env_number("BENCH_LATENCY_MS", 200));
    let dir = tempfile::tempdir()?;
    let (addr, state) = startup::spawn_demo(dir.path(), latency, &Retries::default()).await?;
    let http = reqwest::Client::new();
    let kids = TierSpec::find("kids").ok_or("kids tier")?;
    let mut overheads = Vec::with_capacity(scenes);
    let mut status_times = Vec::with_capacity(scenes);
    for i in 0..scenes {
        let input = StartInput {
            prompt: format!("benchmark story number {i}"),
            length: StoryLength::Short,
            text_model: "gpt-6-luna".into(),
            image_model: Some("gpt-image-quick".into()),
            memory_profile: None,
            video_mode: false,
            family_mode: false,
            characters: Vec::new(),
            style: String::new(),
            surprise: false,
            bedtime: false,
            sequel_of: None,
        };
        let (story_id, scene_id) = story::start(&state, kids, input).await?;
        let stored = Instant::now();
        let answer: serde_json::Value = http
            .post(format!("http://{addr}/api/media_status"))
            .form(&[
                ("tier", "kids"),
                ("story_id", story_id.as_str()),
                ("scene_id", scene_id.as_str()),
                ("kind", "image"),
                ("wait_ms", "10000"),
            ])
            .send()
            .await?
            .json()
            .await?;
        let url = match answer["status"].as_str() {
            Some("complete") => answer["url"].as_str().ok_or("no url")?.to_owned(),
            other => return Err(format!("image not complete: {other:?} {answer}").into()),
        };
        status_times.push(stored.elapsed().saturating_sub(latency));
        let served = http
            .get(format!("http://{addr}{url}"))
            .send()
            .await?
            .bytes()
            .await?;
        assert!(!served.is_empty());
        overheads.push(stored.elapsed().saturating_sub(latency));
    }
    overheads.sort();
    status_times.sort();
    println!(
        "  of which until the status call answered complete: median {:.1} ms, p95 {:.1} ms",
        percentile(&status_times, 0.5).as_secs_f64() * 1e3,
        percentile(&status_times, 0.95).as_secs_f64() * 1e3,
    );
    println!(
        "image pipeline overhead over {scenes} scenes (simulated provider latency {} ms subtracted): median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        latency.as_millis(),
        percentile(&overheads, 0.5).as_secs_f64() * 1e3,
        percentile(&overheads, 0.95).as_secs_f64() * 1e3,
        overheads.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
    Ok(())
}
