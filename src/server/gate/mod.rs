//! What keeps a protected tier to the parents and other sites out.
//!
//! - `Gate`: the parent PIN of each tier. A right PIN opens a session for that tier only,
//!   held in an HttpOnly, `SameSite=Strict`, signed cookie and a database row that Lock, a
//!   PIN change and idleness end. In a protected tier (adult by default) every route
//!   answers 404 until then (pages show the PIN form with that status); in an open tier
//!   the session is the tier's parent mode: what costs money or destroys something is
//!   shown and allowed only while it is open.
//! - `same_origin`: state-changing requests from other sites are refused, and every answer
//!   carries the security headers.

pub mod csp;
mod page;
pub mod pin;
pub mod routes;
mod same_origin;
mod signing;
mod throttle;

use std::collections::HashMap;
use std::sync::Mutex;

use crate::server::db::Db;
use axum::http::HeaderMap;

pub use same_origin::{is_cross_site, refuse_cross_site, security_headers};
use signing::{new_token, token_digest, Signer};
pub use throttle::Failures;

use crate::server::config::GateSettings;
use crate::server::db::{gate as rows, unix_now, unix_now_ms};
use pin::Pin;

/// Sessions are touched at most this often, so reading a story is not a write per request.
const TOUCH_EVERY_S: i64 = 60;

/// The gate of every protected tier: settings, signing key, throttle and setup codes.
#[derive(Debug)]
pub struct Gate {
    settings: GateSettings,
    signer: Signer,
    /// One-time codes that let the first visitor set a PIN, per tier still without one.
    setup_codes: Mutex<HashMap<&'static str, String>>,
}

/// Why a gate step failed: our storage, never the visitor.
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error("the gate's database query failed: {0}")]
    Db(#[from] sqlx::Error),
    #[error("the PIN could not be hashed")]
    Hash,
}

impl From<GateError> for crate::domain::AppError {
    fn from(_: GateError) -> Self {
        crate::domain::AppError::storage_unavailable()
    }
}

impl Gate {
    /// Loads (or makes) the signing key, applies PINs from the environment, and makes a
    /// setup code for each protected tier that still has no PIN, logging it for whoever
    /// runs the server.
    pub async fn open(db: &Db, settings: GateSettings) -> Result<Gate, GateError> {
        let key = rows::secret(db, "gate_signing_key", || {
            use rand::RngCore as _;
            let mut key = vec![0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut key);
            key
        })
        .await?;
        for (tier, pin) in &settings.env_pins {
            let stored = rows::pin_hash(db, tier).await?;
            let same = match stored {
                Some(hash) => pin::matches_off_runtime(pin.clone(), hash).await,
                None => false,
            };
            if !same {
                let hash = pin::hash_off_runtime(pin.clone())
                    .await
                    .ok_or(GateError::Hash)?;
                rows::set_pin(db, tier, &hash).await?;
                tracing::info!(tier, "parent PIN set from {}_PIN", tier.to_uppercase());
            }
        }
        let mut setup_codes = HashMap::new();
        for tier in crate::domain::tier::TIERS {
            let tier = tier.name;
            if !guards(&settings, tier) || rows::pin_hash(db, tier).await?.is_some() {
                continue;
            }
            let code = setup_code();
            if settings.protected.contains(&tier) {
                tracing::warn!(
                    "The {tier} tier is closed until a parent PIN is set. Open /{tier} and enter \
                     the one-time setup code {code}, or run `cyoa set-pin {tier}`, or set {}_PIN.",
                    tier.to_uppercase()
                );
            } else {
                tracing::warn!(
                    "The parent controls of the {tier} tier have no PIN yet. Open \
                     /{tier}/parent and enter the one-time setup code {code}, or run \
                     `cyoa set-pin {tier}`, or set {}_PIN.",
                    tier.to_uppercase()
                );
            }
            setup_codes.insert(tier, code);
        }
        Ok(Gate {
            settings,
            signer: Signer::new(key),
            setup_codes: Mutex::new(setup_codes),
        })
    }

    pub fn is_protected(&self, tier: &str) -> bool {
        self.settings.protected.contains(&tier)
    }

    pub fn hides_locked(&self) -> bool {
        self.settings.hide_locked
    }

    /// Whether `tier` has a PIN and its sessions: it is protected, or it has parent controls.
    pub fn guards(&self, tier: &str) -> bool {
        guards(&self.settings, tier)
    }

    /// Whether this request may see `tier`: it is not protected, or the request carries a
    /// live session cookie of that tier.
    pub async fn admits(
        &self,
        db: &Db,
        tier: &str,
        headers: &HeaderMap,
    ) -> Result<bool, GateError> {
        if !self.is_protected(tier) {
            return Ok(true);
        }
        self.has_session(db, tier, headers).await
    }

    /// Whether this request may spend money or destroy something in `tier`: its parent
    /// controls are off, or the request carries a live session of the tier (in a protected
    /// tier, the one that let it in).
    pub async fn parent_present(
        &self,
        db: &Db,
        tier: &str,
        headers: &HeaderMap,
    ) -> Result<bool, GateError> {
        if !self.guards(tier) {
            return Ok(true);
        }
        self.has_session(db, tier, headers).await
    }

