//! The story map: every explored scene of a story as a tree, laid out and
//! drawn as one SVG. Pure and deterministic, so the server renders it (it shows before
//! hydration and without JavaScript) and the browser renders the very same markup.
//!
//! Layout: one row per level, one column per leaf; a scene sits centred over its children,
//! so no two nodes ever share a spot and no label overlaps another. The SVG keeps a fixed
//! size; on a narrow phone its box scrolls.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::html::escape;
use super::story::{chapter_place, ChapterCard, CHAPTER_SCENES};

/// One explored scene as the map needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapScene {
    pub id: String,
    /// The scene whose choice led here; `None` for the first scene.
    pub parent_id: Option<String>,
    /// The words of that choice.
    pub choice_label: Option<String>,
    /// The choice's place among its scene's choices (orders siblings).
    pub choice_position: u32,
    /// The scene's title, or its first words.
    pub label: String,
    pub is_ending: bool,
    /// The finished picture's URL, for the node's thumbnail.
    pub picture_url: Option<String>,
    /// Choices of this scene nobody has taken yet.
    pub unexplored: u32,
    /// The chapter this scene opens, in an epic story.
    #[serde(default)]
    pub chapter: Option<ChapterCard>,
}

/// The map as a page shows it, drawn by the server (the browser never lays it out: the
/// layout and the drawing stay out of the page's code).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapView {
    pub story_id: String,
    pub title: String,
    /// The SVG markup ([`render_svg`]), its links already the page's.
    pub svg: String,
    /// The highlighted scene: the one asked for, else where the reader last was.
    pub current: Option<String>,
    /// Where the map's box should scroll to show it (see [`focus_of`]), and the map's width.
    pub middle: Option<u32>,
    pub width: u32,
    /// Explored scenes.
    pub count: usize,
}

/// A story's whole explored tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryMap {
    pub story_id: String,
    pub title: String,
    pub scenes: Vec<MapScene>,
    /// Where the reader last was (the default highlight).
    pub last_scene_id: Option<String>,
    /// An epic story: its rows are grouped in chapters, each under a labelled band.
    #[serde(default)]
    pub chapters: bool,
}

pub const NODE_W: u32 = 176;
pub const NODE_H: u32 = 64;
const COL_GAP: u32 = 16;
const ROW_GAP: u32 = 44;
const PAD: u32 = 8;
const THUMB: u32 = 48;
/// Characters of a label that fit beside the thumbnail.
const LABEL_CHARS: usize = 15;
/// An epic story's chapter label, above the chapter's first row.
const BAND_H: u32 = 28;

/// A scene with its place on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed<'a> {
    pub scene: &'a MapScene,
    pub x: u32,
    pub y: u32,
    /// 1 for the first scene.
    pub level: u32,
    pub current: bool,
    pub on_path: bool,
}

/// The laid-out map: nodes in reading order (depth first, choices in order).
#[derive(Debug, Clone, PartialEq)]
pub struct Layout<'a> {
    pub width: u32,
    pub height: u32,
    pub nodes: Vec<Placed<'a>>,
    /// An epic story's chapters, each a band behind its rows.
    pub bands: Vec<Band>,
}

/// A chapter's band on the map: its label's top, the band's height and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub number: u32,
    pub y: u32,
    pub height: u32,
    /// "Chapter 2: Whispers in the Woods" (the name on the way to the highlighted scene,
    /// else the first branch's: each branch names its chapters).
    pub label: String,
}

/// The top of a row: below the rows above it and, with chapters, below every band label
/// down to its own.
fn row_y(level: u32, chapters: bool) -> u32 {
    let bands = if chapters { chapter_place(level).0 } else { 0 };
    PAD + (level - 1) * (NODE_H + ROW_GAP) + bands * BAND_H
}

