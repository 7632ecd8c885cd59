//! The integration tests: one binary (one link of the whole server instead of one per file),
//! each module over real HTTP against the simulator and real SQLite files.

#![cfg(feature = "ssr")]

mod helpers;

mod account_errors;
mod api_errors;
mod bedtime;
mod chapters;
mod covers;
mod cross_site;
mod durability;
mod export;
mod family;
mod gallery;
mod image_providers;
mod instant_scenes;
mod isolation;
mod job_leases;
mod media_bucket;
mod memory_mode;
mod models;
mod parent_gate;
mod plain_forms;
mod pwa;
mod read_aloud;
mod recap;
mod regenerate;
mod roster_migration;
mod same_faces;
mod schema_parity;
mod sequels;
mod spending;
mod story_engine;
mod story_ideas;
mod story_length;
mod story_map;
mod text_providers;
mod tier_routes;
mod transfer;
mod two_processes;
mod video_jobs;
mod voice;
