//! The hosted mode's PostgreSQL schema (`migrations/postgres/`) against the embedded SQLite
//! one (`migrations/sqlite/`): the same migrations (versions and names), and after them the
//! same tables, columns (type kind, nullability, primary keys), foreign keys with what a
//! deletion does, and named indexes (their columns in order, unique, partial). PostgreSQL's
//! text ids and stored times sort byte by byte (`COLLATE "C"`), as SQLite's do. A migration added to one folder only fails here.
//!
//! Runs against the cluster that `scripts/test.sh` starts with `pg_virtualenv` (its `PG*`
//! variables); there `CYOA_POSTGRES_REQUIRED=1` makes a missing server a failure. A plain
//! `cargo test` without a server says it skipped this test.

use std::collections::BTreeSet;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Row, SqlitePool};

/// One fact about a schema, written alike for both databases.
type Facts = BTreeSet<String>;

/// A fresh, empty database on the test cluster (dropped by [`drop_database`]); `None` when
/// there is no cluster and none is required.
pub(crate) async fn fresh_postgres() -> Option<(PgPool, PgPool, String)> {
    if std::env::var_os("PGHOST").is_none() {
        assert!(
            std::env::var_os("CYOA_POSTGRES_REQUIRED").is_none(),
            "no PostgreSQL: run the tests as scripts/test.sh does (pg_virtualenv -v 15 cargo test)"
        );
        eprintln!("schema_parity skipped: no PostgreSQL (PGHOST is not set)");
        return None;
    }
    // Host, port, user and password from the PG* variables.
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(PgConnectOptions::new())
        .await
        .expect("the test cluster answers");
    let name = format!("cyoa_parity_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create database");
    let db = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(PgConnectOptions::new().database(&name))
        .await
        .expect("connect to the new database");
    Some((admin, db, name))
}

pub(crate) async fn drop_database(admin: PgPool, db: PgPool, name: &str) {
    db.close().await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .expect("drop database");
}

/// SQLite's declared type and PostgreSQL's column type, as the kind of value they hold. A
/// yes/no column is an INTEGER in SQLite and a BOOLEAN in PostgreSQL: both bind a Rust `bool`.
fn kind_of(declared: &str) -> &str {
    match declared.to_ascii_lowercase().as_str() {
        "text" => "text",
        "integer" | "bigint" | "boolean" => "integer",
        "blob" | "bytea" => "blob",
        _ => "unknown",
    }
}

fn sqlite_delete_rule(rule: &str) -> &str {
    match rule {
        "CASCADE" => "cascade",
        "SET NULL" => "set null",
        _ => "nothing",
    }
}

fn postgres_delete_rule(code: i8) -> &'static str {
    match code as u8 {
        b'c' => "cascade",
        b'n' => "set null",
        _ => "nothing",
    }
}

async fn sqlite_facts(db: &SqlitePool) -> Facts {
    let mut facts = Facts::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master
         WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
    )
    .fetch_all(db)
    .await
    .expect("tables");
    for table in tables {
        facts.insert(format!("table {table}"));
        let columns = sqlx::query("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)")
            .bind(&table)
            .fetch_all(db)
            .await
            .expect("columns");
        for c in columns {
            let (name, declared): (String, String) = (c.get(0), c.get(1));
            let (not_null, key): (bool, i64) = (c.get(2), c.get(3));
            // SQLite lets a primary key column be NULL unless it says NOT NULL; ours all do.
            facts.insert(format!(
                "column {table}.{name} {} {}{}",
                kind_of(&declared),
                if not_null { "not null" } else { "null" },
                if key > 0 { " primary key" } else { "" }
            ));
        }
        let keys =
            sqlx::query("SELECT \"from\", \"table\", on_delete FROM pragma_foreign_key_list(?)")
                .bind(&table)
                .fetch_all(db)
                .await
                .expect("foreign keys");
        for k in keys {
            let (from, to, rule): (String, String, String) = (k.get(0), k.get(1), k.get(2));
            facts.insert(format!(
                "foreign key {table}.{from} -> {to} on delete {}",
                sqlite_delete_rule(&rule)
            ));
        }
    }
    // Each named index with its table, its columns in order, and whether it is unique or
    // partial (a `WHERE`).
    let indexes: Vec<(String, String, bool, bool, String)> = sqlx::query_as(
        "SELECT m.name, m.tbl_name, il.\"unique\", il.partial,
                (SELECT group_concat(n, ',') FROM
                   (SELECT COALESCE(ii.name, 'expr') AS n FROM pragma_index_info(m.name) ii
                    ORDER BY ii.seqno))
         FROM sqlite_master m JOIN pragma_index_list(m.tbl_name) il ON il.name = m.name
         WHERE m.type = 'index' AND m.sql IS NOT NULL",
    )
    .fetch_all(db)
    .await
    .expect("indexes");
    facts.extend(indexes.into_iter().map(index_fact));
    facts
}

