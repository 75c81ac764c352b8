//! Accounts and sessions: finding a person by email, server-side sessions keyed by the
//! SHA-256 of the cookie's token, and the `Viewer` every request works with.

use sha2::{Digest, Sha256};

use super::Store;
use crate::error::CoreResult;
use crate::model::{Grant, LearnerRef, Permission, Role, UserId, Viewer};

/// What sign-in needs to know about an account.
#[derive(Clone, Debug)]
pub struct LoginRecord {
    pub user_id: UserId,
    pub password_hash: Option<String>,
    pub status: String,
}

impl LoginRecord {
    /// Only active people (and alumni, who keep their backpack) may sign in.
    pub fn may_sign_in(&self) -> bool {
        matches!(self.status.as_str(), "active" | "alumni")
    }
}

/// The form an email takes in the store: trimmed and lower-case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The session table keeps only this hash of the cookie's token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

impl Store {
    pub async fn find_login(&self, email: &str) -> CoreResult<Option<LoginRecord>> {
        let row: Option<(i64, Option<String>, String)> =
            sqlx::query_as("SELECT id, password_hash, status FROM users WHERE email = $1")
                .bind(normalize_email(email))
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|(user_id, password_hash, status)| LoginRecord {
            user_id,
            password_hash,
            status,
        }))
    }

    /// Records a new session for `user_id`, identified by the hash of its token.
    pub async fn create_session(
        &self,
        user_id: UserId,
        token: &str,
        created_at: &str,
        expires_at: &str,
    ) -> CoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash(token))
        .bind(user_id)
        .bind(created_at)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        // Nothing a kept page shows.
        tx.touch_no_page();
        tx.commit().await?;
        Ok(())
    }

    /// The person a session token belongs to, if the session exists and has not expired.
    pub async fn session_viewer(&self, token: &str, now: &str) -> CoreResult<Option<Viewer>> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash(token))
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some((user_id,)) => self.viewer(user_id).await,
            None => Ok(None),
        }
    }

    /// Ends a session (sign-out): its live streams end at their next event.
    pub async fn delete_session(&self, token: &str) -> CoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(&mut *tx)
            .await?;
        tx.touch_access();
        tx.commit().await
    }

    /// Removes sessions that expired before `now`.
    pub async fn prune_sessions(&self, now: &str) -> CoreResult<u64> {
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        // Nothing a kept page shows.
        tx.touch_no_page();
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// A person who may use Cairn now, with their built-in roles.
    pub async fn viewer(&self, user_id: UserId) -> CoreResult<Option<Viewer>> {
        let row: Option<(i64, String, String, i64, String)> = sqlx::query_as(
            "SELECT u.id, u.name, u.email, u.institution_id, i.name \
             FROM users u JOIN institutions i ON i.id = u.institution_id \
             WHERE u.id = $1 AND u.status IN ('active', 'alumni')",
        )
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?;
        let Some((id, name, email, institution_id, institution)) = row else {
            return Ok(None);
        };
        let keys: Vec<(String,)> = sqlx::query_as(
            "SELECT r.key FROM user_roles ur JOIN roles r ON r.id = ur.role_id \
             WHERE ur.user_id = $1",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        let mut roles: Vec<Role> = keys
            .iter()
            .filter_map(|(key,)| Role::from_key(key))
            .collect();
        roles.sort();
        // Custom roles: each permission over their year level (or every group).
        let granted: Vec<(String, Option<i64>)> = sqlx::query_as(
            "SELECT DISTINCT p.permission, r.scope_year_level FROM user_roles ur \
             JOIN roles r ON r.id = ur.role_id AND r.builtin = 0 \
             JOIN role_permissions p ON p.role_id = r.id WHERE ur.user_id = $1",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        let grants = granted
            .into_iter()
            .filter_map(|(key, year_level)| {
                Permission::from_key(&key).map(|permission| Grant {
                    permission,
                    year_level,
                })
            })
            .collect();
        Ok(Some(Viewer {
            id,
            name,
            email,
            institution_id,
            institution,
            roles,
            grants,
            origin: None,
        }))
    }

    /// A parent's linked children, by name.
    pub async fn linked_learners(&self, parent_id: UserId) -> CoreResult<Vec<LearnerRef>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT u.id, u.name FROM parent_links p JOIN users u ON u.id = p.learner_id \
             WHERE p.parent_id = $1 ORDER BY u.name, u.id",
        )
        .bind(parent_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name)| LearnerRef { id, name })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_compared_trimmed_and_lower_case() {
        assert_eq!(
            normalize_email("  Learner@Demo.Cairn "),
            "learner@demo.cairn"
        );
    }

    #[test]
    fn the_token_hash_is_hex_sha256() {
        let hash = token_hash("abc");
        assert_eq!(
            hash,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
