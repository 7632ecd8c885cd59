//! A model selector grouped by provider (`<optgroup>`); lists only configured models by
//! name, and says under the selector what the chosen one means (its trade-off, once).

use leptos::prelude::*;

use crate::domain::story::ModelOption;

#[component]
pub fn ModelPicker(
    /// `id` of the `<select>`.
    id: &'static str,
    /// The field's name in the posted form.
    name: &'static str,
    label: &'static str,
    models: Vec<ModelOption>,
    selected: RwSignal<String>,
    /// Shown instead of the selector when no model is available.
    empty_message: &'static str,
) -> impl IntoView {
    if models.is_empty() {
        return view! { <p class="notice">{empty_message}</p> }.into_any();
    }
    let hints: Vec<(String, String)> = models
        .iter()
        .map(|m| (m.key.clone(), m.hint.clone()))
        .collect();
    let hint_id = format!("{id}_hint");
    let chosen_hint = move || {
        selected.with(|key| {
            hints
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, hint)| hint.clone())
                .unwrap_or_default()
        })
    };
    let mut groups: Vec<(String, Vec<ModelOption>)> = Vec::new();
    for m in models {
        match groups.iter_mut().find(|(p, _)| *p == m.provider_name) {
            Some((_, list)) => list.push(m),
            None => groups.push((m.provider_name.clone(), vec![m])),
        }
    }
    view! {
        <label for=id>{label}</label>
        <select
            id=id
            name=name
            aria-describedby=hint_id.clone()
            prop:value=move || selected.get()
            on:change=move |ev| selected.set(event_target_value(&ev))
        >
            {groups
                .into_iter()
                .map(|(provider, list)| {
                    view! {
                        <optgroup label=provider>
                            {list
                                .into_iter()
                                .map(|m| {
                                    let is_selected = selected.get_untracked() == m.key;
                                    view! {
                                        <option value=m.key selected=is_selected>
                                            {m.display_name}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </optgroup>
                    }
                })
                .collect_view()}
        </select>
        <p class="model-hint" id=hint_id>{chosen_hint}</p>
    }
    .into_any()
}
