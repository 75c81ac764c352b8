//! The cohort comparison for one learner and framework, read from the kept counts.

use std::sync::Arc;

use super::kept::{CohortGroup, FrameworkFacts, Shows};
use super::Store;
use crate::cohort::{CohortView, FrameworkChoice, RadarAxis, MIN_COHORT};
use crate::error::{CoreError, CoreResult};
use crate::model::{InstitutionId, UserId};

impl Store {
    /// The frameworks of an institution in order, each with its rubric's top level.
    pub(crate) async fn framework_facts(
        &self,
        institution_id: InstitutionId,
    ) -> CoreResult<Arc<Vec<FrameworkFacts>>> {
        let read = async {
            let rows: Vec<(i64, String, f64)> = sqlx::query_as(
                "SELECT f.id, f.name, CAST((SELECT MAX(l.level) FROM rubric_levels l \
                   WHERE l.rubric_id = f.rubric_id) AS DOUBLE PRECISION) \
                 FROM frameworks f WHERE f.institution_id = $1 ORDER BY f.id",
            )
            .bind(institution_id)
            .fetch_all(self.pool())
            .await?;
            Ok(rows)
        };
        self.kept(|kept| &kept.frameworks, Shows::Shared, institution_id, read)
            .await
    }

    /// The frameworks of the institution, in order.
    pub async fn frameworks_for(
        &self,
        institution_id: InstitutionId,
    ) -> CoreResult<Vec<FrameworkChoice>> {
        Ok(self
            .framework_facts(institution_id)
            .await?
            .iter()
            .map(|(id, name, _)| FrameworkChoice {
                id: *id,
                name: name.clone(),
            })
            .collect())
    }

    /// A framework's competencies in the order its charts show them (by area, then position).
    async fn framework_competencies(
        &self,
        framework_id: i64,
    ) -> CoreResult<Arc<Vec<(i64, String)>>> {
        let read = async {
            Ok(sqlx::query_as(
                "SELECT c.id, c.name FROM competencies c \
                 LEFT JOIN framework_areas a ON a.id = c.area_id \
                 WHERE c.framework_id = $1 AND c.retired_at IS NULL \
                 ORDER BY a.position, c.position, c.id",
            )
            .bind(framework_id)
            .fetch_all(self.pool())
            .await?)
        };
        self.kept(
            |kept| &kept.framework_competencies,
            Shows::Shared,
            framework_id,
            read,
        )
        .await
    }

    /// The group a learner is compared with (their first group now), with its learners.
    async fn cohort_group(&self, learner_id: UserId) -> CoreResult<Arc<CohortGroup>> {
        let read = async {
            let group: Option<(i64, String)> = sqlx::query_as(
                "SELECT g.id, g.name FROM group_members m JOIN groups g ON g.id = m.group_id \
                 WHERE m.user_id = $1 AND m.member_role = 'learner' AND m.left_at IS NULL \
                 ORDER BY m.joined_at, m.id LIMIT 1",
            )
            .bind(learner_id)
            .fetch_optional(self.pool())
            .await?;
            let Some((group_id, name)) = group else {
                return Ok(None);
            };
            let (learners,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM group_members \
                 WHERE group_id = $1 AND member_role = 'learner' AND left_at IS NULL",
            )
            .bind(group_id)
            .fetch_one(self.pool())
            .await?;
            Ok(Some((group_id, name, learners)))
        };
        self.kept(|kept| &kept.cohort_groups, Shows::Shared, learner_id, read)
            .await
    }

    /// The learner (of the institution) against their (first) group on each competency of the
    /// framework.
    pub async fn cohort_view(
        &self,
        institution_id: InstitutionId,
        learner_id: UserId,
        framework_id: i64,
    ) -> CoreResult<CohortView> {
        let frameworks = self.framework_facts(institution_id).await?;
        let (_, framework, max_level) = frameworks
            .iter()
            .find(|(id, _, _)| *id == framework_id)
            .ok_or_else(|| CoreError::NotFound(format!("framework {framework_id}")))?;
        let Some((group_id, cohort, learners)) =
            self.cohort_group(learner_id).await?.as_ref().clone()
        else {
            return Ok(CohortView::NoCohort);
        };
        if learners < MIN_COHORT {
            return Ok(CohortView::TooSmall { cohort, learners });
        }
        let framework_competencies = self.framework_competencies(framework_id).await?;
        let levels = self.current_levels(learner_id).await?;
        let competencies = framework_competencies.iter().map(|(id, name)| {
            let level = levels.get(id).and_then(|(level, _)| *level);
            (*id, name.clone(), level)
        });
        let spreads = self.cohort_spread(group_id).await?;
        Ok(CohortView::Radar {
            framework: framework.clone(),
            cohort,
            learners,
            max_level: *max_level,
            axes: competencies
                .map(|(id, label, learner)| RadarAxis {
                    label,
                    learner,
                    spread: spreads.get(&id).copied(),
                })
                .collect(),
        })
    }
}
