//! Migration 0019 (the roster) on a database as the app left it before: profiles with their
//! own characters, a photo, a link to another profile, the same name in two profiles, and a
//! family member linked to a character. Every profile, character (same id), photo and link
//! is kept, on SQLite (a real file, foreign keys on, as the app opens it) and on PostgreSQL
//! (when the test cluster is there; see `schema_parity`).

use std::borrow::Cow;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::Row;

const ROSTER: i64 = 19;

/// The rows of a family that used memory mode and family mode before the roster. Literal
/// values only, so the same text runs on both databases.
const BEFORE: &[&str] = &[
    "INSERT INTO profiles (id, tier, display_name, created_at, updated_at) VALUES
        ('p1', 'kids', 'The Lees', '2026-01-01', '2026-01-01'),
        ('p2', 'kids', 'Grandparents', '2026-01-02', '2026-01-02'),
        ('p3', 'adult', 'Grown-ups', '2026-01-03', '2026-01-03')",
    "INSERT INTO characters (id, profile_id, tier, name, description, linked_profile_id,
                             photo_file, photo_width, photo_height, traits, created_at, updated_at) VALUES
        ('c1', 'p1', 'kids', 'Mia', 'six, red boots', 'p2', 'm.jpg', 512, 384, NULL, '2026-02-01', '2026-02-01'),
        ('c2', 'p1', 'kids', 'Leo', 'four', NULL, NULL, NULL, NULL, '{\"eyes\":\"green\"}', '2026-02-02', '2026-02-02'),
        ('c3', 'p2', 'kids', 'mia', 'Grandma Mia', NULL, NULL, NULL, NULL, NULL, '2026-02-03', '2026-02-03'),
        ('c4', 'p2', 'kids', 'Joe', 'Grandpa', 'p1', NULL, NULL, NULL, NULL, '2026-02-04', '2026-02-04'),
        ('c5', 'p3', 'adult', 'Mia', 'a grown-up Mia', NULL, NULL, NULL, NULL, NULL, '2026-02-05', '2026-02-05')",
    "INSERT INTO family_members (id, tier, role, name, age, gender, character_id, created_at, updated_at) VALUES
        ('f1', 'kids', 'child', 'Mia', 6, 'girl', 'c1', '2026-03-01', '2026-03-01'),
        ('f2', 'kids', 'grown_up', 'Dad', NULL, NULL, NULL, '2026-03-02', '2026-03-02')",
];

fn up_to(migrator: Migrator, last: i64) -> Migrator {
    Migrator {
        migrations: Cow::Owned(
            migrator
                .migrations
                .iter()
                .filter(|m| m.version <= last)
                .cloned()
                .collect(),
        ),
        ..migrator
    }
}

/// The facts the roster keeps, as lines: characters, photos, what each profile brings, the
/// family's links, the profiles.
fn expected() -> Vec<String> {
    [
        "character adult c5 Mia: a grown-up Mia",
        "character kids c1 Mia: six, red boots",
        "character kids c2 Leo: four {\"eyes\":\"green\"}",
        "character kids c3 mia (2): Grandma Mia",
        "character kids c4 Joe: Grandpa",
        "photo c1 m.jpg 512x384",
        // Own characters first, then those of the profile they linked.
        "profile p1 The Lees brings c1 c2 c3 c4",
        "profile p2 Grandparents brings c3 c4 c1 c2",
        "profile p3 Grown-ups brings c5",
        "family f1 c1",
        "family f2 -",
    ]
    .map(str::to_owned)
    .to_vec()
}

const CHARACTERS: &str =
    "SELECT tier, id, name, description, traits FROM characters ORDER BY tier, id";
const PHOTOS: &str =
    "SELECT character_id, file, width, height FROM character_photos ORDER BY character_id";
const PROFILES: &str = "SELECT p.id, p.display_name, pc.character_id FROM profiles p
     LEFT JOIN profile_characters pc ON pc.profile_id = p.id ORDER BY p.id, pc.position";
const FAMILY: &str = "SELECT id, character_id FROM family_members ORDER BY id";

