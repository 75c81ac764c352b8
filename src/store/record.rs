//! A learner's record in one category: the Provisional Evidence Record of each achievement in
//! it — where each required competency stands — with the timeline of level changes, replayed
//! from the learner's evidence by each competency's mastery method.

use super::Store;
use crate::error::{CoreError, CoreResult};
use crate::mastery::{Mark, MasteryMethod};
use crate::model::{
    CategoryRecord, CompetencyId, CompetencyLevel, Criterion, EvidenceRecord, LevelChange, UserId,
};

/// One evidence row as the timeline replays it.
#[derive(sqlx::FromRow)]
struct EvidenceRow {
    id: i64,
    competency_id: i64,
    level: f64,
    observed_at: String,
    given_by: Option<String>,
    source: String,
    supersedes_id: Option<i64>,
}

impl Store {
    /// The learner's record in the category with this key; `NotFound` when there is no such
    /// learner or category.
    pub async fn category_record(
        &self,
        learner_id: UserId,
        category_key: &str,
    ) -> CoreResult<CategoryRecord> {
        let (learner, _, institution_id, competencies) = self
            .competency_levels(learner_id)
            .await?
            .ok_or_else(|| CoreError::NotFound(format!("learner {learner_id}")))?;
        let name: Option<String> = sqlx::query_scalar(
            "SELECT name FROM categories WHERE institution_id = $1 AND key = $2",
        )
        .bind(institution_id)
        .bind(category_key)
        .fetch_optional(self.pool())
        .await?;
        let name = name.ok_or_else(|| CoreError::NotFound(format!("category {category_key}")))?;
        let achievements = self
            .achievement_progress(institution_id, learner_id, &competencies)
            .await?;
        let criteria = self.achievement_criteria(institution_id).await?;
        let methods = self.mastery_methods(institution_id).await?;
        let evidence: Vec<EvidenceRow> = sqlx::query_as(
            "SELECT e.id, e.competency_id, e.level, e.observed_at, u.name AS given_by, e.source, \
               e.supersedes_id \
             FROM evidence e LEFT JOIN users u ON u.id = e.given_by \
             WHERE e.learner_id = $1 ORDER BY e.observed_at, e.id",
        )
        .bind(learner_id)
        .fetch_all(self.pool())
        .await?;
        let competency = |id: CompetencyId| competencies.iter().find(|c| c.id == id);

        let records = achievements
            .into_iter()
            .filter(|achievement| achievement.category_key.as_deref() == Some(category_key))
            .map(|achievement| {
                let requirements: Vec<(&CompetencyLevel, f64)> = criteria
                    .iter()
                    .filter(|(a, _, _)| *a == achievement.id)
                    .filter_map(|(_, id, required)| competency(*id).map(|c| (c, *required)))
                    .collect();
                let mut timeline = Vec::new();
                for (current, required) in &requirements {
                    let Some(method) = methods.get(&current.id) else {
                        continue;
                    };
                    timeline.extend(changes(
                        current,
                        *required,
                        method,
                        evidence.iter().filter(|e| e.competency_id == current.id),
                    ));
                }
                // Newest first; on one day, the later record first.
                timeline.sort_by(|a, b| {
                    (&b.observed_on, b.evidence_id).cmp(&(&a.observed_on, a.evidence_id))
                });
                EvidenceRecord {
                    criteria: requirements
                        .iter()
                        .map(|(current, required)| Criterion {
                            competency_id: current.id,
                            code: current.code.clone(),
                            name: current.name.clone(),
                            required_level: *required,
                            level: current.level,
                            level_name: current.level_name.clone(),
                            met: current.level.is_some_and(|level| level >= *required),
                        })
                        .collect(),
                    achievement,
                    timeline,
                }
            })
            .collect();
        Ok(CategoryRecord {
            learner,
            key: category_key.to_string(),
            name,
            competencies: competencies
                .into_iter()
                .filter(|c| c.category_key == category_key)
                .collect(),
            records,
            may_issue: false,
        })
    }
}

/// The level changes of one competency, replayed from its evidence (oldest first).
fn changes<'a>(
    current: &CompetencyLevel,
    required: f64,
    method: &MasteryMethod,
    evidence: impl Iterator<Item = &'a EvidenceRow>,
) -> Vec<LevelChange> {
    let rows: Vec<&EvidenceRow> = evidence.collect();
    let marks: Vec<Mark> = rows
        .iter()
        .map(|row| Mark {
            id: row.id,
            level: row.level,
            supersedes: row.supersedes_id,
        })
        .collect();
    method
        .replay(&marks, current.mastery_level)
        .into_iter()
        .map(|change| {
            let row = rows[change.mark];
            let before = change.from.is_some_and(|level| level >= required);
            let after = change.to.is_some_and(|level| level >= required);
            LevelChange {
                competency_id: current.id,
                code: current.code.clone(),
                name: current.name.clone(),
                observed_on: row.observed_at.chars().take(10).collect(),
                from: change.from,
                to: change.to,
                evidence_id: row.id,
                evidence_level: row.level,
                given_by: row.given_by.clone(),
                source: row.source.clone(),
                correction: row.supersedes_id.is_some(),
                reached_requirement: after && !before,
            }
        })
        .collect()
}
