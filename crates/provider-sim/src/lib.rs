//! The provider simulator: an axum router speaking the same wire contracts as the real
//! providers (auth, validation, error shapes, fault injection, latency). It backs the app's
//! tests, its demo mode (mounted in-process) and the standalone `provider-sim` binary. It
//! knows nothing of the app: only the providers' APIs and the model ids they list.

mod control;
mod gate;
mod illustration;
mod image_apis;
mod image_edits;
pub mod model_lists;
pub mod narration;
mod provider;
pub mod speech;
mod story;
mod text_apis;
mod text_stream;
mod video;
mod video_apis;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::routing::{get, post};
use axum::Router;

pub use control::FaultKind;
pub use provider::{ModelKind, Provider};
pub use text_stream::TextPace;

#[derive(Clone, Debug, Default)]
pub struct SimConfig {
    /// The key every provider expects; `None` accepts any non-empty key.
    pub api_key: Option<String>,
    /// Added to every provider response.
    pub latency: Duration,
    /// How long xAI image URLs stay downloadable (default 10 minutes).
    pub url_ttl: Option<Duration>,
    /// Side of the square pictures, in pixels (default 256: real providers send 1024,
    /// but small pictures keep tests and demo mode fast).
    pub image_size: Option<usize>,
    /// How many status polls a video stays `pending` before it is `done` (default 2).
    pub video_polls: Option<u32>,
    /// How fast the text models write (changeable at run time: `POST /__control/pace`).
    pub text_pace: Option<TextPace>,
    /// The most models one page of a paged listing holds (the providers' 1000 by default;
    /// lower, a short list pages, so tests see pages followed).
    pub list_page_max: Option<usize>,
}

impl SimConfig {
    fn image_size(&self) -> usize {
        self.image_size.unwrap_or(256).clamp(16, 2048)
    }

    fn video_polls(&self) -> u32 {
        self.video_polls.unwrap_or(2)
    }

    fn list_page_max(&self) -> usize {
        self.list_page_max.unwrap_or(1000).max(1)
    }
}

/// Temporary files behind xAI image and video URLs, by file name: bytes and expiry.
type TempFiles = Mutex<HashMap<String, (Vec<u8>, Instant)>>;

#[derive(Clone)]
pub(crate) struct SimState {
    pub config: Arc<SimConfig>,
    pub control: Arc<control::Control>,
    pub files: Arc<TempFiles>,
    /// Submitted video jobs by request id.
    pub videos: Arc<Mutex<HashMap<String, video_apis::VideoJob>>>,
    pub pace: Arc<Mutex<TextPace>>,
}

impl SimState {
    /// How fast the text models write right now.
    pub(crate) fn pace(&self) -> TextPace {
        self.pace.lock().map_or(TextPace::INSTANT, |p| *p)
    }
}

/// The simulator's routes, without a prefix: each provider lives under its `sim_path()`.
pub fn router(config: SimConfig) -> Router {
    let pace = config.text_pace.unwrap_or(TextPace::INSTANT);
    let state = SimState {
        pace: Arc::new(Mutex::new(pace)),
        config: Arc::new(config),
        control: Arc::default(),
        files: Arc::default(),
        videos: Arc::default(),
    };
    Router::new()
        .route(
            &format!("{}/chat/completions", Provider::OpenAi.path()),
            post(text_apis::openai_chat),
        )
        .route(
            &format!("{}/chat/completions", Provider::Xai.path()),
            post(text_apis::xai_chat),
        )
        .route(
            &format!("{}/messages", Provider::Anthropic.path()),
            post(text_apis::anthropic_messages),
        )
        .route(
            &format!("{}/models/{{model_method}}", Provider::Gemini.path()),
            post(text_apis::gemini_generate),
        )
        .route(
            &format!("{}/images/generations", Provider::OpenAi.path()),
            post(image_apis::openai_images),
        )
        .route(
            &format!("{}/audio/transcriptions", Provider::OpenAi.path()),
            post(speech::openai_transcriptions),
        )
        .route(
            &format!("{}/audio/speech", Provider::OpenAi.path()),
            post(narration::openai_speech),
        )
        .route(
            &format!("{}/images/generations", Provider::Xai.path()),
            post(image_apis::xai_images),
        )
        .route(
            &format!("{}/images/edits", Provider::OpenAi.path()),
            post(image_edits::openai_edits),
        )
        .route(
            &format!("{}/images/edits", Provider::Xai.path()),
            post(image_edits::xai_edits),
        )
        .route(
            &format!("{}/videos/generations", Provider::Xai.path()),
            post(video_apis::submit),
        )
        .route(
            &format!("{}/videos/{{request_id}}", Provider::Xai.path()),
            get(video_apis::status),
        )
        .route(
            &format!("{}/files/{{name}}", Provider::Xai.path()),
            get(image_apis::xai_file),
        )
        .route(
            &format!("{}/models", Provider::OpenAi.path()),
            get(model_lists::openai),
        )
        .route(
            &format!("{}/models", Provider::Xai.path()),
            get(model_lists::xai),
        )
        .route(
            &format!("{}/models", Provider::Anthropic.path()),
            get(model_lists::anthropic),
        )
        .route(
            &format!("{}/models", Provider::Gemini.path()),
            get(model_lists::gemini),
        )
        .route(
            "/__control/faults",
            post(control::queue_fault).delete(control::clear_faults),
        )
        .route("/__control/stats", get(control::stats))
        .route(
            "/__control/pace",
            get(control::pace).post(control::set_pace),
        )
        .route("/__control/image_requests", get(control::image_requests))
        .route("/__control/videos", get(video_apis::jobs))
        .with_state(state)
}

/// A simulator serving on a loopback port until dropped.
pub struct RunningSim {
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Serves the simulator on 127.0.0.1 with a free port.
pub async fn spawn(config: SimConfig) -> std::io::Result<RunningSim> {
    spawn_on(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
}

pub async fn spawn_on(addr: SocketAddr, config: SimConfig) -> std::io::Result<RunningSim> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        // TCP_NODELAY, as on the real APIs' servers: a small answer does not wait for the
        // client's delayed ACK.
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let served = axum::serve(listener, router(config))
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "provider simulator stopped");
        }
    });
    Ok(RunningSim {
        addr,
        shutdown: Some(tx),
    })
}

impl RunningSim {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
