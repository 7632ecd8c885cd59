//! The parent PIN (or passphrase): what counts as one, and its Argon2id hash.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Shortest accepted PIN: four digits, as on a phone.
pub const MIN_LEN: usize = 4;
/// Longest accepted passphrase; bounds the hashing work a request can ask for.
pub const MAX_LEN: usize = 128;

/// A PIN as typed, trimmed (phone keyboards add spaces). Its `Debug` never shows it, so it
/// cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(…)")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PinError {
    #[error("A PIN needs at least {MIN_LEN} characters.")]
    TooShort,
    #[error("A PIN can have at most {MAX_LEN} characters.")]
    TooLong,
    #[error("The two new PINs are not the same. Please type it twice exactly alike.")]
    Mismatch,
}

impl Pin {
    /// A PIN as entered to unlock: anything not absurdly long (a wrong one simply fails).
    pub fn entered(text: &str) -> Result<Pin, PinError> {
        let text = text.trim();
        if text.chars().count() > MAX_LEN {
            return Err(PinError::TooLong);
        }
        Ok(Pin(text.to_owned()))
    }

    /// A new PIN, typed twice.
    pub fn new_pin(text: &str, again: &str) -> Result<Pin, PinError> {
        let pin = Pin::entered(text)?;
        if pin.0.chars().count() < MIN_LEN {
            return Err(PinError::TooShort);
        }
        if pin != Pin::entered(again)? {
            return Err(PinError::Mismatch);
        }
        Ok(pin)
    }

    /// The Argon2id PHC string of this PIN with a fresh salt. Slow on purpose (about 20 ms
    /// optimised): call it off the async runtime.
    pub fn hash(&self) -> Result<String, argon2::password_hash::Error> {
        let salt = SaltString::generate(&mut OsRng);
        Ok(Argon2::default()
            .hash_password(self.0.as_bytes(), &salt)?
            .to_string())
    }

    /// Whether this PIN matches `phc`. A hash that cannot be read matches nothing. Slow on
    /// purpose: call it off the async runtime.
    pub fn matches(&self, phc: &str) -> bool {
        PasswordHash::new(phc)
            .map(|hash| {
                Argon2::default()
                    .verify_password(self.0.as_bytes(), &hash)
                    .is_ok()
            })
            .unwrap_or(false)
    }
}

/// Hashes on a blocking thread, so a PIN check never stalls other requests.
pub async fn hash_off_runtime(pin: Pin) -> Option<String> {
    tokio::task::spawn_blocking(move || pin.hash().ok())
        .await
        .ok()
        .flatten()
}

/// Verifies on a blocking thread.
pub async fn matches_off_runtime(pin: Pin, phc: String) -> bool {
    tokio::task::spawn_blocking(move || pin.matches(&phc))
        .await
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_pins_are_checked_and_trimmed() {
        assert_eq!(Pin::new_pin("123", "123"), Err(PinError::TooShort));
        assert_eq!(Pin::new_pin("1234", "1235"), Err(PinError::Mismatch));
        assert!(Pin::new_pin(" 1234 ", "1234").is_ok());
        let long = "x".repeat(MAX_LEN + 1);
        assert_eq!(Pin::new_pin(&long, &long), Err(PinError::TooLong));
        assert_eq!(format!("{:?}", Pin::entered("secret").ok()), "Some(Pin(…))");
    }

    #[test]
    fn a_hash_is_argon2id_and_matches_only_its_pin() {
        let pin = Pin::new_pin("correct horse", "correct horse").expect("valid");
        let phc = pin.hash().expect("hash");
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(!phc.contains("correct"));
        assert!(pin.matches(&phc));
        assert!(!Pin::entered("correct hors").expect("pin").matches(&phc));
        assert!(!pin.matches("not a hash"));
    }
}
