//! Instant scenes: how long a reader waits after tapping a choice, with the
//! simulator writing at the demo pace (600 ms to the first token, 60 tokens/s, or
//! BENCH_FIRST_TOKEN_MS / BENCH_TOKENS_PER_SECOND). For each tap it measures, over real
//! HTTP:
//! - tap → first words visible: the first `words` event with text on the page's stream;
//! - tap → choices visible: the `choose` call answered and the next scene's page (server
//!   rendered, with its choices) received.
//!
//! - Begin → first words visible: a story's first scene, its words followed under the key
//!   the start page sends (`/{tier}/start/{key}/words`), the start call made at once.
//!
//! First with writing ahead off, then on: the page's `ahead` stream is open while the
//! reader reads the scene (BENCH_READ_MS, default 8000, a short read of a real scene).
//! Prints median and p95 of each. Targets: first words ≤ time to first token + 100 ms with
//! writing ahead off; the whole scene ≤ 300 ms after the tap (median), ≤ 1 s (p95) with it on.
//!
//! Run: `cargo bench --features ssr --bench instant_scenes` (BENCH_CHOICES, default 30).

use std::time::{Duration, Instant};

use cyoa::domain::story::{StartInput, StoryLength};
use cyoa::domain::{urls, TierSpec};
use cyoa::server::config::Config;
use cyoa::server::providers::Retries;
use cyoa::server::state::AppState;
use cyoa::server::story;
use cyoa::server::web::startup;
use provider_sim::TextPace;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// What one tap cost the reader.
struct Tap {
    first_words: Option<Duration>,
    choices: Duration,
}

struct Reader {
    state: AppState,
    base: String,
    http: reqwest::Client,
    tier: &'static TierSpec,
    story_id: String,
    scene_id: String,
}

impl Reader {
    async fn new_story(
        state: &AppState,
        base: &str,
        http: &reqwest::Client,
    ) -> Result<Reader, BoxError> {
        let tier = TierSpec::find("kids").ok_or("kids tier")?;
        let input = StartInput {
            prompt: "A lighthouse keeper's daughter who talks to whales".into(),
            length: StoryLength::Long,
            text_model: "claude-sonnet-5-5".into(),
            image_model: None,
            memory_profile: None,
            video_mode: false,
            family_mode: false,
            characters: Vec::new(),
            style: String::new(),
            surprise: false,
            bedtime: false,
            sequel_of: None,
        };
        let (story_id, scene_id) = story::start(state, tier, input).await?;
        Ok(Reader {
            state: state.clone(),
            base: base.to_owned(),
            http: http.clone(),
            tier,
            story_id,
            scene_id,
        })
    }

    /// The first untaken choice of the current scene, if the story goes on.
    async fn next_choice(&self) -> Result<Option<String>, BoxError> {
        let view =
            story::scene_view(&self.state, self.tier, &self.story_id, &self.scene_id).await?;
        Ok(view.choices.into_iter().find(|c| !c.explored).map(|c| c.id))
    }

    /// Taps `choice` as the page does: the words stream and the `choose` call at once.
    async fn tap(&mut self, choice: &str) -> Result<Tap, BoxError> {
        let started = Instant::now();
        let words_url = format!(
            "{}{}",
            self.base,
            urls::choice_words(self.tier.name, &self.story_id, choice)
        );
        let words = first_words_after(&self.http, words_url, started);
        let scene_id = story::choose(&self.state, self.tier, &self.story_id, choice).await?;
        let page = format!(
            "{}{}",
            self.base,
            urls::scene(self.tier.name, &self.story_id, &scene_id)
        );
        let html = self.http.get(page).send().await?.text().await?;
        let choices = started.elapsed();
        if !html.contains("class=\"choice") && !html.contains("The End") {
            return Err("the scene page shows no choices".into());
        }
        let first_words = words.await.ok().flatten();
        self.scene_id = scene_id;
        Ok(Tap {
            first_words,
            choices,
        })
    }
}

async fn run(
    state: &AppState,
    base: &str,
    choices: usize,
    read: Option<Duration>,
) -> Result<Vec<Tap>, BoxError> {
    let http = reqwest::Client::new();
    let mut taps = Vec::new();
    let mut reader = Reader::new_story(state, base, &http).await?;
    while taps.len() < choices {
        let Some(choice) = reader.next_choice().await? else {
            reader = Reader::new_story(state, base, &http).await?;
            continue;
        };
        let ahead = match read {
            Some(read) => {
                let url = format!(
                    "{base}{}",
                    urls::scene_ahead(reader.tier.name, &reader.story_id, &reader.scene_id)
                );
                let stream = http.get(url).send().await?;
                tokio::time::sleep(read).await;
                Some(stream)
            }
            None => None,
        };
        taps.push(reader.tap(&choice).await?);
        // The page of the next scene replaces this one: its stream closes.
        drop(ahead);
    }
    Ok(taps)
}

