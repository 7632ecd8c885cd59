//! The character builder: looks and personality picked with taps, written as a description
//! the story writer and the picture model both read. The picks are kept with the character
//! so its form shows them again; the description is what the prompts use.

use std::collections::BTreeMap;

/// One row of pills: a trait and its choices (`value`, the words shown and written).
pub struct TraitGroup {
    pub key: &'static str,
    pub label: &'static str,
    pub options: &'static [(&'static str, &'static str)],
}

/// Every trait the builder offers, in the order the form shows and the description says them.
pub const GROUPS: &[TraitGroup] = &[
    TraitGroup {
        key: "hair_colour",
        label: "Hair colour",
        options: &[
            ("black", "black"),
            ("dark-brown", "dark brown"),
            ("brown", "brown"),
            ("auburn", "auburn"),
            ("red", "red"),
            ("blonde", "blonde"),
            ("grey", "grey"),
            ("white", "white"),
        ],
    },
    TraitGroup {
        key: "hair_length",
        label: "Hair length",
        options: &[
            ("very-short", "very short"),
            ("short", "short"),
            ("shoulder", "shoulder-length"),
            ("long", "long"),
        ],
    },
    TraitGroup {
        key: "eyes",
        label: "Eyes",
        options: &[
            ("brown", "brown"),
            ("dark-brown", "dark brown"),
            ("hazel", "hazel"),
            ("green", "green"),
            ("blue", "blue"),
            ("grey", "grey"),
        ],
    },
    TraitGroup {
        key: "skin",
        label: "Skin",
        options: &[
            ("very-fair", "very fair"),
            ("fair", "fair"),
            ("light-brown", "light brown"),
            ("olive", "olive"),
            ("brown", "brown"),
            ("dark-brown", "dark brown"),
        ],
    },
    TraitGroup {
        key: "height",
        label: "Height",
        options: &[
            ("small", "small"),
            ("medium", "medium height"),
            ("tall", "tall"),
            ("very-tall", "very tall"),
        ],
    },
    TraitGroup {
        key: "temperament",
        label: "Temperament",
        options: &[
            ("cheerful", "cheerful"),
            ("curious", "curious"),
            ("brave", "brave"),
            ("gentle", "gentle"),
            ("shy", "shy"),
            ("cheeky", "cheeky"),
        ],
    },
    TraitGroup {
        key: "energy",
        label: "Energy",
        options: &[
            ("calm", "calm"),
            ("steady", "steady"),
            ("lively", "lively"),
            ("bouncy", "bursting with energy"),
        ],
    },
    TraitGroup {
        key: "clothing",
        label: "Clothes",
        options: &[
            ("sporty", "sporty clothes"),
            ("dungarees", "dungarees"),
            ("dresses", "dresses"),
            ("jeans-tee", "jeans and a T-shirt"),
            ("cosy-jumper", "a cosy jumper"),
            ("smart", "smart clothes"),
        ],
    },
    TraitGroup {
        key: "vibe",
        label: "Style",
        options: &[
            ("colourful", "colourful"),
            ("cosy", "cosy"),
            ("adventurous", "adventurous"),
            ("dreamy", "dreamy"),
        ],
    },
];

/// A character's picks: trait key → option value.
pub type Traits = BTreeMap<String, String>;

/// A pick that is not one of the builder's (a stale form, or a hand-made request).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{value}\" is not one of the choices for {trait_name}; please pick again.")]
pub struct UnknownTrait {
    pub trait_name: String,
    pub value: String,
}

/// The picks checked against the builder's rows; empty picks are dropped.
pub fn check(traits: &Traits) -> Result<Traits, UnknownTrait> {
    let mut checked = Traits::new();
    for (key, value) in traits.iter().filter(|(_, v)| !v.trim().is_empty()) {
        let unknown = || UnknownTrait {
            trait_name: key.clone(),
            value: value.clone(),
        };
        let group = GROUPS.iter().find(|g| g.key == key).ok_or_else(unknown)?;
        if !group.options.iter().any(|(v, _)| v == value) {
            return Err(unknown());
        }
        checked.insert(key.clone(), value.clone());
    }
    Ok(checked)
}

/// The words of a pick, if it was made.
fn words(traits: &Traits, key: &str) -> Option<&'static str> {
    let value = traits.get(key)?;
    let group = GROUPS.iter().find(|g| g.key == key)?;
    group
        .options
        .iter()
        .find(|(v, _)| v == value)
        .map(|(_, words)| *words)
}

