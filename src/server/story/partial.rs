//! The words of a scene while the model is still writing it: the title and the narrative
//! read out of a JSON answer that is not finished yet (the schema puts them first). A
//! small reader of the top-level object: keys, then string values decoded as far as they
//! go (an escape or a character cut in half waits for the next piece); other values are
//! skipped. The choices are read only from the whole answer, by `scene_json::parse`.

use crate::domain::story::PartialScene;

/// What the answer so far says of the title and the narrative. Only ever grows as the
/// answer grows: each result is a prefix of the next one's fields.
pub fn partial_scene(answer: &[u8]) -> PartialScene {
    let mut scene = PartialScene::default();
    let Some(start) = answer.iter().position(|&b| b == b'{') else {
        return scene;
    };
    let mut at = start + 1;
    loop {
        at = skip_space(answer, at);
        match answer.get(at) {
            Some(b',') => {
                at += 1;
                continue;
            }
            Some(b'"') => {}
            _ => return scene,
        }
        let (key, after_key, closed) = string(answer, at + 1);
        if !closed {
            return scene;
        }
        at = skip_space(answer, after_key);
        if answer.get(at) != Some(&b':') {
            return scene;
        }
        at = skip_space(answer, at + 1);
        match answer.get(at) {
            Some(b'"') => {
                let (value, after, closed) = string(answer, at + 1);
                match key.as_str() {
                    "title" => scene.title = Some(value),
                    "narrative" => scene.narrative = value,
                    _ => {}
                }
                if !closed {
                    return scene;
                }
                at = after;
            }
            Some(_) => match skip_value(answer, at) {
                Some(after) => at = after,
                None => return scene,
            },
            None => return scene,
        }
    }
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// A string from just after its opening quote: its text so far, where it ends, and
/// whether it is closed.
fn string(bytes: &[u8], mut at: usize) -> (String, usize, bool) {
    let mut out: Vec<u8> = Vec::new();
    let closed = loop {
        match bytes.get(at) {
            None => break false,
            Some(b'"') => {
                at += 1;
                break true;
            }
            Some(b'\\') => match escape(bytes, at + 1) {
                Some((c, next)) => {
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    at = next;
                }
                None => break false,
            },
            Some(&b) => {
                out.push(b);
                at += 1;
            }
        }
    };
    // A character cut in half at the end waits for its other bytes.
    let text = match String::from_utf8(out) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            bytes.truncate(valid);
            String::from_utf8(bytes).unwrap_or_default()
        }
    };
    (text, at, closed)
}

/// One escape after its backslash; `None` while it is not all there yet.
fn escape(bytes: &[u8], at: usize) -> Option<(char, usize)> {
    let c = match *bytes.get(at)? {
        b'n' => '\n',
        b't' => '\t',
        b'r' => '\r',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'u' => {
            let high = hex4(bytes, at + 1)?;
            if (0xD800..0xDC00).contains(&high) {
                // A surrogate pair: `\uD83E\uDD8A`.
                if bytes.get(at + 5..at + 7)? != b"\\u" {
                    return Some(('\u{FFFD}', at + 5));
                }
                let low = hex4(bytes, at + 7)?;
                let code = 0x10000 + ((high - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF);
                return Some((char::from_u32(code).unwrap_or('\u{FFFD}'), at + 11));
            }
            return Some((char::from_u32(high).unwrap_or('\u{FFFD}'), at + 5));
        }
        other => other as char,
    };
    Some((c, at + 1))
}

fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = std::str::from_utf8(bytes.get(at..at + 4)?).ok()?;
    u32::from_str_radix(digits, 16).ok()
}

/// Skips a non-string value (array, object, number, `null`, `true`…) to just after it;
/// `None` when it is not complete yet.
fn skip_value(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at;
    if !matches!(bytes.get(at)?, b'[' | b'{') {
        // A scalar ends where the object goes on or closes.
        while !matches!(*bytes.get(i)?, b',' | b'}') {
            i += 1;
        }
        return Some(i);
    }
    let mut depth = 0usize;
    loop {
        match *bytes.get(i)? {
            b'"' => {
                let (_, after, closed) = string(bytes, i + 1);
                if !closed {
                    return None;
                }
                i = after;
                continue;
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = r#"{"title":"The Fox’s \"Big\" Day","narrative":"A fox woke up.\n\nIt was sunny — and 🦊 smiled!","image_prompt":"A fox at dawn","choices":["Go left","Go right"],"is_ending":false}"#;

    #[test]
    fn the_whole_answer_gives_title_and_narrative() {
        let scene = partial_scene(ANSWER.as_bytes());
        assert_eq!(scene.title.as_deref(), Some("The Fox’s \"Big\" Day"));
        assert_eq!(
            scene.narrative,
            "A fox woke up.\n\nIt was sunny — and 🦊 smiled!"
        );
    }

    #[test]
    fn split_at_every_byte_the_words_only_grow_and_end_whole() {
        let whole = partial_scene(ANSWER.as_bytes());
        let mut last = PartialScene::default();
        for cut in 0..=ANSWER.len() {
            let scene = partial_scene(&ANSWER.as_bytes()[..cut]);
            assert!(
                whole.narrative.starts_with(&scene.narrative),
                "cut {cut}: {:?}",
                scene.narrative
            );
            assert!(
                scene.narrative.starts_with(&last.narrative),
                "cut {cut} shrank"
            );
            if let Some(title) = &scene.title {
                assert!(whole
                    .title
                    .as_deref()
                    .is_some_and(|t| t.starts_with(title.as_str())));
            }
            last = scene;
        }
        assert_eq!(last, whole);
    }

    #[test]
    fn fences_nulls_and_other_orders_are_read_too() {
        let fenced = "```json\n{\"title\": null, \"choices\": [\"a\", \"b\"], \"narrative\": \"Hi";
        let scene = partial_scene(fenced.as_bytes());
        assert_eq!(scene.title, None);
        assert_eq!(scene.narrative, "Hi");
        assert_eq!(partial_scene(b"not json yet"), PartialScene::default());
        assert_eq!(partial_scene(b"{\"narr"), PartialScene::default());
    }
}
