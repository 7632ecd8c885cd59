//! A page request keeps its reactive owner current, on whatever thread it is polled.
//!
//! leptos_axum makes a page's root owner current on the thread that starts the page (its
//! `Owner::new_root` sets the thread's owner), and after the render reads contexts from the
//! thread's current owner: the bundle's split manifest, for the preload links of the page's
//! split modules, and leptos_meta's context, where those links go. Tokio moves a request
//! between worker threads; polled again on another thread, the request finds that thread's
//! owner instead (some other request's, or none), and its page goes out without its preload
//! links (about one page in eight on this machine), so the page's module is fetched only
//! once the main one has started. So the owner a request's poll leaves current is made
//! current again for its next.
//!
//! Upstream: the owner is a thread-local that work stealing does not carry along; the same
//! root shows as leptos-rs/leptos#3671 (a `BorrowError` under multi-thread tokio, gone on a
//! current-thread runtime) and #4829 (the split-module prefetch epilogue reading a disposed
//! context after the stream). Kept while leptos_axum reads contexts from the thread rather
//! than from the request.

use std::future::{poll_fn, Future};
use std::pin::pin;

use leptos::prelude::Owner;

/// Polls `request` to its answer, each poll starting with the owner the last one left.
pub async fn kept<F: Future>(request: F) -> F::Output {
    let mut request = pin!(request);
    let mut its_owner: Option<Owner> = None;
    poll_fn(|cx| {
        if let Some(owner) = &its_owner {
            owner.set();
        }
        // Only an owner the poll made current is the request's: one that was already
        // current is some other request's, left on this thread.
        let before = Owner::current();
        let poll = request.as_mut().poll(cx);
        let after = Owner::current();
        if after != before {
            its_owner = after;
        }
        poll
    })
    .await
}

#[cfg(test)]
mod tests {
    use std::task::{Context, Poll, Waker};

    use super::*;

    /// A request that makes an owner current in its first poll finds it current in its
    /// second, though another request made its own current in between.
    #[test]
    fn a_request_finds_its_owner_again() {
        let mut polls = 0;
        let mut mine = None;
        let request = poll_fn(|_| {
            polls += 1;
            if polls == 1 {
                let owner = Owner::new();
                owner.set();
                mine = Some(owner);
                return Poll::Pending;
            }
            Poll::Ready(Owner::current().is_some() && Owner::current() == mine)
        });
        let mut request = pin!(kept(request));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(request.as_mut().poll(&mut cx).is_pending());
        let other = Owner::new();
        other.set();
        assert_eq!(
            request.as_mut().poll(&mut cx),
            Poll::Ready(true),
            "the request's owner was not current in its second poll"
        );
    }
}
