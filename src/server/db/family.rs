//! Family members per tier. Every query filters by tier; the limits (6 children, 2 grown-ups)
//! are checked in the transaction that adds one, so two quick submits cannot pass them.

use sqlx::FromRow;

use super::{new_id, now, Db};
use crate::domain::family::{FamilyMemberDraft, FamilyRole, Gender, MAX_CHILDREN, MAX_GROWN_UPS};

#[derive(Debug, Clone, FromRow)]
pub struct FamilyRow {
    pub id: String,
    pub role: FamilyRole,
    pub name: String,
    pub age: Option<i64>,
    pub gender: Option<Gender>,
    pub character_id: Option<String>,
    /// The linked character's name and description (when it is still there).
    pub character_name: Option<String>,
    pub character_description: Option<String>,
}

const COLUMNS: &str = "f.id, f.role, f.name, f.age, f.gender, f.character_id,
     c.name AS character_name, c.description AS character_description";

/// The tier's family: children first, then grown-ups, each in the order they were added.
pub async fn list(db: &Db, tier: &str) -> sqlx::Result<Vec<FamilyRow>> {
    super::query_as(format!(
        "SELECT {COLUMNS} FROM family_members f
         LEFT JOIN characters c ON c.id = f.character_id AND c.tier = f.tier
         WHERE f.tier = ?
         ORDER BY CASE f.role WHEN 'child' THEN 0 ELSE 1 END, f.created_at, f.id"
    ))
    .bind(tier)
    .fetch_all(db)
    .await
}

/// Why a member could not be added.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("the family already has as many of them as it may")]
    Full,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub async fn insert(db: &Db, tier: &str, draft: &FamilyMemberDraft) -> Result<String, AddError> {
    let mut tx = super::write_tx(db).await?;
    let count: i64 =
        super::query_scalar("SELECT COUNT(*) FROM family_members WHERE tier = ? AND role = ?")
            .bind(tier)
            .bind(draft.role)
            .fetch_one(&mut tx)
            .await?;
    let most = match draft.role {
        FamilyRole::Child => MAX_CHILDREN,
        FamilyRole::GrownUp => MAX_GROWN_UPS,
    };
    if count as usize >= most {
        tx.rollback().await?;
        return Err(AddError::Full);
    }
    let id = new_id();
    let at = now();
    super::query(
        "INSERT INTO family_members (id, tier, role, name, age, gender, character_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(tier)
    .bind(draft.role)
    .bind(&draft.name)
    .bind(draft.age.map(i64::from))
    .bind(draft.gender)
    .bind(&draft.character_id)
    .bind(&at)
    .bind(&at)
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a member (not its role); `false` when it is not in this tier.
pub async fn update(
    db: &Db,
    tier: &str,
    id: &str,
    draft: &FamilyMemberDraft,
) -> sqlx::Result<bool> {
    let done = super::query(
        "UPDATE family_members SET name = ?, age = ?, gender = ?, character_id = ?, updated_at = ?
         WHERE id = ? AND tier = ? AND role = ?",
    )
    .bind(&draft.name)
    .bind(draft.age.map(i64::from))
    .bind(draft.gender)
    .bind(&draft.character_id)
    .bind(now())
    .bind(id)
    .bind(tier)
    .bind(draft.role)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(db: &Db, tier: &str, id: &str) -> sqlx::Result<bool> {
    let done = super::query("DELETE FROM family_members WHERE id = ? AND tier = ?")
        .bind(id)
        .bind(tier)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_all(db: &Db, tier: &str) -> sqlx::Result<u64> {
    let done = super::query("DELETE FROM family_members WHERE tier = ?")
        .bind(tier)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}
