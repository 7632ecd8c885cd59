//! What keeps other sites out (issue 18, first part): a state-changing request is served
//! only when it comes from our own pages, and every answer carries the security headers a
//! browser needs to keep our pages to themselves. The parent PIN of protected tiers is
//! still to come.

mod same_origin;

pub use same_origin::{refuse_cross_site, security_headers};
