//! The facts the policy decides on: who is linked to a learner, and how.

use super::kept::Shows;
use super::Store;
use crate::error::CoreResult;
use crate::model::{LearnerListing, UserId};
use crate::policy::{LearnerRelations, LearnerScope};

impl Store {
    /// The learner's links to parents, current teachers and placing managers; `None` when no
    /// learner has this id.
    pub async fn learner_relations(
        &self,
        learner_id: UserId,
    ) -> CoreResult<Option<LearnerRelations>> {
        let kept = self.kept(
            |kept| &kept.relations,
            Shows::Shared,
            learner_id,
            self.read_learner_relations(learner_id),
        );
        Ok(kept.await?.as_ref().clone())
    }

    pub(super) async fn read_learner_relations(
        &self,
        learner_id: UserId,
    ) -> CoreResult<Option<LearnerRelations>> {
        let learner: Option<(i64,)> = sqlx::query_as(
            "SELECT u.institution_id FROM users u \
             JOIN user_roles ur ON ur.user_id = u.id \
             JOIN roles r ON r.id = ur.role_id AND r.key = 'learner' \
             WHERE u.id = $1",
        )
        .bind(learner_id)
        .fetch_optional(self.pool())
        .await?;
        let Some((institution_id,)) = learner else {
            return Ok(None);
        };
        let ids = |sql: &'static str| async move {
            let rows: Vec<(i64,)> = sqlx::query_as(sql)
                .bind(learner_id)
                .fetch_all(self.pool())
                .await?;
            Ok::<_, sqlx::Error>(rows.into_iter().map(|(id,)| id).collect::<Vec<_>>())
        };
        Ok(Some(LearnerRelations {
            learner_id,
            institution_id,
            parent_ids: ids("SELECT parent_id FROM parent_links WHERE learner_id = $1").await?,
            teacher_ids: ids("SELECT DISTINCT t.user_id FROM group_members l \
                 JOIN group_members t ON t.group_id = l.group_id \
                   AND t.member_role = 'teacher' AND t.left_at IS NULL \
                 WHERE l.user_id = $1 AND l.member_role = 'learner' AND l.left_at IS NULL")
            .await?,
            manager_ids: ids("SELECT DISTINCT c.manager_id FROM seat_assignments s \
                 JOIN registration_codes c ON c.id = s.code_id \
                 WHERE s.user_id = $1")
            .await?,
            year_levels: sqlx::query_scalar(
                "SELECT DISTINCT g.year_level FROM group_members l \
                 JOIN groups g ON g.id = l.group_id \
                 WHERE l.user_id = $1 AND l.member_role = 'learner' AND l.left_at IS NULL",
            )
            .bind(learner_id)
            .fetch_all(self.pool())
            .await?,
        }))
    }
}

impl Store {
    /// The learners in any of the scopes, by name.
    pub async fn learners_in(&self, scopes: &[LearnerScope]) -> CoreResult<Vec<LearnerListing>> {
        let learners = "SELECT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id \
                        JOIN roles r ON r.id = ur.role_id AND r.key = 'learner'";
        let mut ids: Vec<i64> = Vec::new();
        for scope in scopes {
            let (sql, key) = match *scope {
                LearnerScope::Institution(institution) => (
                    format!("{learners} WHERE u.institution_id = $1"),
                    institution,
                ),
                LearnerScope::TaughtBy(teacher) => (
                    format!(
                        "{learners} JOIN group_members l ON l.user_id = u.id \
                           AND l.member_role = 'learner' AND l.left_at IS NULL \
                         JOIN group_members t ON t.group_id = l.group_id \
                           AND t.member_role = 'teacher' AND t.left_at IS NULL \
                         WHERE t.user_id = $1"
                    ),
                    teacher,
                ),
                LearnerScope::ChildrenOf(parent) => (
                    format!(
                        "{learners} JOIN parent_links p ON p.learner_id = u.id \
                         WHERE p.parent_id = $1"
                    ),
                    parent,
                ),
                LearnerScope::PlacedBy(manager) => (
                    format!(
                        "{learners} JOIN seat_assignments s ON s.user_id = u.id \
                         JOIN registration_codes c ON c.id = s.code_id WHERE c.manager_id = $1"
                    ),
                    manager,
                ),
                LearnerScope::Only(learner) => (format!("{learners} WHERE u.id = $1"), learner),
                LearnerScope::YearLevel(institution, year_level) => {
                    let year = if year_level.is_some() {
                        "AND g.year_level = $2"
                    } else {
                        ""
                    };
                    let sql = format!(
                        "{learners} JOIN group_members l ON l.user_id = u.id \
                           AND l.member_role = 'learner' AND l.left_at IS NULL \
                         JOIN groups g ON g.id = l.group_id \
                         WHERE g.institution_id = $1 {year}"
                    );
                    let mut query = sqlx::query_scalar::<_, i64>(&sql).bind(institution);
                    if let Some(year_level) = year_level {
                        query = query.bind(year_level);
                    }
                    let rows = query.fetch_all(self.pool()).await?;
                    ids.extend(rows);
                    continue;
                }
            };
            let rows: Vec<(i64,)> = sqlx::query_as(&sql)
                .bind(key)
                .fetch_all(self.pool())
                .await?;
            ids.extend(rows.into_iter().map(|(id,)| id));
        }
        ids.sort_unstable();
        ids.dedup();
        let mut listings = Vec::with_capacity(ids.len());
        // In chunks, to stay within every database's limit on bound parameters.
        for chunk in ids.chunks(500) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
            let sql = format!(
                "SELECT u.id, u.name, u.email, g.name FROM users u \
                 LEFT JOIN group_members m ON m.user_id = u.id AND m.member_role = 'learner' \
                   AND m.left_at IS NULL \
                 LEFT JOIN groups g ON g.id = m.group_id \
                 WHERE u.id IN ({}) ORDER BY u.id, g.name",
                placeholders.join(", ")
            );
            let mut query = sqlx::query_as::<_, (i64, String, String, Option<String>)>(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            for (id, name, email, group) in query.fetch_all(self.pool()).await? {
                match listings.last_mut() {
                    Some(LearnerListing {
                        id: last, groups, ..
                    }) if *last == id => {
                        groups.extend(group);
                    }
                    _ => listings.push(LearnerListing {
                        id,
                        name,
                        email,
                        groups: group.into_iter().collect(),
                    }),
                }
            }
        }
        listings.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        Ok(listings)
    }
}
