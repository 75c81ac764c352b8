//! A learner's progress: the current level of every competency of their institution (kept by
//! `levels` with the framework's mastery method, or the competency's own), and the record
//! towards each achievement.

use std::sync::Arc;

use super::kept::{CurrentLevels, Shows};
use super::Store;
use crate::error::CoreResult;
use crate::mastery::{steps_remaining, MasteryMethod};
use crate::model::{
    AchievementProgress, BadgeState, CompetencyLevel, LearnerProgress, LearnerRef, RemainingStep,
    UserId,
};

/// A competency as the progress query reads it.
#[derive(sqlx::FromRow)]
pub(crate) struct CompetencyRow {
    id: i64,
    code: String,
    name: String,
    category_key: String,
    category: String,
    framework: String,
    rubric_id: i64,
    mastery_level: f64,
    method: String,
    param: Option<f64>,
}

/// An institution's competencies, rubrics and achievements, as progress reads them.
pub(crate) struct Catalogue {
    competencies: Vec<CompetencyRow>,
    /// `(rubric, level, name)`, by rubric and level.
    rubric_levels: Vec<(i64, i64, String)>,
    /// `(id, name, description, category key)`.
    achievements: Vec<(i64, String, String, Option<String>)>,
    /// `(achievement, competency, level)`.
    criteria: Vec<(i64, i64, f64)>,
}

impl Store {
    /// The learner's progress, or `None` when no user has this id.
    pub async fn learner_progress(
        &self,
        learner_id: UserId,
    ) -> CoreResult<Option<LearnerProgress>> {
        let Some((learner, email, institution_id, competencies)) =
            self.competency_levels(learner_id).await?
        else {
            return Ok(None);
        };
        let achievements = self
            .achievement_progress(institution_id, learner_id, &competencies)
            .await?;
        Ok(Some(LearnerProgress {
            learner,
            email,
            competencies,
            achievements,
        }))
    }

    /// The learner (with email and institution) and their current level on every competency
    /// of their institution; `None` when no user has this id.
    pub(super) async fn competency_levels(
        &self,
        learner_id: UserId,
    ) -> CoreResult<Option<(LearnerRef, String, i64, Vec<CompetencyLevel>)>> {
        let read = async {
            Ok(
                sqlx::query_as("SELECT id, name, email, institution_id FROM users WHERE id = $1")
                    .bind(learner_id)
                    .fetch_optional(self.pool())
                    .await?,
            )
        };
        let person = self
            .kept(|kept| &kept.people, Shows::Shared, learner_id, read)
            .await?;
        let Some((id, name, email, institution_id)) = person.as_ref().clone() else {
            return Ok(None);
        };
        let catalogue = self.catalogue(institution_id).await?;
        let current = self.current_levels(learner_id).await?;
        let rubric = |rubric_id: i64| {
            catalogue
                .rubric_levels
                .iter()
                .filter(move |(r, _, _)| *r == rubric_id)
        };
        let mut competencies = Vec::with_capacity(catalogue.competencies.len());
        for row in &catalogue.competencies {
            let method = MasteryMethod::parse(&row.method, row.param)?;
            let (level, evidence_count) = current.get(&row.id).copied().unwrap_or((None, 0));
            let reached = level.map(f64::floor).unwrap_or(0.0);
            let level_name = rubric(row.rubric_id)
                .rfind(|(_, number, _)| (*number as f64) <= reached)
                .map(|(_, _, name)| name.clone());
            let next_level_name = rubric(row.rubric_id)
                .find(|(_, number, _)| (*number as f64) > reached)
                .map(|(_, _, name)| name.clone());
            let top_level = rubric(row.rubric_id)
                .map(|(_, number, _)| *number as f64)
                .fold(0.0, f64::max);
            competencies.push(CompetencyLevel {
                id: row.id,
                code: row.code.clone(),
                name: row.name.clone(),
                category_key: row.category_key.clone(),
                category: row.category.clone(),
                framework: row.framework.clone(),
                level,
                level_name,
                next_level_name,
                mastery_level: row.mastery_level,
                top_level,
                steps_remaining: steps_remaining(level, row.mastery_level),
                method: method.describe(),
                method_explained: method.explain(),
                evidence_count,
            });
        }
        Ok(Some((
            LearnerRef { id, name },
            email,
            institution_id,
            competencies,
        )))
    }

