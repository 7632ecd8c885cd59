//! Server entry point: configuration, database, router, then serve until Ctrl-C.
//! `cyoa check-keys` checks each configured provider key with one free call.
//! `cyoa check-media` instead checks that every stored media file and every file on disk
//! match (exit status 1 when they do not); `cyoa check-media --fix` first removes the
//! temporary files that interrupted writes left behind.

use std::path::Path;

use cyoa::server::config::Config;
use cyoa::server::startup;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    let config = Config::load(Path::new("Leptos.toml"))?;
    if std::env::args().nth(1).as_deref() == Some("check-keys") {
        return check_keys(&config).await;
    }
    if std::env::args().nth(1).as_deref() == Some("check-media") {
        let fix = std::env::args().nth(2).as_deref() == Some("--fix");
        return check_media(&config, fix).await;
    }
    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .map_err(|e| format!("could not listen on {}: {e}", config.site_addr))?;
    let local_addr = listener.local_addr()?;
    let (app, _state) = startup::build(config, local_addr).await?;
    tracing::info!("listening on http://{local_addr}");
    axum::serve(startup::no_delay(listener), app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
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
    let statuses = cyoa::server::key_check::check_providers(&hub).await;
    if cyoa::server::key_check::print(&statuses) {
        Ok(())
    } else {
        Err("a key was refused or its account cannot be used; see above".into())
    }
}

async fn check_media(config: &Config, fix: bool) -> Result<(), Box<dyn std::error::Error>> {
    if fix {
        let removed = cyoa::server::storage::sweep_temp_files(&config.data_dir)?;
        println!("removed {removed} temporary files of interrupted writes");
    }
    let db = cyoa::server::db::connect(&config.database_path(), &Default::default()).await?;
    let report = cyoa::server::integrity::check(&db, &config.data_dir).await?;
    println!(
        "checked {} media rows and photos, {} files under {}",
        report.rows_checked,
        report.files_checked,
        config.data_dir.display()
    );
    for broken in &report.broken {
        println!("missing or damaged: {broken}");
    }
    for orphan in &report.orphans {
        println!("not referenced by any row: {}", orphan.display());
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
