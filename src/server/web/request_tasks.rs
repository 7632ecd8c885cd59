//! Where the framework's small tasks run while a request is being answered.
//!
//! Leptos starts a task for every resource a page loads, one for each a `<Suspense>` waits
//! on, and one per resource that watches for changes until the page is dropped
//! (`any_spawner::Executor::spawn`). Handed to tokio, each goes to a worker's queue and wakes
//! the other, idle worker to take a few microseconds of work; the page then waits for that
//! thread to wake it back (the cost of spawning a task and awaiting it at once on a
//! multi-thread runtime: tokio-rs/tokio#4606). Leptos offers no way to run a page's tasks
//! with it; `any_spawner` lets the app choose the executor, which is what this module does.
//!
//! Here a request runs its own: a task spawned while a request is being answered joins it,
//! and is polled whenever the request is, then whenever its body is (a page is a stream:
//! its last chunk drops the page, which ends the watchers). A task spawned anywhere else goes
//! to tokio, and so does one still running when its response is done with or dropped, so no
//! task ends earlier than it would have. Requests still move between workers freely: the
//! server keeps its parallelism between requests, and loses only the hand-overs within one.
//! While a slow reader holds the body back, its tasks wait too: on this app's pages every
//! resource has loaded before the first byte is sent (`SsrMode::Async`), so only watchers
//! wait. A task that panics ends alone, as on tokio, and is logged.

use std::cell::RefCell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use any_spawner::{CustomExecutor, Executor, PinnedFuture, PinnedLocalFuture};
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use futures::future::{CatchUnwind, FutureExt};
use futures::stream::{FuturesUnordered, StreamExt};
use http_body::{Frame, SizeHint};

thread_local! {
    /// Tasks spawned by the request (or body) this thread is polling, not yet taken up by
    /// it; `None` while it polls something else.
    static SPAWNED: RefCell<Option<Vec<PinnedFuture<()>>>> = const { RefCell::new(None) };
}

/// Makes the framework's tasks join the request that spawns them, once per process. Must run
/// before routes are listed: `leptos_axum` then sets tokio's executor, unless one is set.
pub fn install() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if Executor::init_custom_executor(JoinTheRequest).is_ok() {
        INSTALLED.store(true, Ordering::Relaxed);
    } else if !INSTALLED.swap(true, Ordering::Relaxed) {
        // Not set by an earlier app in this process (tests start many) but by someone else:
        // pages still work, each task handed to tokio.
        tracing::warn!(
            "Leptos's executor was set before the app's: requests do not run their tasks"
        );
    }
}

/// Middleware: answers the request with the tasks it spawns run by its own task, and hands
/// those still running to its body. The request keeps its reactive owner on every poll
/// (`page_owner`).
pub async fn run_inline(request: Request, next: Next) -> Response {
    let (response, tasks) = Tasks::answer(super::page_owner::kept(next.run(request))).await;
    if tasks.0.is_empty() {
        return response;
    }
    response.map(|body| Body::new(BodyWithTasks { body, tasks }))
}

struct JoinTheRequest;

impl CustomExecutor for JoinTheRequest {
    fn spawn(&self, task: PinnedFuture<()>) {
        let mut task = Some(task);
        SPAWNED.with(|spawned| {
            if let Ok(mut spawned) = spawned.try_borrow_mut() {
                if let Some(spawned) = spawned.as_mut() {
                    spawned.extend(task.take());
                }
            }
        });
        // Not within a request (a background job, a test's own runtime): tokio's, as before.
        if let Some(task) = task {
            tokio::spawn(task);
        }
    }

    fn spawn_local(&self, task: PinnedLocalFuture<()>) {
        tokio::task::spawn_local(task);
    }

    fn poll_local(&self) {}
}

/// A task of a request: one that panics ends alone, as on tokio.
type Task = CatchUnwind<AssertUnwindSafe<PinnedFuture<()>>>;

/// Hands tasks their request no longer runs to tokio, as if they had been spawned there.
fn to_tokio(tasks: impl IntoIterator<Item = Task>) {
    let mut tasks = tasks.into_iter().peekable();
    if tasks.peek().is_none() {
        return;
    }
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        // Only while the runtime itself shuts down.
        tracing::warn!(
            tasks = tasks.count(),
            "tasks of a request dropped: no runtime to run them"
        );
        return;
    };
    for task in tasks {
        runtime.spawn(task);
    }
}

/// While it lives, tasks spawned on this thread join the request being polled. Polling can
/// nest (a request made within a request's handler, as tests do): the outer's are kept
/// aside, and given back even if the inner panics; the inner's, not yet taken up then, go
/// to tokio.
struct Scope(Option<Vec<PinnedFuture<()>>>);

impl Scope {
    fn enter() -> Self {
        Self(SPAWNED.replace(Some(Vec::new())))
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        let left = SPAWNED.replace(self.0.take()).unwrap_or_default();
        to_tokio(left.into_iter().map(guarded));
    }
}

fn guarded(task: PinnedFuture<()>) -> Task {
    AssertUnwindSafe(task).catch_unwind()
}

/// Rounds of polling in one `drive` before it lets other work on this thread go first.
const ROUNDS_PER_POLL: usize = 64;

/// The tasks a request has spawned.
#[derive(Default)]
struct Tasks(FuturesUnordered<Task>);

