//! Pixels without an image library: a canvas with a PNG encoder (simulator pictures,
//! photo thumbnails) and the checked decoding of uploaded reference photos.

mod canvas;
pub mod photo;

pub use canvas::Canvas;
pub use photo::{DecodedPhoto, PhotoError, PhotoFormat};

/// Longest side of a character card's thumbnail, in pixels.
pub const THUMBNAIL_SIDE: usize = 192;

/// A small PNG of the photo for the character card (the original can be 5 MB).
pub fn thumbnail(photo: &DecodedPhoto) -> Vec<u8> {
    photo.pixels.fit_within(THUMBNAIL_SIDE).to_png()
}

/// A short name for an image file's exact bytes (FNV-1a, 64 bits, in hex): what the app
/// records of each reference image it sends and the simulator of each it receives, so a
/// test can tell which picture went with which request. Not a security hash.
pub fn fingerprint(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprints_tell_bytes_apart() {
        // FNV-1a's published test vectors.
        assert_eq!(super::fingerprint(b""), "cbf29ce484222325");
        assert_eq!(super::fingerprint(b"a"), "af63dc4c8601ec8c");
        assert_ne!(super::fingerprint(b"ab"), super::fingerprint(b"ba"));
    }
}
