//! Groups as administrators run them: listed with their teachers and learner counts, created,
//! archived (every member's stay closed and kept as history), and filled with several teachers
//! and many learners at once — all of them or none.

use super::audit::Audit;
use super::Store;
use crate::clock;
use crate::error::{CoreError, CoreResult};
use crate::model::{GroupAdmin, GroupId, InstitutionId};

/// Who changes a group, and from where: for the audit line.
pub type GroupActor<'a> = super::audit::Actor<'a>;

/// `id, name, year_level, archived_at, learners`.
type GroupRow = (i64, String, Option<i64>, Option<String>, i64);

impl Store {
    /// The institution's groups, open ones first, by name.
    pub async fn groups_admin(&self, institution_id: InstitutionId) -> CoreResult<Vec<GroupAdmin>> {
        let rows: Vec<GroupRow> = sqlx::query_as(
            "SELECT g.id, g.name, g.year_level, g.archived_at, \
               (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id \
                  AND m.member_role = 'learner' AND m.left_at IS NULL) \
             FROM groups g WHERE g.institution_id = $1 \
             ORDER BY CASE WHEN g.archived_at IS NULL THEN 0 ELSE 1 END, g.name, g.id",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        let teachers: Vec<(i64, String)> = sqlx::query_as(
            "SELECT m.group_id, u.name FROM group_members m JOIN users u ON u.id = m.user_id \
             JOIN groups g ON g.id = m.group_id \
             WHERE g.institution_id = $1 AND m.member_role = 'teacher' AND m.left_at IS NULL \
             ORDER BY u.name",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, year_level, archived_at, learners)| GroupAdmin {
                id,
                name,
                year_level,
                learners,
                teachers: teachers
                    .iter()
                    .filter(|(group, _)| *group == id)
                    .map(|(_, name)| name.clone())
                    .collect(),
                archived_at,
            })
            .collect())
    }

    /// Creates a group; its name must not be taken by another open group.
    pub async fn create_group(
        &self,
        by: GroupActor<'_>,
        name: &str,
        year_level: Option<i64>,
    ) -> CoreResult<GroupId> {
        let mut tx = self.write().await?;
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM groups WHERE institution_id = $1 AND archived_at IS NULL \
             AND LOWER(name) = LOWER($2)",
        )
        .bind(by.institution_id)
        .bind(name)
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Err(CoreError::invalid(
                "name",
                format!("an open group is already named {name}"),
            ));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO groups (institution_id, name, year_level, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(by.institution_id)
        .bind(name)
        .bind(year_level)
        .bind(clock::now())
        .fetch_one(&mut *tx)
        .await?;
        tx.audit_line(&Audit {
            institution_id: by.institution_id,
            actor_id: Some(by.actor_id),
            origin: by.origin,
            action: "create group",
            subject_type: "group",
            subject_id: Some(id.to_string()),
            detail: match year_level {
                Some(year) => format!("{name} (year {year})"),
                None => name.to_string(),
            },
        });
        tx.touch_access();
        tx.commit().await?;
        Ok(id)
    }

    /// Archives an open group: every member's stay ends now and stays in their history.
    pub async fn archive_group(&self, by: GroupActor<'_>, group_id: GroupId) -> CoreResult<()> {
        let now = clock::now();
        let mut tx = self.write().await?;
        let group: Option<(String, Option<String>)> = sqlx::query_as(
            "SELECT name, archived_at FROM groups WHERE id = $1 AND institution_id = $2",
        )
        .bind(group_id)
        .bind(by.institution_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (name, archived) =
            group.ok_or_else(|| CoreError::NotFound(format!("group {group_id}")))?;
        if archived.is_some() {
            return Err(CoreError::invalid(
                "group",
                format!("{name} is archived already"),
            ));
        }
        let closed = sqlx::query(
            "UPDATE group_members SET left_at = $1 WHERE group_id = $2 AND left_at IS NULL",
        )
        .bind(&now)
        .bind(group_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query("UPDATE groups SET archived_at = $1 WHERE id = $2")
            .bind(&now)
            .bind(group_id)
            .execute(&mut *tx)
            .await?;
        tx.audit_line(&Audit {
            institution_id: by.institution_id,
            actor_id: Some(by.actor_id),
            origin: by.origin,
            action: "archive group",
            subject_type: "group",
            subject_id: Some(group_id.to_string()),
            detail: format!("{name}: {closed} members' stays closed"),
        });
        tx.touch_access();
        tx.commit().await?;
        Ok(())
    }

    /// Adds people to an open group as learners or teachers, by email: every one of them (each
    /// must hold that role and not be in the group already), or — naming each one at fault —
    /// none.
    pub async fn add_group_members(
        &self,
        by: GroupActor<'_>,
        group_id: GroupId,
        emails: &[String],
        member_role: &str,
    ) -> CoreResult<usize> {
        if !matches!(member_role, "learner" | "teacher") {
            return Err(CoreError::invalid("as", "is learner or teacher"));
        }
        if emails.is_empty() {
            return Err(CoreError::invalid("emails", "give at least one email"));
        }
        let now = clock::now();
        let mut tx = self.write().await?;
        let name: Option<String> = sqlx::query_scalar(
            "SELECT name FROM groups WHERE id = $1 AND institution_id = $2 \
             AND archived_at IS NULL",
        )
        .bind(group_id)
        .bind(by.institution_id)
        .fetch_optional(&mut *tx)
        .await?;
        let name = name.ok_or_else(|| CoreError::invalid("group", "is not an open group here"))?;
        let mut ids = Vec::with_capacity(emails.len());
        let mut faults = Vec::new();
        for email in emails {
            let found: Option<(i64, i64, i64)> = sqlx::query_as(
                "SELECT u.id, \
                   (SELECT COUNT(*) FROM user_roles ur JOIN roles r ON r.id = ur.role_id \
                      WHERE ur.user_id = u.id AND r.key = $3), \
                   (SELECT COUNT(*) FROM group_members m WHERE m.user_id = u.id \
                      AND m.group_id = $4 AND m.left_at IS NULL) \
                 FROM users u WHERE u.institution_id = $1 AND LOWER(u.email) = $2",
            )
            .bind(by.institution_id)
            .bind(email)
            .bind(member_role)
            .bind(group_id)
            .fetch_optional(&mut *tx)
            .await?;
            match found {
                None => faults.push(format!("{email} is nobody here")),
                Some((_, 0, _)) => faults.push(format!("{email} is not a {member_role}")),
                Some((_, _, open)) if open > 0 => {
                    faults.push(format!("{email} is in {name} already"))
                }
                Some((id, _, _)) if ids.contains(&id) => {}
                Some((id, _, _)) => ids.push(id),
            }
        }
        if !faults.is_empty() {
            return Err(CoreError::invalid(
                "emails",
                format!("nobody was added: {}", faults.join("; ")),
            ));
        }
        for id in &ids {
            sqlx::query(
                "INSERT INTO group_members (group_id, user_id, member_role, joined_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(group_id)
            .bind(id)
            .bind(member_role)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        tx.audit_line(&Audit {
            institution_id: by.institution_id,
            actor_id: Some(by.actor_id),
            origin: by.origin,
            action: "add group members",
            subject_type: "group",
            subject_id: Some(group_id.to_string()),
            detail: format!("{name}: {} {member_role}s added", ids.len()),
        });
        tx.touch_access();
        tx.commit().await?;
        Ok(ids.len())
    }
}
