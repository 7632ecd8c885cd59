//! One query API over both databases. A statement is written once, with `?` placeholders
//! (numbered `$1…` for PostgreSQL when it runs); its values are bound as plain [`Value`]s and
//! handed to whichever driver the [`Db`] holds. Rows decode into the same structs on both, as
//! sqlx's derived `FromRow` is generic over the row type.
//!
//! Why not sqlx's `Any` driver: it has open bugs with placeholders, SQLite's options and
//! dates, and would hide the SQLite handle the commit faults need. Why not generic functions
//! over `sqlx::Database`: every query would carry a dozen trait bounds. The call sites read as
//! sqlx's do (`query(..).bind(..).fetch_all(db)`), so the repository modules stay as written.

use std::borrow::Cow;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Arguments, Decode, FromRow, PgPool, Postgres, Sqlite, SqlitePool, Type};

/// The database of this instance: the embedded SQLite file, or a shared PostgreSQL.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Db {
    /// The SQLite pool, for what only SQLite has (tests that reach into the file).
    pub fn as_sqlite(&self) -> Option<&SqlitePool> {
        match self {
            Db::Sqlite(p) => Some(p),
            Db::Postgres(_) => None,
        }
    }
}

/// A statement's text: one for both databases, or one for each where their SQL differs.
#[derive(Debug, Clone)]
pub struct Sql {
    sqlite: Cow<'static, str>,
    postgres: Option<Cow<'static, str>>,
}

impl Sql {
    /// Two texts, where the dialects disagree (functions, JSON, random ids).
    pub fn each(
        sqlite: impl Into<Cow<'static, str>>,
        postgres: impl Into<Cow<'static, str>>,
    ) -> Sql {
        Sql {
            sqlite: sqlite.into(),
            postgres: Some(postgres.into()),
        }
    }

    fn for_postgres(&self) -> String {
        numbered(self.postgres.as_deref().unwrap_or(&self.sqlite))
    }
}

impl From<&'static str> for Sql {
    fn from(text: &'static str) -> Sql {
        Sql {
            sqlite: Cow::Borrowed(text),
            postgres: None,
        }
    }
}

impl From<String> for Sql {
    fn from(text: String) -> Sql {
        Sql {
            sqlite: Cow::Owned(text),
            postgres: None,
        }
    }
}

/// `?` placeholders numbered as PostgreSQL wants them (`$1`, `$2`, …); a `?` inside a quoted
/// literal or identifier, or in a `--` comment, stays.
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    // What ends the part we are inside of: its quote, or a comment's line end.
    let mut inside: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match (inside, c) {
            (None, '?') => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
                continue;
            }
            (None, '\'' | '"') => inside = Some(c),
            (None, '-') if chars.peek() == Some(&'-') => inside = Some('\n'),
            (Some(end), c) if c == end => inside = None,
            _ => {}
        }
        out.push(c);
    }
    out
}

/// A bound value, typed so that a NULL still tells PostgreSQL its column kind.
#[derive(Debug, Clone)]
pub enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(Option<bool>),
    Bytes(Option<Vec<u8>>),
}

/// What can be bound to a placeholder.
pub trait Bind {
    fn into_value(self) -> Value;
    /// This kind's NULL (for `None`).
    fn null() -> Value;
}

/// Enums stored by their stable key (see `domain::keyed`).
pub trait StoredKey {
    fn stored_key(&self) -> &'static str;
}

impl<T: StoredKey> Bind for T {
    fn into_value(self) -> Value {
        Value::Text(Some(self.stored_key().to_owned()))
    }
    fn null() -> Value {
        Value::Text(None)
    }
}

macro_rules! bind_as {
    ($variant:ident: $($ty:ty => |$v:ident| $conv:expr),+ $(,)?) => {$(
        impl Bind for $ty {
            fn into_value(self) -> Value {
                let $v = self;
                Value::$variant(Some($conv))
            }
            fn null() -> Value {
                Value::$variant(None)
            }
        }
    )+};
}

bind_as!(Text:
    &str => |v| v.to_owned(),
    String => |v| v,
    &String => |v| v.clone(),
);
bind_as!(Int:
    i64 => |v| v,
    i32 => |v| i64::from(v),
    u32 => |v| i64::from(v),
    u64 => |v| i64::try_from(v).unwrap_or(i64::MAX),
    usize => |v| i64::try_from(v).unwrap_or(i64::MAX),
);
bind_as!(Bool: bool => |v| v);
bind_as!(Bytes:
    Vec<u8> => |v| v,
    &[u8] => |v| v.to_vec(),
    &Vec<u8> => |v| v.clone(),
);

