//! The model catalogue: every text, image, video and speech-to-text model the app knows, as
//! data. The built-in rows (`*_model.rs`) are where a release starts; the owner's `[models]`
//! settings replace an API id, add a model or hide one (`server::models::overrides`), so a
//! provider retiring a model never needs a rebuild.
//!
//! A model's *key* is what a story stores and never changes; its *API id* is what the key is
//! sent as today. A model the provider retired names its successor: old stories continue
//! with it and say so.

use super::keyed::keyed_enum;
use super::{ImageModelSpec, Provider, TextModelSpec, VideoModelSpec};

keyed_enum! {
    /// What a model makes; the `[models]` section has one table per kind.
    pub enum ModelKind {
        Text = "text",
        Image = "image",
        Video = "video",
        SpeechToText = "speech_to_text",
        TextToSpeech = "text_to_speech",
    }
}

/// When a model goes away and what replaces it, as the provider announced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lifecycle {
    /// The first day (`YYYY-MM-DD`, UTC) the provider no longer serves the model.
    pub retires: Option<&'static str>,
    /// The key of the model that replaces it, of the same kind.
    pub successor: Option<&'static str>,
    /// Left out of the pickers by the owner; stories that use it continue with the
    /// successor when there is one.
    pub hidden: bool,
}

impl Lifecycle {
    /// A model with no announced end.
    pub const CURRENT: Lifecycle = Lifecycle {
        retires: None,
        successor: None,
        hidden: false,
    };

    /// Past its retirement date on `today` (`YYYY-MM-DD`; ISO dates order as text).
    pub fn is_retired(&self, today: &str) -> bool {
        self.retires.is_some_and(|day| day <= today)
    }

    /// Whether a new story may pick it. A model whose end is announced and whose successor
    /// is known is not: a story outlives a few weeks, and would change model halfway.
    pub fn offered_for_new(&self, today: &str) -> bool {
        let replaced_soon = self.retires.is_some() && self.successor.is_some();
        !(self.hidden || self.is_retired(today) || replaced_soon)
    }
}

/// What every catalogue row has, whatever it makes.
pub trait ModelEntry: Sized + 'static {
    const KIND: ModelKind;
    fn key(&self) -> &'static str;
    fn display_name(&self) -> &'static str;
    fn provider(&self) -> Provider;
    fn api_model(&self) -> &'static str;
    fn life(&self) -> &Lifecycle;
}

macro_rules! model_entry {
    ($spec:ty, $kind:expr) => {
        impl ModelEntry for $spec {
            const KIND: ModelKind = $kind;
            fn key(&self) -> &'static str {
                self.key
            }
            fn display_name(&self) -> &'static str {
                self.display_name
            }
            fn provider(&self) -> Provider {
                self.provider
            }
            fn api_model(&self) -> &'static str {
                self.api_model
            }
            fn life(&self) -> &Lifecycle {
                &self.life
            }
        }
    };
}

model_entry!(TextModelSpec, ModelKind::Text);
model_entry!(ImageModelSpec, ModelKind::Image);
model_entry!(VideoModelSpec, ModelKind::Video);
model_entry!(SpeechModelSpec, ModelKind::SpeechToText);
model_entry!(NarrationModelSpec, ModelKind::TextToSpeech);

/// A model that turns recorded speech into text (voice input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpeechModelSpec {
    pub key: &'static str,
    pub display_name: &'static str,
    pub provider: Provider,
    pub api_model: &'static str,
    pub life: Lifecycle,
}

/// A model that reads a scene aloud (text to speech, streamed as 24 kHz 16-bit PCM).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NarrationModelSpec {
    pub key: &'static str,
    pub display_name: &'static str,
    pub provider: Provider,
    pub api_model: &'static str,
    pub life: Lifecycle,
}

