//! How wrong PIN entries are slowed down: a few free tries per client, then a wait that
//! doubles with each further failure; and the same over all clients together, so many
//! addresses cannot guess in parallel. Pure bookkeeping; the caller supplies the time.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Wrong entries a client may make before it has to wait.
pub const FREE_TRIES: u32 = 5;
/// Wrong entries all clients together may make before everyone has to wait.
pub const FREE_TRIES_OVERALL: u32 = 25;
/// The longest wait.
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// Failures older than this (since the last one) are forgotten.
pub const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Failures {
    /// When the next try is allowed again, if it must wait.
    fn wait_until(&self, free: u32) -> Option<Instant> {
        if self.count < free {
            return None;
        }
        let doublings = (self.count - free).min(16);
        let wait = Duration::from_secs(2u64 << doublings).min(MAX_WAIT);
        Some(self.last + wait)
    }

    fn stale(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.last) > FORGET_AFTER
    }
}

#[derive(Debug, Default)]
pub struct Throttle {
    clients: HashMap<String, Failures>,
    overall: Option<Failures>,
}

impl Throttle {
    /// `Err(wait)` while `client` (or everyone) must wait before trying again.
    pub fn check(&mut self, client: &str, now: Instant) -> Result<(), Duration> {
        self.forget_stale(now);
        let until = [
            self.clients
                .get(client)
                .and_then(|f| f.wait_until(FREE_TRIES)),
            self.overall.and_then(|f| f.wait_until(FREE_TRIES_OVERALL)),
        ]
        .into_iter()
        .flatten()
        .max();
        match until {
            Some(until) if until > now => Err(until - now),
            _ => Ok(()),
        }
    }

    /// Records a wrong entry; returns how many `client` has made in a row.
    pub fn failed(&mut self, client: &str, now: Instant) -> u32 {
        let bump = |f: Option<Failures>| Failures {
            count: f.map_or(0, |f| f.count) + 1,
            last: now,
        };
        self.overall = Some(bump(self.overall));
        let entry = bump(self.clients.get(client).copied());
        self.clients.insert(client.to_owned(), entry);
        entry.count
    }

    /// A right entry clears the client's own count (not the overall one).
    pub fn succeeded(&mut self, client: &str) {
        self.clients.remove(client);
    }

    fn forget_stale(&mut self, now: Instant) {
        self.clients.retain(|_, f| !f.stale(now));
        if self.overall.is_some_and(|f| f.stale(now)) {
            self.overall = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_free_tries_then_a_doubling_wait() {
        let mut t = Throttle::default();
        let start = Instant::now();
        for _ in 0..FREE_TRIES - 1 {
            t.failed("a", start);
            assert!(t.check("a", start).is_ok());
        }
        t.failed("a", start);
        assert_eq!(t.check("a", start), Err(Duration::from_secs(2)));
        // Another client is not held up by one client's failures.
        assert!(t.check("b", start).is_ok());
        let later = start + Duration::from_secs(2);
        assert!(t.check("a", later).is_ok());
        t.failed("a", later);
        assert_eq!(t.check("a", later), Err(Duration::from_secs(4)));
        t.succeeded("a");
        assert!(t.check("a", later).is_ok());
    }

    #[test]
    fn many_clients_together_are_slowed_too() {
        let mut t = Throttle::default();
        let now = Instant::now();
        for i in 0..FREE_TRIES_OVERALL {
            t.failed(&format!("client-{i}"), now);
        }
        assert!(t.check("someone-new", now).is_err());
    }

    #[test]
    fn the_wait_is_capped_and_old_failures_are_forgotten() {
        let mut t = Throttle::default();
        let now = Instant::now();
        for _ in 0..100 {
            t.failed("a", now);
        }
        assert_eq!(t.check("a", now), Err(MAX_WAIT));
        assert!(t
            .check("a", now + FORGET_AFTER + Duration::from_secs(1))
            .is_ok());
    }
}
