//! The owner's changes to the built-in catalogue: the `[models]` section of `Leptos.toml`,
//! then the environment (`CYOA_MODELS`, the same tables as TOML on one line, and
//! `MODEL_<KIND>_<KEY>=<api id>` for the common case of a new API id). Each can replace a
//! model's API id, add a model, hide one, or announce a retirement and its successor.
//!
//! ```toml
//! [models.image.gpt-image]
//! api_model = "gpt-image-2.6-flare"
//! [models.text.my-claude]
//! provider = "anthropic"
//! api_model = "claude-opus-5-5"
//! display_name = "Claude Opus 5.5"
//! [models.text.gpt-6-luna]
//! retires = "2027-06-01"
//! successor = "my-claude"
//! ```
//!
//! Anything that does not fit is refused at start with the setting's name.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::domain::catalogue::{CatalogueRows, Lifecycle};
use crate::domain::{
    Catalogue, ImageModelSpec, ModelKind, NarrationModelSpec, Provider, SpeechModelSpec,
    TextModelSpec, VideoModelSpec,
};

/// A refused `[models]` setting, naming where it came from.
#[derive(Debug, thiserror::Error)]
#[error("{source_name}: {kind}.{key}: {problem}")]
pub struct ModelsError {
    pub source_name: String,
    pub kind: &'static str,
    pub key: String,
    pub problem: String,
}

/// The `[models]` tables: kind → key → changes.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelsSection {
    text: BTreeMap<String, ModelChange>,
    image: BTreeMap<String, ModelChange>,
    video: BTreeMap<String, ModelChange>,
    speech_to_text: BTreeMap<String, ModelChange>,
    text_to_speech: BTreeMap<String, ModelChange>,
}

/// What may change of one model; a new model needs at least `provider` and `api_model`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelChange {
    provider: Option<Provider>,
    api_model: Option<String>,
    display_name: Option<String>,
    hint: Option<String>,
    hidden: Option<bool>,
    /// `YYYY-MM-DD`; an empty string clears a built-in date.
    retires: Option<String>,
    successor: Option<String>,
    /// Image models: how many reference photos go with a picture (0: none).
    max_reference_images: Option<usize>,
    /// Image models: OpenAI's `quality` (`low`, `medium`, `high`, `auto`).
    quality: Option<String>,
    /// Image models: OpenAI's `input_fidelity=high` is sent.
    input_fidelity: Option<bool>,
    /// Video models.
    clip_seconds: Option<u32>,
    resolution: Option<String>,
    makes_sound: Option<bool>,
}

impl ModelsSection {
    /// `CYOA_MODELS`: the same tables as the `[models]` section, as TOML without the
    /// `models.` prefix (`image.gpt-image.api_model = "…"`).
    pub fn from_env_text(text: &str) -> Result<ModelsSection, ModelsError> {
        toml::from_str(text).map_err(|e| ModelsError {
            source_name: "CYOA_MODELS".into(),
            kind: "models",
            key: String::new(),
            problem: e.to_string(),
        })
    }

    /// `MODEL_<KIND>_<KEY>` variables (key in capitals, `-` and `.` as `_`): a new API id for
    /// a model the catalogue has.
    pub fn from_env_ids(
        catalogue: &Catalogue,
        env: &impl Fn(&str) -> Option<String>,
    ) -> ModelsSection {
        let mut out = ModelsSection::default();
        fn pick<M: CatalogueRows>(
            rows: &[M],
            env: &impl Fn(&str) -> Option<String>,
            into: &mut BTreeMap<String, ModelChange>,
        ) {
            for m in rows {
                if let Some(id) = env(&env_name(M::KIND, m.key())) {
                    into.insert(
                        m.key().to_owned(),
                        ModelChange {
                            api_model: Some(id.trim().to_owned()),
                            ..ModelChange::default()
                        },
                    );
                }
            }
        }
        pick(&catalogue.text, env, &mut out.text);
        pick(&catalogue.image, env, &mut out.image);
        pick(&catalogue.video, env, &mut out.video);
        pick(&catalogue.speech_to_text, env, &mut out.speech_to_text);
        pick(&catalogue.text_to_speech, env, &mut out.text_to_speech);
        out
    }

