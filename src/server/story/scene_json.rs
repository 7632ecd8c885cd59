//! The JSON a text model answers for one scene: its schema, and parsing that forgives
//! small slips (code fences, extra choices) but refuses what would break the story.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// A scene as the model wrote it, checked and normalised (kept as JSON while it waits,
/// written ahead, for its choice to be taken).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SceneDraft {
    pub title: Option<String>,
    pub narrative: String,
    pub image_prompt: String,
    pub choices: Vec<String>,
    pub is_ending: bool,
    /// The story's characters in this scene, as the ids the writer was given (`c1`, …) or
    /// their names; `None` when the writer did not say. Checked against the story's
    /// characters when the picture is drawn: unknown ones are ignored there.
    #[serde(default)]
    pub characters: Option<Vec<String>>,
    /// An epic story's scene that opens a chapter: the chapter's name. Kept only where the
    /// writer was asked for one (see `engine::write_scene`).
    #[serde(default)]
    pub chapter_title: Option<String>,
}

impl SceneDraft {
    /// The characters in the scene as stored with it (a JSON list), if the writer said.
    pub fn characters_json(&self) -> Option<String> {
        let said = self.characters.as_ref()?;
        serde_json::to_string(said).ok()
    }
}

/// At most this many characters named per scene (the roster's size), each this long.
const MAX_PRESENT: usize = 20;
const PRESENT_MAX_CHARS: usize = 60;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SceneJsonError {
    #[error("the answer is not the scene JSON we asked for: {0}")]
    NotJson(String),
    #[error("the scene has no narrative")]
    NoNarrative,
    #[error("the scene is not an ending but offers {0} choices (2 to 4 needed)")]
    TooFewChoices(usize),
}

pub const MIN_CHOICES: usize = 2;
pub const MAX_CHOICES: usize = 4;

#[derive(Deserialize)]
struct RawScene {
    #[serde(default)]
    title: Option<String>,
    narrative: String,
    #[serde(default)]
    image_prompt: String,
    #[serde(default)]
    choices: Vec<String>,
    #[serde(default)]
    is_ending: bool,
    /// Lenient: anything but a list of words counts as "not said".
    #[serde(default)]
    characters: Option<Value>,
    #[serde(default)]
    chapter_title: Option<String>,
}

/// A chapter's name is short: a longer one is cut at a word.
const CHAPTER_TITLE_MAX_CHARS: usize = 60;

/// JSON schema sent to providers that support structured output (strict mode: every
/// property required, no extra properties). Models write the properties in this order, so
/// the narrative comes first: the reader sees words as early as the stream allows.
pub fn schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "narrative": { "type": "string", "description": "The scene, 2 to 5 short paragraphs" },
            "title": { "type": ["string", "null"], "description": "Story title; only for the first scene, otherwise null" },
            "chapter_title": { "type": ["string", "null"], "description": "The chapter's name, only when told this scene opens a chapter; otherwise null" },
            "image_prompt": { "type": "string", "description": "One sentence describing an illustration of this scene" },
            "choices": { "type": "array", "items": { "type": "string" }, "description": "2 to 4 things the reader can choose; empty for an ending" },
            "is_ending": { "type": "boolean" },
            "characters": { "type": "array", "items": { "type": "string" }, "description": "The ids (c1, c2, …) of the listed family characters who appear in this scene; empty when none were listed" }
        },
        "required": ["narrative", "title", "chapter_title", "image_prompt", "choices", "is_ending", "characters"],
        "additionalProperties": false
    })
}

/// Parses the model's answer. `must_end` forces an ending (the story reached its length).
pub fn parse(text: &str, must_end: bool) -> Result<SceneDraft, SceneJsonError> {
    let body = strip_code_fence(text);
    let raw: RawScene =
        serde_json::from_str(body).map_err(|e| SceneJsonError::NotJson(e.to_string()))?;
    let narrative = raw.narrative.trim().to_owned();
    if narrative.is_empty() {
        return Err(SceneJsonError::NoNarrative);
    }
    let is_ending = raw.is_ending || must_end;
    let mut choices: Vec<String> = Vec::new();
    if !is_ending {
        for choice in raw.choices.iter().map(|c| c.trim()) {
            if !choice.is_empty() && !choices.iter().any(|c| c == choice) {
                choices.push(choice.to_owned());
            }
        }
        if choices.len() < MIN_CHOICES {
            return Err(SceneJsonError::TooFewChoices(choices.len()));
        }
        choices.truncate(MAX_CHOICES);
    }
    let image_prompt = match raw.image_prompt.trim() {
        "" => first_sentence(&narrative).to_owned(),
        p => p.to_owned(),
    };
    Ok(SceneDraft {
        title: raw
            .title
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty()),
        narrative,
        image_prompt,
        choices,
        is_ending,
        characters: raw.characters.and_then(present_characters),
        chapter_title: raw.chapter_title.as_deref().and_then(chapter_title),
    })
}

/// A chapter's name as a card shows it: one line, trimmed, at most
/// [`CHAPTER_TITLE_MAX_CHARS`] (cut at a word); `None` when empty.
fn chapter_title(raw: &str) -> Option<String> {
    let line = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let line = line.trim_matches(|c: char| c == '"' || c.is_whitespace());
    if line.is_empty() {
        return None;
    }
    if line.chars().count() <= CHAPTER_TITLE_MAX_CHARS {
        return Some(line.to_owned());
    }
    let mut kept = String::new();
    for word in line.split(' ') {
        if kept.chars().count() + word.chars().count() + 1 > CHAPTER_TITLE_MAX_CHARS {
            break;
        }
        if !kept.is_empty() {
            kept.push(' ');
        }
        kept.push_str(word);
    }
    Some(kept).filter(|k| !k.is_empty())
}

