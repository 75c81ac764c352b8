//! People as administrators manage them: listed and searched, approved, disabled (their
//! sessions end at once) and enabled again — each change with its audit line.

use super::audit::Audit;
use super::Store;
use crate::error::{CoreError, CoreResult};
use crate::model::{InstitutionId, Role, UserFilter, UserId, UserList, UserStatus, UserSummary};

/// How many people the page lists at most.
pub const PEOPLE_PAGE: usize = 200;

impl Store {
    /// The institution's people matching the filter, by name.
    pub async fn people_list(
        &self,
        institution_id: InstitutionId,
        filter: &UserFilter,
        me: UserId,
    ) -> CoreResult<UserList> {
        let query = format!("%{}%", filter.query.trim().to_lowercase());
        let condition = "u.institution_id = $1 \
             AND (LOWER(u.name) LIKE $2 OR LOWER(u.email) LIKE $2) \
             AND ($3 = '' OR u.status = $3) \
             AND ($4 = '' OR EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id \
                                     WHERE ur.user_id = u.id AND r.key = $4))";
        let matching: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM users u WHERE {condition}"))
                .bind(institution_id)
                .bind(&query)
                .bind(filter.status.trim())
                .bind(filter.role.trim())
                .fetch_one(self.pool())
                .await?;
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(&format!(
            "SELECT u.id, u.name, u.email, u.status FROM users u WHERE {condition} \
             ORDER BY u.name, u.id LIMIT $5"
        ))
        .bind(institution_id)
        .bind(&query)
        .bind(filter.status.trim())
        .bind(filter.role.trim())
        .bind(PEOPLE_PAGE as i64)
        .fetch_all(self.pool())
        .await?;
        let mut users = Vec::with_capacity(rows.len());
        for (id, name, email, status) in rows {
            let keys: Vec<String> = sqlx::query_scalar(
                "SELECT r.key FROM user_roles ur JOIN roles r ON r.id = ur.role_id \
                 WHERE ur.user_id = $1",
            )
            .bind(id)
            .fetch_all(self.pool())
            .await?;
            let mut roles: Vec<Role> = keys.iter().filter_map(|key| Role::from_key(key)).collect();
            roles.sort();
            users.push(UserSummary {
                id,
                name,
                email,
                roles,
                status: UserStatus::from_key(&status).unwrap_or(UserStatus::Disabled),
            });
        }
        Ok(UserList {
            users,
            matching: matching as usize,
            limit: PEOPLE_PAGE,
            me,
        })
    }

    /// Changes a person's status with its audit line; disabling ends their sessions in the same
    /// transaction, so their open pages stop working at once.
    pub async fn set_user_status(
        &self,
        institution_id: InstitutionId,
        actor_id: UserId,
        origin: Option<&str>,
        user_id: UserId,
        status: UserStatus,
    ) -> CoreResult<()> {
        let mut tx = self.write_tx().await?;
        let before: Option<(String, String)> =
            sqlx::query_as("SELECT status, email FROM users WHERE id = $1 AND institution_id = $2")
                .bind(user_id)
                .bind(institution_id)
                .fetch_optional(&mut *tx)
                .await?;
        let (old, email) =
            before.ok_or_else(|| CoreError::NotFound(format!("person {user_id}")))?;
        if old == status.key() {
            return Ok(());
        }
        sqlx::query("UPDATE users SET status = $1 WHERE id = $2")
            .bind(status.key())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if status == UserStatus::Disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        self.append_audit(
            &mut tx,
            &Audit {
                institution_id,
                actor_id: Some(actor_id),
                origin,
                action: match status {
                    UserStatus::Active if old == "pending" => "approve person",
                    UserStatus::Active => "enable person",
                    UserStatus::Disabled => "disable person",
                    UserStatus::Alumni => "mark person as alumni",
                    UserStatus::Pending => "set person pending",
                },
                subject_type: "person",
                subject_id: Some(user_id.to_string()),
                detail: format!("{email}: {old} → {}", status.key()),
            },
        )
        .await?;
        tx.commit().await?;
        self.changed();
        Ok(())
    }
}
