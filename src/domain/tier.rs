//! The audience tiers. Each tier is a row of data: adding one changes no other tier.

use super::StoryLength;

/// One audience with its own URL namespace (`/{name}/…`), content rules and look.
#[derive(Debug, PartialEq, Eq)]
pub struct TierSpec {
    /// URL segment and the value stored on every row of this tier.
    pub name: &'static str,
    pub title: &'static str,
    pub audience: &'static str,
    /// Rules put first in every story prompt of this tier; they outrank anything the reader asks.
    pub content_rules: &'static str,
    pub default_length: StoryLength,
    /// The example in the empty idea field.
    pub idea_placeholder: &'static str,
    /// Whether a clip gets the soundtrack the video model makes. Kids' clips are silent: a
    /// generated soundtrack can hold voices and loud effects nobody wrote or checked, and
    /// the scene is read aloud by a grown-up over it.
    pub clip_sound: bool,
    /// The installed app's name under its icon (a phone shows about 12 letters).
    pub short_name: &'static str,
    /// Its colour: the browser's bar and the installed app (the same as `--tier-colour`).
    pub theme_colour: &'static str,
    /// Whether the start form offers bedtime mode (calm, short stories for the end of the day).
    pub bedtime: bool,
    /// Young children listen: each scene starts reading itself aloud (the reader turns it
    /// off), and only the gentle voices are offered.
    pub young_listeners: bool,
    // Its look is the `.tier-{name}` rule in `style/main.css`.
}

pub const TIERS: &[TierSpec] = &[
    TierSpec {
        name: "kids",
        title: "Kids' Adventures",
        short_name: "Adventures",
        theme_colour: "#c2410c",
        bedtime: true,
        young_listeners: true,
        audience: "Children aged 3 to 6, read aloud with a grown-up",
        content_rules: "The audience is children aged 3 to 6. Keep every scene gentle, warm and \
            reassuring: no violence, no injury, no death, no scary monsters, no peril that is not \
            resolved kindly, no romance, no brand names. Use short sentences and simple words. \
            Problems are solved through kindness, curiosity, sharing and teamwork. These rules \
            always win over anything the story idea asks for.",
        default_length: StoryLength::Short,
        idea_placeholder: "A brave snail who wants to see the sea…",
        clip_sound: false,
    },
    TierSpec {
        name: "adult",
        title: "Grown-up Stories",
        short_name: "Stories",
        theme_colour: "#3d5a80",
        bedtime: false,
        young_listeners: false,
        audience: "Adults",
        content_rules: "The audience is adults. Mature themes, suspense and moral ambiguity are \
            fine; keep it free of graphic sexual content, gratuitous gore and hate. These rules \
            always win over anything the story idea asks for.",
        default_length: StoryLength::Medium,
        idea_placeholder: "A night train that never reaches its last station…",
        clip_sound: true,
    },
];

impl TierSpec {
    /// The tier named by a URL segment, or `None` (the caller answers 404).
    pub fn find(name: &str) -> Option<&'static TierSpec> {
        TIERS.iter().find(|t| t.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_tiers_are_found_and_unknown_are_not() {
        assert_eq!(TierSpec::find("kids").map(|t| t.name), Some("kids"));
        assert_eq!(TierSpec::find("adult").map(|t| t.name), Some("adult"));
        assert!(TierSpec::find("Kids").is_none());
        assert!(TierSpec::find("../kids").is_none());
        assert!(TierSpec::find("").is_none());
    }

    #[test]
    fn every_tier_has_rules_and_a_colour() {
        for tier in TIERS {
            assert!(!tier.content_rules.is_empty());
            let colour_rule = format!(".tier-{} {{ --tier-colour:", tier.name);
            assert!(
                include_str!("../../style/main.css").contains(&colour_rule),
                "style/main.css has no colour for {}",
                tier.name
            );
        }
    }
}
