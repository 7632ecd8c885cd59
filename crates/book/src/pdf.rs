//! A story as a printable book: a cover (title, first picture,
//! date, idea, models), the contents (every part and scene with its page, as links), then
//! the main path and each other branch, labelled with the choice where it leaves the story.
//! Every scene starts a page: its picture (never split over pages), its text broken into
//! lines by the real font widths, and its choices with the page each leads to, as in a
//! printed gamebook. A clip shows as its still with a play mark and a note.
//!
//! Two steps: `compose` lays the book out as pages of marks (pure: positions and strings),
//! then `draw` hands them to krilla, which embeds the subsetted fonts and the JPEGs as
//! they are. Page numbers printed in the contents and beside the choices come from a
//! previous layout, repeated until it no longer moves (at most a few rounds).

use std::collections::HashMap;

use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::destination::{Destination, XyzDestination};
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};
use krilla::{Data, Document};

use crate::typeset::{Face, FACES};
use crate::{Book, BookError, BookScene, Media};

/// A4, in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 64.0;
const TEXT_W: f32 = PAGE_W - 2.0 * LEFT;
const TOP: f32 = 64.0;
/// Nothing but the page number below this line.
const BOTTOM: f32 = PAGE_H - 72.0;
/// A scene's picture fits in this square.
const PICTURE_BOX: f32 = 400.0;
const COVER_PICTURE_BOX: f32 = 320.0;

/// The book as a PDF (laid out on a blocking thread of the current runtime).
pub async fn pdf(book: Book, media: &impl Media) -> Result<Vec<u8>, BookError> {
    let mut pictures = HashMap::new();
    if let Some(file) = &book.cover {
        if let Some(picture) = crate::picture(media, file).await {
            pictures.insert(COVER_KEY.to_owned(), picture);
        }
    }
    for scene in book.scenes.values() {
        if let Some(file) = &scene.picture {
            if let Some(picture) = crate::picture(media, file).await {
                pictures.insert(scene.id.clone(), picture);
            }
        }
    }
    tokio::task::spawn_blocking(move || {
        let images: HashMap<String, Image> = pictures
            .into_iter()
            .filter_map(|(id, p)| {
                let data = Data::from(p.bytes);
                let image = match p.mime {
                    "image/webp" => Image::from_webp(data, true),
                    _ => Image::from_jpeg(data, true),
                };
                image.ok().map(|image| (id, image))
            })
            .collect();
        let sizes = images
            .iter()
            .map(|(id, image)| {
                let (w, h) = image.size();
                (id.clone(), (w as f32, h as f32))
            })
            .collect();
        let laid_out = settle(&book, &sizes);
        draw(&book, &laid_out, &images)
    })
    .await
    .map_err(|e| BookError::Pdf(e.to_string()))?
}

/// The book cover's key among the pictures (scene ids are hex, so it is never one).
const COVER_KEY: &str = "cover";

