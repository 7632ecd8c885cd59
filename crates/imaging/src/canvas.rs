//! An RGB canvas with a tiny bitmap font and a dependency-free PNG encoder (stored
//! deflate blocks): the simulator draws its pictures on it and the server makes photo
//! thumbnails with it.

/// 5×7 glyphs, one row per byte (low 5 bits, leftmost pixel = bit 4).
const GLYPHS: &[(char, [u8; 7])] = &[
    ('A', [14, 17, 17, 31, 17, 17, 17]),
    ('B', [30, 17, 17, 30, 17, 17, 30]),
    ('C', [14, 17, 16, 16, 16, 17, 14]),
    ('D', [30, 17, 17, 17, 17, 17, 30]),
    ('E', [31, 16, 16, 30, 16, 16, 31]),
    ('F', [31, 16, 16, 30, 16, 16, 16]),
    ('G', [14, 17, 16, 23, 17, 17, 15]),
    ('H', [17, 17, 17, 31, 17, 17, 17]),
    ('I', [14, 4, 4, 4, 4, 4, 14]),
    ('J', [7, 2, 2, 2, 2, 18, 12]),
    ('K', [17, 18, 20, 24, 20, 18, 17]),
    ('L', [16, 16, 16, 16, 16, 16, 31]),
    ('M', [17, 27, 21, 21, 17, 17, 17]),
    ('N', [17, 17, 25, 21, 19, 17, 17]),
    ('O', [14, 17, 17, 17, 17, 17, 14]),
    ('P', [30, 17, 17, 30, 16, 16, 16]),
    ('Q', [14, 17, 17, 17, 21, 18, 13]),
    ('R', [30, 17, 17, 30, 20, 18, 17]),
    ('S', [15, 16, 16, 14, 1, 1, 30]),
    ('T', [31, 4, 4, 4, 4, 4, 4]),
    ('U', [17, 17, 17, 17, 17, 17, 14]),
    ('V', [17, 17, 17, 17, 17, 10, 4]),
    ('W', [17, 17, 17, 21, 21, 21, 10]),
    ('X', [17, 17, 10, 4, 10, 17, 17]),
    ('Y', [17, 17, 10, 4, 4, 4, 4]),
    ('Z', [31, 1, 2, 4, 8, 16, 31]),
    ('0', [14, 17, 19, 21, 25, 17, 14]),
    ('1', [4, 12, 4, 4, 4, 4, 14]),
    ('2', [14, 17, 1, 2, 4, 8, 31]),
    ('3', [30, 1, 1, 14, 1, 1, 30]),
    ('4', [2, 6, 10, 18, 31, 2, 2]),
    ('5', [31, 16, 30, 1, 1, 17, 14]),
    ('6', [6, 8, 16, 30, 17, 17, 14]),
    ('7', [31, 1, 2, 4, 8, 8, 8]),
    ('8', [14, 17, 17, 14, 17, 17, 14]),
    ('9', [14, 17, 17, 15, 1, 2, 12]),
    ('.', [0, 0, 0, 0, 0, 12, 12]),
    ('-', [0, 0, 0, 31, 0, 0, 0]),
];

/// An RGB canvas.
#[derive(Clone)]
pub struct Canvas {
    pub width: usize,
    pub height: usize,
    pixels: Vec<[u8; 3]>,
}

impl Canvas {
    pub fn new(width: usize, height: usize) -> Canvas {
        Canvas {
            width,
            height,
            pixels: vec![[0, 0, 0]; width * height],
        }
    }

    /// A canvas over existing pixels, row by row; `None` when the sizes disagree.
    pub fn from_pixels(width: usize, height: usize, pixels: Vec<[u8; 3]>) -> Option<Canvas> {
        (pixels.len() == width * height).then_some(Canvas {
            width,
            height,
            pixels,
        })
    }

    /// A copy scaled down (never up) to fit in `max_side` × `max_side`, each target pixel
    /// the average of the source pixels it covers.
    pub fn fit_within(&self, max_side: usize) -> Canvas {
        let scale = (max_side as f64 / self.width.max(self.height).max(1) as f64).min(1.0);
        let w = ((self.width as f64 * scale).round() as usize).max(1);
        let h = ((self.height as f64 * scale).round() as usize).max(1);
        let mut out = Canvas::new(w, h);
        for ty in 0..h {
            let (y0, y1) = (
                ty * self.height / h,
                ((ty + 1) * self.height / h).max(ty * self.height / h + 1),
            );
            for tx in 0..w {
                let (x0, x1) = (
                    tx * self.width / w,
                    ((tx + 1) * self.width / w).max(tx * self.width / w + 1),
                );
                let mut sum = [0u64; 3];
                let mut n = 0u64;
                for y in y0..y1.min(self.height) {
                    for x in x0..x1.min(self.width) {
                        let p = self.get(x, y);
                        for c in 0..3 {
                            sum[c] += u64::from(p[c]);
                        }
                        n += 1;
                    }
                }
                let n = n.max(1);
                out.set(
                    tx,
                    ty,
                    [(sum[0] / n) as u8, (sum[1] / n) as u8, (sum[2] / n) as u8],
                );
            }
        }
        out
    }

