//! A scene's text as paragraphs, the same in play and in the reader. Each sentence is a span
//! of its own, in the order read aloud says them, so the one being said can be highlighted
//! (a background only: the text never moves).

use leptos::prelude::*;

use crate::domain::read_aloud::sentences;

#[component]
pub fn Narrative(text: String) -> impl IntoView {
    view! {
        <div class="scene-narrative">
            {text
                .split('\n')
                .filter(|p| !p.trim().is_empty())
                .map(|p| {
                    let said = sentences(p);
                    let last = said.len().saturating_sub(1);
                    let spans = said
                        .into_iter()
                        .enumerate()
                        .map(|(k, (s, e))| {
                            let gap = (k < last).then_some(" ");
                            view! { <span class="sentence">{p[s..e].to_owned()}</span>{gap} }
                        })
                        .collect_view();
                    view! { <p>{spans}</p> }
                })
                .collect_view()}
        </div>
    }
}
