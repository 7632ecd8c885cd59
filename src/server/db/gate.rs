//! Rows of the parent gate: each protected tier's PIN hash, the unlocked browsers'
//! sessions, and the server's own signing key.

use sqlx::SqlitePool;

use super::{now, write_tx};

/// The tier's PIN as an Argon2id PHC string, if one was set.
pub async fn pin_hash(db: &SqlitePool, tier: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT hash FROM tier_pins WHERE tier = ?")
        .bind(tier)
        .fetch_optional(db)
        .await
}

/// Stores a new PIN hash and ends every session of the tier, in one transaction: after a
/// PIN change nobody stays in on the old one.
pub async fn set_pin(db: &SqlitePool, tier: &str, hash: &str) -> sqlx::Result<()> {
    let mut tx = write_tx(db).await?;
    sqlx::query(
        "INSERT INTO tier_pins (tier, hash, set_at) VALUES (?, ?, ?)
         ON CONFLICT (tier) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at",
    )
    .bind(tier)
    .bind(hash)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM gate_sessions WHERE tier = ?")
        .bind(tier)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

pub async fn insert_session(
    db: &SqlitePool,
    token_sha256: &str,
    tier: &str,
    now_s: i64,
) -> sqlx::Result<()> {
    sqlx::query(
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
    db: &SqlitePool,
    token_sha256: &str,
    tier: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT last_seen_at FROM gate_sessions WHERE token_sha256 = ? AND tier = ?")
        .bind(token_sha256)
        .bind(tier)
        .fetch_optional(db)
        .await
}

pub async fn touch_session(db: &SqlitePool, token_sha256: &str, now_s: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE gate_sessions SET last_seen_at = ? WHERE token_sha256 = ?")
        .bind(now_s)
        .bind(token_sha256)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn delete_session(db: &SqlitePool, token_sha256: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM gate_sessions WHERE token_sha256 = ?")
        .bind(token_sha256)
        .execute(db)
        .await?;
    Ok(())
}

/// Forgets sessions idle since before `idle_before` (unix seconds).
pub async fn delete_idle_sessions(db: &SqlitePool, idle_before: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM gate_sessions WHERE last_seen_at < ?")
        .bind(idle_before)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// The secret called `name`, made with `make` and stored the first time it is asked for.
/// Two servers starting at once on one database agree: the first insert wins.
pub async fn secret(
    db: &SqlitePool,
    name: &str,
    make: impl FnOnce() -> Vec<u8>,
) -> sqlx::Result<Vec<u8>> {
    sqlx::query("INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING")
        .bind(name)
        .bind(make())
        .execute(db)
        .await?;
    sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = ?")
        .bind(name)
        .fetch_one(db)
        .await
}
