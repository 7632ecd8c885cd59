//! Writes the scene JSON a real model would, deterministically from the prompt: it reads
//! the markers of our prompt contract (`Story idea:`, `Scene k of about n.`,
//! `This scene must be an ending.`, `The reader chose:`, a sequel's `This story follows an
//! earlier one, "…"`, an epic story's `This scene opens chapter N:`, a bedtime story's
//! `This is a bedtime story.`) so stories follow the idea.

use serde_json::{json, Value};

const TITLE_OPENINGS: &[&str] = &[
    "The Tale of",
    "The Adventure of",
    "The Mystery of",
    "The Journey of",
];
const TURNS: &[&str] = &[
    "A soft wind carried the smell of something new.",
    "Somewhere nearby, a little bell began to ring.",
    "The path ahead split in two, each way glowing faintly.",
    "A friendly voice called out from behind the old tree.",
    "Clouds drifted apart and sunlight painted everything gold.",
    "A curious map appeared, its lines shifting gently.",
    "Footsteps echoed, slow and steady, then stopped.",
    "A door that had not been there before stood open.",
];
/// Chapter names: `Chapter N` opens with the Nth (wrapping), so tests know each one.
pub const CHAPTER_NAMES: &[&str] = &[
    "The Road Begins",
    "Whispers in the Woods",
    "The Bridge of Stars",
    "A Storm Rolls In",
    "Home by Moonlight",
    "One Last Surprise",
];
const CHOICES: &[&str] = &[
    "Follow the glowing path",
    "Knock on the mysterious door",
    "Ask the friendly stranger for help",
    "Climb the tallest hill to look around",
    "Open the little wooden box",
    "Wait quietly and listen",
    "Follow the sound of the bell",
    "Read the shifting map",
    "Cross the narrow bridge",
    "Search the garden for clues",
    "Write a message and leave it behind",
    "Turn back and try another way",
];

/// What our prompt contract tells the simulator about the scene to write.
#[derive(Debug, PartialEq)]
pub(crate) struct SceneAsk<'a> {
    pub idea: &'a str,
    pub depth: u32,
    pub target: u32,
    pub must_end: bool,
    pub chosen: Option<&'a str>,
    /// The family characters listed (`- c1: Mia: …`), by id.
    pub characters: Vec<&'a str>,
    /// The first of them by name: a first scene names them, as a model told of a family does.
    pub first_name: Option<&'a str>,
    /// A sequel: the title of the story it follows (its first scene says so).
    pub earlier: Option<&'a str>,
    /// An epic story's scene that opens a chapter (`This scene opens chapter N:`): N.
    pub opens_chapter: Option<u32>,
    /// A bedtime story (`This is a bedtime story.`): its ending falls asleep.
    pub bedtime: bool,
}

pub(crate) fn read_ask(text: &str) -> SceneAsk<'_> {
    let mut ask = SceneAsk {
        idea: text.trim(),
        depth: 1,
        target: 3,
        must_end: false,
        chosen: None,
        characters: Vec::new(),
        first_name: None,
        earlier: None,
        opens_chapter: None,
        bedtime: false,
    };
    for line in text.lines().map(str::trim) {
        if let Some(idea) = line.strip_prefix("Story idea:") {
            ask.idea = idea.trim();
        } else if let Some(rest) = line
            .strip_prefix("Scene ")
            .and_then(|r| r.strip_suffix('.'))
        {
            if let Some((k, n)) = rest.split_once(" of about ") {
                if let (Ok(k), Ok(n)) = (k.parse(), n.parse()) {
                    ask.depth = k;
                    ask.target = n;
                }
            }
        } else if let Some(rest) = line.strip_prefix("This story follows an earlier one, \"") {
            ask.earlier = rest.split_once('"').map(|(title, _)| title);
        } else if let Some(rest) = line.strip_prefix("This scene opens chapter ") {
            ask.opens_chapter = rest.split(':').next().and_then(|n| n.trim().parse().ok());
        } else if line == "This is a bedtime story." {
            ask.bedtime = true;
        } else if line == "This scene must be an ending." {
            ask.must_end = true;
        } else if let Some(label) = line.strip_prefix("The reader chose:") {
            ask.chosen = Some(label.trim());
        } else if let Some((id, _)) = line.strip_prefix("- c").and_then(|r| r.split_once(':')) {
            if id.parse::<u32>().is_ok() {
                ask.characters.push(&line[2..2 + 1 + id.len()]);
                let rest = &line[2 + 1 + id.len() + 1..];
                if ask.first_name.is_none() {
                    ask.first_name = rest.split(':').next().map(str::trim);
                }
            }
        }
    }
    ask
}

/// FNV-1a: stable across runs and platforms, unlike the std hasher.
pub(crate) fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn pick<'a>(list: &[&'a str], seed: u64) -> &'a str {
    list[(seed % list.len() as u64) as usize]
}

