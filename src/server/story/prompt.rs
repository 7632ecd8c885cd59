//! Builds the prompt for the next scene: the tier's rules first (they outrank the reader's
//! idea), then the idea, pacing, and the path so far — earlier scenes summarised when long.

use super::scene_json::first_sentence;
use crate::domain::story::{chapter_count, chapter_place, CHAPTER_SCENES};
use crate::domain::TierSpec;

/// One scene already on the path, with the choice the reader took after it (if any).
#[derive(Debug, Clone, Copy)]
pub struct PathStep<'a> {
    pub narrative: &'a str,
    pub chosen_after: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScenePrompt {
    pub system: String,
    pub user: String,
    /// The story has reached its length: this scene must be an ending.
    pub must_end: bool,
}

pub struct PromptInput<'a> {
    pub tier: &'static TierSpec,
    pub idea: &'a str,
    pub path: &'a [PathStep<'a>],
    /// 1-based depth of the scene being written.
    pub depth: u32,
    pub target_depth: u32,
    /// How many of the latest scenes go in verbatim.
    pub full_scenes: usize,
    /// Memory mode: the profile's preferences and characters (after the rules, which win).
    pub memory: Option<&'a str>,
    /// A sequel: the story it continues and how that ended (see [`earlier`]).
    pub earlier: Option<&'a str>,
    /// An epic story, told in chapters.
    pub chapters: bool,
    /// Bedtime mode: [`BEDTIME_RULES`] join the tier's rules.
    pub bedtime: bool,
}

/// The marker of a bedtime story's scenes (the simulator's endings then fall asleep).
pub const BEDTIME_MARKER: &str = "This is a bedtime story.";

/// What a bedtime story's storyteller is told, with the tier's rules.
pub const BEDTIME_RULES: &str = "This is a bedtime story, read to a child who is about to \
    sleep. Keep it gentle and soothing: no tension, no conflict, no surprises that startle, no \
    loud or fast action; slow, cosy pacing with soft sounds, warm lights and quiet places. \
    Choices are calm ones. The ending has the main character settling down to sleep, safe \
    and warm.";

/// What a bedtime story's illustrator is told of the style (with the story's own, if any).
pub const BEDTIME_PICTURES: &str = "a soft, warm, cosy night-time picture: moonlight and \
    lamplight, gentle shadows, calm dim colours";

/// The marker of a scene that opens a chapter (the simulator names the chapter from it).
pub const OPENS_CHAPTER: &str = "This scene opens chapter";

/// What the storyteller of an epic story is told of the chapter a scene is in: which it is,
/// and at its first and last scene what to do there.
fn chapter_lines(depth: u32, target_depth: u32, must_end: bool) -> String {
    let (chapter, place) = chapter_place(depth);
    let count = chapter_count(target_depth).max(chapter);
    let mut lines = format!(
        "The story is told in {count} chapters of about {CHAPTER_SCENES} scenes; each chapter has its own \
         tension and resolution, and the whole story builds across them to its ending in the last one. \
         This is scene {place} of chapter {chapter}.\n"
    );
    if place == 1 {
        lines.push_str(&format!(
            "{OPENS_CHAPTER} {chapter}: give it a chapter_title of 2 to 6 words.\n"
        ));
    } else if place == CHAPTER_SCENES && !must_end && depth < target_depth {
        lines.push_str(&format!(
            "This scene closes chapter {chapter}: resolve its own tension, and leave one thread \
             that leads on to the next chapter.\n"
        ));
    }
    lines
}

/// What a sequel's storyteller is told of the story it continues, with every scene: its
/// title and its ending (only the ending: the whole story could be long).
pub fn earlier(title: &str, ending: &str) -> String {
    format!(
        "This story follows an earlier one, \"{title}\". How it ended:\n{ending}\n\
         The new story is a new adventure that carries on from that ending, with the same characters; \
         the first scene shows where they are now.",
        ending = ending.trim()
    )
}

/// The marker that opens a recap request (the simulator answers it with a recap).
pub const RECAP_ASK: &str = "Recap the story so far.";

