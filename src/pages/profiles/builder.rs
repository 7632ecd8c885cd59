//! The character builder on the character form: a row of pills per trait (hair, eyes, skin,
//! height, temperament, energy, clothes, style). A tap picks one and rewrites the builder's
//! sentences at the start of the description, keeping what was typed after them; a whole
//! character takes a name and a few taps. The pills are radio buttons, so a plain form post
//! (before the app starts) sends the picks and the server writes the description from them.

use leptos::prelude::*;

use crate::domain::character_traits::{describe, rewrite, GROUPS};
use crate::domain::profile::CharacterInput;

#[component]
pub(super) fn TraitPicker(fields: RwSignal<CharacterInput>) -> impl IntoView {
    let rows = GROUPS
        .iter()
        .map(|group| {
            let pills = group
                .options
                .iter()
                .map(|(value, words)| {
                    let picked = move || fields.with(|f| f.traits.get(group.key).map(String::as_str) == Some(*value));
                    view! {
                        <label class="pill">
                            <input
                                type="radio"
                                name=format!("input[traits][{}]", group.key)
                                value=*value
                                checked=picked
                                prop:checked=picked
                                on:change=move |_| {
                                    fields.update(|f| {
                                        let before = describe(&f.traits);
                                        f.traits.insert(group.key.to_owned(), (*value).to_owned());
                                        f.description = rewrite(&f.description, &before, &describe(&f.traits));
                                    })
                                }
                            />
                            <span>{*words}</span>
                        </label>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="trait-group" data-trait=group.key>
                    <legend>{group.label}</legend>
                    <div class="pills">{pills}</div>
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <details class="builder" open=fields.with_untracked(|f| f.description.is_empty())>
            <summary>"Build with taps"</summary>
            <p class="builder-hint">"Tap what fits; the description below writes itself. Add anything else in your own words after it."</p>
            {rows}
        </details>
    }
    .into_any()
}
