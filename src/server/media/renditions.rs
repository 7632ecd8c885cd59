//! Light pictures for phones: every stored picture also gets 384- and 768-px JPEG
//! renditions (`abc.png` → `abc.w384.jpg`, `abc.w768.jpg`), made once when the picture is
//! saved, or on the first request for a picture saved before they existed. Gallery cards,
//! the story map and the scene pages ask for the smallest that fills their box (`srcset`),
//! so a phone never downloads a 2 MB original it shows at 256 px. The original stays for
//! the exports. A picture we cannot decode (WebP), or one no larger than the width, has
//! none: its original is served in their place.

use crate::server::media_store::{FileKey, MediaStore};
use imaging;

/// The widths made, smallest first.
pub const WIDTHS: [usize; 2] = [384, 768];
/// JPEG quality: a card or a phone screen shows no difference from the original.
const QUALITY: u8 = 80;

/// `abc.png` at 384 → `abc.w384.jpg`.
pub fn name(file: &str, width: usize) -> String {
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    format!("{stem}.w{width}.jpg")
}

/// `abc.w384.jpg` → `("abc", 384)`; `None` for anything else (an original).
pub fn parse(file: &str) -> Option<(&str, usize)> {
    let rest = file.strip_suffix(".jpg")?;
    let (stem, width) = rest.rsplit_once(".w")?;
    let width: usize = width.parse().ok()?;
    WIDTHS.contains(&width).then_some((stem, width))
}

/// The renditions' keys beside `original`.
pub fn keys_of(original: &FileKey) -> Vec<FileKey> {
    WIDTHS
        .iter()
        .map(|&w| original.sibling(&name(original.file_name(), w)))
        .collect()
}

/// Makes every rendition of the picture `original` that is missing; best effort (a failure
/// is logged: the original is served in its place). Returns how many exist.
pub async fn make(store: &MediaStore, original: &FileKey) -> usize {
    let mut missing: Vec<(usize, FileKey)> = Vec::new();
    for (width, key) in WIDTHS.iter().copied().zip(keys_of(original)) {
        if !store.exists(&key).await {
            missing.push((width, key));
        }
    }
    if missing.is_empty() {
        return WIDTHS.len();
    }
    let Ok(bytes) = store.get(original).await else {
        return 0;
    };
    let widths: Vec<usize> = missing.iter().map(|(w, _)| *w).collect();
    let made = tokio::task::spawn_blocking(move || encode(&bytes, &widths))
        .await
        .unwrap_or_default();
    let mut count = WIDTHS.len() - missing.len();
    for ((_, key), jpeg) in missing.iter().zip(made) {
        let Some(jpeg) = jpeg else { continue };
        match store.put(key, &jpeg).await {
            Ok(()) => count += 1,
            Err(e) => {
                tracing::warn!(error = %e, file = %key, "could not store a light picture")
            }
        }
    }
    count
}

/// The JPEG of each width, or `None` where the picture could not be decoded or is no
/// larger than that width (then the original is the light copy).
fn encode(bytes: &[u8], widths: &[usize]) -> Vec<Option<Vec<u8>>> {
    let Ok(photo) = imaging::photo::decode(bytes) else {
        return widths.iter().map(|_| None).collect();
    };
    let side = photo.pixels.width.max(photo.pixels.height);
    widths
        .iter()
        .map(|&w| {
            if side <= w {
                return None;
            }
            let jpeg = photo.pixels.fit_within(w).to_jpeg(QUALITY);
            (!jpeg.is_empty() && jpeg.len() < bytes.len()).then_some(jpeg)
        })
        .collect()
}

/// Removes the renditions of the picture `original` (with it, or after it was replaced).
pub async fn remove(store: &MediaStore, original: &FileKey) {
    for key in keys_of(original) {
        let _ = store.remove(&key).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_only_renditions_parse() {
        assert_eq!(name("abc.png", 384), "abc.w384.jpg");
        assert_eq!(name("abc-2.webp", 768), "abc-2.w768.jpg");
        assert_eq!(parse("abc.w384.jpg"), Some(("abc", 384)));
        assert_eq!(parse("abc-2.w768.jpg"), Some(("abc-2", 768)));
        assert_eq!(parse("abc.png"), None);
        assert_eq!(parse("abc.jpg"), None);
        assert_eq!(parse("abc.w100.jpg"), None);
    }

    #[test]
    fn renditions_are_small_jpegs_of_the_picture() {
        let mut canvas = imaging::Canvas::new(1024, 1024);
        canvas.fill_rect(0, 0, 1024, 1024, [200, 120, 40]);
        canvas.fill_rect(100, 100, 400, 300, [10, 20, 200]);
        let png = canvas.to_png();
        let made = encode(&png, &WIDTHS);
        for (jpeg, width) in made.iter().zip(WIDTHS) {
            let jpeg = jpeg.as_ref().expect("a JPEG");
            let photo = imaging::photo::decode(jpeg).expect("decodes");
            assert_eq!(photo.pixels.width, width);
        }
        assert_eq!(encode(b"RIFF....WEBP", &WIDTHS), vec![None, None]);
        // A picture no larger than a width is its own light copy.
        let small = imaging::Canvas::new(256, 256).to_png();
        assert_eq!(encode(&small, &WIDTHS), vec![None, None]);
    }
}