    /// Applies every change to `catalogue`; `source_name` says where they came from.
    pub fn apply(&self, catalogue: &mut Catalogue, source_name: &str) -> Result<(), ModelsError> {
        apply_kind(&mut catalogue.text, &self.text, source_name)?;
        apply_kind(&mut catalogue.image, &self.image, source_name)?;
        apply_kind(&mut catalogue.video, &self.video, source_name)?;
        apply_kind(
            &mut catalogue.speech_to_text,
            &self.speech_to_text,
            source_name,
        )?;
        apply_kind(
            &mut catalogue.text_to_speech,
            &self.text_to_speech,
            source_name,
        )?;
        Ok(())
    }
}

/// The variable that replaces the API id of `key`: `MODEL_IMAGE_GPT_IMAGE_QUICK`.
pub fn env_name(kind: ModelKind, key: &str) -> String {
    let key: String = key
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => c.to_ascii_uppercase(),
            _ => '_',
        })
        .collect();
    format!("MODEL_{}_{key}", kind.key().to_ascii_uppercase())
}

/// Checks what the whole catalogue must hold once every change is in: successors name a
/// model of the same kind, and each kind still offers something or says why not.
pub fn check(catalogue: &Catalogue, source_name: &str) -> Result<(), ModelsError> {
    fn successors<M: CatalogueRows>(c: &Catalogue, source_name: &str) -> Result<(), ModelsError> {
        for m in c.all::<M>() {
            if let Some(next) = m.life().successor {
                if c.find::<M>(next).is_none() {
                    return Err(ModelsError {
                        source_name: source_name.to_owned(),
                        kind: M::KIND.key(),
                        key: m.key().to_owned(),
                        problem: format!("successor {next:?} is not a {} model", M::KIND.key()),
                    });
                }
            }
        }
        Ok(())
    }
    successors::<TextModelSpec>(catalogue, source_name)?;
    successors::<ImageModelSpec>(catalogue, source_name)?;
    successors::<VideoModelSpec>(catalogue, source_name)?;
    successors::<SpeechModelSpec>(catalogue, source_name)?;
    successors::<NarrationModelSpec>(catalogue, source_name)
}

/// A setting's text kept for the life of the process, as the built-in rows' text is.
fn keep(text: &str) -> &'static str {
    // The catalogue is made once at start (`Models::new`); a few short strings.
    String::leak(text.to_owned())
}

/// One kind's rows and what a change may do to them.
trait Changeable: CatalogueRows + Clone {
    fn life_mut(&mut self) -> &mut Lifecycle;
    /// Sets the fields the base struct shares and this kind's own; `Err` names a field
    /// this kind does not have.
    fn change(&mut self, change: &ModelChange) -> Result<(), String>;
    /// A new row of this kind from its first change (its provider already checked).
    fn new_row(key: &'static str, provider: Provider, api_model: &'static str) -> Self;
}