/// Follows a words stream: how long after `started` its first `words` event came (`None`
/// when the scene was done or failed first).
fn first_words_after(
    http: &reqwest::Client,
    url: String,
    started: Instant,
) -> tokio::task::JoinHandle<Option<Duration>> {
    let http = http.clone();
    tokio::spawn(async move {
        let mut res = http.get(url).send().await.ok()?;
        let mut seen = String::new();
        while let Ok(Some(chunk)) = res.chunk().await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains("event: words") {
                return Some(started.elapsed());
            }
            if seen.contains("event: done") || seen.contains("event: failed") {
                return None;
            }
        }
        None
    })
}

/// Begin, as the start page does: the first scene's words stream opened under a fresh key,
/// and the `start_story` call at once.
async fn begin(base: &str, http: &reqwest::Client, n: usize) -> Result<Tap, BoxError> {
    let key = format!("bench{n:011}{:016x}", rand_key());
    let words_url = format!("{base}{}", urls::first_words("kids", &key));
    let started = Instant::now();
    let words = first_words_after(http, words_url, started);
    let res = http
        .post(format!("{base}/api/start_story"))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("tier", "kids"),
            (
                "input[prompt]",
                "A lighthouse keeper's daughter who talks to whales",
            ),
            ("input[length]", "long"),
            ("input[text_model]", "claude-sonnet-5-5"),
            ("words", key.as_str()),
        ])
        .send()
        .await?;
    if !res.status().is_success() {
        return Err(format!("start_story answered {}", res.status()).into());
    }
    let choices = started.elapsed();
    Ok(Tap {
        first_words: words.await.ok().flatten(),
        choices,
    })
}

/// Distinct keys per run without a random crate: the clock's nanoseconds.
fn rand_key() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

fn report(name: &str, taps: &[Tap]) {
    let mut words: Vec<Duration> = taps.iter().filter_map(|t| t.first_words).collect();
    let mut whole: Vec<Duration> = taps.iter().map(|t| t.choices).collect();
    words.sort();
    whole.sort();
    let words_line = if words.is_empty() {
        "no words streamed (every scene was ready at the tap)".to_owned()
    } else {
        format!(
            "median {:>7.1} ms  p95 {:>7.1} ms  ({} of {} taps)",
            ms(percentile(&words, 0.5)),
            ms(percentile(&words, 0.95)),
            words.len(),
            taps.len()
        )
    };
    println!("{name}");
    println!("  tap → first words visible   {words_line}");
    println!(
        "  tap → choices visible       median {:>7.1} ms  p95 {:>7.1} ms",
        ms(percentile(&whole, 0.5)),
        ms(percentile(&whole, 0.95))
    );
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let choices = env_number("BENCH_CHOICES", 30).max(1) as usize;
    let read = Duration::from_millis(env_number("BENCH_READ_MS", 8000));
    let pace = TextPace {
        first_token: Duration::from_millis(env_number(
            "BENCH_FIRST_TOKEN_MS",
            TextPace::REALISTIC.first_token.as_millis() as u64,
        )),
        tokens_per_second: env_number(
            "BENCH_TOKENS_PER_SECOND",
            TextPace::REALISTIC.tokens_per_second as u64,
        ) as f64,
    };
    let dir = tempfile::tempdir()?;
    let config = Config {
        demo_text_pace: pace,
        ..Config::for_tests(dir.path())
    };
    let (addr, state) = startup::spawn(config, &Retries::default()).await?;
    let base = format!("http://{addr}");
    println!(
        "{choices} taps per run; the simulator writes at {} ms to the first token, {} tokens/s; reading time with writing ahead {} ms",
        pace.first_token.as_millis(),
        pace.tokens_per_second,
        read.as_millis()
    );
    let http = reqwest::Client::new();
    let mut begins = Vec::new();
    for n in 0..choices.min(10) {
        begins.push(begin(&base, &http, n).await?);
    }
    report("the first scene (Begin)", &begins);
    println!(
        "  (target: first words ≤ {} ms, the time to first token + 100 ms)",
        pace.first_token.as_millis() + 100
    );
    let off = run(&state, &base, choices, None).await?;
    report("writing ahead off", &off);
    println!(
        "  (target: first words ≤ {} ms, the time to first token + 100 ms)",
        pace.first_token.as_millis() + 100
    );
    let on = run(&state, &base, choices, Some(read)).await?;
    report("writing ahead on", &on);
    println!("  (target: choices visible ≤ 300 ms median, ≤ 1000 ms p95)");
    Ok(())
}
