//! How wrong PIN entries are slowed down: a few free tries per client, then a wait that
//! doubles with each further failure; and the same over all clients together, so many
//! addresses cannot guess in parallel. The counts are rows (`db::gate`), so every instance
//! on the database counts the same failures: a guesser gains nothing by spreading tries
//! over instances. This module is the rule alone; the caller supplies the counts and the
//! time (unix milliseconds).

use std::time::Duration;

/// Wrong entries a client may make before it has to wait.
pub const FREE_TRIES: u32 = 5;
/// Wrong entries all clients together may make before everyone has to wait.
pub const FREE_TRIES_OVERALL: u32 = 25;
/// The longest wait.
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// Failures older than this (since the last one) are forgotten.
pub const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);

/// A run of wrong entries: how many, and when the last one was (unix milliseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    pub last_ms: i64,
}

impl Failures {
    /// The unix millisecond from which the next try is allowed, when it must wait.
    fn wait_until(&self, free: u32) -> Option<i64> {
        if self.count < free {
            return None;
        }
        let doublings = (self.count - free).min(16);
        let wait = Duration::from_secs(2u64 << doublings).min(MAX_WAIT);
        Some(self.last_ms + wait.as_millis() as i64)
    }

    /// Too old to count any more.
    fn stale(&self, now_ms: i64) -> bool {
        now_ms - self.last_ms > FORGET_AFTER.as_millis() as i64
    }
}

/// `Err(seconds)` while a client with `own` failures, or everyone (`overall`), must wait
/// before trying again; the seconds are rounded up ("wait 0 seconds" would be wrong).
/// Failures older than [`FORGET_AFTER`] count for nothing.
pub fn check(own: Option<Failures>, overall: Option<Failures>, now_ms: i64) -> Result<(), u64> {
    let counts = |f: &Failures| !f.stale(now_ms);
    let until = [
        own.filter(counts).and_then(|f| f.wait_until(FREE_TRIES)),
        overall
            .filter(counts)
            .and_then(|f| f.wait_until(FREE_TRIES_OVERALL)),
    ]
    .into_iter()
    .flatten()
    .max();
    match until {
        Some(until) if until > now_ms => Err(((until - now_ms) as u64).div_ceil(1000)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    fn failures(count: u32, last_ms: i64) -> Option<Failures> {
        Some(Failures { count, last_ms })
    }

    #[test]
    fn five_free_tries_then_a_doubling_wait() {
        assert!(check(failures(FREE_TRIES - 1, NOW), None, NOW).is_ok());
        assert_eq!(check(failures(FREE_TRIES, NOW), None, NOW), Err(2));
        assert_eq!(check(failures(FREE_TRIES, NOW), None, NOW + 1), Err(2));
        assert_eq!(check(failures(FREE_TRIES, NOW), None, NOW + 1000), Err(1));
        assert!(check(failures(FREE_TRIES, NOW), None, NOW + 2000).is_ok());
        assert_eq!(check(failures(FREE_TRIES + 1, NOW), None, NOW), Err(4));
        // No failures of its own: a client is not held up by another's.
        assert!(check(None, failures(FREE_TRIES, NOW), NOW).is_ok());
    }

    #[test]
    fn many_clients_together_are_slowed_too() {
        assert_eq!(check(None, failures(FREE_TRIES_OVERALL, NOW), NOW), Err(2));
    }

    #[test]
    fn the_wait_is_capped_and_old_failures_are_forgotten() {
        assert_eq!(
            check(failures(100, NOW), None, NOW),
            Err(MAX_WAIT.as_secs())
        );
        let forgotten = NOW + FORGET_AFTER.as_millis() as i64 + 1;
        assert!(failures(100, NOW).is_some_and(|f| f.stale(forgotten)));
        assert!(!failures(100, NOW).is_some_and(|f| f.stale(NOW + 60_000)));
        assert!(check(failures(100, NOW), failures(100, NOW), forgotten).is_ok());
    }
}