fn index_fact(
    (name, table, unique, partial, columns): (String, String, bool, bool, String),
) -> String {
    format!("index {name} on {table} ({columns}) unique {unique} partial {partial}")
}

async fn postgres_facts(db: &PgPool) -> Facts {
    let mut facts = Facts::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = 'public' AND table_name NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(db)
    .await
    .expect("tables");
    facts.extend(tables.iter().map(|table| format!("table {table}")));
    let columns = sqlx::query(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_nullable = 'YES',
                EXISTS (SELECT 1 FROM information_schema.key_column_usage k
                        JOIN information_schema.table_constraints t
                          ON t.constraint_name = k.constraint_name AND t.table_name = k.table_name
                        WHERE t.constraint_type = 'PRIMARY KEY' AND k.table_name = c.table_name
                          AND k.column_name = c.column_name)
         FROM information_schema.columns c
         WHERE c.table_schema = 'public' AND c.table_name NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(db)
    .await
    .expect("columns");
    for c in columns {
        let (table, name, declared): (String, String, String) = (c.get(0), c.get(1), c.get(2));
        let (nullable, key): (bool, bool) = (c.get(3), c.get(4));
        facts.insert(format!(
            "column {table}.{name} {} {}{}",
            kind_of(&declared),
            if nullable { "null" } else { "not null" },
            if key { " primary key" } else { "" }
        ));
    }
    let keys = sqlx::query(
        "SELECT t.relname::text, a.attname::text, r.relname::text, c.confdeltype::\"char\"
         FROM pg_constraint c
         JOIN pg_class t ON t.oid = c.conrelid
         JOIN pg_class r ON r.oid = c.confrelid
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE c.contype = 'f' AND n.nspname = 'public'",
    )
    .fetch_all(db)
    .await
    .expect("foreign keys");
    for k in keys {
        let (table, from, to, rule): (String, String, String, i8) =
            (k.get(0), k.get(1), k.get(2), k.get(3));
        facts.insert(format!(
            "foreign key {table}.{from} -> {to} on delete {}",
            postgres_delete_rule(rule)
        ));
    }
    // Named indexes only: those of primary keys and UNIQUE constraints have no name in SQLite.
    let indexes: Vec<(String, String, bool, bool, String)> = sqlx::query_as(
        "SELECT i.relname::text, t.relname::text, ix.indisunique, ix.indpred IS NOT NULL,
                (SELECT string_agg(COALESCE(a.attname::text, 'expr'), ',' ORDER BY k.n)
                 FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
                 LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum)
         FROM pg_index ix
         JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace ns ON ns.oid = t.relnamespace
         WHERE ns.nspname = 'public' AND t.relname NOT LIKE '\\_sqlx%'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.relname)",
    )
    .fetch_all(db)
    .await
    .expect("indexes");
    facts.extend(indexes.into_iter().map(index_fact));
    facts
}

#[tokio::test]
async fn postgres_and_sqlite_have_the_same_schema() {
    let sqlite_migrations = sqlx::migrate!("./migrations/sqlite");
    let postgres_migrations = sqlx::migrate!("./migrations/postgres");
    let named = |m: &sqlx::migrate::Migrator| -> Vec<(i64, String)> {
        m.iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect()
    };
    assert_eq!(
        named(&sqlite_migrations),
        named(&postgres_migrations),
        "every migration has a twin of the same version and name"
    );

    let Some((admin, pg, name)) = fresh_postgres().await else {
        return;
    };
    postgres_migrations
        .run(&pg)
        .await
        .expect("the PostgreSQL migrations apply to an empty database");
    // And once more: a second start finds nothing to do.
    postgres_migrations.run(&pg).await.expect("applied again");
    let dir = tempfile::tempdir().expect("dir");
    let sqlite = cyoa::server::db::connect(&dir.path().join("app.db"), &Default::default())
        .await
        .expect("sqlite");

    let sqlite = sqlite.as_sqlite().expect("a SQLite database");
    let (lite, post) = (sqlite_facts(sqlite).await, postgres_facts(&pg).await);
    let only_sqlite: Vec<&String> = lite.difference(&post).collect();
    let only_postgres: Vec<&String> = post.difference(&lite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only in SQLite: {only_sqlite:#?}\nonly in PostgreSQL: {only_postgres:#?}"
    );
    assert!(lite.len() > 100, "the comparison saw the schema: {lite:#?}");

    // Ids and stored times sort byte by byte, as in SQLite (keyset pages, "newest first").
    let unsorted: Vec<String> = sqlx::query_scalar(
        "SELECT (table_name || '.' || column_name)::text FROM information_schema.columns
         WHERE table_schema = 'public' AND data_type = 'text'
           AND (column_name = 'id' OR column_name LIKE '%\\_at' OR column_name = 'lease_until')
           AND collation_name IS DISTINCT FROM 'C'",
    )
    .fetch_all(&pg)
    .await
    .expect("collations");
    assert!(unsorted.is_empty(), "not COLLATE \"C\": {unsorted:?}");
    drop_database(admin, pg, &name).await;
}
