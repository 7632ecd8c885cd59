//! Video mode under load: N video scenes at once against the simulator, with the real
//! poll interval (5 s unless BENCH_POLL_MS says otherwise). Prints, per clip, the time
//! from "provider says done" (the simulator records when it first answered `done`) to
//! "video playable in the page" (the page's own status call, held open by the server,
//! answers complete and the first 64 KiB of the MP4 — metadata and first frame, what
//! `preload="metadata"` fetches — have arrived), median and p95; the status requests
//! per clip; and the process's peak resident memory while the clips download.
//!
//! Run: `cargo bench --features ssr --bench video_pipeline`
//! (BENCH_CLIPS, BENCH_POLL_MS, BENCH_SIM_POLLS). The simulator runs in the same process,
//! so the memory figure includes making the MP4s too.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cyoa::domain::story::{StartInput, StoryLength};
use cyoa::domain::{Provider, TierSpec};
use cyoa::server::config::{Config, VideoTiming};
use cyoa::server::providers::Endpoint;
use cyoa::server::providers::Retries;
use cyoa::server::story;
use cyoa::server::web::startup;
use provider_sim::{self as sim, SimConfig};
use serde_json::Value;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

/// Resident memory of this process, in KiB (Linux).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let clips = env_number("BENCH_CLIPS", 20) as usize;
    let poll_every = Duration::from_millis(env_number("BENCH_POLL_MS", 5_000));
    let sim = sim::spawn(SimConfig {
        video_polls: Some(env_number("BENCH_SIM_POLLS", 2) as u32),
        ..SimConfig::default()
    })
    .await?;
    let dir = tempfile::tempdir()?;
    let config = Config {
        real_providers: Provider::ALL
            .into_iter()
            .map(|p| (p, Endpoint::simulated(&sim.base_url(), p, "bench")))
            .collect(),
        demo_latency: Duration::ZERO,
        video: VideoTiming {
            poll_every,
            max_wait: Duration::from_secs(300),
        },
        ..Config::for_tests(dir.path())
    };
    let (addr, state) = startup::spawn(config, &Retries::default()).await?;
    let kids = TierSpec::find("kids").ok_or("kids tier")?;

    let baseline = rss_kib();
    let peak = Arc::new(AtomicU64::new(baseline));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        tokio::spawn(async move {
            while sampling.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };

    let mut scenes = Vec::with_capacity(clips);
    for i in 0..clips {
        let input = StartInput {
            prompt: format!("video benchmark story number {i}"),
            length: StoryLength::Short,
            text_model: "gpt-6-luna".into(),
            image_model: Some("gpt-image-quick".into()),
            memory_profile: None,
            video_mode: true,
            family_mode: false,
            characters: Vec::new(),
            style: String::new(),
            surprise: false,
            bedtime: false,
            sequel_of: None,
        };
        scenes.push(story::start(&state, kids, input).await?);
    }
    let http = reqwest::Client::new();
    let waits = scenes.into_iter().map(|(story_id, scene_id)| {
        let http = http.clone();
        async move {
            loop {
                let answer: Value = http
                    .post(format!("http://{addr}/api/media_status"))
                    .form(&[
                        ("tier", "kids"),
                        ("story_id", story_id.as_str()),
                        ("scene_id", scene_id.as_str()),
                        ("kind", "video"),
                        ("wait_ms", "10000"),
                    ])
                    .send()
                    .await?
                    .json()
                    .await?;
                match answer["status"].as_str() {
                    Some("complete") => {
                        let url = answer["url"].as_str().ok_or("no clip url")?;
                        let head = http
                            .get(format!("http://{addr}{url}"))
                            .header("range", "bytes=0-65535")
                            .send()
                            .await?
                            .bytes()
                            .await?;
                        if head.get(4..8) != Some(b"ftyp".as_slice()) {
                            return Err("not an MP4".into());
                        }
                        return Ok::<u64, BoxError>(now_ms());
                    }
                    Some("failed") => return Err(format!("clip failed: {answer}").into()),
                    _ => {}
                }
            }
        }
    });
    let playable_at: Vec<u64> = futures_join(waits).await?;
    sampling.store(false, Ordering::Relaxed);
    let _ = sampler.await;

    let jobs: Vec<Value> = reqwest::get(format!("{}/__control/videos", sim.base_url()))
        .await?
        .json()
        .await?;
    let mut done: Vec<u64> = jobs
        .iter()
        .filter_map(|j| j["done_at_ms"].as_u64())
        .collect();
    let polls: u64 = jobs.iter().filter_map(|j| j["polls"].as_u64()).sum();
    done.sort_unstable();
    let mut playable = playable_at;
    playable.sort_unstable();
    // Clips finish in the same order at the provider and in the page (one poll interval
    // apart at most), so the sorted lists pair them up.
    let mut delays: Vec<f64> = done
        .iter()
        .zip(&playable)
        .map(|(d, p)| p.saturating_sub(*d) as f64)
        .collect();
    delays.sort_by(f64::total_cmp);
    println!(
        "video pipeline, {clips} concurrent clips, polling every {} ms: provider done → playable in the page: median {:.0} ms, p95 {:.0} ms, max {:.0} ms; {:.1} status requests per clip; peak RSS {:.1} MiB ({:+.1} MiB over the idle app)",
        poll_every.as_millis(),
        percentile(&delays, 0.5),
        percentile(&delays, 0.95),
        delays.last().copied().unwrap_or_default(),
        polls as f64 / clips.max(1) as f64,
        peak.load(Ordering::Relaxed) as f64 / 1024.0,
        (peak.load(Ordering::Relaxed) as f64 - baseline as f64) / 1024.0,
    );
    Ok(())
}

/// Runs the futures concurrently and collects their results in order.
async fn futures_join<F, T>(futures: impl IntoIterator<Item = F>) -> Result<Vec<T>, BoxError>
where
    F: std::future::Future<Output = Result<T, BoxError>> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await.map_err(|e| e.to_string())??);
    }
    Ok(out)
}
