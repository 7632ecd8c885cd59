//! Whether the bytes of a picture or clip are whole: the same structural check for a file
//! about to be stored, a file about to be served or shown, and the media check. Cheap (the
//! head and the framing, no pixel decoding), and it catches what a full disk or a cut-off
//! download leaves: an empty file, a truncated PNG, JPEG, WebP or MP4.

use crate::domain::media::MediaKind;

/// How many bytes of a picture's head and tail the check reads.
const EDGE: usize = 64;

/// The picture's format when the bytes are a whole PNG, JPEG or WebP.
pub fn image_format(bytes: &[u8]) -> Option<&'static str> {
    image_format_of(head(bytes), tail(bytes), bytes.len() as u64)
}

/// Whether `bytes` are a whole `kind` file (the same check as [`file_is_whole`], for bytes
/// about to be stored).
pub fn bytes_are_whole(bytes: &[u8], kind: MediaKind) -> bool {
    match kind {
        MediaKind::Image | MediaKind::Cover => image_format(bytes).is_some(),
        MediaKind::Video => mp4_is_whole(bytes.len() as u64, |at, buf| {
            let at = usize::try_from(at).ok()?;
            buf.copy_from_slice(bytes.get(at..at.checked_add(buf.len())?)?);
            Some(())
        }),
    }
}

/// Whether the file at `path` is a whole file of `kind`; a missing file is not. Reads only
/// the picture's head and tail, or the clip's box headers: blocking I/O, for the blocking
/// pool (the stores call it there).
pub fn file_is_whole(path: &std::path::Path, kind: MediaKind) -> bool {
    use std::os::unix::fs::FileExt;
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(len) = file.metadata().map(|m| m.len()) else {
        return false;
    };
    let read_at = |at: u64, buf: &mut [u8]| file.read_exact_at(buf, at).ok();
    match kind {
        MediaKind::Image | MediaKind::Cover => {
            let n = (EDGE as u64).min(len) as usize;
            let (mut head, mut tail) = (vec![0; n], vec![0; n]);
            read_at(0, &mut head).is_some()
                && read_at(len - n as u64, &mut tail).is_some()
                && image_format_of(&head, &tail, len).is_some()
        }
        MediaKind::Video => mp4_is_whole(len, read_at),
    }
}

fn head(bytes: &[u8]) -> &[u8] {
    &bytes[..bytes.len().min(EDGE)]
}

fn tail(bytes: &[u8]) -> &[u8] {
    &bytes[bytes.len().saturating_sub(EDGE)..]
}

fn image_format_of(head: &[u8], tail: &[u8], len: u64) -> Option<&'static str> {
    if is_whole_png(head, tail) {
        Some("png")
    } else if is_whole_jpeg(head, tail) {
        Some("jpg")
    } else if is_whole_webp(head, len) {
        Some("webp")
    } else {
        None
    }
}

/// Signature, a non-empty IHDR first, and the IEND chunk last.
fn is_whole_png(head: &[u8], tail: &[u8]) -> bool {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    const IEND: &[u8] = b"\0\0\0\0IEND\xae\x42\x60\x82";
    let Some(ihdr) = head.get(8..24) else {
        return false;
    };
    let width = u32::from_be_bytes([ihdr[8], ihdr[9], ihdr[10], ihdr[11]]);
    let height = u32::from_be_bytes([ihdr[12], ihdr[13], ihdr[14], ihdr[15]]);
    head.starts_with(SIGNATURE)
        && &ihdr[4..8] == b"IHDR"
        && width > 0
        && height > 0
        && tail.ends_with(IEND)
}

/// Start-of-image first and end-of-image last (trailing zero padding allowed).
fn is_whole_jpeg(head: &[u8], tail: &[u8]) -> bool {
    let end = tail
        .iter()
        .rposition(|&b| b != 0)
        .map_or(0, |last| last + 1);
    head.len() > 4 && head.starts_with(&[0xff, 0xd8, 0xff]) && tail[..end].ends_with(&[0xff, 0xd9])
}

/// `RIFF`, a size that covers exactly the rest of the file, `WEBP`.
fn is_whole_webp(head: &[u8], len: u64) -> bool {
    let Some(head) = head.get(..12) else {
        return false;
    };
    let size = u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]]));
    &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" && size + 8 == len
}

/// An `ftyp` box first, a `moov` box somewhere, and top-level boxes that fill the file
/// exactly (a cut-off download ends inside a box). `read_at` fills a buffer from an offset.
fn mp4_is_whole(len: u64, mut read_at: impl FnMut(u64, &mut [u8]) -> Option<()>) -> bool {
    let mut at = 0u64;
    let (mut first, mut has_moov) = (true, false);
    while at < len {
        let mut header = [0u8; 8];
        if read_at(at, &mut header).is_none() {
            return false;
        }
        let size32 = u64::from(u32::from_be_bytes([
            header[0], header[1], header[2], header[3],
        ]));
        let kind = &header[4..8];
        let size = match size32 {
            // A 64-bit size follows the type.
            1 => {
                let mut large = [0u8; 8];
                if read_at(at + 8, &mut large).is_none() {
                    return false;
                }
                u64::from_be_bytes(large)
            }
            // The box runs to the end of the file.
            0 => len - at,
            n => n,
        };
        if size < 8 || (first && kind != b"ftyp") {
            return false;
        }
        has_moov |= kind == b"moov";
        first = false;
        at = match at.checked_add(size) {
            Some(next) => next,
            None => return false,
        };
    }
    at == len && has_moov
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `bytes` are a whole file of `kind`, by the same checks as a file on disk.
    fn is_whole(bytes: &[u8], kind: MediaKind) -> bool {
        bytes_are_whole(bytes, kind)
    }
    use imaging::Canvas;

    fn mp4(boxes: &[(&[u8; 4], usize)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (kind, body) in boxes {
            out.extend_from_slice(&((body + 8) as u32).to_be_bytes());
            out.extend_from_slice(*kind);
            out.extend(std::iter::repeat_n(7u8, *body));
        }
        out
    }

    #[test]
    fn whole_pictures_pass_and_cut_or_empty_ones_do_not() {
        let png = Canvas::new(16, 16).to_png();
        assert_eq!(image_format(&png), Some("png"));
        assert_eq!(image_format(&png[..png.len() - 1]), None);
        assert_eq!(image_format(&png[..png.len() / 2]), None);
        assert_eq!(image_format(&[]), None);
        let jpeg = [0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9];
        assert_eq!(image_format(&jpeg), Some("jpg"));
        assert_eq!(image_format(&jpeg[..6]), None);
        let mut webp = b"RIFF\x08\0\0\0WEBPVP8 ".to_vec();
        assert_eq!(image_format(&webp), Some("webp"));
        webp.pop();
        assert_eq!(image_format(&webp), None);
    }

    #[test]
    fn an_mp4_needs_ftyp_first_a_moov_and_no_cut_box() {
        let whole = mp4(&[(b"ftyp", 16), (b"moov", 100), (b"mdat", 1000)]);
        assert!(is_whole(&whole, MediaKind::Video));
        assert!(!is_whole(&whole[..whole.len() - 10], MediaKind::Video));
        assert!(!is_whole(
            &mp4(&[(b"ftyp", 16), (b"mdat", 10)]),
            MediaKind::Video
        ));
        assert!(!is_whole(
            &mp4(&[(b"moov", 16), (b"ftyp", 10)]),
            MediaKind::Video
        ));
        assert!(!is_whole(&[], MediaKind::Video));
    }
}
