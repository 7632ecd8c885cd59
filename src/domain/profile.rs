//! The tier's people and preferences: the roster of characters (each with up to three
//! reference photos), the memory-mode profiles that bring some of them, the forms that edit
//! them (parsed so an invalid value cannot get past the boundary) and what the characters
//! page and the start form show of them.

use serde::{Deserialize, Serialize};

use super::character_traits::{self, Traits, UnknownTrait};
use super::form::Picked;

/// Characters in a tier's roster (spec 023).
pub const MAX_ROSTER: usize = 20;
/// Reference photos of one character.
pub const MAX_PHOTOS: usize = 3;
/// Largest reference photo accepted, in bytes (counted while the upload is read).
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// A photo smaller than this on either side is kept, with a warning that likeness may suffer.
pub const SMALL_PHOTO_SIDE: u32 = 256;

const NAME_MAX: usize = 60;
const TEXT_MAX: usize = 300;
const DESCRIPTION_MAX: usize = 500;
const LIST_MAX: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("Please give the {0} a name.")]
    NameMissing(&'static str),
    #[error("Please describe {0} in a few words (looks, age, personality).")]
    DescriptionMissing(String),
    #[error("The {field} is {len} characters long; please keep it under {max}.")]
    TooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },
    #[error("Please list at most {max} {field}.")]
    TooMany { field: &'static str, max: usize },
    #[error(transparent)]
    UnknownTrait(#[from] UnknownTrait),
}

/// The profile form as typed: lists are comma-separated; the roster characters it brings are
/// ticked boxes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProfileInput {
    pub display_name: String,
    pub themes: String,
    pub art_style: String,
    pub tone: String,
    pub favourite_elements: String,
    #[serde(default)]
    pub characters: Picked,
}

/// A checked profile, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileDraft {
    pub display_name: String,
    pub themes: Vec<String>,
    pub art_style: String,
    pub tone: String,
    pub favourite_elements: Vec<String>,
    /// Roster character ids, in the order they were ticked.
    pub characters: Vec<String>,
}

impl ProfileInput {
    pub fn parse(&self) -> Result<ProfileDraft, ProfileError> {
        let display_name = short_text("profile name", &self.display_name, NAME_MAX)?;
        if display_name.is_empty() {
            return Err(ProfileError::NameMissing("profile"));
        }
        Ok(ProfileDraft {
            display_name,
            themes: list("themes", &self.themes)?,
            art_style: short_text("art style", &self.art_style, TEXT_MAX)?,
            tone: short_text("tone", &self.tone, TEXT_MAX)?,
            favourite_elements: list("favourite story elements", &self.favourite_elements)?,
            characters: picked_characters(&self.characters)?,
        })
    }
}

/// The character form: name and description required (or picked with the builder).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CharacterInput {
    pub name: String,
    pub description: String,
    /// The builder's picks (`input[traits][hair_colour]=red` in a plain form post).
    #[serde(default)]
    pub traits: Traits,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CharacterDraft {
    pub name: String,
    pub description: String,
    pub traits: Traits,
}

impl CharacterDraft {
    /// Names are unique in a tier ignoring case (full Unicode case folding).
    pub fn same_name(&self, other: &str) -> bool {
        name_key(&self.name) == name_key(other)
    }
}

/// A name as the roster compares names.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

impl CharacterDraft {
    /// The picks as stored (`None` when none were made).
    pub fn traits_json(&self) -> Option<String> {
        (!self.traits.is_empty())
            .then(|| serde_json::to_string(&self.traits).ok())
            .flatten()
    }
}

impl CharacterInput {
    pub fn parse(&self) -> Result<CharacterDraft, ProfileError> {
        let name = short_text("character name", &self.name, NAME_MAX)?;
        if name.is_empty() {
            return Err(ProfileError::NameMissing("character"));
        }
        let traits = character_traits::check(&self.traits)?;
        let mut description = short_text("description", &self.description, DESCRIPTION_MAX)?;
        // Picked with taps and nothing typed (a plain form post): the picks describe them.
        if description.is_empty() {
            description = character_traits::describe(&traits);
        }
        if description.is_empty() {
            return Err(ProfileError::DescriptionMissing(name));
        }
        Ok(CharacterDraft {
            traits,
            name,
            description,
        })
    }
}

/// Ticked roster characters: at most a roster's worth, each id plausible (the caller checks
/// they are this tier's).
pub fn picked_characters(picked: &Picked) -> Result<Vec<String>, ProfileError> {
    if picked.0.len() > MAX_ROSTER {
        return Err(ProfileError::TooMany {
            field: "characters",
            max: MAX_ROSTER,
        });
    }
    Ok(picked.0.iter().map(|id| id.trim().to_owned()).collect())
}

fn short_text(field: &'static str, raw: &str, max: usize) -> Result<String, ProfileError> {
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let len = text.chars().count();
    if len > max {
        return Err(ProfileError::TooLong { field, len, max });
    }
    Ok(text)
}