/// The picks as sentences: "Short red hair, green eyes and olive skin; tall. Cheerful and
/// lively. Wears dungarees; a colourful style." Empty when nothing is picked.
pub fn describe(traits: &Traits) -> String {
    let mut sentences = Vec::new();
    let hair = match (words(traits, "hair_length"), words(traits, "hair_colour")) {
        (Some(length), Some(colour)) => Some(format!("{length} {colour} hair")),
        (Some(length), None) => Some(format!("{length} hair")),
        (None, Some(colour)) => Some(format!("{colour} hair")),
        (None, None) => None,
    };
    let mut looks: Vec<String> = hair.into_iter().collect();
    looks.extend(words(traits, "eyes").map(|w| format!("{w} eyes")));
    looks.extend(words(traits, "skin").map(|w| format!("{w} skin")));
    let mut look = join_and(&looks);
    if let Some(height) = words(traits, "height") {
        look = if look.is_empty() {
            height.to_owned()
        } else {
            format!("{look}; {height}")
        };
    }
    sentences.extend((!look.is_empty()).then_some(look));
    let manner: Vec<String> = ["temperament", "energy"]
        .iter()
        .filter_map(|k| words(traits, k).map(str::to_owned))
        .collect();
    sentences.extend((!manner.is_empty()).then(|| join_and(&manner)));
    let style = match (words(traits, "clothing"), words(traits, "vibe")) {
        (Some(clothes), Some(vibe)) => Some(format!("wears {clothes}; a {vibe} style")),
        (Some(clothes), None) => Some(format!("wears {clothes}")),
        (None, Some(vibe)) => Some(format!("a {vibe} style")),
        (None, None) => None,
    };
    sentences.extend(style);
    sentences
        .iter()
        .map(|s| format!("{}.", capitalised(s)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The description after a pick: the builder's sentences in place of the ones it wrote
/// before (`previous`), anything the family typed after them kept.
pub fn rewrite(description: &str, previous: &str, now: &str) -> String {
    // Where the family rewrote the builder's words, theirs stay and the new ones go first.
    let typed = match previous {
        "" => description,
        _ => description.strip_prefix(previous).unwrap_or(description),
    }
    .trim_start();
    match (now.is_empty(), typed.is_empty()) {
        (true, _) => typed.to_owned(),
        (false, true) => now.to_owned(),
        (false, false) => format!("{now} {typed}"),
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The picks as stored with a character (JSON), read back leniently: a pick the builder no
/// longer offers is dropped (the description stays as it was written).
pub fn read_stored(json: Option<&str>) -> Traits {
    let all: Traits = json
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    all.into_iter()
        .filter(|(k, v)| check(&Traits::from([(k.clone(), v.clone())])).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picks(items: &[(&str, &str)]) -> Traits {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_builder_offers_the_specs_counts() {
        let count = |key: &str| {
            GROUPS
                .iter()
                .find(|g| g.key == key)
                .map_or(0, |g| g.options.len())
        };
        assert!(count("hair_colour") >= 8);
        assert_eq!(count("hair_length"), 4);
        assert!(count("eyes") >= 6 && count("skin") >= 6);
        assert_eq!(count("height"), 4);
        assert!(count("temperament") >= 6 && count("energy") >= 4);
        assert!(count("clothing") >= 6 && count("vibe") >= 4);
    }

    #[test]
    fn picks_read_as_sentences() {
        let all = picks(&[
            ("hair_colour", "red"),
            ("hair_length", "short"),
            ("eyes", "green"),
            ("skin", "olive"),
            ("height", "tall"),
            ("temperament", "cheerful"),
            ("energy", "lively"),
            ("clothing", "dungarees"),
            ("vibe", "colourful"),
        ]);
        assert_eq!(
            describe(&all),
            "Short red hair, green eyes and olive skin; tall. Cheerful and lively. Wears dungarees; a colourful style."
        );
        assert_eq!(describe(&picks(&[("eyes", "blue")])), "Blue eyes.");
        assert_eq!(describe(&Traits::new()), "");
    }

    #[test]
    fn unknown_picks_are_refused_and_empty_ones_dropped() {
        assert!(check(&picks(&[("hair_colour", "green")])).is_err());
        assert!(check(&picks(&[("wings", "yes")])).is_err());
        assert_eq!(
            check(&picks(&[("eyes", "blue"), ("skin", " ")])),
            Ok(picks(&[("eyes", "blue")]))
        );
    }

    #[test]
    fn a_pick_rewrites_the_builders_words_and_keeps_what_was_typed() {
        assert_eq!(rewrite("", "", "Blue eyes."), "Blue eyes.");
        assert_eq!(
            rewrite("Blue eyes. Loves kites", "Blue eyes.", "Green eyes."),
            "Green eyes. Loves kites"
        );
        assert_eq!(
            rewrite("Loves kites", "", "Green eyes."),
            "Green eyes. Loves kites"
        );
        assert_eq!(rewrite("Blue eyes.", "Blue eyes.", ""), "");
    }

    #[test]
    fn stored_picks_the_builder_no_longer_offers_are_dropped() {
        let read = read_stored(Some(r#"{"eyes":"blue","hair_colour":"purple"}"#));
        assert_eq!(read, picks(&[("eyes", "blue")]));
        assert!(read_stored(Some("not json")).is_empty());
    }
}
