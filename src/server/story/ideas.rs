//! The tiers' story ideas and picture styles, read from `templates/{tier}.toml` (compiled
//! in, checked at start-up: a broken edit stops the app with the line at fault), and the
//! draw behind "Surprise me".

use std::collections::HashSet;
use std::sync::OnceLock;

use rand::seq::SliceRandom as _;
use rand::Rng;
use serde::Deserialize;

use crate::domain::template::{StoryTemplate, StyleOption};
use crate::domain::{StoryLength, TierSpec};

/// Each tier's file, by tier name. A tier without one has no cards and a surprise made up
/// of its lengths only (it still needs an idea: see [`Surprise`]).
const FILES: &[(&str, &str)] = &[
    ("kids", include_str!("../../../templates/kids.toml")),
    ("adult", include_str!("../../../templates/adult.toml")),
];

#[derive(Debug, thiserror::Error)]
pub enum IdeasError {
    #[error("templates/{tier}.toml: {source}")]
    Unreadable {
        tier: &'static str,
        source: toml::de::Error,
    },
    #[error("templates/{tier}.toml: {problem}")]
    Invalid { tier: &'static str, problem: String },
}

/// A picture style: its name on the form and what the illustrator is told.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PictureStyle {
    pub key: String,
    pub name: String,
    pub prompt: String,
}

/// One tier's ideas and styles.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierIdeas {
    #[serde(default)]
    pub styles: Vec<PictureStyle>,
    #[serde(default)]
    pub templates: Vec<StoryTemplate>,
}

/// Every tier's ideas, read once at start-up.
#[derive(Debug, Default)]
pub struct Ideas {
    tiers: Vec<(&'static str, TierIdeas)>,
}

/// What "Surprise me" drew: everything a start needs besides the models.
#[derive(Debug, Clone, PartialEq)]
pub struct Surprise {
    pub idea: String,
    pub length: StoryLength,
    /// A style key, or empty.
    pub style: String,
}

impl Ideas {
    /// Reads and checks every tier's file.
    pub fn load() -> Result<Ideas, IdeasError> {
        let mut tiers = Vec::new();
        for &(tier, text) in FILES {
            let ideas: TierIdeas =
                toml::from_str(text).map_err(|source| IdeasError::Unreadable { tier, source })?;
            ideas
                .check()
                .map_err(|problem| IdeasError::Invalid { tier, problem })?;
            tiers.push((tier, ideas));
        }
        Ok(Ideas { tiers })
    }

    /// The ideas of this process: the files are compiled in, so they are read and checked
    /// once (at start-up, which stops on an error).
    pub fn shared() -> Result<&'static Ideas, IdeasError> {
        static IDEAS: OnceLock<Ideas> = OnceLock::new();
        if let Some(ideas) = IDEAS.get() {
            return Ok(ideas);
        }
        let ideas = Ideas::load()?;
        Ok(IDEAS.get_or_init(|| ideas))
    }

    /// The tier's ideas (none when it has no file).
    pub fn of(&self, tier: &TierSpec) -> &TierIdeas {
        static NONE: TierIdeas = TierIdeas {
            styles: Vec::new(),
            templates: Vec::new(),
        };
        self.tiers
            .iter()
            .find(|(name, _)| *name == tier.name)
            .map_or(&NONE, |(_, ideas)| ideas)
    }
}

