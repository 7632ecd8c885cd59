//! Stories, scenes and choices. A scene hangs off the choice that led to it
//! (`scenes.parent_choice_id`, unique), which makes the story a tree that keeps every branch.

use std::sync::LazyLock;

use sqlx::FromRow;

use super::Db;

use super::media::{MediaKey, MediaRow, SceneMediaRow};
use super::{new_id, now, Sql};
use crate::domain::media::{MediaKind, MediaStatus, VideoMode};
use crate::domain::story::{StoryLength, StoryStatus};

#[derive(Debug, Clone, FromRow)]
pub struct StoryRow {
    pub id: String,
    pub tier: String,
    pub title: String,
    pub prompt: String,
    pub length: StoryLength,
    pub target_depth: i64,
    pub text_model: String,
    /// An image model key, `none` for a text-only story, NULL for stories from before.
    pub image_model: Option<String>,
    pub status: StoryStatus,
    pub current_scene_id: Option<String>,
    /// Memory mode: the profile locked at start (NULL: off, or the profile was deleted).
    pub memory_profile_id: Option<String>,
    /// The memory text given to the story writer, as it was at start.
    pub memory_context: Option<String>,
    pub video_mode: VideoMode,
    /// A sequel: the story it continues (NULL once that story is deleted).
    pub sequel_of: Option<String>,
    /// A sequel: what its storyteller is told of the story it continues.
    pub earlier: String,
    /// What the illustrator is told of the style (empty: the model's own).
    pub picture_style: String,
    /// Bedtime mode: calm rules and a night theme for as long as it is read.
    pub bedtime: bool,
    /// When it was started (the bedtime wind-down counts from it).
    pub created_at: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct SceneRow {
    pub id: String,
    pub story_id: String,
    pub parent_choice_id: Option<String>,
    pub depth: i64,
    pub title: Option<String>,
    pub narrative: String,
    pub image_prompt: String,
    pub is_ending: bool,
    /// An epic story's scene that opens a chapter: the chapter's name, if its writer gave one.
    pub chapter_title: Option<String>,
}

/// A scene on a path, with the label of the choice that led to it.
#[derive(Debug, Clone, FromRow)]
pub struct PathSceneRow {
    #[sqlx(flatten)]
    pub scene: SceneRow,
    pub chosen_label: Option<String>,
}

#[derive(Debug, Clone, FromRow)]
pub struct ChoiceRow {
    pub id: String,
    pub scene_id: String,
    pub label: String,
    /// The scene generated for this choice, once it was taken.
    pub next_scene_id: Option<String>,
}

pub struct NewStory<'a> {
    pub tier: &'a str,
    pub prompt: &'a str,
    pub length: StoryLength,
    pub target_depth: u32,
    pub text_model: &'a str,
    pub image_model: &'a str,
    pub memory_profile_id: Option<&'a str>,
    pub memory_context: Option<&'a str>,
    pub video_mode: VideoMode,
    /// What the illustrator is told of the style (empty: the model's own).
    pub picture_style: &'a str,
    pub sequel_of: Option<&'a str>,
    pub earlier: &'a str,
    pub bedtime: bool,
}

/// Stored as the image model of a story that has no illustrations.
pub const NO_IMAGE_MODEL: &str = "none";

/// A generated scene about to be stored.
#[derive(Debug, Clone, Copy)]
pub struct NewScene<'a> {
    pub tier: &'a str,
    pub story_id: &'a str,
    pub parent_choice_id: Option<&'a str>,
    pub depth: u32,
    pub title: Option<&'a str>,
    pub narrative: &'a str,
    pub image_prompt: &'a str,
    pub is_ending: bool,
    /// The chapter's name, on a scene that opens a chapter of an epic story.
    pub chapter_title: Option<&'a str>,
    pub choices: &'a [String],
    /// The story's characters in the scene, as its writer named them (JSON), if it said.
    pub present_characters: Option<&'a str>,
}

const STORY_COLUMNS: &str =
    "id, tier, title, prompt, length, target_depth, text_model, image_model, status, current_scene_id,
     memory_profile_id, memory_context, video_mode, sequel_of, earlier, picture_style, bedtime,
     created_at";
