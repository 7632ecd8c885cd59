//! Job signals between instances on one PostgreSQL: an instance that queues a job or
//! finishes one says so with `NOTIFY`, and each instance's one `LISTEN` connection turns what
//! the others say into its own signals (wake the workers; "a job ended" for the long-polls).
//! A signal lost on the way (a dropped connection) costs a wait, never a job: the workers'
//! sweep and the long-poll's re-read stay as the safety net.

use std::time::Duration;

use sqlx::postgres::{PgListener, PgPool};

/// The channel every instance listens on.
const CHANNEL: &str = "cyoa_media_jobs";

/// How long a listener that lost its server waits before it connects again.
const RECONNECT_PAUSE: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// A job was queued (or put back): idle workers look for it.
    Queued,
    /// A job reached its outcome: waiting status calls read their row again.
    Finished,
}

impl Signal {
    fn payload(self) -> &'static str {
        match self {
            Signal::Queued => "queued",
            Signal::Finished => "finished",
        }
    }

    fn parse(payload: &str) -> Option<Signal> {
        match payload {
            "queued" => Some(Signal::Queued),
            "finished" => Some(Signal::Finished),
            _ => None,
        }
    }
}

/// Tells every instance on this schema (this one too) about `signal`, without waiting for
/// the server. The payload names the schema: other deployments (or the tests' other apps)
/// in the same database hear it and ignore it.
pub fn send(pool: &PgPool, signal: Signal) {
    let pool = pool.clone();
    tokio::spawn(async move {
        let sent = sqlx::query("SELECT pg_notify($1, current_schema() || ' ' || $2)")
            .bind(CHANNEL)
            .bind(signal.payload())
            .execute(&pool)
            .await;
        if let Err(e) = sent {
            tracing::debug!(error = %e, "could not tell the other instances about a media job");
        }
    });
}

/// Listens for the instances' signals until the pool closes, connecting again whenever the
/// connection drops.
pub fn listen(pool: PgPool, on_signal: impl Fn(Signal) + Send + Sync + 'static) {
    tokio::spawn(async move {
        loop {
            match listen_until_closed(&pool, &on_signal).await {
                Err(sqlx::Error::PoolClosed) => return,
                Ok(()) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "could not listen for the other instances' media job signals; trying again");
                    tokio::time::sleep(RECONNECT_PAUSE).await;
                }
            }
        }
    });
}

async fn listen_until_closed(
    pool: &PgPool,
    on_signal: &(impl Fn(Signal) + Sync),
) -> sqlx::Result<()> {
    let schema: String = sqlx::query_scalar("SELECT current_schema()")
        .fetch_one(pool)
        .await?;
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    // Whatever was said before this LISTEN (at start, or while the connection was down) is
    // not heard: look for queued jobs and ended ones now.
    catch_up(on_signal);
    loop {
        match listener.try_recv().await? {
            Some(notification) => {
                let ours = notification.payload().split_once(' ');
                if let Some(signal) = ours
                    .filter(|(from, _)| *from == schema)
                    .and_then(|(_, what)| Signal::parse(what))
                {
                    on_signal(signal);
                }
            }
            // The connection dropped and was made again (sqlx listens again by itself).
            None => {
                catch_up(on_signal);
                tokio::time::sleep(RECONNECT_PAUSE).await;
            }
        }
    }
}

fn catch_up(on_signal: &impl Fn(Signal)) {
    on_signal(Signal::Queued);
    on_signal(Signal::Finished);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_read_back_as_sent_and_others_are_ignored() {
        for s in [Signal::Queued, Signal::Finished] {
            assert_eq!(Signal::parse(s.payload()), Some(s));
        }
        assert_eq!(Signal::parse("something else"), None);
    }
}