impl TierIdeas {
    fn check(&self) -> Result<(), String> {
        let mut keys = HashSet::new();
        for style in &self.styles {
            if !is_key(&style.key) {
                return Err(format!(
                    "style key \"{}\" must be lower-case letters, digits and dashes",
                    style.key
                ));
            }
            if !keys.insert(style.key.as_str()) {
                return Err(format!("style \"{}\" is listed twice", style.key));
            }
            if style.name.trim().is_empty() || style.prompt.trim().is_empty() {
                return Err(format!("style \"{}\" needs a name and a prompt", style.key));
            }
        }
        let mut ids = HashSet::new();
        for template in &self.templates {
            let id = template.id.as_str();
            if !is_key(id) {
                return Err(format!(
                    "template id \"{id}\" must be lower-case letters, digits and dashes"
                ));
            }
            if !ids.insert(id) {
                return Err(format!("template \"{id}\" is listed twice"));
            }
            for (field, value) in [
                ("emoji", &template.emoji),
                ("title", &template.title),
                ("blurb", &template.blurb),
            ] {
                if value.trim().is_empty() {
                    return Err(format!("template \"{id}\" needs a {field}"));
                }
            }
            if let Err(problem) = crate::domain::Prompt::parse(&template.idea) {
                return Err(format!("template \"{id}\": its idea is refused: {problem}"));
            }
            if !template.style.is_empty() && !keys.contains(template.style.as_str()) {
                return Err(format!(
                    "template \"{id}\" names the style \"{}\", which is not listed",
                    template.style
                ));
            }
        }
        Ok(())
    }

    /// The style with this key; `Ok(None)` for none (empty).
    pub fn style(&self, key: &str) -> Result<Option<&PictureStyle>, UnknownStyle> {
        match key.trim() {
            "" => Ok(None),
            key => self
                .styles
                .iter()
                .find(|s| s.key == key)
                .map(Some)
                .ok_or(UnknownStyle),
        }
    }

    pub fn style_options(&self) -> Vec<StyleOption> {
        self.styles
            .iter()
            .map(|s| StyleOption {
                key: s.key.clone(),
                name: s.name.clone(),
            })
            .collect()
    }

    /// Every template, in a new order each time: the home page shows the first cards and
    /// "More ideas" the next, so every visit starts somewhere else.
    pub fn shuffled(&self, rng: &mut impl Rng) -> Vec<StoryTemplate> {
        let mut all = self.templates.clone();
        all.shuffle(rng);
        all
    }

    /// A random start: a template (its idea), a length and a style, each drawn on its own so
    /// the same idea comes in different shapes. A tier without templates gets a made-up
    /// idea from its placeholder (the rules of the tier still govern the story).
    pub fn surprise(&self, tier: &TierSpec, rng: &mut impl Rng) -> Surprise {
        const LENGTHS: [StoryLength; 3] =
            [StoryLength::Short, StoryLength::Medium, StoryLength::Long];
        let idea = self
            .templates
            .choose(rng)
            .map(|t| t.idea.clone())
            .unwrap_or_else(|| tier.idea_placeholder.trim_end_matches('…').to_owned());
        let length = LENGTHS.choose(rng).copied().unwrap_or(tier.default_length);
        let style = self
            .styles
            .choose(rng)
            .map(|s| s.key.clone())
            .unwrap_or_default();
        Surprise {
            idea,
            length,
            style,
        }
    }
}