/// [`STORY_COLUMNS`] of a query whose stories are `st`, named as [`StoryRow`] reads them
/// (keep the two lists alike).
const STORY_COLUMNS_OF_ST: &str =
    "st.id AS id, st.tier AS tier, st.title AS title, st.prompt AS prompt, st.length AS length,
     st.target_depth AS target_depth, st.text_model AS text_model,
     st.image_model AS image_model, st.status AS status, st.current_scene_id AS current_scene_id,
     st.memory_profile_id AS memory_profile_id, st.memory_context AS memory_context,
     st.video_mode AS video_mode, st.sequel_of AS sequel_of, st.earlier AS earlier,
     st.picture_style AS picture_style, st.bedtime AS bedtime, st.created_at AS created_at";
const SCENE_COLUMNS: &str =
    "s.id, s.story_id, s.parent_choice_id, s.depth, s.title, s.narrative, s.image_prompt, s.is_ending,
     s.chapter_title";

/// Stores a new story with its first scene, the scene's first media job (`media`: its kind
/// and model) and the reader placed on that scene, in one transaction: a failure on the way
/// leaves nothing behind, and no scene is ever stored without its picture job. Answers
/// `(story_id, scene_id)`. `first.story_id` is ignored (the story's id is made here).
pub async fn insert_story_with_first_scene(
    db: &Db,
    story: &NewStory<'_>,
    first: &NewScene<'_>,
    media: Option<(MediaKind, &str)>,
) -> sqlx::Result<(String, String)> {
    let story_id = new_id();
    let scene_id = new_id();
    let at = now();
    let mut tx = super::write_tx(db).await?;
    super::query(
        "INSERT INTO stories (id, tier, prompt, length, target_depth, text_model, image_model,
                              memory_profile_id, memory_context, video_mode, picture_style,
                              sequel_of, earlier, bedtime, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&story_id)
    .bind(story.tier)
    .bind(story.prompt)
    .bind(story.length)
    .bind(story.target_depth)
    .bind(story.text_model)
    .bind(story.image_model)
    .bind(story.memory_profile_id)
    .bind(story.memory_context)
    .bind(story.video_mode)
    .bind(story.picture_style)
    .bind(story.sequel_of)
    .bind(story.earlier)
    .bind(story.bedtime)
    .bind(&at)
    .bind(&at)
    .execute(&mut tx)
    .await?;
    let first = NewScene {
        story_id: &story_id,
        ..*first
    };
    insert_scene_rows(&mut tx, &scene_id, &first).await?;
    if let Some((kind, model)) = media {
        let key = MediaKey {
            tier: story.tier,
            story_id: &story_id,
            scene_id: &scene_id,
            kind,
        };
        super::media::enqueue_in(&mut tx, key, model).await?;
    }
    // A story whose first scene is already an ending is complete at once.
    super::query(
        "UPDATE stories SET current_scene_id = ?,
             status = CASE WHEN ? THEN 'completed' ELSE status END,
             completed_at = CASE WHEN ? THEN ? ELSE completed_at END
         WHERE id = ?",
    )
    .bind(&scene_id)
    .bind(first.is_ending)
    .bind(first.is_ending)
    .bind(&at)
    .bind(&story_id)
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    Ok((story_id, scene_id))
}

pub async fn find_story(db: &Db, tier: &str, id: &str) -> sqlx::Result<Option<StoryRow>> {
    super::query_as(format!(
        "SELECT {STORY_COLUMNS} FROM stories WHERE id = ? AND tier = ?"
    ))
    .bind(id)
    .bind(tier)
    .fetch_optional(db)
    .await
}

/// The most recently touched in-progress story of the tier that has at least one scene.
pub async fn latest_in_progress(
    db: &Db,
    tier: &str,
    chapters: bool,
) -> sqlx::Result<Option<StoryRow>> {
    // Epic stories have their own slot: starting a short one never hides "Continue
    // chapter N", nor the other way round.
    let epic = if chapters { "=" } else { "<>" };
    super::query_as(format!(
        "SELECT {STORY_COLUMNS} FROM stories
         WHERE tier = ? AND status = 'in_progress' AND current_scene_id IS NOT NULL
           AND length {epic} ?
         ORDER BY updated_at DESC LIMIT 1"
    ))
    .bind(tier)
    .bind(StoryLength::Epic.key())
    .fetch_optional(db)
    .await
}

