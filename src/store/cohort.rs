//! The cohort comparison for one learner and framework, read from the kept counts.

use super::Store;
use crate::cohort::{CohortView, FrameworkChoice, RadarAxis, MIN_COHORT};
use crate::error::{CoreError, CoreResult};
use crate::model::UserId;

impl Store {
    /// The frameworks of the learner's institution, in order.
    pub async fn frameworks_for(&self, learner_id: UserId) -> CoreResult<Vec<FrameworkChoice>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT f.id, f.name FROM frameworks f JOIN users u ON u.institution_id = f.institution_id \
             WHERE u.id = $1 ORDER BY f.id",
        )
        .bind(learner_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name)| FrameworkChoice { id, name })
            .collect())
    }

    /// The learner against their (first) group on each competency of the framework.
    pub async fn cohort_view(
        &self,
        learner_id: UserId,
        framework_id: i64,
    ) -> CoreResult<CohortView> {
        let framework: Option<(String, f64)> = sqlx::query_as(
            "SELECT f.name, CAST((SELECT MAX(l.level) FROM rubric_levels l WHERE l.rubric_id = f.rubric_id) AS DOUBLE PRECISION) \
             FROM frameworks f JOIN users u ON u.institution_id = f.institution_id \
             WHERE f.id = $1 AND u.id = $2",
        )
        .bind(framework_id)
        .bind(learner_id)
        .fetch_optional(self.pool())
        .await?;
        let (framework, max_level) =
            framework.ok_or_else(|| CoreError::NotFound(format!("framework {framework_id}")))?;
        let group: Option<(i64, String)> = sqlx::query_as(
            "SELECT g.id, g.name FROM group_members m JOIN groups g ON g.id = m.group_id \
             WHERE m.user_id = $1 AND m.member_role = 'learner' AND m.left_at IS NULL \
             ORDER BY m.joined_at, m.id LIMIT 1",
        )
        .bind(learner_id)
        .fetch_optional(self.pool())
        .await?;
        let Some((group_id, cohort)) = group else {
            return Ok(CohortView::NoCohort);
        };
        let (learners,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM group_members \
             WHERE group_id = $1 AND member_role = 'learner' AND left_at IS NULL",
        )
        .bind(group_id)
        .fetch_one(self.pool())
        .await?;
        if learners < MIN_COHORT {
            return Ok(CohortView::TooSmall { cohort, learners });
        }
        let competencies: Vec<(i64, String, Option<f64>)> = sqlx::query_as(
            "SELECT c.id, c.name, l.level FROM competencies c \
             LEFT JOIN current_levels l ON l.competency_id = c.id AND l.learner_id = $1 \
             LEFT JOIN framework_areas a ON a.id = c.area_id \
             WHERE c.framework_id = $2 ORDER BY a.position, c.position, c.id",
        )
        .bind(learner_id)
        .bind(framework_id)
        .fetch_all(self.pool())
        .await?;
        let spreads = self.cohort_spread(group_id).await?;
        Ok(CohortView::Radar {
            framework,
            cohort,
            learners,
            max_level,
            axes: competencies
                .into_iter()
                .map(|(id, label, learner)| RadarAxis {
                    label,
                    learner,
                    spread: spreads.get(&id).copied(),
                })
                .collect(),
        })
    }
}
