//! Server entry point: configuration, database, router, then serve until Ctrl-C.

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