/// Places every scene; `current` is highlighted and the path to it marked.
pub fn layout<'a>(map: &'a StoryMap, current: Option<&str>) -> Layout<'a> {
    let by_id: HashMap<&str, &MapScene> = map.scenes.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut children: HashMap<&str, Vec<&MapScene>> = HashMap::new();
    let mut roots = Vec::new();
    for scene in &map.scenes {
        match scene.parent_id.as_deref().filter(|p| by_id.contains_key(p)) {
            Some(parent) => children.entry(parent).or_default().push(scene),
            None => roots.push(scene),
        }
    }
    for list in children.values_mut() {
        list.sort_by_key(|s| s.choice_position);
    }
    let mut path = HashSet::new();
    let mut at = current.and_then(|id| by_id.get(id).copied());
    while let Some(scene) = at {
        // A malformed loop cannot hang the walk.
        if !path.insert(scene.id.as_str()) {
            break;
        }
        at = scene
            .parent_id
            .as_deref()
            .and_then(|p| by_id.get(p).copied());
    }
    let mut placer = Placer {
        chapters: map.chapters,
        children: &children,
        path: &path,
        current,
        next_column: 0,
        deepest: 0,
        nodes: Vec::with_capacity(map.scenes.len()),
        seen: HashSet::new(),
    };
    for root in roots {
        placer.place(root, 1);
    }
    let columns = placer.next_column.max(1);
    let levels = placer.deepest.max(1);
    let bands = match map.chapters {
        true => bands(&placer.nodes, levels),
        false => Vec::new(),
    };
    Layout {
        width: 2 * PAD + columns * NODE_W + (columns - 1) * COL_GAP,
        height: row_y(levels, map.chapters) + NODE_H + PAD,
        nodes: placer.nodes,
        bands,
    }
}

/// One band per chapter reached, from its label down to its last row.
fn bands(nodes: &[Placed<'_>], levels: u32) -> Vec<Band> {
    let last = chapter_place(levels).0;
    (1..=last)
        .map(|number| {
            let first_level = (number - 1) * CHAPTER_SCENES + 1;
            let last_level = (number * CHAPTER_SCENES).min(levels);
            let top = row_y(first_level, true) - BAND_H;
            let openers = || {
                nodes
                    .iter()
                    .filter(move |n| n.level == first_level && n.scene.chapter.is_some())
            };
            let card = openers()
                .find(|n| n.on_path)
                .or_else(|| openers().next())
                .and_then(|n| n.scene.chapter.clone())
                .unwrap_or(ChapterCard {
                    number,
                    title: None,
                });
            Band {
                number,
                y: top,
                height: row_y(last_level, true) + NODE_H + ROW_GAP / 2 - top,
                label: card.heading(),
            }
        })
        .collect()
}

struct Placer<'m, 'a> {
    chapters: bool,
    children: &'m HashMap<&'a str, Vec<&'a MapScene>>,
    path: &'m HashSet<&'a str>,
    current: Option<&'m str>,
    next_column: u32,
    deepest: u32,
    nodes: Vec<Placed<'a>>,
    seen: HashSet<&'a str>,
}

impl<'a> Placer<'_, 'a> {
    /// Places `scene` and its subtree; returns its column times two (half columns happen
    /// when a scene sits between an even number of children).
    fn place(&mut self, scene: &'a MapScene, level: u32) -> u32 {
        self.deepest = self.deepest.max(level);
        let slot = self.nodes.len();
        self.nodes.push(Placed {
            scene,
            x: 0,
            y: row_y(level, self.chapters),
            level,
            current: self.current == Some(scene.id.as_str()),
            on_path: self.path.contains(scene.id.as_str()),
        });
        let kids: Vec<&'a MapScene> = match self.seen.insert(scene.id.as_str()) {
            true => self
                .children
                .get(scene.id.as_str())
                .cloned()
                .unwrap_or_default(),
            false => Vec::new(),
        };
        let column2 = if kids.is_empty() {
            let column = self.next_column;
            self.next_column += 1;
            column * 2
        } else {
            let columns: Vec<u32> = kids.iter().map(|k| self.place(k, level + 1)).collect();
            let (first, last) = (columns[0], columns[columns.len() - 1]);
            (first + last) / 2
        };
        self.nodes[slot].x = PAD + column2 * (NODE_W + COL_GAP) / 2;
        column2
    }
}

/// Where each node's link goes.
pub trait MapLinks {
    fn href(&self, scene_id: &str) -> String;
}