/// Every model of every kind, in the order the pickers show them.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalogue {
    pub text: Vec<TextModelSpec>,
    pub image: Vec<ImageModelSpec>,
    pub video: Vec<VideoModelSpec>,
    pub speech_to_text: Vec<SpeechModelSpec>,
    pub text_to_speech: Vec<NarrationModelSpec>,
}

impl Catalogue {
    /// The rows this release ships with.
    pub fn built_in() -> Catalogue {
        Catalogue {
            text: super::text_model::TEXT_MODELS.to_vec(),
            image: super::image_model::IMAGE_MODELS.to_vec(),
            video: super::video_model::VIDEO_MODELS.to_vec(),
            speech_to_text: super::voice::SPEECH_MODELS.to_vec(),
            text_to_speech: super::read_aloud::NARRATION_MODELS.to_vec(),
        }
    }

    /// Every row of one kind.
    pub fn all<M: CatalogueRows>(&self) -> &[M] {
        M::rows(self)
    }

    pub fn find<M: CatalogueRows>(&self, key: &str) -> Option<&M> {
        M::rows(self).iter().find(|m| m.key() == key)
    }

    /// Every model of a provider, of every kind, as `(kind, key, API id)`.
    pub fn of_provider(&self, provider: Provider) -> Vec<(ModelKind, &'static str, &'static str)> {
        fn rows<M: ModelEntry>(
            list: &[M],
            provider: Provider,
        ) -> impl Iterator<Item = (ModelKind, &'static str, &'static str)> + '_ {
            list.iter()
                .filter(move |m| m.provider() == provider)
                .map(|m| (M::KIND, m.key(), m.api_model()))
        }
        rows(&self.text, provider)
            .chain(rows(&self.image, provider))
            .chain(rows(&self.video, provider))
            .chain(rows(&self.speech_to_text, provider))
            .chain(rows(&self.text_to_speech, provider))
            .collect()
    }

    /// The model that does the work of `key` for a story made with it: itself while it
    /// can (`usable`), else the first usable model along its successors. `None` when the
    /// key is unknown. A chain that loops or ends in an unusable model ends at its last.
    pub fn resolve<'a, M: CatalogueRows>(
        &'a self,
        key: &str,
        usable: impl Fn(&M) -> bool,
    ) -> Option<Resolved<'a, M>> {
        let asked = self.find::<M>(key)?;
        let mut model = asked;
        let mut seen = vec![model.key()];
        while !usable(model) {
            let Some(next) = model.life().successor.and_then(|k| self.find::<M>(k)) else {
                break;
            };
            if seen.contains(&next.key()) {
                break;
            }
            seen.push(next.key());
            model = next;
        }
        Some(Resolved { asked, model })
    }
}

/// How each kind's rows are reached in a catalogue, so lookups are written once.
pub trait CatalogueRows: ModelEntry {
    fn rows(catalogue: &Catalogue) -> &[Self];
}

impl CatalogueRows for TextModelSpec {
    fn rows(c: &Catalogue) -> &[Self] {
        &c.text
    }
}

impl CatalogueRows for ImageModelSpec {
    fn rows(c: &Catalogue) -> &[Self] {
        &c.image
    }
}

impl CatalogueRows for VideoModelSpec {
    fn rows(c: &Catalogue) -> &[Self] {
        &c.video
    }
}

impl CatalogueRows for SpeechModelSpec {
    fn rows(c: &Catalogue) -> &[Self] {
        &c.speech_to_text
    }
}

impl CatalogueRows for NarrationModelSpec {
    fn rows(c: &Catalogue) -> &[Self] {
        &c.text_to_speech
    }
}

/// A story's model and the one that does its work now: the same, or its successor.
#[derive(Debug)]
pub struct Resolved<'a, M> {
    /// The model the story was made with.
    pub asked: &'a M,
    /// The model new work is sent to.
    pub model: &'a M,
}

impl<M> Clone for Resolved<'_, M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Resolved<'_, M> {}