fn apply_kind<M: Changeable>(
    rows: &mut Vec<M>,
    changes: &BTreeMap<String, ModelChange>,
    source_name: &str,
) -> Result<(), ModelsError> {
    for (key, change) in changes {
        let error = |problem: String| ModelsError {
            source_name: source_name.to_owned(),
            kind: M::KIND.key(),
            key: key.clone(),
            problem,
        };
        if key.trim().is_empty() || key.len() > 64 {
            return Err(error("a model key is 1 to 64 characters".into()));
        }
        let index = match rows.iter().position(|m| m.key() == key) {
            Some(i) => {
                if change.provider.is_some_and(|p| p != rows[i].provider()) {
                    return Err(error(
                        "a model's provider cannot change (add a model with a new key instead)"
                            .into(),
                    ));
                }
                i
            }
            None => {
                let (Some(provider), Some(api_model)) = (change.provider, &change.api_model) else {
                    return Err(error(
                        "a new model needs `provider` and `api_model` (or the key is misspelt)"
                            .into(),
                    ));
                };
                check_provider(M::KIND, provider).map_err(error)?;
                rows.push(M::new_row(keep(key), provider, keep(api_model)));
                rows.len() - 1
            }
        };
        let row = &mut rows[index];
        row.change(change).map_err(error)?;
        let life = row.life_mut();
        if let Some(hidden) = change.hidden {
            life.hidden = hidden;
        }
        if let Some(day) = &change.retires {
            life.retires = match day.trim() {
                "" => None,
                day => Some(keep(&parse_day(day).map_err(error)?)),
            };
        }
        if let Some(next) = &change.successor {
            life.successor = (!next.trim().is_empty()).then(|| keep(next.trim()));
        }
    }
    Ok(())
}

/// A `YYYY-MM-DD` date, checked to be one.
fn parse_day(text: &str) -> Result<String, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, &format)
        .map(|d| d.to_string())
        .map_err(|_| format!("retires must be a date such as 2027-01-14, not {text:?}"))
}

fn not_for(field: &str, kind: ModelKind) -> String {
    format!("`{field}` is not a setting of {} models", kind.key())
}

/// Sets the fields every kind has.
macro_rules! common {
    ($row:expr, $change:expr) => {
        if let Some(id) = &$change.api_model {
            $row.api_model = keep(id.trim());
        }
        if let Some(name) = &$change.display_name {
            $row.display_name = keep(name.trim());
        }
    };
}

fn refuse_image_fields(change: &ModelChange, kind: ModelKind) -> Result<(), String> {
    for (set, field) in [
        (
            change.max_reference_images.is_some(),
            "max_reference_images",
        ),
        (change.quality.is_some(), "quality"),
        (change.input_fidelity.is_some(), "input_fidelity"),
    ] {
        if set {
            return Err(not_for(field, kind));
        }
    }
    Ok(())
}

fn refuse_video_fields(change: &ModelChange, kind: ModelKind) -> Result<(), String> {
    for (set, field) in [
        (change.clip_seconds.is_some(), "clip_seconds"),
        (change.resolution.is_some(), "resolution"),
        (change.makes_sound.is_some(), "makes_sound"),
    ] {
        if set {
            return Err(not_for(field, kind));
        }
    }
    Ok(())
}

fn refuse_hint(change: &ModelChange, kind: ModelKind) -> Result<(), String> {
    match change.hint {
        Some(_) => Err(not_for("hint", kind)),
        None => Ok(()),
    }
}

/// Which providers make a kind of model (the clients this app has).
fn check_provider(kind: ModelKind, provider: Provider) -> Result<(), String> {
    let makes = match kind {
        ModelKind::Text => true,
        ModelKind::Image => matches!(
            provider,
            Provider::OpenAi | Provider::Xai | Provider::Gemini
        ),
        ModelKind::Video => provider == Provider::Xai,
        ModelKind::SpeechToText => provider == Provider::OpenAi,
        ModelKind::TextToSpeech => matches!(provider, Provider::OpenAi | Provider::Gemini),
    };
    match makes {
        true => Ok(()),
        false => Err(format!(
            "this app has no {} client for {}",
            kind.key(),
            provider.display_name()
        )),
    }
}

impl Changeable for TextModelSpec {
    fn life_mut(&mut self) -> &mut Lifecycle {
        &mut self.life
    }
    fn change(&mut self, change: &ModelChange) -> Result<(), String> {
        refuse_image_fields(change, ModelKind::Text)?;
        refuse_video_fields(change, ModelKind::Text)?;
        common!(self, change);
        if let Some(hint) = &change.hint {
            self.hint = keep(hint.trim());
        }
        Ok(())
    }
    fn new_row(key: &'static str, provider: Provider, api_model: &'static str) -> Self {
        TextModelSpec {
            key,
            display_name: key,
            provider,
            api_model,
            hint: "",
            life: Lifecycle::CURRENT,
        }
    }
}