/// Stores a scene and its choices in one transaction. If another request already stored
/// the scene for this choice, returns that scene's id instead (the branch is reused).
pub async fn insert_scene(db: &Db, scene: &NewScene<'_>) -> sqlx::Result<String> {
    let id = new_id();
    let mut tx = super::write_tx(db).await?;
    if !insert_scene_rows(&mut tx, &id, scene).await? {
        tx.rollback().await?;
        let existing: (String,) = match scene.parent_choice_id {
            Some(choice) => {
                super::query_as("SELECT id FROM scenes WHERE parent_choice_id = ? AND tier = ?")
                    .bind(choice)
                    .bind(scene.tier)
                    .fetch_one(db)
                    .await?
            }
            None => {
                super::query_as(
                    "SELECT id FROM scenes WHERE story_id = ? AND tier = ? AND parent_choice_id IS NULL",
                )
                .bind(scene.story_id)
                .bind(scene.tier)
                .fetch_one(db)
                .await?
            }
        };
        return Ok(existing.0);
    }
    tx.commit().await?;
    Ok(id)
}

/// Stores the scene behind a choice, its first media job and the reader's place on it, in
/// one transaction: a full disk or a crash leaves all three or none, never a scene without
/// its picture job. An ending of a story with pictures also queues the story's cover job
/// (`cover`: its model), unless it has one. If another request already stored the scene
/// for this choice, answers that scene's id instead (its own transaction stored its media),
/// and places the reader there.
pub async fn insert_next_scene(
    db: &Db,
    scene: &NewScene<'_>,
    media: Option<(MediaKind, &str)>,
    cover: Option<&str>,
) -> sqlx::Result<String> {
    let id = new_id();
    let mut tx = super::write_tx(db).await?;
    if !insert_scene_rows(&mut tx, &id, scene).await? {
        tx.rollback().await?;
        let existing = insert_scene(db, scene).await?;
        record_position(db, scene.tier, scene.story_id, &existing, scene.is_ending).await?;
        return Ok(existing);
    }
    if let Some((kind, model)) = media {
        let key = MediaKey {
            tier: scene.tier,
            story_id: scene.story_id,
            scene_id: &id,
            kind,
        };
        super::media::enqueue_in(&mut tx, key, model).await?;
    }
    if let Some(model) = cover {
        super::media::enqueue_cover_in(&mut tx, scene.tier, scene.story_id, model).await?;
    }
    position_statement(scene.tier, scene.story_id, &id, scene.is_ending, &now())
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// The scene row, its choices and (first scene) the story's title, inside the caller's
/// transaction; `false` when the scene for that choice was already stored.
async fn insert_scene_rows(
    tx: &mut super::WriteTx,
    id: &str,
    scene: &NewScene<'_>,
) -> sqlx::Result<bool> {
    let inserted = super::query(
        "INSERT INTO scenes (id, story_id, tier, parent_choice_id, depth, title, narrative,
                             image_prompt, is_ending, present_characters, chapter_title,
                             created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(scene.story_id)
    .bind(scene.tier)
    .bind(scene.parent_choice_id)
    .bind(scene.depth)
    .bind(scene.title)
    .bind(scene.narrative)
    .bind(scene.image_prompt)
    .bind(scene.is_ending)
    .bind(scene.present_characters)
    .bind(scene.chapter_title)
    .bind(now())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(false);
    }
    for (position, label) in scene.choices.iter().enumerate() {
        super::query(
            "INSERT INTO choices (id, scene_id, story_id, tier, position, label) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(new_id())
        .bind(id)
        .bind(scene.story_id)
        .bind(scene.tier)
        .bind(position as i64)
        .bind(label)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(title) = scene.title {
        super::query("UPDATE stories SET title = ? WHERE id = ? AND tier = ? AND title = ''")
            .bind(title)
            .bind(scene.story_id)
            .bind(scene.tier)
            .execute(&mut *tx)
            .await?;
    }
    Ok(true)
}

pub async fn find_scene(
    db: &Db,
    tier: &str,
    story_id: &str,
    scene_id: &str,
) -> sqlx::Result<Option<SceneRow>> {
    super::query_as(format!(
        "SELECT {SCENE_COLUMNS} FROM scenes s WHERE s.id = ? AND s.story_id = ? AND s.tier = ?"
    ))
    .bind(scene_id)
    .bind(story_id)
    .bind(tier)
    .fetch_optional(db)
    .await
}

/// The story's ending the reader reached last: the scene they are at when it is an
/// ending, else the newest ending (`None`: the story has none).
pub async fn ending_read_last(
    db: &Db,
    tier: &str,
    story: &StoryRow,
) -> sqlx::Result<Option<SceneRow>> {
    if let Some(current) = &story.current_scene_id {
        if let Some(scene) = find_scene(db, tier, &story.id, current).await? {
            if scene.is_ending {
                return Ok(Some(scene));
            }
        }
    }
    super::query_as(format!(
        "SELECT {SCENE_COLUMNS} FROM scenes s WHERE s.story_id = ? AND s.tier = ? AND s.is_ending
         ORDER BY s.created_at DESC, s.id DESC LIMIT 1"
    ))
    .bind(&story.id)
    .bind(tier)
    .fetch_optional(db)
    .await
}

/// The scene's "story so far", when it was written.
pub async fn recap_of(db: &Db, tier: &str, scene_id: &str) -> sqlx::Result<Option<String>> {
    let recap: Option<Option<String>> =
        super::query_scalar("SELECT recap FROM scenes WHERE id = ? AND tier = ?")
            .bind(scene_id)
            .bind(tier)
            .fetch_optional(db)
            .await?;
    Ok(recap.flatten())
}

/// Keeps the scene's "story so far" (the first one written stays).
pub async fn set_recap(db: &Db, tier: &str, scene_id: &str, recap: &str) -> sqlx::Result<()> {
    super::query("UPDATE scenes SET recap = ? WHERE id = ? AND tier = ? AND recap IS NULL")
        .bind(recap)
        .bind(scene_id)
        .bind(tier)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn root_scene_id(db: &Db, tier: &str, story_id: &str) -> sqlx::Result<Option<String>> {
    let row: Option<(String,)> = super::query_as(
        "SELECT id FROM scenes WHERE story_id = ? AND tier = ? AND parent_choice_id IS NULL",
    )
    .bind(story_id)
    .bind(tier)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.0))
}

/// A parent's "new look": the pictures below `scene_id` no longer carry its picture (or any
/// above it). `false` when there is no such scene in the tier's story.
pub async fn set_new_look(
    db: &Db,
    tier: &str,
    story_id: &str,
    scene_id: &str,
) -> sqlx::Result<bool> {
    let done = super::query(
        "UPDATE scenes SET new_look = TRUE WHERE id = ? AND story_id = ? AND tier = ?",
    )
    .bind(scene_id)
    .bind(story_id)
    .bind(tier)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The scenes from the first one down to `scene_id`, in reading order.
pub async fn path_to(db: &Db, tier: &str, scene_id: &str) -> sqlx::Result<Vec<PathSceneRow>> {
    super::query_as(format!(
        "WITH RECURSIVE path(id, parent_choice_id, lvl) AS (
             SELECT id, parent_choice_id, 0 FROM scenes WHERE id = ? AND tier = ?
             UNION ALL
             SELECT s.id, s.parent_choice_id, p.lvl + 1
             FROM path p JOIN choices c ON c.id = p.parent_choice_id JOIN scenes s ON s.id = c.scene_id
         )
         SELECT {SCENE_COLUMNS}, c.label AS chosen_label
         FROM path p JOIN scenes s ON s.id = p.id LEFT JOIN choices c ON c.id = s.parent_choice_id
         ORDER BY p.lvl DESC"
    ))
    .bind(scene_id)
    .bind(tier)
    .fetch_all(db)
    .await
}

/// What the scene page shows, read in one query (the page readers see most; each query is a
/// trip to SQLite's thread and back): the scene, its story, how the reader came to it, its
/// choices and its picture and clip rows. Only the scene's own text is read, not that of the
/// scenes above it.
#[derive(Debug, Clone)]
pub struct ScenePageRows {
    pub story: StoryRow,
    pub scene: SceneRow,
    /// The scene whose choice led here (`None` for the first scene).
    pub previous_scene_id: Option<String>,
    /// That choice's words.
    pub chosen_label: Option<String>,
    pub choices: Vec<ChoiceRow>,
    /// The scene's picture and clip rows (none before its jobs are queued).
    pub media: Vec<SceneMediaRow>,
    /// A parent asked for a new look after this scene.
    pub new_look: bool,
}

/// The texts of [`scene_page`]'s query (SQLite's, PostgreSQL's), made once: the page readers
/// see most.
static SCENE_PAGE: LazyLock<(String, String)> = LazyLock::new(|| {
    // The choices as one JSON array of `[id, label, next scene]`, in order (an ordered
    // aggregate: SQLite 3.44 or later, the bundled one is), and the scene's media rows as one
    // of `[kind, status, error, file, previous file, progress, drawn with]`: the whole page in one query
    // (on SQLite each query is a trip to its thread and back, which costs the page more than
    // the reading does).
    let sqlite = Aggregates {
        choices: "(SELECT json_group_array(json_array(c.id, c.label, n.id) ORDER BY c.position)",
        media: "(SELECT json_group_array(json_array(m.kind, m.status, m.error, m.file_name,
                                                   m.previous_file, m.progress, m.drawn_with))",
    };
    let postgres = Aggregates {
        choices: "(SELECT COALESCE(json_agg(json_build_array(c.id, c.label, n.id) ORDER BY c.position), '[]')::text",
        media: "(SELECT COALESCE(json_agg(json_build_array(m.kind, m.status, m.error, m.file_name,
                                                        m.previous_file, m.progress, m.drawn_with)), '[]')::text",
    };
    let text = |each: &Aggregates| {
        let Aggregates { choices, media } = each;
        format!(
            "SELECT {STORY_COLUMNS_OF_ST},
                    s.id AS scene_id, s.parent_choice_id AS scene_parent_choice_id,
                    s.depth AS scene_depth, s.title AS scene_title, s.narrative AS scene_narrative,
                    s.image_prompt AS scene_image_prompt, s.is_ending AS scene_is_ending,
                    s.chapter_title AS scene_chapter_title, s.new_look AS scene_new_look,
                    way_in.scene_id AS previous_scene_id, way_in.label AS chosen_label,
                    {choices}
                     FROM choices c LEFT JOIN scenes n ON n.parent_choice_id = c.id
                     WHERE c.scene_id = s.id AND c.tier = s.tier) AS choices,
                    {media}
                     FROM media m
                     WHERE m.scene_id = s.id AND m.story_id = s.story_id AND m.tier = s.tier) AS media
             FROM scenes s
             JOIN stories st ON st.id = s.story_id AND st.tier = s.tier
             LEFT JOIN choices way_in ON way_in.id = s.parent_choice_id
             WHERE s.id = ? AND s.story_id = ? AND s.tier = ?"
        )
    };
    (text(&sqlite), text(&postgres))
});