impl<'a, M: ModelEntry> Resolved<'a, M> {
    pub fn replaced(&self) -> bool {
        self.asked.key() != self.model.key()
    }

    /// What the scene says: "GPT Image 1", or "GPT Image 1, continued with GPT Image 2"
    /// once the first is gone.
    pub fn label(&self) -> String {
        match self.replaced() {
            false => self.model.display_name().to_owned(),
            true => format!(
                "{}, continued with {}",
                self.asked.display_name(),
                self.model.display_name()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_are_unique<M: ModelEntry>(rows: &[M]) {
        for (i, a) in rows.iter().enumerate() {
            for b in &rows[i + 1..] {
                assert_ne!(a.key(), b.key(), "{:?}", M::KIND);
            }
        }
    }

    fn successors_exist<M: CatalogueRows>(c: &Catalogue) {
        for m in c.all::<M>() {
            if let Some(next) = m.life().successor {
                let next = c.find::<M>(next).expect("successor is in the catalogue");
                assert_eq!(next.life().retires, None, "{} → {}", m.key(), next.key());
            }
        }
    }

    #[test]
    fn built_in_keys_are_unique_and_successors_are_current_models_of_the_same_kind() {
        let c = Catalogue::built_in();
        keys_are_unique(&c.text);
        keys_are_unique(&c.image);
        keys_are_unique(&c.video);
        keys_are_unique(&c.speech_to_text);
        keys_are_unique(&c.text_to_speech);
        successors_exist::<TextModelSpec>(&c);
        successors_exist::<ImageModelSpec>(&c);
        successors_exist::<VideoModelSpec>(&c);
        successors_exist::<SpeechModelSpec>(&c);
        successors_exist::<NarrationModelSpec>(&c);
    }

    #[test]
    fn announced_retirement_with_a_successor_is_not_offered_to_new_stories() {
        let life = |retires, successor, hidden| Lifecycle {
            retires,
            successor,
            hidden,
        };
        let today = "2026-12-07";
        assert!(Lifecycle::CURRENT.offered_for_new(today));
        assert!(!life(Some("2027-01-14"), Some("x"), false).offered_for_new(today));
        assert!(life(Some("2027-01-14"), None, false).offered_for_new(today));
        assert!(!life(Some("2026-12-07"), None, false).offered_for_new(today));
        assert!(!life(None, None, true).offered_for_new(today));
        assert!(life(Some("2026-12-07"), None, false).is_retired(today));
        assert!(!life(Some("2026-12-08"), None, false).is_retired(today));
    }

    #[test]
    fn a_gone_model_resolves_along_its_successors_and_says_so() {
        let c = Catalogue::built_in();
        let today = "2026-12-07";
        let old = c
            .image
            .iter()
            .find(|m| m.life.is_retired(today) && m.life.successor.is_some())
            .expect("a retired built-in image model");
        let r = c
            .resolve::<ImageModelSpec>(old.key, |m| !m.life.is_retired(today))
            .expect("known key");
        assert!(r.replaced());
        assert_eq!(r.asked.key, old.key);
        assert!(!r.model.life.is_retired(today));
        assert_eq!(
            r.label(),
            format!(
                "{}, continued with {}",
                old.display_name, r.model.display_name
            )
        );
        let same = c
            .resolve::<ImageModelSpec>(r.model.key, |_| true)
            .expect("known");
        assert!(!same.replaced());
        assert_eq!(same.label(), r.model.display_name);
        assert!(c.resolve::<ImageModelSpec>("nope", |_| true).is_none());
    }

    #[test]
    fn a_successor_loop_ends() {
        let mut c = Catalogue::built_in();
        let (a, b) = (c.text[0].key, c.text[1].key);
        c.text[0].life.successor = Some(b);
        c.text[1].life.successor = Some(a);
        let r = c.resolve::<TextModelSpec>(a, |_| false).expect("known key");
        assert_eq!(r.model.key, b);
    }
}
