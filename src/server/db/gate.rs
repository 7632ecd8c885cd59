//! Rows of the parent gate: each protected tier's PIN hash, the unlocked browsers'
//! sessions, the server's own signing key, and the wrong PIN entries per client.

use super::Db;

use super::{now, write_tx};
use crate::server::gate::Failures;

/// The tier's PIN as an Argon2id PHC string, if one was set.
pub async fn pin_hash(db: &Db, tier: &str) -> sqlx::Result<Option<String>> {
    super::query_scalar("SELECT hash FROM tier_pins WHERE tier = ?")
        .bind(tier)
        .fetch_optional(db)
        .await
}

/// Stores a new PIN hash and ends every session of the tier, in one transaction: after a
/// PIN change nobody stays in on the old one.
pub async fn set_pin(db: &Db, tier: &str, hash: &str) -> sqlx::Result<()> {
    let mut tx = write_tx(db).await?;
    super::query(
        "INSERT INTO tier_pins (tier, hash, set_at) VALUES (?, ?, ?)
         ON CONFLICT (tier) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at",
    )
    .bind(tier)
    .bind(hash)
    .bind(now())
    .execute(&mut tx)
    .await?;
    super::query("DELETE FROM gate_sessions WHERE tier = ?")
        .bind(tier)
        .execute(&mut tx)
        .await?;
    tx.commit().await
}

pub async fn insert_session(
    db: &Db,
    token_sha256: &str,
    tier: &str,
    now_s: i64,
) -> sqlx::Result<()> {
    super::query(
        "INSERT INTO gate_sessions (token_sha256, tier, created_at, last_seen_at)
         VALUES (?, ?, ?, ?)",
    )
    .bind(token_sha256)
    .bind(tier)
    .bind(now_s)
    .bind(now_s)
    .execute(db)
    .await?;
    Ok(())
}

/// When the session of `token_sha256` in `tier` was last used, if it exists.
pub async fn session_last_seen(
    db: &Db,
    token_sha256: &str,
    tier: &str,
) -> sqlx::Result<Option<i64>> {
    super::query_scalar(
        "SELECT last_seen_at FROM gate_sessions WHERE token_sha256 = ? AND tier = ?",
    )
    .bind(token_sha256)
    .bind(tier)
    .fetch_optional(db)
    .await
}

pub async fn touch_session(db: &Db, token_sha256: &str, now_s: i64) -> sqlx::Result<()> {
    super::query("UPDATE gate_sessions SET last_seen_at = ? WHERE token_sha256 = ?")
        .bind(now_s)
        .bind(token_sha256)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn delete_session(db: &Db, token_sha256: &str) -> sqlx::Result<()> {
    super::query("DELETE FROM gate_sessions WHERE token_sha256 = ?")
        .bind(token_sha256)
        .execute(db)
        .await?;
    Ok(())
}

/// Forgets sessions idle since before `idle_before` (unix seconds).
pub async fn delete_idle_sessions(db: &Db, idle_before: i64) -> sqlx::Result<u64> {
    let done = super::query("DELETE FROM gate_sessions WHERE last_seen_at < ?")
        .bind(idle_before)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// The secret called `name`, made with `make` and stored the first time it is asked for.
/// Two servers starting at once on one database agree: the first insert wins.
pub async fn secret(db: &Db, name: &str, make: impl FnOnce() -> Vec<u8>) -> sqlx::Result<Vec<u8>> {
    super::query("INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING")
        .bind(name)
        .bind(make())
        .execute(db)
        .await?;
    super::query_scalar("SELECT value FROM server_secrets WHERE name = ?")
        .bind(name)
        .fetch_one(db)
        .await
}

/// The client name of the row that counts wrong entries from every client together.
const EVERYONE: &str = "*";

/// The wrong entries of `client` and of everyone together (whether they still count is the
/// throttle's rule).
pub async fn pin_failures(
    db: &Db,
    client: &str,
) -> sqlx::Result<(Option<Failures>, Option<Failures>)> {
    let rows: Vec<(String, i64, i64)> =
        super::query_as("SELECT client, count, last_ms FROM pin_failures WHERE client IN (?, ?)")
            .bind(client)
            .bind(EVERYONE)
            .fetch_all(db)
            .await?;
    let find = |name: &str| {
        rows.iter()
            .find(|(c, _, _)| c == name)
            .map(|&(_, count, last_ms)| Failures {
                count: u32::try_from(count).unwrap_or(u32::MAX),
                last_ms,
            })
    };
    Ok((find(client), find(EVERYONE)))
}

/// Counts a wrong entry of `client` (and of everyone together), in one transaction. Runs
/// whose last entry is older than `forget_ms` are dropped first (so such a run starts again
/// at one). Answers the client's count in a row.
pub async fn pin_failed(db: &Db, client: &str, now_ms: i64, forget_ms: i64) -> sqlx::Result<u32> {
    let mut tx = write_tx(db).await?;
    // Runs nobody continued are dropped here, so the table stays as small as the guessing.
    super::query("DELETE FROM pin_failures WHERE last_ms < ?")
        .bind(now_ms - forget_ms)
        .execute(&mut tx)
        .await?;
    let mut own: i64 = 0;
    for name in [EVERYONE, client] {
        own = super::query_scalar(
            "INSERT INTO pin_failures (client, count, last_ms) VALUES (?, 1, ?)
             ON CONFLICT (client) DO UPDATE SET count = pin_failures.count + 1, last_ms = excluded.last_ms
             RETURNING count",
        )
        .bind(name)
        .bind(now_ms)
        .fetch_one(&mut tx)
        .await?;
    }
    tx.commit().await?;
    Ok(u32::try_from(own).unwrap_or(u32::MAX))
}

/// A right entry clears the client's own count (not everyone's).
pub async fn pin_succeeded(db: &Db, client: &str) -> sqlx::Result<()> {
    super::query("DELETE FROM pin_failures WHERE client = ?")
        .bind(client)
        .execute(db)
        .await?;
    Ok(())
}
