//! A button that does one thing on the server (delete, start fresh, retry), as a small form.
//!
//! Once the app runs, pressing it calls `on_press` with the server function's arguments
//! (the page's own action, no reload). Before that, or with JavaScript off, the browser
//! posts the same arguments as the form's hidden fields to the server function and comes
//! back to this page, which the server renders as it now is; a failure comes back in the
//! page's address and shows where the action's error is shown.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::Serialize;

#[component]
pub fn PostButton<S>(
    /// The server function's arguments.
    input: S,
    label: &'static str,
    /// The button's class.
    class: &'static str,
    /// True while the action runs (the button is disabled).
    #[prop(into, optional)]
    pending: Signal<bool>,
    on_press: Callback<S>,
) -> impl IntoView
where
    S: ServerFn + Serialize + Clone + Send + Sync + 'static,
{
    let hidden = form_fields(&input)
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
        .collect_view();
    view! {
        <form
            class="post-button"
            method="post"
            action=S::url()
            on:submit=move |ev| {
                ev.prevent_default();
                on_press.run(input.clone());
            }
        >
            {hidden}
            <button type="submit" class=class disabled=move || pending.get()>
                {label}
            </button>
        </form>
    }
}

/// A server function's flat arguments as form fields (name, value); an absent one is left
/// out, as a form leaves out an empty field.
pub fn form_fields(input: &impl Serialize) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(input) else {
        return Vec::new();
    };
    fields
        .into_iter()
        .filter_map(|(name, value)| match value {
            serde_json::Value::Null => None,
            serde_json::Value::String(text) => Some((name, text)),
            other => Some((name, other.to_string())),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Args {
        tier: String,
        id: Option<String>,
        kind: &'static str,
        count: u32,
    }

    #[test]
    fn arguments_become_hidden_fields() {
        let args = Args {
            tier: "kids".into(),
            id: None,
            kind: "image",
            count: 2,
        };
        let mut fields = form_fields(&args);
        fields.sort();
        assert_eq!(
            fields,
            [("count", "2"), ("kind", "image"), ("tier", "kids")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }
}
