//! The web plumbing around the app's pages and server functions: start-up and the router
//! (`startup`), media and photo files per tier (`files`), live events (`live`), scenes read aloud (`read_aloud`), compression
//! and caching (`transfer`), plain HTML forms without JavaScript (`plain_forms`), and the two
//! pieces that run a page's work with its request (`request_tasks`, `page_owner`).

pub mod files;
pub mod live;
pub mod page_owner;
pub mod plain_forms;
pub mod pwa;
pub mod read_aloud;
pub mod request_tasks;
pub mod startup;
pub mod transfer;
