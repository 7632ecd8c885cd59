//! Family mode: the reader's own children and grown-ups, per tier, written into a story as
//! its characters when the start form's "Family mode" is on. Each may be linked to one of the
//! tier's characters, whose description and photo then go with them into the pictures.

use serde::{Deserialize, Serialize};

use super::keyed::keyed_enum;

pub const MAX_CHILDREN: usize = 6;
pub const MAX_GROWN_UPS: usize = 2;
const NAME_MAX: usize = 40;

keyed_enum! {
    /// A child (name, age, girl/boy/other) or a grown-up (a name).
    pub enum FamilyRole {
        Child = "child",
        GrownUp = "grown_up",
    }
}

keyed_enum! {
    pub enum Gender {
        Girl = "girl",
        Boy = "boy",
        Other = "other",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FamilyError {
    #[error("Please give their name.")]
    NameMissing,
    #[error("The name is {0} characters long; please keep it under {NAME_MAX}.")]
    NameTooLong(usize),
    #[error("Please give {0}'s age, from 1 to 17.")]
    AgeMissing(String),
    #[error("{name}'s age is \"{age}\"; please give a number from 1 to 17.")]
    AgeOutOfRange { name: String, age: String },
    #[error("Please choose girl, boy or other for {0}.")]
    GenderMissing(String),
}

/// The member form as posted: text fields, checked by [`FamilyMemberInput::parse`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FamilyMemberInput {
    pub role: Option<FamilyRole>,
    pub name: String,
    /// Children only: 1 to 17.
    #[serde(default)]
    pub age: String,
    #[serde(default)]
    pub gender: Option<String>,
    /// One of the tier's characters, whose description and photo go with them.
    #[serde(default)]
    pub character_id: Option<String>,
}

/// A checked member, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyMemberDraft {
    pub role: FamilyRole,
    pub name: String,
    pub age: Option<u8>,
    pub gender: Option<Gender>,
    pub character_id: Option<String>,
}

impl FamilyMemberInput {
    pub fn parse(&self) -> Result<FamilyMemberDraft, FamilyError> {
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        let len = name.chars().count();
        if len == 0 {
            return Err(FamilyError::NameMissing);
        }
        if len > NAME_MAX {
            return Err(FamilyError::NameTooLong(len));
        }
        let role = self.role.unwrap_or(FamilyRole::Child);
        let character_id = super::form::filled(self.character_id.clone());
        if role == FamilyRole::GrownUp {
            return Ok(FamilyMemberDraft {
                role,
                name,
                age: None,
                gender: None,
                character_id,
            });
        }
        let age = match self.age.trim() {
            "" => return Err(FamilyError::AgeMissing(name)),
            text => match text.parse::<u8>() {
                Ok(age @ 1..=17) => age,
                _ => {
                    return Err(FamilyError::AgeOutOfRange {
                        name,
                        age: text.to_owned(),
                    })
                }
            },
        };
        let gender = self
            .gender
            .as_deref()
            .and_then(Gender::parse)
            .ok_or_else(|| FamilyError::GenderMissing(name.clone()))?;
        Ok(FamilyMemberDraft {
            role,
            name,
            age: Some(age),
            gender: Some(gender),
            character_id,
        })
    }
}

/// A member as the family page and the story prompt see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyMemberView {
    pub id: String,
    pub role: FamilyRole,
    pub name: String,
    pub age: Option<u8>,
    pub gender: Option<Gender>,
    /// The linked character: its id and name.
    pub character: Option<(String, String)>,
}

impl FamilyMemberView {
    /// "a girl of 6", "a grown-up"
    pub fn who(&self) -> String {
        match (self.role, self.gender, self.age) {
            (FamilyRole::GrownUp, _, _) => "a grown-up".to_owned(),
            (FamilyRole::Child, Some(gender), Some(age)) => {
                let noun = match gender {
                    Gender::Girl => "girl",
                    Gender::Boy => "boy",
                    Gender::Other => "child",
                };
                format!("a {noun} of {age}")
            }
            (FamilyRole::Child, _, _) => "a child".to_owned(),
        }
    }

    /// The form pre-filled for editing.
    pub fn to_input(&self) -> FamilyMemberInput {
        FamilyMemberInput {
            role: Some(self.role),
            name: self.name.clone(),
            age: self.age.map(|a| a.to_string()).unwrap_or_default(),
            gender: self.gender.map(|g| g.key().to_owned()),
            character_id: self.character.as_ref().map(|(id, _)| id.clone()),
        }
    }
}

/// The family page: the tier's members, the characters they may be linked to, and whether a
/// parent is looking (only a parent changes the family).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyView {
    pub members: Vec<FamilyMemberView>,
    /// `(id, name)` of every character of the tier.
    pub characters: Vec<(String, String)>,
    pub parent: bool,
    /// Why the last change, posted as a plain form, was refused.
    #[serde(default)]
    pub refused: Option<super::AppError>,
}

impl FamilyView {
    pub fn children(&self) -> impl Iterator<Item = &FamilyMemberView> {
        self.members.iter().filter(|m| m.role == FamilyRole::Child)
    }

    pub fn grown_ups(&self) -> impl Iterator<Item = &FamilyMemberView> {
        self.members
            .iter()
            .filter(|m| m.role == FamilyRole::GrownUp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn child(name: &str, age: &str, gender: Option<&str>) -> FamilyMemberInput {
        FamilyMemberInput {
            role: Some(FamilyRole::Child),
            name: name.into(),
            age: age.into(),
            gender: gender.map(str::to_owned),
            character_id: Some(" ".into()),
        }
    }

    #[test]
    fn a_child_needs_a_name_an_age_from_1_to_17_and_a_gender() {
        let mia = child("  Mia ", "6", Some("girl")).parse().expect("valid");
        assert_eq!(mia.name, "Mia");
        assert_eq!((mia.age, mia.gender), (Some(6), Some(Gender::Girl)));
        assert_eq!(mia.character_id, None);
        assert_eq!(
            child("", "6", Some("girl")).parse(),
            Err(FamilyError::NameMissing)
        );
        assert_eq!(
            child("Mia", "", Some("girl")).parse(),
            Err(FamilyError::AgeMissing("Mia".into()))
        );
        for age in ["0", "18", "six", "-1"] {
            assert!(matches!(
                child("Mia", age, Some("girl")).parse(),
                Err(FamilyError::AgeOutOfRange { .. })
            ));
        }
        assert_eq!(
            child("Mia", "6", Some("cat")).parse(),
            Err(FamilyError::GenderMissing("Mia".into()))
        );
    }

    #[test]
    fn a_grown_up_is_a_name() {
        let sam = FamilyMemberInput {
            role: Some(FamilyRole::GrownUp),
            name: "Sam".into(),
            age: "44".into(),
            ..Default::default()
        }
        .parse()
        .expect("valid");
        assert_eq!((sam.age, sam.gender), (None, None));
    }

    #[test]
    fn members_read_as_who_they_are() {
        let view = |role, gender, age| FamilyMemberView {
            id: "1".into(),
            role,
            name: "Mia".into(),
            age,
            gender,
            character: None,
        };
        assert_eq!(
            view(FamilyRole::Child, Some(Gender::Girl), Some(6)).who(),
            "a girl of 6"
        );
        assert_eq!(
            view(FamilyRole::Child, Some(Gender::Other), Some(3)).who(),
            "a child of 3"
        );
        assert_eq!(view(FamilyRole::GrownUp, None, None).who(), "a grown-up");
    }
}
