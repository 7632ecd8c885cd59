//! Many readers at once: BENCH_READERS (default 50) each start a story and take BENCH_TAPS
//! (default 4) choices one after another, as fast as the answers come, against the built
//! app binary in demo mode with every simulated provider call taking BENCH_LATENCY_MS
//! (default 200) and the storytellers answering at once. Prints the choose latency (median,
//! p99), the app process's CPU time per choose (pictures included: each scene gets one) and
//! its peak memory (VmHWM). Targets on the 2-core machine: p50 ≤ 330 ms, p99 ≤ 500 ms, peak
//! RSS ≤ 100 MiB.
//!
//! With BENCH_SIM=standalone the providers are the simulator in a process of its own (this
//! benchmark started again as `BENCH_SERVE_SIM=<port>`; the app as with real keys), so the
//! app's CPU and memory are measured without the simulator's.
//!
//! Run: `cargo bench --features ssr --bench load`.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures::future::join_all;
use serde_json::Value;

mod common;

use common::{env_number, BoxError};

/// The process's CPU time so far (user + system), from `/proc/PID/stat`.
fn process_cpu(pid: u32) -> Result<Duration, BoxError> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The fields after the command name (which may hold spaces) start after its ')'.
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0)
        + fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
    // Linux counts 100 ticks a second on every machine this runs on (USER_HZ).
    Ok(Duration::from_millis(ticks * 10))
}

/// The process's peak resident memory in MiB (`VmHWM`).
fn peak_rss_mib(pid: u32) -> Result<f64, BoxError> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or("no VmHWM")?;
    Ok(kib / 1024.0)
}

fn free_port() -> Result<u16, BoxError> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A child process, killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn wait_until_up(http: &reqwest::Client, url: &str) -> Result<(), BoxError> {
    for _ in 0..600 {
        if http.get(url).send().await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("{url} never answered").into())
}

async fn post(http: &reqwest::Client, url: &str, form: &[(&str, &str)]) -> Result<Value, BoxError> {
    let res = http.post(url).form(form).send().await?;
    let status = res.status();
    let body: Value = res.json().await?;
    if !status.is_success() {
        return Err(format!("{url}: {status} {body}").into());
    }
    Ok(body)
}