    /// Whether the request carries a live session cookie of `tier`; touches the session
    /// now and then, so an idle one ends and a used one does not.
    async fn has_session(
        &self,
        db: &Db,
        tier: &str,
        headers: &HeaderMap,
    ) -> Result<bool, GateError> {
        let Some(digest) = self.session_digest(headers, tier) else {
            return Ok(false);
        };
        let now = unix_now();
        let Some(last_seen) = rows::session_last_seen(db, &digest, tier).await? else {
            return Ok(false);
        };
        if now - last_seen > self.idle_s() {
            rows::delete_session(db, &digest).await?;
            return Ok(false);
        }
        if now - last_seen > TOUCH_EVERY_S {
            rows::touch_session(db, &digest, now).await?;
        }
        Ok(true)
    }

    /// Opens a session of `tier`; returns the `Set-Cookie` value for it.
    async fn open_session(&self, db: &Db, tier: &str) -> Result<String, GateError> {
        let now = unix_now();
        // Sessions nobody will use again are swept whenever a new one starts.
        rows::delete_idle_sessions(db, now - self.idle_s()).await?;
        let token = new_token();
        rows::insert_session(db, &token_digest(&token), tier, now).await?;
        // No Max-Age: the browser forgets it when it closes, the server after the idle time.
        Ok(format!(
            "{}={}; Path=/; HttpOnly; SameSite=Strict",
            cookie_name(tier),
            self.signer.sign(&token)
        ))
    }

    /// Ends this browser's session of `tier`; returns the `Set-Cookie` value that clears it.
    async fn close_session(
        &self,
        db: &Db,
        tier: &str,
        headers: &HeaderMap,
    ) -> Result<String, GateError> {
        if let Some(digest) = self.session_digest(headers, tier) {
            rows::delete_session(db, &digest).await?;
        }
        Ok(format!(
            "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
            cookie_name(tier)
        ))
    }

    /// Whether the request carries a cookie of `tier` with our signature (live or not: no
    /// database is asked).
    pub fn carries_session(&self, headers: &HeaderMap, tier: &str) -> bool {
        self.session_digest(headers, tier).is_some()
    }

    /// The stored digest of this request's session token for `tier`, if its cookie carries
    /// one with our signature.
    fn session_digest(&self, headers: &HeaderMap, tier: &str) -> Option<String> {
        let name = cookie_name(tier);
        let signed = cookie_value(headers, &name)?;
        self.signer.verify(signed).map(token_digest)
    }

    fn idle_s(&self) -> i64 {
        i64::try_from(self.settings.idle.as_secs()).unwrap_or(i64::MAX)
    }

    /// A form token for the gate forms of `tier`.
    pub fn form_token(&self, tier: &str) -> String {
        self.signer.form_token(tier, unix_now())
    }

    fn form_token_ok(&self, token: &str, tier: &str) -> bool {
        self.signer.form_token_ok(token, tier, unix_now())
    }

    /// `Ok(Err(seconds))` while `client` must wait before another PIN try (its own wrong
    /// entries, or everyone's, as every instance on the database counted them).
    async fn may_try(&self, db: &Db, client: &str) -> Result<Result<(), u64>, GateError> {
        let (own, overall) = rows::pin_failures(db, client).await?;
        Ok(throttle::check(own, overall, unix_now_ms()))
    }

    /// Counts a wrong PIN or setup code of `client`; answers how many in a row.
    async fn failed(&self, db: &Db, client: &str) -> Result<u32, GateError> {
        Ok(rows::pin_failed(db, client, unix_now_ms(), forget_ms()).await?)
    }

    /// A right PIN or code clears `client`'s wrong entries.
    async fn succeeded(&self, db: &Db, client: &str) {
        if let Err(e) = rows::pin_succeeded(db, client).await {
            tracing::warn!(error = %e, "could not clear a client's wrong PIN entries");
        }
    }

    /// The one-time setup code of `tier`, as printed in the log, while it has no PIN.
    pub fn setup_code(&self, tier: &str) -> Option<String> {
        self.setup_codes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(tier)
            .cloned()
    }

    fn setup_code_used(&self, tier: &str) {
        self.setup_codes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(tier);
    }
}

/// Whether `tier` has a PIN and its sessions under `settings`.
fn guards(settings: &GateSettings, tier: &str) -> bool {
    settings.parent_controls || settings.protected.contains(&tier)
}

fn forget_ms() -> i64 {
    throttle::FORGET_AFTER.as_millis() as i64
}

/// Sets the PIN of `tier` (for `cyoa set-pin`): every session of the tier ends.
pub async fn set_pin(db: &Db, tier: &str, pin: Pin) -> Result<(), GateError> {
    let hash = pin::hash_off_runtime(pin).await.ok_or(GateError::Hash)?;
    rows::set_pin(db, tier, &hash).await?;
    Ok(())
}

/// The cookie that holds a session of `tier`: one per tier, so unlocking one opens no other.
pub fn cookie_name(tier: &str) -> String {
    format!("cyoa_gate_{tier}")
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A one-time setup code such as `K7QM-3XPD-9TWA`: no letters that look like digits.
fn setup_code() -> String {
    use rand::Rng as _;
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..3)
        .map(|_| {
            (0..4)
                .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cookies_are_found_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            axum::http::header::COOKIE,
            HeaderValue::from_static("cyoa_gate_adultx=1; cyoa_gate_adult=abc.def"),
        );
        assert_eq!(cookie_value(&headers, "cyoa_gate_adult"), Some("abc.def"));
        assert_eq!(cookie_value(&headers, "cyoa_gate_kids"), None);
    }

    #[test]
    fn setup_codes_are_readable_and_random() {
        let code = setup_code();
        assert_eq!(code.len(), 14);
        assert!(!code.contains(['0', 'O', '1', 'I', 'L']));
        assert_ne!(code, setup_code());
    }
}
