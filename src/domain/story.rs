//! Story values that cross the wire: the start form's input, parsed so an invalid value
//! cannot exist past the boundary, and what a page shows of a story and its scenes.

use serde::{Deserialize, Serialize};

use super::keyed::keyed_enum;

/// Longest story idea we accept, in characters.
pub const PROMPT_MAX_CHARS: usize = 500;

/// A story idea: trimmed, non-empty, at most [`PROMPT_MAX_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PromptError {
    #[error("Please write a story idea, or tap one of the story ideas.")]
    Empty,
    #[error("That story idea is {0} characters long; please keep it under {PROMPT_MAX_CHARS}.")]
    TooLong(usize),
}

impl Prompt {
    pub fn parse(raw: &str) -> Result<Prompt, PromptError> {
        let trimmed = raw.trim();
        let chars = trimmed.chars().count();
        if chars == 0 {
            Err(PromptError::Empty)
        } else if chars > PROMPT_MAX_CHARS {
            Err(PromptError::TooLong(chars))
        } else {
            Ok(Prompt(trimmed.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

keyed_enum! {
    /// How long a story runs: the depth (number of scenes on a path) the model paces towards.
    pub enum StoryLength {
        Short = "short",
        Medium = "medium",
        Long = "long",
        /// A long story told in chapters (see [`chapter_place`]).
        Epic = "epic",
    }
}

keyed_enum! {
    /// Where a story stands (the `stories.status` column).
    pub enum StoryStatus {
        InProgress = "in_progress",
        Completed = "completed",
        /// "Start fresh": no longer offered for resume, still readable.
        Abandoned = "abandoned",
    }
}

impl StoryLength {
    pub fn label(self) -> &'static str {
        match self {
            StoryLength::Short => "Short (about 3 scenes)",
            StoryLength::Medium => "Medium (about 5 scenes)",
            StoryLength::Long => "Long (about 7 scenes)",
            StoryLength::Epic => "Epic (5 chapters, about 25 scenes)",
        }
    }

    /// Number of scenes on a path from the first scene to an ending.
    pub fn target_depth(self) -> u32 {
        match self {
            StoryLength::Short => 3,
            StoryLength::Medium => 5,
            StoryLength::Long => 7,
            StoryLength::Epic => 5 * CHAPTER_SCENES,
        }
    }

    /// Whether the story is told in chapters.
    pub fn has_chapters(self) -> bool {
        self == StoryLength::Epic
    }
}

/// A bedtime story's wind-down signal comes this many minutes after it started.
pub const WIND_DOWN_MINUTES: u32 = 5;

/// Scenes in a chapter of an epic story. Chapters are counted by depth, the same on every
/// branch, so a scene's chapter never depends on what its writer said.
pub const CHAPTER_SCENES: u32 = 5;

/// Where a scene of an epic story stands: `(chapter, scene in the chapter)`, both from 1.
pub fn chapter_place(depth: u32) -> (u32, u32) {
    let from_zero = depth.max(1) - 1;
    (
        from_zero / CHAPTER_SCENES + 1,
        from_zero % CHAPTER_SCENES + 1,
    )
}

/// The chapters of an epic story paced for `target_depth` scenes ("Keep going" may add a
/// short last one).
pub fn chapter_count(target_depth: u32) -> u32 {
    target_depth.max(1).div_ceil(CHAPTER_SCENES)
}

/// The card shown before the scene that opens a chapter, in play, the reader, the story
/// map and both exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChapterCard {
    pub number: u32,
    /// The chapter's name, as its first scene's writer gave it; `None` when it gave none
    /// (the card shows the number alone).
    pub title: Option<String>,
}

impl ChapterCard {
    /// The card of a scene at `depth`, if the story has chapters and the scene opens one.
    pub fn opening(length: StoryLength, depth: u32, title: Option<String>) -> Option<ChapterCard> {
        let (number, place) = chapter_place(depth);
        (length.has_chapters() && place == 1).then(|| ChapterCard {
            number,
            title: title.filter(|t| !t.trim().is_empty()),
        })
    }

    /// "Chapter 2: The Whispering Wood", or "Chapter 2".
    pub fn heading(&self) -> String {
        match &self.title {
            Some(title) => format!("Chapter {}: {title}", self.number),
            None => format!("Chapter {}", self.number),
        }
    }
}

keyed_enum! {
    /// A story's length changed in play, from a scene between the first and an ending.
    pub enum LengthChange {
        /// "Keep going": [`KEEP_GOING_SCENES`] more scenes before the ending.
        Longer = "longer",
        /// "Wrap it up": the ending comes within the next one or two scenes.
        Sooner = "sooner",
    }
}

/// Scenes "Keep going" adds, each time it is pressed.
pub const KEEP_GOING_SCENES: u32 = 3;

impl LengthChange {
    /// The story's target depth after this change is made on a scene at `depth`; `None`
    /// when it would change nothing (wrapping up a story whose next scene is the ending).
    pub fn target_after(self, depth: u32, target: u32) -> Option<u32> {
        match self {
            LengthChange::Longer => Some(target.max(depth) + KEEP_GOING_SCENES),
            LengthChange::Sooner => {
                // The ending within the next two scenes, never in this one.
                let sooner = target.min(depth + 2).max(depth + 1);
                (sooner < target).then_some(sooner)
            }
        }
    }

    /// Whether a scene offers the change: not on the first scene or an ending; "Keep
    /// going" once the ending is at most two scenes away.
    pub fn offered(self, depth: u32, target: u32, is_ending: bool) -> bool {
        let between = depth >= 2 && !is_ending;
        let near_end = self == LengthChange::Sooner || depth + 2 >= target;
        between && near_end && self.target_after(depth, target).is_some()
    }

    /// What the reader is told after the change.
    pub fn done(self, depth: u32, target: u32) -> String {
        match (self, target.saturating_sub(depth)) {
            (LengthChange::Longer, more) => format!("The story goes on: about {more} more scenes."),
            (LengthChange::Sooner, 1) => "The next scene is the ending.".to_owned(),
            (LengthChange::Sooner, more) => {
                format!("The story ends within the next {more} scenes.")
            }
        }
    }
}

/// What the start form sends.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "StartFields", into = "StartFields")]
pub struct StartInput {
    pub prompt: String,
    pub length: StoryLength,
    pub text_model: String,
    /// `None` when no image model is available: the story runs text-only.
    pub image_model: Option<String>,
    /// Memory mode: the profile whose preferences, characters and photos the story uses.
    /// `None` = memory mode off (nothing of any profile is used).
    pub memory_profile: Option<String>,
    /// Video mode: a Grok Imagine clip for every scene (needs the xAI key).
    pub video_mode: bool,
    /// Family mode: the tier's family members are the story's characters.
    #[serde(default)]
    pub family_mode: bool,
    /// Roster characters picked for this story (ids), after the profile's own.
    #[serde(default)]
    pub characters: Vec<String>,
    /// A key of the tier's picture styles; empty: the illustrator's own.
    #[serde(default)]
    pub style: String,
    /// "Surprise me": the server draws the idea, length and picture style, and the story
    /// starts without a profile, picked characters, the family or video.
    #[serde(default)]
    pub surprise: bool,
    /// Bedtime mode (kids only): calm rules, a short story, a night-time picture style and
    /// a dimmed night theme on its scenes.
    pub bedtime: bool,
    /// A sequel: the finished story this one continues (its characters and style come
    /// along; the idea may be empty).
    #[serde(default)]
    pub sequel_of: Option<String>,
}

/// [`StartInput`] as the start form posts it, field by field: the profile picker is always
/// sent, and the memory-mode checkbox says whether it counts.
#[derive(Serialize, Deserialize)]
struct StartFields {
    prompt: String,
    length: StoryLength,
    text_model: String,
    #[serde(default)]
    image_model: Option<String>,
    #[serde(default, deserialize_with = "super::form::checkbox")]
    memory_mode: bool,
    #[serde(default)]
    memory_profile: Option<String>,
    #[serde(default, deserialize_with = "super::form::checkbox")]
    video_mode: bool,
    #[serde(default, deserialize_with = "super::form::checkbox")]
    family_mode: bool,
    #[serde(default)]
    characters: super::form::Picked,
    #[serde(default)]
    style: String,
    #[serde(default, deserialize_with = "super::form::checkbox")]
    surprise: bool,
    #[serde(default, deserialize_with = "super::form::checkbox")]
    bedtime: bool,
    #[serde(default)]
    sequel_of: Option<String>,
}

impl From<StartFields> for StartInput {
    fn from(fields: StartFields) -> Self {
        let memory_profile = super::form::filled(fields.memory_profile);
        StartInput {
            prompt: fields.prompt,
            length: fields.length,
            text_model: fields.text_model,
            image_model: super::form::filled(fields.image_model),
            memory_profile: memory_profile.filter(|_| fields.memory_mode),
            video_mode: fields.video_mode,
            family_mode: fields.family_mode,
            characters: fields.characters.0,
            style: fields.style,
            surprise: fields.surprise,
            bedtime: fields.bedtime,
            sequel_of: super::form::filled(fields.sequel_of),
        }
    }
}

impl From<StartInput> for StartFields {
    fn from(input: StartInput) -> Self {
        StartFields {
            prompt: input.prompt,
            length: input.length,
            text_model: input.text_model,
            image_model: input.image_model,
            memory_mode: input.memory_profile.is_some(),
            memory_profile: input.memory_profile,
            video_mode: input.video_mode,
            family_mode: input.family_mode,
            characters: super::form::Picked(input.characters),
            style: input.style,
            surprise: input.surprise,
            bedtime: input.bedtime,
            sequel_of: input.sequel_of,
        }
    }
}

/// A scene while the storyteller is still writing it: what the page shows of it so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PartialScene {
    pub title: Option<String>,
    pub narrative: String,
}

/// A choice as the scene page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChoiceView {
    pub id: String,
    pub label: String,
    /// The branch behind this choice was generated before and will be reused.
    pub explored: bool,
    /// Its scene, when explored: offline, the page goes there without asking the server.
    #[serde(default)]
    pub next_scene_id: Option<String>,
}

/// One scene with what the page needs around it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SceneView {
    pub story_id: String,
    pub scene_id: String,
    pub story_title: String,
    /// Only the first scene carries a title of its own.
    pub title: Option<String>,
    pub narrative: String,
    pub choices: Vec<ChoiceView>,
    pub is_ending: bool,
    /// 1 for the first scene.
    pub depth: u32,
    pub target_depth: u32,
    /// An epic story: told in chapters (see [`chapter_place`]).
    #[serde(default)]
    pub has_chapters: bool,
    /// The chapter card heading this scene, when it opens a chapter.
    #[serde(default)]
    pub chapter_card: Option<ChapterCard>,
    /// A bedtime story: minutes since it started, when this scene was shown (the page dims
    /// to its night theme and signals gently at [`WIND_DOWN_MINUTES`]); `None` otherwise.
    #[serde(default)]
    pub bedtime_minutes: Option<u32>,
    /// How this scene can be read aloud.
    pub read_aloud: super::read_aloud::ReadAloudOffer,
    /// The scene before this one on the path, for "Back".
    pub previous_scene_id: Option<String>,
    /// The choice that led here, shown as "You chose …".
    pub chosen_label: Option<String>,
    pub text_model_name: String,
    /// The exact image model of the story; `None` for a text-only story.
    pub image_model_name: Option<String>,
    /// The scene's image; `None` for a text-only story.
    pub image: Option<super::media::MediaView>,
    /// What the story took of the family (locked at start), as the scene says it:
    /// "Memory mode: The Lees", "Family mode"; `None` for neither.
    pub memory_profile_name: Option<String>,
    /// The scene's clip in video mode; `None` when the story has no video.
    pub video: Option<super::media::MediaView>,
    /// Why a story asked for video has none (no xAI key, or no video model on offer).
    pub video_notice: Option<String>,
    /// A parent asked for a new look after this scene: the pictures below it start afresh.
    #[serde(default)]
    pub new_look: bool,
    /// Whether this page is shown to a parent (the tier's parent controls are open, or
    /// off): only then does it offer what costs money or destroys something.
    pub parent: bool,
}

