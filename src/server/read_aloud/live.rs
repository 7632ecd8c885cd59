//! Audio being made in this process, by scene and voice: its samples so far, which every
//! listener reads from the start and then follows as they grow. A second tap (after Stop,
//! or in another tab) joins the reading already paid for instead of ordering another.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use axum::body::Bytes;
use futures::Stream;
use tokio::sync::watch;

/// How a reading stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Bytes of samples so far.
    Growing(usize),
    Done(usize),
    Failed,
}

/// One reading being made.
pub struct Reading {
    samples: RwLock<Vec<u8>>,
    progress: watch::Sender<Progress>,
}

impl Reading {
    fn new() -> Reading {
        Reading {
            samples: RwLock::new(Vec::new()),
            progress: watch::Sender::new(Progress::Growing(0)),
        }
    }

    /// More samples arrived.
    pub fn push(&self, bytes: &[u8]) {
        let len = match self.samples.write() {
            Ok(mut samples) => {
                samples.extend_from_slice(bytes);
                samples.len()
            }
            Err(_) => return,
        };
        self.progress.send_replace(Progress::Growing(len));
    }

    /// All of it arrived: the samples, for storing.
    pub fn finish(&self) -> Vec<u8> {
        let samples = self.samples.read().map(|s| s.clone()).unwrap_or_default();
        self.progress.send_replace(Progress::Done(samples.len()));
        samples
    }

    pub fn fail(&self) {
        self.progress.send_replace(Progress::Failed);
    }

    /// The samples from the first, as they come; ends when the reading does, with an error
    /// if it failed (the listener's player then stops where the audio stopped).
    pub fn follow(self: Arc<Self>) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
        let rx = self.progress.subscribe();
        futures::stream::unfold((self, rx, 0usize), |(reading, mut rx, sent)| async move {
            loop {
                // Ended with an error already.
                if sent == usize::MAX {
                    return None;
                }
                let progress = *rx.borrow_and_update();
                let (len, ended) = match progress {
                    Progress::Growing(len) => (len, false),
                    Progress::Done(len) => (len, true),
                    Progress::Failed => {
                        let error = std::io::Error::other("the reading stopped");
                        return Some((Err(error), (reading, rx, usize::MAX)));
                    }
                };
                if len > sent {
                    let bytes = reading
                        .samples
                        .read()
                        .map(|s| Bytes::copy_from_slice(&s[sent..len]))
                        .unwrap_or_default();
                    return Some((Ok(bytes), (reading, rx, len)));
                }
                if ended || rx.changed().await.is_err() {
                    return None;
                }
            }
        })
    }
}

/// The readings being made in this process.
#[derive(Default)]
pub struct Readings(Mutex<HashMap<(String, String), Arc<Reading>>>);

impl Readings {
    /// The reading of `scene_id` in `voice`, if one is being made here.
    pub fn find(&self, scene_id: &str, voice: &str) -> Option<Arc<Reading>> {
        let map = self.0.lock().ok()?;
        map.get(&(scene_id.to_owned(), voice.to_owned())).cloned()
    }

    /// A new reading, found by others until [`Readings::end`].
    pub fn start(&self, scene_id: &str, voice: &str) -> Arc<Reading> {
        let reading = Arc::new(Reading::new());
        if let Ok(mut map) = self.0.lock() {
            map.insert((scene_id.to_owned(), voice.to_owned()), reading.clone());
        }
        reading
    }

    pub fn end(&self, scene_id: &str, voice: &str) {
        if let Ok(mut map) = self.0.lock() {
            map.remove(&(scene_id.to_owned(), voice.to_owned()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;

    #[tokio::test]
    async fn a_late_listener_hears_from_the_start_and_follows_to_the_end() {
        let readings = Readings::default();
        let reading = readings.start("s", "warm");
        reading.push(&[1, 2]);
        let late = readings.find("s", "warm").map(|r| r.follow());
        let mut late = Box::pin(late.expect("found while it is made"));
        assert_eq!(
            late.next().await.and_then(Result::ok).as_deref(),
            Some(&[1u8, 2][..])
        );
        reading.push(&[3]);
        assert_eq!(
            late.next().await.and_then(Result::ok).as_deref(),
            Some(&[3u8][..])
        );
        assert_eq!(reading.finish(), vec![1, 2, 3]);
        assert!(late.next().await.is_none());
        readings.end("s", "warm");
        assert!(readings.find("s", "warm").is_none());
    }

    #[tokio::test]
    async fn a_failed_reading_ends_its_listeners_with_an_error() {
        let reading = Arc::new(Reading::new());
        let mut listener = Box::pin(reading.clone().follow());
        reading.fail();
        assert!(matches!(listener.next().await, Some(Err(_))));
        assert!(listener.next().await.is_none());
    }
}
