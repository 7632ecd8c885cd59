//! What a story knows of the family, taken once at story start (locked then): a memory-mode
//! profile's preferences, the roster characters it brings and those the reader picked, the
//! family in family mode — as text for the story and image prompts, and which characters'
//! photos are the reference images. Pure: no I/O.

use serde::{Deserialize, Serialize};

use crate::server::db::characters::CharacterRow;
use crate::server::db::profiles::ProfileRow;

/// The profile name of a story without a profile (picked characters, family mode).
const NO_PROFILE: &str = "your family";
/// Where a character the reader picked on the start form comes from.
const PICKED: &str = "the roster";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemorySnapshot {
    pub profile_name: String,
    pub themes: Vec<String>,
    pub art_style: String,
    pub tone: String,
    pub favourite_elements: Vec<String>,
    pub characters: Vec<MemoryCharacter>,
    /// Family mode: the family's members are among the characters (first).
    #[serde(default)]
    pub family: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryCharacter {
    pub id: String,
    pub name: String,
    pub description: String,
    /// The profile the character comes from (the chosen one or a linked one).
    pub from_profile: String,
}

impl MemorySnapshot {
    /// A story without a profile: the characters picked, the family, nothing else.
    pub fn without_profile() -> MemorySnapshot {
        MemorySnapshot {
            profile_name: NO_PROFILE.to_owned(),
            themes: Vec::new(),
            art_style: String::new(),
            tone: String::new(),
            favourite_elements: Vec::new(),
            characters: Vec::new(),
            family: false,
        }
    }

    /// What the story took of the family, as its scenes say it: "Memory mode: The Lees",
    /// "Family mode", both, or the characters picked ("With Mia and Leo").
    pub fn label(&self) -> String {
        match (self.family, self.profile_name.as_str()) {
            (true, NO_PROFILE) => "Family mode".to_owned(),
            (true, profile) => format!("Memory mode: {profile}, with family mode"),
            (false, NO_PROFILE) => {
                let names: Vec<&str> = self.characters.iter().map(|c| c.name.as_str()).collect();
                format!("With {}", and_list(&names))
            }
            (false, profile) => format!("Memory mode: {profile}"),
        }
    }

    /// Characters the reader picked on the start form join the story after the profile's
    /// own (each once).
    pub fn add_picked(&mut self, picked: &[&CharacterRow]) {
        for row in picked {
            if !self.characters.iter().any(|c| c.id == row.id) {
                self.characters.push(MemoryCharacter::from_row(row, PICKED));
            }
        }
    }

    /// Another snapshot's characters join this one's, after them (each once).
    pub fn join(&mut self, other: MemorySnapshot) {
        for character in other.characters {
            if !self.characters.iter().any(|c| c.id == character.id) {
                self.characters.push(character);
            }
        }
    }

    /// Family mode: the family's members first; a profile's character that a member is
    /// linked to is that member, once.
    pub fn add_family(&mut self, people: Vec<MemoryCharacter>) {
        if people.is_empty() {
            return;
        }
        self.characters
            .retain(|c| !people.iter().any(|p| p.id == c.id));
        let others = std::mem::replace(&mut self.characters, people);
        self.characters.extend(others);
        self.family = true;
    }

    /// The profile's preferences and the roster characters it brings, in its order.
    pub fn take(profile: &ProfileRow, characters: &[&CharacterRow]) -> MemorySnapshot {
        MemorySnapshot {
            profile_name: profile.display_name.clone(),
            themes: profile.themes(),
            art_style: profile.art_style.clone(),
            tone: profile.tone.clone(),
            favourite_elements: profile.favourite_elements(),
            characters: characters
                .iter()
                .map(|c| MemoryCharacter::from_row(c, &profile.display_name))
                .collect(),
            family: false,
        }
    }

    /// The lines the story writer gets. The content rules come first in the system prompt
    /// and are said to win; this text repeats that it only applies where it fits them.
    pub fn story_text(&self) -> String {
        let mut text = match self.profile_name.as_str() {
            NO_PROFILE => "Family memory (use it where it fits, the content rules always win):\n"
                .to_owned(),
            profile => format!(
                "Family memory (profile \"{profile}\"; use it where it fits, the content rules always win):\n"
            ),
        };
        let mut prefs = Vec::new();
        if !self.themes.is_empty() {
            prefs.push(format!("favourite themes: {}", self.themes.join(", ")));
        }
        if !self.tone.is_empty() {
            prefs.push(format!("tone: {}", self.tone));
        }
        if !self.favourite_elements.is_empty() {
            prefs.push(format!(
                "favourite story elements: {}",
                self.favourite_elements.join(", ")
            ));
        }
        if !self.art_style.is_empty() {
            prefs.push(format!("art style of the pictures: {}", self.art_style));
        }
        if !prefs.is_empty() {
            text.push_str(&format!("Preferences: {}.\n", prefs.join("; ")));
        }
        if self.family {
            text.push_str(
                "Family mode: the characters \"in the reader's family\" are the reader's own family; make them characters of the story, and name at least one of the children in the first scene.\n",
            );
        }
        if !self.characters.is_empty() {
            text.push_str(
                "Characters to include (real family members; keep them kind and recognisable):\n",
            );
            for (n, c) in self.characters.iter().enumerate() {
                text.push_str(&format!("- c{}: {}: {}\n", n + 1, c.name, c.description));
            }
        }
        text
    }

    /// The characters in a scene, from what its writer said (`c1`, … or names; unknown ones
    /// ignored), in the story's order; all of them when it said nothing.
    pub fn present(&self, said: Option<&[String]>) -> Vec<&MemoryCharacter> {
        let Some(said) = said else {
            return self.characters.iter().collect();
        };
        self.characters
            .iter()
            .enumerate()
            .filter(|(n, c)| {
                let id = format!("c{}", n + 1);
                said.iter()
                    .any(|s| s.eq_ignore_ascii_case(&id) || s.eq_ignore_ascii_case(&c.name))
            })
            .map(|(_, c)| c)
            .collect()
    }

    /// The scene's image prompt with the art style and who is in it (`present`);
    /// `with_photos` names the characters whose reference photos go with the request, in
    /// order.
    pub fn image_prompt(
        &self,
        scene_prompt: &str,
        present: &[&MemoryCharacter],
        with_photos: &[&MemoryCharacter],
    ) -> String {
        let mut prompt = scene_prompt.trim().to_owned();
        if !self.art_style.is_empty() {
            prompt.push_str(&format!(" Art style: {}.", self.art_style));
        }
        if !present.is_empty() {
            let people: Vec<String> = present
                .iter()
                .map(|c| format!("{} ({})", c.name, c.description))
                .collect();
            prompt.push_str(&format!(" The characters: {}.", people.join("; ")));
        }
        if !with_photos.is_empty() {
            let names: Vec<String> = with_photos
                .iter()
                .enumerate()
                .map(|(i, c)| format!("image {} is {}", i + 1, c.name))
                .collect();
            prompt.push_str(&format!(
                " Use the reference photos for the likeness of the people ({}); draw them in the story's style.",
                names.join(", ")
            ));
        }
        prompt
    }
}

/// "Mia", "Mia and Leo", "Mia, Leo and Nora".
fn and_list(names: &[&str]) -> String {
    match names {
        [] => "no one".to_owned(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl MemoryCharacter {
    fn from_row(row: &CharacterRow, from_profile: &str) -> MemoryCharacter {
        MemoryCharacter {
            id: row.id.clone(),
            name: row.name.clone(),
            description: row.description.clone(),
            from_profile: from_profile.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(id: &str, name: &str) -> ProfileRow {
        ProfileRow {
            id: id.into(),
            tier: "kids".into(),
            display_name: name.into(),
            themes: r#"["space","dragons"]"#.into(),
            art_style: "watercolour".into(),
            tone: "cosy".into(),
            favourite_elements: "[]".into(),
        }
    }

    fn character(id: &str, name: &str) -> CharacterRow {
        CharacterRow {
            id: id.into(),
            tier: "kids".into(),
            name: name.into(),
            description: format!("{name} has red boots"),
            traits: None,
        }
    }

    #[test]
    fn a_profile_brings_its_characters_and_picks_join_once() {
        let (mia, leo, joe) = (
            character("c1", "Mia"),
            character("c2", "Leo"),
            character("c3", "Grandpa Joe"),
        );
        let mut snap = MemorySnapshot::take(&profile("p1", "The Lees"), &[&mia, &leo]);
        snap.add_picked(&[&leo, &joe]);
        let names: Vec<_> = snap.characters.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Mia", "Leo", "Grandpa Joe"]);
        assert_eq!(snap.characters[2].from_profile, "the roster");
        assert_eq!(snap.label(), "Memory mode: The Lees");
        let text = snap.story_text();
        assert!(text.contains("content rules always win"));
        assert!(text.contains("profile \"The Lees\""));
        assert!(text.contains("favourite themes: space, dragons"));
        assert!(text.contains("- c3: Grandpa Joe: Grandpa Joe has red boots\n"));
        let mut picked = MemorySnapshot::without_profile();
        picked.add_picked(&[&mia, &leo, &joe]);
        assert_eq!(picked.label(), "With Mia, Leo and Grandpa Joe");
        assert!(!picked.story_text().contains("profile"));
    }

    #[test]
    fn family_members_come_first_once_and_the_story_says_family_mode() {
        let (mia, leo) = (character("c1", "Mia"), character("c2", "Leo"));
        let mut snap = MemorySnapshot::take(&profile("p1", "The Lees"), &[&mia, &leo]);
        assert_eq!(snap.label(), "Memory mode: The Lees");
        let member = |id: &str, name: &str| MemoryCharacter {
            id: id.into(),
            name: name.into(),
            description: "a girl of 6 in the reader's family".into(),
            from_profile: "the family".into(),
        };
        // Leo is linked to the family member: he is that member, once.
        snap.add_family(vec![member("c2", "Leo"), member("f1", "Nora")]);
        let names: Vec<_> = snap.characters.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Leo", "Nora", "Mia"]);
        assert_eq!(snap.label(), "Memory mode: The Lees, with family mode");
        assert!(snap
            .story_text()
            .contains("name at least one of the children"));
        let mut only = MemorySnapshot::without_profile();
        only.add_family(vec![member("f1", "Nora")]);
        assert_eq!(only.label(), "Family mode");
    }

    #[test]
    fn image_prompt_names_the_photos_in_order() {
        let (mia, leo) = (character("c1", "Mia"), character("c2", "Leo"));
        let snap = MemorySnapshot::take(&profile("p1", "The Lees"), &[&mia, &leo]);
        let everyone = snap.present(None);
        let plain = snap.image_prompt("A castle.", &everyone, &[]);
        assert_eq!(
            plain,
            "A castle. Art style: watercolour. The characters: Mia (Mia has red boots); Leo (Leo has red boots)."
        );
        let leo = snap.present(Some(&["C2".to_owned(), "nobody".to_owned()]));
        assert_eq!(leo, [&snap.characters[1]]);
        assert_eq!(
            snap.present(Some(&["mia".to_owned()])),
            [&snap.characters[0]]
        );
        assert!(snap.present(Some(&[])).is_empty());
        let with = snap.image_prompt("A castle.", &leo, &leo);
        assert!(!with.contains("Mia"), "{with}");
        assert!(with.ends_with("(image 1 is Leo); draw them in the story's style."));
    }
}