/// A comma-separated list: trimmed, empty items dropped, duplicates (ignoring case) once.
fn list(field: &'static str, raw: &str) -> Result<Vec<String>, ProfileError> {
    let mut items: Vec<String> = Vec::new();
    for item in raw.split([',', '\n']) {
        let item = short_text(field, item, NAME_MAX)?;
        if !item.is_empty() && !items.iter().any(|i| i.eq_ignore_ascii_case(&item)) {
            items.push(item);
        }
    }
    if items.len() > LIST_MAX {
        return Err(ProfileError::TooMany {
            field,
            max: LIST_MAX,
        });
    }
    Ok(items)
}

/// The characters page: the tier's roster, its profiles, and whether it is shown to a
/// parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfilesView {
    pub roster: Vec<CharacterView>,
    pub profiles: Vec<ProfileView>,
    /// Only a parent (the tier's parent controls open, or off) may change profiles.
    pub parent: bool,
}

/// A profile as the profile page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileView {
    pub id: String,
    pub display_name: String,
    pub themes: Vec<String>,
    pub art_style: String,
    pub tone: String,
    pub favourite_elements: Vec<String>,
    /// The roster characters it brings (ids), in its order.
    pub characters: Vec<String>,
}

impl ProfileView {
    /// The form pre-filled for editing.
    pub fn to_input(&self) -> ProfileInput {
        ProfileInput {
            display_name: self.display_name.clone(),
            themes: self.themes.join(", "),
            art_style: self.art_style.clone(),
            tone: self.tone.clone(),
            favourite_elements: self.favourite_elements.join(", "),
            characters: Picked(self.characters.clone()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CharacterView {
    pub id: String,
    pub name: String,
    pub description: String,
    /// Only the photos whose files are on disk, oldest first (at most [`MAX_PHOTOS`]).
    pub photos: Vec<PhotoView>,
    /// Photos on record whose files are gone: the card says "Photos unavailable".
    #[serde(default)]
    pub photos_missing: usize,
    /// The builder's picks, for the form.
    #[serde(default)]
    pub traits: Traits,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoView {
    /// Its file name, which names it for Remove.
    pub file: String,
    /// The thumbnail, through the tier-scoped photo route.
    pub thumbnail_url: String,
    pub width: u32,
    pub height: u32,
}

impl PhotoView {
    /// Said under a usable but small photo, on upload and whenever it is shown again.
    pub fn small_warning(&self) -> Option<String> {
        self.is_small().then(|| {
            format!(
                "This photo is only {}×{} pixels, so the likeness may be rough. It is saved; a larger photo (at least 256×256) works better.",
                self.width, self.height
            )
        })
    }

    pub fn is_small(&self) -> bool {
        self.width < SMALL_PHOTO_SIDE || self.height < SMALL_PHOTO_SIDE
    }
}

/// The answer to an upload: the new photo, and a warning when it is usable but poor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoUploaded {
    pub photo: PhotoView,
    pub warning: Option<String>,
}

/// A profile in the start form's picker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileOption {
    pub id: String,
    pub display_name: String,
    /// The roster characters it brings.
    pub characters: Vec<String>,
}

/// A roster character in the start form's picker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterOption {
    pub id: String,
    pub name: String,
    pub photos: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_lists_are_split_trimmed_and_deduplicated() {
        let draft = ProfileInput {
            display_name: "  The  Lees ".into(),
            themes: "space, dragons,, Space ,\n pirates".into(),
            ..Default::default()
        }
        .parse()
        .expect("valid");
        assert_eq!(draft.display_name, "The Lees");
        assert_eq!(draft.themes, vec!["space", "dragons", "pirates"]);
        assert!(draft.favourite_elements.is_empty());
    }

    #[test]
    fn profile_needs_a_name_and_short_fields() {
        assert_eq!(
            ProfileInput::default().parse(),
            Err(ProfileError::NameMissing("profile"))
        );
        let long = ProfileInput {
            display_name: "x".repeat(61),
            ..Default::default()
        };
        assert!(matches!(
            long.parse(),
            Err(ProfileError::TooLong { len: 61, .. })
        ));
        let many = ProfileInput {
            display_name: "A".into(),
            themes: (0..13)
                .map(|i| format!("t{i}"))
                .collect::<Vec<_>>()
                .join(","),
            ..Default::default()
        };
        assert!(matches!(many.parse(), Err(ProfileError::TooMany { .. })));
    }

    #[test]
    fn character_needs_name_and_description() {
        let missing = CharacterInput {
            name: "Mia".into(),
            ..Default::default()
        };
        assert_eq!(
            missing.parse(),
            Err(ProfileError::DescriptionMissing("Mia".into()))
        );
        let ok = CharacterInput {
            name: " Mia ".into(),
            description: "six, red boots".into(),
            ..Default::default()
        }
        .parse()
        .expect("valid");
        assert_eq!(ok.name, "Mia");
        assert!(ok.same_name("MIA") && !ok.same_name("Mila"));
        assert!(name_key("ÉLODIE") == name_key("élodie"));
    }

    #[test]
    fn small_photos_are_flagged() {
        let photo = |width, height| PhotoView {
            file: String::new(),
            thumbnail_url: String::new(),
            width,
            height,
        };
        assert!(photo(200, 800).is_small());
        assert!(!photo(256, 256).is_small());
    }
}
