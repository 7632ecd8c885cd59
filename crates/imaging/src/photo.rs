//! Reference photos are checked by decoding them fully: the bytes decide the format (never
//! the file name), a truncated or corrupt file fails, and the pixel count is checked from
//! the header before any pixel buffer is allocated, so a small file cannot expand into
//! gigabytes (a decompression bomb).

use std::io::Cursor;

use super::Canvas;

/// Most pixels a photo may have (a 40-megapixel camera is the high end of family photos).
pub const MAX_PIXELS: u64 = 40_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoFormat {
    Png,
    Jpeg,
}

impl PhotoFormat {
    /// By the first bytes only; the upload's name and declared type are ignored.
    pub fn sniff(bytes: &[u8]) -> Option<PhotoFormat> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(PhotoFormat::Png)
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(PhotoFormat::Jpeg)
        } else {
            None
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            PhotoFormat::Png => "image/png",
            PhotoFormat::Jpeg => "image/jpeg",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            PhotoFormat::Png => "png",
            PhotoFormat::Jpeg => "jpg",
        }
    }

    pub fn from_extension(extension: &str) -> Option<PhotoFormat> {
        match extension {
            "png" => Some(PhotoFormat::Png),
            "jpg" => Some(PhotoFormat::Jpeg),
            _ => None,
        }
    }
}

/// Why a file is not a usable photo, in words for the person who chose it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("That file is not a JPEG or PNG picture. Please choose a .jpg or .png photo.")]
    NotJpegOrPng,
    #[error(
        "That picture looks damaged or incomplete, so we could not read it. Please try another copy of the photo."
    )]
    Corrupt(String),
    #[error(
        "That picture is {width}×{height} pixels, which is more than we can handle. Please choose a smaller photo (up to about 40 megapixels)."
    )]
    TooManyPixels { width: u64, height: u64 },
}

/// A photo that decoded completely.
pub struct DecodedPhoto {
    pub format: PhotoFormat,
    pub width: u32,
    pub height: u32,
    pub pixels: Canvas,
}

/// Decodes a PNG or JPEG completely into RGB pixels.
pub fn decode(bytes: &[u8]) -> Result<DecodedPhoto, PhotoError> {
    let format = PhotoFormat::sniff(bytes).ok_or(PhotoError::NotJpegOrPng)?;
    let (width, height, pixels) = match format {
        PhotoFormat::Png => decode_png(bytes)?,
        PhotoFormat::Jpeg => decode_jpeg(bytes)?,
    };
    let pixels = Canvas::from_pixels(width as usize, height as usize, pixels)
        .ok_or_else(|| PhotoError::Corrupt("pixel count does not match the size".into()))?;
    Ok(DecodedPhoto {
        format,
        width,
        height,
        pixels,
    })
}

fn check_size(width: u64, height: u64) -> Result<(), PhotoError> {
    if width == 0 || height == 0 {
        return Err(PhotoError::Corrupt("the picture has no pixels".into()));
    }
    if width * height > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels { width, height });
    }
    Ok(())
}

fn decode_png(bytes: &[u8]) -> Result<(u32, u32, Vec<[u8; 3]>), PhotoError> {
    let corrupt = |e: png::DecodingError| PhotoError::Corrupt(e.to_string());
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: (MAX_PIXELS * 8) as usize,
        },
    );
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(corrupt)?;
    let (width, height) = (reader.info().width, reader.info().height);
    check_size(u64::from(width), u64::from(height))?;
    let mut buffer = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buffer).map_err(corrupt)?;
    let data = &buffer[..frame.buffer_size()];
    let channels = match frame.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => {
            return Err(PhotoError::Corrupt("palette was not expanded".into()))
        }
    };
    let row = frame.line_size;
    let mut pixels = Vec::with_capacity(width as usize * height as usize);
    for y in 0..height as usize {
        let line = data
            .get(y * row..y * row + width as usize * channels)
            .ok_or_else(|| PhotoError::Corrupt("short image data".into()))?;
        for px in line.chunks_exact(channels) {
            pixels.push(match channels {
                1 | 2 => [px[0]; 3],
                _ => [px[0], px[1], px[2]],
            });
        }
    }
    Ok((width, height, pixels))
}