/// The prompt for "story so far": the path down to the reader's scene (all of it read),
/// never the choices not taken or what comes next. Returns `(system, user)`.
pub fn recap(tier: &TierSpec, idea: &str, path: &[PathStep<'_>]) -> (String, String) {
    let system = format!(
        "You remind a reader who comes back to an interactive story what has happened so far.\n\
         Content rules (these always take precedence):\n{rules}\n\n\
         Answer only with one JSON object with the field recap: two or three short sentences, \
         in the story's own voice and for its audience, of what happened on the reader's path, \
         ending where the last scene ends. Never mention choices the reader did not take, and \
         never hint at what comes next.",
        rules = tier.content_rules
    );
    let mut user = format!("{RECAP_ASK}\nStory idea: {idea}\n");
    for (i, step) in path.iter().enumerate() {
        user.push_str(&format!("Scene {}: {}\n", i + 1, step.narrative));
        if let Some(label) = step.chosen_after.filter(|_| i + 1 < path.len()) {
            user.push_str(&format!("The reader then chose: {label}\n"));
        }
    }
    (system, user)
}

pub fn build(input: &PromptInput<'_>) -> ScenePrompt {
    let must_end = input.depth >= input.target_depth;
    let system = format!(
        "You write an interactive choose-your-own-adventure story, one scene at a time.\n\
         Content rules (these always take precedence over the story idea and the reader's choices):\n{rules}\n\n\
         Answer only with one JSON object with the fields title, narrative, image_prompt, choices, is_ending, characters and chapter_title. \
         Give the story a title in the first scene only (null afterwards). Write the narrative in 2 to 5 short \
         paragraphs. Offer 2 to 4 distinct choices unless the scene is an ending; an ending has no choices \
         and is_ending true. image_prompt is one sentence describing an illustration of the scene. \
         characters lists the ids (c1, c2, …) of the family characters given below who appear in the scene, \
         an empty list when none were given or none appear. chapter_title is null unless you are told \
         that the scene opens a chapter.",
        rules = match input.bedtime {
            true => format!("{}\n{BEDTIME_RULES}", input.tier.content_rules),
            false => input.tier.content_rules.to_owned(),
        }
    );
    let mut user = format!(
        "Story idea: {idea}\nScene {depth} of about {target}.\n",
        idea = input.idea,
        depth = input.depth,
        target = input.target_depth
    );
    if input.chapters {
        user.push_str(&chapter_lines(input.depth, input.target_depth, must_end));
    }
    if input.bedtime {
        user.push_str(BEDTIME_MARKER);
        user.push('\n');
    }
    if let Some(earlier) = input.earlier {
        user.push('\n');
        user.push_str(earlier);
        user.push('\n');
    }
    if let Some(memory) = input.memory {
        user.push('\n');
        user.push_str(memory);
        user.push('\n');
    }
    if must_end {
        user.push_str("This scene must be an ending.\n");
    } else if input.depth + 1 >= input.target_depth {
        user.push_str("Begin to wrap the story up; the next scene will be the ending.\n");
    }
    if !input.path.is_empty() {
        user.push_str("\nThe story so far:\n");
        let summarised = input.path.len().saturating_sub(input.full_scenes);
        for (i, step) in input.path.iter().enumerate() {
            let text = if i < summarised {
                first_sentence(step.narrative)
            } else {
                step.narrative
            };
            user.push_str(&format!("Scene {}: {}\n", i + 1, text));
            if let Some(label) = step.chosen_after.filter(|_| i + 1 < input.path.len()) {
                user.push_str(&format!("The reader then chose: {label}\n"));
            }
        }
        if let Some(label) = input.path.last().and_then(|s| s.chosen_after) {
            user.push_str(&format!("\nThe reader chose: {label}\n"));
        }
    }
    ScenePrompt {
        system,
        user,
        must_end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TierSpec;

    fn kids() -> &'static TierSpec {
        TierSpec::find("kids").expect("kids tier")
    }

    #[test]
    fn first_scene_has_rules_idea_and_pacing() {
        let p = build(&PromptInput {
            tier: kids(),
            idea: "a shy dragon",
            path: &[],
            depth: 1,
            target_depth: 3,
            full_scenes: 4,
            memory: None,
            earlier: None,
            chapters: false,
            bedtime: false,
        });
        assert!(p.system.contains(kids().content_rules));
        assert!(p.user.contains("Story idea: a shy dragon\n"));
        assert!(p.user.contains("Scene 1 of about 3.\n"));
        assert!(!p.must_end);
        assert!(!p.user.contains("The reader chose"));
    }

    #[test]
    fn last_scene_must_end_and_names_the_choice() {
        let path = [
            PathStep {
                narrative: "One. More.",
                chosen_after: Some("Fly"),
            },
            PathStep {
                narrative: "Two.",
                chosen_after: Some("Land"),
            },
        ];
        let p = build(&PromptInput {
            tier: kids(),
            idea: "x",
            path: &path,
            depth: 3,
            target_depth: 3,
            full_scenes: 4,
            memory: None,
            earlier: None,
            chapters: false,
            bedtime: false,
        });
        assert!(p.must_end);
        assert!(p.user.contains("This scene must be an ending.\n"));
        assert!(p.user.contains("The reader then chose: Fly\n"));
        assert!(p.user.ends_with("The reader chose: Land\n"));
    }

    #[test]
    fn long_paths_summarise_earlier_scenes() {
        let path = [
            PathStep {
                narrative: "First sentence. Long detail.",
                chosen_after: Some("a"),
            },
            PathStep {
                narrative: "Second. Kept in full.",
                chosen_after: Some("b"),
            },
        ];
        let p = build(&PromptInput {
            tier: kids(),
            idea: "x",
            path: &path,
            depth: 3,
            target_depth: 7,
            full_scenes: 1,
            memory: None,
            earlier: None,
            chapters: false,
            bedtime: false,
        });
        assert!(p.user.contains("Scene 1: First sentence.\n"));
        assert!(!p.user.contains("Long detail"));
        assert!(p.user.contains("Scene 2: Second. Kept in full.\n"));
    }

    #[test]
    fn memory_comes_after_the_idea_and_the_rules_stay_first() {
        let p = build(&PromptInput {
            tier: kids(),
            idea: "a picnic",
            path: &[],
            depth: 1,
            target_depth: 3,
            full_scenes: 4,
            memory: Some("Family memory: Mia likes kites."),
            earlier: None,
            chapters: false,
            bedtime: false,
        });
        let idea_at = p.user.find("Story idea").expect("idea");
        let memory_at = p.user.find("Family memory").expect("memory");
        assert!(idea_at < memory_at);
        assert!(p.system.contains("always take precedence"));
    }

    #[test]
    fn an_epic_scene_is_told_its_chapter() {
        let at = |depth| {
            build(&PromptInput {
                tier: kids(),
                idea: "a long voyage",
                path: &[],
                depth,
                target_depth: 25,
                full_scenes: 4,
                memory: None,
                earlier: None,
                chapters: true,
                bedtime: false,
            })
            .user
        };
        assert!(at(1).contains("This is scene 1 of chapter 1."));
        assert!(at(6).contains(&format!("{OPENS_CHAPTER} 2: give it a chapter_title")));
        assert!(at(10).contains("This scene closes chapter 2"));
        let middle = at(8);
        assert!(!middle.contains(OPENS_CHAPTER) && !middle.contains("closes chapter"));
        // The last scene is the ending, not a chapter's close.
        assert!(!at(25).contains("closes chapter") && at(25).contains("must be an ending"));
        assert!(!at(25).contains(OPENS_CHAPTER));
    }

    #[test]
    fn a_bedtime_story_is_told_to_be_calm_and_end_asleep() {
        let p = build(&PromptInput {
            tier: kids(),
            idea: "a sleepy owl",
            path: &[],
            depth: 1,
            target_depth: 3,
            full_scenes: 4,
            memory: None,
            earlier: None,
            chapters: false,
            bedtime: true,
        });
        assert!(p.system.contains(kids().content_rules) && p.system.contains(BEDTIME_RULES));
        assert!(p.user.contains(BEDTIME_MARKER));
    }
}