impl<T: Bind> Bind for Option<T> {
    fn into_value(self) -> Value {
        match self {
            Some(v) => v.into_value(),
            None => T::null(),
        }
    }
    fn null() -> Value {
        T::null()
    }
}

impl<T: Bind + Clone> Bind for &Option<T> {
    fn into_value(self) -> Value {
        self.clone().into_value()
    }
    fn null() -> Value {
        T::null()
    }
}

fn sqlite_args(values: Vec<Value>) -> sqlx::Result<SqliteArguments<'static>> {
    let mut args = SqliteArguments::default();
    for value in values {
        match value {
            Value::Text(v) => args.add(v),
            Value::Int(v) => args.add(v),
            Value::Bool(v) => args.add(v),
            Value::Bytes(v) => args.add(v),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(args)
}

fn pg_args(values: Vec<Value>) -> sqlx::Result<PgArguments> {
    let mut args = PgArguments::default();
    for value in values {
        match value {
            Value::Text(v) => args.add(v.map(without_nul)),
            Value::Int(v) => args.add(v),
            Value::Bool(v) => args.add(v),
            Value::Bytes(v) => args.add(v),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(args)
}

/// PostgreSQL's text cannot hold a NUL character (it refuses the whole statement); SQLite's
/// can. A NUL never is a meaningful part of what a family types, and an id or key holding one
/// matches nothing either way, so it becomes U+FFFD: a path with `%00` is a 404 as on SQLite,
/// not a failed query.
fn without_nul(text: String) -> String {
    if text.contains('\0') {
        text.replace('\0', "\u{FFFD}")
    } else {
        text
    }
}

/// Where a statement runs: on the pool, or inside a write transaction.
pub enum On<'c> {
    Pool(&'c Db),
    Tx(&'c mut WriteTx),
}

impl On<'_> {
    /// The same place, for one more statement.
    pub fn reborrow(&mut self) -> On<'_> {
        match self {
            On::Pool(db) => On::Pool(db),
            On::Tx(tx) => On::Tx(tx),
        }
    }
}

impl<'c> From<&'c Db> for On<'c> {
    fn from(db: &'c Db) -> On<'c> {
        On::Pool(db)
    }
}

impl<'c> From<&'c mut WriteTx> for On<'c> {
    fn from(tx: &'c mut WriteTx) -> On<'c> {
        On::Tx(tx)
    }
}

/// Rows that decode from either database.
pub trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// Single values that decode from either database.
pub trait Scalar:
    Type<Sqlite>
    + for<'r> Decode<'r, Sqlite>
    + Type<Postgres>
    + for<'r> Decode<'r, Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: Type<Sqlite>
        + for<'r> Decode<'r, Sqlite>
        + Type<Postgres>
        + for<'r> Decode<'r, Postgres>
        + Send
        + Unpin
{
}

/// Runs `$self` with the driver `$on` holds: `sqlx::$make(text, arguments).$method(executor)`.
macro_rules! run {
    ($self:ident, $on:ident, $make:ident, execute) => {
        match $on.into() {
            On::Pool(Db::Sqlite(p)) => sqlx::$make(&$self.sql.sqlite, sqlite_args($self.values)?)
                .execute(p)
                .await?
                .rows_affected(),
            On::Pool(Db::Postgres(p)) => {
                sqlx::$make(&$self.sql.for_postgres(), pg_args($self.values)?)
                    .execute(p)
                    .await?
                    .rows_affected()
            }
            On::Tx(tx) => match tx.conn()? {
                TxConn::Sqlite(c) => sqlx::$make(&$self.sql.sqlite, sqlite_args($self.values)?)
                    .execute(&mut **c)
                    .await?
                    .rows_affected(),
                TxConn::Postgres(c) => {
                    sqlx::$make(&$self.sql.for_postgres(), pg_args($self.values)?)
                        .execute(&mut **c)
                        .await?
                        .rows_affected()
                }
            },
        }
    };
    ($self:ident, $on:ident, $make:ident, $method:ident) => {
        match $on.into() {
            On::Pool(Db::Sqlite(p)) => {
                sqlx::$make(&$self.sql.sqlite, sqlite_args($self.values)?)
                    .$method(p)
                    .await
            }
            On::Pool(Db::Postgres(p)) => {
                sqlx::$make(&$self.sql.for_postgres(), pg_args($self.values)?)
                    .$method(p)
                    .await
            }
            On::Tx(tx) => match tx.conn()? {
                TxConn::Sqlite(c) => {
                    sqlx::$make(&$self.sql.sqlite, sqlite_args($self.values)?)
                        .$method(&mut **c)
                        .await
                }
                TxConn::Postgres(c) => {
                    sqlx::$make(&$self.sql.for_postgres(), pg_args($self.values)?)
                        .$method(&mut **c)
                        .await
                }
            },
        }
    };
}

/// A statement with its values, not yet run.
pub struct Statement<O> {
    sql: Sql,
    values: Vec<Value>,
    out: std::marker::PhantomData<fn() -> O>,
}

/// A statement run for its effect (`execute`).
pub fn query(sql: impl Into<Sql>) -> Statement<()> {
    statement(sql)
}

/// A statement whose rows decode into `O` (a `FromRow` struct or a tuple).
pub fn query_as<O>(sql: impl Into<Sql>) -> Statement<Rows<O>> {
    statement(sql)
}

/// A statement whose rows are one value each.
pub fn query_scalar<O>(sql: impl Into<Sql>) -> Statement<One<O>> {
    statement(sql)
}

fn statement<O>(sql: impl Into<Sql>) -> Statement<O> {
    Statement {
        sql: sql.into(),
        values: Vec::new(),
        out: std::marker::PhantomData,
    }
}

/// Marks a statement read as rows of `O`.
pub struct Rows<O>(std::marker::PhantomData<O>);
/// Marks a statement read as single values of `O`.
pub struct One<O>(std::marker::PhantomData<O>);

impl<O> Statement<O> {
    pub fn bind(mut self, value: impl Bind) -> Self {
        self.values.push(value.into_value());
        self
    }

    /// Runs the statement for its effect; answers the number of rows it changed.
    pub async fn execute<'c>(self, on: impl Into<On<'c>>) -> sqlx::Result<Done> {
        let rows = run!(self, on, query_with, execute);
        Ok(Done(rows))
    }
}

/// What a statement changed.
#[derive(Debug, Clone, Copy)]
pub struct Done(u64);

impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.0
    }
}

