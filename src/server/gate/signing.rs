//! What the gate signs with the server's own key: session cookies (so a made-up cookie is
//! refused before any lookup) and the tokens in its plain HTML forms (so a form posted from
//! a page we did not render is refused even by a browser that sends no `Origin`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// How long a form token stays good: a PIN page left open over night still works.
pub const FORM_TOKEN_LIFETIME_S: i64 = 24 * 60 * 60;

#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(…)")
    }
}

impl Signer {
    pub fn new(key: Vec<u8>) -> Signer {
        Signer { key }
    }

    fn mac(&self, message: &str) -> HmacSha256 {
        // HMAC takes a key of any length.
        let mut mac = HmacSha256::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
        mac.update(message.as_bytes());
        mac
    }

    /// `value.signature`.
    pub fn sign(&self, value: &str) -> String {
        let tag = self.mac(value).finalize().into_bytes();
        format!("{value}.{}", URL_SAFE_NO_PAD.encode(tag))
    }

    /// The value of a string made by [`Signer::sign`], if its signature is ours (compared in
    /// constant time).
    pub fn verify<'a>(&self, signed: &'a str) -> Option<&'a str> {
        let (value, tag) = signed.rsplit_once('.')?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        self.mac(value).verify_slice(&tag).ok()?;
        Some(value)
    }

    /// A token for a gate form of `tier`, made at `now_s` (unix seconds).
    pub fn form_token(&self, tier: &str, now_s: i64) -> String {
        self.sign(&format!("form:{tier}:{now_s}"))
    }

    /// Whether `token` is one of ours for `tier` and not too old.
    pub fn form_token_ok(&self, token: &str, tier: &str, now_s: i64) -> bool {
        let Some(value) = self.verify(token) else {
            return false;
        };
        let Some(issued) = value
            .strip_prefix("form:")
            .and_then(|rest| rest.strip_prefix(tier))
            .and_then(|rest| rest.strip_prefix(':'))
            .and_then(|s| s.parse::<i64>().ok())
        else {
            return false;
        };
        (0..=FORM_TOKEN_LIFETIME_S).contains(&(now_s - issued))
    }
}

/// A fresh random session token (256 bits), URL-safe.
pub fn new_token() -> String {
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a session token.
pub fn token_digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_signatures_verify() {
        let signer = Signer::new(b"key one".to_vec());
        let signed = signer.sign("abc");
        assert_eq!(signer.verify(&signed), Some("abc"));
        assert_eq!(Signer::new(b"key two".to_vec()).verify(&signed), None);
        assert_eq!(signer.verify("abd.".to_owned().as_str()), None);
        let forged = signed.replacen("abc", "abd", 1);
        assert_eq!(signer.verify(&forged), None);
    }

    #[test]
    fn form_tokens_are_per_tier_and_expire() {
        let signer = Signer::new(b"k".to_vec());
        let token = signer.form_token("adult", 1_000);
        assert!(signer.form_token_ok(&token, "adult", 1_000 + 60));
        assert!(!signer.form_token_ok(&token, "kids", 1_000 + 60));
        assert!(!signer.form_token_ok(&token, "adult", 1_000 + FORM_TOKEN_LIFETIME_S + 1));
        assert!(!signer.form_token_ok("form:adult:1000.AAAA", "adult", 1_000));
    }

    #[test]
    fn tokens_are_random_and_stored_only_as_digests() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(token_digest(&a).len(), 64);
        assert!(!token_digest(&a).contains(&a));
    }
}
