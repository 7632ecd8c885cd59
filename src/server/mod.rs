//! Server-only code: configuration, database, provider clients, story engine, simulator.
//! Nothing here reaches the WASM bundle.

pub mod config;
pub mod db;
pub mod files;
pub mod gate;
pub mod integrity;
pub mod key_check;
pub mod live;
pub mod media;
pub mod media_check;
pub mod media_store;
pub mod memory;
pub mod models;
pub mod page_owner;
pub mod plain_forms;
pub mod providers;
pub mod request_tasks;
pub mod spending;
pub mod startup;
pub mod state;
pub mod storage;
pub mod story;
pub mod transfer;
pub mod voice;