impl<O: Record> Statement<Rows<O>> {
    pub async fn fetch_all<'c>(self, on: impl Into<On<'c>>) -> sqlx::Result<Vec<O>> {
        run!(self, on, query_as_with, fetch_all)
    }

    pub async fn fetch_one<'c>(self, on: impl Into<On<'c>>) -> sqlx::Result<O> {
        run!(self, on, query_as_with, fetch_one)
    }

    pub async fn fetch_optional<'c>(self, on: impl Into<On<'c>>) -> sqlx::Result<Option<O>> {
        run!(self, on, query_as_with, fetch_optional)
    }
}

impl<O: Scalar> Statement<One<O>> {
    pub async fn fetch_all<'c>(self, on: impl Into<On<'c>>) -> sqlx::Result<Vec<O>> {
        run!(self, on, query_scalar_with, fetch_all)
    }

    pub async fn fetch_one<'c>(self, on: impl Into<On<'c>>) -> sqlx::Result<O> {
        run!(self, on, query_scalar_with, fetch_one)
    }

    pub async fn fetch_optional<'c>(self, on: impl Into<On<'c>>) -> sqlx::Result<Option<O>> {
        run!(self, on, query_scalar_with, fetch_optional)
    }
}

/// A write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`): a
/// default (deferred) transaction that reads first and writes later fails at once with
/// "database is locked" when another connection wrote in between, and `busy_timeout` cannot
/// help there; an immediate one waits its turn instead. On PostgreSQL it takes one
/// transaction-scoped advisory lock, so write transactions of every instance run one at a
/// time, as on SQLite: a read-then-write (a spending check, a clip queued once) holds there
/// for the same reason it holds here.
///
/// Managed here rather than by sqlx's `Transaction`: when a COMMIT fails (a full disk),
/// SQLite may already have rolled back, and sqlx then keeps believing the connection is in a
/// transaction, so every later transaction on it fails. A connection whose transaction did
/// not end cleanly is closed instead of going back to the pool.
pub struct WriteTx {
    conn: Option<TxConn>,
}