/// The facts from rows read with sqlx's `Row` (the same code for either database).
fn facts<R: Row>(characters: &[R], photos: &[R], profiles: &[R], family: &[R]) -> Vec<String>
where
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    let mut lines = Vec::new();
    for r in characters {
        let traits: Option<String> = r.get(4);
        let traits = traits.map(|t| format!(" {t}")).unwrap_or_default();
        let (tier, id, name, description): (String, String, String, String) =
            (r.get(0), r.get(1), r.get(2), r.get(3));
        let line = match traits.is_empty() {
            true => format!("character {tier} {id} {name}: {description}"),
            false => format!("character {tier} {id} {name}: {description}{traits}"),
        };
        lines.push(line);
    }
    for r in photos {
        let (id, file): (String, String) = (r.get(0), r.get(1));
        let (w, h): (i64, i64) = match r.try_get::<i64, _>(2) {
            Ok(w) => (w, r.get(3)),
            Err(_) => (i64::from(r.get::<i32, _>(2)), i64::from(r.get::<i32, _>(3))),
        };
        lines.push(format!("photo {id} {file} {w}x{h}"));
    }
    let mut current: Option<(String, String, Vec<String>)> = None;
    for r in profiles {
        let (id, name, character): (String, String, Option<String>) =
            (r.get(0), r.get(1), r.get(2));
        match current.as_mut() {
            Some((open, _, brings)) if *open == id => brings.extend(character),
            _ => {
                if let Some((id, name, brings)) = current.take() {
                    lines.push(format!("profile {id} {name} brings {}", brings.join(" ")));
                }
                current = Some((id, name, character.into_iter().collect()));
            }
        }
    }
    if let Some((id, name, brings)) = current {
        lines.push(format!("profile {id} {name} brings {}", brings.join(" ")));
    }
    for r in family {
        let (id, character): (String, Option<String>) = (r.get(0), r.get(1));
        lines.push(format!(
            "family {id} {}",
            character.as_deref().unwrap_or("-")
        ));
    }
    lines
}

#[tokio::test]
async fn the_roster_keeps_every_profile_character_photo_and_link_on_sqlite() {
    let dir = tempfile::tempdir().expect("dir");
    let options = SqliteConnectOptions::new()
        .filename(dir.path().join("before.db"))
        .create_if_missing(true)
        .foreign_keys(true);
    let db = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .expect("sqlite");
    up_to(sqlx::migrate!("./migrations/sqlite"), ROSTER - 1)
        .run(&db)
        .await
        .expect("the schema before the roster");
    for statement in BEFORE {
        sqlx::query(statement).execute(&db).await.expect("seed");
    }
    sqlx::migrate!("./migrations/sqlite")
        .run(&db)
        .await
        .expect("the roster migration");
    let read = |sql: &'static str| sqlx::query(sql).fetch_all(&db);
    let lines = facts(
        &read(CHARACTERS).await.expect("characters"),
        &read(PHOTOS).await.expect("photos"),
        &read(PROFILES).await.expect("profiles"),
        &read(FAMILY).await.expect("family"),
    );
    assert_eq!(lines, expected());
    // The new rules hold on the migrated rows: names unique ignoring case, per tier.
    let again = sqlx::query(
        "INSERT INTO characters (id, tier, name, description, created_at, updated_at)
         VALUES ('c6', 'kids', 'LEO', 'x', '2026-04-01', '2026-04-01')",
    )
    .execute(&db)
    .await;
    assert!(again.is_err(), "a second Leo in the kids' roster");
    // Deleting a profile keeps its characters now.
    sqlx::query("DELETE FROM profiles WHERE id = 'p1'")
        .execute(&db)
        .await
        .expect("delete");
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM characters")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(left, 5);
}

#[tokio::test]
async fn the_roster_keeps_every_profile_character_photo_and_link_on_postgres() {
    let Some((admin, db, name)) = crate::schema_parity::fresh_postgres().await else {
        return;
    };
    up_to(sqlx::migrate!("./migrations/postgres"), ROSTER - 1)
        .run(&db)
        .await
        .expect("the schema before the roster");
    for statement in BEFORE {
        sqlx::query(statement).execute(&db).await.expect("seed");
    }
    sqlx::migrate!("./migrations/postgres")
        .run(&db)
        .await
        .expect("the roster migration");
    let read = |sql: &'static str| sqlx::query(sql).fetch_all(&db);
    let lines = facts(
        &read(CHARACTERS).await.expect("characters"),
        &read(PHOTOS).await.expect("photos"),
        &read(PROFILES).await.expect("profiles"),
        &read(FAMILY).await.expect("family"),
    );
    assert_eq!(lines, expected());
    crate::schema_parity::drop_database(admin, db, &name).await;
}
