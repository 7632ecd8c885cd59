//! How plain HTML forms say things, for inputs that both a form post (before hydration, or
//! with JavaScript off) and the app's own calls send.

use serde::de::{self, Deserializer, Visitor};

/// A checkbox: a form sends `on` when it is ticked and nothing at all when it is not (so the
/// field needs `#[serde(default)]` too); the app's own calls send `true` or `false`.
pub fn checkbox<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    struct Ticked;

    impl Visitor<'_> for Ticked {
        type Value = bool;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a checkbox value (on, true or false)")
        }

        fn visit_bool<E: de::Error>(self, value: bool) -> Result<bool, E> {
            Ok(value)
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<bool, E> {
            match value {
                "on" | "true" | "1" => Ok(true),
                "" | "off" | "false" | "0" => Ok(false),
                other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
            }
        }
    }

    deserializer.deserialize_any(Ticked)
}

/// A select or text field left empty means "none".
pub fn filled(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// The markup for `text` as the content of a `<textarea>`. Leptos writes a textarea's
/// children as they are (tachys treats it like `<script>`), so text holding `</textarea>`
/// would end the field and put the rest on the page as markup: it goes in escaped, as
/// `inner_html`, which hydration leaves alone (the field's value is its property).
pub fn textarea_html(text: &str) -> String {
    // The one escape of hand-made markup (quotes too: harmless in a textarea).
    super::html::escape(text)
}

/// The prefix under which a refused plain form's fields come back in its page's address
/// (`server::web::plain_forms`), so the page can show them again.
pub const CARRIED: &str = "form.";

/// The fields a refused plain form sent, as its page got them back in the address.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Refill(Vec<(String, String)>);

impl Refill {
    /// The carried fields among an address's `params` (name and value each), when the
    /// address answers a refused post to the server function at `fn_url`.
    pub fn from_params<'a>(
        fn_url: &str,
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Option<Refill> {
        let mut refused = false;
        let mut fields = Vec::new();
        for (name, value) in params {
            if name == "__path" {
                refused = value == fn_url;
            } else if let Some(field) = name.strip_prefix(CARRIED) {
                fields.push((field.to_owned(), value.to_owned()));
            }
        }
        refused.then_some(Refill(fields))
    }

    /// What the form sent as `name`.
    pub fn text(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.clone())
    }

    /// Whether a checkbox `name` was ticked.
    pub fn ticked(&self, name: &str) -> bool {
        self.text(name).is_some_and(|v| v == "on" || v == "true")
    }
}

/// The ids ticked in a group of checkboxes named `…[id_{id}]` (one per choice, see
/// [`Picked::field`]): a form sends `…[id_{id}]=on` for each ticked box and nothing for the
/// others, which arrives as a map; the app's own calls send the same map. The order is the
/// decoder's (it may sort the keys), so nothing should hang on it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Picked(pub Vec<String>);

/// Before each id in a field name: the form decoder reads a bracketed key that starts with a
/// digit as a list index (and a hex id often does).
const ID_KEY: &str = "id_";

impl Picked {
    /// The checkbox's field name for `id` in the group `group` (`input[characters]`).
    pub fn field(group: &str, id: &str) -> String {
        format!("{group}[{ID_KEY}{id}]")
    }

    pub fn contains(&self, id: &str) -> bool {
        self.0.iter().any(|p| p == id)
    }

    /// Ticks or unticks `id`.
    pub fn set(&mut self, id: &str, on: bool) {
        self.0.retain(|p| p != id);
        if on {
            self.0.push(id.to_owned());
        }
    }
}