impl Changeable for ImageModelSpec {
    fn life_mut(&mut self) -> &mut Lifecycle {
        &mut self.life
    }
    fn change(&mut self, change: &ModelChange) -> Result<(), String> {
        refuse_video_fields(change, ModelKind::Image)?;
        common!(self, change);
        if let Some(hint) = &change.hint {
            self.hint = keep(hint.trim());
        }
        if let Some(n) = change.max_reference_images {
            self.max_reference_images = n;
            self.supports_references = n > 0;
        }
        if let Some(quality) = &change.quality {
            self.quality = match quality.trim() {
                q @ ("low" | "medium" | "high" | "auto") => keep(q),
                other => {
                    return Err(format!(
                        "quality is low, medium, high or auto, not {other:?}"
                    ))
                }
            };
        }
        if let Some(on) = change.input_fidelity {
            self.supports_input_fidelity = on;
        }
        Ok(())
    }
    fn new_row(key: &'static str, provider: Provider, api_model: &'static str) -> Self {
        ImageModelSpec {
            key,
            display_name: key,
            provider,
            api_model,
            quality: "medium",
            supports_references: false,
            supports_input_fidelity: false,
            max_reference_images: 0,
            hint: "",
            life: Lifecycle::CURRENT,
        }
    }
}

impl Changeable for VideoModelSpec {
    fn life_mut(&mut self) -> &mut Lifecycle {
        &mut self.life
    }
    fn change(&mut self, change: &ModelChange) -> Result<(), String> {
        refuse_image_fields(change, ModelKind::Video)?;
        refuse_hint(change, ModelKind::Video)?;
        common!(self, change);
        if let Some(seconds) = change.clip_seconds {
            if !(1..=15).contains(&seconds) {
                return Err(format!("clip_seconds is 1 to 15, not {seconds}"));
            }
            self.clip_seconds = seconds;
        }
        if let Some(resolution) = &change.resolution {
            self.resolution = keep(resolution.trim());
        }
        if let Some(sound) = change.makes_sound {
            self.makes_sound = sound;
        }
        Ok(())
    }
    fn new_row(key: &'static str, provider: Provider, api_model: &'static str) -> Self {
        let base = crate::domain::video_model::VIDEO_MODELS[0];
        VideoModelSpec {
            key,
            display_name: key,
            provider,
            api_model,
            life: Lifecycle::CURRENT,
            ..base
        }
    }
}

impl Changeable for SpeechModelSpec {
    fn life_mut(&mut self) -> &mut Lifecycle {
        &mut self.life
    }
    fn change(&mut self, change: &ModelChange) -> Result<(), String> {
        refuse_image_fields(change, ModelKind::SpeechToText)?;
        refuse_video_fields(change, ModelKind::SpeechToText)?;
        refuse_hint(change, ModelKind::SpeechToText)?;
        common!(self, change);
        Ok(())
    }
    fn new_row(key: &'static str, provider: Provider, api_model: &'static str) -> Self {
        SpeechModelSpec {
            key,
            display_name: key,
            provider,
            api_model,
            life: Lifecycle::CURRENT,
        }
    }
}