    /// Draws `other` with its top-left corner at (`x0`, `y0`), clipped to this canvas.
    pub fn draw(&mut self, other: &Canvas, x0: usize, y0: usize) {
        for y in 0..other.height {
            for x in 0..other.width {
                self.set(x0 + x, y0 + y, other.get(x, y));
            }
        }
    }

    pub fn set(&mut self, x: usize, y: usize, rgb: [u8; 3]) {
        if x < self.width && y < self.height {
            self.pixels[y * self.width + x] = rgb;
        }
    }

    pub fn get(&self, x: usize, y: usize) -> [u8; 3] {
        self.pixels[y * self.width + x]
    }

    pub fn fill_rect(&mut self, x0: usize, y0: usize, w: usize, h: usize, rgb: [u8; 3]) {
        for y in y0..(y0 + h).min(self.height) {
            for x in x0..(x0 + w).min(self.width) {
                self.set(x, y, rgb);
            }
        }
    }

    /// Upper-case text at `scale` pixels per font pixel; unknown characters are blank.
    pub fn text(&mut self, x0: usize, y0: usize, text: &str, scale: usize, rgb: [u8; 3]) {
        for (i, ch) in text.to_uppercase().chars().enumerate() {
            let Some((_, rows)) = GLYPHS.iter().find(|(c, _)| *c == ch) else {
                continue;
            };
            let gx = x0 + i * 6 * scale;
            for (row, bits) in rows.iter().enumerate() {
                for col in 0..5 {
                    if bits & (1 << (4 - col)) != 0 {
                        self.fill_rect(gx + col * scale, y0 + row * scale, scale, scale, rgb);
                    }
                }
            }
        }
    }

    /// JPEG bytes at `quality` (1–100): for exports, where a photo-like picture as PNG
    /// would be several times larger. Empty when the canvas is too large for JPEG.
    pub fn to_jpeg(&self, quality: u8) -> Vec<u8> {
        let (Ok(width), Ok(height)) = (u16::try_from(self.width), u16::try_from(self.height))
        else {
            return Vec::new();
        };
        let raw: Vec<u8> = self.pixels.iter().flatten().copied().collect();
        let mut out = Vec::new();
        let encoder = jpeg_encoder::Encoder::new(&mut out, quality);
        if let Err(e) = encoder.encode(&raw, width, height, jpeg_encoder::ColorType::Rgb) {
            tracing::error!(error = %e, "JPEG encoding failed");
            return Vec::new();
        }
        out
    }

    /// PNG bytes: 8-bit RGB, compressed by the `png` crate.
    pub fn to_png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let raw: Vec<u8> = self.pixels.iter().flatten().copied().collect();
        let mut encoder = png::Encoder::new(&mut out, self.width as u32, self.height as u32);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        // Writing into memory fails only on a zero-sized or mismatched canvas, which
        // `Canvas` cannot be (`new` and `from_pixels` keep pixels == width × height);
        // an empty answer is then caught by every reader as "not a picture".
        let written = encoder
            .write_header()
            .and_then(|mut writer| writer.write_image_data(&raw));
        if let Err(e) = written {
            tracing::error!(error = %e, width = self.width, height = self.height, "PNG encoding failed");
            return Vec::new();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_round_trips_and_is_compressed() {
        let mut c = Canvas::new(64, 64);
        c.fill_rect(8, 8, 16, 16, [200, 10, 30]);
        let png = c.to_png();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(
            png.len() < 64 * 64 * 3 / 4,
            "a flat picture compresses: {} bytes",
            png.len()
        );
        let mut reader = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .expect("header");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("frame");
        assert_eq!((info.width, info.height), (64, 64));
        assert_eq!(&buf[(10 * 64 + 10) * 3..][..3], &[200, 10, 30]);
    }

    #[test]
    fn fit_within_averages_and_keeps_the_aspect() {
        let mut c = Canvas::new(4, 2);
        c.fill_rect(0, 0, 2, 2, [200, 0, 0]);
        c.fill_rect(2, 0, 2, 2, [0, 0, 100]);
        let small = c.fit_within(2);
        assert_eq!((small.width, small.height), (2, 1));
        assert_eq!(small.get(0, 0), [200, 0, 0]);
        assert_eq!(small.get(1, 0), [0, 0, 100]);
        let same = c.fit_within(100);
        assert_eq!((same.width, same.height), (4, 2));
        let mut big = Canvas::new(6, 6);
        big.draw(&small, 5, 5);
        assert_eq!(big.get(5, 5), [200, 0, 0]);
    }
}
