//! A scene's text as paragraphs, the same in play and in the reader. Each sentence is a span
//! of its own, numbered through the scene, so read aloud can highlight the one being said
//! (a background only: the text never moves).

use leptos::prelude::*;

use crate::domain::read_aloud::sentences;

#[component]
pub fn Narrative(
    text: String,
    /// The sentence being read aloud, if any.
    #[prop(optional)]
    spoken: Option<RwSignal<Option<usize>>>,
) -> impl IntoView {
    let mut number = 0usize;
    let paragraphs: Vec<Vec<(usize, String)>> = text
        .split('\n')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            sentences(p)
                .into_iter()
                .map(|(s, e)| {
                    number += 1;
                    (number - 1, p[s..e].to_owned())
                })
                .collect()
        })
        .collect();
    view! {
        <div class="scene-narrative">
            {paragraphs
                .into_iter()
                .map(|sentences| {
                    let last = sentences.len().saturating_sub(1);
                    view! {
                        <p>
                            {sentences
                                .into_iter()
                                .enumerate()
                                .map(|(k, (n, words))| {
                                    let said = move || spoken.is_some_and(|s| s.get() == Some(n));
                                    let gap = (k < last).then_some(" ");
                                    view! { <span class="sentence" class:spoken=said>{words}</span>{gap} }
                                })
                                .collect_view()}
                        </p>
                    }
                })
                .collect_view()}
        </div>
    }
}