/// `scene_id` of `story_id` within `tier` for the scene page; `None` when there is no such
/// scene there.
pub async fn scene_page(
    db: &Db,
    tier: &str,
    story_id: &str,
    scene_id: &str,
) -> sqlx::Result<Option<ScenePageRows>> {
    let (sqlite, postgres) = &*SCENE_PAGE;
    let row: Option<ScenePageRow> = super::query_as(Sql::each(sqlite.as_str(), postgres.as_str()))
        .bind(scene_id)
        .bind(story_id)
        .bind(tier)
        .fetch_optional(db)
        .await?;
    row.map(ScenePageRow::into_rows).transpose()
}

/// The dialect's JSON aggregates of [`scene_page`], each up to its `FROM`.
struct Aggregates {
    choices: &'static str,
    media: &'static str,
}

/// The one row of [`scene_page`], as its query names the columns.
#[derive(FromRow)]
struct ScenePageRow {
    #[sqlx(flatten)]
    story: StoryRow,
    scene_id: String,
    scene_parent_choice_id: Option<String>,
    scene_depth: i64,
    scene_title: Option<String>,
    scene_narrative: String,
    scene_image_prompt: String,
    scene_is_ending: bool,
    scene_chapter_title: Option<String>,
    scene_new_look: bool,
    previous_scene_id: Option<String>,
    chosen_label: Option<String>,
    /// `[[id, label, next scene id], …]`
    choices: String,
    /// `[[kind, status, error, file, previous file, progress, drawn with], …]`
    media: String,
}

