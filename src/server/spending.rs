//! Spending limits per tier and hour: stories started, pictures and clips ordered
//! (Retry and Regenerate count too), scenes read aloud (once per scene and voice: a replay
//! is free). A spend is charged in one write transaction that counts
//! the last hour first, so two requests at once cannot both slip under the limit; over it,
//! nothing is ordered and the reader is told, in plain words, when more is possible.

use crate::server::db::{self, Db};

use crate::domain::media::MediaKind;
use crate::domain::TierSpec;
use crate::server::config::SpendingLimits;
use crate::server::db::{unix_now, write_tx, On};

const HOUR_S: i64 = 60 * 60;

/// What costs money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spend {
    Story,
    Picture,
    Clip,
    Speech,
}

impl Spend {
    fn key(self) -> &'static str {
        match self {
            Spend::Story => "story",
            Spend::Picture => "picture",
            Spend::Clip => "clip",
            Spend::Speech => "speech",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            Spend::Story => "new stories",
            Spend::Picture => "pictures",
            Spend::Clip => "video clips",
            Spend::Speech => "scenes read aloud",
        }
    }

    /// What ordering a picture or a clip spends.
    pub fn for_media(kind: MediaKind) -> Spend {
        match kind {
            MediaKind::Image | MediaKind::Cover => Spend::Picture,
            MediaKind::Video => Spend::Clip,
        }
    }

    pub fn limit(self, limits: &SpendingLimits) -> u32 {
        match self {
            Spend::Story => limits.stories_per_hour,
            Spend::Picture => limits.pictures_per_hour,
            Spend::Clip => limits.clips_per_hour,
            Spend::Speech => limits.speech_per_hour,
        }
    }
}

/// The tier has spent all it may this hour.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{title} has had its {limit} {plural} for this hour, the most this server allows. Nothing was ordered; please try again in {minutes} minute{s}.",
    plural = kind.plural(),
    s = if *minutes == 1 { "" } else { "s" }
)]
pub struct OverLimit {
    pub title: &'static str,
    pub kind: Spend,
    pub limit: u32,
    pub minutes: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum SpendError {
    #[error(transparent)]
    Over(#[from] OverLimit),
    #[error("could not record the spend: {0}")]
    Db(#[from] sqlx::Error),
}

/// Records one `kind` for `tier` if the hour's limit allows it; otherwise records nothing.
pub async fn charge(
    db: &Db,
    limits: &SpendingLimits,
    tier: &'static TierSpec,
    kind: Spend,
) -> Result<(), SpendError> {
    let now = unix_now();
    let mut tx = write_tx(db).await?;
    if let Err(over) = within_limit(On::Tx(&mut tx), limits, tier, kind, now).await? {
        tx.rollback().await?;
        return Err(over.into());
    }
    db::query("INSERT INTO spending (tier, kind, at) VALUES (?, ?, ?)")
        .bind(tier.name)
        .bind(kind.key())
        .bind(now)
        .execute(&mut tx)
        .await?;
    // Rows older than a day are never counted again.
    db::query("DELETE FROM spending WHERE tier = ? AND kind = ? AND at < ?")
        .bind(tier.name)
        .bind(kind.key())
        .bind(now - 24 * HOUR_S)
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether one more `kind` would be allowed now, recording nothing (for Retry, which is
/// refused before anything is queued).
pub async fn check(
    db: &Db,
    limits: &SpendingLimits,
    tier: &'static TierSpec,
    kind: Spend,
) -> Result<(), SpendError> {
    within_limit(On::Pool(db), limits, tier, kind, unix_now())
        .await?
        .map_err(SpendError::from)
}

async fn within_limit(
    on: On<'_>,
    limits: &SpendingLimits,
    tier: &'static TierSpec,
    kind: Spend,
    now: i64,
) -> sqlx::Result<Result<(), OverLimit>> {
    let limit = kind.limit(limits);
    let (count, oldest): (i64, Option<i64>) = db::query_as(
        "SELECT COUNT(*), MIN(at) FROM spending WHERE tier = ? AND kind = ? AND at > ?",
    )
    .bind(tier.name)
    .bind(kind.key())
    .bind(now - HOUR_S)
    .fetch_one(on)
    .await?;
    if count < i64::from(limit) {
        return Ok(Ok(()));
    }
    // The oldest spend of the hour leaves the window first.
    let free_at = oldest.map_or(now, |at| at + HOUR_S);
    Ok(Err(OverLimit {
        title: tier.title,
        kind,
        limit,
        minutes: ((free_at - now) as f64 / 60.0).ceil().max(1.0) as i64,
    }))
}

/// What `tier` spent in the last hour, per kind, for the status page.
pub async fn this_hour(db: &Db, tier: &str) -> sqlx::Result<[(Spend, u32); 3]> {
    let now = unix_now();
    let mut out = [(Spend::Story, 0), (Spend::Picture, 0), (Spend::Clip, 0)];
    for (kind, count) in &mut out {
        let n: i64 = db::query_scalar(
            "SELECT COUNT(*) FROM spending WHERE tier = ? AND kind = ? AND at > ?",
        )
        .bind(tier)
        .bind(kind.key())
        .bind(now - HOUR_S)
        .fetch_one(db)
        .await?;
        *count = u32::try_from(n).unwrap_or(u32::MAX);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_says_what_and_when() {
        let over = OverLimit {
            title: "Kids' Adventures",
            kind: Spend::Clip,
            limit: 12,
            minutes: 1,
        };
        assert_eq!(
            over.to_string(),
            "Kids' Adventures has had its 12 video clips for this hour, the most this server allows. Nothing was ordered; please try again in 1 minute."
        );
    }
}
