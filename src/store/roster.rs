//! A group's roster: its current learners × one framework's competencies, each cell the current
//! level and the newest mark; and the facts the policy needs about a group.

use std::collections::HashMap;

use super::Store;
use crate::cohort::FrameworkChoice;
use crate::error::{CoreError, CoreResult};
use crate::model::{GroupId, LearnerRef, Roster, RosterCell, RosterColumn, RosterMark, UserId};
use crate::policy::GroupRelations;

type MarkRow = (i64, i64, i64, f64, Option<String>, String);

impl Store {
    /// The group's institution and current teachers; `None` when there is no such group.
    pub async fn group_relations(&self, group_id: GroupId) -> CoreResult<Option<GroupRelations>> {
        let group: Option<(i64, Option<i64>)> =
            sqlx::query_as("SELECT institution_id, year_level FROM groups WHERE id = $1")
                .bind(group_id)
                .fetch_optional(self.pool())
                .await?;
        let Some((institution_id, year_level)) = group else {
            return Ok(None);
        };
        let teacher_ids: Vec<i64> = sqlx::query_scalar(
            "SELECT user_id FROM group_members \
             WHERE group_id = $1 AND member_role = 'teacher' AND left_at IS NULL",
        )
        .bind(group_id)
        .fetch_all(self.pool())
        .await?;
        Ok(Some(GroupRelations {
            group_id,
            institution_id,
            teacher_ids,
            year_level,
        }))
    }

    /// The institution whose framework holds the competency; `None` when there is none.
    pub async fn competency_institution(&self, competency_id: i64) -> CoreResult<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT f.institution_id FROM competencies c \
             JOIN frameworks f ON f.id = c.framework_id WHERE c.id = $1",
        )
        .bind(competency_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Whether the learner is in the group now.
    pub async fn is_current_learner(
        &self,
        group_id: GroupId,
        learner_id: UserId,
    ) -> CoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM group_members \
             WHERE group_id = $1 AND user_id = $2 AND member_role = 'learner' AND left_at IS NULL",
        )
        .bind(group_id)
        .bind(learner_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(found.is_some())
    }

    /// The roster of a group on one framework of its institution (the first when none is
    /// chosen). `may_mark` is left false for the caller to set.
    pub async fn roster(&self, group_id: GroupId, framework_id: Option<i64>) -> CoreResult<Roster> {
        let group: Option<(String, i64)> =
            sqlx::query_as("SELECT name, institution_id FROM groups WHERE id = $1")
                .bind(group_id)
                .fetch_optional(self.pool())
                .await?;
        let (group, institution_id) =
            group.ok_or_else(|| CoreError::NotFound(format!("group {group_id}")))?;
        let frameworks: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT id, name, rubric_id FROM frameworks WHERE institution_id = $1 ORDER BY id",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        let chosen = match framework_id {
            Some(id) => frameworks.iter().find(|f| f.0 == id),
            None => frameworks.first(),
        }
        .ok_or_else(|| CoreError::NotFound("that framework".into()))?;
        let (framework_id, rubric_id) = (chosen.0, chosen.2);

        let columns: Vec<RosterColumn> = sqlx::query_as::<_, (i64, String, String)>(
            "SELECT c.id, c.code, c.name FROM competencies c \
             LEFT JOIN framework_areas a ON a.id = c.area_id \
             WHERE c.framework_id = $1 AND c.retired_at IS NULL \
             ORDER BY a.position, c.position, c.id",
        )
        .bind(framework_id)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|(id, code, name)| RosterColumn { id, code, name })
        .collect();
        let learners: Vec<LearnerRef> = sqlx::query_as::<_, (i64, String)>(
            "SELECT u.id, u.name FROM group_members m JOIN users u ON u.id = m.user_id \
             WHERE m.group_id = $1 AND m.member_role = 'learner' AND m.left_at IS NULL \
             ORDER BY u.name, u.id",
        )
        .bind(group_id)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|(id, name)| LearnerRef { id, name })
        .collect();
        let levels: Vec<(i64, String)> = sqlx::query_as(
            "SELECT level, name FROM rubric_levels WHERE rubric_id = $1 ORDER BY level",
        )
        .bind(rubric_id)
        .fetch_all(self.pool())
        .await?;

        let current: HashMap<(i64, i64), Option<f64>> =
            sqlx::query_as::<_, (i64, i64, Option<f64>)>(
                "SELECT l.learner_id, l.competency_id, l.level FROM current_levels l \
             JOIN group_members m ON m.user_id = l.learner_id \
             JOIN competencies c ON c.id = l.competency_id \
             WHERE m.group_id = $1 AND m.member_role = 'learner' AND m.left_at IS NULL \
               AND c.framework_id = $2",
            )
            .bind(group_id)
            .bind(framework_id)
            .fetch_all(self.pool())
            .await?
            .into_iter()
            .map(|(learner, competency, level)| ((learner, competency), level))
            .collect();
        let newest: Vec<MarkRow> = sqlx::query_as(
            "SELECT e.learner_id, e.competency_id, e.id, e.level, u.name, e.recorded_at \
             FROM evidence e LEFT JOIN users u ON u.id = e.given_by \
             WHERE e.id IN (SELECT MAX(x.id) FROM evidence x \
               JOIN group_members m ON m.user_id = x.learner_id \
               JOIN competencies c ON c.id = x.competency_id \
               WHERE m.group_id = $1 AND m.member_role = 'learner' AND m.left_at IS NULL \
                 AND c.framework_id = $2 \
               GROUP BY x.learner_id, x.competency_id)",
        )
        .bind(group_id)
        .bind(framework_id)
        .fetch_all(self.pool())
        .await?;
        let mut latest: HashMap<(i64, i64), RosterMark> = newest
            .into_iter()
            .map(
                |(learner, competency, evidence_id, mark, given_by, recorded_at)| {
                    (
                        (learner, competency),
                        RosterMark {
                            evidence_id,
                            mark,
                            given_by,
                            recorded_at,
                        },
                    )
                },
            )
            .collect();
        let mut cells = Vec::with_capacity(learners.len() * columns.len());
        for learner in &learners {
            for column in &columns {
                let key = (learner.id, column.id);
                cells.push(RosterCell {
                    level: current.get(&key).copied().flatten(),
                    latest: latest.remove(&key),
                });
            }
        }
        Ok(Roster {
            group_id,
            group,
            frameworks: frameworks
                .into_iter()
                .map(|(id, name, _)| FrameworkChoice { id, name })
                .collect(),
            framework_id,
            columns,
            learners,
            levels,
            cells,
            may_mark: false,
        })
    }
}