enum TxConn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// The advisory lock every write transaction on PostgreSQL holds: this constant with the
/// schema's hash, so apps in other schemas of the same database (another deployment, the
/// tests' apps) do not wait on each other.
const WRITE_LOCK: i32 = 0x6379_6f61; // "cyoa"

/// How long a write transaction waits for the lock before it gives up (a 503: "try again").
const LOCK_WAIT: &str = "SET LOCAL lock_timeout = '20s'";

pub async fn write_tx(db: &Db) -> sqlx::Result<WriteTx> {
    // In a `WriteTx` from the moment it is taken: a caller that stops waiting (a request
    // whose browser left) drops it, and `Drop` closes the connection rather than returning
    // it to the pool inside a transaction (holding the lock).
    let mut tx = WriteTx {
        conn: Some(match db {
            Db::Sqlite(p) => TxConn::Sqlite(p.acquire().await?),
            Db::Postgres(p) => TxConn::Postgres(p.acquire().await?),
        }),
    };
    match tx.conn()? {
        TxConn::Sqlite(conn) => {
            sqlx::query("BEGIN IMMEDIATE").execute(&mut **conn).await?;
        }
        TxConn::Postgres(conn) => {
            sqlx::query("BEGIN").execute(&mut **conn).await?;
            sqlx::query(LOCK_WAIT).execute(&mut **conn).await?;
            sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))")
                .bind(WRITE_LOCK)
                .execute(&mut **conn)
                .await?;
        }
    }
    Ok(tx)
}

impl WriteTx {
    pub async fn commit(mut self) -> sqlx::Result<()> {
        self.end("COMMIT").await
    }

    pub async fn rollback(mut self) -> sqlx::Result<()> {
        self.end("ROLLBACK").await
    }

    fn conn(&mut self) -> sqlx::Result<&mut TxConn> {
        // Present until `commit`/`rollback`, which consume the transaction.
        self.conn.as_mut().ok_or(sqlx::Error::PoolClosed)
    }

    async fn end(&mut self, statement: &'static str) -> sqlx::Result<()> {
        let Some(conn) = self.conn.take() else {
            return Ok(());
        };
        // Whatever state the database left it in, a connection whose COMMIT or ROLLBACK
        // failed is closed rather than reused.
        match conn {
            TxConn::Sqlite(mut conn) => match sqlx::query(statement).execute(&mut *conn).await {
                Ok(_) => Ok(()),
                Err(e) => {
                    let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
                    drop(conn.detach());
                    Err(e)
                }
            },
            TxConn::Postgres(mut conn) => match sqlx::query(statement).execute(&mut *conn).await {
                Ok(_) => Ok(()),
                Err(e) => {
                    let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
                    drop(conn.detach());
                    Err(e)
                }
            },
        }
    }
}

impl Drop for WriteTx {
    /// Dropped without commit or rollback (an error on the way): the connection is closed,
    /// which rolls the transaction back, rather than returned to the pool inside it.
    fn drop(&mut self) {
        match self.conn.take() {
            Some(TxConn::Sqlite(conn)) => drop(conn.detach()),
            Some(TxConn::Postgres(conn)) => drop(conn.detach()),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_outside_quotes() {
        assert_eq!(
            numbered("SELECT a FROM t WHERE b = ? AND c = '?' AND d IN (?, ?)"),
            "SELECT a FROM t WHERE b = $1 AND c = '?' AND d IN ($2, $3)"
        );
        assert_eq!(
            numbered("UPDATE \"we?ird\" SET x = ?"),
            "UPDATE \"we?ird\" SET x = $1"
        );
        assert_eq!(
            numbered("SELECT ? -- who? nobody\n, ?"),
            "SELECT $1 -- who? nobody\n, $2"
        );
    }

    #[test]
    fn a_nul_never_reaches_postgresql() {
        assert_eq!(without_nul("a\0b".to_owned()), "a\u{FFFD}b");
        assert_eq!(without_nul("plain".to_owned()), "plain");
    }

    #[test]
    fn a_none_keeps_its_kind() {
        assert!(matches!(Option::<i64>::None.into_value(), Value::Int(None)));
        assert!(matches!(
            Option::<&str>::None.into_value(),
            Value::Text(None)
        ));
        assert!(matches!(Some(3u32).into_value(), Value::Int(Some(3))));
    }
}
