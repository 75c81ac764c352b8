//! People as administrators manage them: listed and searched, approved, disabled (their
//! sessions end at once) and enabled again — each change with its audit line.

use super::audit::Actor;
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
        by: Actor<'_>,
        user_id: UserId,
        status: UserStatus,
    ) -> CoreResult<()> {
        let Actor {
            institution_id,
            actor_id,
            origin,
        } = by;
        let mut tx = self.write().await?;
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
        tx.audit_line(&Audit {
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
        });
        tx.touch_access();
        tx.commit().await?;
        Ok(())
    }
}

/// A change to one person's place in the institution, with the audit line it leaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PersonChange {
    /// Hold exactly these roles (ids of the institution's roles).
    Roles(Vec<i64>),
    LinkChild(UserId),
    UnlinkChild(UserId),
    /// Join a group as a `learner` or a `teacher`.
    Join {
        group_id: i64,
        member_role: String,
    },
    /// Leave a group: the stay is closed, not deleted.
    Leave {
        group_id: i64,
    },
    /// Leave one group and join another in the same role, at the same moment.
    Move {
        from: i64,
        to: i64,
    },
}

impl Store {
    /// One person as an administrator manages them, or `NotFound` outside the institution.
    pub async fn person_admin(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        me: UserId,
    ) -> CoreResult<crate::model::PersonAdmin> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT name, email, status FROM users WHERE id = $1 AND institution_id = $2",
        )
        .bind(user_id)
        .bind(institution_id)
        .fetch_optional(self.pool())
        .await?;
        let (name, email, status) =
            row.ok_or_else(|| CoreError::NotFound(format!("person {user_id}")))?;
        let roles: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(
            "SELECT r.id, r.key, r.name, r.builtin, \
               (SELECT COUNT(*) FROM user_roles ur WHERE ur.role_id = r.id AND ur.user_id = $2) \
             FROM roles r WHERE r.institution_id = $1 ORDER BY r.builtin DESC, r.id",
        )
        .bind(institution_id)
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        let roles: Vec<crate::model::RoleChoice> = roles
            .into_iter()
            .map(|(id, key, name, builtin, held)| crate::model::RoleChoice {
                id,
                key,
                name,
                builtin: builtin != 0,
                held: held > 0,
            })
            .collect();
        let mut held: Vec<Role> = roles
            .iter()
            .filter(|role| role.held)
            .filter_map(|role| Role::from_key(&role.key))
            .collect();
        held.sort();
        let linked = |sql: &'static str| async move {
            let rows: Vec<(i64, String)> = sqlx::query_as(sql)
                .bind(user_id)
                .fetch_all(self.pool())
                .await?;
            Ok::<_, CoreError>(
                rows.into_iter()
                    .map(|(id, name)| crate::model::LearnerRef { id, name })
                    .collect::<Vec<_>>(),
            )
        };
        let children = linked(
            "SELECT u.id, u.name FROM parent_links p JOIN users u ON u.id = p.learner_id \
             WHERE p.parent_id = $1 ORDER BY u.name, u.id",
        )
        .await?;
        let parents = linked(
            "SELECT u.id, u.name FROM parent_links p JOIN users u ON u.id = p.parent_id \
             WHERE p.learner_id = $1 ORDER BY u.name, u.id",
        )
        .await?;
        let stays: Vec<(i64, String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT g.id, g.name, m.member_role, m.joined_at, m.left_at \
             FROM group_members m JOIN groups g ON g.id = m.group_id \
             WHERE m.user_id = $1 \
             ORDER BY CASE WHEN m.left_at IS NULL THEN 0 ELSE 1 END, m.joined_at DESC, m.id DESC",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        let groups: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, name FROM groups WHERE institution_id = $1 AND archived_at IS NULL \
             ORDER BY name, id",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        Ok(crate::model::PersonAdmin {
            person: UserSummary {
                id: user_id,
                name,
                email,
                roles: held,
                status: UserStatus::from_key(&status).unwrap_or(UserStatus::Disabled),
            },
            roles,
            children,
            parents,
            memberships: stays
                .into_iter()
                .map(|(group_id, group, member_role, joined_at, left_at)| {
                    crate::model::Membership {
                        group_id,
                        group,
                        member_role,
                        joined_at,
                        left_at,
                    }
                })
                .collect(),
            groups: groups
                .into_iter()
                .map(|(id, name)| crate::model::GroupChoice { id, name })
                .collect(),
            me,
        })
    }

    /// Applies one change to a person, checked against the institution's facts, with its
    /// audit line, in one transaction.
    pub async fn change_person(
        &self,
        by: Actor<'_>,
        user_id: UserId,
        change: &PersonChange,
    ) -> CoreResult<()> {
        let Actor {
            institution_id,
            actor_id,
            origin,
        } = by;
        let now = crate::clock::now();
        let mut tx = self.write().await?;
        let person: Option<(String,)> =
            sqlx::query_as("SELECT email FROM users WHERE id = $1 AND institution_id = $2")
                .bind(user_id)
                .bind(institution_id)
                .fetch_optional(&mut *tx)
                .await?;
        let (email,) = person.ok_or_else(|| CoreError::NotFound(format!("person {user_id}")))?;
        let role_keys = |id: UserId| {
            sqlx::query_scalar::<_, String>(
                "SELECT r.key FROM user_roles ur JOIN roles r ON r.id = ur.role_id \
                 WHERE ur.user_id = $1 ORDER BY r.key",
            )
            .bind(id)
        };
        let keys: Vec<String> = role_keys(user_id).fetch_all(&mut *tx).await?;
        let open_group = |group_id: i64| {
            sqlx::query_scalar::<_, String>(
                "SELECT name FROM groups WHERE id = $1 AND institution_id = $2 \
                 AND archived_at IS NULL",
            )
            .bind(group_id)
            .bind(institution_id)
        };
        let (action, detail) = match change {
            PersonChange::Roles(role_ids) => {
                let mut names = Vec::new();
                for role_id in role_ids {
                    let name: Option<String> = sqlx::query_scalar(
                        "SELECT key FROM roles WHERE id = $1 AND institution_id = $2",
                    )
                    .bind(role_id)
                    .bind(institution_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    names.push(name.ok_or_else(|| {
                        CoreError::invalid("roles", format!("role {role_id} does not exist here"))
                    })?);
                }
                if names.is_empty() {
                    return Err(CoreError::invalid("roles", "choose at least one role"));
                }
                if user_id == actor_id && !names.iter().any(|key| key == "admin") {
                    return Err(CoreError::invalid(
                        "roles",
                        "you cannot take away your own administration; ask another administrator",
                    ));
                }
                sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                let mut ids = role_ids.clone();
                ids.sort_unstable();
                ids.dedup();
                for role_id in ids {
                    sqlx::query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)")
                        .bind(user_id)
                        .bind(role_id)
                        .execute(&mut *tx)
                        .await?;
                }
                names.sort();
                names.dedup();
                (
                    "change roles",
                    format!("{email}: {} → {}", keys.join(", "), names.join(", ")),
                )
            }
            PersonChange::LinkChild(learner_id) | PersonChange::UnlinkChild(learner_id) => {
                let learner: Option<String> = sqlx::query_scalar(
                    "SELECT email FROM users WHERE id = $1 AND institution_id = $2",
                )
                .bind(learner_id)
                .bind(institution_id)
                .fetch_optional(&mut *tx)
                .await?;
                let learner =
                    learner.ok_or_else(|| CoreError::NotFound(format!("learner {learner_id}")))?;
                if let PersonChange::LinkChild(_) = change {
                    if !keys.iter().any(|key| key == "parent") {
                        return Err(CoreError::invalid(
                            "learner",
                            "only a person with the parent role is linked to learners",
                        ));
                    }
                    let learner_keys: Vec<String> =
                        role_keys(*learner_id).fetch_all(&mut *tx).await?;
                    if !learner_keys.iter().any(|key| key == "learner") {
                        return Err(CoreError::invalid(
                            "learner",
                            format!("{learner} is not a learner"),
                        ));
                    }
                    let linked: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM parent_links WHERE parent_id = $1 AND learner_id = $2",
                    )
                    .bind(user_id)
                    .bind(learner_id)
                    .fetch_one(&mut *tx)
                    .await?;
                    if linked > 0 {
                        return Err(CoreError::invalid(
                            "learner",
                            format!("{learner} is already linked"),
                        ));
                    }
                    sqlx::query(
                        "INSERT INTO parent_links (parent_id, learner_id, created_at) \
                         VALUES ($1, $2, $3)",
                    )
                    .bind(user_id)
                    .bind(learner_id)
                    .bind(&now)
                    .execute(&mut *tx)
                    .await?;
                    ("link parent", format!("{email} is a parent of {learner}"))
                } else {
                    sqlx::query(
                        "DELETE FROM parent_links WHERE parent_id = $1 AND learner_id = $2",
                    )
                    .bind(user_id)
                    .bind(learner_id)
                    .execute(&mut *tx)
                    .await?;
                    (
                        "unlink parent",
                        format!("{email} is no longer a parent of {learner}"),
                    )
                }
            }
            PersonChange::Join {
                group_id,
                member_role,
            } => {
                if !matches!(member_role.as_str(), "learner" | "teacher") {
                    return Err(CoreError::invalid("as", "is learner or teacher"));
                }
                if !keys.iter().any(|key| key == member_role) {
                    return Err(CoreError::invalid(
                        "as",
                        format!("{email} does not have the {member_role} role"),
                    ));
                }
                let group = open_group(*group_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| CoreError::invalid("group", "is not an open group here"))?;
                self.refuse_second_stay(&mut tx, user_id, *group_id).await?;
                sqlx::query(
                    "INSERT INTO group_members (group_id, user_id, member_role, joined_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(group_id)
                .bind(user_id)
                .bind(member_role)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
                (
                    "join group",
                    format!("{email} joins {group} as a {member_role}"),
                )
            }
            PersonChange::Leave { group_id } => {
                let group: Option<String> = sqlx::query_scalar(
                    "SELECT name FROM groups WHERE id = $1 AND institution_id = $2",
                )
                .bind(group_id)
                .bind(institution_id)
                .fetch_optional(&mut *tx)
                .await?;
                let group =
                    group.ok_or_else(|| CoreError::NotFound(format!("group {group_id}")))?;
                self.close_stay(&mut tx, user_id, *group_id, &now).await?;
                ("leave group", format!("{email} leaves {group}"))
            }
            PersonChange::Move { from, to } => {
                if from == to {
                    return Err(CoreError::invalid("to", "is the group they are in"));
                }
                let target = open_group(*to)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| CoreError::invalid("to", "is not an open group here"))?;
                let stay: Option<(String, String)> = sqlx::query_as(
                    "SELECT m.member_role, g.name FROM group_members m \
                     JOIN groups g ON g.id = m.group_id \
                     WHERE m.user_id = $1 AND m.group_id = $2 AND m.left_at IS NULL",
                )
                .bind(user_id)
                .bind(from)
                .fetch_optional(&mut *tx)
                .await?;
                let (member_role, source) = stay
                    .ok_or_else(|| CoreError::invalid("from", "is not a group they are in now"))?;
                self.close_stay(&mut tx, user_id, *from, &now).await?;
                self.refuse_second_stay(&mut tx, user_id, *to).await?;
                sqlx::query(
                    "INSERT INTO group_members (group_id, user_id, member_role, joined_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(to)
                .bind(user_id)
                .bind(&member_role)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
                (
                    "move between groups",
                    format!("{email} moves from {source} to {target}"),
                )
            }
        };
        tx.audit_line(&Audit {
            institution_id,
            actor_id: Some(actor_id),
            origin,
            action,
            subject_type: "person",
            subject_id: Some(user_id.to_string()),
            detail,
        });
        tx.touch_access();
        tx.commit().await?;
        Ok(())
    }

    /// The institution's learner with this (normalised) email.
    pub async fn learner_by_email(
        &self,
        institution_id: InstitutionId,
        email: &str,
    ) -> CoreResult<Option<UserId>> {
        Ok(sqlx::query_scalar(
            "SELECT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id \
             JOIN roles r ON r.id = ur.role_id \
             WHERE u.institution_id = $1 AND LOWER(u.email) = $2 AND r.key = 'learner'",
        )
        .bind(institution_id)
        .bind(email)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Refuses a second open stay in the same group.
    async fn refuse_second_stay(
        &self,
        tx: &mut super::write::Write<'_>,
        user_id: UserId,
        group_id: i64,
    ) -> CoreResult<()> {
        let open: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM group_members \
             WHERE user_id = $1 AND group_id = $2 AND left_at IS NULL",
        )
        .bind(user_id)
        .bind(group_id)
        .fetch_one(&mut **tx)
        .await?;
        if open > 0 {
            return Err(CoreError::invalid(
                "group",
                "they are in that group already",
            ));
        }
        Ok(())
    }

    /// Closes the person's open stay in a group (the row stays: it is their history).
    async fn close_stay(
        &self,
        tx: &mut super::write::Write<'_>,
        user_id: UserId,
        group_id: i64,
        now: &str,
    ) -> CoreResult<()> {
        let closed = sqlx::query(
            "UPDATE group_members SET left_at = $1 \
             WHERE user_id = $2 AND group_id = $3 AND left_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .bind(group_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if closed == 0 {
            return Err(CoreError::invalid(
                "group",
                "they are not in that group now",
            ));
        }
        Ok(())
    }
}
