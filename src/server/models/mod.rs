//! The models this process offers and uses: the catalogue (built-in rows with the owner's
//! `[models]` settings applied, `overrides`) and what the providers said of each model — not
//! in their model list at the last check, or refused as gone at call time.
//!
//! A story keeps the key of the model it was made with. While that model can be used it does
//! the work; once it is retired (by date, by the provider's list, or by a call that found it
//! gone) its successor does, and the story says so.

pub mod overrides;

use std::collections::BTreeMap;
use std::sync::RwLock;

use crate::domain::catalogue::{CatalogueRows, ModelEntry};
use crate::domain::{
    image_model, video_model, Catalogue, ImageModelSpec, ModelKind, NarrationModelSpec, Provider,
    Resolved, SpeechModelSpec, TextModelSpec, VideoModelSpec,
};

/// Why the app no longer sends a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gone {
    /// The provider's model list for this key does not have it.
    NotListed,
    /// A call was answered "model not found" or "retired".
    RefusedAtCall,
}

/// What the status page and `cyoa check-keys` say of one model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Usable,
    /// Usable today; the provider announced its end.
    Retires {
        on: &'static str,
        successor: Option<&'static str>,
    },
    Retired {
        on: &'static str,
        successor: Option<&'static str>,
    },
    Gone {
        why: Gone,
        successor: Option<&'static str>,
    },
    Hidden,
}

impl Verdict {
    pub fn is_usable(&self) -> bool {
        matches!(self, Verdict::Usable | Verdict::Retires { .. })
    }

    /// The verdict in plain words for the owner, naming the provider's id and the successor.
    pub fn describe(
        &self,
        provider: Provider,
        api_model: &str,
        name_of: &dyn Fn(&str) -> String,
    ) -> String {
        let then = |successor: &Option<&'static str>| match successor {
            Some(next) => format!("; stories that used it continue with {}", name_of(next)),
            None => String::new(),
        };
        let name = provider.display_name();
        match self {
            Verdict::Usable => "usable".into(),
            Verdict::Retires { on, successor } => format!(
                "usable; {name} retires {api_model} on {on}{}",
                match successor {
                    Some(next) => format!(", then {} takes over", name_of(next)),
                    None => String::new(),
                }
            ),
            Verdict::Retired { on, successor } => {
                format!("retired by {name} on {on}{}", then(successor))
            }
            Verdict::Gone {
                why: Gone::NotListed,
                successor,
            } => format!(
                "not offered: {name} does not list {api_model} for this key (retired, or not available to it){}",
                then(successor)
            ),
            Verdict::Gone {
                why: Gone::RefusedAtCall,
                successor,
            } => format!(
                "not offered: {name} answered that {api_model} does not exist (retired){}",
                then(successor)
            ),
            Verdict::Hidden => "hidden by the settings ([models])".into(),
        }
    }
}