impl Changeable for NarrationModelSpec {
    fn life_mut(&mut self) -> &mut Lifecycle {
        &mut self.life
    }
    fn change(&mut self, change: &ModelChange) -> Result<(), String> {
        refuse_image_fields(change, ModelKind::TextToSpeech)?;
        refuse_video_fields(change, ModelKind::TextToSpeech)?;
        refuse_hint(change, ModelKind::TextToSpeech)?;
        common!(self, change);
        Ok(())
    }
    fn new_row(key: &'static str, provider: Provider, api_model: &'static str) -> Self {
        NarrationModelSpec {
            key,
            display_name: key,
            provider,
            api_model,
            life: Lifecycle::CURRENT,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(toml_text: &str) -> Result<Catalogue, ModelsError> {
        let section: ModelsSection = toml::from_str(toml_text).map_err(|e| ModelsError {
            source_name: "test".into(),
            kind: "models",
            key: String::new(),
            problem: e.to_string(),
        })?;
        let mut c = Catalogue::built_in();
        section.apply(&mut c, "test")?;
        check(&c, "test")?;
        Ok(c)
    }

    #[test]
    fn an_api_id_is_replaced_while_the_key_and_name_stay() {
        let c = applied("[image.gpt-image]\napi_model = \"gpt-image-3\"\n").expect("applies");
        let m = c.find::<ImageModelSpec>("gpt-image").expect("row");
        assert_eq!(m.api_model, "gpt-image-3");
        assert_eq!(m.display_name, "GPT Image");
    }

    #[test]
    fn a_model_is_added_hidden_and_retired_with_a_successor() {
        let c = applied(
            r#"
            [text.opus]
            provider = "anthropic"
            api_model = "claude-opus-5-5"
            display_name = "Claude Opus 5.5"
            [text.grok-4-3]
            hidden = true
            [text.gpt-6-luna]
            retires = "2027-06-01"
            successor = "opus"
            "#,
        )
        .expect("applies");
        let opus = c.find::<TextModelSpec>("opus").expect("added");
        assert_eq!(
            (opus.provider, opus.api_model, opus.display_name),
            (Provider::Anthropic, "claude-opus-5-5", "Claude Opus 5.5")
        );
        assert!(
            c.find::<TextModelSpec>("grok-4-3")
                .expect("row")
                .life
                .hidden
        );
        let luna = c.find::<TextModelSpec>("gpt-6-luna").expect("row").life;
        assert_eq!(
            (luna.retires, luna.successor),
            (Some("2027-06-01"), Some("opus"))
        );
    }

    #[test]
    fn what_does_not_fit_is_refused_with_its_name() {
        let problem = |t: &str| applied(t).expect_err(t).to_string();
        assert!(problem("[image.new]\napi_model = \"x\"\n").contains("needs `provider`"));
        assert!(
            problem("[image.new]\nprovider = \"anthropic\"\napi_model = \"x\"\n")
                .contains("no image client for Anthropic")
        );
        assert!(problem("[text.gpt-6-luna]\nretires = \"soon\"\n").contains("2027-01-14"));
        assert!(problem("[text.gpt-6-luna]\nsuccessor = \"nope\"\n").contains("\"nope\""));
        assert!(problem("[text.gpt-6-luna]\nclip_seconds = 3\n").contains("clip_seconds"));
        assert!(problem("[text.gpt-6-luna]\nprovider = \"xai\"\n").contains("cannot change"));
        assert!(problem("[text.gpt-6-luna]\napi_id = \"x\"\n").contains("api_id"));
        assert!(problem("[sound.x]\n").contains("sound"));
    }

    #[test]
    fn environment_ids_name_kind_and_key_in_capitals() {
        assert_eq!(
            env_name(ModelKind::Image, "gpt-image-1.5"),
            "MODEL_IMAGE_GPT_IMAGE_1_5"
        );
        let c = Catalogue::built_in();
        let env = |name: &str| (name == "MODEL_TEXT_GROK_4_3").then(|| "grok-4.7".to_owned());
        let section = ModelsSection::from_env_ids(&c, &env);
        let mut c = c;
        section.apply(&mut c, "env").expect("applies");
        assert_eq!(
            c.find::<TextModelSpec>("grok-4-3").expect("row").api_model,
            "grok-4.7"
        );
        let from_text =
            ModelsSection::from_env_text("image.gemini.api_model = \"gemini-3-pro-image\"")
                .expect("parses");
        from_text.apply(&mut c, "CYOA_MODELS").expect("applies");
        assert_eq!(
            c.find::<ImageModelSpec>("gemini").expect("row").api_model,
            "gemini-3-pro-image"
        );
    }
}
