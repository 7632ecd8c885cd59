//! Story ideas ready to start (the tier's templates) and the picture styles a story can be
//! drawn in, as the start form gets them. The tier's lists are data, in
//! `templates/{tier}.toml`, read by the server.

use serde::{Deserialize, Serialize};

use super::profile::name_key;
use super::StoryLength;

/// How many idea cards the home page shows at a time; "More ideas" shows the next as many.
pub const CARDS_SHOWN: usize = 6;

/// One card on the home page: a tap fills the start form with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryTemplate {
    pub id: String,
    pub emoji: String,
    pub title: String,
    /// One sentence under the title.
    pub blurb: String,
    /// What the idea field gets.
    pub idea: String,
    pub length: StoryLength,
    /// A key of the tier's picture styles; empty: the illustrator's own.
    #[serde(default)]
    pub style: String,
    /// Names of roster characters the idea is made for ("Grandma"): a character of the
    /// family's roster with one of these names is ticked.
    #[serde(default)]
    pub characters: Vec<String>,
}

impl StoryTemplate {
    /// Whether the template names a character called `name` (ignoring case).
    pub fn names(&self, name: &str) -> bool {
        let key = name_key(name);
        self.characters.iter().any(|c| name_key(c) == key)
    }
}

/// A picture style on the start form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StyleOption {
    pub key: String,
    pub name: String,
}

/// The cards shown for `page` (0, 1, …) of `count` templates: `CARDS_SHOWN` of them in a
/// row, starting again at the first after the last.
pub fn page_of_cards(count: usize, page: usize) -> Vec<usize> {
    if count == 0 {
        return Vec::new();
    }
    let start = page * CARDS_SHOWN;
    (start..start + CARDS_SHOWN.min(count))
        .map(|i| i % count)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_go_round_the_pool_and_never_repeat_a_card_on_one_page() {
        assert_eq!(page_of_cards(14, 0), vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(page_of_cards(14, 2), vec![12, 13, 0, 1, 2, 3]);
        assert_eq!(page_of_cards(4, 1), vec![2, 3, 0, 1]);
        assert!(page_of_cards(0, 3).is_empty());
    }

    #[test]
    fn a_template_names_characters_ignoring_case() {
        let template = StoryTemplate {
            id: "g".into(),
            emoji: "🌻".into(),
            title: "Garden".into(),
            blurb: "Seeds.".into(),
            idea: "A garden".into(),
            length: StoryLength::Short,
            style: String::new(),
            characters: vec!["Grandma".into()],
        };
        assert!(template.names("grandma"));
        assert!(template.names(" GRANDMA "));
        assert!(!template.names("Grandpa"));
    }
}
