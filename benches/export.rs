//! Story export of a long story (009 SC-001/002): 7 levels, 21 scenes with pictures, 3 of
//! them with clips, in a real SQLite store. The simulator's flat drawings compress to almost
//! nothing, so each picture is replaced by a photo-like 1024 px PNG (textured, ~1.5 MB) that
//! re-encodes to a JPEG the size a real illustration gives. Times the web
//! page (drained piece by piece, as a download would) and the PDF book, and prints the
//! median and worst of each, the file sizes, and the peak memory each export allocated on
//! top of what the process already held (a counting allocator, so it is exact).
//! Targets: page ≤ 2 s, book ≤ 3 s, peak extra memory ≤ 100 MB.
//!
//! Run: `cargo bench --features ssr --bench export`
//! (BENCH_RUNS, default 5; BENCH_CLIP_MB, default 4: each clip padded to a real clip's size;
//! BENCH_SAVE=dir keeps one PDF there to look at).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cyoa::domain::story::{StartInput, StoryLength};
use cyoa::domain::TierSpec;
use cyoa::server::config::{Config, VideoTiming};
use cyoa::server::providers::Retries;
use cyoa::server::state::AppState;
use cyoa::server::story::{self, export};
use cyoa::server::web::startup;

mod common;
// The story is the only one: every picture and clip of the database is its.
use common::{env_number, settle, BoxError};

/// Counts the bytes allocated now and the most ever held since the last reset.
struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `export` and returns its time, its output size and its peak extra memory.
async fn measure<F, Fut>(export: F) -> Result<(Duration, usize, usize), BoxError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<usize, BoxError>>,
{
    let before = NOW.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let started = Instant::now();
    let size = export().await?;
    let took = started.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    Ok((took, size, peak))
}

fn report(name: &str, runs: &mut [(Duration, usize, usize)], target: Duration) {
    runs.sort_by_key(|r| r.0);
    let median = runs[runs.len() / 2];
    let worst = runs[runs.len() - 1];
    let peak = runs.iter().map(|r| r.2).max().unwrap_or(0);
    println!(
        "{name:<9} median {:>7.1} ms   worst {:>7.1} ms   (target ≤ {} ms)   {:>6.2} MB file   peak extra memory {:>6.1} MB (target ≤ 100)",
        median.0.as_secs_f64() * 1e3,
        worst.0.as_secs_f64() * 1e3,
        target.as_millis(),
        median.1 as f64 / 1e6,
        peak as f64 / 1e6,
    );
}

/// Follows the first choice from `scene` to the story's end; returns the scenes made.
async fn read_on(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    mut scene: String,
    path: &mut Vec<String>,
) -> Result<(), BoxError> {
    loop {
        let view = story::scene_view(state, tier, story_id, &scene).await?;
        let Some(choice) = view.choices.iter().find(|c| !c.explored) else {
            return Ok(());
        };
        scene = story::choose(state, tier, story_id, &choice.id).await?;
        path.push(scene.clone());
    }
}

