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
    fn an_empty_choice_is_none() {
        assert_eq!(filled(Some(String::new())), None);
        assert_eq!(filled(Some("x".into())), Some("x".into()));
    }
}