/// Why a new story cannot have the model it asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Unknown,
    /// Its provider has no key here (the display name).
    NotConfigured(&'static str),
    /// Retired, hidden, or not listed by its provider (the display name).
    NotOffered(&'static str),
}

/// The catalogue of this process and what the providers said of its models.
#[derive(Debug)]
pub struct Models {
    catalogue: Catalogue,
    gone: RwLock<BTreeMap<(Provider, &'static str), Gone>>,
}

impl Models {
    /// Made once at start and kept for the life of the process (a test makes one per app),
    /// so every row is `&'static` like the built-in tables it starts from.
    pub fn new(catalogue: Catalogue) -> &'static Models {
        Box::leak(Box::new(Models {
            catalogue,
            gone: RwLock::new(BTreeMap::new()),
        }))
    }

    pub fn catalogue(&'static self) -> &'static Catalogue {
        &self.catalogue
    }

    /// Today's date in UTC, as the catalogue writes retirement dates.
    pub fn today() -> String {
        time::OffsetDateTime::now_utc().date().to_string()
    }

    fn gone_as(&self, provider: Provider, api_model: &str) -> Option<Gone> {
        self.gone.read().ok()?.get(&(provider, api_model)).copied()
    }

    /// What can be said of `model` today.
    pub fn verdict<M: ModelEntry>(&self, model: &M, today: &str) -> Verdict {
        let life = model.life();
        let successor = life.successor;
        if let Some(on) = life.retires.filter(|_| life.is_retired(today)) {
            return Verdict::Retired { on, successor };
        }
        if let Some(why) = self.gone_as(model.provider(), model.api_model()) {
            return Verdict::Gone { why, successor };
        }
        match life.retires {
            _ if life.hidden => Verdict::Hidden,
            Some(on) => Verdict::Retires { on, successor },
            None => Verdict::Usable,
        }
    }

    /// Whether a story made with `model` may still send it: not retired, not gone, and not
    /// hidden in favour of a successor.
    fn serves_old_stories<M: ModelEntry>(&self, model: &M, today: &str) -> bool {
        let life = model.life();
        !(life.hidden && life.successor.is_some()) && self.verdict(model, today).is_usable()
    }

    /// The models of a kind a new story may pick, in catalogue order: of a configured
    /// provider, offered, and not found gone.
    pub fn offered<M: CatalogueRows>(&'static self, configured: &[Provider]) -> Vec<&'static M> {
        let today = Models::today();
        self.catalogue
            .all::<M>()
            .iter()
            .filter(|m| configured.contains(&m.provider()))
            .filter(|m| m.life().offered_for_new(&today))
            .filter(|m| self.gone_as(m.provider(), m.api_model()).is_none())
            .collect()
    }

    /// The model of kind `M` a new story asked for by `key`, if it may have it: known, of a
    /// configured provider, and offered.
    pub fn for_new<M: CatalogueRows>(
        &'static self,
        configured: &[Provider],
        key: &str,
    ) -> Result<&'static M, Refused> {
        let known = self.catalogue.find::<M>(key).ok_or(Refused::Unknown)?;
        if !configured.contains(&known.provider()) {
            return Err(Refused::NotConfigured(known.display_name()));
        }
        self.offered::<M>(configured)
            .into_iter()
            .find(|m| m.key() == key)
            .ok_or(Refused::NotOffered(known.display_name()))
    }

    /// The model a story made with `key` is continued with; `None` for an unknown key.
    pub fn resolve<M: CatalogueRows>(&'static self, key: &str) -> Option<Resolved<'static, M>> {
        let today = Models::today();
        self.catalogue
            .resolve::<M>(key, |m| self.serves_old_stories(m, &today))
    }

    pub fn text(&'static self, key: &str) -> Option<Resolved<'static, TextModelSpec>> {
        self.resolve(key)
    }

    /// The image model of a stored story or picture; an unknown key and stories from before
    /// image models were stored are the legacy OpenAI model's (continued by its successor).
    pub fn image(&'static self, stored: Option<&str>) -> Resolved<'static, ImageModelSpec> {
        stored
            .and_then(|key| self.resolve(key))
            .or_else(|| self.resolve(image_model::LEGACY_KEY))
            .unwrap_or_else(|| first_row(&self.catalogue.image))
    }

    /// The image model a new story gets when the reader picks none: the default when it is
    /// offered, else the first offered one.
    pub fn default_image(
        &'static self,
        configured: &[Provider],
    ) -> Option<&'static ImageModelSpec> {
        let offered = self.offered::<ImageModelSpec>(configured);
        offered
            .iter()
            .find(|m| m.key == image_model::DEFAULT_KEY)
            .or(offered.first())
            .copied()
    }

    /// The video model of a stored clip; an unknown key is the default model's.
    pub fn video(&'static self, key: &str) -> Resolved<'static, VideoModelSpec> {
        self.resolve(key)
            .or_else(|| self.resolve(video_model::DEFAULT_KEY))
            .unwrap_or_else(|| first_row(&self.catalogue.video))
    }

    /// The model a new clip is ordered from.
    pub fn default_video(&'static self) -> &'static VideoModelSpec {
        self.video(video_model::DEFAULT_KEY).model
    }

    /// Who turns recordings into text, if a configured provider offers a model for it.
    pub fn speech_to_text(
        &'static self,
        configured: &[Provider],
    ) -> Option<&'static SpeechModelSpec> {
        self.offered::<SpeechModelSpec>(configured).first().copied()
    }

    /// Who reads scenes aloud, if a configured provider offers a model for it.
    pub fn text_to_speech(
        &'static self,
        configured: &[Provider],
    ) -> Option<&'static NarrationModelSpec> {
        self.offered::<NarrationModelSpec>(configured)
            .first()
            .copied()
    }

    /// A call found `api_model` gone: it is no longer offered or sent, until a later model
    /// list has it again.
    pub fn mark_gone(&self, provider: Provider, api_model: &'static str) {
        tracing::warn!(
            provider = provider.key(),
            api_model,
            "the provider says this model does not exist; its successor takes over"
        );
        if let Ok(mut gone) = self.gone.write() {
            gone.insert((provider, api_model), Gone::RefusedAtCall);
        }
    }

    /// What `provider`'s model list said: every model of ours it does not list is gone,
    /// every one it lists is usable again.
    pub fn record_listing(&self, provider: Provider, listed: &[String]) {
        let Ok(mut gone) = self.gone.write() else {
            return;
        };
        for (kind, key, api_model) in self.catalogue.of_provider(provider) {
            let id = (provider, api_model);
            if listed.iter().any(|l| l == api_model) {
                gone.remove(&id);
            } else if let std::collections::btree_map::Entry::Vacant(entry) = gone.entry(id) {
                tracing::warn!(
                    provider = provider.key(),
                    kind = kind.key(),
                    key,
                    api_model,
                    "the provider does not list this model: not offered"
                );
                entry.insert(Gone::NotListed);
            }
        }
    }

    /// Display name of a key of kind `M`, or the key itself.
    pub fn name_of<M: CatalogueRows>(&'static self, key: &str) -> String {
        self.catalogue
            .find::<M>(key)
            .map_or_else(|| key.to_owned(), |m| m.display_name().to_owned())
    }

    /// Every row of every kind of `provider` with its verdict today, for the status page.
    pub fn verdicts(&'static self, provider: Provider) -> Vec<ModelVerdict> {
        fn rows<M: CatalogueRows>(
            models: &'static Models,
            provider: Provider,
            today: &str,
            out: &mut Vec<ModelVerdict>,
        ) {
            let name_of = |key: &str| models.name_of::<M>(key);
            for m in models.catalogue.all::<M>() {
                if m.provider() != provider {
                    continue;
                }
                let verdict = models.verdict(m, today);
                out.push(ModelVerdict {
                    kind: M::KIND,
                    name: m.display_name(),
                    usable: verdict.is_usable() && !m.life().hidden,
                    words: verdict.describe(provider, m.api_model(), &name_of),
                });
            }
        }
        let today = Models::today();
        let mut out = Vec::new();
        rows::<TextModelSpec>(self, provider, &today, &mut out);
        rows::<ImageModelSpec>(self, provider, &today, &mut out);
        rows::<VideoModelSpec>(self, provider, &today, &mut out);
        rows::<SpeechModelSpec>(self, provider, &today, &mut out);
        rows::<NarrationModelSpec>(self, provider, &today, &mut out);
        out
    }
}

/// One model's verdict as the status page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelVerdict {
    pub kind: ModelKind,
    pub name: &'static str,
    pub usable: bool,
    pub words: String,
}

fn first_row<M: ModelEntry>(rows: &'static [M]) -> Resolved<'static, M> {
    // The catalogue always has the built-in rows (the settings can hide, not delete).
    let model = &rows[0];
    Resolved {
        asked: model,
        model,
    }
}