/// Words a shortened title should not end on.
const DANGLING: &[&str] = &["a", "an", "and", "is", "of", "the", "to", "who", "with"];

fn title_case(words: &str) -> String {
    let mut kept: Vec<&str> = words.split_whitespace().take(7).collect();
    while kept.len() > 1
        && kept
            .last()
            .is_some_and(|w| DANGLING.contains(&w.to_lowercase().as_str()))
    {
        kept.pop();
    }
    kept.into_iter()
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The scene JSON for a user message.
pub(crate) fn scene_json(user_text: &str) -> Value {
    let ask = read_ask(user_text);
    let seed = fnv(user_text);
    let idea = ask.idea.trim_end_matches('.');
    let ending = ask.must_end || ask.depth >= ask.target;
    let mut narrative = match (ask.chosen, ask.first_name) {
        (None, Some(name)) => format!(
            "Once upon a time there was {}, and {name} was there to see it.",
            lowercase_first(idea)
        ),
        (None, None) => format!("Once upon a time there was {}.", lowercase_first(idea)),
        (Some(label), _) => format!("You decided to {}.", lowercase_first(label)),
    };
    if let (Some(title), None) = (ask.earlier, ask.chosen) {
        narrative.insert_str(
            0,
            &format!("After the adventure of \"{title}\", a new day began. "),
        );
    }
    narrative.push(' ');
    narrative.push_str(pick(TURNS, seed));
    narrative.push_str(&format!(
        " Everything about {} felt a little different now.",
        lowercase_first(idea)
    ));
    let choices: Vec<&str> = if ending && ask.bedtime {
        narrative.push_str(&format!(
            "\nAnd so the story of {} came to a quiet close: everyone snuggled down, warm and sleepy, and fell fast asleep. Goodnight.",
            lowercase_first(idea)
        ));
        Vec::new()
    } else if ending {
        narrative.push_str(&format!(
            "\nAnd so the story of {} came to its close, and everyone rested happily. The End.",
            lowercase_first(idea)
        ));
        Vec::new()
    } else {
        narrative.push('\n');
        // A second, different turn of events.
        let first = (seed % TURNS.len() as u64) as usize;
        let offset = 1 + ((seed >> 8) % (TURNS.len() as u64 - 1)) as usize;
        narrative.push_str(TURNS[(first + offset) % TURNS.len()]);
        let count = 2 + (seed >> 16) % 3;
        let mut picked = Vec::new();
        let mut s = seed >> 20;
        while picked.len() < count as usize {
            let c = pick(CHOICES, s);
            if !picked.contains(&c) {
                picked.push(c);
            }
            s = s.wrapping_mul(31).wrapping_add(7);
        }
        picked
    };
    json!({
        "characters": present(&ask),
        "title": (ask.depth == 1).then(|| format!("{} {}", pick(TITLE_OPENINGS, seed >> 4), title_case(idea))),
        "narrative": narrative,
        "image_prompt": format!("A storybook illustration of {}, scene {}.", lowercase_first(idea), ask.depth),
        "choices": choices,
        "is_ending": ending,
        "chapter_title": ask
            .opens_chapter
            .map(|n| CHAPTER_NAMES[(n.max(1) as usize - 1) % CHAPTER_NAMES.len()]),
    })
}

/// The answer to a recap request (`Recap the story so far.`, then the idea and the
/// scenes with the choices taken): "So far: …", naming the idea and each choice taken, in
/// order; `None` for any other request.
pub(crate) fn recap_json(user_text: &str) -> Option<Value> {
    let mut lines = user_text.lines().map(str::trim);
    lines.find(|l| *l == "Recap the story so far.")?;
    let mut idea = "";
    let mut taken = Vec::new();
    for line in lines {
        if let Some(rest) = line.strip_prefix("Story idea:") {
            idea = rest.trim().trim_end_matches('.');
        } else if let Some(label) = line.strip_prefix("The reader then chose:") {
            taken.push(lowercase_first(label.trim()));
        }
    }
    let mut recap = format!("So far: {}.", lowercase_first(idea));
    if !taken.is_empty() {
        recap.push_str(&format!(" You chose to {}.", taken.join(", then to ")));
    }
    Some(json!({ "recap": recap }))
}

/// Who is in the scene: everyone in the first; later, every character but one in three
/// (which one turns with the depth), so tests see scenes without some of them. A story with
/// one character has it in every scene.
fn present<'a>(ask: &SceneAsk<'a>) -> Vec<&'a str> {
    if ask.depth == 1 || ask.characters.len() < 2 {
        return ask.characters.clone();
    }
    ask.characters
        .iter()
        .enumerate()
        .filter(|(n, _)| !(*n as u32 + 1 + ask.depth).is_multiple_of(3))
        .map(|(_, id)| *id)
        .collect()
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if !text.starts_with("I ") => first.to_lowercase().chain(chars).collect(),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIRST: &str = "Story idea: A shy dragon\nScene 1 of about 3.\n";

    #[test]
    fn reads_the_prompt_contract() {
        let ask = read_ask("Story idea: a fox\nScene 3 of about 5.\nThis scene must be an ending.\n- c1: Mia: six\n- c2: Leo: four\n- cx: not one\nThe reader chose: Run\n");
        assert_eq!(
            ask,
            SceneAsk {
                idea: "a fox",
                depth: 3,
                target: 5,
                must_end: true,
                chosen: Some("Run"),
                characters: vec!["c1", "c2"],
                first_name: Some("Mia"),
                earlier: None,
                opens_chapter: None,
                bedtime: false,
            }
        );
    }

    #[test]
    fn a_chapter_opening_scene_names_its_chapter() {
        let ask = "Story idea: a voyage\nScene 6 of about 25.\nThis scene opens chapter 2: give it a chapter_title of 2 to 6 words.\n";
        assert_eq!(scene_json(ask)["chapter_title"], json!(CHAPTER_NAMES[1]));
        assert_eq!(scene_json(FIRST)["chapter_title"], Value::Null);
    }

    #[test]
    fn a_recap_names_the_idea_and_the_choices_taken() {
        let ask = "Recap the story so far.\nStory idea: A fox.\nScene 1: Once.\nThe reader then chose: Run away\nScene 2: Then.\n";
        assert_eq!(
            recap_json(ask),
            Some(json!({ "recap": "So far: a fox. You chose to run away." }))
        );
        assert_eq!(recap_json(FIRST), None);
    }

    #[test]
    fn a_sequels_first_scene_follows_the_story_before() {
        let ask = "Story idea: more\nScene 1 of about 3.\nThis story follows an earlier one, \"The Fox\". How it ended:\nThe fox slept.\n";
        let scene = scene_json(ask);
        assert!(scene["narrative"]
            .as_str()
            .is_some_and(|n| n.starts_with("After the adventure of \"The Fox\"")));
        let later = scene_json(&format!("{ask}The reader chose: Run\n"));
        assert!(later["narrative"]
            .as_str()
            .is_some_and(|n| n.starts_with("You decided")));
    }

    #[test]
    fn scenes_name_who_is_in_them() {
        let family = "- c1: Mia: six\n- c2: Leo: four\n- c3: Ada: two\n";
        let at = |depth: u32| {
            scene_json(&format!(
                "Story idea: a fox\nScene {depth} of about 5.\n{family}"
            ))["characters"]
                .clone()
        };
        assert_eq!(at(1), json!(["c1", "c2", "c3"]));
        let first = scene_json(&format!("Story idea: a fox\nScene 1 of about 5.\n{family}"));
        assert!(first["narrative"]
            .as_str()
            .is_some_and(|n| n.contains("Mia was there")));
        assert_eq!(at(2), json!(["c2", "c3"]));
        assert_eq!(at(3), json!(["c1", "c2"]));
        assert_eq!(scene_json(FIRST)["characters"], json!([]));
    }

    #[test]
    fn first_scene_has_a_title_from_the_idea_and_two_to_four_choices() {
        let scene = scene_json(FIRST);
        assert!(scene["title"]
            .as_str()
            .is_some_and(|t| t.contains("Shy Dragon")));
        assert!(scene["narrative"]
            .as_str()
            .is_some_and(|n| n.contains("shy dragon")));
        let n = scene["choices"].as_array().map(Vec::len).unwrap_or(0);
        assert!((2..=4).contains(&n));
        assert_eq!(scene["is_ending"], json!(false));
    }

    #[test]
    fn scenes_are_deterministic_and_endings_have_no_choices() {
        assert_eq!(scene_json(FIRST), scene_json(FIRST));
        let end = scene_json("Story idea: x\nScene 3 of about 3.\nThe reader chose: Go\n");
        assert_eq!(end["is_ending"], json!(true));
        assert_eq!(end["choices"], json!([]));
        assert_eq!(end["title"], Value::Null);
        assert!(end["narrative"]
            .as_str()
            .is_some_and(|n| n.contains("You decided to go")));
    }

    #[test]
    fn long_ideas_make_titles_that_do_not_dangle() {
        assert_eq!(
            title_case("a little dragon who is afraid of the dark"),
            "A Little Dragon Who Is Afraid"
        );
        assert_eq!(title_case("the"), "The");
    }

    #[test]
    fn unmarked_text_still_gets_a_scene() {
        let scene = scene_json("just some words");
        assert!(scene["narrative"]
            .as_str()
            .is_some_and(|n| n.contains("just some words")));
    }
}
