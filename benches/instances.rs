//! Throughput of the gallery and a scene page with one app instance, and with two instances
//! on one database sharing the work (issue 20: many instances, one queue), on SQLite (WAL:
//! readers of both instances go at once) and on PostgreSQL (hosted mode) when a server is
//! there. One instance has the machine's two runtime workers, each of two instances one, so
//! the rows compare the same cores. Clients are spread over the instances in turn, as a load
//! balancer would. Prints requests per second and the median and 99th-percentile time.
//! Run: `pg_virtualenv -v 15 cargo bench --features ssr --bench instances` (a throwaway
//! PostgreSQL cluster; without it only SQLite is measured). BENCH_CLIENTS at once, default
//! 16; BENCH_SECONDS per row, default 5.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use cyoa::server::config::{Config, JobSettings};
use cyoa::server::providers::Retries;
use cyoa::server::state::AppState;
use cyoa::server::web::startup;

mod common;

use common::{env_number, fill_gallery, BoxError};

/// The app's own allocator (`src/main.rs`), so the server measured here is the one deployed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// An app instance on its own runtime, as if it were its own process.
struct Instance {
    addr: SocketAddr,
    state: AppState,
    runtime: tokio::runtime::Runtime,
}

fn instance(
    dir: &std::path::Path,
    database_url: Option<&str>,
    workers: usize,
) -> Result<Instance, BoxError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()?;
    let config = Config {
        // Instances on one database never take back each other's running jobs.
        jobs: JobSettings {
            shared: true,
            ..JobSettings::default()
        },
        database_url: database_url.map(str::to_owned),
        ..Config::for_tests(dir)
    };
    let (addr, state) = runtime.block_on(startup::spawn(config, &Retries::default()))?;
    Ok(Instance {
        addr,
        state,
        runtime,
    })
}

struct Throughput {
    per_second: f64,
    median: Duration,
    p99: Duration,
}

/// `clients` at once ask for `path` for `seconds`, client `i` of instance `i % n`.
async fn load(
    http: &reqwest::Client,
    instances: &[SocketAddr],
    path: &str,
    clients: usize,
    seconds: u64,
) -> Result<Throughput, BoxError> {
    let urls: Vec<String> = instances
        .iter()
        .map(|a| format!("http://{a}{path}"))
        .collect();
    // A warm-up on every instance (connections, statement caches).
    for url in &urls {
        for _ in 0..20 {
            http.get(url).send().await?.bytes().await?;
        }
    }
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let tasks = (0..clients).map(|i| {
        let (http, url) = (http.clone(), urls[i % urls.len()].clone());
        async move {
            let mut times = Vec::new();
            while Instant::now() < until {
                let asked = Instant::now();
                let res = http
                    .get(&url)
                    .header("accept", "text/html,application/xhtml+xml")
                    .header("accept-encoding", "identity")
                    .send()
                    .await?;
                if !res.status().is_success() {
                    return Err(format!("{url}: {}", res.status()).into());
                }
                let page = res.text().await?;
                // A page must be whole under load too (its title and style sheet are
                // registered through the request's context).
                if !page.contains("<title>") || !page.contains("rel=\"stylesheet\"") {
                    return Err(format!("{url}: a page without its head: {page}").into());
                }
                times.push(asked.elapsed());
            }
            Ok::<_, BoxError>(times)
        }
    });
    let mut times: Vec<Duration> = Vec::new();
    for done in futures::future::join_all(tasks).await {
        times.extend(done?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    Ok(Throughput {
        per_second: times.len() as f64 / elapsed,
        median: at(0.5),
        p99: at(0.99),
    })
}

/// The databases measured: SQLite, and PostgreSQL when the `PG*` variables name a server.
fn databases(runtime: &tokio::runtime::Runtime) -> Vec<(&'static str, Option<String>)> {
    let mut found = vec![("SQLite", None)];
    if std::env::var_os("PGHOST").is_none() {
        println!("PostgreSQL: not measured (no PGHOST; run under `pg_virtualenv -v 15`)");
        return found;
    }
    let schema = format!("bench_{}", std::process::id());
    match runtime.block_on(cyoa::server::db::postgres_schema_from_env(&schema)) {
        Ok(url) => found.push(("PostgreSQL", Some(url))),
        Err(e) => println!("PostgreSQL: not measured ({e})"),
    }
    found
}

fn main() -> Result<(), BoxError> {
    let clients = env_number("BENCH_CLIENTS", 16).max(1);
    let seconds = env_number("BENCH_SECONDS", 5).max(1) as u64;
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    println!(
        "throughput: {clients} clients at once, {seconds} s per row, uncompressed pages (page_cpu prices compression), this machine's cores"
    );
    println!(
        "{:<24} {:<26} {:>8} {:>10} {:>10}",
        "page", "instances", "req/s", "median ms", "p99 ms"
    );
    for (database, url) in databases(&client) {
        let dir = tempfile::tempdir()?;
        let alone = instance(dir.path(), url.as_deref(), 2)?;
        let pair = [
            instance(dir.path(), url.as_deref(), 1)?,
            instance(dir.path(), url.as_deref(), 1)?,
        ];
        let (story_id, scenes) = alone.runtime.block_on(fill_gallery(&alone.state))?;
        let pages = [
            ("gallery (24 stories)", "/kids/gallery".to_owned()),
            (
                "scene (picture + clip)",
                format!("/kids/story/{story_id}/scene/{}", scenes[1]),
            ),
        ];
        for (name, path) in &pages {
            let rows: [(String, Vec<SocketAddr>); 2] = [
                (format!("1 ({database})"), vec![alone.addr]),
                (
                    format!("2 on one ({database})"),
                    pair.iter().map(|i| i.addr).collect(),
                ),
            ];
            for (label, addrs) in rows {
                let t = client.block_on(load(&http, &addrs, path, clients, seconds))?;
                println!(
                    "{name:<24} {label:<26} {:>8.0} {:>10.2} {:>10.2}",
                    t.per_second,
                    t.median.as_secs_f64() * 1000.0,
                    t.p99.as_secs_f64() * 1000.0
                );
            }
        }
    }
    Ok(())
}
