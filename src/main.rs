//! Server entry point: configuration, database, router, then serve until Ctrl-C.
//! `cyoa check-keys` checks each configured provider key with one free call.
//! `cyoa check-media` instead checks that every stored media file and every file on disk
//! match (exit status 1 when they do not); `cyoa check-media --fix` first removes the
//! temporary files that interrupted writes left behind.
//! `cyoa set-pin TIER` sets the parent PIN of a protected tier (typed twice, or two lines on
//! standard input); every browser unlocked with the old PIN must enter the new one.

use std::io::IsTerminal;
use std::path::Path;

use cyoa::server::config::Config;
use cyoa::server::web::startup;
use tracing_subscriber::EnvFilter;

/// A page render is thousands of small allocations freed together, on which glibc's malloc
/// spent about a tenth of the server's CPU (docs/benchmarks.md, "Server CPU per page"). The benchmarks
/// that measure the server declare the same allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        // Colour only for a person at a terminal: a log file or a pipe gets plain lines.
        .with_ansi(std::io::stdout().is_terminal())
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    let config = Config::load(Path::new("Leptos.toml"))?;
    if std::env::args().nth(1).as_deref() == Some("check-keys") {
        return check_keys(&config).await;
    }
    if std::env::args().nth(1).as_deref() == Some("set-pin") {
        return set_pin(&config, std::env::args().nth(2).as_deref()).await;
    }
    if std::env::args().nth(1).as_deref() == Some("check-media") {
        let fix = std::env::args().nth(2).as_deref() == Some("--fix");
        return check_media(&config, fix).await;
    }
    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .map_err(|e| format!("could not listen on {}: {e}", config.site_addr))?;
    let local_addr = listener.local_addr()?;
    let (app, state) = startup::build(config, local_addr).await?;
    tracing::info!("listening on http://{local_addr}");
    print_setup_codes(&state, local_addr);
    startup::serve(listener, app, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

/// A tier without a PIN waits for the parent holding this terminal: its setup code goes
/// out as the last lines, in plain text (no log prefix, no colour), once the server
/// listens, so it is the first thing a parent reads. The parent controls of open tiers
/// come first, a closed tier last: it is the one nobody can use until then.
fn print_setup_codes(state: &cyoa::server::state::AppState, addr: std::net::SocketAddr) {
    let protected = &state.config.gate.protected;
    let (closed, open): (Vec<_>, Vec<_>) = cyoa::domain::tier::TIERS
        .iter()
        .map(|t| t.name)
        .partition(|tier| protected.contains(tier));
    for tier in open {
        if let Some(code) = state.gate.setup_code(tier) {
            println!();
            println!(
                "The parent controls of the {tier} part (new pictures, deleting stories, family profiles) need a PIN."
            );
            println!("Open http://{addr}/{tier}/parent and enter this one-time setup code: {code}");
        }
    }
    for tier in closed {
        if let Some(code) = state.gate.setup_code(tier) {
            println!();
            println!("The {tier} part of the app is closed until a parent sets its PIN.");
            println!("Open http://{addr}/{tier} and enter this one-time setup code: {code}");
        }
    }
}

/// One free call per configured provider (never a picture or a clip); exit status 1 when a
/// key is refused or an account cannot be used.
async fn check_keys(config: &Config) -> Result<(), Box<dyn std::error::Error>> {
    use cyoa::server::providers::{ProviderHub, Retries};
    if config.demo_mode() {
        println!("No provider key is set: the app runs in demo mode, every provider is simulated.");
        return Ok(());
    }
    // No simulator behind it: only configured providers are checked.
    let hub = ProviderHub::new(config, "http://127.0.0.1:0", &Retries::default());
    let models = cyoa::server::models::Models::new(config.catalogue.clone());
    let statuses = cyoa::server::key_check::check_providers(&hub, models).await;
    if cyoa::server::key_check::print(&statuses) {
        Ok(())
    } else {
        Err("a key was refused or its account cannot be used; see above".into())
    }
}

async fn check_media(config: &Config, fix: bool) -> Result<(), Box<dyn std::error::Error>> {
    if fix {
        // Instances may be running on this directory when it is shared.
        let grace = match config.jobs.shared {
            true => cyoa::server::media_store::atomic::SHARED_TEMP_GRACE,
            false => std::time::Duration::ZERO,
        };
        let removed = cyoa::server::media_store::atomic::sweep_temp_files(&config.data_dir, grace)?;
        println!("removed {removed} temporary files of interrupted writes");
    }
    let db = cyoa::server::db::open(
        config.database_url.as_deref(),
        &config.database_path(),
        &Default::default(),
    )
    .await?;
    let store = cyoa::server::media_store::MediaStore::for_config(config, &Default::default())?;
    let report = cyoa::server::media_store::integrity::check(&db, &store).await?;
    let place = match &config.bucket {
        Some(bucket) => format!("in the bucket {}", bucket.bucket),
        None => format!("under {}", config.data_dir.display()),
    };
    println!(
        "checked {} media rows and photos, {} files {place}",
        report.rows_checked, report.files_checked
    );
    for broken in &report.broken {
        println!("missing or damaged: {broken}");
    }
    for orphan in &report.orphans {
        println!("not referenced by any row: {orphan}");
    }
    if report.is_clean() {
        println!("all media references are whole");
        Ok(())
    } else {
        Err(format!(
            "{} broken references, {} stray files",
            report.broken.len(),
            report.orphans.len()
        )
        .into())
    }
}

async fn set_pin(config: &Config, tier: Option<&str>) -> Result<(), Box<dyn std::error::Error>> {
    use cyoa::domain::tier::TIERS;
    use cyoa::server::gate::{self, pin::Pin};
    let names = TIERS.iter().map(|t| t.name).collect::<Vec<_>>().join(", ");
    let Some(tier) = tier.and_then(cyoa::domain::TierSpec::find) else {
        return Err(format!("usage: cyoa set-pin TIER (one of: {names})").into());
    };
    let pin = read_secret("New PIN (at least 4 characters): ")?;
    let again = read_secret("The same PIN again: ")?;
    let pin = Pin::new_pin(&pin, &again)?;
    let db = cyoa::server::db::open(
        config.database_url.as_deref(),
        &config.database_path(),
        &Default::default(),
    )
    .await?;
    gate::set_pin(&db, tier.name, pin).await?;
    println!(
        "The PIN of {} is set. Browsers unlocked before must enter it again.",
        tier.name
    );
    if !config.is_protected(tier.name) && !config.gate.parent_controls {
        println!(
            "Note: {} is not a protected tier and parent controls are off in this configuration (PROTECTED_TIERS, PARENT_CONTROLS or [gate] in Leptos.toml), so the PIN is not asked for.",
            tier.name
        );
    }
    if config.gate.env_pins.iter().any(|(t, _)| *t == tier.name) {
        println!(
            "Note: {}_PIN is set in the environment and wins again at the next start.",
            tier.name.to_uppercase()
        );
    }
    Ok(())
}

/// One line from standard input; typed without echo when it is a terminal.
fn read_secret(prompt: &str) -> std::io::Result<String> {
    use std::io::{BufRead, IsTerminal, Write};
    let terminal = std::io::stdin().is_terminal();
    if terminal {
        eprint!("{prompt}");
        std::io::stderr().flush()?;
        // Best effort: without `stty` the PIN is simply visible while typed.
        let _ = std::process::Command::new("stty").arg("-echo").status();
    }
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    if terminal {
        let _ = std::process::Command::new("stty").arg("echo").status();
        eprintln!();
    }
    read?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
