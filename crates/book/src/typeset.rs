//! The book's type: the fonts shipped with the app (DejaVu Serif, `fonts/`, under the
//! Bitstream Vera licence) and line breaking by their real glyph widths. Kerning only ever
//! narrows a line, so a line measured here never runs off the page once drawn.

use std::sync::LazyLock;

use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider as _};

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSerif.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSerif-Bold.ttf");
const ITALIC: &[u8] = include_bytes!("../fonts/DejaVuSerif-Italic.ttf");

/// One font of the book with what it takes to measure text in it.
pub struct Face {
    pub bytes: &'static [u8],
    charmap: Charmap<'static>,
    /// Advances at size 1: multiply by the font size.
    metrics: GlyphMetrics<'static>,
}

impl Face {
    fn load(bytes: &'static [u8]) -> Face {
        // The fonts are part of the binary and checked by the tests below.
        #[allow(clippy::expect_used)]
        let font = FontRef::new(bytes).expect("a font shipped with the app");
        Face {
            bytes,
            charmap: font.charmap(),
            metrics: font.glyph_metrics(Size::new(1.0), LocationRef::default()),
        }
    }

    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c)).sum::<f32>() * size
    }

    fn advance(&self, c: char) -> f32 {
        self.charmap
            .map(c)
            .and_then(|g| self.metrics.advance_width(g))
            .unwrap_or(0.0)
    }

    /// `text` without the characters this font has no glyph for (an emoji would print as
    /// an empty box), with runs of spaces and tabs as one space.
    pub fn printable(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if c == '\n' {
                out.push('\n');
            } else if c.is_whitespace() {
                if !out.ends_with(' ') && !out.ends_with('\n') {
                    out.push(' ');
                }
            } else if self.charmap.map(c).is_some() {
                out.push(c);
            }
        }
        out
    }

    /// `text` broken into lines no wider than `width` at `size`: at spaces, and inside a
    /// word only when the word alone is too wide. A newline always breaks.
    pub fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let space = self.width(" ", size);
        let mut lines = Vec::new();
        for hard_line in self.printable(text).split('\n') {
            let mut line = String::new();
            let mut line_width = 0.0;
            for word in hard_line.split(' ').filter(|w| !w.is_empty()) {
                let word_width = self.width(word, size);
                if !line.is_empty() && line_width + space + word_width <= width {
                    line.push(' ');
                    line.push_str(word);
                    line_width += space + word_width;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if word_width <= width {
                    line.push_str(word);
                    line_width = word_width;
                } else {
                    // A word wider than the line (a long URL): broken where it must be.
                    line_width = 0.0;
                    for c in word.chars() {
                        let w = self.advance(c) * size;
                        if line_width + w > width && !line.is_empty() {
                            lines.push(std::mem::take(&mut line));
                            line_width = 0.0;
                        }
                        line.push(c);
                        line_width += w;
                    }
                }
            }
            lines.push(line);
        }
        lines
    }
}

/// The three faces of the book.
pub struct Faces {
    pub regular: Face,
    pub bold: Face,
    pub italic: Face,
}

/// Loaded once: parsing a font's tables is cheap, but not free per export.
pub static FACES: LazyLock<Faces> = LazyLock::new(|| Faces {
    regular: Face::load(REGULAR),
    bold: Face::load(BOLD),
    italic: Face::load(ITALIC),
});

#[cfg(test)]
mod tests {
    use super::FACES;

    #[test]
    fn the_shipped_fonts_have_accents_curly_quotes_and_dashes() {
        for face in [&FACES.regular, &FACES.bold, &FACES.italic] {
            let text = "Élodie’s “café” — naïve façade…";
            assert_eq!(face.printable(text), text);
            assert!(face.width(text, 12.0) > 100.0);
        }
        // An emoji has no glyph: left out rather than printed as a box.
        assert_eq!(FACES.regular.printable("a 🦊 fox"), "a fox");
    }

    #[test]
    fn lines_never_exceed_the_width_and_keep_every_word() {
        let face = &FACES.regular;
        let text = "The fox opened the bakery door and sniffed the warm bread, \
                    then tiptoed past the sleeping baker to the shelf of cinnamon rolls.";
        for width in [60.0, 120.0, 200.0, 400.0] {
            let lines = face.wrap(text, 12.0, width);
            for line in &lines {
                assert!(face.width(line, 12.0) <= width, "{line:?} at {width}");
            }
            assert_eq!(lines.join(" "), text);
        }
        assert_eq!(face.wrap(text, 12.0, 10_000.0).len(), 1);
    }

    #[test]
    fn newlines_break_and_overlong_words_are_split() {
        let face = &FACES.regular;
        assert_eq!(face.wrap("one\ntwo", 12.0, 500.0), vec!["one", "two"]);
        let long = "x".repeat(200);
        let lines = face.wrap(&long, 12.0, 100.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), long);
        assert!(lines.iter().all(|l| face.width(l, 12.0) <= 100.0));
    }
}