/// One reader: a story, then `taps` choices; answers each choose's latency.
async fn reader(
    http: reqwest::Client,
    base: String,
    n: usize,
    taps: usize,
) -> Result<Vec<Duration>, BoxError> {
    let started = post(
        &http,
        &format!("{base}/api/start_story"),
        &[
            ("tier", "kids"),
            (
                "input[prompt]",
                &format!("reader {n}: a lighthouse keeper's cat"),
            ),
            ("input[length]", "long"),
            ("input[text_model]", "claude-sonnet-5-5"),
            ("input[image_model]", "gpt-image-quick"),
            ("input[video_mode]", "false"),
        ],
    )
    .await?;
    let story_id = started["story_id"]
        .as_str()
        .ok_or("no story id")?
        .to_owned();
    let mut scene_id = started["scene_id"]
        .as_str()
        .ok_or("no scene id")?
        .to_owned();
    let mut latencies = Vec::with_capacity(taps);
    for _ in 0..taps {
        let scene = post(
            &http,
            &format!("{base}/api/scene"),
            &[
                ("tier", "kids"),
                ("story_id", &story_id),
                ("scene_id", &scene_id),
            ],
        )
        .await?;
        let Some(choice) = scene["choices"][0]["id"].as_str() else {
            break;
        };
        let tap = Instant::now();
        let next = post(
            &http,
            &format!("{base}/api/choose"),
            &[
                ("tier", "kids"),
                ("story_id", &story_id),
                ("choice_id", choice),
            ],
        )
        .await?;
        latencies.push(tap.elapsed());
        scene_id = next.as_str().ok_or("no scene id")?.to_owned();
    }
    Ok(latencies)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// The simulator alone on `port`, until killed (the standalone mode's second process).
async fn serve_simulator(port: u16, latency: u64) -> Result<(), BoxError> {
    let config = provider_sim::SimConfig {
        latency: Duration::from_millis(latency),
        ..provider_sim::SimConfig::default()
    };
    let _running =
        provider_sim::spawn_on(std::net::SocketAddr::from(([127, 0, 0, 1], port)), config).await?;
    std::future::pending::<()>().await;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    if let Some(port) = std::env::var("BENCH_SERVE_SIM")
        .ok()
        .and_then(|p| p.parse().ok())
    {
        return serve_simulator(port, env_number("BENCH_LATENCY_MS", 200) as u64).await;
    }
    let readers = env_number("BENCH_READERS", 50).max(1);
    let taps = env_number("BENCH_TAPS", 4).max(1);
    let latency = env_number("BENCH_LATENCY_MS", 200);
    let standalone = std::env::var("BENCH_SIM").as_deref() == Ok("standalone");
    let data = tempfile::tempdir()?;
    let port = free_port()?;
    let mut app = Command::new(env!("CARGO_BIN_EXE_cyoa"));
    app.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        // The allocator's settings (`MIMALLOC_*`) pass through, to try them on memory.
        .envs(std::env::vars().filter(|(k, _)| k.starts_with("MIMALLOC_")))
        .env("DATA_DIR", data.path())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env(
            "RUST_LOG",
            std::env::var("BENCH_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .env("DEMO_FIRST_TOKEN_MS", "0")
        .env("DEMO_TOKENS_PER_SECOND", "0")
        .env(
            "PREFETCH_TIERS",
            std::env::var("BENCH_PREFETCH").unwrap_or_else(|_| "kids,adult".into()),
        )
        .env("LIMIT_STORIES_PER_HOUR", "100000")
        .env("LIMIT_PICTURES_PER_HOUR", "100000")
        .stderr(Stdio::null())
        // BENCH_LOG (a filter) and BENCH_LOG_FILE keep the app's log, to see where time goes.
        .stdout(match std::env::var("BENCH_LOG_FILE") {
            Ok(path) => Stdio::from(std::fs::File::create(path)?),
            Err(_) => Stdio::null(),
        });
    let _sim = if standalone {
        let sim_port = free_port()?;
        let sim = Command::new(std::env::current_exe()?)
            .env("BENCH_SERVE_SIM", sim_port.to_string())
            .env("BENCH_LATENCY_MS", latency.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let sim_base = format!("http://127.0.0.1:{sim_port}");
        for p in cyoa::domain::Provider::ALL {
            let endpoint = cyoa::server::providers::Endpoint::simulated(&sim_base, p, "bench-key");
            app.env(p.api_key_env(), endpoint.api_key)
                .env(p.base_url_env(), endpoint.base_url);
        }
        Some(Process(sim))
    } else {
        app.env("DEMO_LATENCY_MS", latency.to_string());
        None
    };
    let app = Process(app.spawn()?);
    let pid = app.0.id();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(readers)
        .build()?;
    wait_until_up(&http, &format!("{base}/kids")).await?;
    let cpu_before = process_cpu(pid)?;
    let wall = Instant::now();
    let runs =
        join_all((0..readers).map(|n| tokio::spawn(reader(http.clone(), base.clone(), n, taps))))
            .await;
    let wall = wall.elapsed();
    let mut latencies = Vec::new();
    for run in runs {
        latencies.extend(run??);
    }
    // The pictures of the last scenes are still being made: their CPU counts too.
    tokio::time::sleep(Duration::from_millis(latency as u64 * 4 + 1000)).await;
    let cpu = process_cpu(pid)?.saturating_sub(cpu_before);
    latencies.sort();
    let chooses = latencies.len().max(1);
    println!(
        "{readers} readers × {taps} choices, {latency} ms per provider call, simulator {}",
        if standalone {
            "in its own process"
        } else {
            "in the app (demo mode)"
        }
    );
    println!(
        "  choose: p50 {} ms, p99 {} ms (target ≤ 330 / ≤ 500); {chooses} in {:.1} s",
        percentile(&latencies, 0.5).as_millis(),
        percentile(&latencies, 0.99).as_millis(),
        wall.as_secs_f64()
    );
    println!(
        "  app CPU per choose (with its picture): {:.1} ms; peak RSS {:.0} MiB (target ≤ 100)",
        cpu.as_secs_f64() * 1000.0 / chooses as f64,
        peak_rss_mib(pid)?
    );
    Ok(())
}