/// The characters a scene names: trimmed words, each once, too long ones and any past the
/// roster's size dropped; `None` unless it is a list.
fn present_characters(value: Value) -> Option<Vec<String>> {
    let Value::Array(items) = value else {
        return None;
    };
    let mut present: Vec<String> = Vec::new();
    for item in items.iter().filter_map(Value::as_str).map(str::trim) {
        let fits = !item.is_empty() && item.chars().count() <= PRESENT_MAX_CHARS;
        if fits && !present.iter().any(|p| p.eq_ignore_ascii_case(item)) {
            present.push(item.to_owned());
        }
    }
    present.truncate(MAX_PRESENT);
    Some(present)
}

/// Some models wrap JSON in a Markdown code fence despite being asked not to.
fn strip_code_fence(text: &str) -> &str {
    let t = text.trim();
    let Some(rest) = t.strip_prefix("```") else {
        return t;
    };
    let rest = rest.strip_prefix("json").unwrap_or(rest);
    rest.strip_suffix("```").unwrap_or(rest).trim()
}

/// The first sentence of a text, used where a short stand-in is needed.
pub fn first_sentence(text: &str) -> &str {
    let end = text
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '.' | '!' | '?')
                && text[i + c.len_utf8()..].starts_with(char::is_whitespace)
        })
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(text.len());
    text[..end].trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENE: &str = r#"{"title":"The Brave Fox","narrative":"A fox woke up. It was sunny!","image_prompt":"A fox at dawn","choices":["Go left"," Go right ","Go left"],"is_ending":false}"#;

    #[test]
    fn parses_a_scene_and_dedupes_choices() {
        let s = parse(SCENE, false).expect("valid");
        assert_eq!(s.title.as_deref(), Some("The Brave Fox"));
        assert_eq!(s.choices, vec!["Go left", "Go right"]);
        assert!(!s.is_ending);
        assert_eq!(s.chapter_title, None);
    }

    #[test]
    fn a_chapter_title_is_one_short_line() {
        let with = |title: &str| {
            let text = SCENE.replace(
                "\"is_ending\"",
                &format!(
                    "\"chapter_title\":{},\"is_ending\"",
                    serde_json::json!(title)
                ),
            );
            parse(&text, false).expect("valid").chapter_title
        };
        assert_eq!(with(" The  Lost\nKey "), Some("The Lost Key".to_owned()));
        assert_eq!(with("  "), None);
        let long = with(&"Very long words ".repeat(10)).expect("kept");
        // Cut at a word: what is kept is the start of the name, whole words only.
        assert!(long.chars().count() <= CHAPTER_TITLE_MAX_CHARS, "{long}");
        assert!(
            "Very long words "
                .repeat(10)
                .starts_with(&format!("{long} ")),
            "{long}"
        );
    }

    #[test]
    fn code_fences_are_tolerated() {
        let fenced = format!("```json\n{SCENE}\n```");
        assert_eq!(parse(&fenced, false), parse(SCENE, false));
    }

    #[test]
    fn forced_ending_drops_choices() {
        let s = parse(SCENE, true).expect("valid");
        assert!(s.is_ending);
        assert!(s.choices.is_empty());
    }

    #[test]
    fn too_few_choices_or_not_json_is_an_error() {
        let one = r#"{"title":null,"narrative":"x","image_prompt":"y","choices":["a"],"is_ending":false}"#;
        assert_eq!(parse(one, false), Err(SceneJsonError::TooFewChoices(1)));
        assert!(matches!(
            parse("{\"narrative\": \"cut", false),
            Err(SceneJsonError::NotJson(_))
        ));
        let empty =
            r#"{"title":null,"narrative":"  ","image_prompt":"","choices":[],"is_ending":true}"#;
        assert_eq!(parse(empty, false), Err(SceneJsonError::NoNarrative));
    }

    #[test]
    fn more_than_four_choices_are_cut_to_four() {
        let many = r#"{"title":null,"narrative":"x.","image_prompt":"","choices":["a","b","c","d","e"],"is_ending":false}"#;
        let s = parse(many, false).expect("valid");
        assert_eq!(s.choices.len(), 4);
        assert_eq!(s.image_prompt, "x.");
    }

    #[test]
    fn the_characters_in_a_scene_are_read_leniently() {
        let with = |characters: &str| {
            let text = format!(
                r#"{{"narrative":"x.","choices":[],"is_ending":true,"characters":{characters}}}"#
            );
            parse(&text, false).expect("valid").characters
        };
        assert_eq!(
            with(r#"[" c1 ","C1","Mia",7,"","c2"]"#),
            Some(vec!["c1".into(), "Mia".into(), "c2".into()])
        );
        assert_eq!(with("[]"), Some(vec![]));
        assert_eq!(with(r#""c1""#), None);
        assert_eq!(with(&format!(r#"["{}"]"#, "x".repeat(61))), Some(vec![]));
        // Not said at all: every character may be there.
        assert_eq!(parse(SCENE, false).expect("valid").characters, None);
    }

    #[test]
    fn first_sentence_stops_at_sentence_end() {
        assert_eq!(first_sentence("One. Two."), "One.");
        assert_eq!(first_sentence("No end"), "No end");
        assert_eq!(first_sentence("Mr.Smith went. Then"), "Mr.Smith went.");
    }
}