impl serde::Serialize for Picked {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for id in &self.0 {
            map.serialize_entry(&format!("{ID_KEY}{id}"), "on")?;
        }
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for Picked {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Picked, D::Error> {
        struct Boxes;

        impl<'de> Visitor<'de> for Boxes {
            type Value = Picked;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("ticked checkboxes (id → on)")
            }

            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Picked, A::Error> {
                let mut picked = Vec::new();
                while let Some((key, on)) = map.next_entry::<String, String>()? {
                    let id = key.strip_prefix(ID_KEY).unwrap_or(&key).to_owned();
                    let ticked = matches!(on.as_str(), "on" | "true" | "1");
                    if ticked && !picked.contains(&id) {
                        picked.push(id);
                    }
                }
                Ok(Picked(picked))
            }

            // An empty group may come as an empty string from a query parser.
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Picked, E> {
                match value {
                    "" => Ok(Picked::default()),
                    other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
                }
            }

            fn visit_unit<E: de::Error>(self) -> Result<Picked, E> {
                Ok(Picked::default())
            }
        }

        deserializer.deserialize_any(Boxes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Form {
        #[serde(default, deserialize_with = "checkbox")]
        ticked: bool,
    }

    fn parse(query: &str) -> Result<Form, serde_json::Error> {
        // A form post's fields arrive as strings; JSON strings stand in for them here.
        let pairs: serde_json::Map<String, serde_json::Value> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_owned(), serde_json::Value::String(v.to_owned())))
            .collect();
        serde_json::from_value(serde_json::Value::Object(pairs))
    }

    #[test]
    fn a_ticked_box_is_on_and_a_missing_one_is_off() {
        assert_eq!(parse("ticked=on").unwrap(), Form { ticked: true });
        assert_eq!(parse("ticked=true").unwrap(), Form { ticked: true });
        assert_eq!(parse("ticked=false").unwrap(), Form { ticked: false });
        assert_eq!(parse("").unwrap(), Form { ticked: false });
    }

    #[test]
    fn a_real_boolean_is_taken_as_it_is() {
        let form: Form = serde_json::from_str(r#"{"ticked": true}"#).unwrap();
        assert!(form.ticked);
    }

    #[test]
    fn anything_else_is_refused() {
        assert!(parse("ticked=maybe").is_err());
    }

    #[test]
    fn a_refused_form_gives_back_what_it_sent_and_only_to_its_own_function() {
        let params = [
            ("__path", "/api/start_story"),
            ("__err", "e30="),
            ("form.input[prompt]", "A fox & a hen"),
            ("form.input[memory_mode]", "on"),
            ("page", "2"),
        ];
        let refill = Refill::from_params("/api/start_story", params).expect("refused");
        assert_eq!(
            refill.text("input[prompt]").as_deref(),
            Some("A fox & a hen")
        );
        assert!(refill.ticked("input[memory_mode]"));
        assert!(!refill.ticked("input[video_mode]"));
        assert_eq!(refill.text("page"), None);
        assert_eq!(Refill::from_params("/api/save_profile", params), None);
        assert_eq!(
            Refill::from_params("/api/start_story", [("page", "2")]),
            None
        );
    }

    #[test]
    fn textarea_text_cannot_close_its_field() {
        assert_eq!(
            textarea_html("a & b </textarea><b>"),
            "a &amp; b &lt;/textarea&gt;&lt;b&gt;"
        );
    }

    #[test]
    fn an_empty_choice_is_none() {
        assert_eq!(filled(Some(String::new())), None);
        assert_eq!(filled(Some("x".into())), Some("x".into()));
    }

    #[test]
    fn ticked_boxes_are_picked_in_order_and_round_trip() {
        let picked: Picked =
            serde_json::from_str(r#"{"id_b": "on", "id_a": "on", "id_c": "off", "b2": "true"}"#)
                .unwrap();
        assert_eq!(
            Picked::field("input[characters]", "3f"),
            "input[characters][id_3f]"
        );
        assert!(picked.contains("a") && picked.contains("b2") && !picked.contains("c"));
        let again: Picked = serde_json::from_str(&serde_json::to_string(&picked).unwrap()).unwrap();
        assert_eq!(again, picked);
        assert_eq!(
            serde_json::from_str::<Picked>(r#""""#).unwrap(),
            Picked::default()
        );
        assert!(serde_json::from_str::<Picked>(r#""x""#).is_err());
        let mut p = Picked::default();
        p.set("a", true);
        p.set("a", true);
        p.set("b", true);
        p.set("a", false);
        assert_eq!(p, Picked(vec!["b".into()]));
    }
}
