//! The database: the embedded SQLite file, or PostgreSQL when `DATABASE_URL` names one
//! (hosted mode, see `docs/hosted-mode.md`). One pool, migrations applied at start-up, one
//! repository module per table group, every statement written once for both (`sql`).
//! Every query takes the tier and filters by it.

pub mod characters;
pub mod family;
pub mod gallery;
pub mod gate;
pub mod media;
pub mod profiles;
pub mod scene_audio;
mod sql;
pub mod stories;
pub mod written_ahead;

pub use sql::{
    query, query_as, query_scalar, write_tx, Bind, Db, Done, On, Record, Scalar, Sql, Statement,
    StoredKey, Value, WriteTx,
};

use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgDatabaseError, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("could not create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("could not open the database: {0}")]
    Open(#[from] sqlx::Error),
    #[error("could not apply database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Database commits made to fail on purpose, turned into rollbacks as SQLite's commits fail
/// when its disk is full: every commit while on, or only the next few. Off unless a test
/// switches it on.
#[derive(Debug, Clone, Default)]
pub struct CommitFaults(Arc<AtomicI64>);

/// [`CommitFaults`]' count for "every commit fails".
const EVERY_COMMIT: i64 = -1;

impl CommitFaults {
    pub fn fail_commits(&self, on: bool) {
        self.0
            .store(if on { EVERY_COMMIT } else { 0 }, Ordering::SeqCst);
    }

    /// The next `count` commits fail, the ones after them go through (a disk that is full
    /// until something frees space).
    pub fn fail_next(&self, count: u32) {
        self.0.store(i64::from(count), Ordering::SeqCst);
    }

    /// Whether the commit being made goes through (called by the commit hook).
    fn allows_commit(&self) -> bool {
        let before = self
            .0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                (left > 0).then(|| left - 1)
            });
        match before {
            Ok(_) => false,
            Err(left) => left != EVERY_COMMIT,
        }
    }
}

/// SQLite's result code for a commit turned into a rollback by the commit hook.
const SQLITE_CONSTRAINT_COMMITHOOK: i64 = 531;

/// Whether a database error means the storage cannot take writes now (a full disk, an I/O
/// error, the injected commit failure that stands for them; on PostgreSQL also a server that
/// is restarting, read-only or out of reach), not a fault in our queries: a 503.
pub fn is_storage_failure(e: &sqlx::Error) -> bool {
    if let Some(pg) = e
        .as_database_error()
        .and_then(|d| d.try_downcast_ref::<PgDatabaseError>())
    {
        // The server cannot take the write now, or is not there: class 53 (a full disk,
        // out of memory), 58 (I/O), 08 (connection), 57P01/57P03 (restarting, starting),
        // 25006 (read-only, as after a failover), 55P03 (the write lock's wait ran out),
        // 40001/40P01 (a transaction to run again).
        let code = pg.code();
        return ["53", "58", "08"]
            .iter()
            .any(|class| code.starts_with(class))
            || ["57P01", "57P03", "25006", "55P03", "40001", "40P01"].contains(&code);
    }
    if matches!(e, sqlx::Error::PoolTimedOut) {
        // Every connection busy, or the server unreachable, for the pool's whole wait.
        return true;
    }
    let code = e
        .as_database_error()
        .and_then(|d| d.code())
        .and_then(|c| c.parse::<i64>().ok());
    match code {
        Some(SQLITE_CONSTRAINT_COMMITHOOK) => true,
        // SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN and their extended codes.
        Some(c) => matches!(c & 0xff, 10 | 13 | 14),
        None => matches!(e, sqlx::Error::Io(_)),
    }
}

/// Opens the database this instance is configured for and brings its schema up to date:
/// PostgreSQL when `database_url` is set, else the SQLite file at `path`.
pub async fn open(
    database_url: Option<&str>,
    path: &Path,
    faults: &CommitFaults,
) -> Result<Db, DbError> {
    match database_url {
        Some(url) => connect_postgres(url).await,
        None => connect(path, faults).await,
    }
}

/// Connects to a PostgreSQL server (`postgres://…`; unset parts come from the `PG*`
/// variables, as with `psql`) and brings its schema up to date.
pub async fn connect_postgres(url: &str) -> Result<Db, DbError> {
    let options = PgConnectOptions::from_str(url)?
        // A connection left inside a transaction (its instance cut off mid-write) gives up
        // the write lock after a minute instead of holding every instance's writes.
        .options([("idle_in_transaction_session_timeout", "60s")]);
    let pool = PgPoolOptions::new()
        .max_connections(16)
        // A server across a network can drop a connection: sqlx pings before reusing one.
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations/postgres").run(&pool).await?;
    Ok(Db::Postgres(pool))
}

