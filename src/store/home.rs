//! What the home page shows besides a learner's progress: a teacher's groups, a manager's
//! seats and orders, an admin's institution figures.

use super::Store;
use crate::error::CoreResult;
use crate::model::{
    GroupSummary, InstitutionId, InstitutionSummary, OrderSummary, Role, SeatSummary, UserId,
};

impl Store {
    /// The groups a teacher teaches now, with their learners and recent marking.
    pub async fn teacher_groups(
        &self,
        teacher_id: UserId,
        since: &str,
    ) -> CoreResult<Vec<GroupSummary>> {
        let groups: Vec<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT g.id, g.name, \
               (SELECT COUNT(*) FROM group_members l WHERE l.group_id = g.id \
                  AND l.member_role = 'learner' AND l.left_at IS NULL), \
               (SELECT COUNT(*) FROM evidence e WHERE e.group_id = g.id AND e.observed_at >= $2) \
             FROM groups g JOIN group_members t ON t.group_id = g.id \
             WHERE t.user_id = $1 AND t.member_role = 'teacher' AND t.left_at IS NULL \
               AND g.archived_at IS NULL \
             ORDER BY g.name, g.id",
        )
        .bind(teacher_id)
        .bind(since)
        .fetch_all(self.pool())
        .await?;
        let mut summaries = Vec::with_capacity(groups.len());
        for (id, name, learners, evidence_last_30_days) in groups {
            let co_teachers: Vec<(String,)> = sqlx::query_as(
                "SELECT u.name FROM group_members t JOIN users u ON u.id = t.user_id \
                 WHERE t.group_id = $1 AND t.member_role = 'teacher' AND t.left_at IS NULL \
                   AND t.user_id <> $2 ORDER BY u.name",
            )
            .bind(id)
            .bind(teacher_id)
            .fetch_all(self.pool())
            .await?;
            summaries.push(GroupSummary {
                id,
                name,
                learners,
                co_teachers: co_teachers.into_iter().map(|(name,)| name).collect(),
                evidence_last_30_days,
                attendance: None,
            });
        }
        Ok(summaries)
    }

    /// A manager's registration codes with how many seats are assigned and redeemed.
    pub async fn manager_seats(&self, manager_id: UserId) -> CoreResult<Vec<SeatSummary>> {
        let rows: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
            "SELECT c.code, t.name, c.seats, \
               (SELECT COUNT(*) FROM seat_assignments s WHERE s.code_id = c.id), \
               (SELECT COUNT(*) FROM seat_assignments s WHERE s.code_id = c.id \
                  AND s.redeemed_at IS NOT NULL) \
             FROM registration_codes c JOIN trainings t ON t.id = c.training_id \
             WHERE c.manager_id = $1 ORDER BY c.created_at, c.id",
        )
        .bind(manager_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(code, training, seats, assigned, redeemed)| SeatSummary {
                code,
                training,
                seats,
                assigned,
                redeemed,
            })
            .collect())
    }

    /// A manager's orders, newest first.
    pub async fn manager_orders(&self, manager_id: UserId) -> CoreResult<Vec<OrderSummary>> {
        let rows: Vec<(String, String, i64, String)> = sqlx::query_as(
            "SELECT o.reference, t.name, o.seats, o.ordered_at \
             FROM orders o JOIN trainings t ON t.id = o.training_id \
             WHERE o.manager_id = $1 ORDER BY o.ordered_at DESC, o.id DESC",
        )
        .bind(manager_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(reference, training, seats, ordered_at)| OrderSummary {
                reference,
                training,
                seats,
                ordered_on: ordered_at.chars().take(10).collect(),
            })
            .collect())
    }

    /// Head counts for an administrator's home.
    pub async fn institution_summary(
        &self,
        institution_id: InstitutionId,
    ) -> CoreResult<InstitutionSummary> {
        let by_role: Vec<(String, i64)> = sqlx::query_as(
            "SELECT r.key, COUNT(*) FROM user_roles ur \
             JOIN roles r ON r.id = ur.role_id \
             JOIN users u ON u.id = ur.user_id \
             WHERE r.institution_id = $1 AND u.status <> 'disabled' \
             GROUP BY r.key",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        let mut users_by_role: Vec<(Role, i64)> = by_role
            .into_iter()
            .filter_map(|(key, count)| Role::from_key(&key).map(|role| (role, count)))
            .collect();
        users_by_role.sort();
        let count = |sql: &'static str| async move {
            let (n,): (i64,) = sqlx::query_as(sql)
                .bind(institution_id)
                .fetch_one(self.pool())
                .await?;
            Ok::<i64, sqlx::Error>(n)
        };
        Ok(InstitutionSummary {
            users_by_role,
            groups: count(
                "SELECT COUNT(*) FROM groups WHERE institution_id = $1 AND archived_at IS NULL",
            )
            .await?,
            frameworks: count("SELECT COUNT(*) FROM frameworks WHERE institution_id = $1").await?,
            competencies: count(
                "SELECT COUNT(*) FROM competencies c JOIN frameworks f ON f.id = c.framework_id \
                 WHERE f.institution_id = $1",
            )
            .await?,
            evidence: count(
                "SELECT COUNT(*) FROM evidence e JOIN users u ON u.id = e.learner_id \
                 WHERE u.institution_id = $1",
            )
            .await?,
        })
    }
}
