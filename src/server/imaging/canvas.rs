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

    /// PNG bytes: 8-bit RGB, zlib with stored (uncompressed) deflate blocks.
    pub fn to_png(&self) -> Vec<u8> {
        let mut raw = Vec::with_capacity(self.height * (1 + self.width * 3));
        for y in 0..self.height {
            raw.push(0); // filter: none
            for x in 0..self.width {
                raw.extend_from_slice(&self.get(x, y));
            }
        }
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&(self.width as u32).to_be_bytes());
        ihdr.extend_from_slice(&(self.height as u32).to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        chunk(&mut png, b"IHDR", &ihdr);
        chunk(&mut png, b"IDAT", &zlib_stored(&raw));
        chunk(&mut png, b"IEND", &[]);
        png
    }
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_and_png_signature_are_right() {
        assert_eq!(crc32(b"IEND"), 0xae42_6082);
        let png = Canvas::new(2, 2).to_png();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(png.ends_with(&[0xae, 0x42, 0x60, 0x82]));
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