/// Lays the book out until the page numbers it prints are the pages things landed on.
fn settle(book: &Book, sizes: &HashMap<String, (f32, f32)>) -> Composed {
    let mut numbers = HashMap::new();
    let mut composed = compose(book, sizes, &numbers);
    for _ in 0..3 {
        if composed.starts == numbers {
            break;
        }
        numbers = composed.starts.clone();
        composed = compose(book, sizes, &numbers);
    }
    composed
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FaceId {
    Regular,
    Bold,
    Italic,
}

impl FaceId {
    fn face(self) -> &'static Face {
        match self {
            FaceId::Regular => &FACES.regular,
            FaceId::Bold => &FACES.bold,
            FaceId::Italic => &FACES.italic,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Style {
    face: FaceId,
    size: f32,
    leading: f32,
    grey: bool,
}

const BODY: Style = Style {
    face: FaceId::Regular,
    size: 12.0,
    leading: 17.5,
    grey: false,
};
const HEADING: Style = Style {
    face: FaceId::Bold,
    size: 20.0,
    leading: 25.0,
    grey: false,
};
const TITLE: Style = Style {
    face: FaceId::Bold,
    size: 28.0,
    leading: 34.0,
    grey: false,
};
const STRONG: Style = Style {
    face: FaceId::Bold,
    size: 12.0,
    leading: 17.0,
    grey: false,
};
const NOTE: Style = Style {
    face: FaceId::Italic,
    size: 10.5,
    leading: 14.5,
    grey: true,
};
const META: Style = Style {
    face: FaceId::Regular,
    size: 10.5,
    leading: 14.5,
    grey: true,
};
const ENTRY: Style = Style {
    face: FaceId::Regular,
    size: 11.0,
    leading: 16.0,
    grey: false,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Centre,
    Right,
}

/// One thing drawn on a page, at its final place (top-left origin, points).
#[derive(Debug, Clone, PartialEq)]
enum Mark {
    /// `y` is the baseline.
    Text {
        style: Style,
        x: f32,
        y: f32,
        text: String,
    },
    Picture {
        scene: String,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    /// A grey box: a lost picture's place, or behind a branch's label.
    Band { x: f32, y: f32, w: f32, h: f32 },
    /// The round "this has a clip" mark over a still.
    Play { cx: f32, cy: f32 },
    /// A link to the page where a scene starts.
    Link {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        scene: String,
    },
}

#[derive(Debug, Default)]
struct Sheet {
    marks: Vec<Mark>,
}

/// The laid-out book.
struct Composed {
    sheets: Vec<Sheet>,
    /// The page index (0-based) each scene starts on.
    starts: HashMap<String, usize>,
}

/// Lays pages out top to bottom.
struct Composer {
    sheets: Vec<Sheet>,
    y: f32,
}

impl Composer {
    fn new_page(&mut self) {
        self.sheets.push(Sheet::default());
        self.y = TOP;
    }

    fn page(&self) -> usize {
        self.sheets.len().saturating_sub(1)
    }

    fn mark(&mut self, mark: Mark) {
        if let Some(sheet) = self.sheets.last_mut() {
            sheet.marks.push(mark);
        }
    }

    /// Starts a new page unless `height` still fits on this one.
    fn room_for(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.new_page();
        }
    }

    fn space(&mut self, height: f32) {
        self.y += height;
    }

    /// Text in lines of at most `width` from `x`, breaking pages between lines.
    fn text_in(&mut self, style: Style, text: &str, x: f32, width: f32, align: Align) {
        let face = style.face.face();
        for line in face.wrap(text, style.size, width) {
            self.room_for(style.leading);
            let line_w = face.width(&line, style.size);
            let x = match align {
                Align::Left => x,
                Align::Centre => x + (width - line_w) / 2.0,
                Align::Right => x + width - line_w,
            };
            self.mark(Mark::Text {
                style,
                x,
                y: self.y + style.leading * 0.78,
                text: line,
            });
            self.y += style.leading;
        }
    }

    fn text(&mut self, style: Style, text: &str, align: Align) {
        self.text_in(style, text, LEFT, TEXT_W, align);
    }

    /// A picture scaled into a `max`-square box, centred; whole on one page.
    fn picture(&mut self, scene: &str, (w, h): (f32, f32), max: f32) -> (f32, f32, f32, f32) {
        let scale = (max / w).min(max / h).min(TEXT_W / w);
        let (w, h) = (w * scale, h * scale);
        self.room_for(h);
        let (x, y) = (LEFT + (TEXT_W - w) / 2.0, self.y);
        self.mark(Mark::Picture {
            scene: scene.to_owned(),
            x,
            y,
            w,
            h,
        });
        self.y += h;
        (x, y, w, h)
    }

    /// A labelled grey box where a picture should have been.
    fn placeholder(&mut self, label: &str) {
        let (w, h) = (PICTURE_BOX * 0.75, PICTURE_BOX * 0.5);
        self.room_for(h);
        let x = LEFT + (TEXT_W - w) / 2.0;
        let y = self.y;
        self.mark(Mark::Band { x, y, w, h });
        self.y += h / 2.0 - NOTE.leading / 2.0;
        self.text_in(NOTE, label, x, w, Align::Centre);
        self.y = y + h;
    }
}

fn compose(
    book: &Book,
    sizes: &HashMap<String, (f32, f32)>,
    numbers: &HashMap<String, usize>,
) -> Composed {
    let page_of = |id: &str| {
        numbers
            .get(id)
            .map_or_else(|| "00".to_owned(), |i| (i + 1).to_string())
    };
    let mut c = Composer {
        sheets: Vec::new(),
        y: TOP,
    };
    let mut starts = HashMap::new();

    // The cover.
    c.new_page();
    c.space(60.0);
    c.text(TITLE, &book.title, Align::Centre);
    c.space(20.0);
    // The story's book cover, else its first scene's picture.
    let first = book.parts.first().and_then(|p| p.scenes.first());
    let cover = std::iter::once(COVER_KEY)
        .chain(first.map(String::as_str))
        .find_map(|id| sizes.get(id).map(|s| (id, *s)));
    if let Some((id, size)) = cover {
        c.picture(id, size, COVER_PICTURE_BOX);
        c.space(24.0);
    }
    c.text(META, &long_date(&book.date), Align::Centre);
    c.space(10.0);
    c.text(NOTE, &format!("The idea: “{}”", book.prompt), Align::Centre);
    c.space(10.0);
    c.text(META, &book.models, Align::Centre);

    // The contents: every part, every scene, with its page.
    c.new_page();
    c.text(
        Style {
            size: 22.0,
            leading: 30.0,
            ..HEADING
        },
        "Contents",
        Align::Left,
    );
    c.text(
        META,
        "The story as it was last read comes first. Every other way it went follows, \
         starting where the reader chose differently.",
        Align::Left,
    );
    for (number, part) in book.parts.iter().enumerate() {
        c.space(12.0);
        c.text(
            STRONG,
            &part_title(book, number, part, &page_of),
            Align::Left,
        );
        for id in &part.scenes {
            let Some(scene) = book.scenes.get(id) else {
                continue;
            };
            let page = page_of(id);
            let page_w = ENTRY.face.face().width(&page, ENTRY.size);
            let indent = 16.0;
            let room = TEXT_W - indent - page_w - 18.0;
            let label = fit(ENTRY.face.face(), ENTRY.size, &scene.heading(), room);
            c.room_for(ENTRY.leading);
            let y = c.y;
            c.text_in(ENTRY, &label, LEFT + indent, room, Align::Left);
            c.y = y;
            c.text_in(ENTRY, &page, LEFT, TEXT_W, Align::Right);
            c.mark(Mark::Link {
                x: LEFT,
                y,
                w: TEXT_W,
                h: ENTRY.leading,
                scene: id.clone(),
            });
        }
    }

    // The story: main path, then each branch; every scene starts a page.
    for (number, part) in book.parts.iter().enumerate() {
        for (i, id) in part.scenes.iter().enumerate() {
            let Some(scene) = book.scenes.get(id) else {
                continue;
            };
            c.new_page();
            starts.insert(id.clone(), c.page());
            if i == 0 {
                let label = part_title(book, number, part, &page_of);
                if part.fork.is_some() {
                    let lines = NOTE
                        .face
                        .face()
                        .wrap(&label, NOTE.size, TEXT_W - 20.0)
                        .len();
                    let h = lines as f32 * NOTE.leading + 14.0;
                    c.mark(Mark::Band {
                        x: LEFT,
                        y: c.y,
                        w: TEXT_W,
                        h,
                    });
                    c.space(7.0);
                    c.text_in(NOTE, &label, LEFT + 10.0, TEXT_W - 20.0, Align::Left);
                    c.space(7.0);
                } else {
                    c.text(META, &label, Align::Left);
                }
                c.space(14.0);
            }
            if let Some(chapter) = &scene.chapter {
                chapter_card(&mut c, chapter);
            }
            c.text(HEADING, &scene.heading(), Align::Left);
            if scene.title.as_deref().is_some_and(|t| !t.trim().is_empty()) {
                c.text(META, &format!("Scene {}", scene.depth), Align::Left);
            }
            c.space(12.0);
            match sizes.get(id) {
                Some(size) => {
                    let (x, y, w, h) = c.picture(id, *size, PICTURE_BOX);
                    if scene.clip.is_some() {
                        c.mark(Mark::Play {
                            cx: x + w / 2.0,
                            cy: y + h / 2.0,
                        });
                    }
                }
                None if book.illustrated || scene.clip.is_some() => {
                    c.placeholder("Picture not available");
                }
                None => {}
            }
            if scene.clip.is_some() {
                c.space(6.0);
                c.text(
                    NOTE,
                    "This scene has a video clip; the picture is its still. \
                     The clip plays in the app and in the web-page export.",
                    Align::Centre,
                );
            }
            c.space(14.0);
            for paragraph in scene.paragraphs() {
                c.text(BODY, paragraph, Align::Left);
                c.space(7.0);
            }
            if scene.is_ending {
                c.space(10.0);
                c.text(
                    Style {
                        size: 14.0,
                        ..STRONG
                    },
                    "The End",
                    Align::Centre,
                );
            }
            if !scene.choices.is_empty() {
                c.space(8.0);
                c.room_for(STRONG.leading + ENTRY.leading);
                c.text(STRONG, "What happens next?", Align::Left);
                for choice in &scene.choices {
                    let line = match &choice.next_scene_id {
                        Some(next) => {
                            format!("• {} — turn to page {}", choice.label, page_of(next))
                        }
                        None => format!("• {} — not explored in this story", choice.label),
                    };
                    let top = c.y;
                    let page = c.page();
                    c.text_in(ENTRY, &line, LEFT + 8.0, TEXT_W - 8.0, Align::Left);
                    if let (Some(next), true) = (&choice.next_scene_id, page == c.page()) {
                        c.mark(Mark::Link {
                            x: LEFT,
                            y: top,
                            w: TEXT_W,
                            h: c.y - top,
                            scene: next.clone(),
                        });
                    }
                }
            }
        }
    }
    Composed {
        sheets: c.sheets,
        starts,
    }
}

/// A chapter's card at the top of the page of the scene that opens it: a band with the
/// chapter's number and name, centred.
fn chapter_card(c: &mut Composer, chapter: &crate::BookChapter) {
    let name_lines = chapter.title.as_deref().map_or(0, |t| {
        TITLE.face.face().wrap(t, TITLE.size, TEXT_W - 40.0).len()
    });
    let h = META.leading + name_lines as f32 * TITLE.leading + 36.0;
    c.mark(Mark::Band {
        x: LEFT,
        y: c.y,
        w: TEXT_W,
        h,
    });
    c.space(16.0);
    c.text_in(
        META,
        &chapter.number_line().to_uppercase(),
        LEFT,
        TEXT_W,
        Align::Centre,
    );
    if let Some(title) = chapter.title.as_deref() {
        c.text_in(TITLE, title, LEFT + 20.0, TEXT_W - 40.0, Align::Centre);
    }
    c.space(20.0);
    c.space(18.0);
}

/// "The main story", or "Branch 1 — at “The Bakery” (page 5), the reader chose “…”".
fn part_title(
    book: &Book,
    number: usize,
    part: &crate::Part,
    page_of: &impl Fn(&str) -> String,
) -> String {
    match &part.fork {
        None if number == 0 => "The main story".to_owned(),
        None => "Other scenes".to_owned(),
        Some(fork) => {
            let at = book
                .scenes
                .get(&fork.at)
                .map(BookScene::heading)
                .unwrap_or_default();
            format!(
                "Branch {number} — at “{at}” (page {}), the reader chose “{}”",
                page_of(&fork.at),
                fork.choice
            )
        }
    }
}

/// `text` shortened with an ellipsis to fit `width`.
fn fit(face: &Face, size: f32, text: &str, width: f32) -> String {
    let text = face.printable(text).replace('\n', " ");
    if face.width(&text, size) <= width {
        return text;
    }
    let mut out = String::new();
    for c in text.chars() {
        if face.width(&out, size) + face.width(&format!("{c}…"), size) > width {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

/// `2026-11-26` → `26 November 2026` (as stored when it is not a date).
fn long_date(date: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let mut parts = date.splitn(3, '-');
    let (Some(year), Some(month), Some(day)) = (parts.next(), parts.next(), parts.next()) else {
        return date.to_owned();
    };
    match (month.parse::<usize>(), day.parse::<u32>()) {
        (Ok(m @ 1..=12), Ok(d)) => format!("{d} {} {year}", MONTHS[m - 1]),
        _ => date.to_owned(),
    }
}

/// Hands the laid-out pages to krilla.
fn draw(
    book: &Book,
    composed: &Composed,
    images: &HashMap<String, Image>,
) -> Result<Vec<u8>, BookError> {
    let font = |face: &Face| {
        Font::new(Data::from(face.bytes), 0)
            .ok_or_else(|| BookError::Pdf("a font shipped with the app did not load".into()))
    };
    let fonts = [
        (FaceId::Regular, font(&FACES.regular)?),
        (FaceId::Bold, font(&FACES.bold)?),
        (FaceId::Italic, font(&FACES.italic)?),
    ];
    let font_of = |id: FaceId| {
        fonts
            .iter()
            .find(|(f, _)| *f == id)
            .map(|(_, font)| font.clone())
    };
    let settings =
        PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| BookError::Pdf("page size".into()))?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(book.title.clone())
            .description(book.prompt.clone())
            .language("en".into())
            .creator("Choose Your Own Adventure".into()),
    );
    let target = |scene: &str| {
        composed.starts.get(scene).map(|&page| {
            Target::Destination(Destination::Xyz(XyzDestination::new(
                page,
                Point::from_xy(0.0, 0.0),
            )))
        })
    };

    for (index, sheet) in composed.sheets.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for mark in &sheet.marks {
            match mark {
                Mark::Text { style, x, y, text } => {
                    let Some(font) = font_of(style.face) else {
                        continue;
                    };
                    surface.set_fill(Some(colour(if style.grey { GREY } else { INK })));
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        font,
                        style.size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Mark::Picture { scene, x, y, w, h } => {
                    if let (Some(image), Some(size)) = (images.get(scene), Size::from_wh(*w, *h)) {
                        surface.push_transform(&Transform::from_translate(*x, *y));
                        surface.draw_image(image.clone(), size);
                        surface.pop();
                    }
                }
                Mark::Band { x, y, w, h } => {
                    let mut path = PathBuilder::new();
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        path.push_rect(rect);
                    }
                    if let Some(path) = path.finish() {
                        surface.set_fill(Some(colour(BAND)));
                        surface.draw_path(&path);
                    }
                }
                Mark::Play { cx, cy } => play_mark(&mut surface, *cx, *cy),
                Mark::Link { .. } => {}
            }
        }
        if index > 0 {
            let number = (index + 1).to_string();
            let face = &FACES.regular;
            let x = (PAGE_W - face.width(&number, 9.5)) / 2.0;
            if let Some(font) = font_of(FaceId::Regular) {
                surface.set_fill(Some(colour(GREY)));
                surface.draw_text(
                    Point::from_xy(x, PAGE_H - 40.0),
                    font,
                    9.5,
                    &number,
                    false,
                    TextDirection::Auto,
                );
            }
        }
        surface.finish();
        for mark in &sheet.marks {
            if let Mark::Link { x, y, w, h, scene } = mark {
                if let (Some(rect), Some(target)) = (Rect::from_xywh(*x, *y, *w, *h), target(scene))
                {
                    page.add_annotation(Annotation::new_link(
                        LinkAnnotation::new(rect, target),
                        Some("Go to this scene".into()),
                    ));
                }
            }
        }
        page.finish();
    }

    // The reader's bookmarks: each part with its scenes.
    let mut outline = Outline::new();
    for (number, part) in book.parts.iter().enumerate() {
        let Some(&first) = part.scenes.first().and_then(|id| composed.starts.get(id)) else {
            continue;
        };
        let mut node = OutlineNode::new(
            part_title(book, number, part, &|id: &str| {
                composed
                    .starts
                    .get(id)
                    .map_or_else(String::new, |p| (p + 1).to_string())
            }),
            XyzDestination::new(first, Point::from_xy(0.0, 0.0)),
        );
        for id in &part.scenes {
            if let (Some(scene), Some(&page)) = (book.scenes.get(id), composed.starts.get(id)) {
                node.push_child(OutlineNode::new(
                    scene.heading(),
                    XyzDestination::new(page, Point::from_xy(0.0, 0.0)),
                ));
            }
        }
        outline.push_child(node);
    }
    document.set_outline(outline);
    document
        .finish()
        .map_err(|e| BookError::Pdf(format!("{e:?}")))
}

const INK: (u8, u8, u8) = (27, 30, 40);
const GREY: (u8, u8, u8) = (95, 101, 119);
const BAND: (u8, u8, u8) = (234, 237, 244);

fn colour((r, g, b): (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(r, g, b).into(),
        ..Fill::default()
    }
}

/// A dark disc with a white triangle: "this picture is a clip's still".
fn play_mark(surface: &mut krilla::surface::Surface<'_>, cx: f32, cy: f32) {
    const R: f32 = 28.0;
    // A circle from four cubic Béziers.
    const K: f32 = 0.552_284_8 * R;
    let mut disc = PathBuilder::new();
    disc.move_to(cx + R, cy);
    disc.cubic_to(cx + R, cy + K, cx + K, cy + R, cx, cy + R);
    disc.cubic_to(cx - K, cy + R, cx - R, cy + K, cx - R, cy);
    disc.cubic_to(cx - R, cy - K, cx - K, cy - R, cx, cy - R);
    disc.cubic_to(cx + K, cy - R, cx + R, cy - K, cx + R, cy);
    disc.close();
    let mut triangle = PathBuilder::new();
    triangle.move_to(cx - 9.0, cy - 13.0);
    triangle.line_to(cx + 14.0, cy);
    triangle.line_to(cx - 9.0, cy + 13.0);
    triangle.close();
    if let Some(disc) = disc.finish() {
        surface.set_fill(Some(Fill {
            opacity: NormalizedF32::new(0.7).unwrap_or(NormalizedF32::ONE),
            ..colour(INK)
        }));
        surface.draw_path(&disc);
    }
    if let Some(triangle) = triangle.finish() {
        surface.set_fill(Some(colour((255, 255, 255))));
        surface.draw_path(&triangle);
    }
}

#[cfg(test)]
mod tests {
    use super::{fit, long_date, FACES};

    #[test]
    fn dates_read_as_words() {
        assert_eq!(long_date("2026-11-26"), "26 November 2026");
        assert_eq!(long_date("2026-01-05"), "5 January 2026");
        assert_eq!(long_date("someday"), "someday");
        assert_eq!(long_date("2026-13-01"), "2026-13-01");
    }

    #[test]
    fn long_contents_entries_are_shortened_to_fit() {
        let face = &FACES.regular;
        let long = "The very long title of a scene that goes on and on past the page edge";
        let short = fit(face, 11.0, long, 150.0);
        assert!(short.ends_with('…'));
        assert!(face.width(&short, 11.0) <= 150.0);
        assert_eq!(fit(face, 11.0, "Short", 150.0), "Short");
    }
}