fn decode_jpeg(bytes: &[u8]) -> Result<(u32, u32, Vec<[u8; 3]>), PhotoError> {
    let corrupt = |e: jpeg_decoder::Error| PhotoError::Corrupt(e.to_string());
    // A JPEG ends with the end-of-image marker; the decoder alone would accept a file cut
    // off mid-way and fill the rest with grey.
    let tail = &bytes[bytes.len().saturating_sub(64)..];
    if !tail.windows(2).any(|w| w == [0xff, 0xd9]) {
        return Err(PhotoError::Corrupt("no end-of-image marker".into()));
    }
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.read_info().map_err(corrupt)?;
    let info = decoder
        .info()
        .ok_or_else(|| PhotoError::Corrupt("no frame header".into()))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    check_size(u64::from(width), u64::from(height))?;
    decoder.set_max_decoding_buffer_size((MAX_PIXELS * 4) as usize);
    let data = decoder.decode().map_err(corrupt)?;
    let pixels: Vec<[u8; 3]> = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => data.iter().map(|&v| [v; 3]).collect(),
        jpeg_decoder::PixelFormat::L16 => data.chunks_exact(2).map(|v| [v[0]; 3]).collect(),
        jpeg_decoder::PixelFormat::RGB24 => {
            data.chunks_exact(3).map(|v| [v[0], v[1], v[2]]).collect()
        }
        jpeg_decoder::PixelFormat::CMYK32 => data
            .chunks_exact(4)
            .map(|v| {
                let k = u16::from(v[3]);
                let channel = |c: u8| (u16::from(c) * k / 255) as u8;
                [channel(v[0]), channel(v[1]), channel(v[2])]
            })
            .collect(),
    };
    Ok((width, height, pixels))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_of(width: usize, height: usize, rgb: [u8; 3]) -> Vec<u8> {
        let mut c = Canvas::new(width, height);
        c.fill_rect(0, 0, width, height, rgb);
        c.to_png()
    }

    #[test]
    fn a_png_decodes_to_its_pixels() {
        let photo = decode(&png_of(3, 2, [10, 200, 30])).expect("decodes");
        assert_eq!(
            (photo.format, photo.width, photo.height),
            (PhotoFormat::Png, 3, 2)
        );
        assert_eq!(photo.pixels.get(2, 1), [10, 200, 30]);
    }

    #[test]
    fn names_do_not_matter_bytes_do() {
        assert_eq!(decode(b"GIF89a....").err(), Some(PhotoError::NotJpegOrPng));
        assert_eq!(decode(b"").err(), Some(PhotoError::NotJpegOrPng));
    }

    #[test]
    fn a_truncated_png_is_corrupt() {
        let png = png_of(64, 64, [1, 2, 3]);
        let cut = &png[..png.len() / 2];
        assert!(matches!(decode(cut), Err(PhotoError::Corrupt(_))));
    }

    #[test]
    fn a_huge_header_is_refused_before_decoding() {
        // A valid 1×1 PNG whose header claims 50000×50000 pixels (a bomb's shape).
        let mut png = png_of(1, 1, [0, 0, 0]);
        png[16..20].copy_from_slice(&50_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&50_000u32.to_be_bytes());
        // Fix the IHDR checksum so the decoder gets as far as the size.
        let crc = crc32fast::hash(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(
            decode(&png).err(),
            Some(PhotoError::TooManyPixels {
                width: 50_000,
                height: 50_000
            })
        );
    }

    #[test]
    fn a_jpeg_decodes_and_a_cut_one_is_corrupt() {
        let jpeg = include_bytes!("../../../tests/fixtures/photo-magenta.jpg");
        let photo = decode(jpeg).expect("decodes");
        assert_eq!(
            (photo.format, photo.width, photo.height),
            (PhotoFormat::Jpeg, 320, 320)
        );
        let [r, g, b] = photo.pixels.get(300, 300);
        assert!(r > 200 && g < 40 && b > 130, "magenta, got {r},{g},{b}");
        assert!(matches!(
            decode(&jpeg[..jpeg.len() - 200]),
            Err(PhotoError::Corrupt(_))
        ));
    }

    #[test]
    fn a_compressed_bomb_is_refused_by_its_header() {
        let bomb = include_bytes!("../../../tests/fixtures/bomb-81mp.png");
        assert!(matches!(
            decode(bomb),
            Err(PhotoError::TooManyPixels { .. })
        ));
    }

    #[test]
    fn a_jpeg_without_its_end_marker_is_corrupt() {
        let fake = [0xff, 0xd8, 0xff, 0xe0, 0, 16, b'J', b'F', b'I', b'F'];
        assert!(matches!(decode(&fake), Err(PhotoError::Corrupt(_))));
    }
}
