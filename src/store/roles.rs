//! Custom roles: named sets of permissions over the groups of one year level (or every group),
//! defined by administrators and enforced by the one policy through `Viewer::grants`.

use super::audit::{Actor, Audit};
use super::taxonomy::taken;
use super::Store;
use crate::error::{CoreError, CoreResult};
use crate::model::{CustomRole, InstitutionId, Permission};

impl Store {
    /// The institution's custom roles, by name.
    pub async fn custom_roles(&self, institution_id: InstitutionId) -> CoreResult<Vec<CustomRole>> {
        let roles: Vec<(i64, String, String, Option<i64>, i64)> = sqlx::query_as(
            "SELECT r.id, r.key, r.name, r.scope_year_level, \
               (SELECT COUNT(*) FROM user_roles ur WHERE ur.role_id = r.id) \
             FROM roles r WHERE r.institution_id = $1 AND r.builtin = 0 ORDER BY r.name, r.id",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        let mut custom = Vec::with_capacity(roles.len());
        for (id, key, name, year_level, holders) in roles {
            let keys: Vec<String> = sqlx::query_scalar(
                "SELECT permission FROM role_permissions WHERE role_id = $1 ORDER BY permission",
            )
            .bind(id)
            .fetch_all(self.pool())
            .await?;
            custom.push(CustomRole {
                id,
                key,
                name,
                permissions: keys
                    .iter()
                    .filter_map(|key| Permission::from_key(key))
                    .collect(),
                year_level,
                holders,
            });
        }
        Ok(custom)
    }

    /// Defines a custom role with its audit line; its name must be new to the institution.
    pub async fn create_custom_role(
        &self,
        by: Actor<'_>,
        name: &str,
        permissions: &[Permission],
        year_level: Option<i64>,
    ) -> CoreResult<i64> {
        let Actor {
            institution_id,
            actor_id,
            origin,
        } = by;
        let key: String = name
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect::<String>()
            .split('_')
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        let key = if key.is_empty() {
            "custom".to_string()
        } else {
            key
        };
        let mut tx = self.write().await?;
        let scope = ("institution_id", institution_id);
        if taken(&mut tx, ("roles", "name"), scope, name, None).await?
            || taken(&mut tx, ("roles", "key"), scope, &key, None).await?
        {
            return Err(CoreError::invalid(
                "name",
                format!("a role is already named {name}"),
            ));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO roles (institution_id, key, name, builtin, scope_year_level) \
             VALUES ($1, $2, $3, 0, $4) RETURNING id",
        )
        .bind(institution_id)
        .bind(&key)
        .bind(name)
        .bind(year_level)
        .fetch_one(&mut *tx)
        .await?;
        for permission in permissions {
            sqlx::query("INSERT INTO role_permissions (role_id, permission) VALUES ($1, $2)")
                .bind(id)
                .bind(permission.key())
                .execute(&mut *tx)
                .await?;
        }
        let rights: Vec<&str> = permissions.iter().map(|p| p.label()).collect();
        tx.audit_line(&Audit {
            institution_id,
            actor_id: Some(actor_id),
            origin,
            action: "create role",
            subject_type: "role",
            subject_id: Some(id.to_string()),
            detail: format!(
                "{name}: {} over {}",
                rights.join(", "),
                year_level.map_or("every group".to_string(), |year| format!(
                    "the groups of year {year}"
                ))
            ),
        });
        tx.touch_access();
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a custom role's name, rights and year level, with its audit line; the people
    /// who hold it have the new rights from their next request.
    pub async fn edit_custom_role(
        &self,
        by: Actor<'_>,
        role_id: i64,
        name: &str,
        permissions: &[Permission],
        year_level: Option<i64>,
    ) -> CoreResult<()> {
        let mut tx = self.write_as(by).await?;
        let old = custom_role_name(&mut tx, by.institution_id, role_id).await?;
        let scope = ("institution_id", by.institution_id);
        if taken(&mut tx, ("roles", "name"), scope, name, Some(role_id)).await? {
            return Err(CoreError::invalid(
                "name",
                format!("a role is already named {name}"),
            ));
        }
        sqlx::query("UPDATE roles SET name = $1, scope_year_level = $2 WHERE id = $3")
            .bind(name)
            .bind(year_level)
            .bind(role_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM role_permissions WHERE role_id = $1")
            .bind(role_id)
            .execute(&mut *tx)
            .await?;
        for permission in permissions {
            sqlx::query("INSERT INTO role_permissions (role_id, permission) VALUES ($1, $2)")
                .bind(role_id)
                .bind(permission.key())
                .execute(&mut *tx)
                .await?;
        }
        let rights: Vec<&str> = permissions.iter().map(|p| p.label()).collect();
        tx.audit(
            "edit role",
            ("role", Some(role_id.to_string())),
            format!(
                "{old} → {name}: {} over {}",
                rights.join(", "),
                year_level.map_or("every group".to_string(), |year| format!(
                    "the groups of year {year}"
                ))
            ),
        );
        tx.touch_access();
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a custom role nobody holds (take it away from its holders first: nothing is
    /// lost by surprise), with its audit line.
    pub async fn delete_custom_role(&self, by: Actor<'_>, role_id: i64) -> CoreResult<()> {
        let mut tx = self.write_as(by).await?;
        let name = custom_role_name(&mut tx, by.institution_id, role_id).await?;
        let holders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM user_roles WHERE role_id = $1")
            .bind(role_id)
            .fetch_one(&mut *tx)
            .await?;
        if holders > 0 {
            return Err(CoreError::invalid(
                "role",
                format!("{name} is held by {holders} people; take it away from them first"),
            ));
        }
        sqlx::query("DELETE FROM role_permissions WHERE role_id = $1")
            .bind(role_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM roles WHERE id = $1")
            .bind(role_id)
            .execute(&mut *tx)
            .await?;
        tx.audit("delete role", ("role", Some(role_id.to_string())), name);
        tx.touch_access();
        tx.commit().await?;
        Ok(())
    }
}

/// A custom role's name, when it is one of the institution's (built-in roles are not edited).
async fn custom_role_name(
    tx: &mut super::write::Write<'_>,
    institution_id: InstitutionId,
    role_id: i64,
) -> CoreResult<String> {
    sqlx::query_scalar(
        "SELECT name FROM roles WHERE id = $1 AND institution_id = $2 AND builtin = 0",
    )
    .bind(role_id)
    .bind(institution_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| CoreError::NotFound(format!("custom role {role_id}")))
}
