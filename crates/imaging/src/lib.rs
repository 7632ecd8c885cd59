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
