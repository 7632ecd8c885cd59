//! Voice input's limits, shared by the browser (which stops recording) and the server
//! (which refuses anything larger).

/// A recording stops by itself after this long.
pub const MAX_RECORDING_SECONDS: u32 = 60;
/// ... or after this long without sound.
pub const SILENCE_STOP_SECONDS: u32 = 10;
/// The largest recording the server takes: a minute of Opus is well under 1 MB; this
/// leaves room for browsers that record less compactly.
pub const MAX_SPEECH_BYTES: usize = 10 * 1024 * 1024;
