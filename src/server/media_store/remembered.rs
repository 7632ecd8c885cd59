//! What a store remembers of the files it has looked at (one in a bucket seen there, one on
//! disk found whole), so that a page shown again does not ask again: a bounded map from file
//! to what was seen, shared by the store's clones.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::FileKey;

/// At most this many remembered files; beyond, the memory starts again (a cheap bound).
const MAX_FILES: usize = 50_000;

#[derive(Clone)]
pub(super) struct Remembered<V>(Arc<Mutex<HashMap<FileKey, V>>>);

impl<V: Clone> Remembered<V> {
    pub(super) fn new() -> Self {
        Remembered(Arc::default())
    }

    fn map(&self) -> MutexGuard<'_, HashMap<FileKey, V>> {
        // A map of observations cannot be left half-changed by a panic.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn get(&self, key: &FileKey) -> Option<V> {
        self.map().get(key).cloned()
    }

    /// What was seen of each key, under one lock.
    pub(super) fn get_all<'k>(&self, keys: impl Iterator<Item = &'k FileKey>) -> Vec<Option<V>> {
        let map = self.map();
        keys.map(|key| map.get(key).cloned()).collect()
    }

    /// Remembers (`Some`) or forgets (`None`) each key's observation, under one lock.
    pub(super) fn set_all(&self, seen: Vec<(FileKey, Option<V>)>) {
        let mut map = self.map();
        if map.len() + seen.len() > MAX_FILES {
            map.clear();
        }
        for (key, value) in seen {
            match value {
                Some(value) => map.insert(key, value),
                None => map.remove(&key),
            };
        }
    }

    pub(super) fn insert(&self, key: &FileKey, value: V) {
        self.set_all(vec![(key.clone(), Some(value))]);
    }

    pub(super) fn forget(&self, key: &FileKey) {
        self.map().remove(key);
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.map().len()
    }
}

impl<V> std::fmt::Debug for Remembered<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.0.lock().map_or(0, |map| map.len());
        write!(f, "{count} files remembered")
    }
}
