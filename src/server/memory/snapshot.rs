//! What a memory-mode story knows of its profile, taken once at story start (the profile
//! is locked then): the preferences and characters as text for the story and image
//! prompts, and which characters' photos are the reference images. Pure: no I/O.

use serde::{Deserialize, Serialize};

use crate::server::db::profiles::{CharacterRow, ProfileRow};

/// The profile name of a story in family mode without a profile.
const FAMILY_ONLY: &str = "your family";

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
    /// A story in family mode without a profile: the family, nothing else.
    pub fn family_only() -> MemorySnapshot {
        MemorySnapshot {
            profile_name: FAMILY_ONLY.to_owned(),
            themes: Vec::new(),
            art_style: String::new(),
            tone: String::new(),
            favourite_elements: Vec::new(),
            characters: Vec::new(),
            family: false,
        }
    }

    /// What the story took of the family, as its scenes say it: "Memory mode: The Lees",
    /// "Family mode", or both.
    pub fn label(&self) -> String {
        match (self.family, self.profile_name.as_str()) {
            (true, FAMILY_ONLY) => "Family mode".to_owned(),
            (true, profile) => format!("Memory mode: {profile}, with family mode"),
            (false, profile) => format!("Memory mode: {profile}"),
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

    /// The profile's preferences, its characters, then the characters of the profiles its
    /// characters link to (each linked profile once, never the chosen one again).
    pub fn take(
        profile: &ProfileRow,
        all_profiles: &[ProfileRow],
        all_characters: &[CharacterRow],
    ) -> MemorySnapshot {
        fn of<'a>(
            all: &'a [CharacterRow],
            profile_id: &'a str,
        ) -> impl Iterator<Item = &'a CharacterRow> + Clone {
            all.iter().filter(move |c| c.profile_id == profile_id)
        }
        let mut characters: Vec<MemoryCharacter> = of(all_characters, &profile.id)
            .map(|c| MemoryCharacter::from_row(c, &profile.display_name))
            .collect();
        let mut linked: Vec<&str> = Vec::new();
        for c in of(all_characters, &profile.id) {
            if let Some(id) = c.linked_profile_id.as_deref() {
                if id != profile.id && !linked.contains(&id) {
                    linked.push(id);
                }
            }
        }
        for id in linked {
            if let Some(other) = all_profiles.iter().find(|p| p.id == id) {
                characters.extend(
                    of(all_characters, id)
                        .map(|c| MemoryCharacter::from_row(c, &other.display_name)),
                );
            }
        }
        MemorySnapshot {
            profile_name: profile.display_name.clone(),
            themes: profile.themes(),
            art_style: profile.art_style.clone(),
            tone: profile.tone.clone(),
            favourite_elements: profile.favourite_elements(),
            characters,
            family: false,
        }
    }

    /// The lines the story writer gets. The content rules come first in the system prompt
    /// and are said to win; this text repeats that it only applies where it fits them.
    pub fn story_text(&self) -> String {
        let mut text = format!(
            "Family memory (profile \"{}\"; use it where it fits, the content rules always win):\n",
            self.profile_name
        );
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

    fn character(id: &str, profile_id: &str, name: &str, link: Option<&str>) -> CharacterRow {
        CharacterRow {
            id: id.into(),
            profile_id: profile_id.into(),
            tier: "kids".into(),
            name: name.into(),
            description: format!("{name} has red boots"),
            linked_profile_id: link.map(str::to_owned),
            photo_file: None,
            photo_width: None,
            photo_height: None,
            traits: None,
        }
    }

    #[test]
    fn linked_profiles_add_their_characters_once() {
        let profiles = [profile("p1", "The Lees"), profile("p2", "Grandparents")];
        let characters = [
            character("c1", "p1", "Mia", Some("p2")),
            character("c2", "p1", "Leo", Some("p2")),
            character("c3", "p2", "Grandpa Joe", Some("p1")),
            character("c4", "p3", "Stranger", None),
        ];
        let snap = MemorySnapshot::take(&profiles[0], &profiles, &characters);
        let names: Vec<_> = snap.characters.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Mia", "Leo", "Grandpa Joe"]);
        assert_eq!(snap.characters[2].from_profile, "Grandparents");
        let text = snap.story_text();
        assert!(text.contains("content rules always win"));
        assert!(text.contains("favourite themes: space, dragons"));
        assert!(text.contains("- c3: Grandpa Joe: Grandpa Joe has red boots\n"));
    }

    #[test]
    fn family_members_come_first_once_and_the_story_says_family_mode() {
        let profiles = [profile("p1", "The Lees")];
        let characters = [
            character("c1", "p1", "Mia", None),
            character("c2", "p1", "Leo", None),
        ];
        let mut snap = MemorySnapshot::take(&profiles[0], &profiles, &characters);
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
        let mut only = MemorySnapshot::family_only();
        only.add_family(vec![member("f1", "Nora")]);
        assert_eq!(only.label(), "Family mode");
    }

    #[test]
    fn image_prompt_names_the_photos_in_order() {
        let profiles = [profile("p1", "The Lees")];
        let characters = [
            character("c1", "p1", "Mia", None),
            character("c2", "p1", "Leo", None),
        ];
        let snap = MemorySnapshot::take(&profiles[0], &profiles, &characters);
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