impl ScenePageRow {
    fn into_rows(self) -> sqlx::Result<ScenePageRows> {
        let choices: Vec<(String, String, Option<String>)> = json_column("choices", &self.choices)?;
        type MediaTuple = (
            MediaKind,
            MediaStatus,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let media: Vec<MediaTuple> = json_column("media", &self.media)?;
        let scene = SceneRow {
            id: self.scene_id,
            story_id: self.story.id.clone(),
            parent_choice_id: self.scene_parent_choice_id,
            depth: self.scene_depth,
            title: self.scene_title,
            narrative: self.scene_narrative,
            image_prompt: self.scene_image_prompt,
            is_ending: self.scene_is_ending,
            chapter_title: self.scene_chapter_title,
        };
        Ok(ScenePageRows {
            story: self.story,
            choices: choices
                .into_iter()
                .map(|(id, label, next_scene_id)| ChoiceRow {
                    id,
                    scene_id: scene.id.clone(),
                    label,
                    next_scene_id,
                })
                .collect(),
            media: media
                .into_iter()
                .map(
                    |(kind, status, error, file_name, previous_file, progress, drawn_with)| {
                        SceneMediaRow {
                            scene_id: scene.id.clone(),
                            kind,
                            row: MediaRow {
                                status,
                                error,
                                file_name,
                                previous_file,
                                progress,
                                drawn_with,
                            },
                        }
                    },
                )
                .collect(),
            scene,
            previous_scene_id: self.previous_scene_id,
            chosen_label: self.chosen_label,
            new_look: self.scene_new_look,
        })
    }
}

/// A JSON aggregate column decoded, or the column's decode error.
fn json_column<T: serde::de::DeserializeOwned>(name: &str, json: &str) -> sqlx::Result<T> {
    serde_json::from_str(json).map_err(|e| sqlx::Error::ColumnDecode {
        index: name.into(),
        source: Box::new(e),
    })
}

pub async fn choices_of(db: &Db, tier: &str, scene_id: &str) -> sqlx::Result<Vec<ChoiceRow>> {
    super::query_as(
        "SELECT c.id, c.scene_id, c.label, n.id AS next_scene_id
         FROM choices c LEFT JOIN scenes n ON n.parent_choice_id = c.id
         WHERE c.scene_id = ? AND c.tier = ?
         ORDER BY c.position",
    )
    .bind(scene_id)
    .bind(tier)
    .fetch_all(db)
    .await
}

/// Every choice of a story, each scene's in order: the reader shows the branches of all its
/// scenes from one query.
pub async fn choices_of_story(db: &Db, tier: &str, story_id: &str) -> sqlx::Result<Vec<ChoiceRow>> {
    super::query_as(
        "SELECT c.id, c.scene_id, c.label, n.id AS next_scene_id
         FROM choices c LEFT JOIN scenes n ON n.parent_choice_id = c.id
         WHERE c.story_id = ? AND c.tier = ?
         ORDER BY c.scene_id, c.position",
    )
    .bind(story_id)
    .bind(tier)
    .fetch_all(db)
    .await
}

pub async fn find_choice(
    db: &Db,
    tier: &str,
    story_id: &str,
    choice_id: &str,
) -> sqlx::Result<Option<ChoiceRow>> {
    super::query_as(
        "SELECT c.id, c.scene_id, c.label, n.id AS next_scene_id
         FROM choices c LEFT JOIN scenes n ON n.parent_choice_id = c.id
         WHERE c.id = ? AND c.story_id = ? AND c.tier = ?",
    )
    .bind(choice_id)
    .bind(story_id)
    .bind(tier)
    .fetch_optional(db)
    .await
}

/// Remembers where the reader is; reaching an ending completes the story.
pub async fn record_position(
    db: &Db,
    tier: &str,
    story_id: &str,
    scene_id: &str,
    reached_ending: bool,
) -> sqlx::Result<()> {
    position_statement(tier, story_id, scene_id, reached_ending, &now())
        .execute(db)
        .await?;
    Ok(())
}

/// The statement of [`record_position`], for the pool or a transaction.
fn position_statement(
    tier: &str,
    story_id: &str,
    scene_id: &str,
    reached_ending: bool,
    at: &str,
) -> super::sql::Statement<()> {
    super::query(
        "UPDATE stories SET current_scene_id = ?, updated_at = ?,
             status = CASE WHEN ? THEN 'completed'
                           WHEN status = 'abandoned' THEN 'in_progress' ELSE status END,
             completed_at = CASE WHEN ? AND completed_at IS NULL THEN ? ELSE completed_at END
         WHERE id = ? AND tier = ?",
    )
    .bind(scene_id)
    .bind(at)
    .bind(reached_ending)
    .bind(reached_ending)
    .bind(at)
    .bind(story_id)
    .bind(tier)
}

/// "Keep going" / "Wrap it up": the story's target depth becomes `target` if it is still
/// `was` (of two taps at once, one changes it; the other finds it changed: `false`).
pub async fn set_target_depth(
    db: &Db,
    tier: &str,
    story_id: &str,
    was: u32,
    target: u32,
) -> sqlx::Result<bool> {
    let done = super::query(
        "UPDATE stories SET target_depth = ?, updated_at = ? WHERE id = ? AND tier = ? AND target_depth = ?",
    )
    .bind(target)
    .bind(now())
    .bind(story_id)
    .bind(tier)
    .bind(was)
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// "Start fresh": the in-progress story is no longer offered for resume.
pub async fn abandon(db: &Db, tier: &str, story_id: &str) -> sqlx::Result<bool> {
    let done = super::query(
        "UPDATE stories SET status = 'abandoned', updated_at = ? WHERE id = ? AND tier = ? AND status = 'in_progress'",
    )
    .bind(now())
    .bind(story_id)
    .bind(tier)
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// One explored scene of a story, with what the story map shows of it.
#[derive(Debug, Clone, FromRow)]
pub struct TreeRow {
    pub id: String,
    pub parent_id: Option<String>,
    pub choice_label: Option<String>,
    pub choice_position: Option<i64>,
    pub title: Option<String>,
    pub opening: String,
    pub is_ending: bool,
    pub picture: Option<String>,
    pub unexplored: i64,
    pub depth: i64,
    pub chapter_title: Option<String>,
    pub story_length: StoryLength,
    pub story_title: String,
    pub story_prompt: String,
    pub current_scene_id: Option<String>,
}

/// Every explored scene of a story of `tier`, in one round trip: the choice that led to
/// each, its finished picture, and how many of its choices nobody took yet. Empty for an
/// unknown story or another tier's.
pub async fn tree_of(db: &Db, tier: &str, story_id: &str) -> sqlx::Result<Vec<TreeRow>> {
    super::query_as(
        "SELECT s.id, pc.scene_id AS parent_id, pc.label AS choice_label,
                pc.position AS choice_position, s.title, substr(s.narrative, 1, 160) AS opening,
                s.is_ending, m.file_name AS picture,
                (SELECT COUNT(*) FROM choices c
                  WHERE c.scene_id = s.id
                    AND NOT EXISTS (SELECT 1 FROM scenes k WHERE k.parent_choice_id = c.id))
                  AS unexplored,
                s.depth, s.chapter_title, st.length AS story_length,
                st.title AS story_title, st.prompt AS story_prompt, st.current_scene_id
           FROM scenes s
           JOIN stories st ON st.id = s.story_id AND st.tier = s.tier
           LEFT JOIN choices pc ON pc.id = s.parent_choice_id
           LEFT JOIN media m ON m.scene_id = s.id AND m.kind = 'image' AND m.status = 'complete'
          WHERE s.story_id = ? AND s.tier = ?
          ORDER BY s.depth, pc.position",
    )
    .bind(story_id)
    .bind(tier)
    .fetch_all(db)
    .await
}