/// A 1024 px RGB PNG with smooth colour, light and fine grain, like a painted picture.
fn photo_like_png(seed: u32) -> Result<Vec<u8>, BoxError> {
    const SIDE: u32 = 1024;
    let mut pixels = Vec::with_capacity((SIDE * SIDE * 3) as usize);
    let mut noise = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    for y in 0..SIDE {
        for x in 0..SIDE {
            // xorshift: grain that JPEG cannot squeeze away entirely.
            noise ^= noise << 13;
            noise ^= noise >> 17;
            noise ^= noise << 5;
            let grain = (noise % 24) as i32 - 12;
            let wave = (((x as f32 / 37.0).sin() + (y as f32 / 53.0).cos()) * 40.0) as i32;
            let base = [
                (x * 200 / SIDE) as i32 + 30,
                (y * 180 / SIDE) as i32 + 40,
                ((x + y + seed * 97) % 255) as i32,
            ];
            for channel in base {
                pixels.push((channel + wave + grain).clamp(0, 255) as u8);
            }
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, SIDE, SIDE);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header()?.write_image_data(&pixels)?;
    Ok(out)
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let runs = env_number("BENCH_RUNS", 5).max(1);
    let clip_bytes = env_number("BENCH_CLIP_MB", 4) * 1024 * 1024;
    let dir = tempfile::tempdir()?;
    let config = Config {
        video: VideoTiming {
            poll_every: Duration::from_millis(20),
            max_wait: Duration::from_secs(120),
        },
        ..Config::for_tests(dir.path())
    };
    let (_addr, state) = startup::spawn(config, &Retries::default()).await?;
    let kids = TierSpec::find("kids").ok_or("kids tier")?;

    // The main path to the end (7 scenes), then a branch from levels 5, 4, 3 and 2, each
    // read to the end: 7 + 2 + 3 + 4 + 5 = 21 scenes.
    let input = StartInput {
        prompt: "A lighthouse keeper’s daughter finds a map of the sea — and a door under it"
            .into(),
        length: StoryLength::Long,
        text_model: "gpt-6-luna".into(),
        image_model: Some("gpt-image-quick".into()),
        memory_profile: None,
        video_mode: true,
        family_mode: false,
        characters: Vec::new(),
        style: String::new(),
        surprise: false,
        bedtime: false,
        sequel_of: None,
    };
    let (story_id, root) = story::start(&state, kids, input).await?;
    let mut main = vec![root.clone()];
    read_on(&state, kids, &story_id, root, &mut main).await?;
    for level in [5, 4, 3, 2] {
        let Some(at) = main.get(level - 1).cloned() else {
            continue;
        };
        let mut branch = Vec::new();
        read_on(&state, kids, &story_id, at, &mut branch).await?;
    }
    settle(&state).await?;

    // Clips on three scenes only, each as big as a real 6-second clip (a `free` box pads
    // the simulator's small MP4; players skip it).
    let clips: Vec<(String, String)> = cyoa::server::db::query_as(
        "SELECT scene_id, file_name FROM media WHERE story_id = ? AND kind = 'video' AND status = 'complete' ORDER BY created_at",
    )
    .bind(&story_id)
    .fetch_all(&state.db)
    .await?;
    for (i, (scene, file)) in clips.iter().enumerate() {
        let path = cyoa::server::media_store::atomic::media_path(
            &state.config.data_dir,
            "kids",
            &story_id,
            file,
        );
        if i % 7 == 0 && i / 7 < 3 {
            let mut bytes = std::fs::read(&path)?;
            let pad = clip_bytes.saturating_sub(bytes.len()).max(8);
            bytes.extend_from_slice(&u32::try_from(pad)?.to_be_bytes());
            bytes.extend_from_slice(b"free");
            bytes.resize(bytes.len() + pad - 8, 0);
            std::fs::write(&path, bytes)?;
        } else {
            cyoa::server::db::query("DELETE FROM media WHERE scene_id = ? AND kind = 'video'")
                .bind(scene)
                .execute(&state.db)
                .await?;
            std::fs::remove_file(&path)?;
        }
    }
    let files: Vec<String> = cyoa::server::db::query_scalar(
        "SELECT file_name FROM media WHERE story_id = ? AND kind = 'image' AND status = 'complete'",
    )
    .bind(&story_id)
    .fetch_all(&state.db)
    .await?;
    for (i, file) in files.iter().enumerate() {
        let path = cyoa::server::media_store::atomic::media_path(
            &state.config.data_dir,
            "kids",
            &story_id,
            file,
        );
        std::fs::write(path, photo_like_png(i as u32)?)?;
    }
    let (scenes, pictures, clips): (i64, i64, i64) = cyoa::server::db::query_as(
        "SELECT (SELECT COUNT(*) FROM scenes WHERE story_id = ?1),
                (SELECT COUNT(*) FROM media WHERE story_id = ?1 AND kind = 'image' AND status = 'complete'),
                (SELECT COUNT(*) FROM media WHERE story_id = ?1 AND kind = 'video' AND status = 'complete')",
    )
    .bind(&story_id)
    .fetch_one(&state.db)
    .await?;
    let levels = story::export::load(&state, kids, &story_id)
        .await?
        .0
        .scenes
        .values()
        .map(|s| s.depth)
        .max()
        .unwrap_or(0);
    println!(
        "story: {scenes} scenes over {levels} levels, {pictures} pictures, {clips} clips of {:.1} MB; {runs} runs each",
        clip_bytes as f64 / 1e6
    );

    let mut html = Vec::new();
    let mut pdf = Vec::new();
    for _ in 0..runs {
        html.push(
            measure(|| async {
                let mut page = export::html(
                    &state,
                    kids,
                    &story_id,
                    book::HtmlOptions {
                        clips: true,
                        audio: false,
                    },
                )
                .await?;
                let mut size = 0;
                while let Some(piece) = page.pieces.recv().await {
                    size += piece.len();
                }
                Ok(size)
            })
            .await?,
        );
        pdf.push(
            measure(|| async {
                let book = export::pdf(&state, kids, &story_id).await?;
                Ok(book.bytes.len())
            })
            .await?,
        );
    }
    if let Ok(dir) = std::env::var("BENCH_SAVE") {
        let book = export::pdf(&state, kids, &story_id).await?;
        std::fs::write(std::path::Path::new(&dir).join(&book.file_name), book.bytes)?;
    }
    report("web page", &mut html, Duration::from_secs(2));
    report("PDF book", &mut pdf, Duration::from_secs(3));
    Ok(())
}
