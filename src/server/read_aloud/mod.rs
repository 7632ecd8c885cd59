//! Read aloud's server side: a scene's words spoken by the narration model, streamed to the
//! listener as they are made, and stored once per scene and voice to be replayed for free.
//!
//! Money is spent once: the audio is claimed in the database (`scene_audio`) before the
//! spending limit is charged and the model is called; a listener who comes while it is made
//! in this process joins it ([`live`]), one who comes while another instance makes it waits
//! for its file, and a claim whose holder died is taken over when its lease runs out. The
//! file is stored whole or not at all (a WAV of the samples), in the media store beside
//! the story's pictures, so it goes with the story.

pub mod live;

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;

use crate::domain::read_aloud::{self, find_voice, request_pieces, Voice, REQUEST_MAX_CHARS};
use crate::domain::{NarrationModelSpec, TierSpec};
use crate::server::db::scene_audio::{self, AudioRow, Claim, SpokenScene};
use crate::server::media_store::FileKey;
use crate::server::providers::{PcmStream, ProviderError, SpeechRequest};
use crate::server::spending::{self, OverLimit, Spend, SpendError};
use crate::server::state::AppState;
use live::Reading;

/// The longest a reading may take to make; its claim is held a little longer.
const MAKE_MAX: Duration = Duration::from_secs(120);
const LEASE: Duration = Duration::from_secs(150);
/// How often a listener waiting for another instance's reading looks for its file.
const WAIT_STEP: Duration = Duration::from_millis(250);