/// A schema of its own on the PostgreSQL server the `PG*` variables name (as `psql` reads
/// them; `pg_virtualenv` sets them), for tests and benchmarks that start many apps on one
/// server: creates `schema` if needed and answers a `DATABASE_URL` whose connections use it.
pub async fn postgres_schema_from_env(schema: &str) -> sqlx::Result<String> {
    use sqlx::{ConnectOptions, Connection, Executor};
    if !schema
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(sqlx::Error::Configuration(
            format!("not a plain schema name: {schema}").into(),
        ));
    }
    let server = PgConnectOptions::new();
    let mut admin = server.connect().await?;
    admin
        .execute(format!("CREATE SCHEMA IF NOT EXISTS {schema}").as_str())
        .await?;
    admin.close().await?;
    let mut params = vec![
        ("host", server.get_host().to_owned()),
        ("port", server.get_port().to_string()),
        ("user", server.get_username().to_owned()),
        ("options", format!("-c search_path={schema}")),
    ];
    if let Some(db) = server.get_database() {
        params.push(("dbname", db.to_owned()));
    }
    if let Ok(password) = std::env::var("PGPASSWORD") {
        params.push(("password", password));
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    Ok(format!("postgres://localhost/?{query}"))
}

/// Opens (creating if needed) the database file and brings its schema up to date.
pub async fn connect(path: &Path, faults: &CommitFaults) -> Result<Db, DbError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| DbError::DataDir {
            path: dir.display().to_string(),
            source,
        })?;
    }
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .create_if_missing(true)
        .foreign_keys(true)
        // Requests and background workers write at the same time.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10));
    let faults = faults.clone();
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        // A file on this machine does not drop its connection: a ping before each query
        // would only cost a trip to the connection's thread and back (a fifth of a page's
        // CPU, measured by `benches/page_cpu.rs`).
        .test_before_acquire(false)
        .after_connect(move |conn, _| {
            let faults = faults.clone();
            Box::pin(async move {
                conn.lock_handle()
                    .await?
                    .set_commit_hook(move || faults.allows_commit());
                Ok(())
            })
        })
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
    Ok(Db::Sqlite(pool))
}

/// How every time is stored: RFC 3339 in UTC with exactly three sub-second digits, so text
/// order is time order (migration 0012 brought older rows to this width).
const STORED_TIME: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
);

/// Current time as stored in the database.
pub fn now() -> String {
    stored_time(time::OffsetDateTime::now_utc())
}

/// `at` as the database stores times (see [`STORED_TIME`]).
pub fn stored_time(at: time::OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(STORED_TIME)
        .unwrap_or_default()
}

/// Whole minutes from a stored time (see [`STORED_TIME`]) to now; `None` for a time that does
/// not parse.
pub fn minutes_since(stored: &str) -> Option<u32> {
    let at = time::PrimitiveDateTime::parse(stored, STORED_TIME)
        .ok()?
        .assume_utc();
    let minutes = (time::OffsetDateTime::now_utc() - at).whole_minutes();
    Some(u32::try_from(minutes.max(0)).unwrap_or(u32::MAX))
}

/// Current time in unix seconds, for rows that count time (sessions, spending).
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Current time in unix milliseconds, for counts that must not round a wait to the second
/// (wrong PIN entries).
pub fn unix_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Fresh random id for a row.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn stored_times_have_one_width_and_sort_as_text() {
        let times = [
            datetime!(2026-11-26 22:00:05 UTC),
            datetime!(2026-11-26 22:00:05.3 UTC),
            datetime!(2026-11-26 22:00:05.45 UTC),
            datetime!(2026-11-26 23:00:05.45 +01:00) + time::Duration::milliseconds(1),
        ];
        let stored: Vec<String> = times.iter().map(|t| stored_time(*t)).collect();
        assert_eq!(stored[0], "2026-11-26T22:00:05.000Z");
        assert_eq!(stored[3], "2026-11-26T22:00:05.451Z", "kept in UTC");
        assert!(stored.iter().all(|s| s.len() == stored[0].len()));
        let mut sorted = stored.clone();
        sorted.sort();
        assert_eq!(sorted, stored, "text order is time order");
    }
}