/// A style key the tier does not list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("that picture style is not one of this tier's")]
pub struct UnknownStyle;

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng as _;

    fn kids() -> &'static TierSpec {
        TierSpec::find("kids").expect("the kids tier")
    }

    fn adult() -> &'static TierSpec {
        TierSpec::find("adult").expect("the adult tier")
    }

    #[test]
    fn every_tier_has_a_pool_of_at_least_twelve_ideas_and_several_styles() {
        let ideas = Ideas::load().expect("the template files are valid");
        for tier in crate::domain::tier::TIERS {
            let own = ideas.of(tier);
            assert!(
                own.templates.len() >= 12,
                "{}: {} templates",
                tier.name,
                own.templates.len()
            );
            assert!(
                own.styles.len() >= 3,
                "{}: {} styles",
                tier.name,
                own.styles.len()
            );
        }
    }

    #[test]
    fn the_tiers_share_no_template() {
        let ideas = Ideas::load().expect("the template files are valid");
        let (kids, adult) = (ideas.of(kids()), ideas.of(adult()));
        for k in &kids.templates {
            for a in &adult.templates {
                assert_ne!(k.id, a.id);
                assert_ne!(k.title, a.title);
                assert_ne!(k.idea, a.idea);
            }
        }
    }

    /// Words that have no place in a story idea for children aged 3 to 6 (whole words,
    /// ignoring case): violence, fear, death, grown-up matters.
    const NOT_FOR_CHILDREN: &[&str] = &[
        "kill",
        "killer",
        "killed",
        "dead",
        "death",
        "die",
        "dies",
        "died",
        "murder",
        "blood",
        "bloody",
        "gun",
        "guns",
        "weapon",
        "knife",
        "sword",
        "war",
        "fight",
        "fights",
        "attack",
        "poison",
        "poisoned",
        "scary",
        "terrifying",
        "horror",
        "monster",
        "monsters",
        "ghost",
        "zombie",
        "haunted",
        "nightmare",
        "kidnap",
        "prison",
        "steal",
        "stolen",
        "heist",
        "hate",
        "stupid",
        "wine",
        "beer",
        "drunk",
        "sexy",
        "kiss",
        "romance",
        "lies",
        "revenge",
    ];

    #[test]
    fn kids_templates_are_worded_for_young_children() {
        let ideas = Ideas::load().expect("the template files are valid");
        let kids = ideas.of(kids());
        let texts = kids
            .templates
            .iter()
            .flat_map(|t| [&t.title, &t.blurb, &t.idea]);
        let styles = kids.styles.iter().flat_map(|s| [&s.name, &s.prompt]);
        for text in texts.chain(styles) {
            let words = text
                .split(|c: char| !c.is_alphanumeric())
                .map(str::to_lowercase);
            for word in words {
                assert!(
                    !NOT_FOR_CHILDREN.contains(&word.as_str()),
                    "\"{word}\" in: {text}"
                );
            }
            // Short enough to read aloud in one breath: at most 30 words.
            assert!(
                text.split_whitespace().count() <= 30,
                "too long for the card: {text}"
            );
        }
        // And the check itself catches a grown-up idea.
        let adult_ideas = ideas.of(adult());
        assert!(adult_ideas.templates.iter().any(|t| t
            .idea
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| NOT_FOR_CHILDREN.contains(&w.to_lowercase().as_str()))));
    }

    #[test]
    fn a_broken_file_is_refused_with_its_reason() {
        let unknown_style: TierIdeas = toml::from_str(
            r#"[[templates]]
id = "a"
emoji = "x"
title = "A"
blurb = "B"
idea = "An idea"
length = "short"
style = "nope""#,
        )
        .expect("well-formed");
        assert!(unknown_style.check().unwrap_err().contains("\"nope\""));
        let typo = toml::from_str::<TierIdeas>("[[templates]]\nid = \"a\"\ntitel = \"A\"");
        assert!(typo.is_err(), "an unknown field is refused, not ignored");
    }

    #[test]
    fn surprises_differ_and_stay_in_the_tier() {
        let ideas = Ideas::load().expect("the template files are valid");
        let kids_ideas = ideas.of(kids());
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let draws: Vec<Surprise> = (0..20)
            .map(|_| kids_ideas.surprise(kids(), &mut rng))
            .collect();
        let distinct: HashSet<&str> = draws.iter().map(|d| d.idea.as_str()).collect();
        assert!(
            distinct.len() >= 8,
            "20 draws gave {} ideas",
            distinct.len()
        );
        let lengths: HashSet<StoryLength> = draws.iter().map(|d| d.length).collect();
        assert_eq!(lengths.len(), 3);
        for draw in &draws {
            assert!(kids_ideas.templates.iter().any(|t| t.idea == draw.idea));
            assert!(kids_ideas.style(&draw.style).is_ok_and(|s| s.is_some()));
        }
    }

    #[test]
    fn a_tier_without_ideas_still_gets_a_surprise() {
        let none = TierIdeas::default();
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let draw = none.surprise(kids(), &mut rng);
        assert!(crate::domain::Prompt::parse(&draw.idea).is_ok());
        assert_eq!(draw.style, "");
    }

    #[test]
    fn styles_are_found_by_key() {
        let ideas = Ideas::load().expect("the template files are valid");
        let kids_ideas = ideas.of(kids());
        assert!(matches!(kids_ideas.style(""), Ok(None)));
        assert!(kids_ideas.style("watercolour").is_ok_and(|s| s.is_some()));
        assert_eq!(kids_ideas.style("oil").err(), Some(UnknownStyle));
    }
}