#[derive(Debug, thiserror::Error)]
pub enum ReadAloudError {
    #[error("no such scene or voice")]
    NotFound,
    #[error("no narration model is configured")]
    NotConfigured,
    #[error(transparent)]
    OverLimit(#[from] OverLimit),
    #[error("the narration model was retired by its provider")]
    ModelRetired,
    #[error("the narration model failed: {0}")]
    Provider(#[from] ProviderError),
    #[error("another reading of this scene did not finish in time")]
    Busy,
    #[error("read aloud's records failed: {0}")]
    Db(#[from] sqlx::Error),
}

impl From<SpendError> for ReadAloudError {
    fn from(e: SpendError) -> ReadAloudError {
        match e {
            SpendError::Over(over) => ReadAloudError::OverLimit(over),
            SpendError::Db(e) => ReadAloudError::Db(e),
        }
    }
}

impl ReadAloudError {
    /// What the listener is told, in plain words, with a way on.
    pub fn user_message(&self) -> String {
        match self {
            ReadAloudError::NotFound => "There is no such scene to read.".to_owned(),
            ReadAloudError::NotConfigured => {
                "Reading aloud is not set up on this server.".to_owned()
            }
            ReadAloudError::OverLimit(over) => over.to_string(),
            ReadAloudError::ModelRetired => {
                "The reading voice was retired by its maker. Press play again to hear it in another way."
                    .to_owned()
            }
            ReadAloudError::Provider(e) => {
                format!("{} Press play to try again.", e.user_message())
            }
            ReadAloudError::Busy | ReadAloudError::Db(_) => {
                "The reading could not start just now. Press play to try again.".to_owned()
            }
        }
    }
}

/// A scene's audio: stored, or being made (to be followed from its first sample).
pub enum Audio {
    Stored(FileKey),
    Live(Arc<Reading>),
}

/// The audio of `scene_id` in the voice `voice_key` of `tier`.
pub async fn open(
    state: &AppState,
    tier: &'static TierSpec,
    scene_id: &str,
    voice_key: &str,
) -> Result<Audio, ReadAloudError> {
    let voice = find_voice(voice_key, tier.young_listeners).ok_or(ReadAloudError::NotFound)?;
    let scene = scene_audio::scene(&state.db, tier.name, scene_id)
        .await?
        .ok_or(ReadAloudError::NotFound)?;
    let waiting_since = Instant::now();
    loop {
        if let AudioRow::Complete { file_name } =
            scene_audio::find(&state.db, tier.name, scene_id, voice.key).await?
        {
            let key = FileKey::media(tier.name, &scene.story_id, &file_name);
            if state.store.exists(&key).await {
                return Ok(Audio::Stored(key));
            }
            tracing::warn!(
                scene_id,
                voice = voice.key,
                "stored audio is gone; made again"
            );
            scene_audio::forget(&state.db, tier.name, scene_id, voice.key).await?;
        }
        if let Some(reading) = state.readings.find(scene_id, voice.key) {
            return Ok(Audio::Live(reading));
        }
        let configured = state.providers.configured();
        let model = state
            .models
            .text_to_speech(&configured)
            .ok_or(ReadAloudError::NotConfigured)?;
        let claim = Claim {
            tier: tier.name,
            story_id: &scene.story_id,
            scene_id,
            voice: voice.key,
            model: model.key,
        };
        if scene_audio::claim(&state.db, claim, LEASE).await? {
            return start(state, tier, &scene, claim, voice, model).await;
        }
        // Another instance is making it (or this one, a moment from listing it).
        if waiting_since.elapsed() > LEASE {
            return Err(ReadAloudError::Busy);
        }
        tokio::time::sleep(WAIT_STEP).await;
    }
}

/// Holding the claim: charges the limit, starts the model and hands its audio on.
async fn start(
    state: &AppState,
    tier: &'static TierSpec,
    scene: &SpokenScene,
    claim: Claim<'_>,
    voice: &'static Voice,
    model: &'static NarrationModelSpec,
) -> Result<Audio, ReadAloudError> {
    let given_up = |e: ReadAloudError| async move {
        if let Err(db) = scene_audio::release(&state.db, claim).await {
            tracing::warn!(error = %db, "could not give a read-aloud claim up; its lease will");
        }
        Err(e)
    };
    if let Err(e) = spending::charge(&state.db, &state.config.limits, tier, Spend::Speech).await {
        return given_up(e.into()).await;
    }
    let (Some(client), Some(provider_voice)) = (
        state.providers.client_for_media(model.provider),
        voice.for_provider(model.provider),
    ) else {
        return given_up(ReadAloudError::NotConfigured).await;
    };
    let pieces = request_pieces(&scene.narrative, REQUEST_MAX_CHARS);
    let Some(first_piece) = pieces.first() else {
        return given_up(ReadAloudError::NotFound).await;
    };
    let reading = state.readings.start(claim.scene_id, voice.key);
    let request = |text| SpeechRequest {
        model: model.api_model,
        text,
        voice: provider_voice,
        bedtime: scene.bedtime,
    };
    tracing::info!(
        scene_id = claim.scene_id,
        voice = voice.key,
        model = model.api_model,
        "reading a scene aloud"
    );
    let first = match client.speak(request(first_piece)).await {
        Ok(stream) => stream,
        Err(e) => {
            reading.fail();
            state.readings.end(claim.scene_id, voice.key);
            let e = match e {
                ProviderError::ModelGone { .. } => {
                    state.models.mark_gone(model.provider, model.api_model);
                    ReadAloudError::ModelRetired
                }
                e => ReadAloudError::Provider(e),
            };
            return given_up(e).await;
        }
    };
    let job = Making {
        state: state.clone(),
        tier: tier.name,
        story_id: claim.story_id.to_owned(),
        scene_id: claim.scene_id.to_owned(),
        voice: voice.key,
        model: model.key,
        reading: reading.clone(),
    };
    let rest: Vec<String> = pieces[1..].to_vec();
    let (api_model, bedtime, provider) = (model.api_model, scene.bedtime, model.provider);
    // On its own task: a listener who leaves does not stop what is paid for.
    tokio::spawn(async move {
        let made = tokio::time::timeout(MAKE_MAX, async {
            pump(first, &job.reading).await?;
            for text in &rest {
                let Some(client) = job.state.providers.client_for_media(provider) else {
                    break;
                };
                let next = client
                    .speak(SpeechRequest {
                        model: api_model,
                        text,
                        voice: provider_voice,
                        bedtime,
                    })
                    .await?;
                pump(next, &job.reading).await?;
            }
            Ok::<(), ProviderError>(())
        })
        .await;
        match made {
            Ok(Ok(())) => job.keep().await,
            Ok(Err(e)) => job.drop_it(&e.to_string()).await,
            Err(_) => job.drop_it("it took too long").await,
        }
    });
    Ok(Audio::Live(reading))
}

async fn pump(mut stream: PcmStream, reading: &Reading) -> Result<(), ProviderError> {
    while let Some(chunk) = stream.next().await {
        reading.push(&chunk?);
    }
    Ok(())
}

/// A reading being made, owned by its task.
struct Making {
    state: AppState,
    tier: &'static str,
    story_id: String,
    scene_id: String,
    voice: &'static str,
    model: &'static str,
    reading: Arc<Reading>,
}

impl Making {
    fn claim(&self) -> Claim<'_> {
        Claim {
            tier: self.tier,
            story_id: &self.story_id,
            scene_id: &self.scene_id,
            voice: self.voice,
            model: self.model,
        }
    }

    /// Stores the whole reading, then marks it complete; only then is it no longer followed
    /// here, so a listener always finds it one way or the other.
    async fn keep(self) {
        let mut samples = self.reading.finish();
        samples.truncate(samples.len() & !1);
        let file_name = format!("audio-{}-{}.wav", self.scene_id, self.voice);
        let key = FileKey::media(self.tier, &self.story_id, &file_name);
        let mut file = Vec::with_capacity(samples.len() + read_aloud::WAV_HEADER_BYTES);
        let data_bytes = u32::try_from(samples.len()).unwrap_or(u32::MAX - 36);
        file.extend_from_slice(&read_aloud::wav_header(Some(data_bytes)));
        file.extend_from_slice(&samples);
        let stored = match self.state.store.put(&key, &file).await {
            Ok(()) => scene_audio::complete(&self.state.db, self.claim(), &file_name)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match stored {
            Ok(()) => tracing::info!(
                scene_id = self.scene_id,
                voice = self.voice,
                seconds = read_aloud::seconds(samples.len()),
                "scene read aloud and kept"
            ),
            Err(e) => {
                // Heard, but not kept: the next play makes it again.
                tracing::warn!(error = %e, scene_id = self.scene_id, "read-aloud audio could not be kept");
                let _ = scene_audio::release(&self.state.db, self.claim()).await;
            }
        }
        self.state.readings.end(&self.scene_id, self.voice);
    }

    async fn drop_it(self, why: &str) {
        tracing::warn!(
            scene_id = self.scene_id,
            voice = self.voice,
            why,
            "reading aloud stopped"
        );
        self.reading.fail();
        if let Err(e) = scene_audio::release(&self.state.db, self.claim()).await {
            tracing::warn!(error = %e, "could not give a read-aloud claim up; its lease will");
        }
        self.state.readings.end(&self.scene_id, self.voice);
    }
}
