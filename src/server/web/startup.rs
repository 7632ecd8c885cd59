//! Wires the app together: database, provider clients (or the in-process simulator in
//! demo mode), Leptos routes and plain axum routes. Used by `main` and by the tests.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::classify::ServerErrorsFailureClass;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::{files, live, pwa, read_aloud, request_tasks, transfer};
use crate::app::{shell, App};
use crate::server::config::Config;
use crate::server::db::{self, DbError};
use crate::server::media::{self, Jobs};
use crate::server::media_store::atomic;
use crate::server::media_store::MediaStore;
use crate::server::models::Models;
use crate::server::providers::{ProviderHub, Retries};
use crate::server::state::{AppState, AppStateInner, Faults};
use crate::server::story::writing::Drafts;
use crate::server::{gate, key_check};
use provider_sim as sim;

/// Where the simulator is mounted inside the app in demo mode.
const SIM_MOUNT: &str = "/sim";

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("could not listen on a local port: {0}")]
    Listen(#[from] std::io::Error),
    #[error("could not open the parent gate: {0}")]
    Gate(#[from] gate::GateError),
    #[error("could not use the bucket: {0}")]
    Bucket(String),
    #[error("the story ideas cannot be used: {0}")]
    Ideas(#[from] crate::server::story::ideas::IdeasError),
}

/// The listener with `TCP_NODELAY` on every connection: a response written as headers,
/// then body, must not wait for the client's delayed ACK (about 40 ms per small file).
pub fn no_delay(
    listener: tokio::net::TcpListener,
) -> axum::serve::TapIo<
    tokio::net::TcpListener,
    impl FnMut(&mut tokio::net::TcpStream) + Send + 'static,
> {
    use axum::serve::ListenerExt;
    listener.tap_io(|stream| {
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
    })
}

/// Serves `router` on `listener` (with `TCP_NODELAY` and each request's peer address) until
/// `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(no_delay(listener), service)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Serves the app in demo mode on a free loopback port in a background task, with its
/// database under `data_dir`. For integration tests and benchmarks.
pub async fn spawn_demo(
    data_dir: &std::path::Path,
    demo_latency: std::time::Duration,
    retries: &Retries,
) -> Result<(SocketAddr, AppState), StartupError> {
    let config = Config {
        demo_latency,
        ..Config::for_tests(data_dir)
    };
    spawn(config, retries).await
}

/// Serves the app with `config` on a free loopback port (its `site_addr` is replaced) in a
/// background task. For tests that point the app at a simulator of their own.
pub async fn spawn(
    mut config: Config,
    retries: &Retries,
) -> Result<(SocketAddr, AppState), StartupError> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    config.site_addr = addr;
    let (router, state) = build_with_retries(config, addr, retries).await?;
    tokio::spawn(async move {
        if let Err(e) = serve(listener, router, std::future::pending()).await {
            tracing::error!(error = %e, "test server stopped");
        }
    });
    Ok((addr, state))
}

/// Builds the whole app for a server listening on `local_addr`.
pub async fn build(
    config: Config,
    local_addr: SocketAddr,
) -> Result<(Router, AppState), StartupError> {
    build_with_retries(config, local_addr, &Retries::default()).await
}

/// As [`build`], with retry policies chosen by the caller (tests use short delays).
/// Also starts the media workers.
pub async fn build_with_retries(
    config: Config,
    local_addr: SocketAddr,
    retries: &Retries,
) -> Result<(Router, AppState), StartupError> {
    let faults = Faults::default();
    let db = db::open(
        config.database_url.as_deref(),
        &config.database_path(),
        &faults.commits,
    )
    .await?;
    // Before any job runs, so no write in progress is mistaken for a leftover.
    let data_dir = config.data_dir.clone();
    // Another instance sharing the directory may be writing right now: only what has been
    // left alone for long is a leftover then.
    let grace = match config.jobs.shared {
        true => atomic::SHARED_TEMP_GRACE,
        false => Duration::ZERO,
    };
    let swept = tokio::task::spawn_blocking(move || atomic::sweep_temp_files(&data_dir, grace))
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(e)));
    match swept {
        Ok(0) => {}
        Ok(n) => tracing::info!(files = n, "removed temporary files of interrupted writes"),
        Err(e) => tracing::warn!(error = %e, "could not sweep temporary files"),
    }
    let gate = gate::Gate::open(&db, config.gate.clone()).await?;
    let sim_base_url = format!("http://{}{SIM_MOUNT}", loopback_of(local_addr));
    let providers = ProviderHub::new(&config, &sim_base_url, retries);
    let parallel = config.prefetch.parallel;
    let store = MediaStore::for_config(&config, &faults.storage).map_err(StartupError::Bucket)?;
    let state = AppState::new(AppStateInner {
        leptos_options: leptos_options(local_addr),
        db,
        store,
        providers: Arc::new(providers),
        models: Models::new(config.catalogue.clone()),
        ideas: crate::server::story::ideas::Ideas::shared()?,
        config: Arc::new(config),
        jobs: Jobs::default(),
        faults,
        status_cache: Default::default(),
        gate: Arc::new(gate),
        drafts: Arc::new(Drafts::new(parallel)),
        readings: Arc::default(),
    });
    media::start(state.clone());
    // Never before the first page: the lists come in while the app already answers.
    tokio::spawn(key_check::refresh(state.clone()));
    if state.providers.demo_mode {
        tracing::info!(
            "no provider key set: demo mode with the simulated providers at {sim_base_url}"
        );
    }
    Ok((router(state.clone()), state))
}

