//! Server-only code: configuration, database, provider clients, story engine, media jobs,
//! files, the parent gate and the web plumbing.
//! Nothing here reaches the WASM bundle.

pub mod config;
pub mod db;
pub mod gate;
pub mod key_check;
pub mod media;
pub mod media_store;
pub mod memory;
pub mod models;
pub mod providers;
pub mod read_aloud;
pub mod spending;
pub mod state;
pub mod story;
pub mod voice;
pub mod web;
