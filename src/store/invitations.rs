//! Invitations: a person an administrator adds chooses their own password through a link with
//! a one-time token (only its hash is kept), valid for `INVITATION_DAYS`. A new invitation
//! replaces the person's unused ones; accepting sets the password and uses the token up.

use super::accounts::token_hash;
use super::audit::{Actor, Audit};
use super::Store;
use crate::clock;
use crate::error::{CoreError, CoreResult};
use crate::model::{Invitation, UserId};

/// How long an invitation link stays valid.
pub const INVITATION_DAYS: i64 = 14;

/// A new random token, as the link carries it.
pub fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Store {
    /// Invites one of the institution's people: a new token (older unused ones stop working),
    /// with its audit line. Returns the token for the link.
    pub async fn invite(&self, by: Actor<'_>, user_id: UserId) -> CoreResult<String> {
        let mut tx = self.write_as(by).await?;
        let person: Option<(String, String)> =
            sqlx::query_as("SELECT name, email FROM users WHERE id = $1 AND institution_id = $2")
                .bind(user_id)
                .bind(by.institution_id)
                .fetch_optional(&mut *tx)
                .await?;
        let (name, email) =
            person.ok_or_else(|| CoreError::NotFound(format!("person {user_id}")))?;
        sqlx::query("DELETE FROM invitations WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let token = new_token();
        let created = time::OffsetDateTime::now_utc();
        let expires = created + time::Duration::days(INVITATION_DAYS);
        sqlx::query(
            "INSERT INTO invitations (token_hash, user_id, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(by.actor_id)
        .bind(clock::format(created))
        .bind(clock::format(expires))
        .execute(&mut *tx)
        .await?;
        tx.audit(
            "invite person",
            ("user", Some(user_id.to_string())),
            format!("{name} <{email}>, a sign-in link valid for {INVITATION_DAYS} days"),
        );
        // The sign-in link itself: no page shows it.
        tx.touch_no_page();
        tx.commit().await?;
        Ok(token)
    }

    /// The invitation a token opens, while it is unused and unexpired.
    pub async fn invitation(&self, token: &str) -> CoreResult<Option<Invitation>> {
        let row: Option<(i64, String, String, String)> = sqlx::query_as(
            "SELECT u.id, u.name, u.email, i.expires_at FROM invitations i \
             JOIN users u ON u.id = i.user_id \
             WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2 \
               AND u.status IN ('active', 'pending')",
        )
        .bind(token_hash(token))
        .bind(clock::now())
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(user_id, name, email, expires_at)| Invitation {
            user_id,
            name,
            email,
            expires_at,
        }))
    }

    /// Accepts an invitation: the person's password becomes `password_hash` and the token is
    /// used up, with an audit line, in one transaction. The person's id.
    pub async fn accept_invitation(&self, token: &str, password_hash: &str) -> CoreResult<UserId> {
        let invitation = self.invitation(token).await?.ok_or_else(|| {
            CoreError::invalid(
                "invitation",
                "this link has expired or has been used; ask your school for a new one",
            )
        })?;
        let mut tx = self.write().await?;
        let used = sqlx::query(
            "UPDATE invitations SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
        )
        .bind(clock::now())
        .bind(token_hash(token))
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() != 1 {
            return Err(CoreError::invalid(
                "invitation",
                "this link has just been used; sign in with your password",
            ));
        }
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(invitation.user_id)
            .execute(&mut *tx)
            .await?;
        // A new password ends every session the old one (or a stolen link) opened.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(invitation.user_id)
            .execute(&mut *tx)
            .await?;
        let institution_id: i64 =
            sqlx::query_scalar("SELECT institution_id FROM users WHERE id = $1")
                .bind(invitation.user_id)
                .fetch_one(&mut *tx)
                .await?;
        tx.audit_line(&Audit {
            institution_id,
            actor_id: Some(invitation.user_id),
            origin: None,
            action: "accept invitation",
            subject_type: "user",
            subject_id: Some(invitation.user_id.to_string()),
            detail: format!("{} chose a password", invitation.name),
        });
        tx.touch_access();
        tx.commit().await?;
        Ok(invitation.user_id)
    }
}
