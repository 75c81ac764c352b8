//! One competency for one learner, explained: the evidence (superseded rows included, marked),
//! which of it the mastery method counted, and the level that results.

use super::Store;
use crate::error::{CoreError, CoreResult};
use crate::mastery::MasteryMethod;
use crate::model::{CompetencyDetail, CompetencyId, EvidenceItem, UserId};

type EvidenceRow = (
    i64,
    f64,
    String,
    Option<String>,
    String,
    Option<String>,
    i64,
);

impl Store {
    pub async fn competency_detail(
        &self,
        learner_id: UserId,
        competency_id: CompetencyId,
    ) -> CoreResult<CompetencyDetail> {
        let (learner, _, _, competencies) = self
            .competency_levels(learner_id)
            .await?
            .ok_or_else(|| CoreError::NotFound(format!("learner {learner_id}")))?;
        let current = competencies
            .into_iter()
            .find(|c| c.id == competency_id)
            .ok_or_else(|| CoreError::NotFound(format!("competency {competency_id}")))?;
        let (skill_statement, keywords, method, param, rubric_id): (
            String,
            String,
            String,
            Option<f64>,
            i64,
        ) = sqlx::query_as(
            "SELECT c.skill_statement, c.keywords, COALESCE(c.mastery_method, f.mastery_method), \
               CASE WHEN c.mastery_method IS NULL THEN f.mastery_param ELSE c.mastery_param END, \
               f.rubric_id \
             FROM competencies c JOIN frameworks f ON f.id = c.framework_id WHERE c.id = $1",
        )
        .bind(competency_id)
        .fetch_one(self.pool())
        .await?;
        let method = MasteryMethod::parse(&method, param)?;
        let rows: Vec<EvidenceRow> = sqlx::query_as(
            "SELECT e.id, e.level, e.observed_at, u.name, e.source, e.comment, \
               (SELECT COUNT(*) FROM evidence s WHERE s.supersedes_id = e.id) \
             FROM evidence e LEFT JOIN users u ON u.id = e.given_by \
             WHERE e.learner_id = $1 AND e.competency_id = $2 \
             ORDER BY e.observed_at, e.id",
        )
        .bind(learner_id)
        .bind(competency_id)
        .fetch_all(self.pool())
        .await?;
        let names: Vec<(i64, String)> =
            sqlx::query_as("SELECT level, name FROM rubric_levels WHERE rubric_id = $1")
                .bind(rubric_id)
                .fetch_all(self.pool())
                .await?;

        // The scores the method saw, oldest first, and which of them it counted.
        let live: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].6 == 0).collect();
        let scores: Vec<f64> = live.iter().map(|&i| rows[i].1).collect();
        let counted: Vec<usize> = method
            .contributing(&scores, current.mastery_level)
            .into_iter()
            .map(|position| live[position])
            .collect();
        let mut evidence: Vec<EvidenceItem> = rows
            .into_iter()
            .enumerate()
            .map(
                |(index, (id, level, observed_at, given_by, source, comment, superseded_by))| {
                    EvidenceItem {
                        id,
                        level,
                        level_name: names
                            .iter()
                            .find(|(number, _)| *number as f64 == level.floor())
                            .map(|(_, name)| name.clone()),
                        observed_on: observed_at.chars().take(10).collect(),
                        given_by,
                        source,
                        comment,
                        counted: counted.contains(&index),
                        superseded: superseded_by > 0,
                    }
                },
            )
            .collect();
        evidence.reverse();
        Ok(CompetencyDetail {
            learner,
            current,
            statement_html: crate::markdown::render(&skill_statement),
            keywords,
            evidence,
        })
    }
}
