//! Server CPU per page: the landing page (no data: the floor under every page), the home
//! page, a scene with its picture and clip, the reader of a five-scene story, and the gallery
//! with 24 stories, each asked for as a browser does, sequentially on one connection. Prints,
//! per page, the server's CPU time per request, plain, gzip- and brotli-compressed, the page's
//! size each way and the median wall time.
//!
//! By default the server is the built `cyoa` binary in a process of its own, as deployed
//! (its log at `info`, one line per request, written to a file), and its CPU is the whole
//! process's (`/proc/PID/task/*/schedstat`). Targets on the 2-core machine: scene ≤ 400 µs,
//! reader ≤ 600 µs plain. `BENCH_SERVER=in-process` serves from this process instead (the
//! client's own thread taken out), which `perf record` can profile together with the client.
//!
//! Run: `cargo bench --features ssr --bench page_cpu` (BENCH_REQUESTS per round, default 300;
//! BENCH_ROUNDS, default 5; BENCH_WORKERS server threads in-process, default 2;
//! BENCH_PAGES=scene,reader for only some pages).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use cyoa::server::providers::Retries;
use cyoa::server::web::startup;

mod common;

use common::{env_number, fill_gallery, BoxError};

/// The app's own allocator (`src/main.rs`), so the server measured here is the one deployed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU time of each thread of process `pid` (`self` for this one) so far, by thread id, from
/// `/proc/PID/task/*/schedstat` (nanoseconds; `/proc/PID/stat` counts 10 ms ticks, a tenth
/// of a round of scene pages).
fn threads_cpu(pid: &str) -> Result<HashMap<String, Duration>, BoxError> {
    let mut threads = HashMap::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))? {
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
    server: &Server,
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
        let (process_before, client_before) = (threads_cpu(&server.pid)?, thread_cpu()?);
        for _ in 0..requests {
            let started = Instant::now();
            let res = get().await?;
            if !res.status().is_success() {
                return Err(format!("{url}: {}", res.status()).into());
            }
            bytes = res.bytes().await?.len();
            walls.push(started.elapsed());
        }
        let mut spent = cpu_between(&process_before, &threads_cpu(&server.pid)?);
        if server.child.is_none() {
            spent = spent.saturating_sub(thread_cpu()? - client_before);
        }
        cpu.push(spent / requests as u32);
    }
    cpu.sort();
    walls.sort();
    Ok(Measured {
        cpu_per_request: cpu[cpu.len() / 2],
        bytes,
        median: walls[walls.len() / 2],
    })
}

/// The server measured: this process, or the built binary in a process of its own (killed
/// when dropped).
struct Server {
    pid: String,
    child: Option<std::process::Child>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Starts the built binary on the data directory `data` in demo mode, its log at `info`
/// into a file there, and waits until it answers; answers it with its address.
fn spawn_binary(data: &std::path::Path) -> Result<(Server, String), BoxError> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_cyoa"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        // The runtime's and the allocator's settings pass through, to try them.
        .envs(
            std::env::vars().filter(|(k, _)| k.starts_with("MIMALLOC_") || k.starts_with("TOKIO_")),
        )
        .env("DATA_DIR", data)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        // The test bundle's site, as the in-process server reads it: the pages carry the
        // same preload links either way (none when it was never built).
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("RUST_LOG", "info,sqlx=warn")
        .stdout(std::fs::File::create(data.join("server.log"))?)
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let server = Server {
        pid: child.id().to_string(),
        child: Some(child),
    };
    let addr = format!("127.0.0.1:{port}");
    for _ in 0..600 {
        if std::net::TcpStream::connect(&addr).is_ok() {
            return Ok((server, addr));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("the server never answered on {addr}").into())
}

fn main() -> Result<(), BoxError> {
    let requests = env_number("BENCH_REQUESTS", 300).max(1);
    let rounds = env_number("BENCH_ROUNDS", 5).max(1);
    let in_process = std::env::var("BENCH_SERVER").as_deref() == Ok("in-process");
    let dir = tempfile::tempdir()?;
    // The app that fills the gallery, on its own runtime (two workers, as on this machine);
    // in-process it is also the server measured, and the client runs on this thread alone,
    // so its CPU can be told apart.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(env_number("BENCH_WORKERS", 2).max(1))
        .enable_all()
        .build()?;
    let (addr, state) = runtime.block_on(startup::spawn_demo(
        dir.path(),
        Duration::ZERO,
        &Retries::default(),
    ))?;
    let (story_id, scenes) = runtime.block_on(fill_gallery(&state))?;
    let (server, addr) = if in_process {
        let pid = Server {
            pid: "self".into(),
            child: None,
        };
        (pid, addr.to_string())
    } else {
        // The filled data directory, served by the binary alone.
        drop(state);
        runtime.shutdown_timeout(Duration::from_secs(5));
        spawn_binary(dir.path())?
    };
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
        "server CPU per page ({}): median of {rounds} rounds of {requests} requests, one connection",
        if in_process { "in this process" } else { "the cyoa binary, whole process, log included" }
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
        let plain = client.block_on(measure(&server, &http, url, "identity", requests, rounds))?;
        let gzip = client.block_on(measure(&server, &http, url, "gzip", requests, rounds))?;
        let brotli = client.block_on(measure(&server, &http, url, "br", requests, rounds))?;
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
