//! Integrations: the tokens a learning platform signs its requests with (kept only as a hash,
//! scoped to one institution, revocable), and scores pushed with them, recorded once each.

use rand::RngCore;

use super::accounts::{normalize_email, token_hash};
use super::levels::{NewEvidence, Recorded};
use super::Store;
use crate::clock;
use crate::error::{CoreError, CoreResult};
use crate::model::{
    CompetencyChoice, CompetencyId, InstitutionId, IntegrationToken, LineItem, UserId,
};
use crate::scores::{level_for, Score};

/// What a score push did.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreRecorded {
    /// False when this `sourcedId` had been recorded before with the same content.
    pub created: bool,
    pub evidence_id: i64,
    pub learner_id: UserId,
    pub competency_id: CompetencyId,
    /// The rubric level the score became.
    pub mark: f64,
    /// The learner's current level on the competency now.
    pub level: Option<f64>,
}

/// Evidence already recorded for a `sourcedId`.
type EarlierScore = (
    i64,
    i64,
    i64,
    Option<f64>,
    Option<f64>,
    String,
    Option<String>,
);

impl Store {
    /// Creates a token for the institution; the token itself is returned once and never stored.
    pub async fn create_integration_token(
        &self,
        institution_id: InstitutionId,
        name: &str,
    ) -> CoreResult<(i64, String)> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(CoreError::invalid(
                "name",
                "a token needs a name of 1 to 100 characters",
            ));
        }
        let known: Option<i64> = sqlx::query_scalar("SELECT id FROM institutions WHERE id = $1")
            .bind(institution_id)
            .fetch_optional(self.pool())
            .await?;
        if known.is_none() {
            return Err(CoreError::NotFound(format!("institution {institution_id}")));
        }
        let mut bytes = [0u8; 24];
        rand::rng().fill_bytes(&mut bytes);
        let token = format!(
            "cairn_{}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO integration_tokens (institution_id, name, token_hash, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(institution_id)
        .bind(name)
        .bind(token_hash(&token))
        .bind(clock::now())
        .fetch_one(&mut *tx)
        .await?;
        // Nothing a kept page shows.
        tx.touch_no_page();
        tx.commit().await?;
        Ok((id, token))
    }

    /// Every institution's id, in order.
    pub async fn institution_ids(&self) -> CoreResult<Vec<InstitutionId>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM institutions ORDER BY id")
                .fetch_all(self.pool())
                .await?,
        )
    }

    /// The institution a live token belongs to, and the token's name (what its system is
    /// called where its records are shown).
    pub async fn integration_client(
        &self,
        token: &str,
    ) -> CoreResult<Option<(InstitutionId, String)>> {
        Ok(sqlx::query_as(
            "SELECT institution_id, name FROM integration_tokens \
             WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash(token))
        .fetch_optional(self.pool())
        .await?)
    }

    pub async fn integration_tokens(
        &self,
        institution_id: InstitutionId,
    ) -> CoreResult<Vec<IntegrationToken>> {
        let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
            "SELECT id, name, created_at, revoked_at FROM integration_tokens \
             WHERE institution_id = $1 ORDER BY id",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, created_at, revoked_at)| IntegrationToken {
                id,
                name,
                created_at,
                revoked_at,
            })
            .collect())
    }

    /// Revokes a token of the institution; `NotFound` when it has no such live token.
    pub async fn revoke_integration_token(
        &self,
        institution_id: InstitutionId,
        id: i64,
    ) -> CoreResult<()> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "UPDATE integration_tokens SET revoked_at = $1 \
             WHERE id = $2 AND institution_id = $3 AND revoked_at IS NULL",
        )
        .bind(clock::now())
        .bind(id)
        .bind(institution_id)
        .execute(&mut *tx)
        .await?;
        // Nothing a kept page shows.
        tx.touch_no_page();
        tx.commit().await?;
        if done.rows_affected() == 0 {
            return Err(CoreError::NotFound(format!("live token {id}")));
        }
        Ok(())
    }

    /// The line items mapped to competencies in the institution.
    pub async fn line_items(&self, institution_id: InstitutionId) -> CoreResult<Vec<LineItem>> {
        let rows: Vec<(i64, String, String, i64, String, String)> = sqlx::query_as(
            "SELECT l.id, l.source_id, l.title, c.id, c.code, c.name FROM line_items l \
             JOIN competencies c ON c.id = l.competency_id \
             WHERE l.institution_id = $1 ORDER BY l.source_id",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, source_id, title, competency_id, code, name)| LineItem {
                    id,
                    source_id,
                    title,
                    competency_id,
                    competency: format!("{code} {name}"),
                },
            )
            .collect())
    }

    /// Every competency of the institution, to choose from.
    pub async fn competency_choices(
        &self,
        institution_id: InstitutionId,
    ) -> CoreResult<Vec<CompetencyChoice>> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT c.id, c.code, c.name FROM competencies c \
             JOIN frameworks f ON f.id = c.framework_id \
             LEFT JOIN framework_areas a ON a.id = c.area_id \
             WHERE f.institution_id = $1 ORDER BY f.id, a.position, c.position, c.id",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, code, name)| CompetencyChoice {
                id,
                label: format!("{code} {name}"),
            })
            .collect())
    }

    /// Maps a platform's line item to a competency of the institution.
    pub async fn map_line_item(
        &self,
        institution_id: InstitutionId,
        source_id: &str,
        title: &str,
        competency_id: CompetencyId,
    ) -> CoreResult<i64> {
        let source_id = source_id.trim();
        if source_id.is_empty() || source_id.len() > 255 {
            return Err(CoreError::invalid(
                "line item id",
                "the platform's id for the line item, 1 to 255 characters",
            ));
        }
        let title = match title.trim() {
            "" => source_id,
            title => title,
        };
        let owner: Option<i64> = sqlx::query_scalar(
            "SELECT f.institution_id FROM competencies c \
             JOIN frameworks f ON f.id = c.framework_id WHERE c.id = $1",
        )
        .bind(competency_id)
        .fetch_optional(self.pool())
        .await?;
        if owner != Some(institution_id) {
            return Err(CoreError::NotFound(format!("competency {competency_id}")));
        }
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM line_items WHERE institution_id = $1 AND source_id = $2",
        )
        .bind(institution_id)
        .bind(source_id)
        .fetch_optional(self.pool())
        .await?;
        if taken.is_some() {
            return Err(CoreError::Conflict(format!(
                "line item {source_id} is mapped already; remove it first"
            )));
        }
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO line_items (institution_id, source_id, title, competency_id) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(institution_id)
        .bind(source_id)
        .bind(title)
        .bind(competency_id)
        .fetch_one(&mut *tx)
        .await?;
        // Nothing a kept page shows.
        tx.touch_no_page();
        tx.commit().await?;
        Ok(id)
    }

    /// Removes a line item's mapping; later scores for it are refused until it is mapped again.
    pub async fn unmap_line_item(&self, institution_id: InstitutionId, id: i64) -> CoreResult<()> {
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM line_items WHERE id = $1 AND institution_id = $2")
            .bind(id)
            .bind(institution_id)
            .execute(&mut *tx)
            .await?;
        // Nothing a kept page shows.
        tx.touch_no_page();
        tx.commit().await?;
        if done.rows_affected() == 0 {
            return Err(CoreError::NotFound(format!("line item {id}")));
        }
        Ok(())
    }

    /// Records a pushed score as evidence from the learning platform, once per `sourcedId`:
    /// the same score again changes nothing; different content under the same id is a conflict.
    pub async fn record_score(
        &self,
        institution_id: InstitutionId,
        score: &Score,
    ) -> CoreResult<ScoreRecorded> {
        match self.record_score_once(institution_id, score).await {
            // The same sourcedId arrived twice at once and the other one won: answer as for a
            // repeat (or a conflict) now that it is recorded.
            Err(CoreError::Store(sqlx::Error::Database(error))) if error.is_unique_violation() => {
                self.record_score_once(institution_id, score).await
            }
            other => other,
        }
    }

    async fn record_score_once(
        &self,
        institution_id: InstitutionId,
        score: &Score,
    ) -> CoreResult<ScoreRecorded> {
        // Kept in the store's one form (UTC, to the second) so evidence sorts in time order.
        let observed_at = clock::parse(&score.timestamp)
            .map(clock::format)
            .ok_or_else(|| CoreError::invalid("timestamp", "not an RFC 3339 date-time"))?;
        let learner_id = self.score_learner(institution_id, &score.user_id).await?;
        let competency_id = self
            .score_competency(institution_id, &score.line_item)
            .await?;
        let rubric: Vec<(i64, f64)> = sqlx::query_as(
            "SELECT l.level, l.points FROM rubric_levels l \
             JOIN frameworks f ON f.rubric_id = l.rubric_id \
             JOIN competencies c ON c.framework_id = f.id WHERE c.id = $1 ORDER BY l.level",
        )
        .bind(competency_id)
        .fetch_all(self.pool())
        .await?;
        let mark = level_for(score.score_given, score.score_maximum, &rubric)
            .ok_or_else(|| CoreError::invalid("lineItem", "its competency has no rubric levels"))?
            as f64;
        let source_ref = format!("{institution_id}/{}", score.sourced_id);
        let earlier: Option<EarlierScore> = sqlx::query_as(
            "SELECT id, learner_id, competency_id, score_given, score_maximum, observed_at, \
               comment FROM evidence WHERE source = 'lms' AND source_ref = $1",
        )
        .bind(&source_ref)
        .fetch_optional(self.pool())
        .await?;
        if let Some((evidence_id, learner, competency, given, maximum, earlier_at, comment)) =
            earlier
        {
            let same = learner == learner_id
                && competency == competency_id
                && given == Some(score.score_given)
                && maximum == Some(score.score_maximum)
                && earlier_at == observed_at
                && comment == score.comment;
            if !same {
                return Err(CoreError::Conflict(format!(
                    "sourcedId {} was recorded before with different content",
                    score.sourced_id
                )));
            }
            let level: Option<f64> = sqlx::query_scalar(
                "SELECT level FROM current_levels WHERE learner_id = $1 AND competency_id = $2",
            )
            .bind(learner_id)
            .bind(competency_id)
            .fetch_optional(self.pool())
            .await?
            .flatten();
            return Ok(ScoreRecorded {
                created: false,
                evidence_id,
                learner_id,
                competency_id,
                mark,
                level,
            });
        }
        let Recorded { evidence_id, level } = self
            .record_evidence(&NewEvidence {
                learner_id,
                competency_id,
                level: mark,
                given_by: None,
                source: "lms",
                source_ref: Some(source_ref),
                group_id: None,
                comment: score.comment.clone(),
                supersedes_id: None,
                score: Some((score.score_given, score.score_maximum)),
                observed_at,
            })
            .await?;
        Ok(ScoreRecorded {
            created: true,
            evidence_id,
            learner_id,
            competency_id,
            mark,
            level,
        })
    }

    /// The learner a score names by email or external id, in the institution.
    async fn score_learner(&self, institution_id: InstitutionId, user: &str) -> CoreResult<UserId> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id \
             JOIN roles r ON r.id = ur.role_id AND r.key = 'learner' \
             WHERE u.institution_id = $1 AND (u.email = $2 OR u.external_id = $3)",
        )
        .bind(institution_id)
        .bind(normalize_email(user))
        .bind(user)
        .fetch_optional(self.pool())
        .await?;
        found.ok_or_else(|| CoreError::NotFound(format!("learner {user}")))
    }

    /// The competency a line item names: a mapped line item, or a competency code.
    async fn score_competency(
        &self,
        institution_id: InstitutionId,
        line_item: &str,
    ) -> CoreResult<CompetencyId> {
        let mapped: Option<i64> = sqlx::query_scalar(
            "SELECT competency_id FROM line_items WHERE institution_id = $1 AND source_id = $2",
        )
        .bind(institution_id)
        .bind(line_item)
        .fetch_optional(self.pool())
        .await?;
        if let Some(competency) = mapped {
            return Ok(competency);
        }
        let by_code: Option<i64> = sqlx::query_scalar(
            "SELECT c.id FROM competencies c JOIN frameworks f ON f.id = c.framework_id \
             WHERE f.institution_id = $1 AND c.code = $2 ORDER BY c.id LIMIT 1",
        )
        .bind(institution_id)
        .bind(line_item)
        .fetch_optional(self.pool())
        .await?;
        by_code.ok_or_else(|| CoreError::NotFound(format!("line item {line_item}")))
    }
}