    /// The institution's competencies (in the order pages list them), rubric levels,
    /// achievements and their criteria: the same for every learner, so kept (see `kept`).
    pub(crate) async fn catalogue(&self, institution_id: i64) -> CoreResult<Arc<Catalogue>> {
        let read = async {
            let competencies = sqlx::query_as(
                "SELECT c.id, c.code, c.name, cat.key AS category_key, cat.name AS category, \
                   f.name AS framework, f.rubric_id, r.mastery_level, \
                   COALESCE(c.mastery_method, f.mastery_method) AS method, \
                   CASE WHEN c.mastery_method IS NULL THEN f.mastery_param ELSE c.mastery_param END \
                     AS param \
                 FROM competencies c \
                 JOIN frameworks f ON f.id = c.framework_id \
                 JOIN categories cat ON cat.id = c.category_id \
                 JOIN rubrics r ON r.id = f.rubric_id \
                 LEFT JOIN framework_areas a ON a.id = c.area_id \
                 WHERE f.institution_id = $1 AND c.retired_at IS NULL \
                 ORDER BY cat.position, f.id, a.position, c.position, c.id",
            )
            .bind(institution_id)
            .fetch_all(self.pool())
            .await?;
            let rubric_levels = sqlx::query_as(
                "SELECT l.rubric_id, l.level, l.name FROM rubric_levels l \
                 JOIN rubrics r ON r.id = l.rubric_id WHERE r.institution_id = $1 \
                 ORDER BY l.rubric_id, l.level",
            )
            .bind(institution_id)
            .fetch_all(self.pool())
            .await?;
            let achievements = sqlx::query_as(
                "SELECT a.id, a.name, a.description, cat.key FROM achievements a \
                 LEFT JOIN categories cat ON cat.id = a.category_id \
                 WHERE a.institution_id = $1 ORDER BY a.id",
            )
            .bind(institution_id)
            .fetch_all(self.pool())
            .await?;
            let criteria = self.achievement_criteria(institution_id).await?;
            Ok(Catalogue {
                competencies,
                rubric_levels,
                achievements,
                criteria,
            })
        };
        self.kept(|kept| &kept.catalogues, Shows::Shared, institution_id, read)
            .await
    }

    /// Every criterion of the institution's achievements: `(achievement, competency, level)`;
    /// a retired competency is no longer one.
    pub(super) async fn achievement_criteria(
        &self,
        institution_id: i64,
    ) -> CoreResult<Vec<(i64, i64, f64)>> {
        Ok(sqlx::query_as(
            "SELECT ac.achievement_id, ac.competency_id, ac.min_level \
             FROM achievement_criteria ac JOIN achievements a ON a.id = ac.achievement_id \
             JOIN competencies c ON c.id = ac.competency_id \
             WHERE a.institution_id = $1 AND c.retired_at IS NULL \
             ORDER BY ac.achievement_id, ac.competency_id",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// A learner's current level and evidence count, by competency. Levels are kept up to date
    /// as evidence arrives (see `levels`): read, never recomputed.
    pub(super) async fn current_levels(
        &self,
        learner_id: UserId,
    ) -> CoreResult<Arc<CurrentLevels>> {
        let read = async {
            Ok(sqlx::query_as::<_, (i64, Option<f64>, i64)>(
                "SELECT competency_id, level, evidence_count FROM current_levels \
                 WHERE learner_id = $1",
            )
            .bind(learner_id)
            .fetch_all(self.pool())
            .await?
            .into_iter()
            .map(|(competency, level, count)| (competency, (level, count)))
            .collect())
        };
        self.kept(
            |kept| &kept.levels,
            Shows::Learner(learner_id),
            learner_id,
            read,
        )
        .await
    }

    /// Each achievement's criteria checked against the learner's current levels.
    pub(super) async fn achievement_progress(
        &self,
        institution_id: i64,
        learner_id: UserId,
        competencies: &[CompetencyLevel],
    ) -> CoreResult<Vec<AchievementProgress>> {
        let catalogue = self.catalogue(institution_id).await?;
        let criteria = &catalogue.criteria;
        // The earned credentials that stand, by achievement.
        let read = async {
            Ok(sqlx::query_as::<_, (i64, String)>(
                "SELECT achievement_id, public_id FROM credentials \
                 WHERE learner_id = $1 AND kind = 'earned' AND revoked_at IS NULL",
            )
            .bind(learner_id)
            .fetch_all(self.pool())
            .await?
            .into_iter()
            .collect())
        };
        let credentials = self
            .kept(
                |kept| &kept.earned,
                Shows::Learner(learner_id),
                learner_id,
                read,
            )
            .await?;
        Ok(catalogue
            .achievements
            .iter()
            .map(|(id, name, description, category_key)| {
                let id = *id;
                let mut met = 0;
                let mut remaining = Vec::new();
                let mut first_category = None;
                for (_, competency_id, required_level) in
                    criteria.iter().filter(|(a, _, _)| *a == id)
                {
                    let Some(competency) = competencies.iter().find(|c| c.id == *competency_id)
                    else {
                        continue;
                    };
                    first_category.get_or_insert_with(|| competency.category_key.clone());
                    if competency
                        .level
                        .is_some_and(|level| level >= *required_level)
                    {
                        met += 1;
                    } else {
                        remaining.push(RemainingStep {
                            competency_id: competency.id,
                            code: competency.code.clone(),
                            name: competency.name.clone(),
                            required_level: *required_level,
                            levels_short: steps_remaining(competency.level, *required_level),
                        });
                    }
                }
                let required = met + remaining.len() as i64;
                let state = if required > 0 && remaining.is_empty() {
                    BadgeState::Earned
                } else {
                    BadgeState::Provisional
                };
                AchievementProgress {
                    id,
                    name: name.clone(),
                    description: description.clone(),
                    category_key: category_key.clone().or(first_category),
                    state,
                    met,
                    required,
                    remaining,
                    credential: credentials.get(&id).cloned(),
                }
            })
            .collect())
    }
}
