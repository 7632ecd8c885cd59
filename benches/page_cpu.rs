//! Server CPU per page: the landing page (no data: the floor under every page), the home
//! page, a scene with its picture and clip, the reader of a five-scene story, and the gallery
//! with 24 stories, each asked for as a browser does, sequentially on one connection. Prints,
//! per page, the server's CPU time per request (the whole process minus the client's own
//! thread), plain, gzip- and brotli-compressed, the page's size each way and the median wall
//! time.
//! Run: `cargo bench --features ssr --bench page_cpu` (BENCH_REQUESTS per round, default 300;
//! BENCH_ROUNDS, default 5; BENCH_WORKERS server threads, default 2;
//! BENCH_PAGES=scene,reader for only some pages).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use cyoa::server::providers::Retries;
use cyoa::server::startup;

mod common;

use common::{env_number, fill_gallery, BoxError};

/// The app's own allocator (`src/main.rs`), so the server measured here is the one deployed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU time of each thread of this process so far, by thread id, from
/// `/proc/self/task/*/schedstat` (nanoseconds; `/proc/self/stat` counts 10 ms ticks, a tenth
/// of a round of scene pages).
fn threads_cpu() -> Result<HashMap<String, Duration>, BoxError> {
    let mut threads = HashMap::new();
    for task in std::fs::read_dir("/proc/self/task")? {
        let task = task?;
        // A thread that ended since the listing: it ran nothing in this round.
        let Ok(spent) = schedstat_cpu(task.path().join("schedstat")) else {
            continue;
        };
        threads.insert(task.file_name().to_string_lossy().into_owned(), spent);
    }
    Ok(threads)
}

/// The CPU time the process spent from `before` to `after`: threads that started meanwhile
/// count whole; one that ended is missed (the runtime ends only threads idle for 10 s).
fn cpu_between(before: &HashMap<String, Duration>, after: &HashMap<String, Duration>) -> Duration {
    after
        .iter()
        .map(|(tid, spent)| spent.saturating_sub(before.get(tid).copied().unwrap_or_default()))
        .sum()
}

/// CPU time of the calling thread so far (`/proc/thread-self/schedstat`).
fn thread_cpu() -> Result<Duration, BoxError> {
    Ok(schedstat_cpu("/proc/thread-self/schedstat")?)
}

/// A thread's CPU time so far: the first field of its `schedstat`, in nanoseconds.
fn schedstat_cpu(path: impl AsRef<std::path::Path>) -> std::io::Result<Duration> {
    let stat = std::fs::read_to_string(path)?;
    let ns = stat
        .split_whitespace()
        .next()
        .and_then(|ns| ns.parse().ok())
        .ok_or_else(|| std::io::Error::other("unreadable schedstat"))?;
    Ok(Duration::from_nanos(ns))
}

struct Measured {
    cpu_per_request: Duration,
    bytes: usize,
    median: Duration,
}

/// Asks for `url` `requests` times (after a warm-up), as a browser asks for a page, in
/// `rounds` rounds; the CPU per request is the median round's (this machine is shared with
/// other virtual machines, so a round now and then runs slow).
async fn measure(
    http: &reqwest::Client,
    url: &str,
    encoding: &str,
    requests: usize,
    rounds: usize,
) -> Result<Measured, BoxError> {
    let get = || {
        http.get(url)
            .header("accept", "text/html,application/xhtml+xml")
            .header("accept-encoding", encoding)
            .send()
    };
    for _ in 0..20 {
        get().await?.bytes().await?;
    }
    let mut cpu = Vec::with_capacity(rounds);
    let mut walls = Vec::with_capacity(requests * rounds);
    let mut bytes = 0;
    for _ in 0..rounds {
        let (process_before, client_before) = (threads_cpu()?, thread_cpu()?);
        for _ in 0..requests {
            let started = Instant::now();
            let res = get().await?;
            if !res.status().is_success() {
                return Err(format!("{url}: {}", res.status()).into());
            }
            bytes = res.bytes().await?.len();
            walls.push(started.elapsed());
        }
        let client = thread_cpu()? - client_before;
        let server = cpu_between(&process_before, &threads_cpu()?).saturating_sub(client);
        cpu.push(server / requests as u32);
    }
    cpu.sort();
    walls.sort();
    Ok(Measured {
        cpu_per_request: cpu[cpu.len() / 2],
        bytes,
        median: walls[walls.len() / 2],
    })
}

fn main() -> Result<(), BoxError> {
    let requests = env_number("BENCH_REQUESTS", 300).max(1);
    let rounds = env_number("BENCH_ROUNDS", 5).max(1);
    let dir = tempfile::tempdir()?;
    // The server on its own runtime (two workers, as on this machine); the client on this
    // thread alone, so its CPU can be told apart.
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(env_number("BENCH_WORKERS", 2).max(1))
        .enable_all()
        .build()?;
    let (addr, state) = server.block_on(startup::spawn_demo(
        dir.path(),
        Duration::ZERO,
        &Retries::default(),
    ))?;
    let (story_id, scenes) = server.block_on(fill_gallery(&state))?;
    let base = format!("http://{addr}");
    let pages = [
        // No data at all: what every page costs before its own queries and markup.
        ("landing (no data)", format!("{base}/")),
        ("home", format!("{base}/kids")),
        (
            "scene (picture + clip)",
            format!("{base}/kids/story/{story_id}/scene/{}", scenes[1]),
        ),
        (
            &*format!("reader ({} scenes)", scenes.len()),
            format!("{base}/kids/gallery/{story_id}"),
        ),
        ("gallery (24 stories)", format!("{base}/kids/gallery")),
    ]
    .map(|(name, url)| (name.to_owned(), url));

    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let http = reqwest::Client::builder().build()?;
    println!(
        "server CPU per page: median of {rounds} rounds of {requests} requests, one connection"
    );
    println!(
        "{:<24} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>10}",
        "page", "CPU µs", "gzip", "br", "bytes", "gzip", "br", "median ms"
    );
    // BENCH_PAGES=scene,reader measures only those (for profiling one page).
    let only = std::env::var("BENCH_PAGES").unwrap_or_default();
    for (name, url) in &pages {
        if !only.is_empty() && !only.split(',').any(|p| name.starts_with(p)) {
            continue;
        }
        let plain = client.block_on(measure(&http, url, "identity", requests, rounds))?;
        let gzip = client.block_on(measure(&http, url, "gzip", requests, rounds))?;
        let brotli = client.block_on(measure(&http, url, "br", requests, rounds))?;
        println!(
            "{name:<24} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>10.2}",
            plain.cpu_per_request.as_micros(),
            gzip.cpu_per_request.as_micros(),
            brotli.cpu_per_request.as_micros(),
            plain.bytes,
            gzip.bytes,
            brotli.bytes,
            plain.median.as_secs_f64() * 1000.0,
        );
    }
    Ok(())
}
