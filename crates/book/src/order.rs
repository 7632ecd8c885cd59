//! The order a book tells a branching story in: the main path first, the one
//! the reader last followed, carried on to an end by each scene's first explored choice;
//! then every other branch, each labelled with the scene and the choice where it leaves
//! the path it grows from, in the order those choices come while reading. Every explored
//! scene appears exactly once. Pure, so it is tested without a store.

use std::collections::{HashMap, HashSet};

/// A scene's place in the explored tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeScene {
    pub id: String,
    /// The scene whose choice led here; `None` for the first scene.
    pub parent_id: Option<String>,
    /// The words of that choice.
    pub choice_label: Option<String>,
    /// The choice's place among its scene's choices (orders siblings).
    pub choice_position: u32,
}

/// Where a branch leaves the story told before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fork {
    /// The scene whose choice starts the branch.
    pub at: String,
    /// That choice's words.
    pub choice: String,
}

/// One run of scenes read one after another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// `None` for the main path.
    pub fork: Option<Fork>,
    pub scenes: Vec<String>,
}

/// The story's scenes as parts, main path first; `last` is where the reader last was.
pub fn reading_order(scenes: &[TreeScene], last: Option<&str>) -> Vec<Part> {
    let position: HashMap<&str, usize> = scenes
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, scene) in scenes.iter().enumerate() {
        if let Some(parent) = scene
            .parent_id
            .as_deref()
            .filter(|p| position.contains_key(p))
        {
            children.entry(parent).or_default().push(i);
        }
    }
    for kids in children.values_mut() {
        kids.sort_by_key(|&i| scenes[i].choice_position);
    }
    let Some(root) = scenes
        .iter()
        .position(|s| s.parent_id.is_none())
        .or((!scenes.is_empty()).then_some(0))
    else {
        return Vec::new();
    };

    // The main path: from the first scene down to where the reader last was.
    let mut main = Vec::new();
    let mut cursor = last.and_then(|id| position.get(id).copied());
    let mut seen = HashSet::new();
    while let Some(i) = cursor.filter(|i| seen.insert(*i)) {
        main.push(i);
        cursor = scenes[i]
            .parent_id
            .as_deref()
            .and_then(|p| position.get(p).copied());
    }
    main.reverse();
    if main.first() != Some(&root) {
        main = vec![root];
    }

    let mut placed: HashSet<usize> = main.iter().copied().collect();
    let carry_on = |path: &mut Vec<usize>, placed: &mut HashSet<usize>| {
        while let Some(&next) = path
            .last()
            .and_then(|&i| children.get(scenes[i].id.as_str()))
            .and_then(|kids| kids.iter().find(|k| !placed.contains(k)))
        {
            placed.insert(next);
            path.push(next);
        }
    };
    carry_on(&mut main, &mut placed);

    let mut parts = vec![(None, main)];
    let mut next = 0;
    while next < parts.len() {
        let path = parts[next].1.clone();
        for at in path {
            for &child in children.get(scenes[at].id.as_str()).into_iter().flatten() {
                if !placed.insert(child) {
                    continue;
                }
                let mut branch = vec![child];
                carry_on(&mut branch, &mut placed);
                let fork = Fork {
                    at: scenes[at].id.clone(),
                    choice: scenes[child].choice_label.clone().unwrap_or_default(),
                };
                parts.push((Some(fork), branch));
            }
        }
        next += 1;
    }
    // Scenes cut off from the tree (a parent lost): told last rather than dropped.
    let stray: Vec<usize> = (0..scenes.len()).filter(|i| !placed.contains(i)).collect();
    if !stray.is_empty() {
        parts.push((None, stray));
    }
    parts
        .into_iter()
        .map(|(fork, run)| Part {
            fork,
            scenes: run.into_iter().map(|i| scenes[i].id.clone()).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene(id: &str, parent: Option<&str>, position: u32) -> TreeScene {
        TreeScene {
            id: id.into(),
            parent_id: parent.map(Into::into),
            choice_label: parent.map(|_| format!("to {id}")),
            choice_position: position,
        }
    }

    /// A tree and where the reader last was.
    struct Story<'a>(Vec<TreeScene>, Option<&'a str>);

    fn story(scenes: Vec<TreeScene>, last: Option<&str>) -> Story<'_> {
        Story(scenes, last)
    }

    fn reading_order(story: &Story<'_>) -> Vec<Part> {
        super::reading_order(&story.0, story.1)
    }

    fn ids(parts: &[Part]) -> Vec<Vec<&str>> {
        parts
            .iter()
            .map(|p| p.scenes.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn a_linear_story_is_one_part() {
        let map = story(
            vec![
                scene("a", None, 0),
                scene("b", Some("a"), 1),
                scene("c", Some("b"), 0),
            ],
            Some("c"),
        );
        let parts = reading_order(&map);
        assert_eq!(ids(&parts), vec![vec!["a", "b", "c"]]);
        assert_eq!(parts[0].fork, None);
    }

    #[test]
    fn the_path_last_read_comes_first_then_branches_by_their_fork() {
        //      a
        //    /   \
        //   b     c        the reader last was at e
        //  / \    |
        // d   e   f
        let map = story(
            vec![
                scene("a", None, 0),
                scene("b", Some("a"), 0),
                scene("c", Some("a"), 1),
                scene("d", Some("b"), 0),
                scene("e", Some("b"), 2),
                scene("f", Some("c"), 0),
            ],
            Some("e"),
        );
        let parts = reading_order(&map);
        assert_eq!(
            ids(&parts),
            vec![vec!["a", "b", "e"], vec!["c", "f"], vec!["d"]]
        );
        assert_eq!(
            parts[1].fork,
            Some(Fork {
                at: "a".into(),
                choice: "to c".into()
            })
        );
        assert_eq!(parts[2].fork.as_ref().map(|f| f.at.as_str()), Some("b"));
    }

    #[test]
    fn the_main_path_goes_on_past_the_last_scene_read() {
        let map = story(
            vec![
                scene("a", None, 0),
                scene("b", Some("a"), 1),
                scene("c", Some("b"), 1),
                scene("d", Some("b"), 0),
            ],
            Some("a"),
        );
        assert_eq!(
            ids(&reading_order(&map)),
            vec![vec!["a", "b", "d"], vec!["c"]]
        );
    }

    #[test]
    fn every_scene_once_even_with_a_lost_parent_or_no_last_scene() {
        let map = story(
            vec![
                scene("a", None, 0),
                scene("b", Some("a"), 0),
                scene("x", Some("gone"), 0),
            ],
            None,
        );
        assert_eq!(ids(&reading_order(&map)), vec![vec!["a", "b"], vec!["x"]]);
        assert!(reading_order(&story(Vec::new(), None)).is_empty());
    }
}