impl Tasks {
    /// Polls `request` to its answer, with the tasks it spawns; gives back those still running.
    async fn answer<F: Future>(request: F) -> (F::Output, Tasks) {
        let mut request = pin!(request);
        let mut tasks = Tasks::default();
        let answer =
            std::future::poll_fn(|cx| tasks.drive(cx, |cx| request.as_mut().poll(cx))).await;
        (answer, tasks)
    }

    /// Polls `work`, with the tasks spawned meanwhile joining these, and runs every task that
    /// can go on (one that finishes may be what `work` waits for, and one may spawn more),
    /// until `work` is ready or nothing moves.
    fn drive<T>(
        &mut self,
        cx: &mut Context<'_>,
        mut work: impl FnMut(&mut Context<'_>) -> Poll<T>,
    ) -> Poll<T> {
        let _scope = Scope::enter();
        for _ in 0..ROUNDS_PER_POLL {
            let poll = work(cx);
            let mut progressed = self.take_spawned();
            if poll.is_ready() {
                return poll;
            }
            while let Poll::Ready(Some(ended)) = self.0.poll_next_unpin(cx) {
                if ended.is_err() {
                    tracing::error!("a task of a page panicked");
                }
                progressed = true;
            }
            if !(self.take_spawned() || progressed) {
                return poll;
            }
        }
        // Tasks that keep making work: polled again after the rest of this thread's.
        cx.waker().wake_by_ref();
        Poll::Pending
    }

    /// Takes up the tasks spawned since the last call; false when there were none.
    fn take_spawned(&mut self) -> bool {
        let spawned = SPAWNED.with(|spawned| {
            spawned
                .try_borrow_mut()
                .ok()
                .and_then(|mut spawned| spawned.as_mut().map(std::mem::take))
                .unwrap_or_default()
        });
        let any = !spawned.is_empty();
        self.0.extend(spawned.into_iter().map(guarded));
        any
    }
}

impl Drop for Tasks {
    /// Tasks still running outlive their request, as tokio's own would.
    fn drop(&mut self) {
        to_tokio(std::mem::take(&mut self.0));
    }
}

/// A response's body, which runs its request's tasks while it is being sent.
struct BodyWithTasks {
    body: Body,
    tasks: Tasks,
}

impl http_body::Body for BodyWithTasks {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let Self { body, tasks } = &mut *self;
        let frame = tasks.drive(cx, |cx| Pin::new(&mut *body).poll_frame(cx));
        if let Poll::Ready(None) = frame {
            // The page's last chunk dropped it: its watchers can end now, here.
            let _ = tasks.drive(cx, |_| Poll::<()>::Pending);
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use axum::routing::get;
    use axum::Router;
    use futures::channel::oneshot;
    use tower::ServiceExt;

    use super::*;

    fn spawn_counted(count: &Arc<AtomicUsize>) {
        let count = count.clone();
        JoinTheRequest.spawn(Box::pin(async move {
            tokio::task::yield_now().await;
            count.fetch_add(1, Ordering::SeqCst);
        }));
    }

    async fn until(count: &AtomicUsize, n: usize) {
        for _ in 0..1000 {
            if count.load(Ordering::SeqCst) == n {
                return;
            }
            tokio::task::yield_now().await;
        }
        panic!("{} of {n} tasks finished", count.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn a_request_runs_the_tasks_it_spawns_and_waits_for_them() {
        let done = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = oneshot::channel();
        let request = {
            let done = done.clone();
            async move {
                spawn_counted(&done);
                // A task that spawns another, and the request waits for its answer.
                let nested = done.clone();
                JoinTheRequest.spawn(Box::pin(async move {
                    spawn_counted(&nested);
                    let _ = tx.send(7);
                }));
                rx.await.unwrap_or(0)
            }
        };
        let (answer, tasks) = Tasks::answer(request).await;
        assert_eq!(answer, 7);
        // Answered: its unfinished tasks go on to tokio.
        drop(tasks);
        until(&done, 2).await;
    }

    #[tokio::test]
    async fn a_task_that_panics_ends_alone() {
        let (tx, rx) = oneshot::channel();
        let request = async move {
            JoinTheRequest.spawn(Box::pin(async { panic!("a broken resource") }));
            JoinTheRequest.spawn(Box::pin(async move {
                let _ = tx.send(7);
            }));
            rx.await.unwrap_or(0)
        };
        let (answer, _tasks) = Tasks::answer(request).await;
        assert_eq!(answer, 7);
    }

    #[tokio::test]
    async fn a_streamed_answer_runs_the_tasks_its_body_waits_for() {
        async fn streamed() -> Body {
            let (tx, rx) = oneshot::channel::<&'static str>();
            JoinTheRequest.spawn(Box::pin(async move {
                tokio::time::sleep(Duration::from_millis(5)).await;
                let _ = tx.send("from the task");
            }));
            Body::from_stream(futures::stream::once(async move {
                rx.await.map_err(std::io::Error::other)
            }))
        }
        let app = Router::new()
            .route("/", get(streamed))
            .layer(axum::middleware::from_fn(run_inline));
        let request = Request::builder()
            .uri("/")
            .body(Body::empty())
            .expect("request");
        let response = app.oneshot(request).await.expect("response");
        let body = tokio::time::timeout(
            Duration::from_secs(5),
            axum::body::to_bytes(response.into_body(), 1024),
        )
        .await
        .expect("the body's task never ran")
        .expect("body");
        assert_eq!(&body[..], b"from the task");
    }

    #[tokio::test]
    async fn a_task_spawned_outside_a_request_goes_to_tokio() {
        let done = Arc::new(AtomicUsize::new(0));
        spawn_counted(&done);
        until(&done, 1).await;
    }
}