/// The start form of a sequel (`/{tier}?sequel={id}`): the story it continues, and the
/// models and length preselected from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SequelStart {
    pub story_id: String,
    pub title: String,
    pub text_model: String,
    pub image_model: Option<String>,
    pub length: StoryLength,
}

/// Another story of a sequel chain, as a link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryLink {
    pub story_id: String,
    pub title: String,
}

/// The in-progress story the home page offers to resume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResumableStory {
    pub story_id: String,
    pub title: String,
    pub scene_id: String,
    pub depth: u32,
    /// The first scene's picture, when it is there.
    pub cover_url: Option<String>,
    /// An epic story: the chapter the reader is in ("Continue chapter 3").
    #[serde(default)]
    pub chapter: Option<u32>,
}

/// A text or image model as the start form lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelOption {
    pub key: String,
    pub display_name: String,
    pub provider_name: String,
    /// What choosing it means (speed, cost, family photos), in a few words.
    pub hint: String,
}

/// Everything the tier home page needs from the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeData {
    pub text_models: Vec<ModelOption>,
    pub image_models: Vec<ModelOption>,
    /// Preselected image model.
    pub default_image_model: Option<String>,
    /// The story being read, not told in chapters.
    pub resumable: Option<ResumableStory>,
    /// The epic story being read: its own "Continue chapter N", beside the other.
    #[serde(default)]
    pub chapter_story: Option<ResumableStory>,
    /// The tier's profiles for memory mode; empty hides the toggle.
    pub profiles: Vec<super::profile::ProfileOption>,
    /// The tier's roster, for the start form's character picker; empty hides it.
    #[serde(default)]
    pub roster: Vec<super::profile::RosterOption>,
    /// The names of the tier's family (children first); empty hides the family toggle.
    #[serde(default)]
    pub family: Vec<String>,
    /// Video mode can be offered (a video model is configured and listed).
    pub video_available: bool,
    /// Recordings can be transcribed here (voice input where the browser cannot).
    pub speech_to_text: bool,
    /// The tier's story ideas, in a new order each visit (the first cards are shown).
    #[serde(default)]
    pub templates: Vec<super::template::StoryTemplate>,
    /// The tier's picture styles for the start form.
    #[serde(default)]
    pub styles: Vec<super::template::StyleOption>,
    /// The form starts a sequel of this story (`?sequel=`).
    #[serde(default)]
    pub sequel: Option<SequelStart>,
    /// Why the sequel asked for cannot be started.
    #[serde(default)]
    pub sequel_notice: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_going_adds_three_scenes_each_time_and_only_near_the_end() {
        let longer = LengthChange::Longer;
        assert_eq!(longer.target_after(3, 5), Some(8));
        assert_eq!(
            longer
                .target_after(8, 8)
                .and_then(|t| longer.target_after(8, t)),
            Some(14)
        );
        // Not on the first scene, not far from the end, never on an ending.
        assert!(!longer.offered(1, 3, false));
        assert!(!longer.offered(2, 7, false));
        assert!(longer.offered(5, 7, false));
        assert!(longer.offered(4, 5, false));
        assert!(!longer.offered(5, 5, true));
    }

    #[test]
    fn wrap_it_up_ends_within_one_or_two_scenes_and_never_lengthens() {
        let sooner = LengthChange::Sooner;
        assert_eq!(sooner.target_after(3, 7), Some(5));
        assert_eq!(sooner.target_after(2, 7), Some(4));
        assert_eq!(
            sooner.target_after(3, 5),
            None,
            "already ends within two scenes"
        );
        assert_eq!(sooner.target_after(4, 5), None);
        // A path that ran past its target (the model kept going): the next scene ends it.
        assert_eq!(sooner.target_after(6, 5), None);
        assert!(sooner.offered(2, 7, false));
        assert!(!sooner.offered(1, 7, false));
        assert!(!sooner.offered(3, 7, true));
        assert_eq!(
            sooner.done(3, 5),
            "The story ends within the next 2 scenes."
        );
        assert_eq!(sooner.done(3, 4), "The next scene is the ending.");
    }

    /// The start form as a browser posts it: every value a string, an unticked box absent.
    fn posted(fields: &[(&str, &str)]) -> StartInput {
        let map: serde_json::Map<String, serde_json::Value> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String((*v).to_owned())))
            .collect();
        serde_json::from_value(serde_json::Value::Object(map)).expect("a valid start form")
    }

    const FORM: [(&str, &str); 5] = [
        ("prompt", "a fox"),
        ("length", "short"),
        ("text_model", "gpt-4o"),
        ("image_model", ""),
        ("memory_profile", "p1"),
    ];

    #[test]
    fn the_profile_counts_only_with_memory_mode_ticked() {
        let off = posted(&FORM);
        assert_eq!(off.memory_profile, None);
        assert_eq!(
            off.image_model, None,
            "an empty picker means no image model"
        );
        assert!(!off.video_mode);
        let on = posted(
            &[
                FORM.as_slice(),
                &[("memory_mode", "on"), ("video_mode", "on")],
            ]
            .concat(),
        );
        assert_eq!(on.memory_profile.as_deref(), Some("p1"));
        assert!(on.video_mode);
    }

    #[test]
    fn the_app_s_own_call_round_trips() {
        let input = posted(&[FORM.as_slice(), &[("memory_mode", "on")]].concat());
        let again: StartInput =
            serde_json::from_value(serde_json::to_value(&input).expect("serialises"))
                .expect("deserialises");
        assert_eq!(again.memory_profile.as_deref(), Some("p1"));
        assert_eq!(again.prompt, "a fox");
    }

    #[test]
    fn prompt_is_trimmed_and_bounded() {
        assert_eq!(
            Prompt::parse("  a fox  ").map(|p| p.0),
            Ok("a fox".to_owned())
        );
        assert_eq!(Prompt::parse("   \n"), Err(PromptError::Empty));
        let long = "é".repeat(PROMPT_MAX_CHARS + 1);
        assert_eq!(
            Prompt::parse(&long),
            Err(PromptError::TooLong(PROMPT_MAX_CHARS + 1))
        );
        assert!(Prompt::parse(&"é".repeat(PROMPT_MAX_CHARS)).is_ok());
    }

    #[test]
    fn lengths_round_trip_and_grow() {
        for &l in StoryLength::ALL {
            assert_eq!(StoryLength::parse(l.key()), Some(l));
        }
        assert!(StoryLength::Short.target_depth() < StoryLength::Medium.target_depth());
        assert!(StoryLength::Medium.target_depth() < StoryLength::Long.target_depth());
        assert!(StoryLength::Long.target_depth() < StoryLength::Epic.target_depth());
        assert_eq!(StoryLength::parse("saga"), None);
    }

    #[test]
    fn chapters_are_counted_by_depth() {
        assert_eq!(chapter_place(1), (1, 1));
        assert_eq!(chapter_place(5), (1, 5));
        assert_eq!(chapter_place(6), (2, 1));
        assert_eq!(chapter_place(25), (5, 5));
        assert_eq!(chapter_count(StoryLength::Epic.target_depth()), 5);
        // "Keep going" on an epic story adds a short sixth chapter.
        assert_eq!(chapter_count(28), 6);
        let card = |depth, title: Option<&str>| {
            ChapterCard::opening(StoryLength::Epic, depth, title.map(str::to_owned))
        };
        assert_eq!(
            card(11, Some("The Lost Key")).map(|c| c.heading()),
            Some("Chapter 3: The Lost Key".to_owned())
        );
        assert_eq!(
            card(6, Some("  ")).map(|c| c.heading()),
            Some("Chapter 2".to_owned())
        );
        assert_eq!(card(7, Some("Not an opening")), None);
        assert_eq!(
            ChapterCard::opening(StoryLength::Long, 1, Some("T".into())),
            None
        );
    }
}