/// The app's routes, listed once per process. Listing them renders the app with resource
/// loading switched off for the whole process (leptos_server's global
/// `SuppressResourceLoad`, leptos-rs/leptos#4773): a page that another app in this process
/// was rendering meanwhile (tests and benchmarks start many) saw its data never arrive and
/// hung for good.
fn app_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

fn router(state: AppState) -> Router {
    request_tasks::install();
    let routes = app_routes();
    let context_state = state.clone();
    let page_context = move || {
        provide_context(context_state.clone());
        gate::csp::provide_page_policy();
    };
    let mut app = Router::new()
        .merge(transfer::bundle(&state.leptos_options))
        .merge(files::router())
        .merge(pwa::router(&state.leptos_options))
        .merge(live::router())
        .merge(read_aloud::router())
        .merge(gate::routes::router())
        .leptos_routes_with_context(&state, routes, page_context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(page_context, shell))
        .layer(axum::middleware::from_fn(request_tasks::run_inline))
        .layer(axum::middleware::from_fn(
            crate::server::memory::upload::guard,
        ))
        .layer(axum::middleware::from_fn(
            crate::server::web::plain_forms::tidy_redirect,
        ))
        // Before any page, file or server function of a protected tier.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            gate::routes::tier_gate,
        ))
        // Outside the upload guard: a cross-site upload is refused before it is read.
        .layer(axum::middleware::from_fn(gate::refuse_cross_site))
        .layer(axum::middleware::from_fn(gate::security_headers))
        .layer(axum::middleware::from_fn(transfer::cache_headers))
        .layer(transfer::compression())
        // Every request is logged at info level with its status and latency; by its path
        // only: a query can carry what a family typed (a refused form's fields).
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &axum::http::Request<axum::body::Body>| {
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO))
                // A 503 (a provider or the storage unavailable, said to the reader) is an
                // outage to watch, not a fault of ours: warn; other failures stay errors.
                .on_failure(
                    |class: ServerErrorsFailureClass, latency: Duration, _: &tracing::Span| {
                        let ms = latency.as_millis() as u64;
                        match class {
                            ServerErrorsFailureClass::StatusCode(status)
                                if status == axum::http::StatusCode::SERVICE_UNAVAILABLE =>
                            {
                                tracing::warn!(%status, latency_ms = ms, "unavailable")
                            }
                            other => tracing::error!(failure = %other, latency_ms = ms, "response failed"),
                        }
                    },
                ),
        )
        .with_state(state.clone());
    if state.providers.demo_mode {
        let sim_config = sim::SimConfig {
            latency: state.config.demo_latency,
            text_pace: Some(state.config.demo_text_pace),
            ..sim::SimConfig::default()
        };
        app = app.nest(SIM_MOUNT, sim::router(sim_config));
    }
    app
}

fn leptos_options(addr: SocketAddr) -> LeptosOptions {
    let site_root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    let site_pkg_dir = std::env::var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|_| "pkg".into());
    LeptosOptions::builder()
        // One source for the bundle's name: `.cargo/config.toml`, as cargo-leptos names it.
        .output_name(env!("LEPTOS_OUTPUT_NAME"))
        .site_root(site_root)
        .site_pkg_dir(site_pkg_dir)
        .site_addr(addr)
        .build()
}

/// The address clients on this machine use to reach a server bound to `addr`.
fn loopback_of(addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], addr.port()))
    } else {
        addr
    }
}