/// The map as SVG markup, every node a link with a spoken name, the current one marked
/// `aria-current`. All text is escaped.
pub fn render_svg(map: &StoryMap, current: Option<&str>, links: &impl MapLinks) -> String {
    let layout = layout(map, current);
    let positions: HashMap<&str, (u32, u32)> = layout
        .nodes
        .iter()
        .map(|n| (n.scene.id.as_str(), (n.x, n.y)))
        .collect();
    let mut svg = String::with_capacity(600 * layout.nodes.len() + 400);
    let _ = write!(
        svg,
        r#"<svg class="story-map" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="group" aria-label="Story map: {n} scene{s}">"#,
        w = layout.width,
        h = layout.height,
        n = layout.nodes.len(),
        s = if layout.nodes.len() == 1 { "" } else { "s" },
    );
    // Chapter bands behind everything, each labelled at its top left.
    if !layout.bands.is_empty() {
        svg.push_str(r#"<g class="map-chapters">"#);
        for band in &layout.bands {
            let _ = write!(
                svg,
                r#"<rect class="chapter-band" x="0" y="{y}" width="{w}" height="{h}"/><text class="chapter-label" x="{PAD}" y="{ty}">{label}</text>"#,
                y = band.y,
                w = layout.width,
                h = band.height,
                ty = band.y + BAND_H - 9,
                label = escape(&shorten(&band.label, 40)),
            );
        }
        svg.push_str("</g>");
    }
    // Edges first, so nodes are drawn over them.
    svg.push_str(r#"<g class="map-edges">"#);
    for node in &layout.nodes {
        let Some(&(px, py)) = node
            .scene
            .parent_id
            .as_deref()
            .and_then(|p| positions.get(p))
        else {
            continue;
        };
        let (x1, y1) = (px + NODE_W / 2, py + NODE_H);
        let (x2, y2) = (node.x + NODE_W / 2, node.y);
        let mid = (y1 + y2) / 2;
        let class = if node.on_path { "edge on-path" } else { "edge" };
        let _ = write!(
            svg,
            r#"<path class="{class}" d="M{x1} {y1} C{x1} {mid} {x2} {mid} {x2} {y2}"><title>{}</title></path>"#,
            escape(node.scene.choice_label.as_deref().unwrap_or("")),
        );
    }
    svg.push_str("</g><g class=\"map-nodes\">");
    for node in &layout.nodes {
        node_svg(&mut svg, node, links);
    }
    svg.push_str("</g></svg>");
    svg
}

fn node_svg(svg: &mut String, node: &Placed<'_>, links: &impl MapLinks) {
    let scene = node.scene;
    let mut classes = String::from("node");
    for (on, class) in [
        (node.current, " current"),
        (node.on_path, " on-path"),
        (scene.is_ending, " ending"),
    ] {
        if on {
            classes.push_str(class);
        }
    }
    // A scene is named by the choice that led to it (its own words tell the branches
    // apart; scenes often open alike); the first scene by its title.
    let shown = shorten(
        scene.choice_label.as_deref().unwrap_or(&scene.label),
        LABEL_CHARS,
    );
    let meta = match (scene.is_ending, scene.unexplored) {
        (true, _) => "★ The end".to_owned(),
        (false, 0) => format!("Scene {}", node.level),
        (false, n) => format!("Scene {} · {n} new", node.level),
    };
    // The spoken name starts with the words on the node (speech input users say what they
    // see), then says the rest: the whole title, the choice that led here, where you are.
    let mut name = format!("{shown} {meta}. Scene {}: {}", node.level, scene.label);
    if let Some(choice) = &scene.choice_label {
        let _ = write!(name, ". After the choice: {choice}");
    }
    if let Some(card) = &scene.chapter {
        let _ = write!(name, ". Opens {}", card.heading());
    }
    if scene.is_ending {
        name.push_str(". An ending");
    }
    match scene.unexplored {
        0 => {}
        1 => name.push_str(". 1 choice not taken yet"),
        n => {
            let _ = write!(name, ". {n} choices not taken yet");
        }
    }
    if node.current {
        name.push_str(". You are here");
    }
    let _ = write!(
        svg,
        r#"<a class="{classes}" href="{href}" aria-label="{name}"{current}><g transform="translate({x} {y})"><rect width="{NODE_W}" height="{NODE_H}" rx="10"/>"#,
        href = escape(&links.href(&scene.id)),
        name = escape(&name),
        current = if node.current {
            r#" aria-current="page""#
        } else {
            ""
        },
        x = node.x,
        y = node.y,
    );
    let text_x = match &scene.picture_url {
        Some(url) => {
            let _ = write!(
                svg,
                r#"<image href="{}" x="8" y="8" width="{THUMB}" height="{THUMB}" preserveAspectRatio="xMidYMid slice"/>"#,
                escape(url)
            );
            THUMB + 16
        }
        None => 12,
    };
    let _ = write!(
        svg,
        r#"<text class="node-label" x="{text_x}" y="26">{}</text>"#,
        escape(&shown)
    );
    let _ = write!(
        svg,
        r#"<text class="node-meta" x="{text_x}" y="48">{}</text>"#,
        escape(&meta)
    );
    // Untaken choices: a dotted stub under the node, so they read as "more to explore".
    if scene.unexplored > 0 && !scene.is_ending {
        let _ = write!(
            svg,
            r#"<path class="untried" d="M{} {NODE_H} v{}"/>"#,
            NODE_W - 20,
            ROW_GAP / 2
        );
    }
    svg.push_str("</g></a>");
}

/// Where the map's box should scroll to show `current`: the middle of its node, from the
/// map's left edge; and the map's whole width.
pub fn focus_of(map: &StoryMap, current: Option<&str>) -> (Option<u32>, u32) {
    let layout = layout(map, current);
    let middle = layout
        .nodes
        .iter()
        .find(|n| n.current)
        .map(|n| n.x + NODE_W / 2);
    (middle, layout.width)
}

/// At most `max` characters, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene(id: &str, parent: Option<&str>, position: u32) -> MapScene {
        MapScene {
            id: id.into(),
            parent_id: parent.map(Into::into),
            choice_label: parent.map(|_| format!("go to {id}")),
            choice_position: position,
            label: format!("Scene {id}"),
            is_ending: false,
            picture_url: None,
            unexplored: 0,
            chapter: None,
        }
    }

    fn map(scenes: Vec<MapScene>) -> StoryMap {
        StoryMap {
            story_id: "s".into(),
            title: "T".into(),
            scenes,
            last_scene_id: None,
            chapters: false,
        }
    }

    struct Plain;
    impl MapLinks for Plain {
        fn href(&self, scene_id: &str) -> String {
            format!("/x/{scene_id}")
        }
    }

    #[test]
    fn a_linear_story_is_one_column() {
        let m = map(vec![
            scene("a", None, 0),
            scene("b", Some("a"), 0),
            scene("c", Some("b"), 1),
        ]);
        let l = layout(&m, Some("c"));
        assert!(l.nodes.iter().all(|n| n.x == l.nodes[0].x));
        assert_eq!(
            l.nodes.iter().map(|n| n.level).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert!(l.nodes.iter().all(|n| n.on_path));
        assert_eq!(l.width, 2 * PAD + NODE_W);
    }

    #[test]
    fn branches_never_overlap_and_the_parent_sits_over_its_children() {
        // a → (b → (d, e), c); the current scene is e.
        let m = map(vec![
            scene("a", None, 0),
            scene("c", Some("a"), 2),
            scene("b", Some("a"), 0),
            scene("e", Some("b"), 1),
            scene("d", Some("b"), 0),
        ]);
        let l = layout(&m, Some("e"));
        let at = |id: &str| l.nodes.iter().find(|n| n.scene.id == id).expect("placed");
        // Reading order: depth first, choices in order.
        let order: Vec<&str> = l.nodes.iter().map(|n| n.scene.id.as_str()).collect();
        assert_eq!(order, ["a", "b", "d", "e", "c"]);
        for (i, n) in l.nodes.iter().enumerate() {
            for m in &l.nodes[i + 1..] {
                let apart = n.x.abs_diff(m.x) >= NODE_W || n.y.abs_diff(m.y) >= NODE_H;
                assert!(apart, "{} and {} overlap", n.scene.id, m.scene.id);
            }
        }
        assert_eq!(at("b").x, (at("d").x + at("e").x) / 2);
        assert!(at("e").current && at("b").on_path && at("a").on_path);
        assert!(!at("d").on_path && !at("c").on_path);
    }

    #[test]
    fn the_svg_names_every_node_and_escapes_what_the_model_wrote() {
        let mut m = map(vec![scene("a", None, 0), scene("b", Some("a"), 0)]);
        m.scenes[1].label = "<script>alert(1)</script>".into();
        m.scenes[0].unexplored = 2;
        m.scenes[1].is_ending = true;
        let svg = render_svg(&m, Some("b"), &Plain);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains(r#"href="/x/b""#));
        assert!(svg.contains(r#"aria-current="page""#));
        assert!(svg.contains("2 choices not taken yet"));
        assert!(svg.contains("An ending. You are here"));
        assert!(svg.contains(r#"<path class="edge on-path""#));
        assert!(svg.contains(r#"class="untried""#));
    }

    #[test]
    fn a_node_shows_the_words_of_its_choice_and_fits_its_box() {
        let mut m = map(vec![scene("a", None, 0), scene("b", Some("a"), 0)]);
        m.scenes[1].label = "You decided to follow the fox".into();
        m.scenes[1].choice_label = Some("Follow the fox into the woods".into());
        m.scenes[1].unexplored = 3;
        let svg = render_svg(&m, Some("b"), &Plain);
        assert!(svg.contains(r#"class="node-label" x="12" y="26">Follow the fox…</text>"#));
        assert!(!svg.contains(">You decided"));
        // Beside a thumbnail, a meta line has room for about 17 characters.
        assert!(svg.contains(">Scene 2 · 3 new</text>"));
        let (middle, width) = focus_of(&m, Some("b"));
        assert_eq!(middle, Some(PAD + NODE_W / 2));
        assert_eq!(width, 2 * PAD + NODE_W);
    }

    #[test]
    fn a_long_story_with_many_branches_has_no_overlapping_nodes() {
        // 7 levels, three branches at the first three levels, one path below: 39 scenes.
        let mut scenes = vec![scene("r", None, 0)];
        let mut frontier = vec!["r".to_owned()];
        for level in 1..7 {
            let mut next = Vec::new();
            for parent in &frontier {
                let branches = if level <= 3 { 3 } else { 1 };
                for b in 0..branches {
                    let id = format!("{parent}.{b}");
                    scenes.push(scene(&id, Some(parent), b));
                    next.push(id);
                }
            }
            frontier = next;
        }
        assert!(scenes.len() > 30);
        let m = map(scenes);
        let l = layout(&m, Some("r.2.2.2.0.0.0"));
        assert_eq!(l.nodes.len(), m.scenes.len());
        for (i, a) in l.nodes.iter().enumerate() {
            for b in &l.nodes[i + 1..] {
                assert!(
                    a.x.abs_diff(b.x) >= NODE_W || a.y.abs_diff(b.y) >= NODE_H,
                    "{} and {} overlap",
                    a.scene.id,
                    b.scene.id
                );
            }
        }
        assert_eq!(l.nodes.iter().filter(|n| n.on_path).count(), 7);
        assert!(l
            .nodes
            .iter()
            .all(|n| n.x + NODE_W <= l.width && n.y + NODE_H <= l.height));
    }

    #[test]
    fn an_epic_story_is_grouped_in_chapter_bands() {
        // 12 scenes in a line, then a branch: chapters 1 to 3.
        let mut scenes = vec![scene("1", None, 0)];
        for d in 2..=12 {
            scenes.push(scene(&d.to_string(), Some(&(d - 1).to_string()), 0));
        }
        scenes.push(scene("6b", Some("5"), 1));
        scenes[0].chapter = Some(ChapterCard {
            number: 1,
            title: Some("The Road".into()),
        });
        scenes[5].chapter = Some(ChapterCard {
            number: 2,
            title: Some("On path".into()),
        });
        scenes[12].chapter = Some(ChapterCard {
            number: 2,
            title: Some("Off path".into()),
        });
        scenes[10].chapter = Some(ChapterCard {
            number: 3,
            title: None,
        });
        let mut m = map(scenes);
        m.chapters = true;
        let l = layout(&m, Some("8"));
        let labels: Vec<&str> = l.bands.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(
            labels,
            ["Chapter 1: The Road", "Chapter 2: On path", "Chapter 3"]
        );
        // Every node lies inside its chapter's band, under the band's label.
        for n in &l.nodes {
            let band = &l.bands[(chapter_place(n.level).0 - 1) as usize];
            assert!(
                n.y >= band.y + BAND_H && n.y + NODE_H <= band.y + band.height,
                "{}",
                n.scene.id
            );
        }
        assert!(l.nodes.iter().all(|n| n.y + NODE_H <= l.height));
        let svg = render_svg(&m, Some("8"), &Plain);
        assert!(
            svg.contains(r#"class="chapter-label""#) && svg.contains("Opens Chapter 2: On path")
        );
        // Without chapters, no bands.
        m.chapters = false;
        assert!(layout(&m, None).bands.is_empty());
    }

    #[test]
    fn labels_are_cut_with_an_ellipsis() {
        assert_eq!(shorten("The lighthouse keeper", 15), "The lighthouse…");
        assert_eq!(shorten("Short", 15), "Short");
    }
}
