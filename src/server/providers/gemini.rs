//! Google Gemini: pictures by generateContent (text streams: `stream.rs`).

use serde_json::{json, Map, Value};

use super::http::{Auth, Call};
use super::{ProviderError, ReferenceImage};
use crate::domain::aspect::AspectRatio;

/// Gemini image models answer the picture as an inline data part; reference photos go
/// with the prompt as inline image parts.
pub(crate) async fn generate_image(
    call: &Call<'_>,
    model: &str,
    prompt: &str,
    aspect: AspectRatio,
    references: &[ReferenceImage],
) -> Result<Vec<u8>, ProviderError> {
    let mut parts = vec![json!({ "text": prompt })];
    parts.extend(
        references
            .iter()
            .map(|r| json!({ "inline_data": { "mime_type": r.mime, "data": r.base64() } })),
    );
    let body = json!({
        "contents": [{ "role": "user", "parts": parts }],
        "generationConfig": {
            // With ["TEXT", "IMAGE"] the model may answer with words only.
            "responseModalities": ["IMAGE"],
            "imageConfig": { "aspectRatio": aspect.ratio() },
        },
    });
    let answer = generate_content(call, model, &body).await?;
    let parts = answer
        .pointer("/candidates/0/content/parts")
        .and_then(Value::as_array);
    let data = parts
        .into_iter()
        .flatten()
        .find_map(|p| p.get("inlineData").or_else(|| p.get("inline_data")))
        .and_then(|d| d.get("data"))
        .and_then(Value::as_str);
    match data {
        Some(data) => super::decode_base64(call, data),
        // Words but no picture, and no block reason: asked once more by the caller.
        None => Err(call.bad_response("the answer had no picture")),
    }
}

/// POSTs a generateContent request; a safety block is a refusal, not an answer.
async fn generate_content(
    call: &Call<'_>,
    model: &str,
    body: &Value,
) -> Result<Value, ProviderError> {
    let path = format!("/models/{model}:generateContent");
    let answer = call.post_json(&path, Auth::GoogleKey, body).await?;
    match blocked_reason(&answer) {
        Some(reason) => Err(ProviderError::Rejected {
            provider: call.provider,
            status: 200,
            message: reason,
        }),
        None => Ok(answer),
    }
}

/// A finish reason that ends the answer without what was asked, final (the same request
/// would end the same way), with what it means in plain words.
fn refusal_words(finish: &str) -> Option<&'static str> {
    Some(match finish {
        "SAFETY"
        | "IMAGE_SAFETY"
        | "PROHIBITED_CONTENT"
        | "IMAGE_PROHIBITED_CONTENT"
        | "BLOCKLIST"
        | "SPII" => "its safety rules blocked it",
        "RECITATION" | "IMAGE_RECITATION" => "it came too close to existing material",
        "NO_IMAGE" | "IMAGE_OTHER" => "it made no picture for this scene",
        _ => return None,
    })
}

/// Why an answer was refused: `promptFeedback.blockReason`, or a candidate that stopped for
/// one of the refusal reasons without the picture or words asked for (`SAFETY`,
/// `IMAGE_PROHIBITED_CONTENT`, `RECITATION`, `NO_IMAGE`, …). Retrying would not help.
pub(super) fn blocked_reason(answer: &Value) -> Option<String> {
    if let Some(reason) = answer
        .pointer("/promptFeedback/blockReason")
        .and_then(Value::as_str)
    {
        return Some(format!("its safety rules blocked it ({reason})"));
    }
    let finish = answer
        .pointer("/candidates/0/finishReason")
        .and_then(Value::as_str)?;
    let words = refusal_words(finish)?;
    let has_image = answer
        .pointer("/candidates/0/content/parts")
        .and_then(Value::as_array)
        .is_some_and(|parts| {
            parts.iter().any(|p| {
                p.get("inlineData")
                    .or_else(|| p.get("inline_data"))
                    .is_some()
            })
        });
    (!has_image).then(|| format!("{words} ({finish})"))
}

/// Gemini's responseSchema is an OpenAPI subset: no `additionalProperties`, and a nullable
/// type is `nullable: true` rather than a type list with "null".
pub(super) fn to_gemini_schema(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("additionalProperties", _) => {}
                    ("type", Value::Array(types)) => {
                        let concrete: Vec<&Value> = types
                            .iter()
                            .filter(|t| t.as_str() != Some("null"))
                            .collect();
                        if let Some(first) = concrete.first() {
                            out.insert("type".into(), (*first).clone());
                        }
                        if concrete.len() < types.len() {
                            out.insert("nullable".into(), Value::Bool(true));
                        }
                    }
                    _ => {
                        out.insert(key.clone(), to_gemini_schema(value));
                    }
                }
            }
            // Gemini writes properties alphabetically unless told an order: the required
            // list keeps ours (the narrative first, so it streams first).
            if let (Some(required), true) = (map.get("required"), map.contains_key("properties")) {
                out.insert("propertyOrdering".into(), required.clone());
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(to_gemini_schema).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_converted_to_the_openapi_subset() {
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "properties": { "title": { "type": ["string", "null"] }, "n": { "type": "integer" } },
            "required": ["title"]
        });
        let out = to_gemini_schema(&schema);
        assert_eq!(out.get("additionalProperties"), None);
        assert_eq!(
            out.pointer("/properties/title/type"),
            Some(&json!("string"))
        );
        assert_eq!(
            out.pointer("/properties/title/nullable"),
            Some(&json!(true))
        );
        assert_eq!(out.pointer("/properties/n/nullable"), None);
        assert_eq!(out.get("required"), Some(&json!(["title"])));
        assert_eq!(out.get("propertyOrdering"), Some(&json!(["title"])));
    }

    #[test]
    fn safety_blocks_are_recognised() {
        let reason = |v: Value| blocked_reason(&v);
        assert!(reason(json!({"promptFeedback": {"blockReason": "SAFETY"}}))
            .is_some_and(|r| r.contains("safety") && r.contains("SAFETY")));
        for finish in [
            "SAFETY",
            "IMAGE_SAFETY",
            "IMAGE_PROHIBITED_CONTENT",
            "IMAGE_RECITATION",
            "IMAGE_OTHER",
            "NO_IMAGE",
            "RECITATION",
            "SPII",
            "BLOCKLIST",
        ] {
            let words = reason(
                json!({"candidates": [{"finishReason": finish, "content": {"parts": [{"text": "sorry"}]}}]}),
            );
            assert!(
                words.is_some_and(|w| w.ends_with(&format!("({finish})"))),
                "{finish}"
            );
        }
        assert_eq!(
            reason(
                json!({"candidates": [{"finishReason": "IMAGE_OTHER", "content": {"parts": [{"inlineData": {"data": "x"}}]}}]})
            ),
            None
        );
        assert_eq!(
            blocked_reason(
                &json!({"candidates": [{"finishReason": "STOP", "content": {"parts": []}}]})
            ),
            None
        );
    }
}
